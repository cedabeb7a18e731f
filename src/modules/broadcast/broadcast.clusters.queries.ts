import { and, asc, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { Db } from '#platform/db/client.ts';
import { under } from './broadcast.queries.ts';
import { clusters } from './broadcast.tables.ts';

/** Loudspeaker clusters: registration, credentials, scope, and the version bump that marks a device as due a push. */

export type ClusterRow = typeof clusters.$inferSelect;
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

/** Communes that have clusters at or below these paths (for a province-level operator's list). */
export async function listCommuneIdsWithClusters(db: Db, paths: string[]) {
  if (paths.length === 0) return [];
  const rows = await db
    .selectDistinct({ id: clusters.communeId })
    .from(clusters)
    .where(under(clusters.placePath, paths));
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
