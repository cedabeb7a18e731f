import { provinceCalendar } from '#modules/calendar/index.ts';
import { getPlaceByCode } from '#modules/places/index.ts';
import type { Ctx } from '#platform/context.ts';
import type { Db } from '#platform/db/client.ts';
import { Conflict, Forbidden, Invalid, NotFound, Unauthorized } from '#platform/errors.ts';
import { dueAt } from './dossiers.clock.ts';
import type { DossierDeps } from './dossiers.deps.ts';
import {
  actorColumns,
  announce,
  projection,
  receivingGrant,
  SYSTEM_ACTOR,
  toLogged,
} from './dossiers.log.ts';
import { type ProcedureDefinition, procedureOf } from './dossiers.procedure.ts';
import * as q from './dossiers.queries.ts';
import { findTracked, trackingMiss } from './dossiers.read.ts';
import type { ActionInput } from './dossiers.schemas.ts';
import { formatDue, type Message, queueMessages, templateFor } from './dossiers.sms.ts';
import type { DocumentFile } from './dossiers.submit.ts';
import type { DossierRow, StoredPayload } from './dossiers.tables.ts';
import {
  type ActionType,
  availableActions,
  type DossierState,
  mayView,
  type NationalStatus,
  nextState,
  RULES,
  type Step,
  stateFromActions,
  type WorkflowActor,
  workflowActor,
} from './dossiers.workflow.ts';

/**
 * Workflow actions on a dossier that exists: staff's, the applicant's (a supplement, a withdrawal)
 * and the daily sweep's overdue mark. The rules are in dossiers.workflow.ts; this is where they are
 * applied to the stored log, in one transaction per action.
 */

const notFound = () => new NotFound({ vi: 'Không tìm thấy hồ sơ này.', en: 'No such dossier.' });

export interface ActOptions {
  /** The applicant proved by the tracking proof (code + last phone digits) rather than a session. */
  asApplicant?: boolean;
  /** Files brought with a supplement. */
  files?: DocumentFile[];
  /** The system (the daily sweep). */
  system?: boolean;
}

export interface ActResult {
  dossier: DossierRow;
  state: DossierState;
  available: Exclude<ActionType, 'submit'>[];
}

type Input = ActionInput | { type: 'overdue'; note?: string | undefined; expected?: undefined };

function refusal(state: DossierState, type: Exclude<ActionType, 'submit'>, who: WorkflowActor) {
  const rule = RULES[type];
  const stepAllows = rule.from.includes(state.step) && (!rule.when || rule.when(state));
  if (!stepAllows) {
    return new Conflict({
      vi: `Hồ sơ đang ở bước "${state.step}", không thể thực hiện thao tác này.`,
      en: `The dossier is at step "${state.step}"; this action is not possible now.`,
    });
  }
  return who.kind === 'staff' || who.kind === 'applicant' ? new Forbidden() : new Unauthorized();
}

/**
 * Take one workflow action. The dossier row is locked, the log read and folded, the action checked
 * against `availableActions` (the one place the rules live), appended, and the projection, the
 * clock and the status message written in the same transaction.
 */
export async function act(
  ctx: Ctx,
  deps: DossierDeps,
  code: string,
  input: Input,
  opts: ActOptions = {},
): Promise<ActResult> {
  const messages: Message[] = [];
  let before: NationalStatus | null = null;
  let beforeStep: Step | null = null;
  const out = await ctx.db.transaction(async (tx) => {
    const d = await q.lockDossier(tx, code);
    if (!d) throw notFound();
    const log = (await q.listActions(tx, d.id)).map(toLogged);
    const state = stateFromActions(log);
    before = state.status;
    beforeStep = state.step;
    const who: WorkflowActor = opts.system
      ? { kind: 'system' }
      : opts.asApplicant
        ? { kind: 'applicant' }
        : workflowActor(ctx.actor, state);
    if (!opts.system && ctx.actor.kind === 'staff' && !mayView(ctx.actor, d)) throw new Forbidden();
    if (!availableActions(state, who).includes(input.type)) throw refusal(state, input.type, who);
    if (input.expected !== undefined && input.expected !== state.lastActionId) {
      throw new Conflict({
        vi: 'Hồ sơ vừa được người khác cập nhật. Vui lòng xem lại trước khi thao tác.',
        en: 'Someone else has just updated this dossier. Please look again before acting.',
      });
    }
    // Cached under the base database, read through the transaction on a miss (PGlite has one
    // connection, and a read outside the open transaction would wait for it forever).
    const procedure = await procedureOf(tx, d, ctx.db);
    const cal = await provinceCalendar(ctx.db, { path: d.unitPath }, { via: tx });
    const { payload, files } = await actionPayload(tx, input, state, procedure, opts);
    let note = input.note ?? null;
    const now = ctx.clock.now();
    const receivingPlace = input.type === 'receive' ? receivingGrant(ctx.actor, state.unit.path) : undefined;
    if (receivingPlace) payload.unitName = receivingPlace.placeName;
    if (input.type === 'overdue' && !note) note = `Quá hạn từ ${formatDue(d.dueAt)}`;
    const actorCols = opts.system ? SYSTEM_ACTOR : actorColumns(ctx.actor, opts.asApplicant);
    // The log row is append-only: its status_after (and the due time it announces) come from folding
    // the action in first.
    const provisional = nextState(state, {
      id: 0,
      type: input.type,
      at: now,
      actorUserId: actorCols.actorUserId,
      note,
      payload,
    });
    const due = dueAt(provisional, procedure.days, cal);
    if ((input.type === 'receive' || input.type === 'supplement_received') && due)
      payload.dueAt = due.toISOString();
    const row = await q.insertAction(tx, {
      dossierId: d.id,
      type: input.type,
      at: now,
      ...actorCols,
      unitId: state.unit.id,
      note,
      payload,
      statusAfter: provisional.status,
    });
    const after = nextState(state, toLogged(row));
    await q.insertDossierFiles(
      tx,
      files.map((f) => ({ dossierId: d.id, fileId: f.fileId, documentId: f.documentId, actionId: row.id })),
    );
    const proj = {
      ...projection(after, due),
      ...(receivingPlace ? { receivedPlaceId: receivingPlace.placeId } : {}),
    };
    await q.saveProjection(tx, d.id, proj);
    const key = templateFor(state.status, after, input.type);
    if (key) messages.push({ key, actionId: row.id });
    const dossier = { ...d, ...proj };
    await queueMessages(tx, ctx.db, deps, dossier, messages, { due, note });
    return { dossier, state: after, who };
  });
  await announce(ctx, out.dossier, before, messages.length > 0, beforeStep);
  return { dossier: out.dossier, state: out.state, available: availableActions(out.state, out.who) };
}

