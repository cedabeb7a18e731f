import { z } from 'zod';
import { msg } from '#platform/validation.ts';
import { CODE_PATTERN, ExpressionError, parseExpression } from './expression.ts';
import { PERIOD_TYPES, parsePeriod } from './periods.ts';

/**
 * The model's contract, written on purpose (not derived from the tables): what a province admin
 * edits, what the JSON export holds, what import takes back. Decision 026 says why it is this small.
 */

/** Text in Vietnamese, optionally in English (shown when English is chosen, else the Vietnamese). */
export const Text = z.object({
  vi: z.string().trim().min(1).max(300),
  en: z.string().trim().max(300).optional(),
});
export type Text = z.infer<typeof Text>;

export const Code = z
  .string()
  .trim()
  .regex(
    CODE_PATTERN,
    msg(
      'Mã: chữ in hoa không dấu, chữ số và "_", bắt đầu bằng chữ, tối đa 40 ký tự (ví dụ HGD_SMARTPHONE).',
      'Code: capital letters, digits and "_", starting with a letter, at most 40 (e.g. HGD_SMARTPHONE).',
    ),
  );

export const VALUE_TYPES = ['integer', 'number', 'percent'] as const;
/** How values add up the tree and over time: sum; average (over places and periods); last (the latest period's value, summed over places: a stock such as households). */
export const AGGREGATIONS = ['sum', 'average', 'last'] as const;
export const DISAGGREGATIONS = ['none', 'sex', 'ethnicity', 'hamlet'] as const;
export type ValueType = (typeof VALUE_TYPES)[number];
export type Aggregation = (typeof AGGREGATIONS)[number];
export type Disaggregation = (typeof DISAGGREGATIONS)[number];

export interface CategoryOption {
  code: string;
  name: Text;
}

/**
 * The fixed category options. Hamlets are not listed: a value broken down by hamlet is stored at
 * the hamlet itself (the place tree is the category), so the commune's form asks one figure per
 * current village. Ethnic groups: those of Lạng Sơn's people named in DOMAIN.md, then "other".
 */
export const CATEGORY_OPTIONS: Record<'sex' | 'ethnicity', CategoryOption[]> = {
  sex: [
    { code: 'nam', name: { vi: 'Nam', en: 'Male' } },
    { code: 'nu', name: { vi: 'Nữ', en: 'Female' } },
  ],
  ethnicity: [
    { code: 'kinh', name: { vi: 'Kinh', en: 'Kinh' } },
    { code: 'tay', name: { vi: 'Tày', en: 'Tày' } },
    { code: 'nung', name: { vi: 'Nùng', en: 'Nùng' } },
    { code: 'dao', name: { vi: 'Dao', en: 'Dao' } },
    { code: 'hmong', name: { vi: "H'Mông", en: 'Hmong' } },
    { code: 'san_chay', name: { vi: 'Sán Chay', en: 'San Chay' } },
    { code: 'khac', name: { vi: 'Dân tộc khác', en: 'Other groups' } },
  ],
};

export const ElementDefinition = z
  .object({
    code: Code,
    name: Text,
    description: Text.optional(),
    valueType: z.enum(VALUE_TYPES).default('integer'),
    aggregation: z.enum(AGGREGATIONS).default('sum'),
    disaggregation: z.enum(DISAGGREGATIONS).default('none'),
    /** Range a typed value must fall in (a percent is 0–100 whatever is set). */
    min: z.number().optional(),
    max: z.number().optional(),
  })
  .superRefine((e, ctx) => {
    if (e.min !== undefined && e.max !== undefined && e.min > e.max)
      ctx.addIssue({
        code: 'custom',
        path: ['max'],
        message: msg(
          'Giá trị lớn nhất phải từ giá trị nhỏ nhất trở lên.',
          'The maximum must not be below the minimum.',
        ),
      });
    if (e.aggregation === 'average' && e.disaggregation !== 'none')
      ctx.addIssue({
        code: 'custom',
        path: ['disaggregation'],
        message: msg(
          'Chỉ tiêu lấy trung bình không chia nhóm được: trung bình của các nhóm không phải là trung bình chung.',
          'An averaged element cannot be disaggregated: the average of the groups is not the overall average.',
        ),
      });
  });
export type ElementDefinition = z.output<typeof ElementDefinition>;

const expression = z
  .string()
  .trim()
  .min(1)
  .max(500)
  .superRefine((src, ctx) => {
    try {
      parseExpression(src);
    } catch (e) {
      if (!(e instanceof ExpressionError)) throw e;
      ctx.addIssue({ code: 'custom', message: msg(e.vi, e.en) });
    }
  });

export const IndicatorDefinition = z.object({
  code: Code,
  name: Text,
  description: Text.optional(),
  /** Group shown in lists and on the public page (e.g. "DTI – Xã hội số"). */
  group: z.string().trim().max(100).optional(),
  numerator: expression,
  denominator: expression.default('1'),
  /** 100 for a percentage, 1000 for "per thousand", 1 for a plain ratio or count. */
  factor: z.number().positive().max(1_000_000).default(1),
  /** Unit shown after the value ('%', 'hồ sơ', 'ngày'). */
  unit: z.string().trim().max(20).optional(),
  decimals: z.number().int().min(0).max(4).default(1),
  target: z.number().optional(),
  higherIsBetter: z.boolean().default(true),
  published: z.boolean().default(false),
});
export type IndicatorDefinition = z.output<typeof IndicatorDefinition>;

export const DataSetDefinition = z.object({
  code: Code,
  name: Text,
  periodType: z.enum(PERIOD_TYPES),
  /** Days after the period's last day by which the report is due (5: the 5th of the next month). */
  dueDays: z.number().int().min(0).max(366).default(5),
  /** The places that report it: communes, or villages (community teams). */
  level: z.enum(['commune', 'village']).default('commune'),
  elements: z.array(Code).min(1).max(200),
});
export type DataSetDefinition = z.output<typeof DataSetDefinition>;

export const MODEL_FORMAT = 'xa-so/indicators';

/** What export writes and import reads: the whole editable model. */
export const ModelFile = z.object({
  format: z.literal(MODEL_FORMAT),
  version: z.literal(1),
  elements: z.array(z.unknown()).max(2000).default([]),
  indicators: z.array(z.unknown()).max(2000).default([]),
  dataSets: z.array(z.unknown()).max(500).default([]),
});

export const KINDS = ['element', 'indicator', 'data_set'] as const;
export type Kind = (typeof KINDS)[number];

export const PeriodId = z
  .string()
  .trim()
  .refine((p) => parsePeriod(p) !== undefined, {
    message: msg(
      'Kỳ báo cáo không hợp lệ (ví dụ 2026, 2026Q4, 202612, 2026W49).',
      'Not a reporting period (e.g. 2026, 2026Q4, 202612, 2026W49).',
    ),
  });

/** Approval steps: the comment is required to return or reopen (the commune must know why). */
export const ApprovalInput = z
  .object({
    action: z.enum(['submit', 'approve', 'return', 'reopen']),
    comment: z.string().trim().max(2000).optional(),
  })
  .superRefine((a, ctx) => {
    if ((a.action === 'return' || a.action === 'reopen') && !a.comment)
      ctx.addIssue({
        code: 'custom',
        path: ['comment'],
        message: msg('Vui lòng ghi lý do.', 'Please give the reason.'),
      });
  });
export type ApprovalInput = z.output<typeof ApprovalInput>;
