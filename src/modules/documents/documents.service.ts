import { createHmac, randomUUID, timingSafeEqual, type X509Certificate } from 'node:crypto';
import { Readable } from 'node:stream';
import { recordAudit } from '#modules/audit/index.ts';
import { provinceCalendar } from '#modules/calendar/index.ts';
import { act, type DossierDeps, markResultIssued, track } from '#modules/dossiers/index.ts';
import { enqueue } from '#modules/notifications/index.ts';
import { findPlaceById, type Place } from '#modules/places/index.ts';
import { statutoryDueAt } from '#modules/procedures/index.ts';
import { hasRole, requireProvinceAdmin, requireStaff } from '#platform/auth/actor.ts';
import type { Ctx } from '#platform/context.ts';
import type { SqlRunner } from '#platform/db/client.ts';
import { Conflict, Forbidden, Invalid, NotFound } from '#platform/errors.ts';
import type { FileService } from '#platform/storage/index.ts';
import * as q from './documents.queries.ts';
import type { IssuedDocument } from './documents.tables.ts';
import { defaultTemplate, ResultTemplateSchema, templateValues } from './documents.templates.ts';
import {
  clockOf,
  type DossierAction,
  type DossierRecord,
  getDossierRecord,
  isApplicant,
  staffMaySee,
} from './dossier-source.ts';
import { APOLOGY_TITLE, renderApology } from './forms/apology.ts';
import { renderReceiptSlip } from './forms/receipt.ts';
import { renderRefusal } from './forms/refusal.ts';
import { renderResult } from './forms/result.ts';
import { renderStopNotice } from './forms/stop-notice.ts';
import { renderSupplementRequest } from './forms/supplement.ts';
import { renderTrackingSheet } from './forms/tracking-sheet.ts';
import type { FeeLine, HandOff, Issuer, ResultTemplate } from './forms/types.ts';
import { OFFICIAL_TEMPLATES } from './official-templates.ts';
import { vnDateTime, vnParts } from './pdf/vn-format.ts';
import { type Signer, SigningUnavailable } from './signing/signer.ts';
import { type VerifyReport, verifyPdf } from './signing/verify.ts';

export interface DocumentsDeps {
  files: FileService;
  publicUrl: string;
  /** The signer, built from config on first use; undefined when none is configured. */
  signer: () => Signer | undefined;
  /** The dossiers module's dependencies, for the tracking proof (code + last phone digits). */
  dossiers: DossierDeps;
  /** The fees of a dossier as the receipt slip prints them (given by the payments module). */
  fees?: ((sql: SqlRunner, dossierId: number) => Promise<FeeLine[]>) | undefined;
  /** Key for the links sent by SMS and email (a paper, the rating page), which need no sign-in. */
  linkSecret: string;
  /** The province's trust list of CA certificates (`SIGNING_TRUST_ANCHORS`), read on first use. */
  trustAnchors?: (() => Promise<X509Certificate[]>) | undefined;
}

export const PAPERS = [
  'tiep-nhan',
  'bo-sung',
  'tu-choi',
  'xin-loi',
  'dung-xu-ly',
  'kiem-soat',
  'ket-qua',
] as const;
export type Paper = (typeof PAPERS)[number];

const unavailable = () =>
  new NotFound({ vi: 'Hồ sơ chưa có giấy tờ này.', en: 'This dossier has no such paper yet.' });

/** Forms 01–03 of Circular 03/2025/TT-VPCP: the one-stop centre's, not the commune police's. */
const ONE_STOP_FORMS: ReadonlySet<Paper> = new Set(['tiep-nhan', 'bo-sung', 'tu-choi']);

/**
 * Residence procedures are received and decided by the commune police with the forms of Circular
 * 66/2023/TT-BCA (CT04 instead of form 01…; docs/rules.md § Procedures catalogue): the one-stop
 * forms are refused for them, saying why.
 */
export function oneStopFormsApply(p: Pick<DossierRecord['procedure'], 'agency'>) {
  return p.agency !== 'police';
}

const policeForms = () =>
  new Conflict({
    vi: 'Thủ tục này do Công an xã tiếp nhận và giải quyết, với biểu mẫu riêng của Thông tư số 66/2023/TT-BCA (ví dụ mẫu CT04 thay cho giấy tiếp nhận hồ sơ). Hệ thống không in mẫu 01, 02, 03 của Thông tư số 03/2025/TT-VPCP cho thủ tục này; hãy liên hệ Công an xã.',
    en: 'This procedure is received and decided by the commune police, with the forms of Circular 66/2023/TT-BCA (e.g. form CT04 instead of the receipt slip). One-stop forms 01, 02 and 03 of Circular 03/2025/TT-VPCP are not printed for it; ask the commune police.',
  });

