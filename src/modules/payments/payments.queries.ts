import { and, asc, eq, inArray, isNotNull, like, or, type SQL, sql } from 'drizzle-orm';
import type { Db } from '#platform/db/client.ts';
import {
  bankStatementLines,
  bankStatements,
  type Due,
  type FeeReceipt,
  feeReceipts,
  type PaymentAccountRow,
  paymentAccounts,
  paymentDues,
  type ReceiptSeriesRow,
  receiptSeries,
} from './payments.tables.ts';

/** The fees not written before (one row per dossier, fee and moment); returns how many were new. */
export async function insertDues(db: Db, rows: (typeof paymentDues.$inferInsert)[]): Promise<number> {
  if (rows.length === 0) return 0;
  const added = await db
    .insert(paymentDues)
    .values(rows)
    .onConflictDoNothing()
    .returning({ id: paymentDues.id });
  return added.length;
}

/** What a dossier still owes and what it has paid, in đồng (waived fees count as neither). */
export async function totals(db: Db, dossierId: number): Promise<{ unpaid: number; paid: number }> {
  const [r] = await db
    .select({
      unpaid: sql<string>`coalesce(sum(${paymentDues.amount}) filter (where ${paymentDues.status} = 'due'), 0)`,
      paid: sql<string>`coalesce(sum(${paymentDues.amount}) filter (where ${paymentDues.status} = 'paid'), 0)`,
    })
    .from(paymentDues)
    .where(eq(paymentDues.dossierId, dossierId));
  return { unpaid: Number(r?.unpaid ?? 0), paid: Number(r?.paid ?? 0) };
}

export async function listDues(db: Db, dossierId: number): Promise<Due[]> {
  return db
    .select()
    .from(paymentDues)
    .where(eq(paymentDues.dossierId, dossierId))
    .orderBy(asc(paymentDues.id));
}

export async function listDuesByIds(db: Db, ids: number[]): Promise<Due[]> {
  if (ids.length === 0) return [];
  return db.select().from(paymentDues).where(inArray(paymentDues.id, ids));
}

/** Open dues under any of the subtrees, oldest first. */
export async function listOpen(db: Db, scope: string[], limit = 500): Promise<Due[]> {
  if (scope.length === 0) return [];
  const inScope = or(...scope.map((p) => like(paymentDues.unitPath, `${p}%`))) as SQL;
  return db
    .select()
    .from(paymentDues)
    .where(and(eq(paymentDues.status, 'due'), inScope))
    .orderBy(asc(paymentDues.dueAt), asc(paymentDues.id))
    .limit(limit);
}

/** Mark dues paid, only those still due (a second confirmation changes nothing). */
export async function markPaid(
  db: Db,
  ids: number[],
  p: {
    method: 'cash' | 'transfer';
    reference: string | null;
    by: number | null;
    at: Date;
    lineId?: number | null;
  },
) {
  if (ids.length === 0) return [];
  return db
    .update(paymentDues)
    .set({
      status: 'paid',
      paidAt: p.at,
      method: p.method,
      reference: p.reference,
      confirmedBy: p.by,
      statementLineId: p.lineId ?? null,
    })
    .where(and(inArray(paymentDues.id, ids), eq(paymentDues.status, 'due')))
    .returning();
}

export async function insertStatement(db: Db, row: typeof bankStatements.$inferInsert) {
  const [r] = await db.insert(bankStatements).values(row).returning();
  if (!r) throw new Error('insert statement returned nothing');
  return r;
}

export async function setStatementCounts(db: Db, id: number, lineCount: number, matchedCount: number) {
  await db.update(bankStatements).set({ lineCount, matchedCount }).where(eq(bankStatements.id, id));
}

export async function insertLine(db: Db, row: typeof bankStatementLines.$inferInsert) {
  const [r] = await db.insert(bankStatementLines).values(row).returning();
  if (!r) throw new Error('insert statement line returned nothing');
  return r;
}

