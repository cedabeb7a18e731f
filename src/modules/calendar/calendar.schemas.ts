import { z } from 'zod';
import { dateSchema } from '#platform/i18n/dates.ts';
import { msg } from '#platform/validation.ts';

/** One year's override as an admin types it: dates one per line or separated by commas. */
const dateList = z.preprocess(
  (v) =>
    typeof v === 'string'
      ? v
          .split(/[\s,;]+/)
          .map((s) => s.trim())
          .filter(Boolean)
      : v === undefined
        ? []
        : v,
  z
    .array(
      dateSchema(
        msg('Ngày theo dạng ngày/tháng/năm, ví dụ 16/02/2026.', 'Dates as day/month/year, e.g. 16/02/2026.'),
      ),
    )
    .max(60),
);

export const OverrideInput = z.object({
  year: z.coerce.number().int().min(2000).max(2200),
  /** The province's code (the page sends it); absent: the admin's own (first) province. */
  province: z.string().trim().max(10).optional(),
  replace: dateList.optional(),
  add: dateList,
  remove: dateList,
  workingDays: dateList,
  note: z.string().trim().max(300).optional(),
});
export type OverrideInput = z.infer<typeof OverrideInput>;

// The public calendar API (`calendar.api.ts`): written on purpose, not derived from the tables.

const provinceCode = z
  .string()
  .trim()
  .regex(
    /^[0-9]{2}$/,
    msg('Mã tỉnh gồm 2 chữ số, ví dụ 20 (Lạng Sơn).', 'A province code has 2 digits, e.g. 20 (Lạng Sơn).'),
  );

/** At most a year and a day at a time: a year's calendar in one answer. */
export const MAX_RANGE_DAYS = 366;

export const DaysQuery = z
  .object({
    province: provinceCode
      .optional()
      .describe('The province whose overrides apply; absent: the national calendar (the official notices)'),
    from: z.iso.date(msg('Ngày theo dạng năm-tháng-ngày, ví dụ 2026-02-16.', 'A date like 2026-02-16.')),
    to: z.iso.date(msg('Ngày theo dạng năm-tháng-ngày, ví dụ 2026-02-20.', 'A date like 2026-02-20.')),
  })
  .superRefine((q, ctx) => {
    const span = (Date.parse(q.to) - Date.parse(q.from)) / 86_400_000;
    if (span < 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['to'],
        message: msg('Ngày kết thúc phải sau ngày bắt đầu.', '"to" must not be before "from".'),
      });
    } else if (span >= MAX_RANGE_DAYS) {
      ctx.addIssue({
        code: 'custom',
        path: ['to'],
        message: msg(
          `Mỗi lần hỏi tối đa ${MAX_RANGE_DAYS} ngày.`,
          `At most ${MAX_RANGE_DAYS} days per request.`,
        ),
      });
    }
  });
export type DaysQuery = z.infer<typeof DaysQuery>;

const Name = z.object({ vi: z.string(), en: z.string() });

export const DayReasonOut = z.object({
  kind: z
    .enum(['weekend', 'holiday', 'substitute', 'swapped_off', 'swapped_workday', 'declared', 'worked'])
    .describe(
      'weekend; holiday; substitute (day in lieu of a weekend holiday); swapped_off (a weekday given off) and swapped_workday (the weekend day worked instead); declared / worked (the province’s own day off / working day)',
    ),
  holiday: z
    .enum([
      'new-year',
      'tet',
      'hung-kings',
      'reunification',
      'labour-day',
      'national-day',
      'november-24',
      'substitute',
      'swapped',
      'declared',
    ])
    .optional()
    .describe('The holiday the day belongs to'),
  name: Name,
  basis: z
    .enum(['notice', 'default', 'province'])
    .optional()
    .describe(
      'notice: the government’s notice for the year; default: computed by the Labour Code’s rules, no notice yet; province: the province’s override',
    ),
  notice: z.string().nullable().optional().describe('The number of the document that set the day'),
  noticeDate: z.string().nullable().optional(),
  note: z.string().optional().describe('The province’s note, for its own days'),
  lunar: z.string().optional(),
  substituteFor: z.string().optional(),
  swappedWith: z.string().optional(),
});

export const DayOut = z.object({
  date: z.string(),
  weekday: z.number().int().min(0).max(6).describe('0 = Sunday … 6 = Saturday'),
  workingDay: z.boolean(),
  reason: DayReasonOut.nullable().describe('Null for an ordinary weekday'),
});

export const YearBasisOut = z.object({
  year: z.number().int(),
  basis: z.enum(['notice', 'default']),
  notices: z.array(
    z.object({
      number: z.string().nullable(),
      date: z.string().nullable(),
      issuer: z.string(),
      title: z.string(),
    }),
  ),
});

const ProvinceOut = z.object({ code: z.string(), name: z.string() }).nullable();

export const DaysOut = z.object({
  province: ProvinceOut,
  from: z.string(),
  to: z.string(),
  years: z.array(YearBasisOut),
  days: z.array(DayOut),
});

export const DueQuery = z.object({
  province: provinceCode.optional(),
  received: z.iso.datetime({
    offset: true,
    message: msg(
      'Thời điểm tiếp nhận theo ISO 8601, ví dụ 2026-02-12T09:00:00+07:00.',
      'The receipt time in ISO 8601, e.g. 2026-02-12T09:00:00+07:00.',
    ),
  }),
  days: z.coerce
    .number()
    .min(0, msg('Số ngày không được âm.', 'Days cannot be negative.'))
    .max(365, msg('Tối đa 365 ngày.', 'At most 365 days.'))
    .refine(
      (n) => Number.isInteger(n * 2),
      msg('Số ngày là số nguyên hoặc nửa ngày (0,5).', 'Days are whole or half days (0.5).'),
    ),
  unit: z
    .enum(['working', 'calendar'])
    .default('working')
    .describe(
      'working days (the default), or calendar days as a few procedures count (land-dispute mediation)',
    ),
});
export type DueQuery = z.infer<typeof DueQuery>;

export const DueOut = z.object({
  province: ProvinceOut,
  received: z.string(),
  days: z.number(),
  unit: z.enum(['working', 'calendar']),
  dueAt: z.string().describe('The instant, UTC'),
  dueAtLocal: z.string().describe('The same instant in Vietnam time (+07:00)'),
});
