import { and, asc, desc, eq, inArray, isNull, or, type SQL, sql } from 'drizzle-orm';
import { listStaffFor } from '#modules/identity/index.ts';
import { type Db, rowsOf, type SqlRunner } from '#platform/db/client.ts';
import { fromJsonRow, fromJsonRows } from './dossiers.json-rows.ts';
import {
  type ActionRow,
  type DossierRow,
  dossierActions,
  dossierAgencyCodes,
  dossierFiles,
  dossierProcedureVersions,
  dossierSmsTemplates,
  dossiers,
  dossierUnitSettings,
  type StoredPayload,
} from './dossiers.tables.ts';
import { CLOSED_STATUSES, type NationalStatus, OPEN_STATUSES, type Step } from './dossiers.workflow.ts';

// Procedure snapshots

export async function saveProcedureVersion(db: Db, code: string, version: string, definition: unknown) {
  await db
    .insert(dossierProcedureVersions)
    .values({ procedureCode: code, version, definition })
    .onConflictDoNothing();
}

export async function findProcedureVersion(db: Db, code: string, version: string) {
  const [row] = await db
    .select({ definition: dossierProcedureVersions.definition })
    .from(dossierProcedureVersions)
    .where(
      and(eq(dossierProcedureVersions.procedureCode, code), eq(dossierProcedureVersions.version, version)),
    );
  return row?.definition;
}

// Codes

export async function findAgencyCode(db: Db, placeId: number) {
  const [row] = await db
    .select({ code: dossierAgencyCodes.agencyCode })
    .from(dossierAgencyCodes)
    .where(eq(dossierAgencyCodes.placeId, placeId));
  return row?.code;
}

export async function findUnitSettings(db: Db, placeId: number) {
  const [row] = await db.select().from(dossierUnitSettings).where(eq(dossierUnitSettings.placeId, placeId));
  return row;
}

export async function listUnitSettings(db: Db) {
  return db.select().from(dossierUnitSettings);
}

export async function upsertAtRiskDays(db: Db, placeId: number, atRiskDays: number, userId: number) {
  await db
    .insert(dossierUnitSettings)
    .values({ placeId, atRiskDays, updatedBy: userId })
    .onConflictDoUpdate({
      target: dossierUnitSettings.placeId,
      set: { atRiskDays, updatedBy: userId, updatedAt: sql`now()` },
    });
}

export async function listAgencyCodes(db: Db) {
  return db.select().from(dossierAgencyCodes).orderBy(asc(dossierAgencyCodes.agencyCode));
}

export async function upsertAgencyCode(db: Db, placeId: number, agencyCode: string, userId: number) {
  await db
    .insert(dossierAgencyCodes)
    .values({ placeId, agencyCode, updatedBy: userId })
    .onConflictDoUpdate({
      target: dossierAgencyCodes.placeId,
      set: { agencyCode, updatedBy: userId, updatedAt: sql`now()` },
    });
}

// Dossiers

export async function findDossierByCode(db: Db, code: string) {
  const [row] = await db.select().from(dossiers).where(eq(dossiers.code, code));
  return row;
}

/**
 * The tracking page's hot path: the dossier and its whole log in one row, through the SQL function
 * `dossier_tracking` (migration 0202), whose inner plan each connection keeps. Given the version of
 * the view the caller already holds, the function sends only the version and the phone when the
 * dossier has not changed since; `findTrackedRow` sends it as a named statement, so the outer
 * query is planned once per connection too. Dossier and log come back as JSON and are read by
 * `trackedFromRow` into the shapes `findDossierByCode` and `listActions` give, less what the public
 * view never shows.
 */
export type TrackedDossier = Omit<
  DossierRow,
  'formData' | 'applicantIdNumber' | 'applicantAddress' | 'applicantEmail' | 'idempotencyKey'
>;

export interface TrackedRow {
  version: string;
  applicant_phone: string;
  /** Both null when the caller's version is the current one. */
  dossier: unknown;
  log: unknown;
}

export async function findTrackedRow(sql: SqlRunner, code: string, knownVersion: string | null) {
  const [row] = await sql.query<TrackedRow>(
    'select version, applicant_phone, dossier, log from dossier_tracking($1, $2)',
    [code, knownVersion],
    'dossier_tracking',
  );
  return row;
}

