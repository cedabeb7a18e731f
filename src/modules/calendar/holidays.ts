import { addDays, type IsoDate, isIsoDate, isoDate, isWeekend, yearOf } from './dates.ts';
import { lunarNewYear, lunarToSolar } from './lunar.ts';

/**
 * Public holidays, Labour Code 2019 (45/2019/QH14) art. 112.
 *
 * The law fixes which days are holidays; each year the Prime Minister fixes Tết's five days and the day
 * next to 2 Sep (art. 112(3)), and the government announces swaps with Saturdays. So the
 * computed list is only the default, and a `YearOverride` lets an administrator record the announcement.
 */

export type HolidayKind =
  | 'new-year' // 1 Jan
  | 'tet' // Lunar New Year, 5 days
  | 'hung-kings' // 10th day of the 3rd lunar month
  | 'reunification' // 30 Apr
  | 'labour-day' // 1 May
  | 'national-day' // 2 Sep and one day next to it
  | 'november-24' // from 2026 (check)
  | 'substitute' // compensatory day off for a holiday on a weekend (art. 111(3))
  | 'declared'; // added by an administrator's override

export interface Holiday {
  date: IsoDate;
  kind: HolidayKind;
  /** For a substitute day: the holiday it makes up for. */
  substituteFor?: IsoDate;
}

/** Which adjacent day joins 2 Sep; the government picks it every year. */
export type NationalDayCompanion = 'before' | 'after';

/** How a year's holidays are derived. Plain data: store it as JSON. */
export interface HolidayRule {
  /**
   * Of Tết's five days, how many come before lunar New Year's day. Conventionally one, the last day of
   * the lunar year, so the block runs from 30 (or 29) of month 12 to 4 of month 1.
   */
  tetDaysBefore: number;
  nationalDayCompanion: NationalDayCompanion;
  /** First year in which 24 Nov is a holiday; null if it is not one. DOMAIN marks it (check). */
  november24FromYear: number | null;
  /** 'next-working-day': a holiday on Sat/Sun gives the next working day off (art. 111(3)). */
  substitute: 'next-working-day' | 'none';
}

export const TET_DAYS = 5;

export const DEFAULT_HOLIDAY_RULE: Readonly<HolidayRule> = Object.freeze({
  tetDaysBefore: 1,
  nationalDayCompanion: 'before',
  november24FromYear: 2026,
  substitute: 'next-working-day',
});

/**
 * An administrator's correction of one year. Plain data: store it as JSON.
 * Applied in this order: `replace` (or the computed list), then `remove`, then `add`.
 */
export interface YearOverride {
  year: number;
  /** The year's complete list of days off, replacing the computed one (statutory days and substitutes). */
  replace?: IsoDate[];
  /** Extra days off, e.g. the weekday given off in a swap. */
  add?: IsoDate[];
  /** Computed days off that are worked after all. */
  remove?: IsoDate[];
  /** Saturdays or Sundays that are working days, e.g. the Saturday worked in a swap. */
  workingDays?: IsoDate[];
  /** Why, e.g. the announcement's number: "Thông báo 6150/TB-BLĐTBXH". */
  note?: string;
}

/** The days off and the worked weekend days of one Gregorian year, after rule and override. */
export interface YearCalendar {
  year: number;
  holidays: Holiday[];
  workingDays: IsoDate[];
}

function tetDays(year: number, rule: HolidayRule): Holiday[] {
  if (!Number.isInteger(rule.tetDaysBefore) || rule.tetDaysBefore < 0 || rule.tetDaysBefore >= TET_DAYS) {
    throw new RangeError(`tetDaysBefore must be an integer from 0 to ${TET_DAYS - 1}`);
  }
  // Lunar 1/1 is always between 21 Jan and 20 Feb, so the whole block lies in the same Gregorian year.
  const first = addDays(lunarNewYear(year), -rule.tetDaysBefore);
  return Array.from({ length: TET_DAYS }, (_, i) => ({ date: addDays(first, i), kind: 'tet' as const }));
}

