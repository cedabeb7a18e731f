import { and, asc, eq, inArray, isNull, sql } from 'drizzle-orm';
import { type Db, rowsOf } from '#platform/db/client.ts';
import { p } from './broadcast.queries.ts';
import type { ScheduleRule } from './broadcast.schedule.ts';
import { programmeClusters, programmes, scheduleEntries } from './broadcast.tables.ts';

/** Programmes (groups of clusters) and the schedule entries that put bulletins on them. */

export type ProgrammeRow = typeof programmes.$inferSelect;
export type ScheduleEntryRow = typeof scheduleEntries.$inferSelect;
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

/** A schedule rule with the cluster it plays on and the audio it plays. */
export interface RuleRow extends ScheduleRule {
  clusterId: number;
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
      select pc.cluster_id as "clusterId", e.id as "entryId", p.id as "programmeId", b.id as "bulletinId", b.priority,
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
    programmeId: Number(r.programmeId),
    bulletinId: Number(r.bulletinId),
  }));
}
