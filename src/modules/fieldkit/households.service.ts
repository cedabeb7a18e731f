import { randomUUID } from 'node:crypto';
import { recordAudit } from '#modules/audit/index.ts';
import { findPlaceById, type Place } from '#modules/places/index.ts';
import { requireStaff } from '#platform/auth/actor.ts';
import type { Ctx } from '#platform/context.ts';
import type { Db } from '#platform/db/client.ts';
import { Conflict, Invalid, NotFound } from '#platform/errors.ts';
import { parse } from '#platform/validation.ts';
import { MAX_HOUSEHOLDS_PER_HAMLET, requireRegister, requireReview } from './fieldkit.access.ts';
import * as q from './fieldkit.queries.ts';
import {
  type ConflictField,
  HOUSEHOLD_FIELDS,
  type HouseholdField,
  HouseholdFields,
  type HouseholdOut,
} from './fieldkit.schemas.ts';
import type { ConflictKind, Resolution } from './fieldkit.tables.ts';

/** Which kit command made a change, kept with a conflict it raised. */
export interface CommandSource {
  clientId: string;
  commandId: string;
}

export type HouseholdRow = q.HouseholdRow;

const notFound = () => new NotFound({ vi: 'Không tìm thấy hộ này.', en: 'No such household.' });

/** A current hamlet (thôn, bản), or NotFound. */
export async function getHamlet(db: Db, id: number): Promise<Place> {
  const p = await findPlaceById(db, id);
  if (p?.level !== 'village' || p.validTo) {
    throw new NotFound({ vi: 'Không tìm thấy thôn, bản này.', en: 'No such hamlet.' });
  }
  return p;
}

export function toHouseholdOut(h: HouseholdRow): HouseholdOut {
  return {
    id: h.id,
    hamletId: h.hamletId,
    version: h.version,
    updateId: h.updateId,
    deleted: h.deletedAt !== null,
    headName: h.headName,
    members: h.members,
    phones: h.phones,
    address: h.address,
    lat: h.lat,
    lng: h.lng,
    consent: h.consent,
    needsReview: h.needsReview,
    visitCount: h.visitCount,
    lastVisit: h.lastVisit,
  };
}

/** The register fields of a row, as the schema's input takes them. */
function fieldsOf(h: HouseholdRow): Record<HouseholdField, unknown> {
  return {
    headName: h.headName ?? undefined,
    members: h.members,
    phones: h.phones,
    address: h.address,
    lat: h.lat ?? undefined,
    lng: h.lng ?? undefined,
    consent: h.consent,
  };
}

/** A field's value as compared: trimmed NFC text, numbers, phones as stored, empty as null. */
function norm(field: string, v: unknown): unknown {
  if (v === undefined || v === null || v === '') return null;
  if (field === 'phones') {
    const list = Array.isArray(v) ? v : String(v).split(/[,;/\n]+/);
    const out = list
      .map((p) =>
        String(p)
          .replace(/[\s.-]/g, '')
          .replace(/^(\+?84)/, '0'),
      )
      .filter(Boolean);
    return out.length ? out : null;
  }
  if (field === 'members' || field === 'lat' || field === 'lng') return Number(String(v).replace(',', '.'));
  if (field === 'consent') return v === true || v === 'on' || v === 'true' || v === '1';
  return String(v).trim().normalize('NFC');
}
const same = (field: string, a: unknown, b: unknown) =>
  JSON.stringify(norm(field, a)) === JSON.stringify(norm(field, b));

function columnsOf(f: HouseholdFields) {
  return {
    headName: f.headName ?? null,
    members: f.members,
    phones: f.phones,
    address: f.address,
    lat: f.lat ?? null,
    lng: f.lng ?? null,
    consent: f.consent,
  };
}

function memberName(ctx: Ctx) {
  const staff = requireStaff(ctx.actor);
  return { userId: staff.userId, name: staff.displayName };
}

/** A household the actor may read, or NotFound (never Forbidden: its existence is not told). */
export async function getHousehold(ctx: Ctx, id: string) {
  const h = await q.findHousehold(ctx.db, id);
  if (!h) throw notFound();
  try {
    requireRegister(ctx.actor, h.hamletPath);
  } catch (e) {
    if (ctx.actor.kind === 'staff') throw notFound();
    throw e;
  }
  return h;
}

export const PAGE_SIZE = 100;

