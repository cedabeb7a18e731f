import { XMLBuilder, XMLParser, XMLValidator } from 'fast-xml-parser';

/**
 * CAP 1.2 (OASIS Common Alerting Protocol): the structure of an alert, a structural validator and a
 * writer. Pure: no database, no clock. Areas are matched to our places by geocode: valueName
 * CAP_GEOCODE_NAME, value = the unit's code (communes as in QĐ 19/2025/QĐ-TTg, villages
 * `{commune}.{nn}`).
 */

export const CAP_NAMESPACE = 'urn:oasis:names:tc:emergency:cap:1.2';
export const CAP_GEOCODE_NAME = 'VN-MADVHC';
/** CAP 1.2 §3.2.2 `language`: "If not present, an implicit default value of 'en-US' SHALL be assumed." */
export const CAP_DEFAULT_LANGUAGE = 'en-US';

export const CAP_STATUS = ['Actual', 'Exercise', 'System', 'Test', 'Draft'] as const;
export const CAP_MSG_TYPE = ['Alert', 'Update', 'Cancel', 'Ack', 'Error'] as const;
export const CAP_SCOPE = ['Public', 'Restricted', 'Private'] as const;
export const CAP_CATEGORY = [
  'Geo',
  'Met',
  'Safety',
  'Security',
  'Rescue',
  'Fire',
  'Health',
  'Env',
  'Transport',
  'Infra',
  'CBRNE',
  'Other',
] as const;
export const CAP_RESPONSE_TYPE = [
  'Shelter',
  'Evacuate',
  'Prepare',
  'Execute',
  'Avoid',
  'Monitor',
  'Assess',
  'AllClear',
  'None',
] as const;
export const CAP_URGENCY = ['Immediate', 'Expected', 'Future', 'Past', 'Unknown'] as const;
export const CAP_SEVERITY = ['Extreme', 'Severe', 'Moderate', 'Minor', 'Unknown'] as const;
export const CAP_CERTAINTY = ['Observed', 'Likely', 'Possible', 'Unlikely', 'Unknown'] as const;

export interface CapValuePair {
  valueName: string;
  value: string;
}

export interface CapResource {
  resourceDesc: string;
  mimeType: string;
  size?: number;
  uri?: string;
  digest?: string;
}

/** CAP 1.2 §3.2.4: only `areaDesc` is required; polygon, circle and geocode are each optional. */
export interface CapArea {
  areaDesc: string;
  polygon?: string[];
  circle?: string[];
  geocode?: CapValuePair[];
}

export interface CapInfo {
  /** Absent means en-US (CAP 1.2 §3.2.2); read it through `infoLanguage`. */
  language?: string;
  category: string[];
  event: string;
  responseType?: string[];
  urgency: string;
  severity: string;
  certainty: string;
  audience?: string;
  eventCode?: CapValuePair[];
  effective?: string;
  onset?: string;
  expires?: string;
  senderName?: string;
  headline?: string;
  description?: string;
  instruction?: string;
  web?: string;
  contact?: string;
  parameter?: CapValuePair[];
  resource?: CapResource[];
  area: CapArea[];
}

export interface CapAlert {
  identifier: string;
  sender: string;
  sent: string;
  status: string;
  msgType: string;
  source?: string;
  scope: string;
  restriction?: string;
  addresses?: string;
  code?: string[];
  note?: string;
  references?: string;
  incidents?: string;
  info: CapInfo[];
}

export type CapParse = { ok: true; alert: CapAlert } | { ok: false; errors: string[] };

/** CAP dateTime: seconds, an explicit offset, never "Z" (CAP 1.2 §3.3.2). */
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$/;
/** identifier and sender: no spaces, commas or restricted characters (CAP 1.2 §3.2.1). */
const TOKEN = /^[^\s,<&]+$/;

const REPEATED = new Set([
  'alert.code',
  'alert.info',
  'alert.info.category',
  'alert.info.responseType',
  'alert.info.eventCode',
  'alert.info.parameter',
  'alert.info.resource',
  'alert.info.area',
  'alert.info.area.polygon',
  'alert.info.area.circle',
  'alert.info.area.geocode',
]);

