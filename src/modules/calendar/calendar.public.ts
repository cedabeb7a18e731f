import { findPlaceByCode, type Place } from '#modules/places/index.ts';
import type { Db } from '#platform/db/client.ts';
import { NotFound } from '#platform/errors.ts';
import { provinceCalendar } from './calendar.overrides.ts';
import { addDays, type IsoDate, weekday, yearOf } from './dates.ts';
import { officialDaysOff } from './official.ts';
import {
  createCalendar,
  type DayInfo,
  type DaysUnit,
  describeDay,
  statutoryDue,
  type WorkingCalendar,
} from './working-days.ts';

/**
 * What the public calendar (API and the "Lịch làm việc" page) answers: each day and why, and the
 * statutory due time of a limit, on the national calendar or a province's.
 */

let national: WorkingCalendar | undefined;

/** The official days off (or the computed default) without any province's override. */
export function nationalCalendar(): WorkingCalendar {
  national ??= createCalendar({ official: officialDaysOff() });
  return national;
}

/** A province by its code (NotFound otherwise), and its calendar; no code: the national calendar. */
export async function calendarOf(
  db: Db,
  provinceCode: string | undefined,
): Promise<{ province: Place | null; calendar: WorkingCalendar }> {
  if (!provinceCode) return { province: null, calendar: nationalCalendar() };
  const province = await findPlaceByCode(db, provinceCode, 'province');
  if (!province || province.validTo) {
    throw new NotFound({
      vi: `Không có tỉnh mã ${provinceCode} (mã tỉnh hiện hành sau ngày 1/7/2025).`,
      en: `No current province has code ${provinceCode}.`,
    });
  }
  return { province, calendar: await provinceCalendar(db, province) };
}

/** Each date from `from` to `to` (inclusive): working or not, and why. */
export function daysBetween(
  from: IsoDate,
  to: IsoDate,
  cal: WorkingCalendar,
): (DayInfo & { weekday: number })[] {
  const out: (DayInfo & { weekday: number })[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) out.push({ ...describeDay(d, cal), weekday: weekday(d) });
  return out;
}

/** For each year of a range: whether a notice covers it, and which documents set its days. */
export function yearBases(from: IsoDate, to: IsoDate, cal: WorkingCalendar) {
  const notices = officialDaysOff().notices;
  const out = [];
  for (let y = yearOf(from); y <= yearOf(to); y++) {
    const year = cal.yearCalendar(y);
    const refs = new Set<string>();
    for (const row of officialDaysOff().byYear.get(y) ?? []) refs.add(row.noticeRef);
    out.push({
      year: y,
      basis: year.basis,
      notices:
        year.basis === 'notice'
          ? [...refs].flatMap((ref) => {
              const n = notices[ref];
              return n ? [{ number: n.number, date: n.date, issuer: n.issuer, title: n.title }] : [];
            })
          : [],
    });
  }
  return out;
}

/** The due time of a limit of `days` (working or calendar) started at `received`: `statutoryDue`. */
export function dueFor(received: Date, days: number, unit: DaysUnit, cal: WorkingCalendar): Date {
  return statutoryDue(received, { days, unit }, cal);
}

/** '2026-02-24T17:00:00+07:00': an instant as Vietnam wall-clock time with its offset. */
export function vietnamIso(at: Date): string {
  return `${new Date(at.getTime() + 7 * 3_600_000).toISOString().slice(0, 19)}+07:00`;
}
