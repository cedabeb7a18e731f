import { and, asc, desc, eq, inArray, isNull, sql } from 'drizzle-orm';
import { type Db, rowsOf } from '#platform/db/client.ts';
import {
  type Aspect,
  type CatalogueDiffRow,
  dvcqgCatalogueDiffs,
  dvcqgDossiers,
  dvcqgFailures,
  dvcqgNationalProcedures,
  dvcqgOutbox,
  dvcqgPlaces,
  dvcqgProcedureMap,
  dvcqgReconciliations,
  dvcqgStatusMap,
  type FailureKind,
  type SyncDossierRow,
} from './dvcqg.tables.ts';

const iso = (d: Date) => d.toISOString();

// ---------------------------------------------------------------------------------------------
// Delivery

/**
 * Lease up to `limit` dossiers with changes due, oldest due first. Rows another worker holds (a
 * live lease) or that a dossier change is writing (a row lock) are skipped, so two workers, in one
 * process or two, never deliver the same dossier at once; a lease left by a worker that died runs
 * out and the dossier is taken again.
 */
export async function claimDue(
  db: Db,
  owner: string,
  now: Date,
  leaseUntil: Date,
  limit: number,
): Promise<SyncDossierRow[]> {
  const rows = rowsOf<Record<string, unknown>>(
    await db.execute(sql`
      update dvcqg_dossiers d set lease_owner = ${owner}, lease_until = ${iso(leaseUntil)}::timestamptz
      from (select dossier_id from dvcqg_dossiers
            where state = 'pending' and next_attempt_at <= ${iso(now)}::timestamptz
              and (lease_until is null or lease_until < ${iso(now)}::timestamptz)
            order by next_attempt_at, dossier_id
            limit ${limit}
            for update skip locked) c
      where d.dossier_id = c.dossier_id
      returning d.dossier_id`),
  );
  if (rows.length === 0) return [];
  return db
    .select()
    .from(dvcqgDossiers)
    .where(
      and(
        inArray(
          dvcqgDossiers.dossierId,
          rows.map((r) => Number(r.dossier_id)),
        ),
        eq(dvcqgDossiers.leaseOwner, owner),
      ),
    )
    .orderBy(asc(dvcqgDossiers.nextAttemptAt), asc(dvcqgDossiers.dossierId));
}

export async function listUndelivered(db: Db, dossierId: number, limit: number) {
  return db
    .select({ actionId: dvcqgOutbox.actionId, actionType: dvcqgOutbox.actionType })
    .from(dvcqgOutbox)
    .where(and(eq(dvcqgOutbox.dossierId, dossierId), isNull(dvcqgOutbox.deliveredAt)))
    .orderBy(asc(dvcqgOutbox.actionId))
    .limit(limit);
}

/**
 * The portal accepted the dossier: record it before its progress is sent, with the actions whose
 * progress is about to go (if the worker dies before the answer is recorded, they are known to be
 * sent possibly twice). False when the lease was lost: then nothing more may be sent.
 */
export async function markDossierAccepted(
  db: Db,
  dossierId: number,
  owner: string,
  portalStatus: string,
  progressThrough: number,
  leaseUntil: Date,
): Promise<boolean> {
  // The lease is renewed here: what is left of the delivery (one call, one write) gets a whole
  // lease, so a slow look-up and sync cannot let another worker send the same progress meanwhile.
  const rows = await db
    .update(dvcqgDossiers)
    .set({ portalHas: true, portalStatus, progressSentThrough: progressThrough, leaseUntil })
    .where(and(eq(dvcqgDossiers.dossierId, dossierId), eq(dvcqgDossiers.leaseOwner, owner)))
    .returning({ id: dvcqgDossiers.dossierId });
  return rows.length > 0;
}

/** The portal has no such dossier after all (it answered "not found" to an update). */
export async function markDossierUnknown(db: Db, dossierId: number, owner: string) {
  await db
    .update(dvcqgDossiers)
    .set({ portalHas: false })
    .where(and(eq(dvcqgDossiers.dossierId, dossierId), eq(dvcqgDossiers.leaseOwner, owner)));
}

/**
 * The changes up to `through` are delivered: their outbox rows marked, the lease given back, and the
 * dossier pending again only if a change was queued meanwhile (`queued_through` is read from the
 * row as this update finds it, after any change that was writing it has committed).
 * `resentThrough`: progress for actions up to it had been sent before, its answer lost.
 */
