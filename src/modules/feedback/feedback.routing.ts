import {
  addWorkingDays,
  nextWorkingDay,
  provinceCalendar,
  toVietnamDate,
  type WorkingCalendar,
} from '#modules/calendar/index.ts';
import { findPlaceByCode, findPlaceById, type Place } from '#modules/places/index.ts';
import type { Db } from '#platform/db/client.ts';
import { Invalid } from '#platform/errors.ts';
import * as q from './feedback.queries.ts';
import type { Category } from './feedback.service.ts';
import {
  type Clocks,
  NATIONAL_STAGE_DAYS,
  type Routing,
  type Stage,
  type StageClock,
} from './feedback.workflow.ts';

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

export type StageDays = Record<Stage, number>;

export function stageDaysOf(category: Category | undefined): StageDays {
  if (!category) return { ...NATIONAL_STAGE_DAYS };
  return {
    accept: category.acceptDays,
    info: category.infoDays,
    answer: category.deadlineDays,
    publish: category.publishDays,
  };
}

/**
 * `days` working days from `from` on `calendar`, counted in days whatever the province counts
 * dossiers in (the measure counts working days, from the day after): due at the close of office on
 * the last one, late from the start of the next working day.
 */
export function stageClock(from: Date, days: number, calendar: WorkingCalendar): StageClock {
  const due = addWorkingDays(from, days, calendar, { counting: 'days' });
  const next = nextWorkingDay(toVietnamDate(due), calendar);
  return { dueAt: due.toISOString(), lateAt: new Date(`${next}T00:00:00+07:00`).toISOString() };
}

/** The clocks that start at `from`: the sending, a transfer, the reporter's information. */
export function clocksFrom(from: Date, days: StageDays, calendar: WorkingCalendar): Clocks {
  return {
    startedAt: from.toISOString(),
    accept: stageClock(from, days.accept, calendar),
    info: stageClock(from, days.info, calendar),
    answer: stageClock(from, days.answer, calendar),
  };
}

/** Where a report goes and by when, counted on `calendar`: the province's (`provinceCalendar`). */
export function routeFor(
  category: Category,
  places: ReportPlaces,
  from: Date,
  calendar: WorkingCalendar,
): Routing {
  const office = category.handlerLevel === 'province' ? places.province : places.commune;
  const clocks = clocksFrom(from, stageDaysOf(category), calendar);
  return {
    categoryId: category.id,
    role: category.handlerRole,
    level: category.handlerLevel,
    placeId: office.id,
    placePath: office.path,
    dueAt: clocks.answer.dueAt,
    clocks,
  };
}

/** The province's calendar for a routing, read through the report's transaction `tx` (`db` keys the cache). */
function calendarFor(db: Db, tx: Db, routing: Routing) {
  return provinceCalendar(db, { path: routing.placePath }, { via: tx });
}

/**
 * `routing` with new deadlines from `from` (a transfer to the province, the reporter's
 * information, reopening): the category's working days again, on the calendar of the province the
 * report is handled in. Called inside the report's transaction `tx`; `db` is the base connection,
 * the key of the calendar's cache. The stages already done keep their clocks (stateFromActions).
 */
export async function newDeadlines(db: Db, tx: Db, routing: Routing, from: Date): Promise<Routing> {
  const [category] = await q.findCategoriesByIds(tx, [routing.categoryId]);
  const clocks = clocksFrom(from, stageDaysOf(category), await calendarFor(db, tx, routing));
  return { ...routing, dueAt: clocks.answer.dueAt, clocks };
}

/** The publication's clock, which the answer starts. */
export async function publishClock(db: Db, tx: Db, routing: Routing, from: Date): Promise<StageClock> {
  const [category] = await q.findCategoriesByIds(tx, [routing.categoryId]);
  return stageClock(from, stageDaysOf(category).publish, await calendarFor(db, tx, routing));
}
