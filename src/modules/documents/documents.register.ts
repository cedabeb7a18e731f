import { z } from 'zod';
import { findDossierRecord } from '#modules/dossiers/index.ts';
import { findPlaceById, getPlaceByCode, type Place } from '#modules/places/index.ts';
import { hasRole, type Role, requireStaff } from '#platform/auth/actor.ts';
import type { Ctx } from '#platform/context.ts';
import { Forbidden, Invalid } from '#platform/errors.ts';
import { parseDate } from '#platform/i18n/dates.ts';
import { msg, parse } from '#platform/validation.ts';
import { deskIssuer } from './documents.service.ts';
import { CHANNELS_VI, type Register, type RegisterRow } from './forms/types.ts';

/**
 * Form 07, the register of dossiers (sổ theo dõi hồ sơ), for a unit and a period: the dossiers
 * validly received in it, read through the dossiers module's published `dossier_facts` view (which
 * ones) and its exported `findDossierRecord` (their applicant and log). Staff with a workflow role
 * or admin covering the unit may print it.
 */

const STAFF_ROLES: readonly Role[] = ['receptionist', 'specialist', 'approver', 'admin'];
/** A province's month of dossiers fits; a longer period is refused (choose a shorter one). */
export const REGISTER_MAX_ROWS = 5000;

/** "2026-11-01" or "01/11/2026" → "2026-11-01". */
const day = (label: { vi: string; en: string }) =>
  z
    .string()
    .trim()
    .transform((v) => parseDate(v) ?? v)
    .pipe(
      z
        .string()
        .regex(
          /^\d{4}-\d{2}-\d{2}$/,
          msg(`${label.vi}: ghi ngày dạng dd/mm/yyyy.`, `${label.en}: a date as dd/mm/yyyy.`),
        )
        .refine((v) => !Number.isNaN(Date.parse(`${v}T00:00:00+07:00`)) && Number(v.slice(0, 4)) >= 2000, {
          message: msg(`${label.vi}: ngày không có thật.`, `${label.en}: no such date.`),
        }),
    );

export const RegisterQuery = z
  .object({
    'don-vi': z
      .string()
      .trim()
      .regex(/^[0-9A-Za-z.]{1,20}$/, msg('Chọn đơn vị.', 'Choose the unit.')),
    tu: day({ vi: 'Từ ngày', en: 'From' }),
    den: day({ vi: 'Đến ngày', en: 'To' }),
  })
  .refine((q) => q.tu <= q.den, {
    path: ['den'],
    message: msg('"Đến ngày" phải sau "Từ ngày".', '"To" must not be before "From".'),
  });
export type RegisterQuery = z.output<typeof RegisterQuery>;

/** The units a staff member may print the register of: the places of their grants. */
export async function registerUnits(ctx: Ctx): Promise<Place[]> {
  const staff = requireStaff(ctx.actor);
  const out = new Map<number, Place>();
  for (const g of staff.grants) {
    if (!STAFF_ROLES.includes(g.role) || out.has(g.placeId)) continue;
    const p = await findPlaceById(ctx.db, g.placeId);
    if (p) out.set(p.id, p);
  }
  return [...out.values()];
}

const STATE_VI: Record<number, string> = {
  1: 'Mới nộp trực tuyến',
  2: 'Đang giải quyết',
  3: 'Từ chối tiếp nhận',
  4: 'Đang giải quyết',
  5: 'Chờ bổ sung hồ sơ',
  6: 'Chờ nộp phí, lệ phí',
  7: 'Người nộp rút hồ sơ',
  8: 'Dừng giải quyết',
  9: 'Đã giải quyết, chờ trả kết quả',
  10: 'Đã trả kết quả',
};

/** The state in words, with whether it was (or is) on time against the due date. */
function stateOf(d: { status: number; dueAt: Date | null; decidedAt: Date | null }, now: Date): string {
  const words = STATE_VI[d.status] ?? 'Đang giải quyết';
  if (!d.dueAt || d.status === 3 || d.status === 7 || d.status === 8) return words;
  const end = d.status === 9 || d.status === 10 ? d.decidedAt : null;
  if (end) return `${words} – ${end <= d.dueAt ? 'đúng hạn' : 'quá hạn'}`;
  return `${words} – ${now <= d.dueAt ? 'trong hạn' : 'quá hạn'}`;
}

export async function buildRegister(ctx: Ctx, raw: unknown): Promise<Register> {
  const staff = requireStaff(ctx.actor);
  const q = parse(RegisterQuery, raw);
  const place = await getPlaceByCode(ctx.db, q['don-vi']);
  if (!hasRole(staff, STAFF_ROLES, place.path)) throw new Forbidden();
  const rows = await ctx.sql.query<{ id: number }>(
    `select id from dossier_facts
      where unit_path like $1 || '%'
        and valid_received_at >= ($2::date)::timestamp at time zone 'Asia/Ho_Chi_Minh'
        and valid_received_at < ($3::date + 1)::timestamp at time zone 'Asia/Ho_Chi_Minh'
      order by valid_received_at, id
      limit ${REGISTER_MAX_ROWS + 1}`,
    [place.path, q.tu, q.den],
  );
  if (rows.length > REGISTER_MAX_ROWS) {
    throw new Invalid([
      {
        field: 'den',
        vi: `Có hơn ${REGISTER_MAX_ROWS} hồ sơ trong thời gian này: chọn khoảng thời gian ngắn hơn.`,
        en: `More than ${REGISTER_MAX_ROWS} dossiers in this period: choose a shorter one.`,
      },
    ]);
  }
  const now = ctx.clock.now();
  const units = new Map<number, string>();
  const unitName = async (id: number) => {
    let name = units.get(id);
    if (!name) {
      const p = await findPlaceById(ctx.db, id);
      name = p ? `UBND ${p.fullName.replace(/^./, (c) => c.toLocaleLowerCase('vi'))}` : '';
      units.set(id, name);
    }
    return name;
  };
  const out: RegisterRow[] = [];
  for (const { id } of rows) {
    const d = await findDossierRecord(ctx.db, { id: Number(id) });
    if (!d?.validReceivedAt) continue;
    out.push({
      code: d.code,
      procedureName: d.procedure.name.vi,
      applicant: { name: d.applicant.name, address: d.applicant.address, phone: d.applicant.phone },
      decidingUnit: d.procedure.agency === 'police' ? 'Công an xã' : await unitName(d.unitId),
      receivedAt: d.validReceivedAt,
      dueAt: d.dueAt,
      finishedAt: d.finishedAt,
      state: stateOf(d, now),
      channel: CHANNELS_VI[d.channel],
    });
  }
  return {
    issuer: await deskIssuer(ctx, place.id),
    unitName: place.fullName,
    from: q.tu,
    to: q.den,
    rows: out,
    printedAt: now,
  };
}
