import { LRUCache } from 'lru-cache';
import { recordAudit } from '#modules/audit/index.ts';
import { findPlaceByCode, getPlace, listChildren, type Place } from '#modules/places/index.ts';
import { requireProvinceAdmin, scopeOf } from '#platform/auth/actor.ts';
import type { Ctx } from '#platform/context.ts';
import type { Db } from '#platform/db/client.ts';
import { Forbidden, Invalid, NotFound } from '#platform/errors.ts';
import * as q from './calendar.queries.ts';
import type { OverrideInput } from './calendar.schemas.ts';
import { checkYearOverride, type YearOverride } from './holidays.ts';
import { officialDaysOff } from './official.ts';
import { createCalendar, type WorkingCalendar } from './working-days.ts';

/**
 * The calendar of a province: the official days off (`data/days-off`, for the years with a notice),
 * else the computed default, then the province's own yearly overrides, which its admins enter at
 * /quan-tri/mot-cua/lich. Every module that counts working days at a place asks `provinceCalendar`,
 * so a Tết swap moves dossier and feedback deadlines alike.
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
export function provincePath(placePath: string): string {
  const ids = placePath.split('/').filter(Boolean);
  return `/${ids.slice(0, 2).join('/')}/`;
}

/**
 * The working calendar that applies at a place (a province, or any place inside one): the official
 * days off, or the computed default for a year without a notice, with the province's overrides.
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
  const rows = await q.listOverrides(opts.via ?? db, key);
  const calendar = createCalendar({
    official: officialDaysOff(),
    overrides: rows.map((r) => r.override as YearOverride),
  });
  cache.set(key, calendar);
  return calendar;
}

/**
 * The provinces whose calendar this admin edits: the province of a province-level grant, every
 * current province of the country for a country-level one. Sorted by name.
 */
export async function adminProvinces(ctx: Ctx): Promise<Place[]> {
  const staff = requireProvinceAdmin(ctx.actor);
  const out = new Map<number, Place>();
  for (const path of scopeOf(staff, 'admin')) {
    const ids = path.split('/').filter(Boolean).map(Number);
    if (ids.length === 2) {
      const p = await getPlace(ctx.db, ids[1] as number);
      out.set(p.id, p);
    } else if (ids.length === 1) {
      for (const p of await listChildren(ctx.db, ids[0] as number)) {
        if (p.level === 'province' && !p.validTo) out.set(p.id, p);
      }
    }
  }
  return [...out.values()].sort((a, b) => a.name.localeCompare(b.name, 'vi'));
}

/** The province an admin asked for by code (`tinh`), or their first; 403 for one they do not hold. */
export async function chooseAdminProvince(ctx: Ctx, code: string | undefined): Promise<Place> {
  const mine = await adminProvinces(ctx);
  const chosen = code ? mine.find((p) => p.code === code) : mine[0];
  if (!chosen) {
    if (code && (await findPlaceByCode(ctx.db, code, 'province'))) throw new Forbidden();
    throw new NotFound({ vi: 'Không có tỉnh này.', en: 'No such province.' });
  }
  return chosen;
}

export async function listYearOverrides(ctx: Ctx, province: Place): Promise<YearOverride[]> {
  requireProvinceAdmin(ctx.actor);
  return (await q.listOverrides(ctx.db, provincePath(province.path))).map((r) => r.override as YearOverride);
}

/**
 * Saves one year's override for the province (an empty one removes the year's row), audited, in one
 * transaction. The official notice's rows are not touched: the override is applied on top of them.
 */
export async function saveYearOverride(
  ctx: Ctx,
  provinceCode: string,
  input: OverrideInput,
): Promise<YearOverride> {
  const admin = requireProvinceAdmin(ctx.actor);
  const province = await chooseAdminProvince(ctx, provinceCode);
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
  const path = provincePath(province.path);
  await ctx.db.transaction(async (tx) => {
    if (empty) await q.deleteOverride(tx, path, input.year);
    else await q.upsertOverride(tx, path, input.year, override, admin.userId);
    cached.delete(ctx.db);
    await recordAudit(tx, ctx.actor, ctx.meta, {
      // The name it had when the dossiers module kept the calendar: the audit trail reads as one.
      action: 'dossiers.calendar.override',
      targetType: 'calendar-year',
      targetId: input.year,
      place: province,
      details: { province: province.code, override },
    });
  });
  return override;
}