export async function markDelivered(
  db: Db,
  d: { dossierId: number; owner: string; through: number; ids: number[]; resentThrough: number | null },
  now: Date,
): Promise<boolean> {
  const rows = rowsOf<{ dossier_id: number }>(
    await db.execute(sql`
      with o as (
        update dvcqg_outbox set delivered_at = ${iso(now)}::timestamptz, delivered_by = ${d.owner},
          sends = sends + case when action_id <= ${d.resentThrough ?? 0}::bigint then 2 else 1 end
        where dossier_id = ${d.dossierId} and action_id = any(${`{${d.ids.join(',')}}`}::bigint[])
          and delivered_at is null)
      update dvcqg_dossiers set
        delivered_through = ${d.through},
        attempts = 0,
        last_success_at = ${iso(now)}::timestamptz,
        last_error = null,
        progress_sent_through = null,
        lease_owner = null,
        lease_until = null,
        next_attempt_at = ${iso(now)}::timestamptz,
        state = case when queued_through > ${d.through}::bigint then 'pending' else 'synced' end
      where dossier_id = ${d.dossierId} and lease_owner = ${d.owner}
      returning dossier_id`),
  );
  return rows.length > 0;
}

/** A failed attempt: back off (or set it aside as dead), give the lease back, keep the portal's answer. */
export async function recordFailure(
  db: Db,
  f: {
    dossierId: number;
    code: string;
    owner: string;
    attempt: number;
    kind: FailureKind;
    service: string;
    errorCode: number | null;
    message: string;
    nextAttemptAt: Date | null;
    state: 'pending' | 'held' | 'dead';
    holdReason?: string | undefined;
    /** The progress call was answered (refused): nothing of it reached the portal. */
    progressRefused?: boolean;
  },
  now: Date,
) {
  await db.execute(sql`
    with f as (
      insert into dvcqg_failures (dossier_id, code, at, service, kind, error_code, message, attempt)
      values (${f.dossierId}, ${f.code}, ${iso(now)}::timestamptz, ${f.service}, ${f.kind}, ${f.errorCode},
        ${f.message.slice(0, 2000)}, ${f.attempt}))
    update dvcqg_dossiers set
      attempts = ${f.attempt},
      state = ${f.state},
      hold_reason = ${f.holdReason ?? null},
      next_attempt_at = ${f.nextAttemptAt ? iso(f.nextAttemptAt) : null}::timestamptz,
      last_error = ${f.message.slice(0, 2000)},
      last_error_at = ${iso(now)}::timestamptz,
      progress_sent_through = ${f.progressRefused ? null : sql`progress_sent_through`},
      lease_owner = null,
      lease_until = null
    where dossier_id = ${f.dossierId} and lease_owner = ${f.owner}`);
}

/** Give a lease back untouched (the worker stops before doing anything). */
export async function releaseLease(db: Db, dossierId: number, owner: string) {
  await db
    .update(dvcqgDossiers)
    .set({ leaseOwner: null, leaseUntil: null })
    .where(and(eq(dvcqgDossiers.dossierId, dossierId), eq(dvcqgDossiers.leaseOwner, owner)));
}

/** Held dossiers of a procedure go back to the queue (its national code was just confirmed). */
export async function releaseHeld(db: Db, where: { procedureCode: string }, now: Date) {
  return db
    .update(dvcqgDossiers)
    .set({ state: 'pending', holdReason: null, nextAttemptAt: now, attempts: 0 })
    .where(and(eq(dvcqgDossiers.state, 'held'), eq(dvcqgDossiers.procedureCode, where.procedureCode)))
    .returning({ id: dvcqgDossiers.dossierId });
}

/** An admin's resend of a dead letter: tried again now, from zero attempts. */
export async function resendDead(db: Db, dossierId: number, now: Date) {
  const rows = await db
    .update(dvcqgDossiers)
    .set({ state: 'pending', attempts: 0, nextAttemptAt: now, holdReason: null })
    .where(and(eq(dvcqgDossiers.dossierId, dossierId), eq(dvcqgDossiers.state, 'dead')))
    .returning();
  return rows[0];
}

export async function findSyncDossier(db: Db, where: { id: number } | { code: string }) {
  const [row] = await db
    .select()
    .from(dvcqgDossiers)
    .where('id' in where ? eq(dvcqgDossiers.dossierId, where.id) : eq(dvcqgDossiers.code, where.code));
  return row;
}

