import type { Role } from '#platform/auth/actor.ts';

/**
 * The life of a report, as a pure fold over its append-only action log (STYLE.md item 3, after
 * OpenCRVS's getStatusFromActions / availableActions). The service appends an action only when
 * `availableActions` allows it, then writes `stateFromActions(log)` into the report row as a cache.
 */

export const STATUSES = ['new', 'acknowledged', 'in_progress', 'answered', 'closed', 'reopened'] as const;
export type Status = (typeof STATUSES)[number];

export const ACTION_TYPES = [
  'submit',
  'acknowledge',
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

/** Where a report is handled and by when; set by submit, and changed by triage and escalation. */
export interface Routing {
  categoryId: number;
  role: Role;
  level: HandlingLevel;
  placeId: number;
  placePath: string;
  /** ISO instant. */
  dueAt: string;
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
}

/** How long after the answer the reporter may still reopen it (calendar days). */
export const REOPEN_WITHIN_DAYS = 7;

const OPEN: readonly Status[] = ['new', 'acknowledged', 'in_progress', 'reopened'];

export function isOpen(status: Status) {
  return status !== 'closed';
}

function routingOf(details: Record<string, unknown>): Routing | undefined {
  const r = details.routing as Routing | undefined;
  return r && typeof r.placePath === 'string' ? r : undefined;
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
  };
  for (const a of actions.slice(1)) {
    const routing = routingOf(a.details);
    if (routing) s.routing = routing;
    switch (a.type) {
      case 'acknowledge':
        s.status = 'acknowledged';
        break;
      case 'assign':
        s.status = 'in_progress';
        s.assigneeUserId = (a.details.userId as number | undefined) ?? null;
        s.assigneeLabel = (a.details.label as string | undefined) ?? null;
        break;
      case 'reply':
        s.status = 'answered';
        s.publicReply = a.body ?? null;
        s.answeredAt = a.at;
        break;
      case 'merge':
        s.status = 'closed';
        s.mergedIntoId = (a.details.into as number | undefined) ?? null;
        s.closedAt = a.at;
        break;
      case 'publish':
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
        break;
      case 'rate':
        s.rating = (a.details.rating as number | undefined) ?? null;
        break;
      case 'submit':
      case 'note':
      case 'escalate':
        break;
    }
  }
  return s;
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
  if (s.status === 'new') out.push('acknowledge');
  if (['acknowledged', 'in_progress', 'reopened'].includes(s.status)) out.push('assign');
  if (['acknowledged', 'in_progress', 'reopened', 'answered'].includes(s.status)) out.push('reply');
  if (OPEN.includes(s.status)) out.push('merge');
  if (answered && s.publishedAt === null) out.push('publish');
  if (s.status === 'answered') out.push('close');
  if (s.status === 'answered' || s.status === 'closed') out.push('reopen');
  return out;
}
