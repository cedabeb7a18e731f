import { type DueOptions, statutoryDue, type WorkingCalendar } from '#modules/calendar/index.ts';
import type { ProcedureDefinition } from './procedures.schemas.ts';

/**
 * When a procedure's time limit runs out for a dossier validly received at `start`: its `days` in
 * its `daysUnit` (working days by default; calendar days for land-dispute mediation's 30 days under
 * the Land Law 2024, docs/rules.md § Procedures catalogue), counted by the calendar module's
 * `statutoryDue` — the function the public calendar API calls too, so a dossier's due time and the
 * API's answer cannot drift apart. The dossiers clock calls this.
 */
export function statutoryDueAt(
  p: Pick<ProcedureDefinition, 'days' | 'daysUnit'>,
  start: Date,
  cal: WorkingCalendar,
  options: DueOptions = {},
): Date {
  return statutoryDue(start, { days: p.days, unit: p.daysUnit }, cal, options);
}
