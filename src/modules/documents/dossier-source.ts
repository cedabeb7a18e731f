import {
  type ActionType,
  type DossierClock,
  dossierClock,
  type LoggedAction,
  loadCalendar,
  type NationalStatus,
  statusFromActions,
} from '#modules/dossiers/index.ts';
import type { ProcedureDefinition } from '#modules/procedures/index.ts';
import { type Actor, hasRole } from '#platform/auth/actor.ts';
import type { Ctx } from '#platform/context.ts';
import type { SqlRunner } from '#platform/db/client.ts';
import { Forbidden, NotFound } from '#platform/errors.ts';

/**
 * A dossier as the outputs (papers, fees, ratings, statistics) read it. This file is the one seam
 * with the dossiers module: the workflow fold and the clock are its exported functions; the rows
 * are read here with plain SELECTs because its index does not (yet) export a read of one dossier
 * for staff. When it does (`getDossierRecord(ctx, code)`, asked for in decision 014), only this
 * file changes. Nothing here writes to the dossiers' tables.
 */

export interface DossierAction {
  id: number;
  type: ActionType;
  at: Date;
  actorName: string;
  actorUserId: number | null;
  unitId: number;
  note: string | null;
  payload: {
    documents?: string[];
    dueAt?: string;
    unitName?: string;
    assigneeName?: string;
    channel?: 1 | 2 | 3;
  } & Record<string, unknown>;
  statusAfter: NationalStatus;
}

export interface DossierRecord {
  id: number;
  code: string;
  procedureCode: string;
  procedureName: string;
  applicant: {
    name: string;
    idNumber: string | null;
    phone: string;
    address: string | null;
    email: string | null;
  };
  formData: Record<string, unknown>;
  channel: 1 | 2 | 3;
  unitId: number;
  unitPath: string;
  receivedPlaceId: number | null;
  submittedAt: Date;
  validReceivedAt: Date | null;
  dueAt: Date | null;
  decidedAt: Date | null;
  finishedAt: Date | null;
  status: NationalStatus;
  step: string;
  decision: 'approved' | 'rejected' | null;
  actions: DossierAction[];
  procedure: ProcedureDefinition;
}

const notFound = () => new NotFound({ vi: 'Không tìm thấy hồ sơ này.', en: 'No such dossier.' });

interface Row {
  id: number;
  code: string;
  procedure_code: string;
  procedure_version: string;
  procedure_name: string;
  applicant_name: string;
  applicant_id_number: string | null;
  applicant_phone: string;
  applicant_address: string | null;
  applicant_email: string | null;
  form_data: Record<string, unknown>;
  channel: 1 | 2 | 3;
  unit_id: number;
  unit_path: string;
  received_place_id: number | null;
  submitted_at: Date;
  valid_received_at: Date | null;
  due_at: Date | null;
  decided_at: Date | null;
  finished_at: Date | null;
  status: NationalStatus;
  step: string;
  decision: 'approved' | 'rejected' | null;
}

const date = (v: unknown) => (v === null || v === undefined ? null : new Date(v as string));