/** The holidays the law names for `year`, before substitute days; sorted by date. */
export function statutoryHolidays(year: number, rule: HolidayRule = DEFAULT_HOLIDAY_RULE): Holiday[] {
  if (!Number.isInteger(year) || year < 1 || year > 9999) throw new RangeError(`No year ${year}`);
  const nationalDay = isoDate(year, 9, 2);
  const list: Holiday[] = [
    { date: isoDate(year, 1, 1), kind: 'new-year' },
    ...tetDays(year, rule),
    { date: lunarToSolar(year, 3, 10), kind: 'hung-kings' },
    { date: isoDate(year, 4, 30), kind: 'reunification' },
    { date: isoDate(year, 5, 1), kind: 'labour-day' },
    { date: nationalDay, kind: 'national-day' },
    { date: addDays(nationalDay, rule.nationalDayCompanion === 'before' ? -1 : 1), kind: 'national-day' },
  ];
  if (rule.november24FromYear !== null && year >= rule.november24FromYear) {
    list.push({ date: isoDate(year, 11, 24), kind: 'november-24' });
  }
  return list.sort(byDate);
}

/**
 * Adds a substitute day for every holiday on a Saturday or Sunday: the first later weekday that is
 * neither a holiday nor already someone's substitute (Tết 2027 puts two weekend days in one block,
 * which pushes both substitutes past its end).
 */
export function withSubstitutes(holidays: readonly Holiday[]): Holiday[] {
  const taken = new Set(holidays.map((h) => h.date));
  const result = [...holidays];
  for (const h of [...holidays].sort(byDate)) {
    if (!isWeekend(h.date)) continue;
    let day = addDays(h.date, 1);
    while (isWeekend(day) || taken.has(day)) day = addDays(day, 1);
    taken.add(day);
    result.push({ date: day, kind: 'substitute', substituteFor: h.date });
  }
  // The latest holiday (24 Nov or 2–3 Sep) cannot push a substitute into the next year, so a year's
  // list is self-contained.
  return result.sort(byDate);
}

function checkDates(dates: readonly IsoDate[] | undefined, year: number, field: string): IsoDate[] {
  for (const d of dates ?? []) {
    if (!isIsoDate(d) || yearOf(d) !== year) {
      throw new RangeError(`Override for ${year}: ${field} has ${JSON.stringify(d)}, not a date in ${year}`);
    }
  }
  return [...(dates ?? [])];
}

/** Throws RangeError when an override cannot be applied as written; use it before storing one. */
export function checkYearOverride(override: YearOverride): void {
  const { year } = override;
  if (!Number.isInteger(year)) throw new RangeError(`Override year ${year} is not a year`);
  checkDates(override.replace, year, 'replace');
  checkDates(override.add, year, 'add');
  checkDates(override.remove, year, 'remove');
  const working = checkDates(override.workingDays, year, 'workingDays');
  const off = new Set([...(override.replace ?? []), ...(override.add ?? [])]);
  for (const d of working) {
    if (!isWeekend(d)) {
      throw new RangeError(`Override for ${year}: working day ${d} is not a Saturday or Sunday`);
    }
    if (off.has(d)) throw new RangeError(`Override for ${year}: ${d} is both a day off and a working day`);
  }
}

/** The year's days off and worked weekend days: statutory holidays, substitutes, then the override. */
export function yearCalendar(
  year: number,
  rule: HolidayRule = DEFAULT_HOLIDAY_RULE,
  override?: YearOverride,
): YearCalendar {
  if (override && override.year !== year) {
    throw new RangeError(`Override for ${override.year} given for year ${year}`);
  }
  if (override) checkYearOverride(override);
  const statutory = statutoryHolidays(year, rule);
  const computed = rule.substitute === 'next-working-day' ? withSubstitutes(statutory) : statutory;
  let holidays: Holiday[] = override?.replace
    ? override.replace.map((date) => computed.find((h) => h.date === date) ?? { date, kind: 'declared' })
    : computed;
  const removed = new Set(override?.remove ?? []);
  holidays = holidays.filter((h) => !removed.has(h.date));
  for (const date of override?.add ?? []) {
    if (!holidays.some((h) => h.date === date)) holidays.push({ date, kind: 'declared' });
  }
  return {
    year,
    holidays: dedupe(holidays).sort(byDate),
    workingDays: [...new Set(override?.workingDays ?? [])].sort(),
  };
}

function dedupe(holidays: readonly Holiday[]): Holiday[] {
  const byDay = new Map<IsoDate, Holiday>();
  for (const h of holidays) if (!byDay.has(h.date)) byDay.set(h.date, h);
  return [...byDay.values()];
}

function byDate(a: Holiday, b: Holiday): number {
  return a.date < b.date ? -1 : a.date > b.date ? 1 : 0;
}