// ---------------------------------------------------------------------------------------------
// Who may read a dossier's papers

/** A link token for one dossier and purpose: HMAC, so links in SMS need no sign-in and cannot be guessed. */
export function linkToken(secret: string, purpose: string, code: string) {
  return createHmac('sha256', secret).update(`${purpose}:${code}`).digest('base64url').slice(0, 22);
}

export function checkLinkToken(secret: string, purpose: string, code: string, token: string | undefined) {
  if (!token) return false;
  const want = Buffer.from(linkToken(secret, purpose, code));
  const got = Buffer.from(token);
  return want.length === got.length && timingSafeEqual(want, got);
}

export interface Proof {
  /** Last 4 digits of the applicant's phone (the tracking proof). */
  phone4?: string | undefined;
  /** A link token from an SMS or email. */
  token?: string | undefined;
}

/**
 * The dossier, for staff who may see it, the applicant signed in, or anyone holding the tracking
 * proof (checked and rate-limited by the dossiers module) or a link token. Everyone else gets the
 * same "not found", so codes cannot be probed.
 */
export async function accessDossier(ctx: Ctx, deps: DocumentsDeps, code: string, proof: Proof = {}) {
  const miss = new NotFound({ vi: 'Không tìm thấy hồ sơ này.', en: 'No such dossier.' });
  if (proof.phone4) {
    await track(ctx, deps.dossiers, code, proof.phone4);
    return getDossierRecord(ctx.db, { code });
  }
  const d = await getDossierRecord(ctx.db, { code }).catch(() => undefined);
  if (!d) throw miss;
  if (ctx.actor.kind === 'staff') {
    if (staffMaySee(ctx.actor, d)) return d;
    throw new Forbidden();
  }
  if (isApplicant(ctx.actor, d)) return d;
  if (checkLinkToken(deps.linkSecret, 'dossier', d.code, proof.token)) return d;
  throw miss;
}

// ---------------------------------------------------------------------------------------------
// The issuer and the parts every paper takes from a dossier

function lowerFirst(s: string) {
  return s ? `${s[0]?.toLocaleLowerCase('vi')}${s.slice(1)}` : s;
}

async function placeOf(ctx: Ctx, id: number): Promise<Place> {
  const p = await findPlaceById(ctx.db, id);
  if (!p) throw new Error(`no place ${id}`);
  return p;
}

/** The one-stop desk of a place: "Trung tâm Phục vụ hành chính công" under "UBND xã Mẫu Sơn". */
export async function deskIssuer(ctx: Ctx, placeId: number): Promise<Issuer> {
  const p = await placeOf(ctx, placeId);
  return {
    authority: `UBND ${lowerFirst(p.fullName)}`,
    office: 'Trung tâm Phục vụ hành chính công',
    placeName: p.name,
  };
}

/** The authority itself (results): "Ủy ban nhân dân xã Mẫu Sơn". */
export async function authorityIssuer(ctx: Ctx, placeId: number): Promise<Issuer> {
  const p = await placeOf(ctx, placeId);
  const name = `Ủy ban nhân dân ${lowerFirst(p.fullName)}`;
  return { authority: name, office: name, placeName: p.name };
}

export function trackingUrl(deps: Pick<DocumentsDeps, 'publicUrl'>, code: string) {
  return `${deps.publicUrl.replace(/\/$/, '')}/tra-cuu?ma=${encodeURIComponent(code)}`;
}

/** The signed result's PDF, opened by a link token: the link the result SMS carries. */
export function resultDownloadUrl(deps: Pick<DocumentsDeps, 'publicUrl' | 'linkSecret'>, code: string) {
  return `${deps.publicUrl.replace(/\/$/, '')}/ho-so/${encodeURIComponent(code)}/giay-to/ket-qua.pdf?t=${linkToken(deps.linkSecret, 'dossier', code)}`;
}

export function verifyUrl(deps: Pick<DocumentsDeps, 'publicUrl'>, id: string) {
  return `${deps.publicUrl.replace(/\/$/, '')}/xac-thuc-van-ban?ma=${id}`;
}

const last = <T>(xs: T[]) => xs[xs.length - 1];
const actionsOf = (d: DossierRecord, type: DossierAction['type']) => d.actions.filter((a) => a.type === type);

/** The documents the applicant handed in (files by required-document id), else what the procedure asks. */
function handedIn(d: DossierRecord) {
  const counts = new Map<string, number>();
  for (const a of d.actions) {
    const files = (a.payload.files ?? []) as { documentId: string }[];
    for (const f of files) counts.set(f.documentId, (counts.get(f.documentId) ?? 0) + 1);
  }
  const docs = d.procedure.documents.filter((x) => (counts.size ? counts.has(x.id) : x.mandatory));
  return docs.map((x) => ({ name: x.name.vi, form: x.form, count: counts.get(x.id) ?? x.count }));
}

