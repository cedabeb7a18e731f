import { randomUUID } from 'node:crypto';
import { requireStaff } from '#platform/auth/actor.ts';
import type { Ctx } from '#platform/context.ts';
import { Conflict, type FieldError, Invalid } from '#platform/errors.ts';
import { fieldErrors } from '#platform/validation.ts';
import { checklistOfVisit } from './checklist.service.ts';
import * as q from './fieldkit.queries.ts';
import { answersSchema, VisitMeta } from './fieldkit.schemas.ts';
import { type CommandSource, getHousehold } from './households.service.ts';

export type VisitRow = q.VisitRow;

export interface VisitInput {
  id?: string | undefined;
  householdId: string;
  /** When it started and ended, where (if the phone could tell), and which checklist it answers. */
  meta: unknown;
  answers: Record<string, unknown>;
}

export type VisitOutcome =
  | { status: 'applied'; visit: VisitRow; household: q.HouseholdRow }
  | { status: 'conflict'; visit: VisitRow; household: q.HouseholdRow; conflictId: number };

const asBool = (v: unknown) => (typeof v === 'boolean' ? v : null);
const asInt = (v: unknown) => (typeof v === 'number' ? v : null);

/**
 * Record one visit to a household. A visit is a fact: it is kept even when the household was
 * deleted meanwhile (the visit is flagged for the team leader, the household stays deleted).
 */
export async function recordVisit(
  ctx: Ctx,
  input: VisitInput,
  source?: CommandSource,
): Promise<VisitOutcome> {
  const staff = requireStaff(ctx.actor);
  const household = await getHousehold(ctx, input.householdId);
  const errors: FieldError[] = [];
  const meta = VisitMeta.safeParse(input.meta ?? {});
  if (!meta.success) errors.push(...fieldErrors(meta.error));
  const checklistId = meta.success
    ? meta.data.checklistId
    : Number((input.meta as { checklistId?: unknown })?.checklistId);
  const checklist = await checklistOfVisit(ctx.db, checklistId, { path: household.hamletPath });
  const answers = answersSchema(checklist.items, household.members).safeParse(input.answers ?? {});
  if (!answers.success)
    errors.push(...fieldErrors(answers.error).map((f) => ({ ...f, field: `answers.${f.field}` })));
  if (errors.length || !meta.success || !answers.success) throw new Invalid(errors);
  const m = meta.data;
  const a = answers.data as Record<string, unknown>;
  const id = input.id ?? randomUUID();
  const now = ctx.clock.now();

  return ctx.db.transaction(async (tx) => {
    await q.lockHamlet(tx, { id: household.hamletId, path: household.hamletPath });
    if (await q.findVisit(tx, id)) {
      throw new Conflict({ vi: 'Mã lần thăm này đã được dùng.', en: 'This visit id is already used.' });
    }
    const h = (await q.findHousehold(tx, household.id, { lock: true })) ?? household;
    const deleted = h.deletedAt !== null;
    const visit = await q.insertVisit(tx, {
      id,
      householdId: h.id,
      hamletId: h.hamletId,
      hamletPath: h.hamletPath,
      memberId: staff.userId,
      memberName: staff.displayName,
      startedAt: new Date(m.startedAt),
      endedAt: new Date(m.endedAt),
      lat: m.lat ?? null,
      lng: m.lng ?? null,
      accuracyM: m.accuracy ?? null,
      checklistId: checklist.id,
      answers: a,
      smartphone: asBool(a.smartphone),
      vneidAdults: asInt(a.vneid_adults),
      cashless: asBool(a.cashless),
      publicServiceAccount: asBool(a.public_service_account),
      afterDelete: deleted,
      receivedAt: now,
    });
    if (deleted) {
      const conflict = await q.insertConflict(tx, {
        householdId: h.id,
        hamletId: h.hamletId,
        hamletPath: h.hamletPath,
        kind: 'visit-after-delete',
        fields: [],
        clientRecord: { visitId: visit.id },
        baseVersion: null,
        serverVersion: h.version,
        userId: staff.userId,
        memberName: staff.displayName,
        clientId: source?.clientId ?? null,
        commandId: source?.commandId ?? null,
        at: now,
      });
      const updated = await q.updateHousehold(tx, h.id, { needsReview: true, updateId: q.NEXT_UPDATE_ID });
      return { status: 'conflict', visit, household: updated, conflictId: conflict.id };
    }
    // Visits may arrive out of order (two phones, days apart): the latest by its own time shows.
    const newer = !h.lastVisit || Date.parse(h.lastVisit.at) <= visit.endedAt.getTime();
    const updated = await q.updateHousehold(tx, h.id, {
      visitCount: h.visitCount + 1,
      ...(newer ? { lastVisit: q.lastVisitOf(visit) } : {}),
      updateId: q.NEXT_UPDATE_ID,
    });
    return { status: 'applied', visit, household: updated };
  });
}

export async function listVisits(ctx: Ctx, householdId: string) {
  const h = await getHousehold(ctx, householdId);
  return q.listVisits(ctx.db, h.id);
}
