/**
 * A posted form as a kit command: the server does it for pages without JavaScript, the offline kit
 * for the same forms in the browser. Values are given their JSON types here; the server validates.
 * Pure functions, no server import (bundled for the browser too).
 */
import type { ChecklistItem } from './fieldkit.schemas.ts';

export type FormBody = Record<string, string | string[] | undefined>;

export interface Command {
  id: string;
  type: 'household.create' | 'household.update' | 'household.delete' | 'visit.record' | 'dossier.assist';
  protocol: number;
  at: string;
  data: Record<string, unknown>;
}

/** The protocol this kit speaks (fieldkit.schemas.ts PROTOCOL; a test checks they agree). */
export const KIT_PROTOCOL = 1;

const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v)?.trim() || undefined;
const num = (v: string | undefined) => (v === undefined ? undefined : Number(v.replace(',', '.')));

export const FIELDS = ['headName', 'members', 'phones', 'address', 'lat', 'lng', 'consent'] as const;
type Field = (typeof FIELDS)[number];

/** The register fields as typed values: what a form means, before validation. */
export function householdValues(body: FormBody, prefix = ''): Record<Field, unknown> {
  const get = (k: Field) => one(body[`${prefix}${k}`]);
  const phones = (get('phones') ?? '')
    .split(/[,;/\n]+/)
    .map((p) => p.trim())
    .filter(Boolean);
  return {
    headName: get('headName')?.normalize('NFC') ?? null,
    members: num(get('members')) ?? null,
    phones,
    address: get('address')?.normalize('NFC') ?? null,
    lat: num(get('lat')) ?? null,
    lng: num(get('lng')) ?? null,
    consent: get('consent') === 'on' || get('consent') === 'true',
  };
}

const key = (v: unknown) =>
  JSON.stringify(
    Array.isArray(v)
      ? v.map((p) =>
          String(p)
            .replace(/[\s.-]/g, '')
            .replace(/^(\+?84)/, '0'),
        )
      : typeof v === 'string'
        ? v.trim()
        : v,
  );

/** The fields present in an object, without the empty ones (for a new household). */
function present(values: Record<Field, unknown>) {
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== null && v !== undefined));
}

export function householdCommand(
  body: FormBody,
  opts: { commandId: string; now: Date; householdId: string; hamletId: number; edit: boolean },
): Command | undefined {
  const values = householdValues(body);
  const base = { id: opts.commandId, protocol: KIT_PROTOCOL, at: opts.now.toISOString() };
  if (!opts.edit) {
    return {
      ...base,
      type: 'household.create',
      data: { id: opts.householdId, hamletId: opts.hamletId, fields: present(values) },
    };
  }
  const was = householdValues(body, 'base_');
  const changes: Record<string, unknown> = {};
  const before: Record<string, unknown> = {};
  for (const f of FIELDS) {
    if (key(values[f]) === key(was[f])) continue;
    changes[f] = values[f];
    before[f] = was[f];
  }
  if (Object.keys(changes).length === 0) return undefined;
  return {
    ...base,
    type: 'household.update',
    data: { id: opts.householdId, baseVersion: Number(one(body.baseVersion)), base: before, changes },
  };
}

/** A visit's answers from `a_<item>` fields, typed by the checklist's items. */
export function visitAnswers(body: FormBody, items: readonly ChecklistItem[]) {
  const out: Record<string, unknown> = {};
  for (const item of items) {
    const raw = body[`a_${item.id}`];
    switch (item.type) {
      case 'yesno': {
        const v = one(raw);
        if (v === 'yes' || v === 'no') out[item.id] = v === 'yes';
        break;
      }
      case 'count': {
        const v = one(raw);
        if (v !== undefined) out[item.id] = Number(v);
        break;
      }
      case 'choices':
        out[item.id] = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
        break;
      case 'text': {
        const v = one(raw);
        if (v !== undefined) out[item.id] = v.normalize('NFC');
        break;
      }
    }
  }
  return out;
}

export function visitCommand(
  body: FormBody,
  opts: {
    commandId: string;
    visitId: string;
    householdId: string;
    now: Date;
    items: readonly ChecklistItem[];
  },
): Command {
  const lat = num(one(body.lat));
  const lng = num(one(body.lng));
  const accuracy = num(one(body.accuracy));
  return {
    id: opts.commandId,
    type: 'visit.record',
    protocol: KIT_PROTOCOL,
    at: opts.now.toISOString(),
    data: {
      id: opts.visitId,
      householdId: opts.householdId,
      meta: {
        startedAt: one(body.startedAt) ?? opts.now.toISOString(),
        endedAt: opts.now.toISOString(),
        checklistId: Number(one(body.checklistId)),
        ...(lat !== undefined && lng !== undefined ? { lat, lng } : {}),
        ...(accuracy !== undefined ? { accuracy } : {}),
      },
      answers: visitAnswers(body, opts.items),
    },
  };
}

export type Consent = { kind: 'paper'; uploadId: string } | { kind: 'otp'; token: string };

/** An assisted filing from its form: `applicant.*` and `form_*` fields; the photos as upload ids. */
export function assistCommand(
  body: FormBody,
  opts: {
    commandId: string;
    dossierId: string;
    householdId: string;
    procedureCode: string;
    now: Date;
    files: { documentId: string; uploadId: string }[];
    consent: Consent;
  },
): Command {
  const applicant: Record<string, string> = {};
  const form: Record<string, string> = {};
  for (const [k, raw] of Object.entries(body)) {
    const v = one(raw);
    if (v === undefined) continue;
    if (k.startsWith('applicant.')) applicant[k.slice(10)] = v.normalize('NFC');
    else if (k.startsWith('form_')) form[k.slice(5)] = v.normalize('NFC');
  }
  return {
    id: opts.commandId,
    type: 'dossier.assist',
    protocol: KIT_PROTOCOL,
    at: opts.now.toISOString(),
    data: {
      id: opts.dossierId,
      householdId: opts.householdId,
      procedureCode: opts.procedureCode,
      applicant,
      form,
      files: opts.files,
      consent: opts.consent,
    },
  };
}

/** A random UUID where `crypto.randomUUID` is missing (older phones' browsers). */
export function uuid(): string {
  const c = globalThis.crypto;
  if (typeof c.randomUUID === 'function') return c.randomUUID();
  const b = c.getRandomValues(new Uint8Array(16));
  b[6] = ((b[6] ?? 0) & 0x0f) | 0x40;
  b[8] = ((b[8] ?? 0) & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