// ---------------------------------------------------------------------------------------------
// Forms 01–06, drawn from the log whenever asked

export async function renderPaper(
  ctx: Ctx,
  deps: DocumentsDeps,
  d: DossierRecord,
  paper: Paper,
): Promise<Uint8Array> {
  const deskPlace = d.receivedPlaceId ?? d.unitId;
  if (ONE_STOP_FORMS.has(paper) && !oneStopFormsApply(d.procedure)) throw policeForms();
  switch (paper) {
    case 'tiep-nhan': {
      const receive = last(actionsOf(d, 'receive'));
      if (!receive || !d.validReceivedAt) throw unavailable();
      const issuer = await deskIssuer(ctx, deskPlace);
      const due = receive.payload.dueAt ? new Date(receive.payload.dueAt) : d.dueAt;
      if (!due) throw unavailable();
      const online = d.channel === 2 || d.procedure.onlineLevel === 'full';
      return renderReceiptSlip({
        issuer,
        code: d.code,
        procedure: {
          code: d.procedureCode,
          name: d.procedure.name.vi,
          days: d.procedure.days,
          daysUnit: d.procedure.daysUnit,
        },
        applicant: d.applicant,
        channel: d.channel,
        documents: handedIn(d),
        receivedAt: receive.at,
        dueAt: due,
        returnPlace: online
          ? `${issuer.office} ${lowerFirst(issuer.authority.replace(/^UBND /, ''))}, hoặc bản điện tử trên trang tra cứu hồ sơ`
          : `${issuer.office} ${lowerFirst(issuer.authority.replace(/^UBND /, ''))}`,
        fees: (await deps.fees?.(ctx.sql, d.id)) ?? [],
        officer: receive.actorName,
        trackingUrl: trackingUrl(deps, d.code),
      });
    }
    case 'bo-sung': {
      const req = last(actionsOf(d, 'request_supplement'));
      if (!req) throw unavailable();
      const names = new Map(d.procedure.documents.map((x) => [x.id, x.name.vi]));
      return renderSupplementRequest({
        issuer: await deskIssuer(ctx, deskPlace),
        code: d.code,
        procedureName: d.procedure.name.vi,
        applicant: d.applicant,
        requestedAt: req.at,
        items: (req.payload.documents ?? []).map((id) => names.get(id) ?? id),
        reason: req.note,
        officer: req.actorName,
        trackingUrl: trackingUrl(deps, d.code),
      });
    }
    case 'tu-choi': {
      const refuse = last(actionsOf(d, 'refuse'));
      if (!refuse) throw unavailable();
      return renderRefusal({
        issuer: await deskIssuer(ctx, deskPlace),
        code: d.code,
        procedureName: d.procedure.name.vi,
        applicant: d.applicant,
        refusedAt: refuse.at,
        reason: refuse.note ?? 'Hồ sơ không đủ điều kiện tiếp nhận theo quy định của thủ tục.',
        officer: refuse.actorName,
      });
    }
    case 'xin-loi':
      return apologyPdf(ctx, deps, d, {});
    case 'dung-xu-ly': {
      const stop = last(actionsOf(d, 'stop'));
      if (!stop || !d.validReceivedAt) throw unavailable();
      return renderStopNotice({
        issuer: await authorityIssuer(ctx, d.unitId),
        code: d.code,
        procedureName: d.procedure.name.vi,
        applicant: d.applicant,
        receivedAt: d.validReceivedAt,
        stoppedAt: stop.at,
        reason: stop.note ?? 'Hồ sơ không đủ điều kiện để tiếp tục giải quyết.',
        signer: { name: stop.actorName, title: 'TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH' },
        trackingUrl: trackingUrl(deps, d.code),
      });
    }
    case 'kiem-soat':
      return renderTrackingSheet({
        issuer: await deskIssuer(ctx, deskPlace),
        code: d.code,
        procedureName: d.procedure.name.vi,
        applicant: d.applicant,
        receivedAt: d.validReceivedAt,
        dueAt: d.dueAt,
        decidingUnit: `Ủy ban nhân dân ${lowerFirst((await placeOf(ctx, d.unitId)).fullName)}`,
        rows: await handOffs(ctx, d),
        printedAt: ctx.clock.now(),
      });
    case 'ket-qua': {
      const doc = await q.findCurrent(ctx.db, d.id, 'result');
      if (!doc) throw unavailable();
      return readStored(deps, doc);
    }
  }
}

