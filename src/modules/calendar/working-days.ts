import {
  addDays,
  type IsoDate,
  isIsoDate,
  isWeekend,
  parseClock,
  toVietnamDate,
  vietnamInstantMs,
  vietnamMinuteOfDay,
  yearOf,
} from './dates.ts';
import {
  checkYearOverride,
  type DayReason,
  DEFAULT_HOLIDAY_RULE,
  type HolidayRule,
  type YearCalendar,
  type YearOverride,
  yearCalendar,
} from './holidays.ts';
import type { OfficialDaysOff } from './official.ts';

/**
 * The statutory clock: working days (Mon–Fri minus public holidays) and office hours, in Vietnam time.
 *
 * Every time below is a `Date` (an instant); days and times of day are read in Asia/Ho_Chi_Minh with a
 * fixed UTC+7 offset (see dates.ts for why that is exact).
 *
 * One model serves both ways provinces count. Time is consumed only inside office hours on working
 * days, and a pause (the citizen supplementing) removes whatever working time it covers:
 * - 'days': Civil Code 2015 art. 147 — a period in days starts the day after the event, so the receipt
 *   day does not count; the due time is the close of office on the last day.
 * - 'hours': the clock runs from the receipt instant, and a day is `hoursPerDay` working hours (8 h in
 *   the provinces that count this way), so a dossier received Monday 09:00 with 1 day is due Tuesday 09:00.
 * A procedure with 0 days ("trong ngày", same day) is due at the close of the receipt day, or of the
 * next working day when received after the cutoff (15:00 by default, DOMAIN marks it (check)).
 */

export type Counting = 'days' | 'hours';

/** One stretch of office hours, 'HH:MM'–'HH:MM', Vietnam time. */
export interface OfficeSession {
  start: string;
  end: string;
}

/** Everything that varies between provinces and years. Plain data: store it as JSON. */
export interface CalendarConfig {
  holidayRule?: Partial<HolidayRule>;
  /**
   * The official days off (`officialDaysOff()`): for a year they cover, their rows replace the rule.
   * Absent or null: every year by rule (the pure arithmetic's tests, and what a year without a notice
   * gets anyway).
   */
  official?: OfficialDaysOff | null;
  overrides?: readonly YearOverride[];
  /** Sorted, non-overlapping sessions; the first start opens and the last end closes the office. */
  officeHours?: readonly OfficeSession[];
  /** Length of one day in the 'hours' count; defaults to the length of the office hours. */
  hoursPerDay?: number;
  counting?: Counting;
  /** A same-day procedure received at or after this time is due the next working day; null: no cutoff. */
  sameDayCutoff?: string | null;
}

/**
 * Defaults chosen so that one office day is exactly 8 working hours (Labour Code art. 105: at most 8 h a
 * day), matching the provinces that count 8 h = 1 day. Real hours vary by province and season (check):
 * many communes open 07:30–11:30 and 13:30–17:00; configure them per province.
 */
export const DEFAULT_OFFICE_HOURS: readonly OfficeSession[] = Object.freeze([
  { start: '07:30', end: '11:30' },
  { start: '13:00', end: '17:00' },
]);

export const DEFAULT_SAME_DAY_CUTOFF = '15:00';

export interface WorkingCalendar {
  readonly holidayRule: Readonly<HolidayRule>;
  readonly officeHours: readonly OfficeSession[];
  /** `officeHours` as [start, end) minutes since midnight. */
  readonly officeMinutes: readonly (readonly [number, number])[];
  readonly counting: Counting;
  readonly sameDayCutoff: string | null;
  /** Working minutes in one day of the 'hours' count. */
  readonly minutesPerDay: number;
  /** The year's days off after notice or rule, and override (memoised). */
  yearCalendar(year: number): YearCalendar;
  isWorkingDate(date: IsoDate): boolean;
}

/** A weekend day without a notice or override about it. */
export interface WeekendReason {
  kind: 'weekend';
  name: { vi: string; en: string };
}

/** One date as the public calendar shows it: working or not, and why. */
export interface DayInfo {
  date: IsoDate;
  workingDay: boolean;
  /** Null for an ordinary weekday. */
  reason: DayReason | WeekendReason | null;
}

