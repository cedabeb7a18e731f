import { and, asc, desc, eq, gt, inArray, isNull, like, or, type SQL, sql } from 'drizzle-orm';
import type { PgInsertValue, PgUpdateSetSource } from 'drizzle-orm/pg-core';
import type { Db } from '#platform/db/client.ts';
import type { ChecklistItem, ConflictField, LastVisit } from './fieldkit.schemas.ts';
import {
  assisted,
  type ConflictKind,
  checklists,
  clients,
  commands,
  conflicts,
  consentCodes,
  households,
  type Resolution,
  teams,
  uploads,
  visits,
} from './fieldkit.tables.ts';

export type HouseholdRow = typeof households.$inferSelect;
export type VisitRow = typeof visits.$inferSelect;
export type ConflictRow = typeof conflicts.$inferSelect;
export type ChecklistRow = typeof checklists.$inferSelect;

const inSubtrees = (column: typeof households.hamletPath | typeof conflicts.hamletPath, paths: string[]) =>
  paths.length ? or(...paths.map((p) => like(column, `${p}%`))) : sql`false`;

// ---------------------------------------------------------------------------------------------
// The hamlet's clock (decision 025)

/**
 * Lock the hamlet's row for the rest of the transaction (made on first use). Every write to the
 * hamlet's households takes it first, so their update ids rise in commit order.
 */
export async function lockHamlet(db: Db, hamlet: { id: number; path: string }) {
  await db.insert(teams).values({ hamletId: hamlet.id, hamletPath: hamlet.path }).onConflictDoNothing();
  await db.execute(sql`select 1 from fieldkit_teams where hamlet_id = ${hamlet.id} for update`);
}

/** The next update id, as a value in an insert or update made while holding the hamlet's lock. */
export const NEXT_UPDATE_ID = sql<number>`nextval('fieldkit_update_seq')`;

// ---------------------------------------------------------------------------------------------
// Households

export async function findHousehold(db: Db, id: string, opts: { lock?: boolean } = {}) {
  const q = db.select().from(households).where(eq(households.id, id));
  const [row] = opts.lock ? await q.for('update') : await q;
  return row;
}

export async function findHouseholds(db: Db, ids: string[]) {
  if (ids.length === 0) return [];
  return db.select().from(households).where(inArray(households.id, ids));
}

export async function countHouseholds(db: Db, hamletId: number) {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(households)
    .where(and(eq(households.hamletId, hamletId), isNull(households.deletedAt)));
  return row?.n ?? 0;
}

export async function insertHousehold(db: Db, row: PgInsertValue<typeof households>) {
  const [out] = await db.insert(households).values(row).returning();
  if (!out) throw new Error('insert returned nothing');
  return out;
}

export async function updateHousehold(db: Db, id: string, set: PgUpdateSetSource<typeof households>) {
  const [out] = await db.update(households).set(set).where(eq(households.id, id)).returning();
  if (!out) throw new Error('update returned nothing');
  return out;
}

/** A hamlet's households for a page: search by name or address with or without diacritics. */
export async function listHouseholds(
  db: Db,
  hamletIds: number[],
  opts: { q?: string | undefined; limit: number; offset: number; review?: boolean },
) {
  if (hamletIds.length === 0) return [];
  const key = opts.q ? sql`search_key(${opts.q})` : undefined;
  return db
    .select()
    .from(households)
    .where(
      and(
        inArray(households.hamletId, hamletIds),
        isNull(households.deletedAt),
        key
          ? sql`search_key(coalesce(${households.headName}, '') || ' ' || ${households.address}) like '%' || ${key} || '%'`
          : undefined,
        opts.review ? eq(households.needsReview, true) : undefined,
      ),
    )
    .orderBy(asc(households.headName), asc(households.address), asc(households.id))
    .limit(opts.limit)
    .offset(opts.offset);
}

/** What changed in a hamlet after `since`, oldest first (a first sync skips the tombstones). */
export async function changedHouseholds(db: Db, hamletId: number, since: number, limit: number) {
  return db
    .select()
    .from(households)
    .where(
      and(
        eq(households.hamletId, hamletId),
        gt(households.updateId, since),
        since === 0 ? isNull(households.deletedAt) : undefined,
      ),
    )
    .orderBy(asc(households.updateId))
    .limit(limit);
}

/** Name and address of a hamlet's registered households (an import skips those it already has). */
export async function householdKeys(db: Db, hamletId: number) {
  return db
    .select({ headName: households.headName, address: households.address })
    .from(households)
    .where(and(eq(households.hamletId, hamletId), isNull(households.deletedAt)));
}

