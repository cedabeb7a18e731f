import { sql } from 'drizzle-orm';
import { provinceCalendar, toVietnamDate, type WorkingCalendar } from '#modules/calendar/index.ts';
import { enqueueStatement } from '#modules/notifications/index.ts';
import type { Place } from '#modules/places/index.ts';
import { type Actor, hasRole } from '#platform/auth/actor.ts';
import type { Ctx } from '#platform/context.ts';
import { type Db, isUniqueViolation } from '#platform/db/client.ts';
import { Conflict, type FieldError, Forbidden, Invalid, NotFound } from '#platform/errors.ts';
import type { StoredBlob } from '#platform/storage/index.ts';
import { fieldErrors } from '#platform/validation.ts';
import { agencyCodeOf } from './dossiers.agency-codes.ts';
import { dueAt } from './dossiers.clock.ts';
import type { DossierDeps } from './dossiers.deps.ts';
import { actorColumns, announce, projection, receivingGrant } from './dossiers.log.ts';
import { placeByCode, provinceOf } from './dossiers.places.ts';
import {
  eFormSchema,
  type ProcedureDefinition,
  procedureToFile,
  saveSnapshotOnce,
} from './dossiers.procedure.ts';
import * as q from './dossiers.queries.ts';
import { Applicant, type Channel } from './dossiers.schemas.ts';
import { CODE_MARK, renderMessage, templateFor } from './dossiers.sms.ts';
import { fileSubmission, type NewAction } from './dossiers.submission.queries.ts';
import type { DossierRow, StoredPayload } from './dossiers.tables.ts';
import { type DossierState, type LoggedAction, nextState, stateFromActions } from './dossiers.workflow.ts';

/**
 * Filing a dossier: online by a citizen (signed in or not), or by staff at a counter or in a village.
 * Everything is checked and computed in the process, then the dossier is written in one statement
 * (`fileSubmission`, decision 017).
 */

export interface DocumentFile {
  documentId: string;
  fileId: string;
  /**
   * Stored by this very request: known to exist and to belong to no dossier yet. A new dossier
   * writes its `files` row, if not there yet, in the dossier's statement.
   */
  stored?: StoredBlob | undefined;
}

export interface SubmitInput {
  procedureCode: string;
  /** The commune the applicant files with (or whose province decides, for province procedures). */
  unitCode: string;
  applicant: unknown;
  form: unknown;
  files: DocumentFile[];
  idempotencyKey?: string | undefined;
  /** Staff filing at a counter or for a community team: the channel and where they helped. */
  channel?: Channel | undefined;
  helpedPlaceCode?: string | undefined;
  /** Filed for the applicant by a community digital team member (the fieldkit module). */
  assisted?: boolean | undefined;
  receiveNow?: boolean | undefined;
  /** Upload problems found while storing the files (wrong type, too big), shown with the rest. */
  uploadErrors?: FieldError[] | undefined;
}

export interface CheckedSubmission {
  procedure: ProcedureDefinition;
  version: string;
  unit: Place;
  applicant: Applicant;
  form: Record<string, unknown>;
  files: (DocumentFile & { name: string; sizeBytes: number; mimeType: string })[];
}

/**
 * Everything a submission must satisfy, checked at once so the form shows every problem together:
 * the applicant, the procedure's e-form (with the schema built from its definition), every
 * mandatory document, and files that exist and belong to no other dossier.
 */
export async function checkSubmission(ctx: Ctx, input: SubmitInput): Promise<CheckedSubmission> {
  const errors: FieldError[] = [...(input.uploadErrors ?? [])];
  let procedure: ProcedureDefinition;
  let version: string;
  try {
    ({ definition: procedure, version } = await procedureToFile(ctx.db, input.procedureCode));
  } catch (e) {
    if (e instanceof NotFound) {
      throw new Invalid([
        {
          field: 'procedureCode',
          vi: `Không có thủ tục mã "${input.procedureCode}".`,
          en: `There is no procedure with code "${input.procedureCode}".`,
        },
      ]);
    }
    throw e;
  }
  const unit = await resolveUnit(ctx.db, input.unitCode, procedure, errors);

  const applicant = Applicant.safeParse(input.applicant ?? {});
  if (!applicant.success) {
    errors.push(...fieldErrors(applicant.error).map((f) => ({ ...f, field: `applicant.${f.field}` })));
  }
  const form = eFormSchema(procedure.form).safeParse(input.form ?? {});
  if (!form.success) errors.push(...fieldErrors(form.error).map((f) => ({ ...f, field: `form.${f.field}` })));

  const files = await usableFiles(ctx.db, procedure, input.files, errors);
  if (errors.length || !applicant.success || !form.success || !unit) throw new Invalid(errors);
  return { procedure, version, unit, applicant: applicant.data, form: form.data, files };
}

