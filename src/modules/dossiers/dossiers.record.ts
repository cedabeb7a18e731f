import type { Db } from '#platform/db/client.ts';
import { NotFound } from '#platform/errors.ts';
import { toLogged } from './dossiers.log.ts';
import { type ProcedureDefinition, procedureOf } from './dossiers.procedure.ts';
import * as q from './dossiers.queries.ts';
import type { ActionRow, DossierRow, StoredPayload } from './dossiers.tables.ts';
import {
  type ActionType,
  type DossierState,
  type NationalStatus,
  type Step,
  stateFromActions,
} from './dossiers.workflow.ts';

/**
 * One dossier as the other modules read it (documents draws its papers from it, payments its fees,
 * ratings checks the return): the row, the whole log and the procedure it was filed under. Read
 * only; this is the one door to the dossiers' tables for them (module-guide.md), so a column can
 * change here without their SQL breaking.
 */

export interface DossierAction {
  id: number;
  type: ActionType;
  at: Date;
  actorName: string;
  actorUserId: number | null;
  /** The unit the dossier was at when the action was taken. */
  unitId: number;
  note: string | null;
  payload: StoredPayload & Record<string, unknown>;
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
  step: Step;
  decision: 'approved' | 'rejected' | null;
  /** The open payment request (status 6 while the step allows it), folded from the log. */
  payment: DossierState['payment'];
  /**
   * Supplement requests after receipt, folded from the log (also cached as the dossiers column
   * `supplement_requests`). The on-time rules allow one; more than one counts as late (766, 2.1).
   */
  supplementRequests: number;
  /** The extension (form 04), drafted or granted, folded from the log. */
  extension: DossierState['extension'];
  actions: DossierAction[];
  procedure: ProcedureDefinition;
}

const notFound = () => new NotFound({ vi: 'Không tìm thấy hồ sơ này.', en: 'No such dossier.' });

function actionOf(a: ActionRow): DossierAction {
  return {
    id: a.id,
    type: a.type,
    at: a.at,
    actorName: a.actorName,
    actorUserId: a.actorUserId,
    unitId: a.unitId,
    note: a.note,
    payload: q.storedPayload(a.payload) as DossierAction['payload'],
    statusAfter: a.statusAfter,
  };
}

async function recordOf(db: Db, d: DossierRow): Promise<DossierRecord> {
  const rows = await q.listActions(db, d.id);
  const state = stateFromActions(rows.map(toLogged));
  return {
    id: d.id,
    code: d.code,
    procedureCode: d.procedureCode,
    procedureName: d.procedureName,
    applicant: {
      name: d.applicantName,
      idNumber: d.applicantIdNumber,
      phone: d.applicantPhone,
      address: d.applicantAddress,
      email: d.applicantEmail,
    },
    formData: d.formData ?? {},
    channel: d.channel,
    unitId: d.unitId,
    unitPath: d.unitPath,
    receivedPlaceId: d.receivedPlaceId,
    submittedAt: d.submittedAt,
    validReceivedAt: d.validReceivedAt,
    dueAt: d.dueAt,
    decidedAt: d.decidedAt,
    finishedAt: d.finishedAt,
    status: d.status,
    step: d.step,
    decision: d.decision,
    payment: state.payment,
    supplementRequests: state.supplementRequests,
    extension: state.extension,
    actions: rows.map(actionOf),
    procedure: await procedureOf(db, d),
  };
}

/** The dossier with its log and the procedure it was filed under, or undefined. */
export async function findDossierRecord(
  db: Db,
  by: { code: string } | { id: number },
): Promise<DossierRecord | undefined> {
  const d =
    'code' in by
      ? await q.findDossierByCode(db, by.code.trim().toUpperCase())
      : await q.findDossierById(db, by.id);
  return d ? recordOf(db, d) : undefined;
}

/** As `findDossierRecord`, or NotFound. */
export async function getDossierRecord(
  db: Db,
  by: { code: string } | { id: number },
): Promise<DossierRecord> {
  const r = await findDossierRecord(db, by);
  if (!r) throw notFound();
  return r;
}

/**
 * Dossiers whose log has an action of `type` since `since`: for the catch-up sweeps that redo what
 * an event listener missed (a process that stopped between a commit and its event).
 */
export function dossiersWithActionSince(db: Db, type: ActionType, since: Date): Promise<string[]> {
  return q.codesWithActionSince(db, type, since);
}
