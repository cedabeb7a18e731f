import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { recordAudit } from '#modules/audit/index.ts';
import { createUser, listStaffFor, NewUser } from '#modules/identity/index.ts';
import { getPlaceByCode, listChildren, type Place } from '#modules/places/index.ts';
import { requireRole, requireStaff } from '#platform/auth/actor.ts';
import type { Ctx } from '#platform/context.ts';
import { type CsvColumn, lineError, parseRows, readCsv } from '#platform/csv.ts';
import { Conflict, Invalid } from '#platform/errors.ts';
import { fieldErrors, msg } from '#platform/validation.ts';
import { LEADER, MAX_HOUSEHOLDS_PER_HAMLET, MEMBER, requireReview } from './fieldkit.access.ts';
import * as q from './fieldkit.queries.ts';
import { HouseholdFields } from './fieldkit.schemas.ts';
import { getHamlet } from './households.service.ts';

export interface TeamSummary {
  hamlet: Place;
  members: { userId: number; displayName: string }[];
  leaders: { userId: number; displayName: string }[];
  households: number;
  openConflicts: number;
}

/** A commune's hamlets and their teams, for an admin of the commune (or above). */
export async function listTeams(
  ctx: Ctx,
  communeCode: string,
): Promise<{ commune: Place; teams: TeamSummary[] }> {
  const commune = await getPlaceByCode(ctx.db, communeCode);
  requireRole(ctx.actor, 'admin', commune.path);
  const hamlets = (await listChildren(ctx.db, commune.id)).filter((p) => p.level === 'village' && !p.validTo);
  const counts = await q.teamCounts(
    ctx.db,
    hamlets.map((h) => h.id),
  );
  const teams = await Promise.all(
    hamlets.map(async (hamlet) => ({
      hamlet,
      members: await listStaffFor(ctx.db, MEMBER, hamlet.path),
      leaders: await listStaffFor(ctx.db, LEADER, hamlet.path),
      households: counts.get(hamlet.id)?.households ?? 0,
      openConflicts: counts.get(hamlet.id)?.conflicts ?? 0,
    })),
  );
  return { commune, teams };
}

export async function teamOf(ctx: Ctx, hamletId: number): Promise<TeamSummary> {
  const hamlet = await getHamlet(ctx.db, hamletId);
  requireReview(ctx.actor, hamlet.path);
  const counts = await q.teamCounts(ctx.db, [hamlet.id]);
  return {
    hamlet,
    members: await listStaffFor(ctx.db, MEMBER, hamlet.path),
    leaders: await listStaffFor(ctx.db, LEADER, hamlet.path),
    households: counts.get(hamlet.id)?.households ?? 0,
    openConflicts: counts.get(hamlet.id)?.conflicts ?? 0,
  };
}

/** A new team member: an account (identity's own rules for it) with the role at the hamlet. */
export const NewMember = NewUser.pick({
  username: true,
  displayName: true,
  password: true,
  phone: true,
}).extend({
  leader: z.preprocess((v) => v === 'on' || v === true, z.boolean()),
});
export type NewMember = z.infer<typeof NewMember>;

/** The commune's admin gives a hamlet's team a new member (an account with the role at the hamlet). */
export async function addMember(ctx: Ctx, hamletId: number, input: NewMember) {
  const hamlet = await getHamlet(ctx.db, hamletId);
  requireRole(ctx.actor, 'admin', hamlet.path);
  const { leader, ...account } = input;
  return createUser(ctx, { ...account, role: leader ? LEADER : MEMBER, placeCode: hamlet.code });
}

// ---------------------------------------------------------------------------------------------
// Household import

export const HOUSEHOLD_CSV_COLUMNS: readonly CsvColumn[] = [
  { name: 'chu_ho', aliases: ['chủ hộ', 'ho ten chu ho', 'head', 'head_name'] },
  { name: 'so_nguoi', aliases: ['số người', 'so nhan khau', 'members'], required: true },
  { name: 'dien_thoai', aliases: ['điện thoại', 'số điện thoại', 'phones', 'phone'] },
  { name: 'dia_chi', aliases: ['địa chỉ', 'address'], required: true },
  { name: 'vi_do', aliases: ['vĩ độ', 'lat'] },
  { name: 'kinh_do', aliases: ['kinh độ', 'lng', 'lon'] },
  { name: 'dong_y', aliases: ['đồng ý', 'dong y ghi thong tin', 'consent'], required: true },
];

export const HOUSEHOLD_CSV_TEMPLATE = [
  HOUSEHOLD_CSV_COLUMNS.map((c) => c.name),
  ['Hoàng Văn Páo', '5', '0912345678', 'Xóm Trên, cạnh cầu treo', '21.8537', '106.9950', 'có'],
  ['', '3', '', 'Xóm Dưới, nhà thứ hai sau trường', '', '', 'không'],
];

