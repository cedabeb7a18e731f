import { and, asc, desc, eq, inArray, isNull, like, or, type SQL, sql } from 'drizzle-orm';
import { type Db, rowsOf } from '#platform/db/client.ts';
import {
  alertAreas,
  alerts,
  type BulletinAction,
  type BulletinStatus,
  bulletinActions,
  bulletins,
  clusters,
  commands,
  deliveries,
  type Priority,
  programmeClusters,
  programmes,
  scheduleEntries,
} from './broadcast.tables.ts';

export type ClusterRow = typeof clusters.$inferSelect;
export type BulletinRow = typeof bulletins.$inferSelect;
export type BulletinActionRow = typeof bulletinActions.$inferSelect;
export type ProgrammeRow = typeof programmes.$inferSelect;
export type ScheduleEntryRow = typeof scheduleEntries.$inferSelect;
export type AlertRow = typeof alerts.$inferSelect;
export type CommandRow = typeof commands.$inferSelect;

/** One array parameter (drizzle would otherwise expand a JS array into a list of parameters). */
const p = <T>(values: T[]) => sql.param(values);

const under = (column: typeof clusters.placePath | typeof alertAreas.placePath, paths: string[]) =>
  or(...paths.map((path) => like(column, `${path}%`))) as SQL;

// ── Clusters ────────────────────────────────────────────────────────────────────────────────

export async function insertCluster(db: Db, values: typeof clusters.$inferInsert) {
  const [row] = await db
    .insert(clusters)
    .values({ ...values, syncVersion: sql`nextval('broadcast_sync_seq')` })
    .returning();
  return row as ClusterRow;
}

