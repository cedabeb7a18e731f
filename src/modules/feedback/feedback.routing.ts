import { addWorkingDays, createCalendar, type WorkingCalendar } from '#modules/calendar/index.ts';
import { findPlaceByCode, findPlaceById, type Place } from '#modules/places/index.ts';
import type { Db } from '#platform/db/client.ts';
import { Invalid } from '#platform/errors.ts';
import * as q from './feedback.queries.ts';
import type { Category } from './feedback.service.ts';
import type { Routing } from './feedback.workflow.ts';

// Where a report is handled and by when: the category names a role and a level, the place names
// the commune or the province, the calendar counts the working days.

/**
 * The statutory calendar with its defaults (Mon–Fri, Vietnam's public holidays). When the
 * platform stores a province's yearly overrides, they are passed here.
 */
export const CALENDAR: WorkingCalendar = createCalendar();

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

export function routeFor(category: Category, places: ReportPlaces, from: Date): Routing {
  const office = category.handlerLevel === 'province' ? places.province : places.commune;
  return {
    categoryId: category.id,
    role: category.handlerRole,
    level: category.handlerLevel,
    placeId: office.id,
    placePath: office.path,
    dueAt: addWorkingDays(from, category.deadlineDays, CALENDAR).toISOString(),
  };
}

/** A new deadline from `from` (reopening, escalation): the category's working days again. */
export async function newDueAt(db: Db, routing: Routing, from: Date) {
  const [category] = await q.findCategoriesByIds(db, [routing.categoryId]);
  return addWorkingDays(from, category?.deadlineDays ?? 10, CALENDAR).toISOString();
}