export function createCalendar(config: CalendarConfig = {}): WorkingCalendar {
  const holidayRule: HolidayRule = { ...DEFAULT_HOLIDAY_RULE, ...config.holidayRule };
  const officeHours = config.officeHours ?? DEFAULT_OFFICE_HOURS;
  const officeMinutes = parseOfficeHours(officeHours);
  const officeDay = officeMinutes.reduce((sum, [s, e]) => sum + e - s, 0);
  const hoursPerDay = config.hoursPerDay ?? officeDay / 60;
  if (!(hoursPerDay > 0 && hoursPerDay <= 24)) {
    throw new RangeError(`hoursPerDay ${hoursPerDay} is out of range`);
  }
  const sameDayCutoff = config.sameDayCutoff === undefined ? DEFAULT_SAME_DAY_CUTOFF : config.sameDayCutoff;
  if (sameDayCutoff !== null) parseClock(sameDayCutoff);

  const overrides = new Map<number, YearOverride>();
  for (const o of config.overrides ?? []) {
    checkYearOverride(o);
    if (overrides.has(o.year)) throw new RangeError(`Two overrides for ${o.year}; merge them into one`);
    overrides.set(o.year, o);
  }

  const years = new Map<number, { calendar: YearCalendar; off: Set<IsoDate>; worked: Set<IsoDate> }>();
  const year = (y: number) => {
    let entry = years.get(y);
    if (!entry) {
      const calendar = yearCalendar(y, holidayRule, overrides.get(y), config.official);
      entry = {
        calendar,
        off: new Set(calendar.holidays.map((h) => h.date)),
        worked: new Set(calendar.workingDays),
      };
      years.set(y, entry);
    }
    return entry;
  };

  return {
    holidayRule,
    officeHours,
    officeMinutes,
    counting: config.counting ?? 'days',
    sameDayCutoff,
    minutesPerDay: hoursPerDay * 60,
    yearCalendar: (y) => year(y).calendar,
    isWorkingDate(date) {
      const { off, worked } = year(yearOf(date));
      if (off.has(date)) return false;
      return !isWeekend(date) || worked.has(date);
    },
  };
}

function parseOfficeHours(sessions: readonly OfficeSession[]): [number, number][] {
  if (sessions.length === 0) throw new RangeError('Office hours need at least one session');
  const parsed = sessions.map((s): [number, number] => [parseClock(s.start), parseClock(s.end)]);
  let previousEnd = 0;
  for (const [start, end] of parsed) {
    if (start < previousEnd || end <= start) {
      throw new RangeError(
        `Office hours must be sorted, non-overlapping sessions: ${JSON.stringify(sessions)}`,
      );
    }
    previousEnd = end;
  }
  return parsed;
}

/** A closed supplement pause: the clock stopped at `from` and ran again at `until`. */
export interface Pause {
  from: Date;
  until: Date;
}

/** A pause that may still be running (`until: null`), as a dossier awaiting its supplement has. */
export interface OpenPause {
  from: Date;
  until: Date | null;
}

export interface DueOptions {
  /** Supplement pauses; their working time does not count. Order and overlaps do not matter. */
  pauses?: readonly Pause[];
  /** Defaults to the calendar's; a step's share is often counted in 'hours' even where totals are in days. */
  counting?: Counting;
}

export type Timeliness = 'early' | 'on-time' | 'late';

export interface WorkingTime {
  minutes: number;
  /** `minutes` in days: office days in the 'days' count, `hoursPerDay` in the 'hours' count. */
  days: number;
}

/** Whether `date` is a working day at `cal`, and why (the holiday and its notice, a swap, a weekend). */
export function describeDay(date: IsoDate, cal: WorkingCalendar): DayInfo {
  const d = checkedDate(date);
  const workingDay = cal.isWorkingDate(d);
  const reason = cal.yearCalendar(yearOf(d)).reasons.get(d);
  if (reason) return { date: d, workingDay, reason };
  if (isWeekend(d)) {
    const saturday = new Date(`${d}T00:00:00Z`).getUTCDay() === 6;
    const name = saturday ? { vi: 'Thứ Bảy', en: 'Saturday' } : { vi: 'Chủ nhật', en: 'Sunday' };
    return { date: d, workingDay, reason: { kind: 'weekend', name } };
  }
  return { date: d, workingDay, reason: null };
}

