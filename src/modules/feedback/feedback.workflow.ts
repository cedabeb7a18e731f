import type { Role } from '#platform/auth/actor.ts';

/**
 * The life of a report, as a pure fold over its append-only action log (STYLE.md item 3, after
 * OpenCRVS's getStatusFromActions / availableActions). The service appends an action only when
 * `availableActions` allows it, then writes `stateFromActions(log)` into the report row as a cache.
 */

export const STATUSES = [
  'new',
  'awaiting_info',
  'acknowledged',
  'in_progress',
  'answered',
  'closed',
  'reopened',
] as const;
export type Status = (typeof STATUSES)[number];

export const ACTION_TYPES = [
  'submit',
  'acknowledge',
  'refuse',
  'request_info',
  'supplement',
  'assign',
  'note',
  'reply',
  'merge',
  'publish',
  'close',
  'reopen',
  'rate',
  'escalate',
] as const;
export type ActionType = (typeof ACTION_TYPES)[number];

export type ActorKind = 'staff' | 'citizen' | 'reporter' | 'system' | 'api';
export type HandlingLevel = 'commune' | 'province';

/** Who is asking what they may do next: the handling official, the person who reported, the clock. */
export type Party = 'handler' | 'reporter' | 'system';

/**
 * The stages the national measure times (decision 023; docs/rules.md, "Feedback"): accept or
 * refuse, ask for more information, answer, publish the answer.
 */
export const STAGES = ['accept', 'info', 'answer', 'publish'] as const;
export type Stage = (typeof STAGES)[number];

/**
 * Working days per stage, as the national measure counts them (docs/rules.md, "Feedback": the
 * portal's description of indicator 5.2 of Decision 766): 2 to accept or refuse, 5 to ask for more
 * information, 15 to answer, 2 to publish the answer. Each category may set its own.
 */
export const NATIONAL_STAGE_DAYS = { accept: 2, info: 5, answer: 15, publish: 2 } as const;

/**
 * A stage's clock, ISO instants: due at the close of office on its last working day; late from the
 * start of the next working day (the measure counts whole working days, so an answer given that
 * evening, or on a day off before the next working day, is still within the term).
 */
export interface StageClock {
  dueAt: string;
  lateAt: string;
}

/** The clocks that start when a report is sent, transferred or supplemented. */
export interface Clocks {
  startedAt: string;
  accept: StageClock;
  info: StageClock;
  answer: StageClock;
}

/** Where a report is handled and by when; set by submit, and changed by triage and escalation. */
export interface Routing {
  categoryId: number;
  role: Role;
  level: HandlingLevel;
  placeId: number;
  placePath: string;
  /** ISO instant: the answer's due time (`clocks.answer.dueAt` where there are clocks). */
  dueAt: string;
  /** Absent in logs written before decision 023: such a report has only the answer's deadline. */
  clocks?: Clocks;
}

/** Where a stage stands: its clock (null: not running) and when it was done. */
export interface StageState {
  dueAt: Date | null;
  lateAt: Date | null;
  doneAt: Date | null;
}

export interface Action {
  type: ActionType;
  at: Date;
  actorUserId?: number | null;
  actorLabel: string;
  body?: string | null;
  details: Record<string, unknown>;
}

export interface DerivedState {
  status: Status;
  routing: Routing;
  assigneeUserId: number | null;
  assigneeLabel: string | null;
  publicReply: string | null;
  answeredAt: Date | null;
  publishedAt: Date | null;
  publicDescription: string | null;
  publicPhotos: boolean;
  mergedIntoId: number | null;
  rating: number | null;
  closedAt: Date | null;
  /** Each stage's clock and when it was done (the acceptance stage is done by a refusal too). */
  stages: Record<Stage, StageState>;
  refusedAt: Date | null;
  /** The last question asked of the reporter. */
  infoQuestion: string | null;
  escalatedAt: Date | null;
  /** How many times the reporter reopened it: a complaint that the answer did not settle it. */
  complaints: number;
}

/** How long after the answer the reporter may still reopen it (calendar days). */
export const REOPEN_WITHIN_DAYS = 7;

/** Open and the office's turn: what the clock may escalate. */
const OPEN: readonly Status[] = ['new', 'acknowledged', 'in_progress', 'reopened'];

export function isOpen(status: Status) {
  return status !== 'closed';
}