/** Per hamlet: registered households and open conflicts. */
export async function teamCounts(db: Db, hamletIds: number[]) {
  const out = new Map<number, { households: number; conflicts: number }>();
  if (hamletIds.length === 0) return out;
  const h = await db
    .select({ hamletId: households.hamletId, n: sql<number>`count(*)::int` })
    .from(households)
    .where(and(inArray(households.hamletId, hamletIds), isNull(households.deletedAt)))
    .groupBy(households.hamletId);
  const c = await db
    .select({ hamletId: conflicts.hamletId, n: sql<number>`count(*)::int` })
    .from(conflicts)
    .where(and(inArray(conflicts.hamletId, hamletIds), isNull(conflicts.resolvedAt)))
    .groupBy(conflicts.hamletId);
  for (const id of hamletIds) out.set(id, { households: 0, conflicts: 0 });
  for (const r of h) out.set(r.hamletId, { households: r.n, conflicts: 0 });
  for (const r of c) {
    const e = out.get(r.hamletId);
    if (e) e.conflicts = r.n;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Checklists

export async function currentChecklist(db: Db, provinceId: number) {
  const [row] = await db
    .select()
    .from(checklists)
    .where(eq(checklists.provinceId, provinceId))
    .orderBy(desc(checklists.id))
    .limit(1);
  return row;
}

/** Serialises the first writes of a province's checklist (a transaction-level advisory lock). */
export async function lockChecklists(db: Db, provinceId: number) {
  await db.execute(sql`select pg_advisory_xact_lock(872341601, ${provinceId}::int)`);
}

export async function findChecklist(db: Db, id: number) {
  const [row] = await db.select().from(checklists).where(eq(checklists.id, id));
  return row;
}

export async function insertChecklist(db: Db, provinceId: number, items: ChecklistItem[], by: number | null) {
  const [row] = await db.insert(checklists).values({ provinceId, items, createdBy: by }).returning();
  if (!row) throw new Error('insert returned nothing');
  return row;
}

// ---------------------------------------------------------------------------------------------
// Visits

export async function insertVisit(db: Db, row: typeof visits.$inferInsert) {
  const [out] = await db.insert(visits).values(row).returning();
  if (!out) throw new Error('insert returned nothing');
  return out;
}

export async function findVisit(db: Db, id: string) {
  const [row] = await db.select().from(visits).where(eq(visits.id, id));
  return row;
}

export async function listVisits(db: Db, householdId: string, limit = 20) {
  return db
    .select()
    .from(visits)
    .where(eq(visits.householdId, householdId))
    .orderBy(desc(visits.endedAt))
    .limit(limit);
}

export function lastVisitOf(v: VisitRow): LastVisit {
  return {
    id: v.id,
    at: v.endedAt.toISOString(),
    memberName: v.memberName,
    smartphone: v.smartphone,
    vneidAdults: v.vneidAdults,
    cashless: v.cashless,
    publicServiceAccount: v.publicServiceAccount,
  };
}

// ---------------------------------------------------------------------------------------------
// Commands and clients

export async function findClient(db: Db, id: string) {
  const [row] = await db.select().from(clients).where(eq(clients.id, id));
  return row;
}

export async function upsertClient(db: Db, c: { id: string; userId: number; appVersion: string; at: Date }) {
  await db
    .insert(clients)
    .values({ id: c.id, userId: c.userId, appVersion: c.appVersion, createdAt: c.at, lastSeenAt: c.at })
    .onConflictDoUpdate({
      target: clients.id,
      set: { appVersion: c.appVersion, lastSeenAt: c.at },
      where: eq(clients.userId, c.userId),
    });
}

/**
 * Claim a command: true when this is its first delivery. A second delivery while the first is
 * being applied waits here for the first to commit (the primary key), then finds it taken.
 */
export async function claimCommand(
  db: Db,
  c: { clientId: string; commandId: string; userId: number; type: string; protocol: number; at: Date },
) {
  const rows = await db
    .insert(commands)
    .values({ ...c, receivedAt: c.at, result: {} })
    .onConflictDoNothing()
    .returning({ id: commands.commandId });
  return rows.length === 1;
}

export async function findCommand(db: Db, clientId: string, commandId: string) {
  const [row] = await db
    .select()
    .from(commands)
    .where(and(eq(commands.clientId, clientId), eq(commands.commandId, commandId)));
  return row;
}

export async function saveCommandResult(db: Db, clientId: string, commandId: string, result: object) {
  await db
    .update(commands)
    .set({ result: result as Record<string, unknown> })
    .where(and(eq(commands.clientId, clientId), eq(commands.commandId, commandId)));
}

// ---------------------------------------------------------------------------------------------
// Conflicts

export async function insertConflict(
  db: Db,
  c: {
    householdId: string;
    hamletId: number;
    hamletPath: string;
    kind: ConflictKind;
    fields: ConflictField[];
    clientRecord: Record<string, unknown> | null;
    baseVersion: number | null;
    serverVersion: number;
    userId: number;
    memberName: string;
    clientId: string | null;
    commandId: string | null;
    at: Date;
  },
) {
  const { at, ...values } = c;
  const [row] = await db
    .insert(conflicts)
    .values({ ...values, createdAt: at })
    .returning();
  if (!row) throw new Error('insert returned nothing');
  return row;
}

export async function listOpenConflicts(db: Db, paths: string[], limit = 200) {
  return db
    .select()
    .from(conflicts)
    .where(and(isNull(conflicts.resolvedAt), inSubtrees(conflicts.hamletPath, paths)))
    .orderBy(asc(conflicts.id))
    .limit(limit);
}

export async function findConflict(db: Db, id: number, opts: { lock?: boolean } = {}) {
  const q = db.select().from(conflicts).where(eq(conflicts.id, id));
  const [row] = opts.lock ? await q.for('update') : await q;
  return row;
}

export async function listConflictsOf(db: Db, householdId: string) {
  return db.select().from(conflicts).where(eq(conflicts.householdId, householdId)).orderBy(asc(conflicts.id));
}

export async function resolveConflict(
  db: Db,
  id: number,
  r: { resolution: Resolution; by: number; at: Date },
) {
  await db
    .update(conflicts)
    .set({ resolution: r.resolution, resolvedBy: r.by, resolvedAt: r.at })
    .where(eq(conflicts.id, id));
}

export async function countOpenConflicts(db: Db, householdId: string) {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(conflicts)
    .where(and(eq(conflicts.householdId, householdId), isNull(conflicts.resolvedAt)));
  return row?.n ?? 0;
}

// ---------------------------------------------------------------------------------------------
// Assisted filing: consent codes, uploads, the team's record

export async function insertConsentCode(
  db: Db,
  c: { phone: string; codeHash: string; memberId: number; expiresAt: Date; createdAt: Date },
) {
  const [row] = await db.insert(consentCodes).values(c).returning({ id: consentCodes.id });
  return row?.id ?? 0;
}

export async function latestConsentCode(db: Db, phone: string, memberId: number) {
  const [row] = await db
    .select()
    .from(consentCodes)
    .where(and(eq(consentCodes.phone, phone), eq(consentCodes.memberId, memberId)))
    .orderBy(desc(consentCodes.id))
    .limit(1)
    .for('update');
  return row;
}

export async function countConsentTry(db: Db, id: number) {
  await db
    .update(consentCodes)
    .set({ attempts: sql`${consentCodes.attempts} + 1` })
    .where(eq(consentCodes.id, id));
}

export async function verifyConsentCode(db: Db, id: number, token: string, at: Date) {
  await db.update(consentCodes).set({ token, verifiedAt: at }).where(eq(consentCodes.id, id));
}

/** A verified consent token of this member, used once: the row it was on, or nothing. */
export async function useConsentToken(db: Db, token: string, memberId: number, at: Date) {
  const [row] = await db
    .update(consentCodes)
    .set({ usedAt: at })
    .where(
      and(eq(consentCodes.token, token), eq(consentCodes.memberId, memberId), isNull(consentCodes.usedAt)),
    )
    .returning();
  return row;
}

/** The upload's row, made on its first piece, locked for this transaction. */
export async function lockUpload(db: Db, u: { id: string; memberId: number; total: number }) {
  await db
    .insert(uploads)
    .values({ id: u.id, memberId: u.memberId, totalBytes: u.total, received: Buffer.alloc(0) })
    .onConflictDoNothing();
  const [row] = await db.select().from(uploads).where(eq(uploads.id, u.id)).for('update');
  if (!row) throw new Error('upload row missing');
  return row;
}

export async function appendUpload(db: Db, id: string, bytes: Buffer) {
  const [row] = await db
    .update(uploads)
    .set({ received: sql`${uploads.received} || ${bytes}` })
    .where(eq(uploads.id, id))
    .returning();
  if (!row) throw new Error('upload row missing');
  return row;
}

/** An upload made whole on the server (a photo posted by a page without JavaScript). */
export async function storedUpload(
  db: Db,
  u: { id: string; memberId: number; total: number; fileId: string },
) {
  await db.insert(uploads).values({
    id: u.id,
    memberId: u.memberId,
    totalBytes: u.total,
    received: Buffer.alloc(0),
    fileId: u.fileId,
  });
}

export async function finishUpload(db: Db, id: string, fileId: string) {
  await db
    .update(uploads)
    .set({ fileId, received: Buffer.alloc(0) })
    .where(eq(uploads.id, id));
}

export async function findUpload(db: Db, id: string) {
  const [row] = await db.select().from(uploads).where(eq(uploads.id, id));
  return row;
}

export async function insertAssisted(db: Db, row: typeof assisted.$inferInsert) {
  await db.insert(assisted).values(row);
}

// ---------------------------------------------------------------------------------------------
// Dashboards

export interface DashboardFigures {
  groupId: number;
  households: number;
  visited: number;
  visits: number;
  smartphone: number;
  vneid: number;
  vneidAdults: number;
  cashless: number;
  publicService: number;
  assisted: number;
}

const rows = <T>(r: unknown) => (r as { rows: T[] }).rows;
const int = (v: unknown) => Number(v ?? 0);

/**
 * Figures per unit just below `path` (or for `path` itself when it is a hamlet): registered
 * households now; households visited, visits, and the indicators of each household's latest
 * visit in [from, to); assisted dossiers filed in [from, to).
 */
export async function dashboardFigures(
  db: Db,
  path: string,
  from: Date,
  to: Date,
): Promise<DashboardFigures[]> {
  const group = (column: SQL) =>
    sql`coalesce(nullif(split_part(substr(${column}, length(${path}) + 1), '/', 1), ''), split_part(rtrim(${path}, '/'), '/', -1))::bigint`;
  const result = await db.execute(sql`
    with latest as (
      select distinct on (household_id) household_id, hamlet_path, smartphone, vneid_adults, cashless,
             public_service_account
        from fieldkit_visits
       where hamlet_path like ${path} || '%' and ended_at >= ${from.toISOString()}::timestamptz and ended_at < ${to.toISOString()}::timestamptz
       order by household_id, ended_at desc
    ), visited as (
      select ${group(sql`hamlet_path`)} as g, count(*) as visited,
             count(*) filter (where smartphone) as smartphone,
             count(*) filter (where vneid_adults > 0) as vneid,
             coalesce(sum(vneid_adults), 0) as vneid_adults,
             count(*) filter (where cashless) as cashless,
             count(*) filter (where public_service_account) as public_service
        from latest group by 1
    ), visits as (
      select ${group(sql`hamlet_path`)} as g, count(*) as visits
        from fieldkit_visits
       where hamlet_path like ${path} || '%' and ended_at >= ${from.toISOString()}::timestamptz and ended_at < ${to.toISOString()}::timestamptz
       group by 1
    ), registered as (
      select ${group(sql`hamlet_path`)} as g, count(*) as households
        from fieldkit_households where hamlet_path like ${path} || '%' and deleted_at is null group by 1
    ), assisted as (
      select ${group(sql`hamlet_path`)} as g, count(*) as assisted
        from fieldkit_assisted
       where hamlet_path like ${path} || '%' and filed_at >= ${from.toISOString()}::timestamptz and filed_at < ${to.toISOString()}::timestamptz
       group by 1
    ), groups as (
      select g from registered union select g from visits union select g from assisted
    )
    select groups.g, registered.households, visited.visited, visits.visits, visited.smartphone, visited.vneid,
           visited.vneid_adults, visited.cashless, visited.public_service, assisted.assisted
      from groups
      left join registered using (g) left join visited using (g) left join visits using (g)
      left join assisted using (g)
  `);
  return rows<Record<string, unknown>>(result).map((r) => ({
    groupId: int(r.g),
    households: int(r.households),
    visited: int(r.visited),
    visits: int(r.visits),
    smartphone: int(r.smartphone),
    vneid: int(r.vneid),
    vneidAdults: int(r.vneid_adults),
    cashless: int(r.cashless),
    publicService: int(r.public_service),
    assisted: int(r.assisted),
  }));
}

export async function visitsPerMember(db: Db, path: string, from: Date, to: Date) {
  return db
    .select({
      memberId: visits.memberId,
      memberName: sql<string>`max(${visits.memberName})`,
      visits: sql<number>`count(*)::int`,
      households: sql<number>`count(distinct ${visits.householdId})::int`,
    })
    .from(visits)
    .where(
      and(
        like(visits.hamletPath, `${path}%`),
        sql`${visits.endedAt} >= ${from.toISOString()}::timestamptz`,
        sql`${visits.endedAt} < ${to.toISOString()}::timestamptz`,
      ),
    )
    .groupBy(visits.memberId)
    .orderBy(sql`count(*) desc`, asc(visits.memberId));
}

export type { SQL };