export function isWorkingDay(date: Date | IsoDate, cal: WorkingCalendar): boolean {
  return cal.isWorkingDate(typeof date === 'string' ? checkedDate(date) : toVietnamDate(date));
}

/** The first working day strictly after `date`. */
export function nextWorkingDay(date: IsoDate, cal: WorkingCalendar): IsoDate {
  let day = addDays(checkedDate(date), 1);
  for (let i = 0; i < MAX_SEARCH_DAYS; i++, day = addDays(day, 1)) {
    if (cal.isWorkingDate(day)) return day;
  }
  throw new RangeError(`No working day within ${MAX_SEARCH_DAYS} days after ${date}`);
}

/**
 * When a time limit of `days` working days, started at `start`, runs out (see the module comment for
 * how 'days' and 'hours' count and for `days` = 0). Fractions are allowed (0.5 = half a day).
 */
export function addWorkingDays(
  start: Date,
  days: number,
  cal: WorkingCalendar,
  options: DueOptions = {},
): Date {
  checkAmount(days, 'days');
  const pauses = normalisePauses(start, options.pauses ?? []);
  if (days === 0) return new Date(sameDayDue(start.getTime(), cal, pauses));
  const counting = options.counting ?? cal.counting;
  const from = clockStart(start, cal, counting);
  if (counting === 'hours') return new Date(consume(from, days * cal.minutesPerDay, cal, pauses));
  return new Date(closeOfDay(consume(from, days * officeDayMinutes(cal), cal, pauses), cal));
}

/** How a time limit is counted: working days (the default), or calendar days ("ngày"). */
export type DaysUnit = 'working' | 'calendar';

/**
 * The statutory due time of a time limit started at `start` (a dossier's valid receipt): the one
 * function behind the dossiers clock (through the procedures module's `statutoryDueAt`) and the public
 * `GET /api/v1/calendar/due`, so both answer alike.
 *
 * - Working days: `addWorkingDays` (the receipt day does not count; close of office on the last day;
 *   a same-day limit and its cut-off; pauses remove the working time they cover).
 * - Calendar days ("ngày", e.g. land-dispute mediation's 30 days under the Land Law 2024): counted
 *   from the day after receipt; the limit ends when the office closes on the last day, or on the next
 *   working day when that day is a day off (the Civil Code's rule for time limits; docs/rules.md).
 *   Pauses add their whole length (merged first, so overlapping pauses count once).
 */
export function statutoryDue(
  start: Date,
  limit: { days: number; unit?: DaysUnit | undefined },
  cal: WorkingCalendar,
  options: DueOptions = {},
): Date {
  checkAmount(limit.days, 'days');
  if (limit.unit !== 'calendar' || limit.days === 0) return addWorkingDays(start, limit.days, cal, options);
  const paused = normalisePauses(start, options.pauses ?? []).reduce((ms, [a, b]) => ms + (b - a), 0);
  let last = toVietnamDate(new Date(start.getTime() + Math.ceil(limit.days) * MS_PER_DAY + paused));
  if (!cal.isWorkingDate(last)) last = nextWorkingDay(last, cal);
  return new Date(vietnamInstantMs(last, closingMinute(cal)));
}

/** The close of office on `date` (Vietnam time): the due time of a limit that ends that day. */
export function officeCloseOn(date: IsoDate, cal: WorkingCalendar): Date {
  return new Date(vietnamInstantMs(checkedDate(date), closingMinute(cal)));
}

/**
 * A fixed due time (an extension's new date) pushed back by the working time `pauses` cover, as the
 * statutory clock pushes its own: in the 'days' count to the close of the day the time runs out.
 */
export function pushedBack(due: Date, pauses: readonly Pause[], cal: WorkingCalendar): Date {
  const spans = normalisePauses(new Date(0), pauses);
  let minutes = 0;
  for (const [a, b] of spans) {
    minutes += elapsedWorkingTime(new Date(a), new Date(b), [], cal, { counting: 'hours' }).minutes;
  }
  if (minutes === 0) return due;
  const end = consume(due.getTime(), minutes, cal, []);
  return cal.counting === 'hours' ? new Date(end) : new Date(closeOfDay(end, cal));
}

