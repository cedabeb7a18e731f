import { XMLBuilder, XMLParser, XMLValidator } from 'fast-xml-parser';

/**
 * CAP 1.2 (OASIS Common Alerting Protocol): the structure of an alert, a structural validator and a
 * writer. Pure: no database, no clock. Areas are matched to our places by geocode: valueName
 * CAP_GEOCODE_NAME, value = the unit's code (communes as in QĐ 19/2025/QĐ-TTg, villages
 * `{commune}.{nn}`).
 */

export const CAP_NAMESPACE = 'urn:oasis:names:tc:emergency:cap:1.2';
export const CAP_GEOCODE_NAME = 'VN-MADVHC';

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

export interface CapArea {
  areaDesc: string;
  polygon?: string[];
  circle?: string[];
  geocode: CapValuePair[];
}

export interface CapInfo {
  language: string;
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
});

type Node = Record<string, unknown>;

/** CAP 1.2 date-time in Vietnam's offset, e.g. 2026-11-22T09:30:00+07:00. */
export function capDateTime(epochMs: number): string {
  return `${new Date(epochMs + 7 * 3_600_000).toISOString().slice(0, 19)}+07:00`;
}

export function parseCapDateTime(value: string): number {
  return Date.parse(value);
}

/**
 * Parses and checks a CAP 1.2 document: well-formed XML, the CAP namespace, every required element
 * present once, enumerated values from the standard, date-times with offsets, and the rules that
 * tie elements together (references for Update/Cancel, restriction for Restricted, addresses for
 * Private). Element order is not checked. Errors name the element, e.g. `info[0].urgency`.
 */