const STEP_LABELS: Partial<Record<DossierAction['type'], string>> = {
  receive: 'Tiếp nhận hồ sơ',
  assign: 'Chuyển xử lý',
  forward: 'Chuyển đơn vị khác giải quyết',
  request_supplement: 'Yêu cầu bổ sung hồ sơ',
  supplement_received: 'Nhận hồ sơ bổ sung',
  submit_for_approval: 'Trình lãnh đạo ký',
  approve: 'Phê duyệt kết quả',
  reject: 'Từ chối giải quyết',
  result_ready: 'Chuyển Bộ phận một cửa trả kết quả',
  result_returned: 'Trả kết quả cho người nộp',
  extension_approved: 'Gia hạn thời gian giải quyết (mẫu 04)',
  financial_obligation_notified: 'Chờ người nộp thực hiện nghĩa vụ tài chính (tạm dừng tính thời hạn)',
  financial_obligation_paid: 'Đã thực hiện nghĩa vụ tài chính (tính tiếp thời hạn)',
};

/**
 * Form 06's rows: every hand-off in the log, who gave the dossier to whom and when; the steps of
 * the workflow template carry their due time and whether they ended early, on time or late (the
 * dossiers module's clock decides which action closes which step).
 */
export async function handOffs(ctx: Ctx, d: DossierRecord): Promise<HandOff[]> {
  const clock = await clockOf(ctx, d);
  // Which action closed which workflow step: the first hand-off out of the step's role after the
  // previous step closed, as the dossiers module's clock counts it (dossiers.clock.ts).
  const stepOf = new Map<number, (typeof clock.steps)[number]>();
  let k = 0;
  for (const a of d.actions) {
    const step = clock.steps[k];
    if (!step?.completedAt) break;
    if (HANDS_OFF[a.type] === step.role && a.at.getTime() === step.completedAt.getTime()) {
      stepOf.set(a.id, step);
      k++;
    }
  }
  const rows: HandOff[] = [];
  const acts = d.actions.filter((a) => STEP_LABELS[a.type]);
  for (const [i, a] of acts.entries()) {
    const next = acts[i + 1];
    const byStaff = a.actorUserId !== null;
    let to: string;
    switch (a.type) {
      case 'receive':
        to = a.actorName;
        break;
      case 'supplement_received':
        to = byStaff ? a.actorName : 'Bộ phận một cửa';
        break;
      case 'assign':
        to = a.payload.assigneeName ?? 'Chuyên viên xử lý';
        break;
      case 'forward':
        to = a.payload.unitName ?? 'Đơn vị giải quyết';
        break;
      case 'request_supplement':
      case 'result_returned':
      case 'reject':
      case 'extension_approved':
      case 'financial_obligation_notified':
        to = d.applicant.name;
        break;
      default:
        to = next?.actorName ?? (a.type === 'submit_for_approval' ? 'Lãnh đạo' : 'Bộ phận một cửa');
    }
    const from =
      a.type === 'receive' || (a.type === 'supplement_received' && !byStaff) ? d.applicant.name : a.actorName;
    const step = stepOf.get(a.id);
    rows.push({
      step: step ? `${STEP_LABELS[a.type]} (bước “${step.name.vi}”)` : (STEP_LABELS[a.type] as string),
      from,
      to,
      at: a.at,
      dueAt: step?.dueAt ?? null,
      timeliness: step?.timeliness ?? null,
      note:
        a.type === 'request_supplement' || a.type === 'reject' || a.type.startsWith('financial_obligation')
          ? a.note
          : a.type === 'extension_approved' && a.payload.newDueAt
            ? `Hẹn trả kết quả mới: ${vnDateTime(new Date(a.payload.newDueAt))}`
            : null,
    });
  }
  return rows;
}

/** The actions that hand a dossier out of a role's hands (mirrors the dossiers module's clock). */
const HANDS_OFF: Partial<Record<DossierAction['type'], 'receptionist' | 'specialist' | 'approver'>> = {
  assign: 'receptionist',
  forward: 'receptionist',
  submit_for_approval: 'specialist',
  approve: 'approver',
  reject: 'approver',
  result_returned: 'receptionist',
};

/**
 * The new date form 04 asks for: the one given (an extension's), else a proposal — the procedure's
 * own time limit again, counted from when the apology is written (at least one working day). The
 * extension flow that lets the specialist choose it before the due date is the dossiers module's
 * (see the README).
 */
async function proposedNewDate(ctx: Ctx, d: DossierRecord, from: Date) {
  const cal = await provinceCalendar(ctx.db, { path: d.unitPath });
  return statutoryDueAt({ days: Math.max(1, d.procedure.days), daysUnit: d.procedure.daysUnit }, from, cal);
}

