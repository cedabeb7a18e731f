import { and, asc, desc, eq, inArray, sql } from 'drizzle-orm';
import { type Db, rowsOf } from '#platform/db/client.ts';
import { type ActionType, type BulletinStatus, bulletinActions, bulletins } from './broadcast.tables.ts';

/** Bulletins, their append-only action log, and their audio. */

export type BulletinRow = typeof bulletins.$inferSelect;
export type ActionTypeRow = typeof bulletinActions.$inferSelect;
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
    type: ActionType;
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
