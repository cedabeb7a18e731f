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
  replace: dateList.optional(),
  add: dateList,
  remove: dateList,
  workingDays: dateList,
  note: z.string().trim().max(300).optional(),
});
export type OverrideInput = z.infer<typeof OverrideInput>;