/**
 * Form 04. Keyed on the extension the approver signed before the due time (its new date, the
 * specialist's reason, the approver as signer), else on the overdue mark the daily sweep left (a
 * proposed new date). One of the two must be in the log.
 */
async function apologyPdf(
  ctx: Ctx,
  deps: DocumentsDeps,
  d: DossierRecord,
  opts: { reason?: string | undefined; newDueAt?: Date | undefined; signer?: string | undefined },
) {
  const receive = actionsOf(d, 'receive')[0];
  if (!receive || !d.validReceivedAt) throw unavailable();
  const announced = receive.payload.dueAt ? new Date(receive.payload.dueAt) : d.dueAt;
  const common = {
    issuer: await deskIssuer(ctx, d.receivedPlaceId ?? d.unitId),
    code: d.code,
    procedureName: d.procedure.name.vi,
    applicant: d.applicant,
    receivedAt: receive.at,
    trackingUrl: trackingUrl(deps, d.code),
  };
  const extension = last(actionsOf(d, 'extension_approved'));
  if (extension?.payload.newDueAt) {
    const draft = last(actionsOf(d, 'extension_drafted').filter((a) => a.id < extension.id));
    const previous = extension.payload.previousDueAt ?? draft?.payload.previousDueAt;
    return renderApology({
      ...common,
      dueAt: previous ? new Date(previous) : (announced ?? extension.at),
      writtenAt: extension.at,
      reason: opts.reason ?? draft?.note ?? 'Hồ sơ cần thêm thời gian thẩm định, xác minh.',
      newDueAt: new Date(extension.payload.newDueAt),
      signer: { name: opts.signer ?? extension.actorName, title: 'TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH' },
    });
  }
  const overdue = last(actionsOf(d, 'overdue'));
  if (!overdue) throw unavailable();
  const writtenAt = opts.newDueAt !== undefined ? ctx.clock.now() : overdue.at;
  return renderApology({
    ...common,
    dueAt: announced ?? overdue.at,
    writtenAt,
    reason:
      opts.reason ??
      'Hồ sơ cần thêm thời gian thẩm định, xác minh nên chưa giải quyết xong trong thời hạn quy định.',
    newDueAt: opts.newDueAt ?? (await proposedNewDate(ctx, d, writtenAt)),
    signer: { name: opts.signer ?? '', title: 'TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH' },
  });
}

async function readStored(deps: DocumentsDeps, doc: IssuedDocument): Promise<Uint8Array> {
  const opened = await deps.files.open(doc.fileId);
  if (!opened) throw new Error(`stored file ${doc.fileId} of document ${doc.id} is missing`);
  const chunks: Buffer[] = [];
  for await (const c of opened.stream) chunks.push(c as Buffer);
  return new Uint8Array(Buffer.concat(chunks));
}

async function store(deps: DocumentsDeps, bytes: Uint8Array, name: string) {
  return deps.files.save(Readable.from([Buffer.from(bytes)]), {
    originalName: name,
    allowed: ['application/pdf'],
    maxBytes: 20 * 1024 * 1024,
  });
}

/** Which papers a dossier has now, for the lists on the staff and citizen pages. */
export async function availablePapers(ctx: Ctx, d: DossierRecord): Promise<Paper[]> {
  const out: Paper[] = [];
  const oneStop = oneStopFormsApply(d.procedure);
  if (oneStop && d.validReceivedAt && actionsOf(d, 'receive').length) out.push('tiep-nhan');
  if (oneStop && actionsOf(d, 'request_supplement').length) out.push('bo-sung');
  if (oneStop && actionsOf(d, 'refuse').length) out.push('tu-choi');
  const apology = actionsOf(d, 'overdue').length || actionsOf(d, 'extension_approved').length;
  if (apology && d.validReceivedAt) out.push('xin-loi');
  if (actionsOf(d, 'stop').length && d.validReceivedAt) out.push('dung-xu-ly');
  if (d.validReceivedAt) out.push('kiem-soat');
  if (await q.findCurrent(ctx.db, d.id, 'result')) out.push('ket-qua');
  return out;
}

// ---------------------------------------------------------------------------------------------
// Form 04: an extension signed before the due time, or a dossier that went late without one

/**
 * The apology (form 04) for a dossier whose extension the approver signed (`dossiers.extended`), or
 * that the daily sweep found late (`dossiers.overdue`): drawn, kept, and sent to the applicant by
 * email (the dossiers module already sends the SMS) with a link that needs no sign-in. Idempotent:
 * a dossier gets one (an extended dossier that still goes late keeps the one with its new date).
 */
