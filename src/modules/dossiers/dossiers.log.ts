import { sql } from 'drizzle-orm';
import type { Actor } from '#platform/auth/actor.ts';
import type { Ctx } from '#platform/context.ts';
import type { DossierChangeFacts } from './dossiers.changes.ts';
import { type Projection, storedPayload } from './dossiers.queries.ts';
import type { ActionRow, DossierRow } from './dossiers.tables.ts';
import type { DossierState, LoggedAction, NationalStatus, Step } from './dossiers.workflow.ts';

/**
 * The action log as every writer appends to it (submission, actions, payment marks): a stored row
 * in the workflow's shape, the actor columns of a new row, the projection cached on the dossier row,
 * and the event announced once the change has committed.
 */

export function toLogged(a: ActionRow): LoggedAction {
  return {
    id: a.id,
    type: a.type,
    at: a.at,
    actorUserId: a.actorUserId,
    note: a.note,
    payload: storedPayload(a.payload),
  };
}

/** The dossier row's cached columns for a state (and the due time its clock gives). */
export function projection(state: DossierState, due: Date | null): Projection {
  return {
    status: state.status,
    step: state.step,
    unitId: state.unit.id,
    unitPath: state.unit.path,
    assigneeId: state.assigneeId,
    validReceivedAt: state.validReceivedAt,
    dueAt: due,
    decidedAt: state.decidedAt,
    finishedAt: state.finishedAt,
    decision: state.decision,
    overdueAt: state.overdueAt,
    supplementRequests: state.supplementRequests,
    lastActionId: state.lastActionId,
  };
}

/** One appended action on a dossier that exists, as the change statements see it (decision 033). */
export function changeFacts(
  d: Pick<DossierRow, 'id' | 'code' | 'procedureCode' | 'unitPath'>,
  row: Pick<ActionRow, 'id' | 'type' | 'at'>,
  after: Pick<DossierState, 'step' | 'status'>,
): DossierChangeFacts {
  return {
    dossierId: sql`${d.id}::bigint`,
    code: sql`${d.code}::text`,
    actionIds: sql`array[${row.id}::bigint]`,
    actionTypes: [row.type],
    procedureCode: d.procedureCode,
    unitPath: d.unitPath,
    step: after.step,
    status: after.status,
    at: row.at,
  };
}

/** Who a new log row names: staff, a signed-in citizen, the applicant by the tracking proof. */
export function actorColumns(actor: Actor, asApplicant = false) {
  if (actor.kind === 'staff') {
    return {
      actorKind: 'staff' as const,
      actorUserId: actor.userId,
      actorCitizenId: null,
      actorName: actor.displayName,
    };
  }
  if (actor.kind === 'citizen') {
    return {
      actorKind: 'citizen' as const,
      actorUserId: null,
      actorCitizenId: actor.citizenId,
      actorName: actor.name ?? actor.phone,
    };
  }
  return {
    actorKind: asApplicant ? ('applicant' as const) : ('citizen' as const),
    actorUserId: null,
    actorCitizenId: null,
    actorName: 'Người nộp hồ sơ',
  };
}

/** The system's own entries (the daily sweep, payment marks). */
export const SYSTEM_ACTOR = {
  actorKind: 'system' as const,
  actorUserId: null,
  actorCitizenId: null,
  actorName: 'Hệ thống',
};

/** The staff grant that lets `actor` receive here: the narrowest receptionist grant covering the unit. */
export function receivingGrant(actor: Actor, unitPath: string) {
  if (actor.kind !== 'staff') return undefined;
  return actor.grants
    .filter((g) => g.role === 'receptionist' && unitPath.startsWith(g.placePath))
    .sort((a, b) => b.placePath.length - a.placePath.length)[0];
}

/**
 * After commit. The status event goes out when the national status or the step changed: while a
 * fee keeps a dossier at 6, its approval changes only the step, and the payments module must still
 * hear of it (the fee due at the return falls due then). `queued`: a status message was queued, so
 * the outbox is woken.
 */
export async function announce(
  ctx: Pick<Ctx, 'events'>,
  d: Pick<DossierRow, 'id' | 'code' | 'status' | 'step'>,
  from: NationalStatus | null,
  queued: boolean,
  fromStep: Step | null = null,
) {
  if (from !== d.status || (fromStep !== null && fromStep !== d.step)) {
    await ctx.events.emit('dossiers.status-changed', {
      dossierId: d.id,
      code: d.code,
      from,
      to: d.status,
      step: d.step,
    });
  }
  if (queued) await ctx.events.emit('notifications.queued', {});
}