export async function referenceMatched(db: Db, reference: string) {
  const [r] = await db
    .select({ id: bankStatementLines.id })
    .from(bankStatementLines)
    .where(
      and(
        eq(bankStatementLines.reference, reference),
        eq(bankStatementLines.outcome, 'matched'),
        isNotNull(bankStatementLines.reference),
      ),
    );
  return Boolean(r);
}

/** The accounts set for any of these places (the places of a path, or of an admin's list). */
export async function listAccounts(db: Db, placeIds: number[]): Promise<PaymentAccountRow[]> {
  if (placeIds.length === 0) return [];
  return db.select().from(paymentAccounts).where(inArray(paymentAccounts.placeId, placeIds));
}

export async function upsertAccount(db: Db, row: typeof paymentAccounts.$inferInsert) {
  const { placeId: _, ...change } = row;
  const [r] = await db
    .insert(paymentAccounts)
    .values(row)
    .onConflictDoUpdate({ target: paymentAccounts.placeId, set: change })
    .returning();
  if (!r) throw new Error('upsert payment account returned nothing');
  return r;
}

export async function deleteAccount(db: Db, placeId: number) {
  const [r] = await db.delete(paymentAccounts).where(eq(paymentAccounts.placeId, placeId)).returning();
  return r;
}

// ---------------------------------------------------------------------------------------------
// Receipt series and receipts

export async function findActiveSeries(db: Db, placeId: number): Promise<ReceiptSeriesRow | undefined> {
  const [r] = await db
    .select()
    .from(receiptSeries)
    .where(and(eq(receiptSeries.placeId, placeId), eq(receiptSeries.active, true)));
  return r;
}

export async function findSeries(db: Db, placeId: number, templateCode: string, series: string) {
  const [r] = await db
    .select()
    .from(receiptSeries)
    .where(
      and(
        eq(receiptSeries.placeId, placeId),
        eq(receiptSeries.templateCode, templateCode),
        eq(receiptSeries.series, series),
      ),
    );
  return r;
}

export async function deactivateSeries(db: Db, placeId: number) {
  await db
    .update(receiptSeries)
    .set({ active: false })
    .where(and(eq(receiptSeries.placeId, placeId), eq(receiptSeries.active, true)));
}

export async function insertSeries(db: Db, row: typeof receiptSeries.$inferInsert) {
  const [r] = await db.insert(receiptSeries).values(row).returning();
  if (!r) throw new Error('insert receipt series returned nothing');
  return r;
}

export async function updateSeries(db: Db, id: number, change: Partial<typeof receiptSeries.$inferInsert>) {
  const [r] = await db.update(receiptSeries).set(change).where(eq(receiptSeries.id, id)).returning();
  if (!r) throw new Error('update receipt series returned nothing');
  return r;
}

/**
 * The next number of the place's active series, taken in the caller's transaction: the UPDATE
 * locks the series row until that transaction ends, so concurrent payments queue here, and a
 * payment that rolls back gives its number back (no gap; a SEQUENCE would leave one).
 */
export async function takeReceiptNumber(
  db: Db,
  placeId: number,
): Promise<{ series: ReceiptSeriesRow; number: number } | undefined> {
  const [r] = await db
    .update(receiptSeries)
    .set({ nextNumber: sql`${receiptSeries.nextNumber} + 1` })
    .where(and(eq(receiptSeries.placeId, placeId), eq(receiptSeries.active, true)))
    .returning();
  return r ? { series: r, number: r.nextNumber - 1 } : undefined;
}

export async function insertReceipt(db: Db, row: typeof feeReceipts.$inferInsert) {
  const [r] = await db.insert(feeReceipts).values(row).returning();
  if (!r) throw new Error('insert receipt returned nothing');
  return r;
}

export async function attachReceipt(db: Db, dueIds: number[], receiptId: string) {
  if (dueIds.length === 0) return;
  await db.update(paymentDues).set({ receiptId }).where(inArray(paymentDues.id, dueIds));
}

export async function listReceipts(db: Db, dossierId: number): Promise<FeeReceipt[]> {
  return db
    .select()
    .from(feeReceipts)
    .where(eq(feeReceipts.dossierId, dossierId))
    .orderBy(asc(feeReceipts.issuedAt), asc(feeReceipts.number));
}