export async function issueApology(ctx: Ctx, deps: DocumentsDeps, code: string) {
  const d = await getDossierRecord(ctx.db, { code });
  if (await q.findCurrent(ctx.db, d.id, 'apology')) return undefined;
  const bytes = await apologyPdf(ctx, deps, d, {});
  const file = await store(deps, bytes, `phieu-xin-loi-${d.code}.pdf`);
  const link = `${deps.publicUrl.replace(/\/$/, '')}/ho-so/${encodeURIComponent(d.code)}/giay-to/xin-loi.pdf?t=${linkToken(deps.linkSecret, 'dossier', d.code)}`;
  const doc = await ctx.db.transaction(async (tx) => {
    const row = await q.insertIssued(tx, {
      id: randomUUID(),
      dossierId: d.id,
      dossierCode: d.code,
      kind: 'apology',
      fileId: file.id,
      sha256: file.sha256,
    });
    if (d.applicant.email) {
      await enqueue(tx, {
        channel: 'email',
        recipient: d.applicant.email,
        subject: `${APOLOGY_TITLE} – hồ sơ ${d.code}`,
        body: `Kính gửi ông/bà ${d.applicant.name},\n\nHồ sơ ${d.code} (${d.procedure.name.vi}) ${actionsOf(d, 'extension_approved').length ? 'cần thêm thời gian, không giải quyết được đúng hẹn' : 'chưa được giải quyết đúng hẹn'}. Cơ quan gửi ông/bà văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết (mẫu 04), có ngày hẹn trả kết quả mới, tại địa chỉ:\n${link}\n\nTheo dõi hồ sơ: ${trackingUrl(deps, d.code)}`,
        template: 'documents.apology',
        dedupeKey: `documents.apology:${d.code}`,
        placePath: d.unitPath,
      });
    }
    return row;
  });
  if (d.applicant.email) await ctx.events.emit('notifications.queued', {});
  return doc;
}

// ---------------------------------------------------------------------------------------------
// Results: drawn from the procedure's template, signed by the approver

/**
 * The result template of a procedure: the one an admin saved, else the official form's
 * (`official-templates.ts`), else one drawn from the e-form (`defaultTemplate`).
 */
export async function templateFor(ctx: Ctx, d: Pick<DossierRecord, 'procedureCode' | 'procedure'>) {
  const saved = await q.findTemplate(ctx.db, d.procedureCode);
  if (saved) return ResultTemplateSchema.parse(saved);
  return OFFICIAL_TEMPLATES[d.procedureCode]?.template ?? defaultTemplate(d.procedure);
}

function yearOf(at: Date) {
  return Number(vnParts(at).year);
}

/**
 * What the approver reads before approving and signing: the result drawn without a number or a
 * signature, from the moment the dossier waits for approval.
 */
export async function previewResult(ctx: Ctx, deps: DocumentsDeps, code: string) {
  const d = await resultDossier(ctx, code, { draft: true });
  const now = ctx.clock.now();
  const issuer = await authorityIssuer(ctx, d.unitId);
  return renderResult({
    issuer,
    number: `……/${yearOf(now)}/KQ`,
    code: d.code,
    documentId: 'BẢN XEM TRƯỚC – CHƯA KÝ',
    verifyUrl: verifyUrl(deps, 'xem-truoc'),
    issuedAt: now,
    template: await templateFor(ctx, d),
    values: templateValues(d, issuer, now),
    signer: { name: requireStaff(ctx.actor).displayName },
    signedElectronically: false,
  });
}

/** The dossier whose result an approver of its unit signs (approved), or reads as a draft (waiting for approval too). */
async function resultDossier(ctx: Ctx, code: string, opts: { draft?: boolean } = {}) {
  const staff = requireStaff(ctx.actor);
  const d = await getDossierRecord(ctx.db, { code });
  if (!staffMaySee(staff, d)) throw new Forbidden();
  if (!hasRole(staff, 'approver', d.unitPath)) {
    throw new Forbidden({
      vi: 'Chỉ lãnh đạo có thẩm quyền mới ký kết quả.',
      en: 'Only an approver of the deciding unit signs results.',
    });
  }
  if (opts.draft && d.step === 'pending_approval') return d;
  if (d.decision !== 'approved') {
    throw new Conflict({
      vi: 'Hồ sơ chưa được phê duyệt: chưa có kết quả để ký.',
      en: 'The dossier is not approved: there is no result to sign.',
    });
  }
  return d;
}

/**
 * The approver signs the result: drawn from the template with its register number, a QR code to
 * the verify page and the signature box, signed through the configured `Signer` (outside any
 * transaction: a remote service may take a while), stored, and recorded with its hash. Signing
 * again replaces the earlier copy (kept, marked revoked).
 */
