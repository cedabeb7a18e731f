import { and, asc, isNull, sql } from 'drizzle-orm';
import { type Db, rowsOf } from '#platform/db/client.ts';
import { p } from './broadcast.queries.ts';
import { clusters } from './broadcast.tables.ts';

/** What each device holds and says: pushed and acknowledged schedule versions, heartbeats, statuses, acknowledgements. */

export async function listClustersToPush(db: Db, limit: number) {
  return db
    .select()
    .from(clusters)
    .where(and(isNull(clusters.disabledAt), sql`${clusters.syncVersion} > ${clusters.pushedVersion}`))
    .orderBy(asc(clusters.id))
    .limit(limit);
}

/** Clusters whose pushed timeline ends within `withinMs`: time to roll the window forward. */
export async function bumpExpiringHorizons(db: Db, now: Date, withinMs: number) {
  const rows = rowsOf<{ id: number }>(
    await db.execute(sql`
      update broadcast_clusters set sync_version = nextval('broadcast_sync_seq')
      where disabled_at is null and pushed_version > 0 and pushed_version = sync_version
        and (horizon_until is null or horizon_until < ${new Date(now.getTime() + withinMs).toISOString()}::timestamptz)
      returning id`),
  );
  return rows.map((r) => r.id);
}

export async function markPushed(
  db: Db,
  rows: { clusterId: number; version: number; horizonUntil: Date; payloadSha256: string; entries: number }[],
  at: Date,
) {
  if (rows.length === 0) return;
  const atIso = at.toISOString();
  await db.execute(sql`
    update broadcast_clusters c set
      pushed_version = greatest(c.pushed_version, v.version), pushed_at = ${atIso}::timestamptz,
      horizon_until = v.horizon
    from unnest(${p(rows.map((r) => r.clusterId))}::bigint[], ${p(rows.map((r) => r.version))}::bigint[],
                ${p(rows.map((r) => r.horizonUntil.toISOString()))}::timestamptz[]) as v(id, version, horizon)
    where c.id = v.id`);
  await db.execute(sql`
    insert into broadcast_deliveries (cluster_id, kind, version, payload_sha256, entries, pushed_at, push_count)
    select v.id, 'schedule', v.version, v.sha, v.entries, ${atIso}::timestamptz, 1
    from unnest(${p(rows.map((r) => r.clusterId))}::bigint[], ${p(rows.map((r) => r.version))}::bigint[],
                ${p(rows.map((r) => r.payloadSha256))}::text[], ${p(rows.map((r) => r.entries))}::int[])
      as v(id, version, sha, entries)
    on conflict (cluster_id, version) where kind = 'schedule'
    do update set pushed_at = excluded.pushed_at, push_count = broadcast_deliveries.push_count + 1`);
}

export interface HeartbeatUpdate {
  code: string;
  heartbeat: Record<string, unknown>;
  scheduleVersion: number;
}

export async function applyHeartbeats(db: Db, rows: HeartbeatUpdate[], at: Date) {
  if (rows.length === 0) return;
  await db.execute(sql`
    update broadcast_clusters c set
      last_seen_at = ${at.toISOString()}::timestamptz, status = 'online', last_heartbeat = v.hb::jsonb,
      acked_version = greatest(c.acked_version, least(v.sv, c.pushed_version))
    from unnest(${p(rows.map((r) => r.code))}::text[], ${p(rows.map((r) => JSON.stringify(r.heartbeat)))}::text[],
                ${p(rows.map((r) => r.scheduleVersion))}::bigint[]) as v(code, hb, sv)
    where c.mqtt_username = v.code`);
}

export async function applyStatuses(db: Db, rows: { code: string; state: 'online' | 'offline' }[], at: Date) {
  if (rows.length === 0) return;
  await db.execute(sql`
    update broadcast_clusters c set status = v.state,
      last_seen_at = case when v.state = 'online' then ${at.toISOString()}::timestamptz else c.last_seen_at end
    from unnest(${p(rows.map((r) => r.code))}::text[], ${p(rows.map((r) => r.state))}::text[]) as v(code, state)
    where c.mqtt_username = v.code`);
}

/** Online clusters not heard from since `before` become offline. */
export async function markSilentOffline(db: Db, before: Date) {
  const rows = rowsOf<{ id: number }>(
    await db.execute(sql`
      update broadcast_clusters set status = 'offline'
      where status = 'online' and (last_seen_at is null or last_seen_at < ${before.toISOString()}::timestamptz)
      returning id`),
  );
  return rows.length;
}

export interface AckUpdate {
  code: string;
  kind: 'schedule' | 'command';
  version?: number | undefined;
  commandId?: string | undefined;
  status: 'ok' | 'error' | 'expired';
  detail?: string | undefined;
}

export async function applyAcks(db: Db, acks: AckUpdate[], at: Date) {
  const atIso = at.toISOString();
  const schedule = acks.filter((a) => a.kind === 'schedule' && a.version !== undefined);
  const command = acks.filter((a) => a.kind === 'command' && a.commandId);
  if (schedule.length) {
    await db.execute(sql`
      update broadcast_deliveries d set acknowledged_at = coalesce(d.acknowledged_at, ${atIso}::timestamptz),
        ack_status = v.status, ack_detail = v.detail
      from unnest(${p(schedule.map((a) => a.code))}::text[], ${p(schedule.map((a) => a.version))}::bigint[],
                  ${p(schedule.map((a) => a.status))}::text[], ${p(schedule.map((a) => a.detail ?? null))}::text[])
        as v(code, version, status, detail)
      join broadcast_clusters c on c.mqtt_username = v.code
      where d.cluster_id = c.id and d.kind = 'schedule' and d.version = v.version`);
    const ok = schedule.filter((a) => a.status === 'ok');
    if (ok.length) {
      await db.execute(sql`
        update broadcast_clusters c set acked_version = greatest(c.acked_version, v.version),
          acked_at = ${atIso}::timestamptz
        from unnest(${p(ok.map((a) => a.code))}::text[], ${p(ok.map((a) => a.version))}::bigint[]) as v(code, version)
        where c.mqtt_username = v.code`);
    }
  }
  if (command.length) {
    await db.execute(sql`
      update broadcast_deliveries d set acknowledged_at = coalesce(d.acknowledged_at, ${atIso}::timestamptz),
        ack_status = v.status, ack_detail = v.detail
      from unnest(${p(command.map((a) => a.code))}::text[], ${p(command.map((a) => a.commandId))}::uuid[],
                  ${p(command.map((a) => a.status))}::text[], ${p(command.map((a) => a.detail ?? null))}::text[])
        as v(code, command_id, status, detail)
      join broadcast_clusters c on c.mqtt_username = v.code
      where d.cluster_id = c.id and d.kind = 'command' and d.command_id = v.command_id`);
  }
}