function routingOf(details: Record<string, unknown>): Routing | undefined {
  const r = details.routing as Routing | undefined;
  return r && typeof r.placePath === 'string' ? r : undefined;
}

const date = (iso: string) => new Date(iso);
const idle = (): StageState => ({ dueAt: null, lateAt: null, doneAt: null });

/**
 * A new routing's clocks run for every stage not done yet (a transfer or a supplement counts as a
 * new sending). A routing written before decision 023 has only the answer's deadline.
 */
function applyClocks(s: DerivedState, routing: Routing) {
  const c = routing.clocks;
  if (!c) {
    if (!s.stages.answer.doneAt)
      s.stages.answer = { dueAt: date(routing.dueAt), lateAt: date(routing.dueAt), doneAt: null };
    return;
  }
  for (const stage of ['accept', 'info', 'answer'] as const) {
    if (!s.stages[stage].doneAt)
      s.stages[stage] = { dueAt: date(c[stage].dueAt), lateAt: date(c[stage].lateAt), doneAt: null };
  }
}

function done(s: DerivedState, stage: Stage, at: Date) {
  s.stages[stage].doneAt ??= at;
}

/** A stage waiting for the reporter does not run: its clock restarts when they answer. */
function pause(s: DerivedState, stage: Stage) {
  if (!s.stages[stage].doneAt) s.stages[stage] = idle();
}

/** The whole state a log leads to (what the report row caches). The first action must be `submit`. */
export function stateFromActions(actions: readonly Action[]): DerivedState {
  const first = actions[0];
  const initial = first && first.type === 'submit' ? routingOf(first.details) : undefined;
  if (!initial) throw new Error('a report log starts with a submit action carrying its routing');
  const s: DerivedState = {
    status: 'new',
    routing: initial,
    assigneeUserId: null,
    assigneeLabel: null,
    publicReply: null,
    answeredAt: null,
    publishedAt: null,
    publicDescription: null,
    publicPhotos: false,
    mergedIntoId: null,
    rating: null,
    closedAt: null,
    stages: { accept: idle(), info: idle(), answer: idle(), publish: idle() },
    refusedAt: null,
    infoQuestion: null,
    escalatedAt: null,
    complaints: 0,
  };
  applyClocks(s, initial);
  for (const a of actions.slice(1)) {
    // Reopening asks for a new answer: its clock comes with the action's routing.
    if (a.type === 'reopen') s.stages.answer.doneAt = null;
    const routing = routingOf(a.details);
    if (routing) {
      s.routing = routing;
      applyClocks(s, routing);
    }
    switch (a.type) {
      case 'acknowledge':
        s.status = 'acknowledged';
        done(s, 'accept', a.at);
        break;
      case 'refuse':
        s.status = 'closed';
        s.refusedAt = a.at;
        s.closedAt = a.at;
        done(s, 'accept', a.at);
        break;
      case 'request_info':
        s.status = 'awaiting_info';
        s.infoQuestion = a.body ?? null;
        done(s, 'info', a.at);
        pause(s, 'accept');
        pause(s, 'answer');
        break;
      case 'supplement':
        s.status = 'new';
        break;
      case 'assign':
        s.status = 'in_progress';
        s.assigneeUserId = (a.details.userId as number | undefined) ?? null;
        s.assigneeLabel = (a.details.label as string | undefined) ?? null;
        break;
      case 'reply': {
        s.status = 'answered';
        s.publicReply = a.body ?? null;
        s.answeredAt = a.at;
        done(s, 'answer', a.at);
        const publish = a.details.publish as StageClock | undefined;
        if (publish && !s.stages.publish.dueAt && !s.stages.publish.doneAt)
          s.stages.publish = { dueAt: date(publish.dueAt), lateAt: date(publish.lateAt), doneAt: null };
        break;
      }
      case 'merge':
        s.status = 'closed';
        s.mergedIntoId = (a.details.into as number | undefined) ?? null;
        s.closedAt = a.at;
        break;
      case 'publish':
        done(s, 'publish', a.at);
        s.publishedAt = a.at;
        s.publicDescription = (a.details.description as string | undefined) ?? null;
        s.publicPhotos = a.details.photos === true;
        break;
      case 'close':
        s.status = 'closed';
        s.closedAt = a.at;
        break;
      case 'reopen':
        s.status = 'reopened';
        s.closedAt = null;
        // Staff act under their user id; the reporter (private link, or signed in) has none.
        if (a.actorUserId == null) s.complaints++;
        break;
      case 'rate':
        s.rating = (a.details.rating as number | undefined) ?? null;
        break;
      case 'escalate':
        s.escalatedAt = a.at;
        break;
      case 'submit':
      case 'note':
        break;
    }
  }
  return s;
}