/** The dossier with its log and the procedure it was filed under, or undefined. */
export async function findDossierRecord(sql: SqlRunner, by: { code: string } | { id: number }) {
  const [r] = await sql.query<Row>(
    'code' in by ? 'select * from dossiers where code = $1' : 'select * from dossiers where id = $1',
    ['code' in by ? by.code.trim().toUpperCase() : by.id],
  );
  if (!r) return undefined;
  const actions = await sql.query<{
    id: number;
    type: ActionType;
    at: Date;
    actor_name: string;
    actor_user_id: number | null;
    unit_id: number;
    note: string | null;
    payload: DossierAction['payload'];
    status_after: NationalStatus;
  }>('select * from dossier_actions where dossier_id = $1 order by id', [r.id]);
  const [proc] = await sql.query<{ definition: ProcedureDefinition }>(
    'select definition from dossier_procedure_versions where procedure_code = $1 and version = $2',
    [r.procedure_code, r.procedure_version],
  );
  if (!proc) throw new Error(`no snapshot of procedure ${r.procedure_code} v${r.procedure_version}`);
  const record: DossierRecord = {
    id: Number(r.id),
    code: r.code,
    procedureCode: r.procedure_code,
    procedureName: r.procedure_name,
    applicant: {
      name: r.applicant_name,
      idNumber: r.applicant_id_number,
      phone: r.applicant_phone,
      address: r.applicant_address,
      email: r.applicant_email,
    },
    formData: r.form_data ?? {},
    channel: r.channel,
    unitId: Number(r.unit_id),
    unitPath: r.unit_path,
    receivedPlaceId: r.received_place_id === null ? null : Number(r.received_place_id),
    submittedAt: new Date(r.submitted_at),
    validReceivedAt: date(r.valid_received_at),
    dueAt: date(r.due_at),
    decidedAt: date(r.decided_at),
    finishedAt: date(r.finished_at),
    status: r.status,
    step: r.step,
    decision: r.decision,
    actions: actions.map((a) => ({
      id: Number(a.id),
      type: a.type,
      at: new Date(a.at),
      actorName: a.actor_name,
      actorUserId: a.actor_user_id === null ? null : Number(a.actor_user_id),
      unitId: Number(a.unit_id),
      note: a.note,
      payload: a.payload ?? {},
      statusAfter: a.status_after,
    })),
    procedure: proc.definition,
  };
  return record;
}

export async function getDossierRecord(sql: SqlRunner, by: { code: string } | { id: number }) {
  const r = await findDossierRecord(sql, by);
  if (!r) throw notFound();
  return r;
}

/** Staff who may see a dossier: a workflow role or admin at a place covering its unit (as dossiers rule). */
export function staffMaySee(actor: Actor, d: Pick<DossierRecord, 'unitPath'>) {
  return hasRole(actor, ['receptionist', 'specialist', 'approver', 'admin'], d.unitPath);
}

/** The applicant: a signed-in citizen whose phone is the dossier's. */
export function isApplicant(actor: Actor, d: Pick<DossierRecord, 'applicant'>) {
  return actor.kind === 'citizen' && actor.phone === d.applicant.phone;
}

/** The dossier for a staff member who may see it (403 otherwise, 404 when there is none). */
export async function dossierForStaff(ctx: Ctx, code: string) {
  const d = await getDossierRecord(ctx.sql, { code });
  if (ctx.actor.kind !== 'staff') throw new Forbidden();
  if (!staffMaySee(ctx.actor, d)) throw new Forbidden();
  return d;
}

function logged(d: DossierRecord): LoggedAction[] {
  return d.actions.map((a) => ({
    id: a.id,
    type: a.type,
    at: a.at,
    actorUserId: a.actorUserId,
    note: a.note,
    payload: a.payload as LoggedAction['payload'],
  }));
}

/** The statutory clock of the dossier now, from the dossiers module's own pure functions. */
export async function clockOf(ctx: Ctx, d: DossierRecord): Promise<DossierClock> {
  const state = statusFromActions(logged(d));
  return dossierClock(state, logged(d), d.procedure, await loadCalendar(ctx.db), ctx.clock.now());
}

/**
 * Dossiers whose log has an action of `type` since `since`: for the catch-up sweeps that redo what
 * an event listener missed (a process that stopped between a commit and its event).
 */
export async function dossiersWithActionSince(
  sql: SqlRunner,
  type: ActionType,
  since: Date,
): Promise<string[]> {
  const rows = await sql.query<{ code: string }>(
    `select distinct d.code from dossier_actions a join dossiers d on d.id = a.dossier_id
      where a.type = $1 and a.at >= $2 order by d.code`,
    [type, since],
  );
  return rows.map((r) => r.code);
}
