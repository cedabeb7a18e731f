import { stripDiacritics } from '#modules/notifications/index.ts';
import type { SmsTemplateKey } from './dossiers.schemas.ts';
import type { DossierState, NationalStatus } from './dossiers.workflow.ts';

/**
 * Default texts of the status messages. An administrator may replace any of them (stored in
 * dossier_sms_templates) and choose to send it without diacritics. Kept short: with diacritics an
 * SMS segment holds 70 characters.
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
};

export const TEMPLATE_VARIABLES = ['ma_ho_so', 'thu_tuc', 'ngay_hen', 'ly_do', 'tra_cuu'] as const;
export type TemplateVars = Record<(typeof TEMPLATE_VARIABLES)[number], string>;

/** Example values for the admin page's segment count. */
export const SAMPLE_VARS: TemplateVars = {
  ma_ho_so: '20.06541-260302-0012',
  thu_tuc: 'Đăng ký khai sinh',
  ngay_hen: '17:00 13/03/2026',
  ly_do: 'Giấy chứng sinh bị mờ',
  tra_cuu: 'https://xaso.vn/tra-cuu?ma=20.06541-260302-0012',
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
): SmsTemplateKey | undefined {
  if (actionType === 'overdue') return 'overdue';
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
