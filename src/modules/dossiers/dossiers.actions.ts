import {
  isWorkingDay,
  officeCloseOn,
  provinceCalendar,
  toVietnamDate,
  type WorkingCalendar,
} from '#modules/calendar/index.ts';
import { getPlaceByCode } from '#modules/places/index.ts';
import type { Ctx } from '#platform/context.ts';
import type { Db } from '#platform/db/client.ts';
import { Conflict, Forbidden, Invalid, NotFound, Unauthorized } from '#platform/errors.ts';
import { runChangeStatements } from './dossiers.changes.ts';
import { dueAt, ruleContext } from './dossiers.clock.ts';
import type { DossierDeps } from './dossiers.deps.ts';
import {
  actorColumns,
  announce,
  changeFacts,
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
  openPause,
  RULES,
  type RuleContext,
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
  /** The system (the daily sweep; a result issued electronically). */
  system?: boolean;
  /** result_ready: the result was signed here; the SMS carries this link to download it. */
  download?: string;
}

export interface ActResult {
  dossier: DossierRow;
  state: DossierState;
  available: Exclude<ActionType, 'submit'>[];
}

type Input =
  | ActionInput
  | { type: 'overdue' | 'result_ready'; note?: string | undefined; expected?: undefined };

/** '17:00 ngày 05/03/2026': a due time in a refusal's words. */
const dueWords = (at: Date | null | undefined) => (at ? formatDue(at).replace(' ', ' ngày ') : '');
const dueWordsEn = (at: Date | null | undefined) => (at ? formatDue(at).replace(' ', ' on ') : '');

/**
 * The refusals that name their rule (issue 12 items 4 and 5): a second supplement request after
 * receipt, a second extension, an extension once the due time has passed, a financial-obligations
 * pause for a procedure that has none. Undefined when none applies.
 */
function ruleRefusal(state: DossierState, type: Exclude<ActionType, 'submit'>, c: RuleContext) {
  if (!RULES[type].from.includes(state.step)) return undefined;
  if (type === 'request_supplement' && state.validReceivedAt && state.supplementRequests > 0) {
    return new Conflict({
      vi: 'Mỗi hồ sơ chỉ được yêu cầu bổ sung một lần sau khi tiếp nhận (Nghị định 118/2025/NĐ-CP; Cổng Dịch vụ công quốc gia tính hồ sơ bị yêu cầu bổ sung quá một lần là trễ hạn, chỉ số 2.1 của Bộ chỉ số 766). Hồ sơ này đã được yêu cầu bổ sung một lần: hãy giải quyết với giấy tờ đã có, hoặc dừng giải quyết nếu không đủ điều kiện.',
      en: 'A dossier may be asked for a supplement only once after receipt (Decree 118/2025/NĐ-CP; the national portal counts a dossier asked more than once as late, Decision 766 indicator 2.1). This one has been asked once already: decide on the papers it has, or stop it if it cannot be decided.',
    });
  }
  if (type === 'extension_drafted' || type === 'extension_approved') {
    if (type === 'extension_drafted' && state.extension?.grantedAt) {
      return new Conflict({
        vi: `Hồ sơ đã được gia hạn một lần (văn bản xin lỗi và đề nghị gia hạn, mẫu 04 Thông tư 03/2025/TT-VPCP, hẹn mới ${dueWords(state.extension.newDueAt)}). Mỗi hồ sơ chỉ được gia hạn một lần: không thể gia hạn lần thứ hai.`,
        en: `This dossier has been extended once already (apology and extension request, form 04 of Circular 03/2025/TT-VPCP, new date ${dueWordsEn(state.extension.newDueAt)}). A dossier is extended only once: a second extension is refused.`,
      });
    }
    if (type === 'extension_drafted' && state.extension) {
      return new Conflict({
        vi: 'Đã có đề nghị gia hạn đang chờ lãnh đạo ký.',
        en: 'An extension is already waiting for the approver’s signature.',
      });
    }
    if (c.now && c.dueAt && c.now.getTime() >= c.dueAt.getTime()) {
      return new Conflict({
        vi: `Đã quá hạn giải quyết (${dueWords(c.dueAt)}): văn bản xin lỗi và đề nghị gia hạn (mẫu 04, Thông tư 03/2025/TT-VPCP) phải được ký và gửi trước ngày hẹn trả kết quả, không gia hạn sau khi đã quá hạn.`,
        en: `The due time has passed (${dueWordsEn(c.dueAt)}): the apology and extension request (form 04, Circular 03/2025/TT-VPCP) must be signed and sent before the due date; no extension once the dossier is late.`,
      });
    }
  }
  if (
    type === 'financial_obligation_notified' &&
    !(c.clockExclusions ?? []).includes('financial_obligations')
  ) {
    return new Conflict({
      vi: 'Thủ tục này không có quy định trừ thời gian thực hiện nghĩa vụ tài chính khỏi thời hạn giải quyết.',
      en: 'This procedure does not exclude the time spent meeting financial obligations from its time limit.',
    });
  }
  if ((type === 'request_supplement' || type === 'financial_obligation_notified') && openPause(state)) {
    return new Conflict({
      vi: 'Thời hạn giải quyết đang tạm dừng: hãy ghi nhận việc đang chờ trước khi dừng lần nữa.',
      en: 'The clock is already stopped: record the end of that wait first.',
    });
  }
  return undefined;
}

