import type { Ctx } from '#platform/context.ts';
import type { Db } from '#platform/db/client.ts';
import { NotFound } from '#platform/errors.ts';
import { runChangeStatements } from './dossiers.changes.ts';
import type { DossierDeps } from './dossiers.deps.ts';
import { announce, changeFacts, projection, SYSTEM_ACTOR, toLogged } from './dossiers.log.ts';
import * as q from './dossiers.queries.ts';
import { type Message, queueMessages, templateFor } from './dossiers.sms.ts';
import type { StoredPayload } from './dossiers.tables.ts';
import {
  availableActions,
  type NationalStatus,
  nextState,
  type Step,
  stateFromActions,
} from './dossiers.workflow.ts';

/**
 * Payment marks: the payments module's system actions (`payment_requested`, `payment_received`),
 * taken inside the payments module's own transaction.
 */

const notFound = () => new NotFound({ vi: 'Không tìm thấy hồ sơ này.', en: 'No such dossier.' });

/** A change made inside another module's transaction, to announce once that transaction commits. */
export interface DossierChange {
  dossierId: number;
  code: string;
  type: 'payment_requested' | 'payment_received';
  from: NationalStatus;
  to: NationalStatus;
  fromStep: Step;
  step: Step;
  /** A status message was queued (the outbox should be woken). */
  queued: boolean;
}

const money = (n: number) => `${new Intl.NumberFormat('vi-VN').format(n)} đồng`;

/**
 * Bring the dossier's payment mark in line with what it owes, inside the caller's transaction `tx`
 * (the payments module, in the transaction that wrote its fees or marked them paid). The dossier
 * row is locked first and `owed` is asked only then, so two payments of one dossier at once cannot
 * both miss the last unpaid fee. Appends `payment_requested` when something is owed and no request
 * is open, `payment_received` when nothing is owed and one is; otherwise nothing (idempotent, so
 * it may run whenever fees are looked at). The status message is queued in `tx`; the returned
 * change must be passed to `announceChange` after commit.
 */
export async function syncPaymentMark(
  tx: Db,
  ctx: Pick<Ctx, 'db' | 'clock'>,
  deps: Pick<DossierDeps, 'publicUrl'>,
  code: string,
  owed: (tx: Db) => Promise<{ unpaid: number; paid: number }>,
  /** payment_received: how the last fee was paid. */
  details: { method?: 'cash' | 'transfer' | undefined } = {},
): Promise<DossierChange | null> {
  const d = await q.lockDossier(tx, code);
  if (!d) throw notFound();
  const log = (await q.listActions(tx, d.id)).map(toLogged);
  const state = stateFromActions(log);
  const { unpaid: amount, paid } = await owed(tx);
  const type =
    amount > 0 && state.payment === null
      ? ('payment_requested' as const)
      : amount <= 0 && state.payment !== null
        ? ('payment_received' as const)
        : null;
  // A closed dossier (or one not received yet) takes no payment marks: the fee stays in the
  // payments module's books only.
  if (!type || !availableActions(state, { kind: 'system' }).includes(type)) return null;
  const payload: StoredPayload =
    type === 'payment_requested'
      ? { amount }
      : {
          ...(paid > 0 ? { amount: paid } : {}),
          ...(details.method ? { method: details.method } : {}),
        };
  const note =
    type === 'payment_requested' ? `Phí, lệ phí phải nộp: ${money(amount)}.` : 'Đã nộp đủ phí, lệ phí.';
  const now = ctx.clock.now();
  const row = await q.insertAction(tx, {
    dossierId: d.id,
    type,
    at: now,
    ...SYSTEM_ACTOR,
    unitId: state.unit.id,
    note,
    payload,
    statusAfter: nextState(state, { id: 0, type, at: now, actorUserId: null, note, payload }).status,
  });
  const after = nextState(state, toLogged(row));
  // The statutory clock does not stop for a fee: the due time stays as it was.
  const proj = projection(after, d.dueAt);
  await q.saveProjection(tx, d.id, proj);
  const messages: Message[] = [];
  const key = templateFor(state.status, after, type);
  if (key) messages.push({ key, actionId: row.id });
  await queueMessages(tx, ctx.db, deps, d, messages, { due: d.dueAt, note });
  await runChangeStatements(tx, changeFacts({ ...d, ...proj }, row, after));
  return {
    dossierId: d.id,
    code: d.code,
    type,
    from: state.status,
    to: after.status,
    fromStep: state.step,
    step: after.step,
    queued: messages.length > 0,
  };
}

/** After the transaction that made `change` commits: the status event and the outbox wake-up. */
export async function announceChange(ctx: Pick<Ctx, 'events'>, change: DossierChange | null) {
  if (!change) return;
  await announce(
    ctx,
    { id: change.dossierId, code: change.code, status: change.to, step: change.step },
    change.from,
    change.queued,
    change.fromStep,
  );
}