/** A page of a hamlet's register, for someone who may read it; `q` matches name or address. */
export async function listHouseholdsOf(
  ctx: Ctx,
  hamlet: Place,
  opts: { q?: string | undefined; page?: number; review?: boolean },
) {
  requireRegister(ctx.actor, hamlet.path);
  return q.listHouseholds(ctx.db, [hamlet.id], {
    q: opts.q,
    limit: PAGE_SIZE,
    offset: ((opts.page ?? 1) - 1) * PAGE_SIZE,
    ...(opts.review ? { review: true } : {}),
  });
}

/** Register a household in a hamlet (from the kit, possibly made offline with its own id, or a form). */
export async function createHousehold(
  ctx: Ctx,
  input: { id?: string | undefined; hamletId: number; fields: unknown },
  source?: CommandSource,
) {
  const hamlet = await getHamlet(ctx.db, input.hamletId);
  requireRegister(ctx.actor, hamlet.path);
  const fields = parse(HouseholdFields, input.fields);
  const who = memberName(ctx);
  const id = input.id ?? randomUUID();
  const now = ctx.clock.now();
  return ctx.db.transaction(async (tx) => {
    await q.lockHamlet(tx, hamlet);
    if (await q.findHousehold(tx, id)) {
      throw new Conflict({ vi: 'Mã hộ này đã được dùng.', en: 'This household id is already used.' });
    }
    if ((await q.countHouseholds(tx, hamlet.id)) >= MAX_HOUSEHOLDS_PER_HAMLET) {
      throw new Conflict({
        vi: `Mỗi thôn, bản ghi tối đa ${MAX_HOUSEHOLDS_PER_HAMLET} hộ.`,
        en: `A hamlet's register holds at most ${MAX_HOUSEHOLDS_PER_HAMLET} households.`,
      });
    }
    const row = await q.insertHousehold(tx, {
      id,
      hamletId: hamlet.id,
      hamletPath: hamlet.path,
      ...columnsOf(fields),
      version: 1,
      updateId: q.NEXT_UPDATE_ID,
      needsReview: false,
      visitCount: 0,
      createdAt: now,
      createdBy: who.userId,
      updatedAt: now,
      updatedBy: who.userId,
    });
    await recordAudit(tx, ctx.actor, ctx.meta, {
      action: 'fieldkit.household.create',
      targetType: 'household',
      targetId: id,
      place: hamlet,
      details: source ? { ...source } : {},
    });
    return row;
  });
}

export type UpdateOutcome =
  | { status: 'applied'; household: HouseholdRow }
  | { status: 'conflict'; household: HouseholdRow; conflictId: number };

/**
 * Change some fields of a household, from a copy at `baseVersion` whose values of those fields
 * were `base`. A field the server changed meanwhile to something else is not overwritten: both
 * values go into a conflict for the team leader and the household is flagged; the other fields
 * apply. An edit of a deleted household changes nothing and is flagged the same way.
 */
