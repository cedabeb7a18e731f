import { LRUCache } from 'lru-cache';
import { recordAudit } from '#modules/audit/index.ts';
import { type Actor, requireStaff, scopeOf } from '#platform/auth/actor.ts';
import type { Ctx } from '#platform/context.ts';
import type { Db } from '#platform/db/client.ts';
import { Forbidden, Invalid } from '#platform/errors.ts';
import * as q from './calendar.queries.ts';
import type { OverrideInput } from './calendar.schemas.ts';
import { checkYearOverride, type YearOverride } from './holidays.ts';
import { createCalendar, type WorkingCalendar } from './working-days.ts';

/**
 * The yearly overrides an administrator enters (/quan-tri/mot-cua/lich) and the calendar they make.
 * Every module that counts working days at a place asks `provinceCalendar`, so a Tết swap moves
 * dossier and feedback deadlines alike.
 */

/** Another instance's edit is seen here within this time; this process's own edits at once. */
export const CALENDAR_TTL_MS = 10_000;

/** Per database (tests and bench runs open several in one process), per province path. */
const cached = new WeakMap<object, LRUCache<string, WorkingCalendar>>();

function cacheOf(db: object) {
  let c = cached.get(db);
  if (!c) {
    c = new LRUCache<string, WorkingCalendar>({ max: 100, ttl: CALENDAR_TTL_MS });
    cached.set(db, c);
  }
  return c;
}

/** The province's path ('/country/province/') above or at a place; the place's own path above provinces. */
function provincePath(placePath: string): string {
  const ids = placePath.split('/').filter(Boolean);
  return `/${ids.slice(0, 2).join('/')}/`;
}

/**
 * The working calendar that applies at a place (a province, or any place inside one): Vietnam's
 * statutory holidays (holidays.ts) with the yearly overrides an administrator entered.
 *
 * Overrides are kept per installation today (`calendar_overrides` has one row per year, and an
 * installation serves one province), so every province gets the same calendar. The place is asked
 * for so that callers already say where they count, and do not change when each province gets its
 * own overrides (issue 12, item 2).
 *
 * Cached per database and province for `CALENDAR_TTL_MS`. Inside a transaction, pass it as `via`:
 * a miss is read through it (PGlite has one connection, and a read beside an open transaction
 * would wait for it forever), while the cache stays keyed by `db`.
 */
export async function provinceCalendar(
  db: Db,
  place: { path: string },
  opts: { via?: Db } = {},
): Promise<WorkingCalendar> {
  const cache = cacheOf(db);
  const key = provincePath(place.path);
  const hit = cache.get(key);
  if (hit) return hit;
  const rows = await q.listOverrides(opts.via ?? db);
  const calendar = createCalendar({ overrides: rows.map((r) => r.override as YearOverride) });
  cache.set(key, calendar);
  return calendar;
}

/**
 * The calendar is province-wide: it belongs to admins at province level or above.
 * (The same check is written in dossiers, feedback and documents; it belongs in #platform/auth.)
 */
export function requireProvinceAdmin(actor: Actor) {
  const staff = requireStaff(actor);
  const ok = scopeOf(staff, 'admin').some((p) => p.split('/').filter(Boolean).length <= 2);
  if (!ok) throw new Forbidden();
  return staff;
}

export async function listYearOverrides(ctx: Ctx): Promise<YearOverride[]> {
  requireProvinceAdmin(ctx.actor);
  return (await q.listOverrides(ctx.db)).map((r) => r.override as YearOverride);
}

/** Saves one year's override (an empty one removes the year's row), audited, in one transaction. */
export async function saveYearOverride(ctx: Ctx, input: OverrideInput): Promise<YearOverride> {
  const admin = requireProvinceAdmin(ctx.actor);
  const override: YearOverride = {
    year: input.year,
    ...(input.replace?.length ? { replace: input.replace } : {}),
    ...(input.add.length ? { add: input.add } : {}),
    ...(input.remove.length ? { remove: input.remove } : {}),
    ...(input.workingDays.length ? { workingDays: input.workingDays } : {}),
    ...(input.note ? { note: input.note } : {}),
  };
  try {
    checkYearOverride(override);
  } catch (e) {
    throw new Invalid([
      {
        field: 'add',
        vi: `Lịch năm ${input.year} không hợp lệ: ${(e as Error).message}`,
        en: `The ${input.year} calendar is not valid: ${(e as Error).message}`,
      },
    ]);
  }
  const empty = Object.keys(override).length === 1;
  await ctx.db.transaction(async (tx) => {
    if (empty) await q.deleteOverride(tx, input.year);
    else await q.upsertOverride(tx, input.year, override, admin.userId);
    cached.delete(ctx.db);
    await recordAudit(tx, ctx.actor, ctx.meta, {
      // The name it had when the dossiers module kept the calendar: the audit trail reads as one.
      action: 'dossiers.calendar.override',
      targetType: 'calendar-year',
      targetId: input.year,
      details: { override },
    });
  });
  return override;
}