/** CAP nests 5 deep (alert, info, area, geocode, value); a signature adds a few levels. */
export const CAP_MAX_DEPTH = 16;

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  removeNSPrefix: true,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  // CAP has no entities beyond XML's five; a DOCTYPE is refused before parsing anyway.
  processEntities: true,
  isArray: (_name, jPath) => typeof jPath === 'string' && REPEATED.has(jPath),
  maxNestedTags: CAP_MAX_DEPTH + 1,
});

type Node = Record<string, unknown>;

/**
 * Whether elements nest deeper than `max`, found by one pass over the text before any parser
 * sees it (a parser recursing or stacking 50,000 levels is how a small document takes a server
 * down). Comments, CDATA and processing instructions open nothing; quoted attribute values may
 * hold ">". Malformed text is left to the validator.
 */
function nestsDeeperThan(xml: string, max: number): boolean {
  let depth = 0;
  let at = xml.indexOf('<');
  while (at >= 0) {
    if (xml.startsWith('<!--', at)) at = xml.indexOf('-->', at + 4);
    else if (xml.startsWith('<![CDATA[', at)) at = xml.indexOf(']]>', at + 9);
    else if (xml[at + 1] === '?' || xml[at + 1] === '!') at = xml.indexOf('>', at + 2);
    else {
      const closing = xml[at + 1] === '/';
      let end = at + 1;
      let quote = '';
      for (; end < xml.length; end++) {
        const ch = xml[end];
        if (quote) {
          if (ch === quote) quote = '';
        } else if (ch === '"' || ch === "'") quote = ch;
        else if (ch === '>') break;
      }
      if (closing) depth--;
      else if (xml[end - 1] !== '/' && ++depth > max) return true;
      at = end;
    }
    if (at < 0) return false;
    at = xml.indexOf('<', at + 1);
  }
  return false;
}

/** CAP 1.2 date-time in Vietnam's offset, e.g. 2026-11-22T09:30:00+07:00. */
export function capDateTime(epochMs: number): string {
  return `${new Date(epochMs + 7 * 3_600_000).toISOString().slice(0, 19)}+07:00`;
}

export function parseCapDateTime(value: string): number {
  return Date.parse(value);
}

/**
 * Reads values out of the parsed document while collecting every problem, so one answer names
 * them all. Paths name the element, e.g. `info[0].urgency`.
 */
class Checker {
  readonly errors: string[] = [];

  text(node: Node, name: string, where: string, required: boolean): string | undefined {
    const v = node[name];
    if (v === undefined || v === '') {
      if (required) this.errors.push(`${where}${name}: required`);
      return undefined;
    }
    if (Array.isArray(v)) {
      this.errors.push(`${where}${name}: must appear once`);
      return undefined;
    }
    if (typeof v === 'object') {
      const inner = (v as Node)['#text'];
      if (typeof inner === 'string') return inner;
      this.errors.push(`${where}${name}: must be text`);
      return undefined;
    }
    return String(v);
  }

  oneOf(value: string | undefined, allowed: readonly string[], path: string) {
    if (value !== undefined && !allowed.includes(value)) {
      this.errors.push(`${path}: "${value}" is not one of ${allowed.join(', ')}`);
    }
  }

  dateTime(value: string | undefined, path: string) {
    if (value !== undefined && (!DATE_TIME.test(value) || Number.isNaN(Date.parse(value)))) {
      this.errors.push(`${path}: "${value}" is not a CAP date-time such as 2026-11-22T09:30:00+07:00`);
    }
  }

  list(node: Node, name: string): unknown[] {
    const v = node[name];
    return Array.isArray(v) ? v : v === undefined ? [] : [v];
  }

  texts(node: Node, name: string, where: string) {
    return this.list(node, name).map((v, i) => {
      if (typeof v === 'object' && v) {
        this.errors.push(`${where}${name}[${i}]: must be text`);
        return '';
      }
      return String(v);
    });
  }

