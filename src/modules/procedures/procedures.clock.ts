import {
  addWorkingDays,
  type DueOptions,
  isWorkingDay,
  nextWorkingDay,
  toVietnamDate,
  type WorkingCalendar,
} from '#modules/calendar/index.ts';
import type { ProcedureDefinition } from './procedures.schemas.ts';

const DAY_MS = 86_400_000;

/**
 * When a procedure's time limit runs out for a dossier validly received at `start`. Working days
 * (the default) are the calendar module's `addWorkingDays`. Calendar days ("ngày", as the Land
 * Law 2024 gives land-dispute mediation 30 days; docs/rules.md § Procedures catalogue) count from
 * the day after receipt; the limit ends when the office closes on the last day, and when that day
 * is a day off, when it closes on the next working day (the Civil Code's rule for time limits,
 * art. 147–148 — the article's wording was not read here). Pauses add their length.
 *
 * The dossiers module's clock should call this instead of `addWorkingDays(start, procedure.days,
 * …)` (see docs/decisions/029 and the procedures README).
 */
export function statutoryDueAt(
  p: Pick<ProcedureDefinition, 'days' | 'daysUnit'>,
  start: Date,
  cal: WorkingCalendar,
  options: DueOptions = {},
): Date {
  if (p.daysUnit !== 'calendar' || p.days === 0) return addWorkingDays(start, p.days, cal, options);
  const paused = (options.pauses ?? []).reduce(
    (ms, x) => ms + Math.max(0, x.until.getTime() - x.from.getTime()),
    0,
  );
  let last = toVietnamDate(new Date(start.getTime() + Math.ceil(p.days) * DAY_MS + paused));
  if (!isWorkingDay(last, cal)) last = nextWorkingDay(last, cal);
  const close = cal.officeHours[cal.officeHours.length - 1]?.end ?? '17:00';
  return new Date(`${last}T${close}:00+07:00`);
}
