/**
 * Calendar: Vietnam's official days off (the government's notices as data, `data/days-off`), the
 * computed default for years without a notice, each province's own yearly overrides, the statutory
 * clock's working-day arithmetic (pure functions), and the public calendar (API and page).
 * `provinceCalendar` is the one every module counting working days at a place should use.
 */
export { CALENDAR_TTL_MS, provinceCalendar, provincePath } from './calendar.overrides.ts';
export { PUBLIC_CALENDAR_PATH } from './calendar.page.tsx';
export { nationalCalendar } from './calendar.public.ts';
export { CALENDAR_ADMIN_PATH, type CalendarPageOptions } from './calendar.routes.tsx';
export { type IsoDate, toVietnamDate, VIETNAM_UTC_OFFSET_MINUTES } from './dates.ts';
export {
  checkYearOverride,
  type DayBasis,
  type DayReason,
  DEFAULT_HOLIDAY_RULE,
  HOLIDAY_NAMES,
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
export { type OfficialDay, type OfficialDaysOff, type OfficialNotice, officialDaysOff } from './official.ts';
export {
  addWorkingDays,
  addWorkingHours,
  type CalendarConfig,
  type Counting,
  classifyCompletion,
  createCalendar,
  type DayInfo,
  type DaysUnit,
  DEFAULT_OFFICE_HOURS,
  DEFAULT_SAME_DAY_CUTOFF,
  type DueOptions,
  describeDay,
  elapsedWorkingTime,
  isWorkingDay,
  nextWorkingDay,
  type OfficeSession,
  type OpenPause,
  officeCloseOn,
  type Pause,
  pushedBack,
  statutoryDue,
  stepDueTimes,
  type Timeliness,
  type WorkingCalendar,
  type WorkingTime,
} from './working-days.ts';

import type { FastifyInstance } from 'fastify';
import { registerCalendarApi } from './calendar.api.ts';
import { registerPublicCalendarPage } from './calendar.page.tsx';
import { type CalendarPageOptions, registerCalendarPages } from './calendar.routes.tsx';

/**
 * The province admins' page of yearly overrides (`CALENDAR_ADMIN_PATH`), the public page "Lịch làm
 * việc" (`PUBLIC_CALENDAR_PATH`) and the public API (`/api/v1/calendar/days`, `/api/v1/calendar/due`).
 */
export function registerCalendarRoutes(app: FastifyInstance, opts: CalendarPageOptions = {}) {
  registerCalendarPages(app, opts);
  registerPublicCalendarPage(app);
  registerCalendarApi(app);
}
