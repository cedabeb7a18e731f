import { z } from 'zod';
import { msg, phoneSchema } from '#platform/validation.ts';
import { ACTION_TYPES, PERSON_ACTIONS } from './dossiers.workflow.ts';

const nfc = (s: string) => s.normalize('NFC');

/** The person the dossier is for (chủ hồ sơ), as the receipt slip (form 01) lists them. */
export const Applicant = z.object({
  name: z.string().trim().min(2).max(120).transform(nfc),
  idNumber: z
    .string()
    .trim()
    .regex(
      /^\d{12}$/,
      msg('Số CCCD gồm đúng 12 chữ số.', 'A citizen ID number (CCCD) has exactly 12 digits.'),
    ),
  phone: phoneSchema,
  address: z.string().trim().min(5).max(300).transform(nfc),
  email: z.email().max(200).optional(),
});
export type Applicant = z.infer<typeof Applicant>;

export const CHANNELS = [1, 2, 3] as const;
export type Channel = (typeof CHANNELS)[number];

/** Dossier codes: '{agency}-{yymmdd}-{nnnn}'. Loose on the agency part, which provinces set. */
export const DossierCode = z
  .string()
  .trim()
  .toUpperCase()
  .regex(
    /^[A-Z0-9][A-Z0-9.]{0,29}-\d{6}-\d{4,6}$/,
    msg(
      'Mã hồ sơ có dạng như H15.50.05.13-261008-0975.',
      'A dossier code looks like H15.50.05.13-261008-0975.',
    ),
  );

export const Phone4 = z
  .string()
  .trim()
  .regex(
    /^\d{4}$/,
    msg('Nhập 4 chữ số cuối của số điện thoại.', 'Enter the last 4 digits of the phone number.'),
  );

/** Tracking: the code and the last four digits of the applicant's phone. */
export const TrackQuery = z.object({ ma: DossierCode, so: Phone4 });

/** An idempotency key: a client-chosen random string, UUID or similar. */
export const IdempotencyKey = z
  .string()
  .trim()
  .regex(
    /^[A-Za-z0-9_-]{16,100}$/,
    msg('Khoá chống gửi trùng không hợp lệ.', 'Not a valid idempotency key.'),
  );

/** What a staff member sends to act on a dossier (page form and API alike). */
export const ActionInput = z
  .object({
    type: z.enum(PERSON_ACTIONS),
    note: z.string().trim().max(2000).transform(nfc).optional(),
    /** assign: the specialist's user id. */
    assigneeId: z.coerce.number().int().positive().optional(),
    /** forward: the unit's official code. */
    unitCode: z.string().trim().max(20).optional(),
    /** request_supplement: the required-document ids that are missing or wrong. */
    documents: z
      .preprocess(
        (v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]),
        z.array(z.string().max(40)).max(40),
      )
      .optional(),
    /** extension_drafted: the new due date (a working day after the current due date). */
    newDueDate: z.iso
      .date(msg('Ngày theo dạng năm-tháng-ngày, ví dụ 2026-03-20.', 'A date like 2026-03-20.'))
      .optional(),
    /** The last action the sender saw; another action since then makes this one a conflict. */
    expected: z.coerce.number().int().positive().optional(),
  })
  .superRefine((a, ctx) => {
    const need = (field: 'note' | 'assigneeId' | 'unitCode', vi: string, en: string) => {
      if (a[field] === undefined) ctx.addIssue({ code: 'custom', path: [field], message: msg(vi, en) });
    };
    if (a.type === 'refuse') need('note', 'Ghi rõ lý do từ chối tiếp nhận.', 'Give the reason for refusing.');
    if (a.type === 'reject') need('note', 'Ghi rõ lý do không giải quyết.', 'Give the reason for rejecting.');
    if (a.type === 'stop') need('note', 'Ghi rõ lý do dừng xử lý.', 'Give the reason for stopping.');
    if (a.type === 'extension_drafted') {
      need(
        'note',
        'Ghi rõ lý do cần gia hạn (sẽ in trên văn bản xin lỗi, mẫu 04).',
        'Give the reason for the extension (printed on the apology, form 04).',
      );
      if (a.newDueDate === undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['newDueDate'],
          message: msg('Chọn ngày hẹn trả kết quả mới.', 'Choose the new due date.'),
        });
      }
    }
    if (a.type === 'extension_declined') {
      need('note', 'Ghi rõ vì sao không đồng ý gia hạn.', 'Say why the extension is declined.');
    }
    if (a.type === 'assign') need('assigneeId', 'Chọn cán bộ xử lý.', 'Choose the specialist.');
    if (a.type === 'forward')
      need('unitCode', 'Nhập mã đơn vị nhận hồ sơ.', 'Enter the receiving unit’s code.');
    if (a.type === 'request_supplement' && !a.note && !a.documents?.length) {
      ctx.addIssue({
        code: 'custom',
        path: ['note'],
        message: msg(
          'Ghi rõ giấy tờ cần bổ sung hoặc chọn trong danh sách.',
          'Say what is missing, or tick the documents.',
        ),
      });
    }
  });