/**
 * What an action carries beyond its type and note, checked against the dossier: the specialist
 * assigned, the unit forwarded to, the documents asked for, the files a supplement brought.
 */
async function actionPayload(
  tx: Db,
  input: Input,
  state: DossierState,
  procedure: ProcedureDefinition,
  opts: ActOptions,
): Promise<{ payload: StoredPayload; files: (DocumentFile & { name: string })[] }> {
  const payload: StoredPayload = {};
  const staffInput = input as ActionInput;
  if (input.type === 'assign') {
    const specialists = await q.findSpecialists(tx, state.unit.path);
    const who = specialists.find((s) => s.id === staffInput.assigneeId);
    if (!who) {
      throw new Invalid([
        {
          field: 'assigneeId',
          vi: 'Cán bộ này không có vai trò chuyên viên tại đơn vị giải quyết.',
          en: 'This person is not a specialist at the deciding unit.',
        },
      ]);
    }
    payload.assigneeId = who.id;
    payload.assigneeName = who.displayName;
  }
  if (input.type === 'forward') {
    const target = await getPlaceByCode(tx, staffInput.unitCode ?? '').catch(() => undefined);
    if (
      !target ||
      target.validTo ||
      (target.level !== 'commune' && target.level !== 'province') ||
      target.id === state.unit.id
    ) {
      throw new Invalid([
        {
          field: 'unitCode',
          vi: 'Nhập mã một xã, phường hoặc tỉnh hiện hành, khác đơn vị đang giữ hồ sơ.',
          en: 'Enter the code of another current commune or province.',
        },
      ]);
    }
    payload.unit = { id: target.id, path: target.path };
    payload.unitName = target.fullName;
  }
  if (input.type === 'request_supplement') {
    const known = new Set(procedure.documents.map((x) => x.id));
    const docs = (staffInput.documents ?? []).filter((x) => known.has(x));
    payload.documents = docs;
    if (!input.note && docs.length === 0) {
      throw new Invalid([{ field: 'note', vi: 'Ghi rõ giấy tờ cần bổ sung.', en: 'Say what is missing.' }]);
    }
  }
  let files: (DocumentFile & { name: string })[] = [];
  if (input.type === 'supplement_received' && opts.files?.length) {
    const meta = new Map(
      (
        await q.findFiles(
          tx,
          opts.files.map((f) => f.fileId),
        )
      ).map((m) => [m.id, m]),
    );
    const known = new Set(procedure.documents.map((x) => x.id));
    files = opts.files.flatMap((f) => {
      const m = meta.get(f.fileId);
      return m && m.dossierId === null && known.has(f.documentId) ? [{ ...f, name: m.originalName }] : [];
    });
    payload.files = files.map((f) => ({ documentId: f.documentId, fileId: f.fileId, name: f.name }));
  }
  return { payload, files };
}

/**
 * The applicant sends the documents asked for, online: signed in with the dossier's phone, or with
 * the tracking proof. The files were stored (type and size checked) before this call.
 */
export async function sendSupplement(
  ctx: Ctx,
  deps: DossierDeps,
  code: string,
  input: { phone4?: string | undefined; note?: string | undefined; files: DocumentFile[] },
) {
  let asApplicant = false;
  let dossierCode = code.toUpperCase();
  const signedIn = ctx.actor.kind === 'citizen';
  if (!signedIn || input.phone4) {
    if (!input.phone4) throw trackingMiss();
    const d = await findTracked(ctx, deps, code, input.phone4);
    dossierCode = d.code;
    asApplicant = true;
  }
  if (input.files.length === 0) {
    throw new Invalid([
      { field: 'files', vi: 'Chọn ít nhất một tệp để gửi.', en: 'Choose at least one file to send.' },
    ]);
  }
  return act(
    ctx,
    deps,
    dossierCode,
    { type: 'supplement_received', note: input.note },
    { asApplicant, files: input.files },
  );
}

/** The applicant withdraws, with the same proof as a supplement. */
export async function withdrawByApplicant(ctx: Ctx, deps: DossierDeps, code: string, phone4?: string) {
  if (ctx.actor.kind !== 'citizen' || phone4) {
    if (!phone4) throw trackingMiss();
    const d = await findTracked(ctx, deps, code, phone4);
    return act(ctx, deps, d.code, { type: 'withdraw' }, { asApplicant: true });
  }
  return act(ctx, deps, code.toUpperCase(), { type: 'withdraw' });
}
