import { recordAudit } from '#modules/audit/index.ts';
import { enqueue, stripDiacritics } from '#modules/notifications/index.ts';
import { requireProvinceAdmin } from '#platform/auth/actor.ts';
import type { Ctx } from '#platform/context.ts';
import type { Db } from '#platform/db/client.ts';
import { formatDateTime } from '#platform/i18n/dates.ts';
import { dbCache, SETTINGS_TTL_MS } from './dossiers.cache.ts';
import type { DossierDeps } from './dossiers.deps.ts';
import * as q from './dossiers.queries.ts';
import { SMS_TEMPLATE_KEYS, type SmsTemplateKey } from './dossiers.schemas.ts';
import type { DossierRow } from './dossiers.tables.ts';
import type { DossierState, NationalStatus } from './dossiers.workflow.ts';

/**
 * The status messages: one SMS per change of national status, queued in the transaction or
 * statement that made the change (the notifications outbox delivers it), from a template an
 * administrator may edit.
 */

/**
 * Default texts of the messages about a dossier. **One rule for accents**: every text is written in
 * Vietnamese with its diacritics (unaccented Vietnamese is ambiguous, and hard for people new to
 * reading on a phone). Sending a text without them is the province admin's choice, per text
 * (`/quan-tri/mot-cua/tin-nhan`, stored in dossier_sms_templates with the edits), where the page
 * shows the segments both ways: with diacritics an SMS segment holds 70 characters (67 once split),
 * without 160. Kept short for that reason. The rating invitation (ratings module) is one of these
 * texts, so it follows the same rule and the same switch.
 */
export const DEFAULT_TEMPLATES: Record<SmsTemplateKey, string> = {
  submitted: 'Hồ sơ {ma_ho_so} đã được gửi, chờ xã tiếp nhận. Theo dõi: {tra_cuu}',
  received: 'Hồ sơ {ma_ho_so} đã được tiếp nhận, hẹn trả kết quả {ngay_hen}.',
  refused: 'Hồ sơ {ma_ho_so} không được tiếp nhận: {ly_do}',
  in_progress: 'Hồ sơ {ma_ho_so} đang được xử lý.',
  supplement_requested: 'Hồ sơ {ma_ho_so} cần bổ sung: {ly_do}. Gửi bổ sung tại {tra_cuu}',
  withdrawn: 'Hồ sơ {ma_ho_so} đã được rút theo yêu cầu.',
  stopped: 'Hồ sơ {ma_ho_so} bị dừng xử lý: {ly_do}',
  approved: 'Hồ sơ {ma_ho_so} đã được giải quyết. Xã sẽ báo khi có kết quả để nhận.',
  rejected: 'Hồ sơ {ma_ho_so} không được giải quyết: {ly_do}',
  returned: 'Hồ sơ {ma_ho_so} đã trả kết quả. Cảm ơn bạn.',
  overdue: 'Xin lỗi: hồ sơ {ma_ho_so} đã quá hạn giải quyết. Xã sẽ hẹn lại ngày trả kết quả.',
  payment_requested: 'Hồ sơ {ma_ho_so}: {ly_do} Nộp tại xã hoặc chuyển khoản: {tra_cuu}',
  payment_received: 'Hồ sơ {ma_ho_so} đã nộp đủ phí, lệ phí. Cảm ơn bạn.',
  extended: 'Xin lỗi: hồ sơ {ma_ho_so} cần thêm thời gian. Hẹn trả kết quả mới: {ngay_hen}. Lý do: {ly_do}',
  result_ready: 'Hồ sơ {ma_ho_so} đã có kết quả. Mời bạn mang giấy hẹn đến bộ phận một cửa để nhận.',
  result_online: 'Hồ sơ {ma_ho_so} đã có kết quả. Tải kết quả tại: {ket_qua}',
  rating_invite: 'Hồ sơ {ma_ho_so} đã trả kết quả. Mời bạn đánh giá mức độ hài lòng: {danh_gia}',
};