export async function signResult(
  ctx: Ctx,
  deps: DocumentsDeps,
  code: string,
  opts: { replace?: boolean } = {},
) {
  const staff = requireStaff(ctx.actor);
  const d = await resultDossier(ctx, code);
  const previous = await q.findCurrent(ctx.db, d.id, 'result');
  if (previous && !opts.replace) {
    throw new Conflict({ vi: 'Kết quả của hồ sơ này đã được ký.', en: 'This result is already signed.' });
  }
  const signer = deps.signer();
  if (!signer) {
    throw new Conflict({
      vi: 'Chưa cấu hình chứng thư số để ký (SIGNING_P12_PATH). Liên hệ quản trị hệ thống.',
      en: 'No signing certificate is configured (SIGNING_P12_PATH). Ask the operator.',
    });
  }
  const at = ctx.clock.now();
  const issuer = await authorityIssuer(ctx, d.unitId);
  const n = await q.nextNumber(ctx.db, d.unitId, 'result', yearOf(at));
  const id = randomUUID();
  const unsigned = await renderResult({
    issuer,
    number: `${n}/${yearOf(at)}/KQ`,
    code: d.code,
    documentId: id,
    verifyUrl: verifyUrl(deps, id),
    issuedAt: at,
    template: await templateFor(ctx, d),
    values: templateValues(d, issuer, at),
    signer: { name: staff.displayName },
    signedElectronically: true,
  });
  let signed: Uint8Array;
  let certificate: Awaited<ReturnType<Signer['describe']>>;
  try {
    certificate = await signer.describe();
    signed = await signer.sign(
      unsigned,
      {
        name: staff.displayName,
        userId: staff.userId,
        title: 'Lãnh đạo Ủy ban nhân dân',
        location: issuer.authority,
        reason: `Ký kết quả giải quyết hồ sơ ${d.code}`,
      },
      at,
    );
  } catch (e) {
    if (e instanceof SigningUnavailable) {
      throw new Conflict({ vi: `Không ký được: ${e.message}`, en: `Cannot sign: ${e.message}` });
    }
    throw e;
  }
  const file = await store(deps, signed, `ket-qua-${d.code}.pdf`);
  const place = await placeOf(ctx, d.unitId);
  const doc = await ctx.db.transaction(async (tx) => {
    if (previous) await q.revoke(tx, previous.id);
    const row = await q.insertIssued(tx, {
      id,
      dossierId: d.id,
      dossierCode: d.code,
      kind: 'result',
      number: `${n}/${yearOf(at)}/KQ`,
      fileId: file.id,
      sha256: file.sha256,
      signed: true,
      signerName: staff.displayName,
      signerUserId: staff.userId,
      certificateSubject: certificate.subject,
      certificateFingerprint: certificate.fingerprint256,
      signedAt: at,
      createdBy: staff.userId,
    });
    await recordAudit(tx, ctx.actor, ctx.meta, {
      action: 'documents.result.sign',
      targetType: 'dossier',
      targetId: d.code,
      place,
      details: {
        documentId: id,
        sha256: file.sha256,
        certificate: certificate.fingerprint256,
        replaced: previous?.id ?? null,
      },
    });
    return row;
  });
  await ctx.events.emit('documents.result-signed', {
    dossierId: d.id,
    code: d.code,
    documentId: id,
    sha256: file.sha256,
  });
  // Signed and issued here, the result is ready now, to download: the dossier says so, and the
  // applicant gets the SMS with the link (the approval's message promised it).
  await markResultIssued(ctx, deps.dossiers, d.code, resultDownloadUrl(deps, d.code));
  return doc;
}

/**
 * The approver's step in one (issue 14 item 5): approve the dossier, then sign its result. The
 * approval is the dossiers module's action (its own transaction, checked against the page the
 * approver saw: `expected`); the signature cannot share it (a remote signer may take a while). So a
 * failed signature leaves the dossier approved and says so; signing again is one button on the
 * papers page. Refused before anything is written when no certificate is configured.
 */
export async function approveAndSign(
  ctx: Ctx,
  deps: DocumentsDeps,
  code: string,
  input: { expected?: number | undefined },
): Promise<{ code: string; signed: IssuedDocument | null; failure?: Conflict['detail'] }> {
  if (!deps.signer()) {
    throw new Conflict({
      vi: 'Chưa cấu hình chứng thư số để ký (SIGNING_P12_PATH): hãy bấm "Phê duyệt" và ký kết quả giấy.',
      en: 'No signing certificate is configured (SIGNING_P12_PATH): press "Approve" and sign the paper result.',
    });
  }
  const approved = await act(ctx, deps.dossiers, code, { type: 'approve', expected: input.expected });
  const done = approved.dossier.code;
  try {
    return { code: done, signed: await signResult(ctx, deps, done) };
  } catch (e) {
    if (e instanceof Conflict) return { code: done, signed: null, failure: e.detail };
    throw e;
  }
}

