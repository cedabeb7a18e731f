import type { Role } from '#platform/auth/actor.ts';
import type { ApprovalRow } from './indicators.queries.ts';

/**
 * A report is one data set's values at one place for one period. Its state is folded from the
 * append-only approval log (STYLE.md item 3), and one table says who may take which step next.
 *
 *   open ──submit──▶ submitted ──approve──▶ approved ──reopen──▶ open
 *     ▲                  │
 *     └──── returned ◀───┘ return (with a comment)
 */
export type ReportStatus = 'open' | 'submitted' | 'approved' | 'returned';
export type Step = ApprovalRow['action'];

export interface ReportState {
  status: ReportStatus;
  /** The first submission: timeliness is judged on it (a report returned for a correction was still sent on time). */
  firstSubmittedAt: Date | null;
  approvedAt: Date | null;
  /** The last comment of a return or a reopening, for the commune to read. */
  lastComment: string | null;
  log: ApprovalRow[];
}

export function reportState(log: ApprovalRow[]): ReportState {
  const s: ReportState = { status: 'open', firstSubmittedAt: null, approvedAt: null, lastComment: null, log };
  for (const a of log) {
    switch (a.action) {
      case 'submit':
        s.status = 'submitted';
        s.firstSubmittedAt ??= a.at;
        break;
      case 'approve':
        s.status = 'approved';
        s.approvedAt = a.at;
        break;
      case 'return':
        s.status = 'returned';
        s.lastComment = a.comment;
        break;
      case 'reopen':
        s.status = 'open';
        s.approvedAt = null;
        s.lastComment = a.comment;
        break;
    }
  }
  return s;
}

/** Values may be typed while the report is open or returned; submitted and approved reports are read-only. */
export const editable = (s: ReportState) => s.status === 'open' || s.status === 'returned';

/** Roles that type a report's values, that send it, and that approve it from above. */
export const ENTRY_ROLES: readonly Role[] = ['admin', 'approver', 'specialist'];
export const SUBMIT_ROLES: readonly Role[] = ['admin', 'approver'];
export const APPROVE_ROLES: readonly Role[] = ['admin', 'approver'];

/**
 * Who the actor is to a report: a reporter holds a submitting role covering the place; an
 * approver holds an approving role at a place strictly above it (a commune never approves itself).
 */
export interface Relation {
  reporter: boolean;
  approver: boolean;
}

const RULES: Record<Step, { from: ReportStatus[]; by: keyof Relation }> = {
  submit: { from: ['open', 'returned'], by: 'reporter' },
  approve: { from: ['submitted'], by: 'approver' },
  return: { from: ['submitted'], by: 'approver' },
  reopen: { from: ['approved'], by: 'approver' },
};

export const STEPS = Object.keys(RULES) as Step[];

export function availableSteps(s: ReportState, who: Relation): Step[] {
  return STEPS.filter((step) => RULES[step].from.includes(s.status) && who[RULES[step].by]);
}

/** Whether the step is possible from this state at all (a 409 when not), whoever asks. */
export const stepFits = (s: ReportState, step: Step) => RULES[step].from.includes(s.status);
export const stepNeeds = (step: Step) => RULES[step].by;
