import { z } from 'zod';
import { ROLES } from '#platform/auth/actor.ts';
import { msg } from '#platform/validation.ts';

/**
 * The shape of an administrative procedure (thủ tục hành chính). This is the contract the dossiers
 * module builds on: the e-form is rendered and validated from `form`, the checklist from
 * `documents`, the clock from `days`, the hand-offs from `workflow`, the fees from `fees`.
 */

/** Text in Vietnamese, optionally in English (shown when English is chosen, else the Vietnamese). */
export const Text = z.object({ vi: z.string().trim().min(1), en: z.string().trim().optional() });
export type Text = z.infer<typeof Text>;

const slug = z
  .string()
  .regex(
    /^[a-z][a-zA-Z0-9_]{0,39}$/,
    msg(
      'Mã trường: chữ thường không dấu, số, gạch dưới.',
      'Field id: lower-case letters, digits, underscore.',
    ),
  );

export const FIELD_TYPES = [
  'text',
  'textarea',
  'date',
  'number',
  'select',
  'checkbox',
  'cccd',
  'phone',
  'email',
] as const;

export const FormField = z.object({
  name: slug,
  label: Text,
  type: z.enum(FIELD_TYPES),
  required: z.boolean().default(false),
  hint: Text.optional(),
  /** For `select`. */
  options: z.array(z.object({ value: z.string().min(1), label: Text })).optional(),
  maxLength: z.number().int().positive().max(5000).optional(),
  min: z.number().optional(),
  max: z.number().optional(),
});
export type FormField = z.infer<typeof FormField>;

export const DOCUMENT_FORMS = ['original', 'copy', 'certified_copy', 'original_or_copy'] as const;

export const RequiredDocument = z.object({
  id: slug,
  name: Text,
  /** bản chính / bản sao / bản sao có chứng thực / bản chính hoặc bản sao */
  form: z.enum(DOCUMENT_FORMS),
  count: z.number().int().positive().max(20).default(1),
  mandatory: z.boolean().default(true),
  note: Text.optional(),
});
export type RequiredDocument = z.infer<typeof RequiredDocument>;

/** When a fee falls due; the codes follow the national portal (1 at receipt, 2 at supplement, 4 at return). */
export const FEE_MOMENTS = ['receipt', 'supplement', 'return'] as const;

export const Fee = z.object({
  id: slug,
  name: Text,
  /** In đồng; 0 for free. */
  amount: z.number().int().min(0).max(1_000_000_000),
  /**
   * In đồng, when filing online costs less than at the counter (e.g. residence registration:
   * 20,000 đ in person, 10,000 đ online, Circular 75/2022/TT-BTC). Absent: `amount` either way.
   */
  onlineAmount: z.number().int().min(0).max(1_000_000_000).optional(),
  /**
   * What one unit is. `case`: one paper, however many signatures are certified on it (signature
   * certification, Circular 226/2016/TT-BTC: "10.000 đồng/trường hợp"; docs/rules.md).
   */
  per: z.enum(['dossier', 'case', 'page', 'copy', 'signature', 'transaction']).default('dossier'),
  dueAt: z.enum(FEE_MOMENTS).default('receipt'),
  note: Text.optional(),
  /**
   * The instrument that sets the fee, as the receipt prints it ("Thông tư số 226/2016/TT-BTC", or
   * the province's People's Council resolution). Absent: the receipt says it is not recorded.
   */
  basis: z.string().trim().min(1).max(300).optional(),
});
export type Fee = z.infer<typeof Fee>;

export const WORKFLOW_ROLES = ROLES.filter(
  (r) => r === 'receptionist' || r === 'specialist' || r === 'approver',
);

export const WorkflowStep = z.object({
  id: slug,
  name: Text,
  role: z.enum(['receptionist', 'specialist', 'approver']),
  /** This step's share of the procedure's processing time; shares add up to 1. */
  share: z.number().positive().max(1),
});
export type WorkflowStep = z.infer<typeof WorkflowStep>;

export const ONLINE_LEVELS = ['full', 'partial'] as const;
/** What a procedure's result is: a paper document, or data recorded in a database (no paper). */
export const RESULT_KINDS = ['paper', 'data'] as const;
export const COMPETENT_LEVELS = ['commune', 'province'] as const;
/** How `days` count: working days (the default) or calendar days ("ngày", weekends and holidays included). */
export const DAY_UNITS = ['working', 'calendar'] as const;
/**
 * Who receives and decides: the commune People's Committee through its one-stop centre (the
 * default, forms 01–07 of Circular 03/2025/TT-VPCP), or the commune police (residence, with the
 * forms of Circular 66/2023/TT-BCA, e.g. CT04 instead of form 01).
 */
export const AGENCIES = ['people_committee', 'police'] as const;
/**
 * Time the statutory clock does not count, by reason. `financial_obligations`: the applicant paying
 * land charges (land registration and certificates: "không tính thời gian thực hiện nghĩa vụ tài
 * chính"; docs/rules.md § Procedures catalogue).
 */