// ---------------------------------------------------------------------------------------------
// Verification

/**
 * What the verify page says. "Valid" needs the signature intact **and** a reason to trust who
 * issued it: the file is a document this platform issued (its SHA-256 is on record and it was not
 * revoked), or its certificate chains to the province's trust list (`SIGNING_TRUST_ANCHORS`).
 * A signature that is only intact — anyone can make one with a certificate of their own — is said
 * plainly to be "intact, but not issued here" (issue 11, item 9; decision 029).
 */
export type Verdict = 'issued' | 'trusted' | 'not-issued' | 'revoked' | 'invalid';

export interface VerifyOutcome {
  report: VerifyReport;
  verdict: Verdict;
  /** The issued paper the file is, or claims to be. */
  issued: Pick<
    IssuedDocument,
    'id' | 'kind' | 'number' | 'dossierCode' | 'signedAt' | 'signerName' | 'revokedAt' | 'sha256'
  > | null;
  /** The file is byte for byte the copy the system keeps. */
  matchesStored: boolean;
}

function publicIssued(doc: IssuedDocument) {
  const { id, kind, number, dossierCode, signedAt, signerName, revokedAt, sha256 } = doc;
  return { id, kind, number, dossierCode, signedAt, signerName, revokedAt, sha256 };
}

/** The verdict: an issued copy (same bytes) decides first; else the trust list; else "not issued here". */
export function verdictOf(report: VerifyReport, stored: IssuedDocument | undefined): Verdict {
  if (!report.valid) return 'invalid';
  if (stored?.signed && stored.sha256 === report.sha256) return stored.revokedAt ? 'revoked' : 'issued';
  if (report.signatures.length > 0 && report.signatures.every((s) => s.trusted)) return 'trusted';
  return 'not-issued';
}

async function anchorsOf(deps: Pick<DocumentsDeps, 'trustAnchors'>) {
  return (await deps.trustAnchors?.()) ?? [];
}

/** The stored copy of an issued paper, checked (the verify page reached from the QR code). */
export async function verifyIssued(ctx: Ctx, deps: DocumentsDeps, id: string): Promise<VerifyOutcome> {
  const doc = /^[0-9a-f-]{36}$/i.test(id) ? await q.findIssued(ctx.db, id.toLowerCase()) : undefined;
  if (!doc?.signed) {
    throw new NotFound({
      vi: 'Không có văn bản điện tử nào mang mã này.',
      en: 'No issued document has this id.',
    });
  }
  const report = verifyPdf(await readStored(deps, doc), { trustAnchors: await anchorsOf(deps) });
  return {
    report,
    verdict: verdictOf(report, doc),
    issued: publicIssued(doc),
    matchesStored: report.sha256 === doc.sha256,
  };
}

/** An uploaded copy, checked on its own and compared with what the system issued. */
export async function verifyUpload(
  ctx: Ctx,
  deps: Pick<DocumentsDeps, 'trustAnchors'>,
  bytes: Uint8Array,
  claimedId?: string,
): Promise<VerifyOutcome> {
  if (bytes.length === 0)
    throw new Invalid([{ field: 'file', vi: 'Chọn tệp PDF cần kiểm tra.', en: 'Choose the PDF to check.' }]);
  const report = verifyPdf(bytes, { trustAnchors: await anchorsOf(deps) });
  const same = await q.findIssuedBySha(ctx.db, report.sha256);
  const claimed =
    !same && claimedId && /^[0-9a-f-]{36}$/i.test(claimedId)
      ? await q.findIssued(ctx.db, claimedId.toLowerCase())
      : undefined;
  const issued = same ?? claimed;
  return {
    report,
    verdict: verdictOf(report, same),
    issued: issued ? publicIssued(issued) : null,
    matchesStored: Boolean(same),
  };
}

// ---------------------------------------------------------------------------------------------
// Templates (catalogue admins)

export async function saveResultTemplate(ctx: Ctx, procedureCode: string, raw: unknown) {
  const staff = requireProvinceAdmin(ctx.actor);
  const parsed = ResultTemplateSchema.safeParse(raw);
  if (!parsed.success) {
    throw new Invalid([
      { field: 'template', vi: 'Mẫu kết quả không hợp lệ.', en: 'The template is not valid.' },
    ]);
  }
  const template: ResultTemplate = parsed.data;
  await ctx.db.transaction(async (tx) => {
    await q.saveTemplate(tx, procedureCode, template, staff.userId);
    await recordAudit(tx, ctx.actor, ctx.meta, {
      action: 'documents.template.save',
      targetType: 'procedure',
      targetId: procedureCode,
      details: { template },
    });
  });
  return template;
}