export function trackedFromRow(row: TrackedRow) {
  if (row.dossier === null || row.log === null) return undefined;
  return {
    dossier: fromJsonRow(dossiers, row.dossier) as TrackedDossier,
    actions: fromJsonRows(dossierActions, row.log) as ActionRow[],
  };
}

export async function findDossierByKey(db: Db, key: string) {
  const [row] = await db.select().from(dossiers).where(eq(dossiers.idempotencyKey, key));
  return row;
}

/** The dossier, locked for the rest of the transaction: actions on one dossier take turns. */
export async function lockDossier(db: Db, code: string) {
  const [row] = await db.select().from(dossiers).where(eq(dossiers.code, code)).for('update');
  return row;
}

export interface Projection {
  status: NationalStatus;
  step: Step;
  unitId: number;
  unitPath: string;
  assigneeId: number | null;
  validReceivedAt: Date | null;
  dueAt: Date | null;
  decidedAt: Date | null;
  finishedAt: Date | null;
  decision: 'approved' | 'rejected' | null;
  overdueAt: Date | null;
  supplementRequests: number;
  lastActionId: number;
  receivedPlaceId?: number | null;
}

export async function saveProjection(db: Db, id: number, p: Projection) {
  await db
    .update(dossiers)
    .set({ ...p, updatedAt: sql`now()` })
    .where(eq(dossiers.id, id));
}

export async function insertAction(db: Db, values: typeof dossierActions.$inferInsert) {
  const [row] = await db.insert(dossierActions).values(values).returning();
  if (!row) throw new Error('action insert returned nothing');
  return row;
}

export async function listActions(db: Db, dossierId: number): Promise<ActionRow[]> {
  return db
    .select()
    .from(dossierActions)
    .where(eq(dossierActions.dossierId, dossierId))
    .orderBy(asc(dossierActions.id));
}

// Files

export interface FileMeta {
  id: string;
  originalName: string;
  mimeType: string;
  sizeBytes: number;
  /** The dossier that already holds it, if any. */
  dossierId: number | null;
}

/** Stored files by id (the platform's `files` table), with the dossier that holds each, if any. */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function findFiles(db: Db, ids: string[]): Promise<FileMeta[]> {
  if (ids.length === 0) return [];
  const rows = rowsOf<{
    id: string;
    original_name: string;
    mime_type: string;
    size_bytes: number | string;
    dossier_id: number | null;
  }>(
    await db.execute(sql`
      select f.id, f.original_name, f.mime_type, f.size_bytes, df.dossier_id
      from files f left join dossier_files df on df.file_id = f.id
      where f.id = any(${`{${ids.filter((i) => UUID.test(i)).join(',')}}`}::uuid[])`),
  );
  return rows.map((r) => ({
    id: r.id,
    originalName: r.original_name,
    mimeType: r.mime_type,
    sizeBytes: Number(r.size_bytes),
    dossierId: r.dossier_id,
  }));
}

export async function insertDossierFiles(
  db: Db,
  rows: { dossierId: number; fileId: string; documentId: string; actionId: number | null }[],
) {
  if (rows.length) await db.insert(dossierFiles).values(rows);
}

export async function listDossierFiles(db: Db, dossierId: number) {
  const rows = rowsOf<{
    file_id: string;
    document_id: string;
    action_id: number | null;
    original_name: string;
    mime_type: string;
    size_bytes: number | string;
  }>(
    await db.execute(sql`
      select df.file_id, df.document_id, df.action_id, f.original_name, f.mime_type, f.size_bytes
      from dossier_files df join files f on f.id = df.file_id
      where df.dossier_id = ${dossierId} order by df.id`),
  );
  return rows.map((r) => ({
    fileId: r.file_id,
    documentId: r.document_id,
    actionId: r.action_id,
    name: r.original_name,
    mimeType: r.mime_type,
    sizeBytes: Number(r.size_bytes),
  }));
}

// Staff queue

export interface QueueFilter {
  view: 'mine' | 'open' | 'closed';
  /** Subtree paths the actor may see. */
  scope: string[];
  /** For 'mine': what each of the actor's roles waits on. */
  mine?: { receptionist: string[]; specialist: string[]; approver: string[]; userId: number };
  status?: number | undefined;
  procedure?: string | undefined;
  due?: { before: Date; after?: Date } | undefined;
  code?: string | undefined;
  phone?: string | undefined;
  name?: string | undefined;
  /** Match the name anywhere (trigram index) rather than from its start (btree prefix). */
  nameAnywhere?: boolean;
  /** Keyset cursor: the last row's sort_at in microseconds since the epoch (exact), and its id. */
  after?: { sortAtUs: string; id: number } | { id: number } | undefined;
  limit: number;
}

