/**
 * Calendar dates and Vietnam wall-clock time, without a time-zone database.
 *
 * Asia/Ho_Chi_Minh has been UTC+7 without daylight saving since 1975, so a fixed +7 h offset gives the
 * same answers as the tz database for every instant this platform will see, and keeps the module free
 * of Intl/ICU differences between Node builds.
 */

/** A civil date in Vietnam, 'YYYY-MM-DD'. Plain string so that it stores and serialises as-is. */
export type IsoDate = string;

export const VIETNAM_UTC_OFFSET_MINUTES = 7 * 60;

const MS_PER_MINUTE = 60_000;
const MS_PER_DAY = 86_400_000;
const OFFSET_MS = VIETNAM_UTC_OFFSET_MINUTES * MS_PER_MINUTE;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Days since 1970-01-01 for a civil date; throws on anything that is not a real calendar date. */
export function dayNumber(date: IsoDate): number {
  const m = ISO_DATE.exec(date);
  if (!m) throw new RangeError(`Not a date in YYYY-MM-DD form: ${JSON.stringify(date)}`);
  const [, y, mo, d] = m;
  const ms = Date.UTC(Number(y), Number(mo) - 1, Number(d));
  // Date.UTC silently rolls 2026-02-30 over to March; a round trip catches it.
  if (fromDayNumber(ms / MS_PER_DAY) !== date) throw new RangeError(`No such date: ${date}`);
  return ms / MS_PER_DAY;
}

export function fromDayNumber(n: number): IsoDate {
  return new Date(n * MS_PER_DAY).toISOString().slice(0, 10);
}

export function isIsoDate(value: string): boolean {
  try {
    dayNumber(value);
    return true;
  } catch {
    return false;
  }
}

export function addDays(date: IsoDate, days: number): IsoDate {
  return fromDayNumber(dayNumber(date) + days);
}

/** 0 = Sunday … 6 = Saturday. */
export function weekday(date: IsoDate): number {
  // 1970-01-01 was a Thursday.
  return (((dayNumber(date) + 4) % 7) + 7) % 7;
}

export function isWeekend(date: IsoDate): boolean {
  const d = weekday(date);
  return d === 0 || d === 6;
}

export function yearOf(date: IsoDate): number {
  return Number(date.slice(0, 4));
}

export function isoDate(year: number, month: number, day: number): IsoDate {
  return fromDayNumber(Date.UTC(year, month - 1, day) / MS_PER_DAY);
}

/** The Vietnamese civil date of an instant. */
export function toVietnamDate(instant: Date): IsoDate {
  return fromDayNumber(Math.floor((instant.getTime() + OFFSET_MS) / MS_PER_DAY));
}

/** Minutes since Vietnamese midnight (fractional: seconds count). */
export function vietnamMinuteOfDay(instant: Date): number {
  const local = instant.getTime() + OFFSET_MS;
  return (local - Math.floor(local / MS_PER_DAY) * MS_PER_DAY) / MS_PER_MINUTE;
}

/** The instant at `minute` minutes after midnight, Vietnam time, on `date`. */
export function vietnamInstantMs(date: IsoDate, minute: number): number {
  return dayNumber(date) * MS_PER_DAY - OFFSET_MS + minute * MS_PER_MINUTE;
}

const CLOCK = /^([01]\d|2[0-3]):([0-5]\d)$/;

/** 'HH:MM' → minutes since midnight; '24:00' is allowed so that a session may end at midnight. */
export function parseClock(value: string): number {
  if (value === '24:00') return 24 * 60;
  const m = CLOCK.exec(value);
  if (!m) throw new RangeError(`Not a time of day in HH:MM form: ${JSON.stringify(value)}`);
  return Number(m[1]) * 60 + Number(m[2]);
}