/** The files of known documents that exist and belong to no dossier; every mandatory one present. */
async function usableFiles(
  db: Db,
  procedure: ProcedureDefinition,
  given: DocumentFile[],
  errors: FieldError[],
): Promise<CheckedSubmission['files']> {
  const known = new Set(procedure.documents.map((d) => d.id));
  const files = given.filter((f) => known.has(f.documentId));
  // Files kept from an earlier attempt are looked up; those stored by this request are known.
  const earlier = files.filter((f) => !f.stored).map((f) => f.fileId);
  const byId = new Map<string, Omit<q.FileMeta, 'id'>>(
    (await q.findFiles(db, earlier)).map((m) => [m.id, m]),
  );
  for (const f of files) if (f.stored) byId.set(f.fileId, { ...f.stored, dossierId: null });
  const usable: CheckedSubmission['files'] = [];
  for (const f of files) {
    const m = byId.get(f.fileId);
    if (!m || m.dossierId !== null) {
      errors.push({
        field: `doc.${f.documentId}`,
        vi: 'Tệp này đã thuộc một hồ sơ khác hoặc không còn; vui lòng tải lên lại.',
        en: 'This file belongs to another dossier or is gone; please upload it again.',
      });
      continue;
    }
    usable.push({ ...f, name: m.originalName, sizeBytes: m.sizeBytes, mimeType: m.mimeType });
  }
  for (const d of procedure.documents) {
    const field = `doc.${d.id}`;
    if (d.mandatory && !usable.some((f) => f.documentId === d.id) && !errors.some((e) => e.field === field)) {
      errors.push({ field, vi: `Cần nộp: ${d.name.vi}.`, en: `Required: ${d.name.en ?? d.name.vi}.` });
    }
  }
  return usable;
}

async function resolveUnit(
  db: Db,
  code: string,
  procedure: ProcedureDefinition,
  errors: FieldError[],
): Promise<Place | undefined> {
  const bad = (vi: string, en: string) => {
    errors.push({ field: 'unitCode', vi, en });
    return undefined;
  };
  if (!code) return bad('Chọn xã, phường nộp hồ sơ.', 'Choose the commune you file with.');
  let place: Place;
  try {
    place = await placeByCode(db, code);
  } catch {
    return bad(`Không có xã, phường mã "${code}".`, `There is no commune with code "${code}".`);
  }
  if (place.validTo || (place.level !== 'commune' && place.level !== 'province')) {
    return bad(
      'Chỉ nộp hồ sơ cho một xã, phường hoặc tỉnh hiện hành.',
      'Dossiers go to a current commune or province.',
    );
  }
  if (procedure.competentLevel === 'province') return provinceOf(db, place);
  if (place.level !== 'commune') {
    return bad(
      'Thủ tục này do xã, phường giải quyết: chọn một xã.',
      'This procedure is decided by a commune.',
    );
  }
  return place;
}

export interface Submitted {
  dossier: DossierRow;
  /** True when the idempotency key had already made this dossier: nothing new was created. */
  replayed: boolean;
}

/**
 * File a dossier: online by a citizen (signed in or not), or by staff at a counter or in a village.
 * A repeated idempotency key returns the dossier it first made, without making another.
 */