const FIELD_COLUMN: Record<string, string> = {
  headName: 'chu_ho',
  members: 'so_nguoi',
  phones: 'dien_thoai',
  address: 'dia_chi',
  lat: 'vi_do',
  lng: 'kinh_do',
  consent: 'dong_y',
};

const YES = new Set(['co', 'có', 'yes', 'y', 'x', '1', 'true', 'dong y', 'đồng ý']);
const NO = new Set(['khong', 'không', 'no', 'n', '0', 'false', '']);

function consentOf(v: string | undefined): boolean | string {
  const s = (v ?? '').trim().toLowerCase();
  if (YES.has(s)) return true;
  if (NO.has(s)) return false;
  return s; // Left as text: the schema then says it is not a yes or no.
}

const ConsentCell = z.boolean(
  msg('Ghi "có" hoặc "không" (hộ đồng ý ghi thông tin).', 'Write "có" or "không" (the household’s consent).'),
);

export interface HouseholdImportResult {
  added: number;
  /** Rows matching a household already registered (same head and address): left as they are. */
  present: number;
}

/**
 * The team leader or an admin imports a hamlet's register from CSV: every row checked first, every
 * problem reported by line and column; then all rows in one transaction, or none. A row that
 * matches a registered household (head of household and address, without diacritics) is skipped,
 * so importing a file twice adds nothing.
 */
export async function importHouseholds(
  ctx: Ctx,
  hamletId: number,
  csv: string,
): Promise<HouseholdImportResult> {
  const hamlet = await getHamlet(ctx.db, hamletId);
  requireReview(ctx.actor, hamlet.path);
  const staff = requireStaff(ctx.actor);
  const rows = readCsv(csv, HOUSEHOLD_CSV_COLUMNS, { maxRows: MAX_HOUSEHOLDS_PER_HAMLET });
  const consent = rows.flatMap((r) => {
    const c = consentOf(r.values.dong_y);
    const ok = ConsentCell.safeParse(c);
    const [problem] = ok.success ? [] : fieldErrors(ok.error);
    return problem ? [lineError(r.line, 'dong_y', problem)] : [];
  });
  if (consent.length) throw new Invalid(consent.slice(0, 50));
  const parsed = parseRows(
    rows,
    HouseholdFields,
    ({ values: v }) => ({
      headName: v.chu_ho,
      members: v.so_nguoi,
      phones: v.dien_thoai,
      address: v.dia_chi,
      lat: v.vi_do,
      lng: v.kinh_do,
      consent: consentOf(v.dong_y) === true,
    }),
    (field) => FIELD_COLUMN[field.split('.')[0] ?? field] ?? field,
  );
  const now = ctx.clock.now();
  return ctx.db.transaction(async (tx) => {
    await q.lockHamlet(tx, hamlet);
    const existing = await q.householdKeys(tx, hamlet.id);
    const keyOf = (name: string | undefined, address: string) =>
      `${name ?? ''}|${address}`.normalize('NFD').replace(/\p{M}/gu, '').replace(/đ/gi, 'd').toLowerCase();
    const known = new Set(existing.map((h) => keyOf(h.headName ?? undefined, h.address)));
    const fresh = parsed.filter((p) => !known.has(keyOf(p.data.headName, p.data.address)));
    if (existing.length + fresh.length > MAX_HOUSEHOLDS_PER_HAMLET) {
      throw new Conflict({
        vi: `Mỗi thôn, bản ghi tối đa ${MAX_HOUSEHOLDS_PER_HAMLET} hộ; thôn đã có ${existing.length}, tệp thêm ${fresh.length}.`,
        en: `A hamlet holds at most ${MAX_HOUSEHOLDS_PER_HAMLET} households; it has ${existing.length}, the file adds ${fresh.length}.`,
      });
    }
    for (const { data } of fresh) {
      await q.insertHousehold(tx, {
        id: randomUUID(),
        hamletId: hamlet.id,
        hamletPath: hamlet.path,
        headName: data.headName ?? null,
        members: data.members,
        phones: data.phones,
        address: data.address,
        lat: data.lat ?? null,
        lng: data.lng ?? null,
        consent: data.consent,
        version: 1,
        updateId: q.NEXT_UPDATE_ID,
        needsReview: false,
        visitCount: 0,
        createdAt: now,
        createdBy: staff.userId,
        updatedAt: now,
        updatedBy: staff.userId,
      });
    }
    await recordAudit(tx, ctx.actor, ctx.meta, {
      action: 'fieldkit.household.import',
      targetType: 'place',
      targetId: hamlet.id,
      place: hamlet,
      details: { added: fresh.length, present: parsed.length - fresh.length },
    });
    return { added: fresh.length, present: parsed.length - fresh.length };
  });
}