const inScope = (paths: string[]): SQL | undefined =>
  paths.length === 0 ? sql`false` : or(...paths.map((p) => sql`${dossiers.unitPath} like ${`${p}%`}`));

const stepIn = (steps: Step[]) => inArray(dossiers.step, steps);

/** What a role waits on: the steps where that role has the next move. */
function mineCondition(m: NonNullable<QueueFilter['mine']>): SQL {
  const parts: SQL[] = [];
  if (m.receptionist.length) {
    parts.push(
      and(
        inScope(m.receptionist),
        or(
          stepIn(['submitted', 'received', 'supplement_requested', 'decided', 'result_ready']),
          and(eq(dossiers.step, 'in_progress'), isNull(dossiers.assigneeId)),
        ),
      ) as SQL,
    );
  }
  if (m.approver.length) {
    parts.push(and(inScope(m.approver), eq(dossiers.step, 'pending_approval')) as SQL);
  }
  if (m.specialist.length) {
    parts.push(
      and(
        inScope(m.specialist),
        eq(dossiers.assigneeId, m.userId),
        stepIn(['in_progress', 'decided']),
      ) as SQL,
    );
  }
  return parts.length ? (or(...parts) as SQL) : sql`false`;
}

export type QueueRow = Pick<
  DossierRow,
  | 'id'
  | 'code'
  | 'procedureCode'
  | 'procedureName'
  | 'applicantName'
  | 'applicantPhone'
  | 'status'
  | 'step'
  | 'submittedAt'
  | 'dueAt'
  | 'assigneeId'
  | 'channel'
  | 'overdueAt'
> & { sortAt: Date; sortAtUs: string };

/**
 * One page of the staff queue, keyset-paged: open views in due order (sort_at, id), the closed view
 * newest first (id). Both orders have an index (see the migration); the builder is returned so tests
 * and the bench can EXPLAIN the very statement the page runs.
 */
export function queueQuery(db: Db, f: QueueFilter) {
  const closed = f.view === 'closed';
  const statuses = closed ? CLOSED_STATUSES : OPEN_STATUSES;
  const sortAt = sql<Date>`${sql.identifier('sort_at')}`;
  const where = and(
    f.view === 'mine' && f.mine ? mineCondition(f.mine) : inScope(f.scope),
    // The partial indexes' predicate, repeated so the planner can use them.
    closed ? sql`${dossiers.status} in (3, 7, 8, 10)` : sql`${dossiers.status} not in (3, 7, 8, 10)`,
    f.status !== undefined && (statuses as readonly number[]).includes(f.status)
      ? eq(dossiers.status, f.status as NationalStatus)
      : f.status !== undefined
        ? sql`false`
        : undefined,
    f.procedure ? eq(dossiers.procedureCode, f.procedure) : undefined,
    f.due
      ? and(
          // A running clock: received or in progress, or waiting for a fee before the decision.
          inArray(dossiers.status, [2, 4, 6]),
          isNull(dossiers.decidedAt),
          sql`${dossiers.dueAt} < ${f.due.before.toISOString()}`,
          f.due.after ? sql`${dossiers.dueAt} >= ${f.due.after.toISOString()}` : undefined,
        )
      : undefined,
    f.code ? sql`${dossiers.code} like ${`${f.code.replace(/[%_\\]/g, '')}%`}` : undefined,
    f.phone ? eq(dossiers.applicantPhone, f.phone) : undefined,
    f.name
      ? f.nameAnywhere
        ? sql`search_key(${dossiers.applicantName}) like '%' || search_key(${f.name}) || '%'`
        : sql`search_key(${dossiers.applicantName}) like search_key(${f.name}) || '%'`
      : undefined,
    f.after
      ? 'sortAtUs' in f.after
        ? sql`(${sortAt}, ${dossiers.id}) > (timestamptz 'epoch' + ${f.after.sortAtUs}::bigint * interval '1 microsecond', ${f.after.id})`
        : sql`${dossiers.id} < ${f.after.id}`
      : undefined,
  );
  return db
    .select({
      id: dossiers.id,
      code: dossiers.code,
      procedureCode: dossiers.procedureCode,
      procedureName: dossiers.procedureName,
      applicantName: dossiers.applicantName,
      applicantPhone: dossiers.applicantPhone,
      status: dossiers.status,
      step: dossiers.step,
      submittedAt: dossiers.submittedAt,
      dueAt: dossiers.dueAt,
      assigneeId: dossiers.assigneeId,
      channel: dossiers.channel,
      overdueAt: dossiers.overdueAt,
      sortAt: sql<Date>`${sortAt}`.mapWith((v: string | Date) => new Date(v)),
      // Timestamps carry microseconds; a cursor in milliseconds would repeat or skip rows.
      sortAtUs: sql<string>`(extract(epoch from ${sortAt}) * 1000000)::bigint::text`,
    })
    .from(dossiers)
    .where(where)
    .orderBy(...(closed ? [desc(dossiers.id)] : [asc(sortAt), asc(dossiers.id)]))
    .limit(f.limit);
}

