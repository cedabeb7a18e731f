import { type SQL, sql } from 'drizzle-orm';
import { type Db, rowsOf } from '#platform/db/client.ts';
import { fileRowsStatement, type StoredBlob } from '#platform/storage/index.ts';
import { changeCtes } from './dossiers.changes.ts';
import type { DossierRow, dossierActions } from './dossiers.tables.ts';

/**
 * The one statement that files a new dossier (decision 017). Kept apart from dossiers.queries.ts
 * because it is hand-written SQL whose shape is a measured decision, not a query like the others:
 * change it only with the `dossier-submit` bench before and after.
 */

export type NewAction = Omit<typeof dossierActions.$inferInsert, 'dossierId' | 'id'>;

export interface Filed {
  id: number;
  code: string;
  actionIds: number[];
}

export interface NewSubmission {
  dossier: Omit<DossierRow, 'id' | 'code' | 'lastActionId'>;
  /** The day the number is drawn for, and the code before the number ('{agency}-{yymmdd}-'). */
  number: { day: string; codePrefix: string };
  actions: NewAction[];
  files: { documentId: string; fileId: string }[];
  /** Files stored by this request whose `files` rows may not be written yet. */
  stored: StoredBlob[];
  /** The status message's insert, given the code and the last action's id as SQL. */
  message: ((made: { code: SQL; lastActionId: SQL }) => SQL) | undefined;
}

/**
 * A new dossier in one statement (decision 017), atomic without a transaction of its own.
 *
 * Why one statement: a submission is the hot path (issue #3 asks filing through the API to reach
 * 0.3 of the rate of bare INSERTs of the same rows), and its cost was round trips, not work: six of
 * them (the upload's `files` row, begin, the number and ids, the rows, the SMS, commit), each waking
 * another process on two shared cores, and two commits, each a disk flush on a commune server. One
 * statement is one round trip and one commit: on PostgreSQL the bench went from 0.27–0.33 to
 * 0.54–0.57. So everything is computed in the process first (`submitDossier`), and here a chain of
 * data-modifying CTEs:
 * - draws the day's number: the upsert holds the day's row until the statement ends, so concurrent
 *   submissions to one agency queue there and never share a number, and a refused insert (a
 *   replayed idempotency key) gives its number back, so the day's numbers have no gaps;
 * - draws the ids and builds the code in SQL: the prefix and the day's number, zero-padded to 4 digits;
 * - writes the dossier, its first log entries, the `files` rows of files stored by this request
 *   (`fileRowsStatement`), its files, and its status message (`message`, embedded from the
 *   notifications module, with the code put in where the text holds `CODE_MARK`), and the
 *   statements other modules run with every change of a dossier (`changeCtes`, decision 033).
 * The foreign keys are checked at the statement's end, when all rows exist. The ids and the code are
 * known only from the answer: the caller's rows hold placeholders until then.
 */
