import { addDays, type IsoDate, isIsoDate, isoDate, isWeekend, yearOf } from './dates.ts';
import { lunarNewYear, lunarToSolar } from './lunar.ts';
import type { OfficialDay, OfficialDaysOff } from './official.ts';

/**
 * Public holidays, Labour Code 2019 (45/2019/QH14) art. 112.
 *
 * The law fixes which days are holidays; each year the Prime Minister fixes Tết's five days and the day
 * next to 2 Sep (art. 112(3)), and the government announces swaps with Saturdays. So a year is built,
 * in this order (decision 021, docs/rules.md § Calendar):
 * 1. the official notice's rows (`data/days-off`, official.ts) when the file covers the year;
 *    otherwise the computed default below (statutory days, Tết from 29 Chạp, days in lieu), marked so;
 * 2. then the province's `YearOverride`, day by day.
 * Every day off and every weekend day worked keeps why (`DayReason`): the public calendar says it.
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
  | 'swapped' // a weekday given off, worked on a weekend day instead (a notice's swap)
  | 'declared'; // added by an administrator's override

export interface Holiday {
  date: IsoDate;
  kind: HolidayKind;
  /** For a substitute day: the holiday it makes up for. */
  substituteFor?: IsoDate;
}

/** Which adjacent day joins 2 Sep; the government picks it every year. */
export type NationalDayCompanion = 'before' | 'after';

/** How a year's holidays are derived when no notice covers it. Plain data: store it as JSON. */
export interface HolidayRule {
  /**
   * The day of lunar month 12 (Chạp) on which Tết's five days begin: 29, which matches 6 of the 7
   * notices 2020–2026 (2025 began on 28 Chạp; data/days-off/README.md). In a 30-day month the block
   * is 29 Chạp – mùng 3, in a 29-day month 29 Chạp – mùng 4.
   */
  tetStartLunarDay: number;
  /** If set, Tết begins this many days before lunar New Year instead (`tetStartLunarDay` ignored). */
  tetDaysBefore?: number | null;
  nationalDayCompanion: NationalDayCompanion;
  /** First year in which 24 Nov is a holiday; null if it is not one. DOMAIN marks it (check). */
  november24FromYear: number | null;
  /** 'next-working-day': a holiday on Sat/Sun gives the next working day off (art. 111(3)). */
  substitute: 'next-working-day' | 'none';
}

export const TET_DAYS = 5;