export async function nextClusterNumber(db: Db, placeId: number) {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int + 1` })
    .from(clusters)
    .where(eq(clusters.placeId, placeId));
  return row?.n ?? 1;
}

export async function findClusterById(db: Db, id: number) {
  const [row] = await db.select().from(clusters).where(eq(clusters.id, id));
  return row;
}

export async function findClusterByUsername(db: Db, username: string) {
  const [row] = await db.select().from(clusters).where(eq(clusters.mqttUsername, username));
  return row;
}

export async function listClustersUnder(db: Db, communeId: number, scope?: string[]) {
  return db
    .select()
    .from(clusters)
    .where(and(eq(clusters.communeId, communeId), scope ? under(clusters.placePath, scope) : undefined))
    .orderBy(asc(clusters.placePath), asc(clusters.code));
}

export async function listClustersByIds(db: Db, ids: number[]) {
  if (ids.length === 0) return [];
  return db.select().from(clusters).where(inArray(clusters.id, ids)).orderBy(asc(clusters.code));
}

/** Active clusters at or below any of the given place paths (alert areas). */
export async function listActiveClustersUnderPaths(db: Db, paths: string[]) {
  if (paths.length === 0) return [];
  return db
    .select()
    .from(clusters)
    .where(and(isNull(clusters.disabledAt), under(clusters.placePath, paths)))
    .orderBy(asc(clusters.code));
}

export async function listAllActiveClusterIds(db: Db) {
  const rows = await db.select({ id: clusters.id }).from(clusters).where(isNull(clusters.disabledAt));
  return rows.map((r) => r.id);
}

export async function updateCluster(db: Db, id: number, values: Partial<typeof clusters.$inferInsert>) {
  const [row] = await db
    .update(clusters)
    .set({ ...values, updatedAt: sql`now()` })
    .where(eq(clusters.id, id))
    .returning();
  return row;
}

/** Marks clusters as needing a fresh schedule push. */
export async function bumpClusters(db: Db, ids: number[]) {
  if (ids.length === 0) return;
  await db
    .update(clusters)
    .set({ syncVersion: sql`nextval('broadcast_sync_seq')`, updatedAt: sql`now()` })
    .where(inArray(clusters.id, ids));
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

export async function listClustersToPush(db: Db, limit: number) {
  return db
    .select()
    .from(clusters)
    .where(and(isNull(clusters.disabledAt), sql`${clusters.syncVersion} > ${clusters.pushedVersion}`))
    .orderBy(asc(clusters.id))
    .limit(limit);
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

// ── Bulletins ───────────────────────────────────────────────────────────────────────────────

export async function insertBulletin(db: Db, values: typeof bulletins.$inferInsert) {
  const [row] = await db.insert(bulletins).values(values).returning();
  return row as BulletinRow;
}

export async function updateBulletin(db: Db, id: number, values: Partial<typeof bulletins.$inferInsert>) {
  const [row] = await db
    .update(bulletins)
    .set({ ...values, updatedAt: sql`now()` })
    .where(eq(bulletins.id, id))
    .returning();
  return row as BulletinRow;
}

export async function findBulletinById(db: Db, id: number) {
  const [row] = await db.select().from(bulletins).where(eq(bulletins.id, id));
  return row;
}

/** Locks the bulletin row: two leaders clicking "approve" at once must not both log it. */
export async function lockBulletin(db: Db, id: number) {
  const rows = rowsOf<{ id: number }>(
    await db.execute(sql`select id from broadcast_bulletins where id = ${id} for update`),
  );
  return rows.length > 0;
}

export async function listBulletins(
  db: Db,
  communeId: number,
  opts: { statuses?: BulletinStatus[]; limit?: number; since?: Date } = {},
) {
  return db
    .select()
    .from(bulletins)
    .where(
      and(
        eq(bulletins.communeId, communeId),
        opts.statuses ? inArray(bulletins.status, opts.statuses) : undefined,
        opts.since ? sql`${bulletins.createdAt} >= ${opts.since.toISOString()}::timestamptz` : undefined,
      ),
    )
    .orderBy(desc(bulletins.createdAt), desc(bulletins.id))
    .limit(opts.limit ?? 50);
}

export async function insertAction(
  db: Db,
  values: {
    bulletinId: number;
    action: BulletinAction;
    actorUserId: number | null;
    actorLabel: string;
    note?: string | null;
  },
) {
  await db.insert(bulletinActions).values(values);
}

export async function listActions(db: Db, bulletinId: number) {
  return db
    .select()
    .from(bulletinActions)
    .where(eq(bulletinActions.bulletinId, bulletinId))
    .orderBy(asc(bulletinActions.id));
}

/** A stored file with these exact bytes, to store the same speech once. */
export async function findAudioFileBySha(db: Db, sha256: string) {
  const [row] = await db
    .select({ fileId: bulletins.audioFileId })
    .from(bulletins)
    .where(and(eq(bulletins.audioSha256, sha256), sql`${bulletins.audioFileId} is not null`))
    .limit(1);
  return row?.fileId ?? undefined;
}

/**
 * The audio a device may download: a bulletin of its commune that is approved or being broadcast.
 * Drafts stay private even to devices.
 */
export async function findDeviceAudio(db: Db, communeId: number, sha256: string) {
  const [row] = await db
    .select({
      fileId: bulletins.audioFileId,
      mime: bulletins.audioMime,
      format: bulletins.audioFormat,
      bytes: bulletins.audioBytes,
    })
    .from(bulletins)
    .where(
      and(
        eq(bulletins.communeId, communeId),
        eq(bulletins.audioSha256, sha256),
        inArray(bulletins.status, ['approved', 'broadcast']),
      ),
    )
    .limit(1);
  return row;
}

// ── Programmes and schedule ─────────────────────────────────────────────────────────────────

export async function insertProgramme(db: Db, values: typeof programmes.$inferInsert) {
  const [row] = await db.insert(programmes).values(values).returning();
  return row as ProgrammeRow;
}

export async function findProgrammeById(db: Db, id: number) {
  const [row] = await db.select().from(programmes).where(eq(programmes.id, id));
  return row;
}

export async function findProgrammeByName(db: Db, communeId: number, name: string) {
  const [row] = await db
    .select()
    .from(programmes)
    .where(and(eq(programmes.communeId, communeId), sql`lower(${programmes.name}) = lower(${name})`));
  return row;
}

export async function listProgrammes(db: Db, communeId: number) {
  return db
    .select()
    .from(programmes)
    .where(eq(programmes.communeId, communeId))
    .orderBy(asc(programmes.name));
}

export async function setProgrammeClusters(db: Db, programmeId: number, clusterIds: number[]) {
  await db.delete(programmeClusters).where(eq(programmeClusters.programmeId, programmeId));
  if (clusterIds.length) {
    await db.insert(programmeClusters).values(clusterIds.map((clusterId) => ({ programmeId, clusterId })));
  }
}

export async function listProgrammeClusterIds(db: Db, programmeIds: number[]) {
  if (programmeIds.length === 0) return [];
  return db
    .select({ programmeId: programmeClusters.programmeId, clusterId: programmeClusters.clusterId })
    .from(programmeClusters)
    .where(inArray(programmeClusters.programmeId, programmeIds));
}

export async function insertScheduleEntry(db: Db, values: typeof scheduleEntries.$inferInsert) {
  const [row] = await db.insert(scheduleEntries).values(values).returning();
  return row as ScheduleEntryRow;
}

export async function findScheduleEntry(db: Db, id: number) {
  const [row] = await db.select().from(scheduleEntries).where(eq(scheduleEntries.id, id));
  return row;
}

export async function cancelScheduleEntry(db: Db, id: number, at: Date) {
  await db.update(scheduleEntries).set({ cancelledAt: at }).where(eq(scheduleEntries.id, id));
}

export async function listEntriesForBulletin(db: Db, bulletinId: number) {
  return db
    .select({ entry: scheduleEntries, programmeName: programmes.name })
    .from(scheduleEntries)
    .innerJoin(programmes, eq(programmes.id, scheduleEntries.programmeId))
    .where(eq(scheduleEntries.bulletinId, bulletinId))
    .orderBy(asc(scheduleEntries.id));
}

/** Clusters whose timeline includes this bulletin (through live schedule entries). */
export async function clusterIdsForBulletin(db: Db, bulletinId: number) {
  const rows = await db
    .selectDistinct({ id: programmeClusters.clusterId })
    .from(scheduleEntries)
    .innerJoin(programmeClusters, eq(programmeClusters.programmeId, scheduleEntries.programmeId))
    .where(and(eq(scheduleEntries.bulletinId, bulletinId), isNull(scheduleEntries.cancelledAt)));
  return rows.map((r) => r.id);
}

export interface RuleRow {
  clusterId: number;
  entryId: number;
  bulletinId: number;
  priority: Priority;
  startTime: string;
  weekdays: number;
  startDate: string;
  endDate: string | null;
  repeat: number;
  durationMs: number;
  sha256: string;
  bytes: number;
  mime: string;
  title: string;
}

/** Every live rule that plays on these clusters: active programme, approved bulletin with audio. */
export async function listRulesForClusters(db: Db, clusterIds: number[], today: string) {
  if (clusterIds.length === 0) return [];
  return rowsOf<RuleRow>(
    await db.execute(sql`
      select pc.cluster_id as "clusterId", e.id as "entryId", b.id as "bulletinId", b.priority,
        e.start_time::text as "startTime", e.weekdays, e.start_date::text as "startDate",
        e.end_date::text as "endDate", e.repeat, b.audio_duration_ms as "durationMs",
        b.audio_sha256 as sha256, b.audio_bytes as bytes, b.audio_mime as mime, b.title
      from broadcast_schedule_entries e
      join broadcast_programmes p on p.id = e.programme_id and p.active
      join broadcast_programme_clusters pc on pc.programme_id = p.id
      join broadcast_bulletins b on b.id = e.bulletin_id
      where pc.cluster_id = any(${p(clusterIds)}::bigint[]) and e.cancelled_at is null
        and b.status = 'approved' and b.audio_sha256 is not null
        and (e.end_date is null or e.end_date >= ${today}::date)
      order by e.id`),
  ).map((r) => ({
    ...r,
    clusterId: Number(r.clusterId),
    entryId: Number(r.entryId),
    bulletinId: Number(r.bulletinId),
  }));
}

// ── Commands and deliveries ─────────────────────────────────────────────────────────────────

export async function insertCommand(db: Db, values: typeof commands.$inferInsert, clusterIds: number[]) {
  const [row] = await db.insert(commands).values(values).returning();
  if (clusterIds.length) {
    await db.execute(sql`
      insert into broadcast_deliveries (cluster_id, kind, command_id)
      select id, 'command', ${values.id}::uuid from unnest(${p(clusterIds)}::bigint[]) as id`);
  }
  return row as CommandRow;
}

export async function findCommand(db: Db, id: string) {
  const [row] = await db.select().from(commands).where(eq(commands.id, id));
  return row;
}

export interface CommandTarget {
  deliveryId: number;
  clusterId: number;
  code: string;
}

export async function listCommandTargets(db: Db, commandId: string, onlyUnpushed: boolean) {
  return rowsOf<CommandTarget>(
    await db.execute(sql`
      select d.id as "deliveryId", c.id as "clusterId", c.mqtt_username as code
      from broadcast_deliveries d join broadcast_clusters c on c.id = d.cluster_id
      where d.kind = 'command' and d.command_id = ${commandId}::uuid
        ${onlyUnpushed ? sql`and d.pushed_at is null` : sql``}
      order by c.id`),
  );
}

/**
 * After the broker may have lost what it held for offline devices (the embedded broker keeps its
 * sessions in memory), commands still in force and not yet acknowledged are marked unpushed, so
 * they go out again: all of them when the platform (re)connects, a device's own when it comes
 * online. Devices act on a command id once. A play of an alert since cancelled is not sent again.
 */
export async function requeueUnacknowledgedCommands(db: Db, deviceCode?: string) {
  const rows = rowsOf<{ id: number }>(
    await db.execute(sql`
      update broadcast_deliveries d set pushed_at = null
      from broadcast_commands m
      where m.id = d.command_id and d.kind = 'command'
        and d.pushed_at is not null and d.acknowledged_at is null
        and (m.expires_at is null or m.expires_at > now())
        and not (m.type = 'play' and m.alert_id is not null and exists (
          select 1 from broadcast_alerts a where a.id = m.alert_id and a.cancelled_at is not null))
        ${
          deviceCode === undefined
            ? sql``
            : sql`and d.cluster_id = (select id from broadcast_clusters where mqtt_username = ${deviceCode})`
        }
      returning d.id`),
  );
  return rows.length;
}

export async function listUnpushedCommandIds(db: Db, limit: number) {
  const rows = rowsOf<{ id: string }>(
    await db.execute(sql`
      select distinct d.command_id as id from broadcast_deliveries d
      join broadcast_commands m on m.id = d.command_id
      where d.kind = 'command' and d.pushed_at is null
        and (m.expires_at is null or m.expires_at > now())
      limit ${limit}`),
  );
  return rows.map((r) => r.id);
}

export async function markCommandPushed(db: Db, deliveryIds: number[], at: Date) {
  if (deliveryIds.length === 0) return;
  await db
    .update(deliveries)
    .set({ pushedAt: at, pushCount: sql`${deliveries.pushCount} + 1` })
    .where(inArray(deliveries.id, deliveryIds));
}

export async function listCommandDeliveries(db: Db, commandIds: string[]) {
  if (commandIds.length === 0) return [];
  return db
    .select({
      commandId: deliveries.commandId,
      clusterId: clusters.id,
      code: clusters.code,
      name: clusters.name,
      pushedAt: deliveries.pushedAt,
      acknowledgedAt: deliveries.acknowledgedAt,
      ackStatus: deliveries.ackStatus,
    })
    .from(deliveries)
    .innerJoin(clusters, eq(clusters.id, deliveries.clusterId))
    .where(and(eq(deliveries.kind, 'command'), inArray(deliveries.commandId, commandIds)))
    .orderBy(asc(clusters.code));
}

export async function listCommandsForAlert(db: Db, alertId: number) {
  return db.select().from(commands).where(eq(commands.alertId, alertId)).orderBy(asc(commands.issuedAt));
}

// ── Proof of play ───────────────────────────────────────────────────────────────────────────

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
  placeName: string;
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
      select p.id, c.code as "clusterCode", c.name as "clusterName", pl.full_name as "placeName",
        b.title, p.priority, p.scheduled_at as "scheduledAt", p.started_at as "startedAt",
        p.ended_at as "endedAt", p.outcome, p.offline, p.reported_at as "reportedAt",
        p.entry_key as "entryKey", p.command_id as "commandId", p.interrupted_by as "interruptedBy"
      from broadcast_plays p
      join broadcast_clusters c on c.id = p.cluster_id
      join places pl on pl.id = c.place_id
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
    scheduledAt: r.scheduledAt ? new Date(r.scheduledAt) : null,
    startedAt: new Date(r.startedAt),
    endedAt: new Date(r.endedAt),
    reportedAt: new Date(r.reportedAt),
  }));
}

// ── Alerts ──────────────────────────────────────────────────────────────────────────────────

export async function insertAlert(
  db: Db,
  values: typeof alerts.$inferInsert,
  areas: { placeId: number; placeCode: string; placePath: string; areaDesc: string }[],
) {
  const [row] = await db.insert(alerts).values(values).returning();
  const alert = row as AlertRow;
  if (areas.length) await db.insert(alertAreas).values(areas.map((a) => ({ ...a, alertId: alert.id })));
  return alert;
}

export async function findAlertByKey(db: Db, sender: string, identifier: string, sent: Date) {
  const [row] = await db
    .select()
    .from(alerts)
    .where(
      and(
        eq(alerts.sender, sender),
        eq(alerts.identifier, identifier),
        sql`${alerts.sent} = ${sent.toISOString()}::timestamptz`,
      ),
    );
  return row;
}

export async function findAlertsBySenderIdentifier(db: Db, pairs: { sender: string; identifier: string }[]) {
  if (pairs.length === 0) return [];
  return db
    .select()
    .from(alerts)
    .where(or(...pairs.map((p) => and(eq(alerts.sender, p.sender), eq(alerts.identifier, p.identifier)))));
}

export async function findAlertById(db: Db, id: number) {
  const [row] = await db.select().from(alerts).where(eq(alerts.id, id));
  return row;
}

export async function findAlertByIdentifier(db: Db, identifier: string) {
  const [row] = await db
    .select()
    .from(alerts)
    .where(eq(alerts.identifier, identifier))
    .orderBy(desc(alerts.sent))
    .limit(1);
  return row;
}

export async function cancelAlerts(db: Db, ids: number[], at: Date) {
  if (ids.length === 0) return;
  await db
    .update(alerts)
    .set({ cancelledAt: at })
    .where(and(inArray(alerts.id, ids), isNull(alerts.cancelledAt)));
}

export async function listAlertAreas(db: Db, alertId: number) {
  return db
    .select()
    .from(alertAreas)
    .where(eq(alertAreas.alertId, alertId))
    .orderBy(asc(alertAreas.placeCode));
}

/** Alerts in force: actual, not cancelled, not expired. */
export async function listActiveAlerts(db: Db, now: Date, scope?: string[]) {
  return db
    .select()
    .from(alerts)
    .where(
      and(
        eq(alerts.status, 'Actual'),
        inArray(alerts.msgType, ['Alert', 'Update']),
        isNull(alerts.cancelledAt),
        sql`(${alerts.expiresAt} is null or ${alerts.expiresAt} > ${now.toISOString()}::timestamptz)`,
        scope
          ? sql`exists (select 1 from broadcast_alert_areas where broadcast_alert_areas.alert_id = ${alerts.id}
                and (${or(...scope.map((path) => like(alertAreas.placePath, `${path}%`)))}))`
          : undefined,
      ),
    )
    .orderBy(desc(alerts.sent));
}

export async function listAlertsForCommune(db: Db, communePath: string, limit = 20) {
  return db
    .selectDistinct({ alert: alerts })
    .from(alerts)
    .innerJoin(alertAreas, eq(alertAreas.alertId, alerts.id))
    .where(
      or(
        like(alertAreas.placePath, `${communePath}%`),
        sql`${communePath} like ${alertAreas.placePath} || '%'`,
      ),
    )
    .orderBy(desc(alerts.sent))
    .limit(limit);
}

/** Communes that have clusters at or below these paths (for a province-level operator's list). */
export async function listCommuneIdsWithClusters(db: Db, paths: string[]) {
  if (paths.length === 0) return [];
  const rows = await db
    .selectDistinct({ id: clusters.communeId })
    .from(clusters)
    .where(under(clusters.placePath, paths));
  return rows.map((r) => r.id);
}

/** Communes with bulletins the public may hear (approved or broadcast) since `since`. */
export async function listCommuneIdsWithPublicBulletins(db: Db, since: Date) {
  const rows = await db
    .selectDistinct({ id: bulletins.communeId })
    .from(bulletins)
    .where(
      and(
        inArray(bulletins.status, ['approved', 'broadcast']),
        sql`${bulletins.createdAt} >= ${since.toISOString()}::timestamptz`,
      ),
    );
  return rows.map((r) => r.id);
}

/** Every active device's MQTT username and password hash, for an external broker's password file. */
export async function listMqttCredentials(db: Db) {
  return db
    .select({ username: clusters.mqttUsername, hash: clusters.mqttPasswordHash })
    .from(clusters)
    .where(isNull(clusters.disabledAt))
    .orderBy(asc(clusters.mqttUsername));
}

export async function findAlertByBulletin(db: Db, bulletinId: number) {
  const [row] = await db.select().from(alerts).where(eq(alerts.bulletinId, bulletinId)).limit(1);
  return row;
}

export async function countCommandDeliveries(db: Db, commandId: string) {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(deliveries)
    .where(and(eq(deliveries.kind, 'command'), eq(deliveries.commandId, commandId)));
  return row?.n ?? 0;
}
