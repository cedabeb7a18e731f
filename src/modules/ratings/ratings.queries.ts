import { eq } from 'drizzle-orm';
import type { Db } from '#platform/db/client.ts';
import { dossierRatings, type Rating } from './ratings.tables.ts';

/** The rating, or undefined when the dossier was already rated (the primary key keeps it to one). */
export async function insertRating(
  db: Db,
  row: typeof dossierRatings.$inferInsert,
): Promise<Rating | undefined> {
  const [r] = await db.insert(dossierRatings).values(row).onConflictDoNothing().returning();
  return r;
}

export async function findRating(db: Db, dossierId: number) {
  const [r] = await db.select().from(dossierRatings).where(eq(dossierRatings.dossierId, dossierId));
  return r;
}
