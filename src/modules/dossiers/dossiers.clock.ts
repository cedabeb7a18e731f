import {
  classifyCompletion,
  elapsedWorkingTime,
  type Pause,
  pushedBack,
  stepDueTimes,
  type Timeliness,
  type WorkingCalendar,
  type WorkingTime,
} from '#modules/calendar/index.ts';
import { type ProcedureDefinition, statutoryDueAt } from '#modules/procedures/index.ts';
import type { Role } from '#platform/auth/actor.ts';
import type { ActionType, DossierState, LoggedAction, RuleContext } from './dossiers.workflow.ts';

/**
 * The statutory clock of one dossier, from its state and log. The due time is the procedures
 * module's `statutoryDueAt` (working or calendar days, through the calendar module's `statutoryDue`,
 * which the public calendar API calls too), less the pauses (a supplement after receipt; financial
 * obligations where the procedure excludes them), or the new date of a granted extension (form 04).
 * Pure: the caller passes the province's calendar and the current time.
 */

/** What the clock needs of a procedure: its time limit and how it is counted. */
export type ClockLimit = Pick<ProcedureDefinition, 'days' | 'daysUnit'>;

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

/**
 * The due time of a dossier validly received at `state.validReceivedAt`: the procedure's limit less
 * the closed pauses; once an extension is granted, its new date, pushed back by pauses that began
 * after it was granted.
 */
export function dueAt(state: DossierState, limit: ClockLimit, cal: WorkingCalendar): Date | null {
  if (!state.validReceivedAt) return null;
  const pauses = closedPauses(state);
  const granted = state.extension?.grantedAt;
  if (state.extension && granted) {
    const later = pauses.filter((p) => p.from.getTime() >= granted.getTime());
    return pushedBack(state.extension.newDueAt, later, cal);
  }
  return statutoryDueAt(limit, state.validReceivedAt, cal, { pauses });
}

/**
 * Each step's planned due time: shares of the limit, cumulated, so that the last step's is the
 * dossier's (in calendar days for a calendar-day procedure, counted as the whole limit is).
 */
function plannedStepDue(
  start: Date,
  procedure: ClockLimit & { workflow: readonly TemplateStep[] },
  cal: WorkingCalendar,
  pauses: Pause[],
): Date[] {
  if (procedure.daysUnit !== 'calendar') {
    return stepDueTimes(
      start,
      procedure.workflow.map((s) => s.share * procedure.days),
      cal,
      { pauses },
    );
  }
  let total = 0;
  return procedure.workflow.map((s, i) => {
    total += s.share;
    const days = i === procedure.workflow.length - 1 ? procedure.days : Math.ceil(total * procedure.days);
    return statutoryDueAt({ days, daysUnit: 'calendar' }, start, cal, { pauses });
  });
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
  procedure: ClockLimit & { workflow: readonly TemplateStep[] },
  cal: WorkingCalendar,
  now: Date,
): DossierClock {
  const start = state.validReceivedAt;
  if (!start) return { dueAt: null, paused: false, elapsed: null, timeliness: null, steps: [] };
  const pauses = closedPauses(state);
  const due = dueAt(state, procedure, cal) as Date;
  const paused = state.pauses.some((p) => p.until === null);
  const elapsedUntil = state.decidedAt ?? state.finishedAt ?? now;
  const elapsed = elapsedWorkingTime(start, elapsedUntil, state.pauses, cal);

  const stepDue = plannedStepDue(start, procedure, cal, pauses);
  // An extension moves the dossier's due time, and with it the last step's.
  if (state.extension?.grantedAt && stepDue.length) stepDue[stepDue.length - 1] = due;
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

/** What the workflow's rules need beyond the log: now, the due time as it stands, the exclusions. */
export function ruleContext(
  state: DossierState,
  procedure: ClockLimit & Pick<ProcedureDefinition, 'clockExclusions'>,
  cal: WorkingCalendar,
  now: Date,
): RuleContext {
  return { now, dueAt: dueAt(state, procedure, cal), clockExclusions: procedure.clockExclusions ?? [] };
}
