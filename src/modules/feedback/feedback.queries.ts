import {
  and,
  asc,
  desc,
  eq,
  gte,
  inArray,
  isNotNull,
  isNull,
  like,
  lt,
  lte,
  ne,
  or,
  type SQL,
  sql,
} from 'drizzle-orm';
import type { Role } from '#platform/auth/actor.ts';
import type { Db } from '#platform/db/client.ts';
import {
  feedbackActions,
  feedbackApiKeys,
  feedbackCategories,
  feedbackNotifyContacts,
  feedbackPhotos,
  feedbackReports,
} from './feedback.tables.ts';
import type { Status } from './feedback.workflow.ts';

export type CategoryRow = typeof feedbackCategories.$inferSelect;
export type ReportRow = typeof feedbackReports.$inferSelect;
export type ActionRow = typeof feedbackActions.$inferSelect;
export type PhotoRow = typeof feedbackPhotos.$inferSelect;
export type ApiKeyRow = typeof feedbackApiKeys.$inferSelect;
export type ContactRow = typeof feedbackNotifyContacts.$inferSelect;

// Categories

export async function listCategories(db: Db, opts: { activeOnly?: boolean } = {}) {
  return db
    .select()
    .from(feedbackCategories)
    .where(opts.activeOnly ? eq(feedbackCategories.active, true) : undefined)
    .orderBy(asc(feedbackCategories.sortOrder), asc(feedbackCategories.id));
}

export async function findCategoryByCode(db: Db, code: string) {
  const [row] = await db.select().from(feedbackCategories).where(eq(feedbackCategories.code, code));
  return row;
}

export async function findCategoriesByIds(db: Db, ids: number[]) {
  if (ids.length === 0) return [];
  return db.select().from(feedbackCategories).where(inArray(feedbackCategories.id, ids));
}

export async function insertCategory(db: Db, c: typeof feedbackCategories.$inferInsert) {
  const [row] = await db.insert(feedbackCategories).values(c).onConflictDoNothing().returning();
  return row;
}

export async function updateCategory(
  db: Db,
  code: string,
  set: Partial<typeof feedbackCategories.$inferInsert>,
) {
  const [row] = await db
    .update(feedbackCategories)
    .set({ ...set, updatedAt: sql`now()` })
    .where(eq(feedbackCategories.code, code))
    .returning();
  return row;
}

// Reports

/** The next number of the day (1, 2, …); the row lock makes concurrent reports take turns. */
export async function nextDailyNumber(db: Db, day: string): Promise<number> {
  const result = await db.execute(
    sql`insert into feedback_counters (day, last) values (${day}::date, 1)
        on conflict (day) do update set last = feedback_counters.last + 1
        returning last`,
  );
  const rows = ((result as { rows?: { last: number }[] }).rows ?? result) as { last: number }[];
  const n = rows[0]?.last;
  if (n === undefined) throw new Error('counter upsert returned nothing');
  return Number(n);
}

export async function insertReport(db: Db, r: typeof feedbackReports.$inferInsert) {
  const [row] = await db.insert(feedbackReports).values(r).returning();
  if (!row) throw new Error('insert returned nothing');
  return row;
}

export async function findReportById(db: Db, id: number) {
  const [row] = await db.select().from(feedbackReports).where(eq(feedbackReports.id, id));
  return row;
}

export async function findReportsByIds(db: Db, ids: number[]) {
  if (ids.length === 0) return [];
  return db.select().from(feedbackReports).where(inArray(feedbackReports.id, ids));
}

export async function findReportByCode(db: Db, code: string) {
  const [row] = await db.select().from(feedbackReports).where(eq(feedbackReports.serviceRequestId, code));
  return row;
}

export async function findReportByToken(db: Db, token: string) {
  const [row] = await db.select().from(feedbackReports).where(eq(feedbackReports.token, token));
  return row;
}

/** A reporter's own reports: filed from their citizen account, or leaving the phone they signed in with. */
export async function listReportsOfReporter(db: Db, citizenId: number, phone: string, limit: number) {
  return db
    .select()
    .from(feedbackReports)
    .where(or(eq(feedbackReports.citizenId, citizenId), eq(feedbackReports.contactPhone, phone)))
    .orderBy(desc(feedbackReports.id))
    .limit(limit);
}

export async function findReportByIdempotencyKey(db: Db, key: string) {
  const [row] = await db.select().from(feedbackReports).where(eq(feedbackReports.idempotencyKey, key));
  return row;
}

