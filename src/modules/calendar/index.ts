/**
 * Calendar: Vietnam's public holidays, the statutory clock's working-day arithmetic (pure functions),
 * and the yearly overrides an administrator enters, with the calendar they make for a province
 * (`provinceCalendar`: the one every module counting working days at a place should use).
 */
export { CALENDAR_TTL_MS, provinceCalendar } from './calendar.overrides.ts';
export { CALENDAR_ADMIN_PATH, type CalendarPageOptions } from './calendar.routes.tsx';
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

import type { FastifyInstance } from 'fastify';
import { type CalendarPageOptions, registerCalendarPages } from './calendar.routes.tsx';

/** The yearly overrides' admin page (`CALENDAR_ADMIN_PATH`), for province admins. */
export function registerCalendarRoutes(app: FastifyInstance, opts: CalendarPageOptions = {}) {
  registerCalendarPages(app, opts);
}