// ---------------------------------------------------------------------------------------------
// Places

export async function listPlaceSettings(db: Db, placeIds?: number[]) {
  return db
    .select()
    .from(dvcqgPlaces)
    .where(placeIds ? inArray(dvcqgPlaces.placeId, placeIds.length ? placeIds : [-1]) : undefined);
}

export async function upsertPlaceSetting(db: Db, row: typeof dvcqgPlaces.$inferInsert) {
  const [saved] = await db
    .insert(dvcqgPlaces)
    .values(row)
    .onConflictDoUpdate({
      target: dvcqgPlaces.placeId,
      set: {
        madonvi: row.madonvi,
        enabled: row.enabled,
        placePath: row.placePath,
        placeCode: row.placeCode,
        updatedBy: row.updatedBy,
        updatedAt: row.updatedAt,
      },
    })
    .returning();
  return saved;
}

// ---------------------------------------------------------------------------------------------
// Mappings

export async function listStatusMap(db: Db) {
  return db.select().from(dvcqgStatusMap).orderBy(asc(dvcqgStatusMap.localStatus), asc(dvcqgStatusMap.step));
}

export async function setStatusMap(db: Db, step: string, localStatus: number, national: string, by: number) {
  return db
    .update(dvcqgStatusMap)
    .set({ national, updatedBy: by, updatedAt: sql`now()` })
    .where(and(eq(dvcqgStatusMap.step, step), eq(dvcqgStatusMap.localStatus, localStatus)))
    .returning();
}

export async function listProcedureMaps(db: Db) {
  return db.select().from(dvcqgProcedureMap).orderBy(asc(dvcqgProcedureMap.procedureCode));
}

export async function findProcedureMap(db: Db, procedureCode: string) {
  const [row] = await db
    .select()
    .from(dvcqgProcedureMap)
    .where(eq(dvcqgProcedureMap.procedureCode, procedureCode));
  return row;
}

export async function upsertProcedureMap(db: Db, row: typeof dvcqgProcedureMap.$inferInsert) {
  const [saved] = await db
    .insert(dvcqgProcedureMap)
    .values(row)
    .onConflictDoUpdate({
      target: dvcqgProcedureMap.procedureCode,
      set: {
        maTthc: row.maTthc,
        tenTthc: row.tenTthc,
        maLinhVuc: row.maLinhVuc,
        tenLinhVuc: row.tenLinhVuc,
        confirmedBy: row.confirmedBy,
        confirmedAt: row.confirmedAt,
      },
    })
    .returning();
  return saved;
}

export async function deleteProcedureMap(db: Db, procedureCode: string) {
  const rows = await db
    .delete(dvcqgProcedureMap)
    .where(eq(dvcqgProcedureMap.procedureCode, procedureCode))
    .returning();
  return rows[0];
}

export async function upsertNationalProcedures(
  db: Db,
  rows: { maTthc: string; tenTthc: string; detail?: Record<string, unknown> | null }[],
  now: Date,
) {
  if (rows.length === 0) return;
  await db
    .insert(dvcqgNationalProcedures)
    .values(rows.map((r) => ({ ...r, detail: r.detail ?? null, fetchedAt: now })))
    .onConflictDoUpdate({
      target: dvcqgNationalProcedures.maTthc,
      set: {
        tenTthc: sql`excluded.ten_tthc`,
        // A list call brings no detail: keep the one read before.
        detail: sql`coalesce(excluded.detail, ${dvcqgNationalProcedures.detail})`,
        fetchedAt: sql`excluded.fetched_at`,
      },
    });
}

export async function findNationalProcedure(db: Db, maTthc: string) {
  const [row] = await db
    .select()
    .from(dvcqgNationalProcedures)
    .where(eq(dvcqgNationalProcedures.maTthc, maTthc));
  return row;
}

export async function countNationalProcedures(db: Db) {
  const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(dvcqgNationalProcedures);
  return Number(row?.n ?? 0);
}

/**
 * For each local procedure, the national ones closest by name (trigram similarity of the
 * diacritics-free names, pg_trgm), best first; the same code ranks first whatever the name.
 */