/** Lock the row for one action at a time on a report. */
export async function lockReport(db: Db, id: number) {
  const [row] = await db.select().from(feedbackReports).where(eq(feedbackReports.id, id)).for('update');
  return row;
}

export async function updateReport(db: Db, id: number, set: Partial<typeof feedbackReports.$inferInsert>) {
  const [row] = await db
    .update(feedbackReports)
    .set({ ...set, updatedAt: sql`now()` })
    .where(eq(feedbackReports.id, id))
    .returning();
  if (!row) throw new Error('update found no report');
  return row;
}

// Actions

export async function insertAction(db: Db, a: typeof feedbackActions.$inferInsert) {
  const [row] = await db.insert(feedbackActions).values(a).returning();
  if (!row) throw new Error('insert returned nothing');
  return row;
}

export async function listActions(db: Db, reportId: number) {
  return db
    .select()
    .from(feedbackActions)
    .where(eq(feedbackActions.reportId, reportId))
    .orderBy(asc(feedbackActions.id));
}

// Photos

export async function listPhotos(db: Db, reportId: number) {
  return db
    .select()
    .from(feedbackPhotos)
    .where(eq(feedbackPhotos.reportId, reportId))
    .orderBy(asc(feedbackPhotos.id));
}

export async function firstPhotos(db: Db, reportIds: number[]) {
  if (reportIds.length === 0) return [];
  return db
    .selectDistinctOn([feedbackPhotos.reportId], { reportId: feedbackPhotos.reportId, id: feedbackPhotos.id })
    .from(feedbackPhotos)
    .where(inArray(feedbackPhotos.reportId, reportIds))
    .orderBy(asc(feedbackPhotos.reportId), asc(feedbackPhotos.id));
}

export async function findPhoto(db: Db, id: number) {
  const [row] = await db.select().from(feedbackPhotos).where(eq(feedbackPhotos.id, id));
  return row;
}

export async function findPhotoBySource(db: Db, reportId: number, sourceSha256: string) {
  const [row] = await db
    .select()
    .from(feedbackPhotos)
    .where(and(eq(feedbackPhotos.reportId, reportId), eq(feedbackPhotos.sourceSha256, sourceSha256)));
  return row;
}

export async function insertPhoto(db: Db, p: typeof feedbackPhotos.$inferInsert) {
  const [row] = await db.insert(feedbackPhotos).values(p).onConflictDoNothing().returning();
  return row;
}

// The staff queue

export interface GrantScope {
  role: Role;
  placePath: string;
}

/**
 * Reports a set of grants may see: routed to one of the roles, and either handled inside the
 * grant's subtree or about a place inside it (a commune still sees what it escalated).
 */
export function visibleTo(scopes: GrantScope[]): SQL | undefined {
  if (scopes.length === 0) return sql`false`;
  return or(
    ...scopes.map((s) =>
      and(
        eq(feedbackReports.handlerRole, s.role),
        or(
          like(feedbackReports.handlingPlacePath, `${s.placePath}%`),
          like(feedbackReports.placePath, `${s.placePath}%`),
        ),
      ),
    ),
  );
}

export async function listQueue(
  db: Db,
  scopes: GrantScope[],
  opts: { statuses?: Status[]; overdueBefore?: Date; limit: number; offset: number },
) {
  const where = and(
    visibleTo(scopes),
    opts.statuses?.length ? inArray(feedbackReports.status, opts.statuses) : undefined,
    // Past the due time of the stage the office must do next (accept, answer, publish).
    opts.overdueBefore ? lt(feedbackReports.nextDueAt, opts.overdueBefore) : undefined,
  );
  const rows = await db
    .select()
    .from(feedbackReports)
    .where(where)
    .orderBy(
      sql`${feedbackReports.status} = 'closed'`,
      sql`${feedbackReports.nextDueAt} asc nulls last`,
      asc(feedbackReports.dueAt),
      desc(feedbackReports.id),
    )
    .limit(opts.limit)
    .offset(opts.offset);
  const [count] = await db.select({ n: sql<number>`count(*)::int` }).from(feedbackReports).where(where);
  return { rows, total: count?.n ?? 0 };
}

/**
 * Reports at the commune whose next stage is past due and which can still go up a level (open and
 * the office's turn: not answered, not waiting for the reporter).
 */