/**
 * `ket_qua`: the link to download a result issued here (result_online); `danh_gia`: the link to rate
 * the service (rating_invite). Both carry a link token, so they open without signing in.
 */
export const TEMPLATE_VARIABLES = [
  'ma_ho_so',
  'thu_tuc',
  'ngay_hen',
  'ly_do',
  'tra_cuu',
  'ket_qua',
  'danh_gia',
] as const;
export type TemplateVars = Record<(typeof TEMPLATE_VARIABLES)[number], string>;

/** Example values for the admin page's segment count. */
export const SAMPLE_VARS: TemplateVars = {
  ma_ho_so: '20.06541-260302-0012',
  thu_tuc: 'Đăng ký khai sinh',
  ngay_hen: '17:00 13/03/2026',
  ly_do: 'Giấy chứng sinh bị mờ',
  tra_cuu: 'https://xaso.vn/tra-cuu?ma=20.06541-260302-0012',
  ket_qua: 'https://xaso.vn/ho-so/20.06541-260302-0012/giay-to/ket-qua.pdf?t=Zq3v9TgH1kRb0sWmXy2a4c',
  danh_gia: 'https://xaso.vn/ho-so/20.06541-260302-0012/danh-gia?t=Zq3v9TgH1kRb0sWmXy2a4c',
};

/**
 * Stands for the dossier code in a message written before the database has drawn the code (a new
 * dossier is one statement, which puts the code in). Only characters that survive a URL's encoding
 * and the no-diacritics variant unchanged, and that no template or dossier field would hold.
 */
export const CODE_MARK = '~ma-ho-so~';

export function renderTemplate(body: string, vars: TemplateVars, plain: boolean): string {
  const text = body.replace(/\{([a-z_]+)\}/g, (m, k: string) =>
    k in vars ? (vars[k as keyof TemplateVars] ?? '') : m,
  );
  return plain ? stripDiacritics(text) : text;
}

/**
 * Which message a change of national status sends, if any: each change of the status code sends
 * one; a decision sends the approved or rejected text. The overdue mark has its own (form 04).
 */
export function templateFor(
  before: NationalStatus | null,
  after: DossierState,
  actionType: string,
  opts: { online?: boolean } = {},
): SmsTemplateKey | undefined {
  if (actionType === 'overdue') return 'overdue';
  // The result is ready (the status stays 9): the promise of the "approved" message. A rejection
  // said everything in its own message.
  if (actionType === 'result_ready') {
    if (after.decision !== 'approved') return undefined;
    return opts.online ? 'result_online' : 'result_ready';
  }
  if (actionType === 'extension_approved') return 'extended';
  if (before === after.status) return undefined;
  // Back from 6: the payment is the news, not the status the dossier returns to.
  if (actionType === 'payment_received') return 'payment_received';
  const byStatus: Partial<Record<NationalStatus, SmsTemplateKey>> = {
    1: 'submitted',
    2: 'received',
    3: 'refused',
    4: 'in_progress',
    5: 'supplement_requested',
    6: 'payment_requested',
    7: 'withdrawn',
    8: 'stopped',
    10: 'returned',
  };
  if (after.status === 9) return after.decision === 'rejected' ? 'rejected' : 'approved';
  return byStatus[after.status];
}

/** A message owed by an action: its template, and the action whose id makes the dedupe key. */
export interface Message {
  key: SmsTemplateKey;
  actionId: number;
}

/** What a message is filled with beyond the dossier: the due time, the reason, the links. */
export interface MessageExtra {
  due: Date | null;
  note?: string | null;
  vars?: Partial<Pick<TemplateVars, 'ket_qua' | 'danh_gia'>>;
}

/**
 * A message about a dossier that another module sends (the rating invitation): the text as the
 * admin edited it, or the default, filled in, without diacritics if the admin chose so.
 */
