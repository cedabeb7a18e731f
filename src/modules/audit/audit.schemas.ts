import { z } from 'zod';
import { dateSchema, VIETNAM_UTC_OFFSET_MS } from '#platform/i18n/dates.ts';
import { msg } from '#platform/validation.ts';
import { ACTION_LABELS, DOSSIER_PREFIX, DOSSIER_STEP_LABELS } from './audit.labels.ts';

const DAY_MS = 86_400_000;

/** The instant a Vietnamese civil day (ISO 'yyyy-mm-dd') starts. */
export function dayStart(iso: string) {
  return new Date(Date.parse(`${iso}T00:00:00Z`) - VIETNAM_UTC_OFFSET_MS);
}

/** A day field: dd/mm/yyyy or ISO, as the platform reads dates (decision 035); gives the ISO date. */
const day = z
  .string()
  .max(20)
  .pipe(
    dateSchema(
      msg(
        'Ngày không hợp lệ: viết theo dạng ngày/tháng/năm, ví dụ 15/03/2026.',
        'Not a valid date: write it as day/month/year, e.g. 15/03/2026.',
      ),
    ),
  )
  .optional();

export const KNOWN_ACTIONS = new Set([
  ...Object.keys(ACTION_LABELS),
  ...Object.keys(DOSSIER_STEP_LABELS).map((s) => `${DOSSIER_PREFIX}${s}`),
]);

/**
 * The audit page's filters (Vietnamese parameter names, docs/module-guide.md): `nguoi` the person,
 * `viec` the action, `tu`/`den` the first and last day, `noi` a place by code, `trang` the cursor.
 */
export const AuditQuery = z
  .object({
    nguoi: z.string().trim().max(100).optional(),
    viec: z
      .string()
      .max(80)
      .refine(
        (a) => KNOWN_ACTIONS.has(a),
        msg('Vui lòng chọn một việc trong danh sách.', 'Please choose an action from the list.'),
      )
      .optional(),
    tu: day,
    den: day,
    noi: z
      .string()
      .trim()
      .max(20)
      .regex(/^[0-9A-Za-z._-]+$/, msg('Mã địa bàn không hợp lệ.', 'Not a valid place code.'))
      .optional(),
    trang: z.string().max(60).optional(),
    // Older links (`?before=<id>`, the page's first parameter) keep working.
    before: z.coerce.number().int().positive().optional(),
  })
  .superRefine((q, ctx) => {
    if (q.tu && q.den && q.den < q.tu)
      ctx.addIssue({
        code: 'custom',
        path: ['den'],
        message: msg('Ngày cuối phải sau ngày đầu.', 'The last day must not be before the first.'),
      });
  });
export type AuditQuery = z.output<typeof AuditQuery>;

/** The filter's days as instants: from the first day's start to the end of the last (exclusive). */
export function dayRange(q: AuditQuery) {
  return {
    from: q.tu ? dayStart(q.tu) : undefined,
    to: q.den ? new Date(dayStart(q.den).getTime() + DAY_MS) : undefined,
  };
}