export async function suggestNational(db: Db, local: { code: string; name: string }[], perProcedure: number) {
  if (local.length === 0) return [];
  return rowsOf<{ code: string; ma_tthc: string; ten_tthc: string; score: number }>(
    await db.execute(sql`
      select l.code, n.ma_tthc, n.ten_tthc, n.score
      from jsonb_to_recordset(${JSON.stringify(local)}::jsonb) as l(code text, name text)
      cross join lateral (
        select ma_tthc, ten_tthc,
          (case when ma_tthc = l.code then 1 else 0 end
            + similarity(search_key(ten_tthc), search_key(l.name)))::float8 as score
        from dvcqg_national_procedures
        order by score desc, ma_tthc
        limit ${perProcedure}) n
      where n.score > 0.2
      order by l.code, n.score desc`),
  ).map((r) => ({ ...r, score: Number(r.score) }));
}

// ---------------------------------------------------------------------------------------------
// Catalogue differences

export async function openDiff(
  db: Db,
  row: Omit<typeof dvcqgCatalogueDiffs.$inferInsert, 'state' | 'id'>,
): Promise<void> {
  await db
    .insert(dvcqgCatalogueDiffs)
    .values({ ...row, state: 'open' })
    .onConflictDoUpdate({
      target: [dvcqgCatalogueDiffs.procedureCode, dvcqgCatalogueDiffs.aspect],
      targetWhere: sql`state = 'open'`,
      set: {
        maTthc: row.maTthc,
        local: row.local,
        national: row.national,
        proposed: row.proposed,
        localVersion: row.localVersion,
        foundAt: row.foundAt,
      },
    });
}

export async function closeStaleDiffs(db: Db, procedureCode: string, keep: Aspect[]) {
  await db
    .delete(dvcqgCatalogueDiffs)
    .where(
      and(
        eq(dvcqgCatalogueDiffs.procedureCode, procedureCode),
        eq(dvcqgCatalogueDiffs.state, 'open'),
        keep.length ? sql`${dvcqgCatalogueDiffs.aspect} <> all(${`{${keep.join(',')}}`}::text[])` : undefined,
      ),
    );
}

/** The last decision on a procedure's aspect, to not propose again what an admin rejected. */
export async function lastRejected(db: Db, procedureCode: string, aspect: Aspect) {
  const [row] = await db
    .select()
    .from(dvcqgCatalogueDiffs)
    .where(
      and(
        eq(dvcqgCatalogueDiffs.procedureCode, procedureCode),
        eq(dvcqgCatalogueDiffs.aspect, aspect),
        eq(dvcqgCatalogueDiffs.state, 'rejected'),
      ),
    )
    .orderBy(desc(dvcqgCatalogueDiffs.id))
    .limit(1);
  return row;
}

export async function listDiffs(db: Db, state: CatalogueDiffRow['state']) {
  return db
    .select()
    .from(dvcqgCatalogueDiffs)
    .where(eq(dvcqgCatalogueDiffs.state, state))
    .orderBy(asc(dvcqgCatalogueDiffs.procedureCode), asc(dvcqgCatalogueDiffs.id));
}

export async function findDiff(db: Db, id: number) {
  const [row] = await db.select().from(dvcqgCatalogueDiffs).where(eq(dvcqgCatalogueDiffs.id, id));
  return row;
}

export async function decideDiff(db: Db, id: number, state: 'accepted' | 'rejected', by: number, now: Date) {
  const rows = await db
    .update(dvcqgCatalogueDiffs)
    .set({ state, decidedBy: by, decidedAt: now })
    .where(and(eq(dvcqgCatalogueDiffs.id, id), eq(dvcqgCatalogueDiffs.state, 'open')))
    .returning();
  return rows[0];
}

// ---------------------------------------------------------------------------------------------
// The admin pages and reports