export async function submitDossier(ctx: Ctx, deps: DossierDeps, input: SubmitInput): Promise<Submitted> {
  const helped = await whereHelped(ctx, input);
  let checked: CheckedSubmission;
  try {
    checked = await checkSubmission(ctx, input);
  } catch (e) {
    // A replay may fail the checks (its files already belong to the dossier it made): it is
    // answered with that dossier. Looked up only then, not on every submission.
    const existing =
      e instanceof Invalid && input.idempotencyKey
        ? await q.findDossierByKey(ctx.db, input.idempotencyKey)
        : undefined;
    if (existing) return replay(existing, input);
    throw e;
  }
  const receivedAt = await receivedAtCounter(ctx, input, helped, checked.unit);
  const agencyPlace = receivedAt ?? (helped && helped.level !== 'village' ? helped : checked.unit);
  const agency = await agencyCodeOf(ctx.db, agencyPlace);
  const cal = await provinceCalendar(ctx.db, checked.unit);
  await saveSnapshotOnce(ctx.db, checked.procedure, checked.version);

  // Everything is computed here, then written in one statement; the database fills in the ids and
  // the day's number (the ids below are placeholders until then).
  const now = ctx.clock.now();
  const first = firstEntries(ctx.actor, input, checked, { helped, receivedAt, now, cal });
  const { lastActionId: _, ...projected } = projection(first.state, first.due);
  const a = checked.applicant;
  const dossier: Omit<DossierRow, 'id' | 'code' | 'lastActionId'> = {
    agencyCode: agency,
    procedureCode: checked.procedure.code,
    procedureVersion: checked.version,
    procedureName: checked.procedure.name.vi,
    applicantName: a.name,
    applicantIdNumber: a.idNumber,
    applicantPhone: a.phone,
    applicantAddress: a.address,
    applicantEmail: a.email ?? null,
    citizenId: ctx.actor.kind === 'citizen' ? ctx.actor.citizenId : null,
    formData: checked.form,
    channel: first.channel,
    helpedPlaceId: helped?.id ?? null,
    helpedBy: ctx.actor.kind === 'staff' ? ctx.actor.userId : null,
    assisted: input.assisted ?? false,
    submittedAt: now,
    idempotencyKey: input.idempotencyKey ?? null,
    createdAt: now,
    updatedAt: now,
    ...projected,
    receivedPlaceId: receivedAt?.id ?? null,
  };
  const key = templateFor(null, first.state, (first.actions.at(-1) as NewAction).type);
  // The code is not known until the statement runs: the message holds a mark the statement replaces.
  const body = key
    ? await renderMessage(ctx.db, ctx.db, deps, { ...dossier, code: CODE_MARK }, key, { due: first.due })
    : undefined;
  const result = await fileOnce(ctx, input, async () => {
    const filed = await fileSubmission(ctx.db, {
      dossier,
      number: { day: toVietnamDate(now), codePrefix: `${agency}-${yymmdd(now)}-` },
      actions: first.actions,
      files: checked.files,
      stored: input.files.flatMap((f) => (f.stored ? [f.stored] : [])),
      message:
        body === undefined
          ? undefined
          : (made) =>
              enqueueStatement({
                channel: 'sms',
                recipient: a.phone,
                body: sql`replace(${body}::text, ${CODE_MARK}::text, ${made.code})`,
                template: `dossiers.${key}`,
                dedupeKey: sql`${'dossier-action:'}::text || ${made.lastActionId} || ${':sms'}::text`,
              }),
    });
    const lastActionId = filed.actionIds.at(-1) as number;
    return { dossier: { ...dossier, id: filed.id, code: filed.code, lastActionId }, replayed: false };
  });
  if (!result.replayed) await announce(ctx, result.dossier, null, body !== undefined);
  return result;
}

/** Staff say where they help (and must be a desk there); citizens may not say it at all. */
async function whereHelped(ctx: Ctx, input: SubmitInput): Promise<Place | undefined> {
  const actor = ctx.actor;
  if (actor.kind !== 'staff') {
    if (input.channel !== undefined || input.helpedPlaceCode || input.receiveNow || input.assisted) {
      throw new Forbidden({
        vi: 'Chỉ cán bộ mới ghi nơi tiếp nhận và hình thức nộp.',
        en: 'Only staff record the channel and where a dossier was received.',
      });
    }
    return undefined;
  }
  if (!input.helpedPlaceCode) {
    throw new Invalid([
      { field: 'helpedPlaceCode', vi: 'Chọn nơi hỗ trợ, tiếp nhận.', en: 'Choose where you are helping.' },
    ]);
  }
  const helped = await placeByCode(ctx.db, input.helpedPlaceCode);
  // A community digital team member files for people in their hamlet (fieldkit's assisted filing).
  if (!hasRole(actor, input.assisted ? ASSISTING_ROLES : 'receptionist', helped.path)) throw new Forbidden();
  return helped;
}

/** Who may file "assisted" for someone: the desk, and the hamlet's community digital team. */
const ASSISTING_ROLES = ['receptionist', 'community_digital_member', 'community_digital_leader'] as const;

