import { addWorkingDays, provinceCalendar, type WorkingCalendar } from '#modules/calendar/index.ts';
import { findPlaceByCode, findPlaceById, type Place } from '#modules/places/index.ts';
import type { Db } from '#platform/db/client.ts';
import { Invalid } from '#platform/errors.ts';
import * as q from './feedback.queries.ts';
import type { Category } from './feedback.service.ts';
import type { Routing } from './feedback.workflow.ts';

// Where a report is handled and by when: the category names a role and a level, the place names
// the commune or the province, and the province's calendar (`provinceCalendar`: the statutory
// holidays with the overrides its admin entered) counts the working days, as it does for dossiers.

// ---------------------------------------------------------------------------------------------
// Categories

export async function getCategory(db: Db, code: string, opts: { activeOnly?: boolean; field?: string } = {}) {
  const c = await q.findCategoryByCode(db, code);
  if (!c || (opts.activeOnly && !c.active)) {
    throw new Invalid([
      {
        field: opts.field ?? 'category',
        vi: 'Vui lòng chọn lĩnh vực trong danh sách.',
        en: 'Please choose a category from the list.',
      },
    ]);
  }
  return c;
}

// ---------------------------------------------------------------------------------------------
// Where a report belongs

export interface ReportPlaces {
  place: Place;
  commune: Place;
  province: Place;
}

const badPlace = (field: string) =>
  new Invalid([
    {
      field,
      vi: 'Vui lòng chọn một xã, phường (và thôn, bản nếu biết) trong danh sách.',
      en: 'Please choose a commune (and a village if you know it) from the list.',
    },
  ]);

/** A current commune or village, with its commune and province. */
export async function resolvePlace(db: Db, code: string, field = 'commune'): Promise<ReportPlaces> {
  const place = await findPlaceByCode(db, code);
  if (!place || place.validTo || (place.level !== 'commune' && place.level !== 'village'))
    throw badPlace(field);
  const commune = place.level === 'commune' ? place : await findPlaceById(db, place.parentId ?? 0);
  if (commune?.level !== 'commune' || commune.validTo) throw badPlace(field);
  const province = await findPlaceById(db, commune.parentId ?? 0);
  if (province?.level !== 'province') throw badPlace(field);
  return { place, commune, province };
}

/** Where a report goes and by when, counted on `calendar`: the province's (`provinceCalendar`). */
export function routeFor(
  category: Category,
  places: ReportPlaces,
  from: Date,
  calendar: WorkingCalendar,
): Routing {
  const office = category.handlerLevel === 'province' ? places.province : places.commune;
  return {
    categoryId: category.id,
    role: category.handlerRole,
    level: category.handlerLevel,
    placeId: office.id,
    placePath: office.path,
    dueAt: addWorkingDays(from, category.deadlineDays, calendar).toISOString(),
  };
}

/**
 * A new deadline from `from` (reopening, escalation): the category's working days again, on the
 * calendar of the province the report is handled in. Called inside the report's transaction `tx`;
 * `db` is the base connection, the key of the calendar's cache.
 */
export async function newDueAt(db: Db, tx: Db, routing: Routing, from: Date) {
  const [category] = await q.findCategoriesByIds(tx, [routing.categoryId]);
  const calendar = await provinceCalendar(db, { path: routing.placePath }, { via: tx });
  return addWorkingDays(from, category?.deadlineDays ?? 10, calendar).toISOString();
}