/** When `hours` of working time, counted from the instant `start`, run out. */
export function addWorkingHours(
  start: Date,
  hours: number,
  cal: WorkingCalendar,
  options: Pick<DueOptions, 'pauses'> = {},
): Date {
  checkAmount(hours, 'hours');
  return new Date(consume(start.getTime(), hours * 60, cal, normalisePauses(start, options.pauses ?? [])));
}

/**
 * Planned due time of each step when a procedure's `days` are shared out between steps (e.g. [1, 3, 1]
 * for receive, process, sign): step k is due when the first k+1 shares have run from `start`, so the
 * last step's due time is the dossier's. For a step's own clock from its hand-off, call `addWorkingDays`
 * with the hand-off time and the step's share.
 */
export function stepDueTimes(
  start: Date,
  shares: readonly number[],
  cal: WorkingCalendar,
  options: DueOptions = {},
): Date[] {
  let total = 0;
  return shares.map((share) => {
    checkAmount(share, 'share');
    total += share;
    return addWorkingDays(start, total, cal, options);
  });
}

/**
 * How much of a time limit started at `start` has been used by `now`: counted working time, less pauses
 * (one still open counts as paused until `now`). In the 'days' count the receipt day is not counted, as
 * for the due time, so the elapsed time at the due time equals the limit.
 */
export function elapsedWorkingTime(
  start: Date,
  now: Date,
  pauses: readonly OpenPause[],
  cal: WorkingCalendar,
  options: Pick<DueOptions, 'counting'> = {},
): WorkingTime {
  const counting = options.counting ?? cal.counting;
  const from = clockStart(start, cal, counting);
  const end = now.getTime();
  const closed = pauses.map((p) => ({ from: p.from, until: p.until ?? now }));
  let ms = 0;
  if (end > from) {
    for (const [a, b] of countedSpans(from, cal, normalisePauses(start, closed))) {
      if (a >= end) break;
      ms += Math.min(b, end) - a;
    }
  }
  const minutes = ms / MS_PER_MINUTE;
  return { minutes, days: minutes / (counting === 'hours' ? cal.minutesPerDay : officeDayMinutes(cal)) };
}

/**
 * Early / on time / late, as the tracking sheet (Circular 03/2025, form 06) records it: late after the due
 * instant; early when finished on an earlier Vietnamese calendar day than the due day; otherwise on time.
 */
export function classifyCompletion(completedAt: Date, dueAt: Date): Timeliness {
  if (completedAt.getTime() > dueAt.getTime()) return 'late';
  return toVietnamDate(completedAt) < toVietnamDate(dueAt) ? 'early' : 'on-time';
}

// ---------------------------------------------------------------------------------------------------

const MS_PER_MINUTE = 60_000;
const MS_PER_DAY = 86_400_000;
/** Enough for any time limit plus years of pauses; beyond it a calendar with no working days is assumed. */
const MAX_SEARCH_DAYS = 366 * 20;

type Span = readonly [number, number];

function checkedDate(date: IsoDate): IsoDate {
  if (!isIsoDate(date)) throw new RangeError(`Not a date in YYYY-MM-DD form: ${JSON.stringify(date)}`);
  return date;
}

function checkAmount(value: number, what: string): void {
  if (!Number.isFinite(value) || value < 0) {
    throw new RangeError(`${what} must be a finite number ≥ 0, not ${value}`);
  }
}

function openingMinute(cal: WorkingCalendar): number {
  return cal.officeMinutes[0]?.[0] ?? 0;
}

function closingMinute(cal: WorkingCalendar): number {
  return cal.officeMinutes[cal.officeMinutes.length - 1]?.[1] ?? 24 * 60;
}

function officeDayMinutes(cal: WorkingCalendar): number {
  return cal.officeMinutes.reduce((sum, [s, e]) => sum + e - s, 0);
}

/** When the statutory clock begins to run for a dossier received at `start`. */
function clockStart(start: Date, cal: WorkingCalendar, counting: Counting): number {
  if (counting === 'hours') return start.getTime();
  return vietnamInstantMs(nextWorkingDay(toVietnamDate(start), cal), openingMinute(cal));
}

