import { and, desc, eq, inArray, isNull, like, or, type SQL, sql } from 'drizzle-orm';
import type { Db } from '#platform/db/client.ts';
import type { Metrics } from '#platform/metrics.ts';
import type { ChannelAdapter } from './adapters.ts';
import { type Channel, devMessages, notifications } from './notifications.tables.ts';

export interface NewNotification {
  channel: Channel;
  recipient: string;
  body: string;
  subject?: string;
  template?: string;
  /** The same key twice queues one message (a retried request, a replayed event). */
  dedupeKey?: string;
  /**
   * The path of the unit the message is about (a dossier's deciding unit, a report's commune): the
   * development outbox shows it to that subtree's admins. Leave it out for a message that belongs to
   * no commune (a citizen's sign-in code): only province and country admins see those.
   */
  placePath?: string | null;
}

export const MAX_ATTEMPTS = 6;

/** Back-off after the n-th failed attempt: 30 s, 1 min, 2 min, 4 min, 8 min. */
export function retryDelayMs(attempts: number) {
  return 30_000 * 2 ** Math.max(0, attempts - 1);
}

/** Queue a message. Call it with the transaction that makes the change it reports. */
export async function enqueue(db: Db, n: NewNotification) {
  const [row] = await db
    .insert(notifications)
    .values({
      channel: n.channel,
      recipient: n.recipient,
      body: n.body,
      subject: n.subject ?? null,
      template: n.template ?? null,
      dedupeKey: n.dedupeKey ?? null,
      placePath: n.placePath ?? null,
    })
    .onConflictDoNothing({ target: notifications.dedupeKey })
    .returning({ id: notifications.id });
  return row?.id;
}

/**
 * `enqueue` as a statement to embed in a caller's larger one (a data-modifying CTE), for a change
 * written in a single statement: `body` and `dedupeKey` are SQL expressions, so they may use values
 * only the database knows yet (a number it has just drawn).
 */
export function enqueueStatement(
  n: Omit<NewNotification, 'body' | 'dedupeKey'> & { body: SQL; dedupeKey: SQL },
) {
  return sql`insert into ${notifications} (channel, recipient, body, subject, template, dedupe_key, place_path)
    values (${n.channel}, ${n.recipient}, ${n.body}, ${n.subject ?? null}, ${n.template ?? null}, ${n.dedupeKey}, ${n.placePath ?? null})
    on conflict (dedupe_key) do nothing`;
}

/**
 * Deliver what is due. Rows are claimed with SKIP LOCKED, so several workers (or instances) never
 * send the same message twice.
 */
export async function deliverDue(
  db: Db,
  adapters: Record<Channel, ChannelAdapter>,
  metrics?: Metrics,
  batch = 20,
): Promise<{ sent: number; failed: number }> {
  const claimed = await db.transaction(async (tx) => {
    const due = await tx
      .select({ id: notifications.id })
      .from(notifications)
      .where(and(eq(notifications.status, 'queued'), sql`${notifications.nextAttemptAt} <= now()`))
      .orderBy(notifications.nextAttemptAt)
      .limit(batch)
      .for('update', { skipLocked: true });
    if (due.length === 0) return [];
    return (
      tx
        .update(notifications)
        // next_attempt_at doubles as the claim time, so a stuck claim can be told from a fresh one.
        .set({ status: 'sending', attempts: sql`${notifications.attempts} + 1`, nextAttemptAt: sql`now()` })
        .where(
          inArray(
            notifications.id,
            due.map((d) => d.id),
          ),
        )
        .returning()
    );
  });
  let sent = 0;
  let failed = 0;
  for (const m of claimed) {
    try {
      const providerId = await adapters[m.channel].send(m);
      await db
        .update(notifications)
        .set({ status: 'sent', sentAt: sql`now()`, providerId: providerId ?? null, lastError: null })
        .where(eq(notifications.id, m.id));
      metrics?.notificationsSent.inc({ channel: m.channel, outcome: 'sent' });
      sent++;
    } catch (e) {
      const giveUp = m.attempts >= MAX_ATTEMPTS;
      await db
        .update(notifications)
        .set({
          status: giveUp ? 'failed' : 'queued',
          lastError: String((e as Error).message ?? e).slice(0, 500),
          nextAttemptAt: sql`now() + make_interval(secs => ${retryDelayMs(m.attempts) / 1000})`,
        })
        .where(eq(notifications.id, m.id));
      metrics?.notificationsSent.inc({ channel: m.channel, outcome: giveUp ? 'failed' : 'retry' });
      failed++;
    }
  }
  return { sent, failed };
}

/** A message stuck in 'sending' (its worker died mid-send) goes back to the queue. */
export async function requeueStuck(db: Db, olderThanSeconds = 300) {
  await db
    .update(notifications)
    .set({ status: 'queued' })
    .where(
      and(
        eq(notifications.status, 'sending'),
        sql`${notifications.nextAttemptAt} < now() - make_interval(secs => ${olderThanSeconds})`,
      ),
    );
}

/**
 * What the development adapter "sent", newest first, as far as the reader may see: messages about
 * a unit under one of `scope`'s paths, and with `placeless` those that belong to no commune.
 */
export async function listDevMessages(
  db: Db,
  opts: { scope: string[]; placeless: boolean; recipient?: string; limit?: number },
) {
  const visible = or(
    ...opts.scope.map((p) => like(devMessages.placePath, `${p}%`)),
    opts.placeless ? isNull(devMessages.placePath) : undefined,
  );
  return db
    .select()
    .from(devMessages)
    .where(and(visible ?? sql`false`, opts.recipient ? eq(devMessages.recipient, opts.recipient) : undefined))
    .orderBy(desc(devMessages.id))
    .limit(Math.min(opts.limit ?? 100, 500));
}

export async function listOutbox(db: Db, limit = 100) {
  return db.select().from(notifications).orderBy(desc(notifications.id)).limit(limit);
}
