/**
 * Calendar: Vietnam's public holidays and the statutory clock's working-day arithmetic. Pure: no
 * database and no I/O; callers store `CalendarConfig` and `YearOverride` (plain JSON) themselves.
 */
export { type IsoDate, toVietnamDate, VIETNAM_UTC_OFFSET_MINUTES } from './dates.ts';
export {
  checkYearOverride,
  DEFAULT_HOLIDAY_RULE,
  type Holiday,
  type HolidayKind,
  type HolidayRule,
  type NationalDayCompanion,
  statutoryHolidays,
  TET_DAYS,
  type YearCalendar,
  type YearOverride,
  yearCalendar,
} from './holidays.ts';
export { lunarNewYear, lunarToSolar } from './lunar.ts';
export {
  addWorkingDays,
  addWorkingHours,
  type CalendarConfig,
  type Counting,
  classifyCompletion,
  createCalendar,
  DEFAULT_OFFICE_HOURS,
  DEFAULT_SAME_DAY_CUTOFF,
  type DueOptions,
  elapsedWorkingTime,
  isWorkingDay,
  nextWorkingDay,
  type OfficeSession,
  type OpenPause,
  type Pause,
  stepDueTimes,
  type Timeliness,
  type WorkingCalendar,
  type WorkingTime,
} from './working-days.ts';