export async function listOverdue(db: Db, now: Date, limit: number) {
  return db
    .select({ id: feedbackReports.id })
    .from(feedbackReports)
    .where(
      and(
        inArray(feedbackReports.status, ['new', 'acknowledged', 'in_progress', 'reopened']),
        eq(feedbackReports.handlingLevel, 'commune'),
        lt(feedbackReports.nextDueAt, now),
      ),
    )
    .orderBy(asc(feedbackReports.nextDueAt))
    .limit(limit);
}

// Public pages

export async function listPublished(db: Db, communeId: number, limit: number, offset: number) {
  const where = and(eq(feedbackReports.communeId, communeId), isNotNull(feedbackReports.publishedAt));
  const rows = await db
    .select()
    .from(feedbackReports)
    .where(where)
    .orderBy(desc(feedbackReports.publishedAt), desc(feedbackReports.id))
    .limit(limit)
    .offset(offset);
  const [count] = await db.select({ n: sql<number>`count(*)::int` }).from(feedbackReports).where(where);
  return { rows, total: count?.n ?? 0 };
}

/** Communes with at least one published answer, and how many. */
export async function countPublishedByCommune(db: Db, limit: number) {
  return db
    .select({ communeId: feedbackReports.communeId, n: sql<number>`count(*)::int` })
    .from(feedbackReports)
    .where(isNotNull(feedbackReports.publishedAt))
    .groupBy(feedbackReports.communeId)
    .orderBy(desc(sql`count(*)`))
    .limit(limit);
}

// Open311

export async function listForOpen311(
  db: Db,
  f: {
    placePath?: string | undefined;
    ids?: string[] | undefined;
    categoryIds?: number[] | undefined;
    from?: Date | undefined;
    to?: Date | undefined;
    statuses?: ('open' | 'closed')[] | undefined;
    limit: number;
  },
) {
  const statusFilter =
    f.statuses && f.statuses.length === 1
      ? f.statuses[0] === 'closed'
        ? eq(feedbackReports.status, 'closed')
        : ne(feedbackReports.status, 'closed')
      : undefined;
  return db
    .select()
    .from(feedbackReports)
    .where(
      and(
        f.placePath ? like(feedbackReports.placePath, `${f.placePath}%`) : undefined,
        f.ids ? inArray(feedbackReports.serviceRequestId, f.ids) : undefined,
        f.categoryIds ? inArray(feedbackReports.categoryId, f.categoryIds) : undefined,
        f.from ? gte(feedbackReports.createdAt, f.from) : undefined,
        f.to ? lte(feedbackReports.createdAt, f.to) : undefined,
        statusFilter,
      ),
    )
    .orderBy(desc(feedbackReports.createdAt), desc(feedbackReports.id))
    .limit(f.limit);
}

// API keys

export async function insertApiKey(db: Db, k: typeof feedbackApiKeys.$inferInsert) {
  const [row] = await db.insert(feedbackApiKeys).values(k).returning();
  if (!row) throw new Error('insert returned nothing');
  return row;
}

export async function findLiveApiKey(db: Db, keyHash: string) {
  const [row] = await db
    .select()
    .from(feedbackApiKeys)
    .where(and(eq(feedbackApiKeys.keyHash, keyHash), isNull(feedbackApiKeys.revokedAt)));
  return row;
}

export async function findApiKey(db: Db, id: number) {
  const [row] = await db.select().from(feedbackApiKeys).where(eq(feedbackApiKeys.id, id));
  return row;
}

export async function listApiKeys(db: Db, scope: string[]) {
  if (scope.length === 0) return [];
  return db
    .select()
    .from(feedbackApiKeys)
    .where(or(...scope.map((p) => like(feedbackApiKeys.placePath, `${p}%`))))
    .orderBy(desc(feedbackApiKeys.id));
}

export async function revokeApiKey(db: Db, id: number) {
  await db
    .update(feedbackApiKeys)
    .set({ revokedAt: sql`now()` })
    .where(and(eq(feedbackApiKeys.id, id), isNull(feedbackApiKeys.revokedAt)));
}

export async function touchApiKey(db: Db, id: number) {
  // At most one write a minute per key: the column is for "is this key still in use?", not a counter.
  await db
    .update(feedbackApiKeys)
    .set({ lastUsedAt: sql`now()` })
    .where(
      and(
        eq(feedbackApiKeys.id, id),
        or(
          isNull(feedbackApiKeys.lastUsedAt),
          lt(feedbackApiKeys.lastUsedAt, sql`now() - interval '1 minute'`),
        ),
      ),
    );
}