/** Queue depth, oldest undelivered change, and the dossiers in each state, per place. */
export async function queueSummary(db: Db, placeIds: number[] | null) {
  const only = placeIds ? sql`and s.place_id = any(${`{${placeIds.join(',') || '-1'}}`}::bigint[])` : sql``;
  const [row] = rowsOf<{
    undelivered: number | string;
    oldest: Date | string | null;
    pending: number | string;
    held: number | string;
    dead: number | string;
    synced: number | string;
    last_success: Date | string | null;
  }>(
    await db.execute(sql`
      select
        (select count(*) from dvcqg_outbox o join dvcqg_dossiers s using (dossier_id)
          where o.delivered_at is null ${only}) as undelivered,
        (select min(o.queued_at) from dvcqg_outbox o join dvcqg_dossiers s using (dossier_id)
          where o.delivered_at is null ${only}) as oldest,
        (select count(*) filter (where state = 'pending') from dvcqg_dossiers s where true ${only}) as pending,
        (select count(*) filter (where state = 'held') from dvcqg_dossiers s where true ${only}) as held,
        (select count(*) filter (where state = 'dead') from dvcqg_dossiers s where true ${only}) as dead,
        (select count(*) filter (where state = 'synced') from dvcqg_dossiers s where true ${only}) as synced,
        (select max(last_success_at) from dvcqg_dossiers s where true ${only}) as last_success`),
  );
  const date = (v: Date | string | null | undefined) => (v ? new Date(v) : null);
  return {
    undelivered: Number(row?.undelivered ?? 0),
    oldest: date(row?.oldest),
    pending: Number(row?.pending ?? 0),
    held: Number(row?.held ?? 0),
    dead: Number(row?.dead ?? 0),
    synced: Number(row?.synced ?? 0),
    lastSuccess: date(row?.last_success),
  };
}

/** Dossiers in trouble: failing (pending with attempts), held or dead, with their last answer. */
export async function listTroubled(db: Db, placeIds: number[] | null, limit = 100) {
  return db
    .select()
    .from(dvcqgDossiers)
    .where(
      and(
        sql`(${dvcqgDossiers.state} in ('held', 'dead') or (${dvcqgDossiers.state} = 'pending' and ${dvcqgDossiers.attempts} > 0))`,
        placeIds ? inArray(dvcqgDossiers.placeId, placeIds.length ? placeIds : [-1]) : undefined,
      ),
    )
    .orderBy(desc(dvcqgDossiers.lastErrorAt))
    .limit(limit);
}

export async function listFailures(db: Db, placeIds: number[] | null, limit = 50) {
  return db
    .select({
      id: dvcqgFailures.id,
      dossierId: dvcqgFailures.dossierId,
      code: dvcqgFailures.code,
      at: dvcqgFailures.at,
      service: dvcqgFailures.service,
      kind: dvcqgFailures.kind,
      errorCode: dvcqgFailures.errorCode,
      message: dvcqgFailures.message,
      attempt: dvcqgFailures.attempt,
    })
    .from(dvcqgFailures)
    .innerJoin(dvcqgDossiers, eq(dvcqgDossiers.dossierId, dvcqgFailures.dossierId))
    .where(placeIds ? inArray(dvcqgDossiers.placeId, placeIds.length ? placeIds : [-1]) : undefined)
    .orderBy(desc(dvcqgFailures.id))
    .limit(limit);
}

/** For /metrics: the outbox's depth and its oldest undelivered change (partial index). */
export async function outboxGauge(db: Db) {
  const [row] = rowsOf<{ n: number | string; oldest: Date | string | null; dead: number | string }>(
    await db.execute(sql`
      select (select count(*) from dvcqg_outbox where delivered_at is null) as n,
             (select min(queued_at) from dvcqg_outbox where delivered_at is null) as oldest,
             (select count(*) from dvcqg_dossiers where state = 'dead') as dead`),
  );
  return {
    depth: Number(row?.n ?? 0),
    oldest: row?.oldest ? new Date(row.oldest) : null,
    dead: Number(row?.dead ?? 0),
  };
}

export async function saveReconciliation(db: Db, row: typeof dvcqgReconciliations.$inferInsert) {
  const [saved] = await db.insert(dvcqgReconciliations).values(row).returning();
  return saved;
}

export async function lastReconciliation(db: Db, placeId: number, month: string) {
  const [row] = await db
    .select()
    .from(dvcqgReconciliations)
    .where(and(eq(dvcqgReconciliations.placeId, placeId), eq(dvcqgReconciliations.month, month)))
    .orderBy(desc(dvcqgReconciliations.id))
    .limit(1);
  return row;
}

/** How many dossiers each procedure has held (no national code yet). */
export async function heldByProcedure(db: Db): Promise<Map<string, number>> {
  const rows = await db
    .select({ code: dvcqgDossiers.procedureCode, n: sql<number>`count(*)::int` })
    .from(dvcqgDossiers)
    .where(eq(dvcqgDossiers.state, 'held'))
    .groupBy(dvcqgDossiers.procedureCode);
  return new Map(rows.map((r) => [r.code, Number(r.n)]));
}