/**
 * The stage the office must do next, with its clock: the acceptance while new, the answer while
 * accepted, the publication once answered. None while the reporter is asked for information, none
 * once closed (a report closed unpublished was not to be published).
 */
export function nextStage(s: DerivedState): { stage: Stage; dueAt: Date; lateAt: Date } | null {
  const running = (stage: Stage) => {
    const c = s.stages[stage];
    return !c.doneAt && c.dueAt && c.lateAt ? { stage, dueAt: c.dueAt, lateAt: c.lateAt } : null;
  };
  switch (s.status) {
    case 'new':
      // A report sent before decision 023 has no acceptance clock: its answer's deadline runs.
      return running('accept') ?? running('answer');
    case 'acknowledged':
    case 'in_progress':
    case 'reopened':
      return running('answer');
    case 'answered':
      return running('publish');
    case 'awaiting_info':
    case 'closed':
      return null;
  }
}

/** Only the status a log leads to. */
export function statusFromActions(actions: readonly Action[]): Status {
  return stateFromActions(actions).status;
}

/** Open311 knows only open and closed; the finer status goes in status_notes. */
export function open311Status(status: Status): 'open' | 'closed' {
  return status === 'closed' ? 'closed' : 'open';
}

function withinReopenWindow(s: DerivedState, now: Date) {
  return s.answeredAt !== null && now.getTime() - s.answeredAt.getTime() <= REOPEN_WITHIN_DAYS * 86_400_000;
}

/** What `party` may do next, given the state and the time. */
export function availableActions(s: DerivedState, party: Party, now: Date): ActionType[] {
  const merged = s.mergedIntoId !== null;
  const answered = s.publicReply !== null;
  const out: ActionType[] = [];
  if (party === 'system') {
    if (OPEN.includes(s.status) && s.routing.level === 'commune') out.push('escalate');
    return out;
  }
  if (party === 'reporter') {
    if (s.status === 'awaiting_info') out.push('supplement');
    if (merged || !answered) return out;
    if (s.status === 'answered' || s.status === 'closed') {
      out.push('rate');
      if (withinReopenWindow(s, now)) out.push('reopen');
    }
    return out;
  }
  // The handling official.
  out.push('note');
  if (merged) return out;
  if (s.status === 'new' || s.status === 'awaiting_info') out.push('acknowledge', 'refuse');
  if (s.status === 'new') out.push('request_info');
  if (['acknowledged', 'in_progress', 'reopened'].includes(s.status)) out.push('assign');
  if (['acknowledged', 'in_progress', 'reopened', 'answered'].includes(s.status)) out.push('reply');
  if (OPEN.includes(s.status) || s.status === 'awaiting_info') out.push('merge');
  if (answered && s.publishedAt === null) out.push('publish');
  if (s.status === 'answered') out.push('close');
  // A refusal is final: the reporter may send a new report.
  if ((s.status === 'answered' || s.status === 'closed') && s.refusedAt === null) out.push('reopen');
  return out;
}

/**
 * How a stage stands at `at`, as the national measure judges it (docs/rules.md, "Feedback"):
 * - done by then: on time if done before it was late (`lateAt`, the start of the working day after
 *   the due day), else late;
 * - not done: within its term while `at` is before `lateAt`, else overdue.
 * Null when the stage does not count: it has no clock (made before decision 023, or waiting for the
 * reporter), no information was asked for (that stage counts only when it happens), or the report
 * was closed before it was needed (refused, merged, closed unpublished).
 */
export type Verdict = 'on_time' | 'late' | 'in_term' | 'overdue';

export function verdictAt(stage: Stage, c: StageState, at: Date, closedAt: Date | null): Verdict | null {
  if (c.doneAt && c.doneAt <= at) {
    if (!c.lateAt) return null;
    return c.doneAt < c.lateAt ? 'on_time' : 'late';
  }
  if (stage === 'info' || !c.dueAt || !c.lateAt) return null;
  if (closedAt && closedAt <= at) return null;
  return at < c.lateAt ? 'in_term' : 'overdue';
}
