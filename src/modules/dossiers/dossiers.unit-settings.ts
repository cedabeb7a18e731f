import { recordAudit } from '#modules/audit/index.ts';
import { addWorkingDays, type WorkingCalendar } from '#modules/calendar/index.ts';
import type { Place } from '#modules/places/index.ts';
import { hasRole, requireStaff } from '#platform/auth/actor.ts';
import type { Ctx } from '#platform/context.ts';
import type { Db } from '#platform/db/client.ts';
import { Forbidden } from '#platform/errors.ts';
import { dbCache, SETTINGS_TTL_MS } from './dossiers.cache.ts';
import { placeByCode } from './dossiers.places.ts';
import * as q from './dossiers.queries.ts';

/**
 * A unit's own one-stop settings: how many working days before the due time a dossier is "at
 * risk" (issue 12 item 4): the specialist sees it in the queue ("due soon") and on its page, and may
 * draft the apology and extension (form 04) while there is still time. Default 1.
 */

export const DEFAULT_AT_RISK_DAYS = 1;

const settings = dbCache<{ atRiskDays: number }>(SETTINGS_TTL_MS);

/** The at-risk window of a unit, in working days (its setting, or the default). */
export async function atRiskDaysOf(db: Db, placeId: number): Promise<number> {
  const s = await settings.get(db, String(placeId), async () => {
    const row = await q.findUnitSettings(db, placeId);
    return { atRiskDays: row?.atRiskDays ?? DEFAULT_AT_RISK_DAYS };
  });
  return s.atRiskDays;
}

/** The moment before which a running clock's due time puts it at risk: `days` working hours-days ahead. */
export function atRiskBefore(now: Date, days: number, cal: WorkingCalendar): Date {
  return addWorkingDays(now, days, cal, { counting: 'hours' });
}

/** Whether a due time still ahead falls within the at-risk window from `now`. */
export function isAtRisk(now: Date, due: Date, days: number, cal: WorkingCalendar): boolean {
  return due.getTime() > now.getTime() && due.getTime() <= atRiskBefore(now, days, cal).getTime();
}

export async function listUnitSettings(ctx: Ctx) {
  requireStaff(ctx.actor);
  return q.listUnitSettings(ctx.db);
}

/** An admin of the unit (or above) sets its at-risk window; audited. */
export async function setAtRiskDays(ctx: Ctx, placeCode: string, days: number): Promise<Place> {
  const place = await placeByCode(ctx.db, placeCode);
  const staff = requireStaff(ctx.actor);
  if (!hasRole(staff, 'admin', place.path)) throw new Forbidden();
  await ctx.db.transaction(async (tx) => {
    await q.upsertAtRiskDays(tx, place.id, days, staff.userId);
    await recordAudit(tx, ctx.actor, ctx.meta, {
      action: 'dossiers.unit-settings.set',
      targetType: 'place',
      targetId: place.id,
      place,
      details: { atRiskDays: days },
    });
  });
  settings.clear(ctx.db);
  return place;
}