  pairs(node: Node, name: string, where: string): CapValuePair[] {
    return this.list(node, name).map((p, i) => {
      const at = `${where}${name}[${i}].`;
      if (!p || typeof p !== 'object') {
        this.errors.push(`${at.slice(0, -1)}: needs valueName and value`);
        return { valueName: '', value: '' };
      }
      return {
        valueName: this.text(p as Node, 'valueName', at, true) ?? '',
        value: this.text(p as Node, 'value', at, true) ?? '',
      };
    });
  }
}

const asNode = (v: unknown) => (v && typeof v === 'object' ? v : {}) as Node;

function readResource(c: Checker, raw: unknown, at: string): CapResource {
  const rn = asNode(raw);
  const size = c.text(rn, 'size', at, false);
  if (size !== undefined && !/^\d+$/.test(size)) c.errors.push(`${at}size: must be a whole number of bytes`);
  return dropUndefined({
    resourceDesc: c.text(rn, 'resourceDesc', at, true) ?? '',
    mimeType: c.text(rn, 'mimeType', at, true) ?? '',
    size: size === undefined ? undefined : Number(size),
    uri: c.text(rn, 'uri', at, false),
    digest: c.text(rn, 'digest', at, false),
  });
}

function readArea(c: Checker, raw: unknown, at: string): CapArea {
  const an = asNode(raw);
  // geocode is optional (CAP 1.2 §3.2.4): an area may be only a polygon or a circle.
  const geocode = c.pairs(an, 'geocode', at);
  const polygon = c.texts(an, 'polygon', at);
  const circle = c.texts(an, 'circle', at);
  return dropUndefined({
    areaDesc: c.text(an, 'areaDesc', at, true) ?? '',
    polygon: polygon.length ? polygon : undefined,
    circle: circle.length ? circle : undefined,
    geocode: geocode.length ? geocode : undefined,
  });
}

function readInfo(c: Checker, raw: unknown, at: string): CapInfo {
  const node = asNode(raw);
  // Checked in the schema's element order, so errors read top to bottom.
  const language = c.text(node, 'language', at, false);
  const category = c.texts(node, 'category', at);
  if (category.length === 0) c.errors.push(`${at}category: required`);
  for (const [j, cat] of category.entries()) c.oneOf(cat, CAP_CATEGORY, `${at}category[${j}]`);
  const event = c.text(node, 'event', at, true) ?? '';
  const responseType = c.texts(node, 'responseType', at);
  for (const [j, r] of responseType.entries()) c.oneOf(r, CAP_RESPONSE_TYPE, `${at}responseType[${j}]`);
  const urgency = c.text(node, 'urgency', at, true);
  const severity = c.text(node, 'severity', at, true);
  const certainty = c.text(node, 'certainty', at, true);
  c.oneOf(urgency, CAP_URGENCY, `${at}urgency`);
  c.oneOf(severity, CAP_SEVERITY, `${at}severity`);
  c.oneOf(certainty, CAP_CERTAINTY, `${at}certainty`);
  const effective = c.text(node, 'effective', at, false);
  const onset = c.text(node, 'onset', at, false);
  const expires = c.text(node, 'expires', at, false);
  c.dateTime(effective, `${at}effective`);
  c.dateTime(onset, `${at}onset`);
  c.dateTime(expires, `${at}expires`);
  const resource = c.list(node, 'resource').map((r, j) => readResource(c, r, `${at}resource[${j}].`));
  const areaNodes = c.list(node, 'area');
  if (areaNodes.length === 0) c.errors.push(`${at}area: at least one <area> is required`);
  const area = areaNodes.map((a, j) => readArea(c, a, `${at}area[${j}].`));
  const eventCode = c.pairs(node, 'eventCode', at);
  const parameter = c.pairs(node, 'parameter', at);
  return dropUndefined({
    language,
    category,
    event,
    responseType: responseType.length ? responseType : undefined,
    urgency: urgency ?? '',
    severity: severity ?? '',
    certainty: certainty ?? '',
    audience: c.text(node, 'audience', at, false),
    eventCode: eventCode.length ? eventCode : undefined,
    effective,
    onset,
    expires,
    senderName: c.text(node, 'senderName', at, false),
    headline: c.text(node, 'headline', at, false),
    description: c.text(node, 'description', at, false),
    instruction: c.text(node, 'instruction', at, false),
    web: c.text(node, 'web', at, false),
    contact: c.text(node, 'contact', at, false),
    parameter: parameter.length ? parameter : undefined,
    resource: resource.length ? resource : undefined,
    area,
  });
}

