import { sql } from 'drizzle-orm';
import { type Db, rowsOf } from '#platform/db/client.ts';
import { p } from './broadcast.queries.ts';
import type { Priority } from './broadcast.tables.ts';

/** Proof of play reported by devices. */

export interface PlayInsert {
  uid: string;
  code: string;
  entryKey: string | null;
  commandId: string | null;
  bulletinId: number | null;
  alertId: number | null;
  sha256: string;
  priority: Priority;
  scheduledAt: string | null;
  startedAt: string;
  endedAt: string;
  outcome: string;
  interruptedBy: string | null;
  offline: boolean;
}

/** Stores reports once each (devices resend until acknowledged); unknown references are dropped. */
export async function insertPlays(db: Db, rows: PlayInsert[], at: Date) {
  if (rows.length === 0) return 0;
  const col = <K extends keyof PlayInsert>(k: K) => rows.map((r) => r[k]);
  const inserted = rowsOf<{ id: number }>(
    await db.execute(sql`
      insert into broadcast_plays (uid, cluster_id, entry_key, command_id, bulletin_id, alert_id, audio_sha256,
        priority, scheduled_at, started_at, ended_at, outcome, interrupted_by, offline, reported_at)
      select v.uid, c.id, v.entry_key, v.command_id, b.id, a.id, v.sha, v.priority, v.scheduled_at,
        v.started_at, v.ended_at, v.outcome, v.interrupted_by, v.offline, ${at.toISOString()}::timestamptz
      from unnest(${p(col('uid'))}::uuid[], ${p(col('code'))}::text[], ${p(col('entryKey'))}::text[],
        ${p(col('commandId'))}::uuid[], ${p(col('bulletinId'))}::bigint[], ${p(col('alertId'))}::bigint[],
        ${p(col('sha256'))}::text[], ${p(col('priority'))}::text[], ${p(col('scheduledAt'))}::timestamptz[],
        ${p(col('startedAt'))}::timestamptz[], ${p(col('endedAt'))}::timestamptz[], ${p(col('outcome'))}::text[],
        ${p(col('interruptedBy'))}::text[], ${p(col('offline'))}::bool[])
        as v(uid, code, entry_key, command_id, bulletin_id, alert_id, sha, priority, scheduled_at, started_at,
             ended_at, outcome, interrupted_by, offline)
      join broadcast_clusters c on c.mqtt_username = v.code
      left join broadcast_bulletins b on b.id = v.bulletin_id and b.commune_id = c.commune_id
      left join broadcast_alerts a on a.id = v.alert_id
      on conflict (uid) do nothing
      returning id`),
  );
  return inserted.length;
}

export interface PlayView {
  id: number;
  clusterCode: string;
  clusterName: string;
  /** The cluster's village or commune (its name comes from the places module). */
  placeId: number;
  title: string | null;
  priority: Priority;
  scheduledAt: Date | null;
  startedAt: Date;
  endedAt: Date;
  outcome: string;
  offline: boolean;
  reportedAt: Date;
  entryKey: string | null;
  commandId: string | null;
  interruptedBy: string | null;
}

export async function listPlays(
  db: Db,
  communeId: number,
  opts: { from: Date; to: Date; clusterId?: number; limit?: number },
) {
  const rows = rowsOf<PlayView>(
    await db.execute(sql`
      select p.id, c.code as "clusterCode", c.name as "clusterName", c.place_id as "placeId",
        b.title, p.priority, p.scheduled_at as "scheduledAt", p.started_at as "startedAt",
        p.ended_at as "endedAt", p.outcome, p.offline, p.reported_at as "reportedAt",
        p.entry_key as "entryKey", p.command_id as "commandId", p.interrupted_by as "interruptedBy"
      from broadcast_plays p
      join broadcast_clusters c on c.id = p.cluster_id
      left join broadcast_bulletins b on b.id = p.bulletin_id
      where c.commune_id = ${communeId}
        and p.started_at >= ${opts.from.toISOString()}::timestamptz
        and p.started_at < ${opts.to.toISOString()}::timestamptz
        ${opts.clusterId ? sql`and c.id = ${opts.clusterId}` : sql``}
      order by p.started_at desc, p.id desc
      limit ${opts.limit ?? 500}`),
  );
  return rows.map((r) => ({
    ...r,
    id: Number(r.id),
    placeId: Number(r.placeId),
    scheduledAt: r.scheduledAt ? new Date(r.scheduledAt) : null,
    startedAt: new Date(r.startedAt),
    endedAt: new Date(r.endedAt),
    reportedAt: new Date(r.reportedAt),
  }));
}
