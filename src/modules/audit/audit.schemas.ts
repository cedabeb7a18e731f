import { z } from 'zod';
import { msg } from '#platform/validation.ts';
import { ACTION_LABELS, DOSSIER_PREFIX, DOSSIER_STEP_LABELS } from './audit.labels.ts';

const DAY_MS = 86_400_000;
/** Vietnam has no daylight saving: a day there starts at 17:00 UTC the day before. */
const VN_OFFSET_MS = 7 * 3_600_000;

/** A day as people write it (dd/mm/yyyy, d/m/yyyy, with / . or -) or as ISO (yyyy-mm-dd), in Vietnam. */
export function parseDay(text: string): { y: number; m: number; d: number } | null {
  const s = text.trim();
  const vi = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(s);
  const iso = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  const [y, m, d] = vi ? [vi[3], vi[2], vi[1]] : iso ? [iso[1], iso[2], iso[3]] : [];
  if (!y || !m || !d) return null;
  const date = new Date(Date.UTC(Number(y), Number(m) - 1, Number(d)));
  if (
    date.getUTCFullYear() !== Number(y) ||
    date.getUTCMonth() !== Number(m) - 1 ||
    date.getUTCDate() !== Number(d)
  )
    return null;
  return { y: Number(y), m: Number(m), d: Number(d) };
}

/** The instant a Vietnamese day starts. */
export function dayStart(day: { y: number; m: number; d: number }) {
  return new Date(Date.UTC(day.y, day.m - 1, day.d) - VN_OFFSET_MS);
}

/** dd/mm/yyyy of an instant, in Vietnam. */
export function formatDay(at: Date) {
  const v = new Date(at.getTime() + VN_OFFSET_MS);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(v.getUTCDate())}/${p(v.getUTCMonth() + 1)}/${v.getUTCFullYear()}`;
}

/** dd/mm/yyyy hh:mm:ss of an instant, in Vietnam, as people write it. */
export function formatMoment(at: Date) {
  const v = new Date(at.getTime() + VN_OFFSET_MS);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${formatDay(at)} ${p(v.getUTCHours())}:${p(v.getUTCMinutes())}:${p(v.getUTCSeconds())}`;
}

const day = z
  .string()
  .trim()
  .max(10)
  .refine(
    (s) => parseDay(s) !== null,
    msg(
      'Ngày không hợp lệ: viết theo dạng ngày/tháng/năm, ví dụ 15/03/2026.',
      'Not a valid date: write it as day/month/year, e.g. 15/03/2026.',
    ),
  )
  .optional();

export const KNOWN_ACTIONS = new Set([
  ...Object.keys(ACTION_LABELS),
  ...Object.keys(DOSSIER_STEP_LABELS).map((s) => `${DOSSIER_PREFIX}${s}`),
]);

/**
 * The audit page's filters (Vietnamese parameter names, docs/module-guide.md): `nguoi` the person,
 * `viec` the action, `tu`/`den` the first and last day, `xa` a place by code, `trang` the cursor.
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
    xa: z
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
    const from = q.tu ? parseDay(q.tu) : null;
    const to = q.den ? parseDay(q.den) : null;
    if (from && to && dayStart(to) < dayStart(from))
      ctx.addIssue({
        code: 'custom',
        path: ['den'],
        message: msg('Ngày cuối phải sau ngày đầu.', 'The last day must not be before the first.'),
      });
  });
export type AuditQuery = z.output<typeof AuditQuery>;

/** The filter's days as instants: from the first day's start to the end of the last (exclusive). */
export function dayRange(q: AuditQuery) {
  const from = q.tu ? parseDay(q.tu) : null;
  const to = q.den ? parseDay(q.den) : null;
  return {
    from: from ? dayStart(from) : undefined,
    to: to ? new Date(dayStart(to).getTime() + DAY_MS) : undefined,
  };
}