export async function updateHousehold(
  ctx: Ctx,
  input: { id: string; baseVersion: number; base: Record<string, unknown>; changes: Record<string, unknown> },
  source?: CommandSource,
): Promise<UpdateOutcome> {
  const existing = await getHousehold(ctx, input.id);
  const who = memberName(ctx);
  const changed = HOUSEHOLD_FIELDS.filter((f) => f in input.changes);
  const now = ctx.clock.now();
  return ctx.db.transaction(async (tx) => {
    await q.lockHamlet(tx, { id: existing.hamletId, path: existing.hamletPath });
    const h = (await q.findHousehold(tx, input.id, { lock: true })) ?? existing;
    const clientRecord = { ...fieldsOf(h), ...input.changes };

    if (h.deletedAt) {
      const conflict = await q.insertConflict(tx, {
        householdId: h.id,
        hamletId: h.hamletId,
        hamletPath: h.hamletPath,
        kind: 'deleted',
        fields: changed.map((f) => ({
          field: f,
          base: input.base[f] ?? null,
          server: null,
          client: input.changes[f],
        })),
        clientRecord,
        baseVersion: input.baseVersion,
        serverVersion: h.version,
        userId: who.userId,
        memberName: who.name,
        clientId: source?.clientId ?? null,
        commandId: source?.commandId ?? null,
        at: now,
      });
      const household = await q.updateHousehold(tx, h.id, { needsReview: true, updateId: q.NEXT_UPDATE_ID });
      return { status: 'conflict', household, conflictId: conflict.id };
    }

    const current = fieldsOf(h);
    const apply: Record<string, unknown> = {};
    const clashes: ConflictField[] = [];
    for (const f of changed) {
      const client = input.changes[f];
      if (same(f, current[f], client)) continue;
      if (h.version === input.baseVersion || same(f, current[f], input.base[f])) apply[f] = client;
      else clashes.push({ field: f, base: input.base[f] ?? null, server: current[f] ?? null, client });
    }
    let household = h;
    if (Object.keys(apply).length > 0) {
      const merged = parse(HouseholdFields, { ...current, ...apply });
      household = await q.updateHousehold(tx, h.id, {
        ...columnsOf(merged),
        version: h.version + 1,
        updateId: q.NEXT_UPDATE_ID,
        updatedAt: now,
        updatedBy: who.userId,
      });
      await recordAudit(tx, ctx.actor, ctx.meta, {
        action: 'fieldkit.household.update',
        targetType: 'household',
        targetId: h.id,
        place: { id: h.hamletId, path: h.hamletPath },
        details: { fields: Object.keys(apply), version: household.version, ...(source ?? {}) },
      });
    }
    if (clashes.length === 0) return { status: 'applied', household };
    const conflict = await q.insertConflict(tx, {
      householdId: h.id,
      hamletId: h.hamletId,
      hamletPath: h.hamletPath,
      kind: 'edit',
      fields: clashes,
      clientRecord,
      baseVersion: input.baseVersion,
      serverVersion: h.version,
      userId: who.userId,
      memberName: who.name,
      clientId: source?.clientId ?? null,
      commandId: source?.commandId ?? null,
      at: now,
    });
    household = await q.updateHousehold(tx, h.id, { needsReview: true, updateId: q.NEXT_UPDATE_ID });
    return { status: 'conflict', household, conflictId: conflict.id };
  });
}

const REASONS = {
  moved: { vi: 'chuyển đi', en: 'moved away' },
  duplicate: { vi: 'ghi trùng', en: 'duplicate' },
  'no-consent': { vi: 'không đồng ý ghi thông tin', en: 'consent withdrawn' },
  other: { vi: 'lý do khác', en: 'other reason' },
} as const;
export type DeleteReasonKey = keyof typeof REASONS;

/**
 * The team leader (or an admin) deletes a household: the row becomes a tombstone, its personal
 * data erased, with a new update id so every kit removes it. A deletion from a stale copy (the
 * household changed since) is not applied: it is flagged for review instead.
 */
export async function deleteHousehold(
  ctx: Ctx,
  input: { id: string; baseVersion: number; reason: DeleteReasonKey },
  source?: CommandSource,
): Promise<UpdateOutcome> {
  const existing = await getHousehold(ctx, input.id);
  requireReview(ctx.actor, existing.hamletPath);
  const who = memberName(ctx);
  const now = ctx.clock.now();
  return ctx.db.transaction(async (tx) => {
    await q.lockHamlet(tx, { id: existing.hamletId, path: existing.hamletPath });
    const h = (await q.findHousehold(tx, input.id, { lock: true })) ?? existing;
    if (h.deletedAt) return { status: 'applied', household: h };
    if (h.version !== input.baseVersion) {
      const conflict = await q.insertConflict(tx, {
        householdId: h.id,
        hamletId: h.hamletId,
        hamletPath: h.hamletPath,
        kind: 'delete-stale',
        fields: [],
        clientRecord: { reason: input.reason },
        baseVersion: input.baseVersion,
        serverVersion: h.version,
        userId: who.userId,
        memberName: who.name,
        clientId: source?.clientId ?? null,
        commandId: source?.commandId ?? null,
        at: now,
      });
      const household = await q.updateHousehold(tx, h.id, { needsReview: true, updateId: q.NEXT_UPDATE_ID });
      return { status: 'conflict', household, conflictId: conflict.id };
    }
    const household = await tombstone(tx, h, { by: who.userId, at: now, reason: input.reason });
    await recordAudit(tx, ctx.actor, ctx.meta, {
      action: 'fieldkit.household.delete',
      targetType: 'household',
      targetId: h.id,
      place: { id: h.hamletId, path: h.hamletPath },
      details: { reason: input.reason, ...(source ?? {}) },
    });
    return { status: 'applied', household };
  });
}

