import { and, desc, eq, isNull, sql } from 'drizzle-orm';
import { type Db, rowsOf } from '#platform/db/client.ts';
import { type IssuedKind, issuedDocuments, resultTemplates } from './documents.tables.ts';
import type { ResultTemplate } from './forms/types.ts';

export async function insertIssued(db: Db, row: typeof issuedDocuments.$inferInsert) {
  const [r] = await db.insert(issuedDocuments).values(row).returning();
  if (!r) throw new Error('insert issued document returned nothing');
  return r;
}

export async function findIssued(db: Db, id: string) {
  const [r] = await db.select().from(issuedDocuments).where(eq(issuedDocuments.id, id));
  return r;
}

export async function findIssuedBySha(db: Db, sha256: string) {
  const [r] = await db
    .select()
    .from(issuedDocuments)
    .where(eq(issuedDocuments.sha256, sha256))
    .orderBy(desc(issuedDocuments.createdAt))
    .limit(1);
  return r;
}

/** The current (not revoked) paper of `kind` for a dossier, newest first. */
export async function findCurrent(db: Db, dossierId: number, kind: IssuedKind) {
  const [r] = await db
    .select()
    .from(issuedDocuments)
    .where(
      and(
        eq(issuedDocuments.dossierId, dossierId),
        eq(issuedDocuments.kind, kind),
        isNull(issuedDocuments.revokedAt),
      ),
    )
    .orderBy(desc(issuedDocuments.createdAt))
    .limit(1);
  return r;
}

export async function revoke(db: Db, id: string) {
  await db.update(issuedDocuments).set({ revokedAt: sql`now()` }).where(eq(issuedDocuments.id, id));
}

/** The next number of a place's register for `kind` in `year` (the row lock queues concurrent callers). */
export async function nextNumber(db: Db, placeId: number, kind: string, year: number): Promise<number> {
  const rows = rowsOf<{ n: number }>(
    await db.execute(sql`
      insert into document_sequences (place_id, kind, year, last_value) values (${placeId}, ${kind}, ${year}, 1)
      on conflict (place_id, kind, year) do update set last_value = document_sequences.last_value + 1
      returning last_value as n`),
  );
  const n = rows[0]?.n;
  if (typeof n !== 'number') throw new Error('sequence upsert returned nothing');
  return n;
}

export async function findTemplate(db: Db, procedureCode: string) {
  const [r] = await db.select().from(resultTemplates).where(eq(resultTemplates.procedureCode, procedureCode));
  return r?.template;
}

export async function saveTemplate(db: Db, procedureCode: string, template: ResultTemplate, userId: number) {
  await db
    .insert(resultTemplates)
    .values({ procedureCode, template, updatedBy: userId })
    .onConflictDoUpdate({
      target: resultTemplates.procedureCode,
      set: { template, updatedBy: userId, updatedAt: sql`now()` },
    });
}