/**
 * Parses and checks a CAP 1.2 document: well-formed XML, the CAP namespace, every required element
 * present once, enumerated values from the standard, date-times with offsets, and the rules that
 * tie elements together (references for Update/Cancel, restriction for Restricted, addresses for
 * Private). Element order is not checked. Errors name the element, e.g. `info[0].urgency`.
 */
export function parseCap(xml: string): CapParse {
  if (/<!DOCTYPE/i.test(xml)) return { ok: false, errors: ['DOCTYPE is not allowed in a CAP document'] };
  if (nestsDeeperThan(xml, CAP_MAX_DEPTH)) {
    return { ok: false, errors: [`alert: elements nested more than ${CAP_MAX_DEPTH} deep (CAP needs 5)`] };
  }
  const valid = XMLValidator.validate(xml);
  if (valid !== true) {
    return { ok: false, errors: [`not well-formed XML: ${valid.err.msg} (line ${valid.err.line})`] };
  }
  let doc: Node;
  try {
    doc = parser.parse(xml) as Node;
  } catch (e) {
    // The validator passed it, so this is one of the parser's own limits: still the sender's input.
    return { ok: false, errors: [`not readable as CAP: ${(e as Error).message}`] };
  }
  const root = doc.alert as Node | undefined;
  if (!root || typeof root !== 'object') return { ok: false, errors: ['the root element must be <alert>'] };
  const c = new Checker();
  if (rootNamespace(xml) !== CAP_NAMESPACE) c.errors.push(`alert: the namespace must be ${CAP_NAMESPACE}`);

  const identifier = c.text(root, 'identifier', '', true);
  const sender = c.text(root, 'sender', '', true);
  const sent = c.text(root, 'sent', '', true);
  const status = c.text(root, 'status', '', true);
  const msgType = c.text(root, 'msgType', '', true);
  const scope = c.text(root, 'scope', '', true);
  if (identifier !== undefined && !TOKEN.test(identifier)) {
    c.errors.push('identifier: no spaces, commas, < or &');
  }
  if (sender !== undefined && !TOKEN.test(sender)) c.errors.push('sender: no spaces, commas, < or &');
  c.dateTime(sent, 'sent');
  c.oneOf(status, CAP_STATUS, 'status');
  c.oneOf(msgType, CAP_MSG_TYPE, 'msgType');
  c.oneOf(scope, CAP_SCOPE, 'scope');
  const restriction = c.text(root, 'restriction', '', false);
  const addresses = c.text(root, 'addresses', '', false);
  const references = c.text(root, 'references', '', false);
  if (scope === 'Restricted' && !restriction) c.errors.push('restriction: required when scope is Restricted');
  if (scope === 'Private' && !addresses) c.errors.push('addresses: required when scope is Private');
  if ((msgType === 'Update' || msgType === 'Cancel') && !references) {
    c.errors.push(`references: required when msgType is ${msgType}`);
  }

  const infoNodes = c.list(root, 'info');
  if (infoNodes.length === 0) c.errors.push('info: at least one <info> is required');
  const info = infoNodes.map((raw, i) => readInfo(c, raw, `info[${i}].`));

  if (c.errors.length) return { ok: false, errors: c.errors };
  const code = c.texts(root, 'code', '');
  return {
    ok: true,
    alert: dropUndefined({
      identifier: identifier as string,
      sender: sender as string,
      sent: sent as string,
      status: status as string,
      msgType: msgType as string,
      source: c.text(root, 'source', '', false),
      scope: scope as string,
      restriction,
      addresses,
      code: code.length ? code : undefined,
      note: c.text(root, 'note', '', false),
      references,
      incidents: c.text(root, 'incidents', '', false),
      info,
    }),
  };
}