export async function queue(db: Db, f: QueueFilter): Promise<QueueRow[]> {
  return queueQuery(db, f);
}

/** A citizen's own dossiers: filed from their account, or under their (proven) phone number. */
export async function listForCitizen(db: Db, citizenId: number, phone: string, limit = 50) {
  return db
    .select()
    .from(dossiers)
    .where(or(eq(dossiers.citizenId, citizenId), eq(dossiers.applicantPhone, phone)))
    .orderBy(desc(dossiers.id))
    .limit(limit);
}

/** Running clocks past their due time that the sweep has not marked yet. */
export async function findOverdue(db: Db, now: Date, limit: number) {
  return db
    .select({ code: dossiers.code })
    .from(dossiers)
    .where(
      and(
        // The migration's partial index predicate: a running clock is 2, 4, or 6 before a decision.
        inArray(dossiers.status, [2, 4, 6]),
        isNull(dossiers.decidedAt),
        isNull(dossiers.overdueAt),
        sql`${dossiers.dueAt} < ${now.toISOString()}`,
        // Not while the clock is stopped for financial obligations (notified, not yet paid).
        sql`not exists (
          select 1 from dossier_actions n
           where n.dossier_id = ${dossiers.id} and n.type = 'financial_obligation_notified'
             and not exists (select 1 from dossier_actions p
                              where p.dossier_id = n.dossier_id and p.id > n.id
                                and p.type = 'financial_obligation_paid'))`,
      ),
    )
    .orderBy(asc(dossiers.dueAt))
    .limit(limit);
}

// SMS templates

export async function listTemplates(db: Db) {
  return db.select().from(dossierSmsTemplates);
}

export async function upsertTemplate(db: Db, key: string, body: string, plain: boolean, userId: number) {
  await db
    .insert(dossierSmsTemplates)
    .values({ key, body, plain, updatedBy: userId })
    .onConflictDoUpdate({
      target: dossierSmsTemplates.key,
      set: { body, plain, updatedBy: userId, updatedAt: sql`now()` },
    });
}

// Staff who may be assigned

/** Specialists who may be assigned a dossier at this unit (identity decides who holds the role there). */
export async function findSpecialists(db: Db, unitPath: string) {
  return (await listStaffFor(db, 'specialist', unitPath)).map((s) => ({
    id: s.userId,
    displayName: s.displayName,
  }));
}

export function storedPayload(p: unknown): StoredPayload {
  return (p ?? {}) as StoredPayload;
}

// Reads for other modules (through dossiers.record.ts and the index)

export async function findDossierById(db: Db, id: number) {
  const [row] = await db.select().from(dossiers).where(eq(dossiers.id, id));
  return row;
}

/** Codes of dossiers whose log has an action of `type` at or after `since`, in code order. */
export async function codesWithActionSince(db: Db, type: ActionRow['type'], since: Date) {
  const rows = await db
    .selectDistinct({ code: dossiers.code })
    .from(dossierActions)
    .innerJoin(dossiers, eq(dossiers.id, dossierActions.dossierId))
    .where(and(eq(dossierActions.type, type), sql`${dossierActions.at} >= ${since.toISOString()}`))
    .orderBy(asc(dossiers.code));
  return rows.map((r) => r.code);
}
