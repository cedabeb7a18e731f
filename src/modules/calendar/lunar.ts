import lunarJs from 'lunar-javascript';
import type { IsoDate } from './dates.ts';

/**
 * The Vietnamese lunar calendar, built on lunar-javascript.
 *
 * lunar-javascript computes the Chinese calendar, whose days begin at midnight Beijing time (UTC+8).
 * Since 1968 Vietnam reckons its lunar calendar at UTC+7, so when a new moon falls between 00:00 and
 * 01:00 Beijing time the Vietnamese month starts one day earlier than the Chinese one. That is not
 * academic: Tết 2030 is 2 Feb in Vietnam and 3 Feb in China; Hùng Kings' day 2037 and 2038 differ too.
 * We take the month numbering from the library and re-evaluate each month's new moon at UTC+7.
 *
 * Checked against Hồ Ngọc Đức's UTC+7 algorithm (the one Vietnamese calendars print): the first day of
 * months 1 and 3 agree for every lunar year 1968–2147 except 1985, when the two calendars placed the
 * leap month differently and Vietnam's Tết came a whole month before China's. Such a year is what
 * `YearOverride` is for.
 */

const { LunarYear, Solar, ShouXingUtil } = lunarJs;

/** First lunar year Vietnam reckoned at UTC+7; earlier years follow the library (UTC+8). */
const FIRST_UTC7_YEAR = 1968;
/** lunar-javascript switches from its historical tables to astronomical new moons at this JD (1960). */
const FIRST_ASTRONOMICAL_JD = 2436935;
const ONE_HOUR_IN_DAYS = 1 / 24;

/** Julian day number of a month's first day in Vietnam, from the library's Beijing-time one. */
function vietnamFirstJulianDay(chinese: number, lunarYear: number): number {
  if (lunarYear < FIRST_UTC7_YEAR || chinese < FIRST_ASTRONOMICAL_JD) return chinese;
  // Same lunation index that lunar-javascript's calcShuo derives, so we get the very new moon it used.
  const lunation = Math.floor((chinese + 14 - 2451551) / 29.5306);
  const newMoonBeijing = ShouXingUtil.shuoHigh(lunation * Math.PI * 2);
  if (Math.floor(newMoonBeijing + 0.5) + Solar.J2000 !== chinese) {
    throw new Error(`lunar-javascript disagrees with itself about the new moon near JD ${chinese}`);
  }
  return Math.floor(newMoonBeijing - ONE_HOUR_IN_DAYS + 0.5) + Solar.J2000;
}

function julianDayToIso(jd: number): IsoDate {
  return Solar.fromJulianDay(jd).toYmd();
}

/**
 * Solar date of `day` of the regular (non-leap) `month` of `lunarYear` in the Vietnamese lunar calendar.
 * Throws RangeError when the month has fewer days.
 */
export function lunarToSolar(lunarYear: number, month: number, day: number): IsoDate {
  if (!Number.isInteger(month) || month < 1 || month > 12) throw new RangeError(`No lunar month ${month}`);
  const months = LunarYear.fromYear(lunarYear).getMonths();
  const index = months.findIndex((m) => m.getYear() === lunarYear && m.getMonth() === month);
  const target = months[index];
  if (!target) throw new Error(`lunar-javascript has no month ${month} in lunar year ${lunarYear}`);
  // In a year with a leap month the library's 15-month window ends at month 12; its successor is in the
  // next year's window.
  const next =
    months[index + 1] ??
    LunarYear.fromYear(lunarYear + 1)
      .getMonths()
      .find((m) => m.getFirstJulianDay() > target.getFirstJulianDay());
  if (!next) throw new Error(`lunar-javascript has no month after ${month} in lunar year ${lunarYear}`);
  const first = vietnamFirstJulianDay(target.getFirstJulianDay(), lunarYear);
  const nextFirst = vietnamFirstJulianDay(next.getFirstJulianDay(), next.getYear());
  if (!Number.isInteger(day) || day < 1 || first + day - 1 >= nextFirst) {
    throw new RangeError(`Lunar ${lunarYear}/${month} has ${nextFirst - first} days, not day ${day}`);
  }
  return julianDayToIso(first + day - 1);
}

/** Tết Nguyên Đán: the solar date of lunar 1/1 of `lunarYear` (which always falls in solar `lunarYear`). */
export function lunarNewYear(lunarYear: number): IsoDate {
  return lunarToSolar(lunarYear, 1, 1);
}