async function tombstone(db: Db, h: HouseholdRow, d: { by: number; at: Date; reason: string }) {
  return q.updateHousehold(db, h.id, {
    headName: null,
    phones: [],
    lat: null,
    lng: null,
    deletedAt: d.at,
    deletedBy: d.by,
    deleteReason: d.reason,
    version: h.version + 1,
    updateId: q.NEXT_UPDATE_ID,
    updatedAt: d.at,
    updatedBy: d.by,
  });
}

export function reasonLabel(reason: string | null, locale: 'vi' | 'en') {
  return reason && reason in REASONS ? REASONS[reason as DeleteReasonKey][locale] : (reason ?? '');
}

// ---------------------------------------------------------------------------------------------
// Conflicts: the team leader decides

export async function listConflicts(ctx: Ctx, paths: string[]) {
  return q.listOpenConflicts(ctx.db, paths);
}

const RESOLUTIONS_OF: Record<ConflictKind, readonly Resolution[]> = {
  edit: ['server', 'client'],
  deleted: ['kept-deleted', 'restored'],
  'visit-after-delete': ['noted', 'restored'],
  'delete-stale': ['server', 'deleted'],
};

export function resolutionsOf(kind: ConflictKind) {
  return RESOLUTIONS_OF[kind];
}

/**
 * Resolve one conflict: keep the server's values, take the member's, restore a deleted household
 * with the member's values, or delete after all. The household stays flagged while it has others.
 * The deletion erased the head's name and phones: restoring takes them from the leader (`given`),
 * and a household with consent is not restored without its head's name.
 */
export async function resolveConflict(
  ctx: Ctx,
  id: number,
  resolution: Resolution,
  given: { headName?: string | undefined; phones?: string | undefined } = {},
) {
  const found = await q.findConflict(ctx.db, id);
  if (!found) throw new NotFound();
  requireReview(ctx.actor, found.hamletPath);
  if (!RESOLUTIONS_OF[found.kind].includes(resolution)) {
    throw new Invalid([
      { field: 'resolution', vi: 'Cách xử lý không hợp lệ.', en: 'Not a valid resolution.' },
    ]);
  }
  const who = memberName(ctx);
  const now = ctx.clock.now();
  return ctx.db.transaction(async (tx) => {
    await q.lockHamlet(tx, { id: found.hamletId, path: found.hamletPath });
    const c = await q.findConflict(tx, id, { lock: true });
    if (!c || c.resolvedAt) {
      throw new Conflict({ vi: 'Xung đột này đã được xử lý.', en: 'This conflict was already resolved.' });
    }
    let h = await q.findHousehold(tx, c.householdId, { lock: true });
    if (!h) throw notFound();
    if (resolution === 'client' && !h.deletedAt) {
      const values = Object.fromEntries(c.fields.map((f) => [f.field, f.client]));
      const merged = parse(HouseholdFields, { ...fieldsOf(h), ...values });
      h = await q.updateHousehold(tx, h.id, {
        ...columnsOf(merged),
        version: h.version + 1,
        updatedAt: now,
        updatedBy: who.userId,
      });
    } else if (resolution === 'restored' && h.deletedAt) {
      const record = c.clientRecord ?? {};
      const merged = parse(HouseholdFields, {
        ...fieldsOf(h),
        ...record,
        ...(given.headName?.trim() ? { headName: given.headName } : {}),
        ...(given.phones?.trim() ? { phones: given.phones } : {}),
      });
      h = await q.updateHousehold(tx, h.id, {
        ...columnsOf(merged),
        deletedAt: null,
        deletedBy: null,
        deleteReason: null,
        version: h.version + 1,
        updatedAt: now,
        updatedBy: who.userId,
      });
    } else if (resolution === 'deleted' && !h.deletedAt) {
      h = await tombstone(tx, h, {
        by: who.userId,
        at: now,
        reason: String((c.clientRecord as { reason?: string } | null)?.reason ?? 'other'),
      });
    }
    await q.resolveConflict(tx, c.id, { resolution, by: who.userId, at: now });
    const open = await q.countOpenConflicts(tx, h.id);
    h = await q.updateHousehold(tx, h.id, { needsReview: open > 0, updateId: q.NEXT_UPDATE_ID });
    await recordAudit(tx, ctx.actor, ctx.meta, {
      action: 'fieldkit.conflict.resolve',
      targetType: 'household',
      targetId: h.id,
      place: { id: h.hamletId, path: h.hamletPath },
      details: { conflict: c.id, kind: c.kind, resolution },
    });
    return h;
  });
}
