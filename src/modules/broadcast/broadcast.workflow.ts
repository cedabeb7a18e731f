import type { ActionType, BulletinStatus, Priority } from './broadcast.tables.ts';

/**
 * A bulletin's state is derived from its append-only action log, and one pure function says which
 * actions may come next (STYLE.md, OpenCRVS). Approval is by a leader (approver) who did not write
 * the bulletin; an emergency skips approval and is broadcast by a radio operator at once.
 */

export interface LoggedAction {
  type: ActionType;
  actorUserId: number | null;
}

const NEXT: Record<ActionType, (s: BulletinStatus) => BulletinStatus | undefined> = {
  create: () => 'draft',
  edit: (s) => (s === 'draft' || s === 'rejected' ? 'draft' : undefined),
  submit: (s) => (s === 'draft' ? 'pending' : undefined),
  approve: (s) => (s === 'pending' ? 'approved' : undefined),
  reject: (s) => (s === 'pending' ? 'rejected' : undefined),
  withdraw: (s) => (s === 'pending' || s === 'approved' ? 'withdrawn' : undefined),
  broadcast: (s) => (s === 'draft' ? 'broadcast' : undefined),
};

/**
 * Replays the log into the bulletin's status (the whole state is the status: nothing else is
 * derived, so there is no `stateFromActions`); an action that does not fit the state it meets is a
 * corrupt log.
 */
export function statusFromActions(actions: readonly LoggedAction[]): BulletinStatus {
  let status: BulletinStatus | undefined;
  for (const [i, a] of actions.entries()) {
    if (i === 0 && a.type !== 'create') throw new Error('a bulletin log must begin with create');
    const next = i === 0 ? 'draft' : status && NEXT[a.type](status);
    if (!next) throw new Error(`action ${a.type} cannot follow status ${status}`);
    status = next;
  }
  if (!status) throw new Error('empty bulletin log');
  return status;
}

export interface WorkflowSubject {
  status: BulletinStatus;
  priority: Priority;
  hasAudio: boolean;
  /** Who created it: they may not approve it themselves. */
  authorUserId: number | null;
}

export interface WorkflowActor {
  userId: number;
  /** Roles the actor holds at the bulletin's commune (a grant above it counts). */
  operator: boolean;
  approver: boolean;
}

/** What this actor may do next with this bulletin. "schedule" is not logged: it adds schedule entries. */
export function availableActions(
  b: WorkflowSubject,
  actor: WorkflowActor,
): (Exclude<ActionType, 'create'> | 'schedule')[] {
  const out: (Exclude<ActionType, 'create'> | 'schedule')[] = [];
  const emergency = b.priority === 'emergency';
  if (actor.operator && (b.status === 'draft' || b.status === 'rejected')) out.push('edit');
  if (actor.operator && b.status === 'draft' && !emergency && b.hasAudio) out.push('submit');
  if (actor.approver && b.status === 'pending' && b.authorUserId !== actor.userId) {
    out.push('approve', 'reject');
  }
  if (actor.operator && b.status === 'approved' && !emergency) out.push('schedule');
  if ((actor.operator || actor.approver) && (b.status === 'pending' || b.status === 'approved')) {
    out.push('withdraw');
  }
  // Once only: a second tap on "Phát ngay" must not sound the alert twice (a new alert is a new draft).
  if (actor.operator && emergency && b.hasAudio && b.status === 'draft') {
    out.push('broadcast');
  }
  return out;
}