export const CLOCK_EXCLUSIONS = ['financial_obligations'] as const;

export const ProcedureDefinition = z
  .object({
    /** National code, e.g. "1.001193" or "2.000815"; a province may suffix it ("1.000948.H38"). */
    code: z
      .string()
      .trim()
      .regex(/^[0-9][0-9.]*[0-9A-Z.]*$/, msg('Mã thủ tục không hợp lệ.', 'Not a valid procedure code.'))
      .max(40),
    name: Text,
    /** Lĩnh vực, e.g. "Hộ tịch", "Chứng thực". */
    field: z.string().trim().min(1).max(100),
    /** In plain words: who it is for and what it gives them. */
    summary: Text,
    competentLevel: z.enum(COMPETENT_LEVELS).default('commune'),
    /** toàn trình (fully online) or một phần (one in-person step). */
    onlineLevel: z.enum(ONLINE_LEVELS),
    /** Processing time in working days (or calendar days, see `daysUnit`); 0 means the same working day. */
    days: z.number().min(0).max(365),
    /** Absent: working days. */
    daysUnit: z.enum(DAY_UNITS).optional(),
    /** Absent: the commune People's Committee (one-stop centre). */
    agency: z.enum(AGENCIES).optional(),
    clockExclusions: z.array(z.enum(CLOCK_EXCLUSIONS)).max(5).optional(),
    documents: z.array(RequiredDocument).max(40),
    form: z.array(FormField).max(60),
    fees: z.array(Fee).max(20),
    /**
     * `kind`: what the applicant receives. `paper` (a document, the default when absent) or `data`
     * (a record updated in a national database, e.g. residence registration: no paper is issued).
     * The Decision 766 index counts electronic results only for procedures that return a paper
     * (formulas 3.3, 4.1, 4.2; docs/rules.md § Statistics).
     */
    result: z.object({ name: Text, kind: z.enum(RESULT_KINDS).optional() }),
    workflow: z.array(WorkflowStep).min(1).max(12),
    legalBasis: z.array(z.string().trim().min(1)).max(30).default([]),
    /** False until an administrator has checked the record against the legal texts. */
    verified: z.boolean().default(false),
    /** What the check compared the record with (instruments, articles, the national record's date). */
    checkedAgainst: z.string().trim().min(1).max(500).optional(),
  })
  .superRefine((p, ctx) => {
    const total = p.workflow.reduce((s, w) => s + w.share, 0);
    if (Math.abs(total - 1) > 0.001) {
      ctx.addIssue({
        code: 'custom',
        path: ['workflow'],
        message: msg(
          `Tổng tỷ lệ thời gian các bước phải bằng 1 (đang là ${total}).`,
          `Step shares must add up to 1 (now ${total}).`,
        ),
      });
    }
    for (const [key, list] of [
      ['form', p.form.map((f) => f.name)],
      ['documents', p.documents.map((d) => d.id)],
      ['workflow', p.workflow.map((w) => w.id)],
    ] as const) {
      const dup = list.find((v, i) => list.indexOf(v) !== i);
      if (dup)
        ctx.addIssue({
          code: 'custom',
          path: [key],
          message: msg(`Mã "${dup}" bị trùng.`, `Duplicate id "${dup}".`),
        });
    }
    for (const [i, f] of p.form.entries()) {
      if (f.type === 'select' && !f.options?.length) {
        ctx.addIssue({
          code: 'custom',
          path: ['form', i, 'options'],
          message: msg('Trường chọn cần danh sách lựa chọn.', 'A select field needs options.'),
        });
      }
    }
  });
export type ProcedureDefinition = z.infer<typeof ProcedureDefinition>;

// Catalogue search, list and API shapes (written on purpose, not derived from the table).

export const ProcedureSearch = z.object({
  q: z.string().trim().max(100).optional(),
  field: z.string().trim().max(100).optional(),
});
export type ProcedureSearch = z.infer<typeof ProcedureSearch>;

export const ProcedureListItem = z.object({
  code: z.string(),
  /** The Vietnamese name. */
  name: z.string(),
  field: z.string(),
  days: z.number(),
  onlineLevel: z.enum(ONLINE_LEVELS),
  /** False while the record awaits an administrator's check against the legal texts. */
  verified: z.boolean(),
});
export type ProcedureListItem = z.infer<typeof ProcedureListItem>;

/** A definition as the API returns it, with the version a dossier can record it was filed under. */
export const ProcedureOut = ProcedureDefinition.safeExtend({ version: z.number().int().positive() });
export type ProcedureOut = z.infer<typeof ProcedureOut>;

export const ImportOut = z.object({
  created: z.array(z.string()),
  updated: z.array(z.string()),
  unchanged: z.number().int(),
});