/** The close of office on the day in which the instant `ms` (a moment of counted time) lies. */
function closeOfDay(ms: number, cal: WorkingCalendar): number {
  // A limit that ends exactly at the close belongs to that day; stepping back 1 ms keeps a session that
  // ends at 24:00 on its own day rather than the next.
  return vietnamInstantMs(toVietnamDate(new Date(ms - 1)), closingMinute(cal));
}

/**
 * Same-day procedures: the close of the receipt day, or of the next working day when received on a
 * day off or at/after the cutoff (or after closing). A supplement restarts this rule from the moment the
 * citizen resumes, since the officer can only finish once the papers are complete.
 */
function sameDayDue(startMs: number, cal: WorkingCalendar, pauses: readonly Span[]): number {
  const dueFrom = (ms: number) => {
    const at = new Date(ms);
    const cutoff = Math.min(
      cal.sameDayCutoff === null ? Number.POSITIVE_INFINITY : parseClock(cal.sameDayCutoff),
      closingMinute(cal),
    );
    let day = toVietnamDate(at);
    if (!cal.isWorkingDate(day) || vietnamMinuteOfDay(at) >= cutoff) day = nextWorkingDay(day, cal);
    return vietnamInstantMs(day, closingMinute(cal));
  };
  let due = dueFrom(startMs);
  for (const [from, until] of pauses) {
    if (from < due) due = dueFrom(until);
  }
  return due;
}

/** Clips pauses to the clock start, sorts and merges them. */
function normalisePauses(start: Date, pauses: readonly Pause[]): Span[] {
  const spans: [number, number][] = [];
  for (const p of pauses) {
    const from = p.from.getTime();
    const until = p.until.getTime();
    if (!(from <= until)) throw new RangeError(`Pause ends before it starts: ${p.from.toISOString()}`);
    const a = Math.max(from, start.getTime());
    if (until > a) spans.push([a, until]);
  }
  spans.sort((x, y) => x[0] - y[0]);
  const merged: [number, number][] = [];
  for (const s of spans) {
    const last = merged[merged.length - 1];
    if (last && s[0] <= last[1]) last[1] = Math.max(last[1], s[1]);
    else merged.push([s[0], s[1]]);
  }
  return merged;
}

/** Office-hour spans on working days from the instant `fromMs` on. */
function* workingSpans(fromMs: number, cal: WorkingCalendar): Generator<Span> {
  let day = toVietnamDate(new Date(fromMs));
  for (let i = 0; i < MAX_SEARCH_DAYS; i++, day = addDays(day, 1)) {
    if (!cal.isWorkingDate(day)) continue;
    for (const [s, e] of cal.officeMinutes) {
      const a = Math.max(vietnamInstantMs(day, s), fromMs);
      const b = vietnamInstantMs(day, e);
      if (b > a) yield [a, b];
    }
  }
  throw new RangeError(`No working time within ${MAX_SEARCH_DAYS} days of ${new Date(fromMs).toISOString()}`);
}

/** Working spans with the pauses cut out: the time the statutory clock actually runs. */
function* countedSpans(fromMs: number, cal: WorkingCalendar, pauses: readonly Span[]): Generator<Span> {
  for (const [a, b] of workingSpans(fromMs, cal)) {
    let cursor = a;
    for (const [p, q] of pauses) {
      if (q <= cursor) continue;
      if (p >= b) break;
      if (p > cursor) yield [cursor, p];
      cursor = Math.max(cursor, q);
      if (cursor >= b) break;
    }
    if (cursor < b) yield [cursor, b];
  }
}

/** The instant at which `minutes` of counted time, from `fromMs`, are used up. */
function consume(fromMs: number, minutes: number, cal: WorkingCalendar, pauses: readonly Span[]): number {
  // Whole milliseconds, so that shares like 0.1 + 0.2 days land exactly on a session's end.
  let remaining = Math.round(minutes * MS_PER_MINUTE);
  for (const [a, b] of countedSpans(fromMs, cal, pauses)) {
    if (b - a >= remaining) return a + remaining;
    remaining -= b - a;
  }
  throw new Error('unreachable: workingSpans ends by throwing');
}