export async function fileSubmission(
  db: Db,
  { dossier: d, number, actions, files, stored, message }: NewSubmission,
): Promise<Filed> {
  const log = actions.map((a, i) => ({
    i: i + 1,
    type: a.type,
    at: (a.at as Date).toISOString(),
    actor_kind: a.actorKind,
    actor_user_id: a.actorUserId ?? null,
    actor_citizen_id: a.actorCitizenId ?? null,
    actor_name: a.actorName,
    unit_id: a.unitId,
    note: a.note ?? null,
    payload: a.payload ?? {},
    status_after: a.statusAfter,
  }));
  const iso = (t: Date | null) => (t ? t.toISOString() : null);
  const last = sql`n.action_ids[${log.length}::int]`;
  // Other modules' statements for this change (decision 033), as CTEs of this statement.
  const changes = changeCtes({
    dossierId: sql`(select id from n)`,
    code: sql`(select code from n)`,
    actionIds: sql`(select action_ids from n)`,
    actionTypes: actions.map((a) => a.type),
    procedureCode: d.procedureCode,
    unitPath: d.unitPath,
    step: d.step,
    status: d.status,
    at: d.submittedAt,
  });
  const rows = rowsOf<{ id: number | string; code: string; action_ids: (number | string)[] }>(
    await db.execute(sql`
    with s as (
      insert into dossier_sequences (agency_code, day, last_value) values (${d.agencyCode}, ${number.day}::date, 1)
      on conflict (agency_code, day) do update set last_value = dossier_sequences.last_value + 1
      returning last_value),
    n as materialized (
      select ${number.codePrefix}::text || lpad(s.last_value::text, greatest(4, length(s.last_value::text)), '0') as code,
        nextval(pg_get_serial_sequence('dossiers', 'id')) as id,
        array(select nextval(pg_get_serial_sequence('dossier_actions', 'id'))
          from generate_series(1, ${log.length}::int)) as action_ids
      from s),
    d as (
      insert into dossiers (id, code, agency_code, procedure_code, procedure_version, procedure_name, applicant_name,
        applicant_id_number, applicant_phone, applicant_address, applicant_email, citizen_id, form_data, channel,
        unit_id, unit_path, received_place_id, helped_place_id, helped_by, assisted, submitted_at, valid_received_at, due_at,
        decided_at, finished_at, status, step, assignee_id, decision, overdue_at, last_action_id, idempotency_key,
        created_at, updated_at)
      overriding system value
      select n.id, n.code, ${d.agencyCode}, ${d.procedureCode}, ${d.procedureVersion}, ${d.procedureName},
        ${d.applicantName}, ${d.applicantIdNumber}, ${d.applicantPhone}, ${d.applicantAddress}, ${d.applicantEmail},
        ${d.citizenId}::bigint, ${JSON.stringify(d.formData)}::jsonb, ${d.channel}::smallint, ${d.unitId}::bigint,
        ${d.unitPath}, ${d.receivedPlaceId}::bigint, ${d.helpedPlaceId}::bigint, ${d.helpedBy}::bigint, ${d.assisted}::boolean,
        ${iso(d.submittedAt)}::timestamptz, ${iso(d.validReceivedAt)}::timestamptz, ${iso(d.dueAt)}::timestamptz,
        ${iso(d.decidedAt)}::timestamptz, ${iso(d.finishedAt)}::timestamptz, ${d.status}::smallint, ${d.step},
        ${d.assigneeId}::bigint, ${d.decision}, ${iso(d.overdueAt)}::timestamptz, ${last}, ${d.idempotencyKey},
        ${iso(d.createdAt)}::timestamptz, ${iso(d.updatedAt)}::timestamptz
      from n),
    a as (
      insert into dossier_actions (id, dossier_id, type, at, actor_kind, actor_user_id, actor_citizen_id, actor_name,
        unit_id, note, payload, status_after)
      overriding system value
      select n.action_ids[x.i], n.id, x.type, x.at, x.actor_kind, x.actor_user_id, x.actor_citizen_id, x.actor_name,
        x.unit_id, x.note, x.payload, x.status_after
      from n, jsonb_to_recordset(${JSON.stringify(log)}::jsonb) as x(i int, type text, at timestamptz,
        actor_kind text, actor_user_id bigint, actor_citizen_id bigint, actor_name text, unit_id bigint, note text,
        payload jsonb, status_after smallint)),
    ${stored.length ? sql`r as (${fileRowsStatement(stored)}),` : sql``}
    f as (
      insert into dossier_files (dossier_id, file_id, document_id)
      select n.id, x.file_id, x.document_id
      from n, jsonb_to_recordset(${JSON.stringify(files.map((f) => ({ file_id: f.fileId, document_id: f.documentId })))}::jsonb)
        as x(file_id uuid, document_id text))
    ${message ? sql`, m as (${message({ code: sql`(select code from n)`, lastActionId: sql`(select ${last} from n)` })})` : sql``}
    ${changes.length ? sql`, ${sql.join(changes, sql`, `)}` : sql``}
    select id, code, action_ids from n`),
  );
  const r = rows[0];
  if (!r) throw new Error('the submission statement returned nothing');
  return { id: Number(r.id), code: r.code, actionIds: r.action_ids.map(Number) };
}