function refusal(
  state: DossierState,
  type: Exclude<ActionType, 'submit'>,
  who: WorkflowActor,
  c: RuleContext,
) {
  const named = ruleRefusal(state, type, c);
  if (named) return named;
  const rule = RULES[type];
  const stepAllows = rule.from.includes(state.step) && (!rule.when || rule.when(state, c));
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
    // Cached under the base database, read through the transaction on a miss (PGlite has one
    // connection, and a read outside the open transaction would wait for it forever).
    const procedure = await procedureOf(tx, d, ctx.db);
    const cal = await provinceCalendar(ctx.db, { path: d.unitPath }, { via: tx });
    const now = ctx.clock.now();
    const rules = ruleContext(state, procedure, cal, now);
    if (!availableActions(state, who, rules).includes(input.type))
      throw refusal(state, input.type, who, rules);
    if (input.expected !== undefined && input.expected !== state.lastActionId) {
      throw new Conflict({
        vi: 'Hồ sơ vừa được người khác cập nhật. Vui lòng xem lại trước khi thao tác.',
        en: 'Someone else has just updated this dossier. Please look again before acting.',
      });
    }
    const { payload, files } = await actionPayload(tx, input, state, procedure, opts, { cal, rules });
    let note = input.note ?? null;
    const receivingPlace = input.type === 'receive' ? receivingGrant(ctx.actor, state.unit.path) : undefined;
    if (receivingPlace) payload.unitName = receivingPlace.placeName;
    if (input.type === 'overdue' && !note) note = `Quá hạn từ ${formatDue(d.dueAt)}`;
    if (input.type === 'result_ready' && opts.download) payload.delivery = 'online';
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
    const due = dueAt(provisional, procedure, cal);
    if (
      (input.type === 'receive' ||
        input.type === 'supplement_received' ||
        input.type === 'extension_approved' ||
        input.type === 'financial_obligation_paid') &&
      due
    )
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
    const key = templateFor(state.status, after, input.type, { online: payload.delivery === 'online' });
    if (key) messages.push({ key, actionId: row.id });
    const dossier = { ...d, ...proj };
    // The extension's message gives the reason the specialist wrote in the draft.
    const reason = input.type === 'extension_approved' ? (state.extension?.reason ?? note) : note;
    await queueMessages(tx, ctx.db, deps, dossier, messages, {
      due,
      note: reason,
      vars: opts.download ? { ket_qua: opts.download } : {},
    });
    await runChangeStatements(tx, changeFacts(dossier, row, after));
    return { dossier, state: after, who, rules: ruleContext(after, procedure, cal, now) };
  });
  await announce(ctx, out.dossier, before, messages.length > 0, beforeStep);
  if (input.type === 'extension_approved')
    await ctx.events.emit('dossiers.extended', { code: out.dossier.code });
  return {
    dossier: out.dossier,
    state: out.state,
    available: availableActions(out.state, out.who, out.rules),
  };
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
  at: { cal: WorkingCalendar; rules: RuleContext },
): Promise<{ payload: StoredPayload; files: (DocumentFile & { name: string })[] }> {
  const payload: StoredPayload = {};
  const staffInput = input as ActionInput;
  if (input.type === 'extension_drafted') {
    const newDueAt = extensionDate(staffInput.newDueDate, at.rules.dueAt ?? null, at.cal);
    payload.newDueAt = newDueAt.toISOString();
    if (at.rules.dueAt) payload.previousDueAt = at.rules.dueAt.toISOString();
  }
  if (input.type === 'extension_approved' && state.extension) {
    payload.newDueAt = state.extension.newDueAt.toISOString();
    if (state.extension.previousDueAt) payload.previousDueAt = state.extension.previousDueAt.toISOString();
  }
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
 * The documents module signed and issued the dossier's result: it is ready now, to download. Marks
 * `result_ready` as the system (payload `delivery: 'online'`) and queues the SMS with `download`, the
 * link the documents module made (a link token: no sign-in, no proof). Only from `decided`: a result
 * signed again later, or after the desk marked a paper result ready, changes nothing here.
 */
export async function markResultIssued(ctx: Ctx, deps: DossierDeps, code: string, download: string) {
  const d = await q.findDossierByCode(ctx.db, code);
  if (d?.step !== 'decided') return undefined;
  try {
    return await act(ctx, deps, d.code, { type: 'result_ready' }, { system: true, download });
  } catch (e) {
    // Someone moved it meanwhile (the desk marked it ready): nothing left to mark.
    if (e instanceof Conflict) return undefined;
    throw e;
  }
}

/**
 * The new date of an extension: a working day of the province after the current due date; the due
 * time is the close of office that day.
 */
function extensionDate(date: string | undefined, current: Date | null, cal: WorkingCalendar): Date {
  const field = (vi: string, en: string) => new Invalid([{ field: 'newDueDate', vi, en }]);
  if (!date) throw field('Chọn ngày hẹn trả kết quả mới.', 'Choose the new due date.');
  if (current && date <= toVietnamDate(current)) {
    throw field(
      `Ngày hẹn mới phải sau ngày hẹn hiện tại (${dueWords(current)}).`,
      `The new date must be after the current due date (${dueWordsEn(current)}).`,
    );
  }
  if (!isWorkingDay(date, cal)) {
    throw field(
      'Ngày hẹn mới phải là ngày làm việc (không phải thứ Bảy, Chủ nhật hay ngày nghỉ lễ).',
      'The new date must be a working day (not a weekend or a day off).',
    );
  }
  return officeCloseOn(date, cal);
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
