import {
  addWorkingDays,
  classifyCompletion,
  elapsedWorkingTime,
  type Pause,
  stepDueTimes,
  type Timeliness,
  type WorkingCalendar,
  type WorkingTime,
} from '#modules/calendar/index.ts';
import type { Role } from '#platform/auth/actor.ts';
import type { ActionType, DossierState, LoggedAction } from './dossiers.workflow.ts';

/**
 * The statutory clock of one dossier, from its state and log, with the working-day arithmetic of
 * the calendar module. Pure: the caller passes the calendar (with the year overrides an admin
 * entered) and the current time.
 */

export interface TemplateStep {
  id: string;
  name: { vi: string; en?: string | undefined };
  role: 'receptionist' | 'specialist' | 'approver';
  share: number;
}

export interface StepTiming {
  id: string;
  name: { vi: string; en?: string | undefined };
  role: TemplateStep['role'];
  /** The hand-off that opened the step (the receipt for the first one). */
  startedAt: Date | null;
  dueAt: Date;
  completedAt: Date | null;
  /** Once completed: early / on time / late; while open: 'late' once past due, else null. */
  timeliness: Timeliness | null;
}

export interface DossierClock {
  /** Null until a valid dossier is received. */
  dueAt: Date | null;
  paused: boolean;
  elapsed: WorkingTime | null;
  /** Decided: early / on time / late against the due time; open: 'late' once past due, else null. */
  timeliness: Timeliness | null;
  steps: StepTiming[];
}

/** Closed pauses only: an open one has no end yet, so the due time shown is "as of now, if it resumed". */
function closedPauses(state: DossierState): Pause[] {
  return state.pauses.flatMap((p) => (p.until ? [{ from: p.from, until: p.until }] : []));
}

/** The due time of a dossier received at `state.validReceivedAt` with `days` working days. */
export function dueAt(state: DossierState, days: number, cal: WorkingCalendar): Date | null {
  if (!state.validReceivedAt) return null;
  return addWorkingDays(state.validReceivedAt, days, cal, { pauses: closedPauses(state) });
}

/**
 * The action that ends a step held by `role`: the hand-off out of that role's hands. A template
 * step is completed by the first such action after the previous step's completion.
 */
const HANDS_OFF: Partial<Record<ActionType, Role>> = {
  assign: 'receptionist',
  forward: 'receptionist',
  submit_for_approval: 'specialist',
  approve: 'approver',
  reject: 'approver',
  result_returned: 'receptionist',
};

export function dossierClock(
  state: DossierState,
  log: readonly LoggedAction[],
  procedure: { days: number; workflow: readonly TemplateStep[] },
  cal: WorkingCalendar,
  now: Date,
): DossierClock {
  const start = state.validReceivedAt;
  if (!start) return { dueAt: null, paused: false, elapsed: null, timeliness: null, steps: [] };
  const pauses = closedPauses(state);
  const due = addWorkingDays(start, procedure.days, cal, { pauses });
  const paused = state.pauses.some((p) => p.until === null);
  const elapsedUntil = state.decidedAt ?? state.finishedAt ?? now;
  const elapsed = elapsedWorkingTime(start, elapsedUntil, state.pauses, cal);

  const stepDue = stepDueTimes(
    start,
    procedure.workflow.map((s) => s.share * procedure.days),
    cal,
    { pauses },
  );
  const steps: StepTiming[] = [];
  let cursor = start;
  let k = 0;
  const after = log.filter((a) => a.at.getTime() >= start.getTime());
  for (const a of after) {
    const step = procedure.workflow[k];
    if (!step) break;
    if (HANDS_OFF[a.type] === step.role) {
      const dueK = stepDue[k] as Date;
      steps.push({
        id: step.id,
        name: step.name,
        role: step.role,
        startedAt: cursor,
        dueAt: dueK,
        completedAt: a.at,
        timeliness: classifyCompletion(a.at, dueK),
      });
      cursor = a.at;
      k++;
    }
  }
  const closed = state.finishedAt !== null;
  for (; k < procedure.workflow.length; k++) {
    const step = procedure.workflow[k] as TemplateStep;
    const dueK = stepDue[k] as Date;
    const open = steps.length === k && !closed;
    steps.push({
      id: step.id,
      name: step.name,
      role: step.role,
      startedAt: open ? cursor : null,
      dueAt: dueK,
      completedAt: null,
      timeliness: open && !paused && now.getTime() > dueK.getTime() ? 'late' : null,
    });
  }

  let timeliness: Timeliness | null = null;
  if (state.decidedAt) timeliness = classifyCompletion(state.decidedAt, due);
  else if (!closed && !paused && now.getTime() > due.getTime()) timeliness = 'late';
  return { dueAt: due, paused, elapsed, timeliness, steps };
}