/** The namespace of the root <alert> (the parser drops xmlns attributes along with prefixes). */
function rootNamespace(xml: string): string | undefined {
  const tag = /<(?:([A-Za-z_][\w.-]*):)?alert\b([^>]*)>/.exec(xml);
  if (!tag) return undefined;
  const attr = tag[1] ? `xmlns:${tag[1].replace(/\./g, '\\.')}` : 'xmlns';
  return new RegExp(`\\s${attr}\\s*=\\s*["']([^"']*)["']`).exec(tag[2] ?? '')?.[1];
}

/** The object without its undefined properties (optional CAP elements are absent, not empty). */
export function dropUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

const builder = new XMLBuilder({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  format: true,
  indentBy: '  ',
  suppressEmptyNode: true,
  processEntities: true,
});

/** Writes an alert as a CAP 1.2 document, elements in the order the schema requires. */
export function buildCap(alert: CapAlert): string {
  const pairsOut = (ps: CapValuePair[] | undefined) =>
    ps?.map((p) => ({ valueName: p.valueName, value: p.value }));
  const body = {
    alert: {
      '@_xmlns': CAP_NAMESPACE,
      identifier: alert.identifier,
      sender: alert.sender,
      sent: alert.sent,
      status: alert.status,
      msgType: alert.msgType,
      source: alert.source,
      scope: alert.scope,
      restriction: alert.restriction,
      addresses: alert.addresses,
      code: alert.code,
      note: alert.note,
      references: alert.references,
      incidents: alert.incidents,
      info: alert.info.map((i) => ({
        language: i.language,
        category: i.category,
        event: i.event,
        responseType: i.responseType,
        urgency: i.urgency,
        severity: i.severity,
        certainty: i.certainty,
        audience: i.audience,
        eventCode: pairsOut(i.eventCode),
        effective: i.effective,
        onset: i.onset,
        expires: i.expires,
        senderName: i.senderName,
        headline: i.headline,
        description: i.description,
        instruction: i.instruction,
        web: i.web,
        contact: i.contact,
        parameter: pairsOut(i.parameter),
        resource: i.resource?.map((r) => ({
          resourceDesc: r.resourceDesc,
          mimeType: r.mimeType,
          size: r.size,
          uri: r.uri,
          digest: r.digest,
        })),
        area: i.area.map((a) => ({
          areaDesc: a.areaDesc,
          polygon: a.polygon,
          circle: a.circle,
          geocode: pairsOut(a.geocode),
        })),
      })),
    },
  };
  return `<?xml version="1.0" encoding="UTF-8"?>\n${builder.build(stripUndefined(body))}`;
}

/** The builder writes `undefined` as an empty element; optional elements must be absent instead. */
function stripUndefined(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(stripUndefined);
  if (v && typeof v === 'object') {
    return Object.fromEntries(
      Object.entries(v)
        .filter(([, x]) => x !== undefined)
        .map(([k, x]) => [k, stripUndefined(x)]),
    );
  }
  return v;
}

/** The place codes an alert targets: every geocode with our valueName, in every info and area. */
export function capPlaceCodes(alert: CapAlert): string[] {
  const codes = new Set<string>();
  for (const info of alert.info)
    for (const area of info.area)
      for (const g of area.geocode ?? []) if (g.valueName === CAP_GEOCODE_NAME) codes.add(g.value);
  return [...codes];
}

/** The info block to speak: Vietnamese first (vi, vi-VN), else the first one. */
export function pickInfo(alert: CapAlert): CapInfo | undefined {
  return alert.info.find((i) => infoLanguage(i).toLowerCase().startsWith('vi')) ?? alert.info[0];
}

/** The info block's language, the standard's default when it names none (CAP 1.2 §3.2.2). */
export function infoLanguage(info: CapInfo): string {
  return info.language ?? CAP_DEFAULT_LANGUAGE;
}

/** Whether an area is drawn (polygon or circle) rather than, or as well as, named by geocode. */
export function isDrawn(area: CapArea): boolean {
  return Boolean(area.polygon?.length || area.circle?.length);
}

/** What the speakers say: the instruction (CAP's "what to do"), else the description, else the headline. */
export function spokenAlertText(info: CapInfo): string {
  return [info.headline, info.instruction ?? info.description].filter(Boolean).join('. ').trim();
}