export const DEFAULT_HOLIDAY_RULE: Readonly<HolidayRule> = Object.freeze({
  tetStartLunarDay: 29,
  tetDaysBefore: null,
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

/** Where a day off (or a weekend day worked) comes from. */
export type DayBasis =
  | 'notice' // a row of the official file: `notice` names the document
  | 'default' // computed by rule: the year has no notice yet
  | 'province'; // the province's override: `note` says why

/** Why a date is a day off, or a weekend day worked: what the public calendar shows. */
export interface DayReason {
  kind: 'holiday' | 'substitute' | 'swapped_off' | 'swapped_workday' | 'declared' | 'worked';
  /** The holiday it belongs to, when it belongs to one. */
  holiday?: HolidayKind;
  name: { vi: string; en: string };
  basis: DayBasis;
  /** basis 'notice': the document's number (null when not found, 2020's Tết) and date. */
  notice?: string | null;
  noticeDate?: string | null;
  /** basis 'province': the override's note (e.g. the province's own decision). */
  note?: string;
  /** Tết and Hùng Kings' rows: the lunar date, 'd/m Year-name'. */
  lunar?: string;
  substituteFor?: IsoDate;
  swappedWith?: IsoDate;
}

/** The days off and the worked weekend days of one Gregorian year, after notice or rule, and override. */
export interface YearCalendar {
  year: number;
  holidays: Holiday[];
  workingDays: IsoDate[];
  /** 'notice': the official file covers the year; 'default': computed, no notice yet. */
  basis: 'notice' | 'default';
  /** Why each day off and each weekend day worked is so, by date. */
  reasons: ReadonlyMap<IsoDate, DayReason>;
}

/** What people call each holiday. The official rows carry their own names; these are for the rest. */
export const HOLIDAY_NAMES: Record<HolidayKind, { vi: string; en: string }> = {
  'new-year': { vi: 'Tết Dương lịch', en: "New Year's Day" },
  tet: { vi: 'Tết Âm lịch', en: 'Lunar New Year (Tết)' },
  'hung-kings': { vi: 'Giỗ Tổ Hùng Vương', en: "Hùng Kings' Commemoration Day" },
  reunification: { vi: 'Ngày Chiến thắng', en: 'Victory Day (30 April)' },
  'labour-day': { vi: 'Ngày Quốc tế Lao động', en: 'International Labour Day' },
  'national-day': { vi: 'Quốc khánh', en: 'National Day' },
  'november-24': { vi: 'Ngày Văn hóa Việt Nam', en: 'Vietnamese Culture Day' },
  substitute: { vi: 'Nghỉ bù', en: 'Day in lieu' },
  swapped: { vi: 'Nghỉ hoán đổi', en: 'Swapped day off' },
  declared: { vi: 'Ngày nghỉ do tỉnh quyết định', en: 'Day off declared by the province' },
};

/** A day the province's override makes a working day (a weekend day worked, or a day off cancelled). */
export const WORKED_NAME = { vi: 'Ngày làm việc do tỉnh quyết định', en: 'Working day set by the province' };

function tetDays(year: number, rule: HolidayRule): Holiday[] {
  let first: IsoDate;
  if (rule.tetDaysBefore !== null && rule.tetDaysBefore !== undefined) {
    if (!Number.isInteger(rule.tetDaysBefore) || rule.tetDaysBefore < 0 || rule.tetDaysBefore >= TET_DAYS) {
      throw new RangeError(`tetDaysBefore must be an integer from 0 to ${TET_DAYS - 1}`);
    }
    first = addDays(lunarNewYear(year), -rule.tetDaysBefore);
  } else {
    if (
      !Number.isInteger(rule.tetStartLunarDay) ||
      rule.tetStartLunarDay < 27 ||
      rule.tetStartLunarDay > 29
    ) {
      throw new RangeError('tetStartLunarDay must be 27, 28 or 29 (of lunar month 12)');
    }
    // Every lunar month has at least 29 days, so 27–29 Chạp always exist.
    first = lunarToSolar(year - 1, 12, rule.tetStartLunarDay);
  }
  // Lunar 1/1 is always between 21 Jan and 20 Feb, so the whole block lies in the same Gregorian year.
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

/** A computed day's reason (basis 'default'): its holiday's name, or "day in lieu of" it. */
function defaultReason(h: Holiday, byDate: ReadonlyMap<IsoDate, Holiday>): DayReason {
  if (h.kind === 'substitute') {
    const of = h.substituteFor ? byDate.get(h.substituteFor) : undefined;
    const name = of ? HOLIDAY_NAMES[of.kind] : HOLIDAY_NAMES.substitute;
    return {
      kind: 'substitute',
      ...(of ? { holiday: of.kind } : {}),
      name: { vi: `Nghỉ bù ${name.vi}`, en: `${name.en} (day in lieu)` },
      basis: 'default',
      ...(h.substituteFor ? { substituteFor: h.substituteFor } : {}),
    };
  }
  return { kind: 'holiday', holiday: h.kind, name: HOLIDAY_NAMES[h.kind], basis: 'default' };
}

const OFFICIAL_HOLIDAY: Record<OfficialDay['holiday'], HolidayKind> = {
  'new-year': 'new-year',
  tet: 'tet',
  'hung-kings': 'hung-kings',
  reunification: 'reunification',
  'labour-day': 'labour-day',
  'national-day': 'national-day',
  'culture-day': 'november-24',
};

function officialReason(d: OfficialDay): DayReason {
  return {
    kind: d.kind,
    holiday: OFFICIAL_HOLIDAY[d.holiday],
    name: { vi: d.nameVi, en: d.nameEn },
    basis: 'notice',
    notice: d.notice,
    noticeDate: d.noticeDate,
    ...(d.lunar ? { lunar: d.lunar } : {}),
    ...(d.substituteFor ? { substituteFor: d.substituteFor } : {}),
    ...(d.swappedWith ? { swappedWith: d.swappedWith } : {}),
  };
}

/** A year from the official rows: days off and weekend days worked, each with its notice. */
function officialYear(rows: readonly OfficialDay[]) {
  const holidays: Holiday[] = [];
  const workingDays: IsoDate[] = [];
  const reasons = new Map<IsoDate, DayReason>();
  for (const d of rows) {
    reasons.set(d.date, officialReason(d));
    if (d.kind === 'swapped_workday') workingDays.push(d.date);
    else if (d.kind === 'swapped_off') holidays.push({ date: d.date, kind: 'swapped' });
    else if (d.kind === 'substitute') {
      holidays.push({
        date: d.date,
        kind: 'substitute',
        ...(d.substituteFor ? { substituteFor: d.substituteFor } : {}),
      });
    } else holidays.push({ date: d.date, kind: OFFICIAL_HOLIDAY[d.holiday] });
  }
  return { holidays, workingDays, reasons };
}

/**
 * The year's days off and worked weekend days: the official notice's rows when `official` covers the
 * year, otherwise the statutory holidays and their substitutes by `rule`; then the province's override.
 */
export function yearCalendar(
  year: number,
  rule: HolidayRule = DEFAULT_HOLIDAY_RULE,
  override?: YearOverride,
  official?: OfficialDaysOff | null,
): YearCalendar {
  if (override && override.year !== year) {
    throw new RangeError(`Override for ${override.year} given for year ${year}`);
  }
  if (override) checkYearOverride(override);
  const rows = official?.years.has(year) ? (official.byYear.get(year) ?? []) : undefined;
  let computed: Holiday[];
  let worked: IsoDate[] = [];
  const reasons = new Map<IsoDate, DayReason>();
  if (rows) {
    const y = officialYear(rows);
    computed = y.holidays;
    worked = y.workingDays;
    for (const [d, r] of y.reasons) reasons.set(d, r);
  } else {
    const statutory = statutoryHolidays(year, rule);
    computed = rule.substitute === 'next-working-day' ? withSubstitutes(statutory) : statutory;
    const byDate = new Map(computed.map((h) => [h.date, h]));
    for (const h of computed) if (!reasons.has(h.date)) reasons.set(h.date, defaultReason(h, byDate));
  }
  const province = (kind: DayReason['kind'], base?: DayReason): DayReason => ({
    kind,
    ...(base?.holiday ? { holiday: base.holiday } : {}),
    name: kind === 'worked' ? WORKED_NAME : (base?.name ?? HOLIDAY_NAMES.declared),
    basis: 'province',
    ...(override?.note ? { note: override.note } : {}),
  });
  let holidays: Holiday[] = computed;
  if (override?.replace) {
    const listed = new Set(override.replace);
    for (const h of computed) if (!listed.has(h.date)) reasons.delete(h.date);
    holidays = override.replace.map((date) => {
      const known = computed.find((h) => h.date === date);
      if (!known) reasons.set(date, province('declared'));
      return known ?? { date, kind: 'declared' };
    });
  }
  const removed = new Set(override?.remove ?? []);
  for (const date of removed) {
    // A day the province works after all: say so, naming what it would have been.
    if (!holidays.some((h) => h.date === date)) continue;
    if (isWeekend(date)) reasons.delete(date);
    else reasons.set(date, province('worked', reasons.get(date)));
  }
  holidays = holidays.filter((h) => !removed.has(h.date));
  for (const date of override?.add ?? []) {
    if (!holidays.some((h) => h.date === date)) {
      holidays.push({ date, kind: 'declared' });
      reasons.set(date, province('declared'));
    }
  }
  for (const date of override?.workingDays ?? []) {
    if (!worked.includes(date)) reasons.set(date, province('worked'));
  }
  return {
    year,
    holidays: dedupe(holidays).sort(byDate),
    workingDays: [...new Set([...worked, ...(override?.workingDays ?? [])])].sort(),
    basis: rows ? 'notice' : 'default',
    reasons,
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