export function dossierMessage(
  db: Db,
  deps: Pick<DossierDeps, 'publicUrl'>,
  d: Pick<DossierRow, 'code' | 'procedureName'>,
  key: Extract<SmsTemplateKey, 'rating_invite'>,
  vars: MessageExtra['vars'],
) {
  return renderMessage(db, db, deps, d, key, { due: null, vars });
}

/** '17:00 05/03/2026', Vietnam time, as the messages write a due time. */
export function formatDue(due: Date | null) {
  return due ? formatDateTime(due) : '';
}

export function trackingUrl(deps: Pick<DossierDeps, 'publicUrl'>, code: string) {
  return `${deps.publicUrl.replace(/\/$/, '')}/tra-cuu?ma=${encodeURIComponent(code)}`;
}

/** The admins' edits, per database: seen at once here, within SETTINGS_TTL_MS on other instances. */
const templates = dbCache<Map<string, { body: string; plain: boolean }>>(SETTINGS_TTL_MS);

/**
 * A status message's text: the template as the admin edited it (or the default), filled in. Read
 * through `db` (maybe a transaction), cached under `cacheDb`.
 */
export async function renderMessage(
  db: Db,
  cacheDb: Db,
  deps: Pick<DossierDeps, 'publicUrl'>,
  d: Pick<DossierRow, 'code' | 'procedureName'>,
  key: SmsTemplateKey,
  extra: MessageExtra,
) {
  const edited = await templates.get(cacheDb, 'all', async () => {
    return new Map((await q.listTemplates(db)).map((t) => [t.key, t]));
  });
  const t = edited.get(key);
  const vars = {
    ma_ho_so: d.code,
    thu_tuc: d.procedureName,
    ngay_hen: formatDue(extra.due),
    ly_do: extra.note ?? '',
    tra_cuu: trackingUrl(deps, d.code),
    ket_qua: '',
    danh_gia: '',
    ...extra.vars,
  };
  return renderTemplate(t?.body ?? DEFAULT_TEMPLATES[key], vars, t?.plain ?? false);
}

/** Queue the messages in `tx`, the transaction that made the change. */
export async function queueMessages(
  tx: Db,
  cacheDb: Db,
  deps: Pick<DossierDeps, 'publicUrl'>,
  d: Pick<DossierRow, 'code' | 'procedureName' | 'applicantPhone'>,
  messages: Message[],
  extra: MessageExtra,
) {
  for (const m of messages) {
    await enqueue(tx, {
      channel: 'sms',
      recipient: d.applicantPhone,
      body: await renderMessage(tx, cacheDb, deps, d, m.key, extra),
      template: `dossiers.${m.key}`,
      dedupeKey: `dossier-action:${m.actionId}:sms`,
    });
  }
}

export async function listSmsTemplates(ctx: Ctx) {
  requireProvinceAdmin(ctx.actor);
  const rows = new Map((await q.listTemplates(ctx.db)).map((r) => [r.key, r]));
  return SMS_TEMPLATE_KEYS.map((key) => {
    const r = rows.get(key);
    return {
      key,
      body: r?.body ?? DEFAULT_TEMPLATES[key],
      plain: r?.plain ?? false,
      edited: Boolean(r),
      defaultBody: DEFAULT_TEMPLATES[key],
    };
  });
}

export async function saveSmsTemplate(
  ctx: Ctx,
  key: SmsTemplateKey,
  input: { body: string; plain: boolean },
) {
  const admin = requireProvinceAdmin(ctx.actor);
  await ctx.db.transaction(async (tx) => {
    await q.upsertTemplate(tx, key, input.body, input.plain, admin.userId);
    templates.clear(ctx.db);
    await recordAudit(tx, ctx.actor, ctx.meta, {
      action: 'dossiers.sms-template.save',
      targetType: 'sms-template',
      targetId: key,
      details: { body: input.body, plain: input.plain },
    });
  });
}