export type ActionInput = z.infer<typeof ActionInput>;

/** Staff queue filters (query string). */
export const QueueQuery = z.object({
  view: z.enum(['mine', 'open', 'closed']).default('mine'),
  status: z.coerce.number().int().min(1).max(10).optional(),
  procedure: z.string().trim().max(40).optional(),
  due: z.enum(['near', 'late']).optional(),
  q: z.string().trim().min(2).max(100).optional(),
  after: z
    .string()
    .regex(/^[0-9A-Za-z_-]{1,80}$/)
    .optional(),
  limit: z.coerce.number().int().min(1).max(100).default(25),
});
export type QueueQuery = z.infer<typeof QueueQuery>;

export const SMS_TEMPLATE_KEYS = [
  'submitted',
  'received',
  'refused',
  'in_progress',
  'supplement_requested',
  'withdrawn',
  'stopped',
  'approved',
  'rejected',
  'returned',
  'overdue',
  'payment_requested',
  'payment_received',
  'extended',
  'result_ready',
  'result_online',
  'rating_invite',
] as const;
export type SmsTemplateKey = (typeof SMS_TEMPLATE_KEYS)[number];

export const TemplateInput = z.object({
  body: z.string().trim().min(10).max(480).transform(nfc),
  plain: z.preprocess((v) => v === 'on' || v === 'true' || v === true, z.boolean()),
});

export const AgencyCodeInput = z.object({
  placeCode: z.string().trim().min(1).max(20),
  agencyCode: z
    .string()
    .trim()
    .toUpperCase()
    .regex(
      /^[A-Z0-9][A-Z0-9.]{0,29}$/,
      msg(
        'Mã đơn vị: chữ in hoa, chữ số và dấu chấm, ví dụ H20.01.05.',
        'Agency code: capitals, digits and dots, e.g. H20.01.05.',
      ),
    ),
});

/** A unit's at-risk window: working days before the due time (0: only once due, 30 at most). */
export const AtRiskInput = z.object({
  placeCode: z.string().trim().min(1).max(20),
  atRiskDays: z.coerce
    .number()
    .int(msg('Nhập số ngày làm việc (số nguyên).', 'Enter a whole number of working days.'))
    .min(0)
    .max(30),
});

// API shapes, written on purpose (not derived from the tables).

export const TimelineEntryOut = z.object({
  at: z.string(),
  type: z.enum(ACTION_TYPES),
  statusCode: z.number(),
  text: z.string(),
  note: z.string().nullable(),
});

export const TrackingOut = z.object({
  code: z.string(),
  procedure: z.object({ code: z.string(), name: z.string() }),
  status: z.string(),
  statusCode: z.number().int().min(1).max(10),
  submittedAt: z.string(),
  receivedAt: z.string().nullable(),
  dueAt: z.string().nullable(),
  paused: z.boolean(),
  missing: z
    .object({
      documents: z.array(z.object({ id: z.string(), name: z.string() })),
      note: z.string().nullable(),
    })
    .nullable(),
  unit: z.string(),
  timeline: z.array(TimelineEntryOut),
});

export const SubmittedOut = z.object({
  code: z.string(),
  status: z.string(),
  statusCode: z.number().int().min(1).max(10),
});

export const ActionOut = z.object({
  id: z.number(),
  type: z.enum(ACTION_TYPES),
  at: z.string(),
  actor: z.string(),
  unitId: z.number(),
  note: z.string().nullable(),
  statusCode: z.number(),
  payload: z.record(z.string(), z.unknown()),
});

export const ActionResultOut = z.object({
  code: z.string(),
  status: z.string(),
  statusCode: z.number(),
  step: z.string(),
  dueAt: z.string().nullable(),
  available: z.array(z.string()),
});