/**
 * Where a dossier filed with "receive now" is received. Since Decree 118/2025 any centre of the
 * province may receive; a village (a community team) only helps file, and the commune's desk receives.
 */
async function receivedAtCounter(
  ctx: Ctx,
  input: SubmitInput,
  helped: Place | undefined,
  unit: Place,
): Promise<Place | undefined> {
  if (!input.receiveNow || !helped) return undefined;
  const centre = helped.level === 'commune' || helped.level === 'province';
  const sameProvince = centre && unit.path.startsWith((await provinceOf(ctx.db, helped)).path);
  if (!(sameProvince || receivingGrant(ctx.actor, unit.path))) {
    throw new Invalid([
      {
        field: 'receiveNow',
        vi: 'Chỉ bộ phận một cửa của xã, phường hoặc tỉnh mới tiếp nhận hồ sơ.',
        en: 'Only a commune or province one-stop desk receives dossiers.',
      },
    ]);
  }
  return helped;
}

/** The first log entries (submit, and receive when received at once), the state and the due time. */
function firstEntries(
  actor: Actor,
  input: SubmitInput,
  checked: CheckedSubmission,
  at: { helped: Place | undefined; receivedAt: Place | undefined; now: Date; cal: WorkingCalendar },
) {
  const { unit, procedure } = checked;
  const isStaff = actor.kind === 'staff';
  const channel: Channel = input.channel ?? (isStaff ? 1 : 2);
  const logged = (id: number, type: 'submit' | 'receive', payload: object): LoggedAction => ({
    id,
    type,
    at: at.now,
    actorUserId: isStaff ? actor.userId : null,
    note: null,
    payload: payload as StoredPayload,
  });
  const submit = logged(0, 'submit', {
    unit: { id: unit.id, path: unit.path },
    applicantPhone: checked.applicant.phone,
    channel,
    ...(at.helped ? { unitName: at.helped.fullName } : {}),
    files: checked.files.map((f) => ({ documentId: f.documentId, fileId: f.fileId, name: f.name })),
  });
  const actions: NewAction[] = [{ ...submit, ...actorColumns(actor), unitId: unit.id, statusAfter: 1 }];
  let state: DossierState = stateFromActions([submit]);
  if (at.receivedAt) {
    const due = dueAt({ ...state, validReceivedAt: at.now }, procedure, at.cal);
    const receive = logged(1, 'receive', {
      unitName: at.receivedAt.fullName,
      ...(due ? { dueAt: due.toISOString() } : {}),
    });
    state = nextState(state, receive);
    actions.push({ ...receive, ...actorColumns(actor), unitId: unit.id, statusAfter: state.status });
  }
  return { actions, state, channel, due: dueAt(state, procedure, at.cal) };
}

/** 'yymmdd' of an instant in Vietnam. */
function yymmdd(at: Date) {
  return toVietnamDate(at).slice(2).replaceAll('-', '');
}

/**
 * One dossier per idempotency key, held by the key's unique index: a retry that reaches the insert
 * after the first attempt committed is refused there (its statement, daily number included, is
 * undone) and answered with the first attempt's dossier. Concurrent attempts queue on the day's number.
 */
async function fileOnce(ctx: Ctx, input: SubmitInput, file: () => Promise<Submitted>): Promise<Submitted> {
  try {
    return await file();
  } catch (e) {
    if (!input.idempotencyKey || !isUniqueViolation(e, 'dossiers_idempotency_key_key')) throw e;
    const existing = await q.findDossierByKey(ctx.db, input.idempotencyKey);
    if (!existing) throw e;
    return replay(existing, input);
  }
}

/** A replayed key must describe the same submission; another one under the same key is a conflict. */
function replay(existing: DossierRow, input: SubmitInput): Submitted {
  const phone = (input.applicant as { phone?: unknown } | undefined)?.phone;
  const normalised = typeof phone === 'string' ? phone.replace(/[\s.-]/g, '').replace(/^(\+?84)/, '0') : '';
  if (
    existing.procedureCode !== input.procedureCode ||
    (normalised && normalised !== existing.applicantPhone)
  ) {
    throw new Conflict({
      vi: 'Khoá chống gửi trùng này đã được dùng cho một hồ sơ khác.',
      en: 'This idempotency key was already used for a different dossier.',
    });
  }
  return { dossier: existing, replayed: true };
}
