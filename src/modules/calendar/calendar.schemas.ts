import { z } from 'zod';
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
      z.iso.date(
        msg('Ngày theo dạng năm-tháng-ngày, ví dụ 2026-02-16.', 'Dates as year-month-day, e.g. 2026-02-16.'),
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