// Notification addresses of an office

export async function listContactsAt(db: Db, placeIds: number[]) {
  if (placeIds.length === 0) return [];
  return db.select().from(feedbackNotifyContacts).where(inArray(feedbackNotifyContacts.placeId, placeIds));
}

export async function listContactsInScope(db: Db, scope: string[]) {
  if (scope.length === 0) return [];
  return db
    .select()
    .from(feedbackNotifyContacts)
    .where(or(...scope.map((p) => like(feedbackNotifyContacts.placePath, `${p}%`))))
    .orderBy(asc(feedbackNotifyContacts.placePath), asc(feedbackNotifyContacts.id));
}

export async function insertContact(db: Db, c: typeof feedbackNotifyContacts.$inferInsert) {
  const [row] = await db.insert(feedbackNotifyContacts).values(c).onConflictDoNothing().returning();
  return row;
}

export async function findContact(db: Db, id: number) {
  const [row] = await db.select().from(feedbackNotifyContacts).where(eq(feedbackNotifyContacts.id, id));
  return row;
}

export async function deleteContact(db: Db, id: number) {
  await db.delete(feedbackNotifyContacts).where(eq(feedbackNotifyContacts.id, id));
}

// Figures (feedback.figures.ts), read from the view the module publishes for reports

/** One report's clocks, instants in epoch milliseconds (null: none). */
export interface FactTimes {
  id: number;
  receivedAt: number;
  closedAt: number | null;
  refusedAt: number | null;
  acceptedAt: number | null;
  rating: number | null;
  complaints: number;
  acceptDueAt: number | null;
  acceptLateAt: number | null;
  acceptDoneAt: number | null;
  infoDueAt: number | null;
  infoLateAt: number | null;
  infoDoneAt: number | null;
  answerDueAt: number | null;
  answerLateAt: number | null;
  answerDoneAt: number | null;
  publishDueAt: number | null;
  publishLateAt: number | null;
  publishDoneAt: number | null;
}

const ms = (col: string) => sql.raw(`(extract(epoch from ${col}) * 1000)::float8`);

/**
 * Reports about places under `path` received before `end` that may count in [start, end): received
 * in it, a stage done in it, or a stage perhaps still running at `end`. A superset: the figures
 * judge each stage exactly (verdictAt).
 */
export async function listFactTimes(db: Db, q: { path: string; start: Date; end: Date }) {
  const start = q.start.toISOString();
  const end = q.end.toISOString();
  const result = await db.execute(sql`
    select f.id::int as "id",
           ${ms('f.received_at')} as "receivedAt", ${ms('f.closed_at')} as "closedAt",
           ${ms('f.refused_at')} as "refusedAt", ${ms('f.accepted_at')} as "acceptedAt",
           f.rating, f.complaints,
           ${ms('f.accept_due_at')} as "acceptDueAt", ${ms('f.accept_late_at')} as "acceptLateAt",
           ${ms('coalesce(f.accepted_at, f.refused_at)')} as "acceptDoneAt",
           ${ms('f.info_due_at')} as "infoDueAt", ${ms('f.info_late_at')} as "infoLateAt",
           ${ms('f.info_requested_at')} as "infoDoneAt",
           ${ms('f.answer_due_at')} as "answerDueAt", ${ms('f.answer_late_at')} as "answerLateAt",
           ${ms('f.answered_at')} as "answerDoneAt",
           ${ms('f.publish_due_at')} as "publishDueAt", ${ms('f.publish_late_at')} as "publishLateAt",
           ${ms('f.published_at')} as "publishDoneAt"
      from feedback_facts f
     where f.place_path like ${`${q.path}%`}
       and f.received_at < ${end}::timestamptz
       and (f.received_at >= ${start}::timestamptz
            or greatest(f.accepted_at, f.refused_at, f.info_requested_at, f.answered_at, f.published_at)
               >= ${start}::timestamptz
            or (coalesce(f.closed_at, ${end}::timestamptz) >= ${end}::timestamptz
                and (f.answered_at is null or f.answered_at >= ${end}::timestamptz
                     or f.published_at is null or f.published_at >= ${end}::timestamptz)))
     order by f.id`);
  return ((result as { rows?: FactTimes[] }).rows ?? result) as FactTimes[];
}