export function parseCap(xml: string): CapParse {
  const errors: string[] = [];
  if (/<!DOCTYPE/i.test(xml)) return { ok: false, errors: ['DOCTYPE is not allowed in a CAP document'] };
  const valid = XMLValidator.validate(xml);
  if (valid !== true) {
    return { ok: false, errors: [`not well-formed XML: ${valid.err.msg} (line ${valid.err.line})`] };
  }
  const doc = parser.parse(xml) as Node;
  const root = doc.alert as Node | undefined;
  if (!root || typeof root !== 'object') return { ok: false, errors: ['the root element must be <alert>'] };
  if (rootNamespace(xml) !== CAP_NAMESPACE) errors.push(`alert: the namespace must be ${CAP_NAMESPACE}`);

  const text = (node: Node, name: string, where: string, required: boolean): string | undefined => {
    const v = node[name];
    if (v === undefined || v === '') {
      if (required) errors.push(`${where}${name}: required`);
      return undefined;
    }
    if (Array.isArray(v)) {
      errors.push(`${where}${name}: must appear once`);
      return undefined;
    }
    if (typeof v === 'object') {
      const inner = (v as Node)['#text'];
      if (typeof inner === 'string') return inner;
      errors.push(`${where}${name}: must be text`);
      return undefined;
    }
    return String(v);
  };
  const oneOf = (value: string | undefined, allowed: readonly string[], path: string) => {
    if (value !== undefined && !allowed.includes(value)) {
      errors.push(`${path}: "${value}" is not one of ${allowed.join(', ')}`);
    }
  };
  const dateTime = (value: string | undefined, path: string) => {
    if (value !== undefined && (!DATE_TIME.test(value) || Number.isNaN(Date.parse(value)))) {
      errors.push(`${path}: "${value}" is not a CAP date-time such as 2026-11-22T09:30:00+07:00`);
    }
  };
  const list = (node: Node, name: string): unknown[] => {
    const v = node[name];
    return Array.isArray(v) ? v : v === undefined ? [] : [v];
  };
  const texts = (node: Node, name: string, where: string) =>
    list(node, name).map((v, i) => {
      if (typeof v === 'object' && v) {
        errors.push(`${where}${name}[${i}]: must be text`);
        return '';
      }
      return String(v);
    });
  const pairs = (node: Node, name: string, where: string): CapValuePair[] =>
    list(node, name).map((p, i) => {
      const at = `${where}${name}[${i}].`;
      if (!p || typeof p !== 'object') {
        errors.push(`${at.slice(0, -1)}: needs valueName and value`);
        return { valueName: '', value: '' };
      }
      return {
        valueName: text(p as Node, 'valueName', at, true) ?? '',
        value: text(p as Node, 'value', at, true) ?? '',
      };
    });

  const identifier = text(root, 'identifier', '', true);
  const sender = text(root, 'sender', '', true);
  const sent = text(root, 'sent', '', true);
  const status = text(root, 'status', '', true);
  const msgType = text(root, 'msgType', '', true);
  const scope = text(root, 'scope', '', true);
  if (identifier !== undefined && !TOKEN.test(identifier)) {
    errors.push('identifier: no spaces, commas, < or &');
  }
  if (sender !== undefined && !TOKEN.test(sender)) errors.push('sender: no spaces, commas, < or &');
  dateTime(sent, 'sent');
  oneOf(status, CAP_STATUS, 'status');
  oneOf(msgType, CAP_MSG_TYPE, 'msgType');
  oneOf(scope, CAP_SCOPE, 'scope');
  const restriction = text(root, 'restriction', '', false);
  const addresses = text(root, 'addresses', '', false);
  const references = text(root, 'references', '', false);
  if (scope === 'Restricted' && !restriction) errors.push('restriction: required when scope is Restricted');
  if (scope === 'Private' && !addresses) errors.push('addresses: required when scope is Private');
  if ((msgType === 'Update' || msgType === 'Cancel') && !references) {
    errors.push(`references: required when msgType is ${msgType}`);
  }

  const infoNodes = list(root, 'info');
  if (infoNodes.length === 0) errors.push('info: at least one <info> is required');
  const info: CapInfo[] = infoNodes.map((raw, i) => {
    const at = `info[${i}].`;
    const node = (raw && typeof raw === 'object' ? raw : {}) as Node;
    // Checked in the schema's element order, so errors read top to bottom.
    const language = text(node, 'language', at, true) ?? '';
    const category = texts(node, 'category', at);
    if (category.length === 0) errors.push(`${at}category: required`);
    for (const [j, cat] of category.entries()) oneOf(cat, CAP_CATEGORY, `${at}category[${j}]`);
    const event = text(node, 'event', at, true) ?? '';
    const responseType = texts(node, 'responseType', at);
    for (const [j, r] of responseType.entries()) oneOf(r, CAP_RESPONSE_TYPE, `${at}responseType[${j}]`);
    const urgency = text(node, 'urgency', at, true);
    const severity = text(node, 'severity', at, true);
    const certainty = text(node, 'certainty', at, true);
    oneOf(urgency, CAP_URGENCY, `${at}urgency`);
    oneOf(severity, CAP_SEVERITY, `${at}severity`);
    oneOf(certainty, CAP_CERTAINTY, `${at}certainty`);
    const effective = text(node, 'effective', at, false);
    const onset = text(node, 'onset', at, false);
    const expires = text(node, 'expires', at, false);
    dateTime(effective, `${at}effective`);
    dateTime(onset, `${at}onset`);
    dateTime(expires, `${at}expires`);
    const resource = list(node, 'resource').map((r, j) => {
      const rAt = `${at}resource[${j}].`;
      const rn = (r && typeof r === 'object' ? r : {}) as Node;
      const size = text(rn, 'size', rAt, false);
      if (size !== undefined && !/^\d+$/.test(size))
        errors.push(`${rAt}size: must be a whole number of bytes`);
      return dropUndefined({
        resourceDesc: text(rn, 'resourceDesc', rAt, true) ?? '',
        mimeType: text(rn, 'mimeType', rAt, true) ?? '',
        size: size === undefined ? undefined : Number(size),
        uri: text(rn, 'uri', rAt, false),
        digest: text(rn, 'digest', rAt, false),
      });
    });
    const areaNodes = list(node, 'area');
    if (areaNodes.length === 0) errors.push(`${at}area: at least one <area> is required`);
    const area = areaNodes.map((a, j) => {
      const aAt = `${at}area[${j}].`;
      const an = (a && typeof a === 'object' ? a : {}) as Node;
      const geocode = pairs(an, 'geocode', aAt);
      if (geocode.length === 0) errors.push(`${aAt}geocode: at least one <geocode> is required`);
      const polygon = texts(an, 'polygon', aAt);
      const circle = texts(an, 'circle', aAt);
      return dropUndefined({
        areaDesc: text(an, 'areaDesc', aAt, true) ?? '',
        polygon: polygon.length ? polygon : undefined,
        circle: circle.length ? circle : undefined,
        geocode,
      });
    });
    const eventCode = pairs(node, 'eventCode', at);
    const parameter = pairs(node, 'parameter', at);
    return dropUndefined({
      language,
      category,
      event,
      responseType: responseType.length ? responseType : undefined,
      urgency: urgency ?? '',
      severity: severity ?? '',
      certainty: certainty ?? '',
      audience: text(node, 'audience', at, false),
      eventCode: eventCode.length ? eventCode : undefined,
      effective,
      onset,
      expires,
      senderName: text(node, 'senderName', at, false),
      headline: text(node, 'headline', at, false),
      description: text(node, 'description', at, false),
      instruction: text(node, 'instruction', at, false),
      web: text(node, 'web', at, false),
      contact: text(node, 'contact', at, false),
      parameter: parameter.length ? parameter : undefined,
      resource: resource.length ? resource : undefined,
      area,
    });
  });

  if (errors.length) return { ok: false, errors };
  const code = texts(root, 'code', '');
  return {
    ok: true,
    alert: dropUndefined({
      identifier: identifier as string,
      sender: sender as string,
      sent: sent as string,
      status: status as string,
      msgType: msgType as string,
      source: text(root, 'source', '', false),
      scope: scope as string,
      restriction,
      addresses,
      code: code.length ? code : undefined,
      note: text(root, 'note', '', false),
      references,
      incidents: text(root, 'incidents', '', false),
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

function dropUndefined<T extends object>(o: T): T {
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
      for (const g of area.geocode) if (g.valueName === CAP_GEOCODE_NAME) codes.add(g.value);
  return [...codes];
}

/** The info block to speak: Vietnamese first (vi, vi-VN), else the first one. */
export function pickInfo(alert: CapAlert): CapInfo | undefined {
  return alert.info.find((i) => i.language.toLowerCase().startsWith('vi')) ?? alert.info[0];
}

/** What the speakers say: the instruction (CAP's "what to do"), else the description, else the headline. */
export function spokenAlertText(info: CapInfo): string {
  return [info.headline, info.instruction ?? info.description].filter(Boolean).join('. ').trim();
}
