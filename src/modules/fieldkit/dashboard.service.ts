import { findPlaceById, findPlacesByIds, getPlaceByCode, type Place } from '#modules/places/index.ts';
import { requireRole, requireStaff } from '#platform/auth/actor.ts';
import type { Ctx } from '#platform/context.ts';
import { toCsv } from '#platform/csv.ts';
import { Forbidden, Invalid } from '#platform/errors.ts';
import type { T } from '#platform/i18n/index.ts';
import { DASHBOARD_ROLES } from './fieldkit.access.ts';
import * as q from './fieldkit.queries.ts';

/** A share: how many of how many (null when there is nothing to divide by). */
export interface Share {
  numerator: number;
  denominator: number;
  value: number | null;
}
const share = (numerator: number, denominator: number): Share => ({
  numerator,
  denominator,
  value: denominator > 0 ? numerator / denominator : null,
});

export interface DashboardRow {
  place: { id: number; code: string; name: string };
  households: number;
  visited: number;
  visits: number;
  smartphone: Share;
  vneid: Share;
  vneidAdults: number;
  cashless: Share;
  publicService: Share;
  assisted: number;
}

export interface Dashboard {
  place: Place;
  from: string;
  to: string;
  rows: DashboardRow[];
  total: DashboardRow;
  members: { memberId: number; memberName: string; visits: number; households: number }[];
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;
/** Midnight in Vietnam (UTC+7 all year) of a calendar day. */
const vnMidnight = (day: string) => new Date(`${day}T00:00:00+07:00`);

/** The first and last day of the current month in Vietnam, as the default period. */
export function currentMonth(now: Date) {
  const vn = new Date(now.getTime() + 7 * 3600_000);
  const y = vn.getUTCFullYear();
  const m = vn.getUTCMonth();
  const last = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
  const mm = String(m + 1).padStart(2, '0');
  return { from: `${y}-${mm}-01`, to: `${y}-${mm}-${String(last).padStart(2, '0')}` };
}

/** Where the actor's figures start: the place of their first grant that may see them. */
export async function defaultPlace(ctx: Ctx) {
  const staff = requireStaff(ctx.actor);
  const grant = staff.grants.find((g) => DASHBOARD_ROLES.includes(g.role));
  const place = grant && (await findPlaceById(ctx.db, grant.placeId));
  if (!place) throw new Forbidden();
  return place;
}

/**
 * The teams' figures for a hamlet, a commune or a province over a period: one row per unit just
 * below it (the hamlet itself for a hamlet), and a total. Shares are of the households visited in
 * the period, each counted by its latest visit in the period. No personal data: counts only.
 */
export async function dashboard(
  ctx: Ctx,
  input: { placeCode: string; from: string; to: string },
): Promise<Dashboard> {
  const place = await getPlaceByCode(ctx.db, input.placeCode);
  requireRole(ctx.actor, DASHBOARD_ROLES, place.path);
  if (!DAY.test(input.from) || !DAY.test(input.to) || input.from > input.to) {
    throw new Invalid([
      { field: 'tu', vi: 'Chọn từ ngày trước đến ngày.', en: 'The period must start before it ends.' },
    ]);
  }
  const from = vnMidnight(input.from);
  const to = new Date(vnMidnight(input.to).getTime() + 86_400_000);
  const figures = await q.dashboardFigures(ctx.db, place.path, from, to);
  const groups =
    place.level === 'village'
      ? [place]
      : await findPlacesByIds(
          ctx.db,
          figures.map((f) => f.groupId),
        );
  const byId = new Map(groups.map((g) => [g.id, g]));
  const rowOf = (f: q.DashboardFigures, p: { id: number; code: string; name: string }): DashboardRow => ({
    place: p,
    households: f.households,
    visited: f.visited,
    visits: f.visits,
    smartphone: share(f.smartphone, f.visited),
    vneid: share(f.vneid, f.visited),
    vneidAdults: f.vneidAdults,
    cashless: share(f.cashless, f.visited),
    publicService: share(f.publicService, f.visited),
    assisted: f.assisted,
  });
  const rows = figures
    .map((f) => {
      const p = place.level === 'village' ? place : byId.get(f.groupId);
      return rowOf(f, {
        id: p?.id ?? f.groupId,
        code: p?.code ?? '',
        name: p?.fullName ?? String(f.groupId),
      });
    })
    .sort((a, b) => a.place.name.localeCompare(b.place.name, 'vi'));
  const sum = (k: keyof q.DashboardFigures) => figures.reduce((n, f) => n + f[k], 0);
  const total = rowOf(
    {
      groupId: place.id,
      households: sum('households'),
      visited: sum('visited'),
      visits: sum('visits'),
      smartphone: sum('smartphone'),
      vneid: sum('vneid'),
      vneidAdults: sum('vneidAdults'),
      cashless: sum('cashless'),
      publicService: sum('publicService'),
      assisted: sum('assisted'),
    },
    { id: place.id, code: place.code, name: place.fullName },
  );
  const members = await q.visitsPerMember(ctx.db, place.path, from, to);
  return { place, from: input.from, to: input.to, rows, total, members };
}

const pct = (s: Share) => (s.value === null ? '' : (s.value * 100).toFixed(1));

/**
 * The figures as CSV (UTF-8 with a BOM for spreadsheets): machine column names, one row per unit
 * and the total, then one row per member.
 */
export function dashboardCsv(d: Dashboard, t: T): string {
  const rows: unknown[][] = [
    [
      'bang',
      'ma',
      'ten',
      'tu_ngay',
      'den_ngay',
      'so_ho',
      'so_ho_da_tham',
      'so_lan_tham',
      'ho_co_smartphone',
      'ty_le_smartphone',
      'ho_co_vneid2',
      'so_nguoi_vneid2',
      'ty_le_vneid2',
      'ho_co_tk_khong_tien_mat',
      'ty_le_khong_tien_mat',
      'ho_co_tk_dvc',
      'ty_le_tk_dvc',
      'ho_so_ho_tro',
    ],
  ];
  for (const r of [...d.rows, d.total]) {
    rows.push([
      r === d.total ? 'tong' : 'dia_ban',
      r.place.code,
      r.place.name,
      d.from,
      d.to,
      r.households,
      r.visited,
      r.visits,
      r.smartphone.numerator,
      pct(r.smartphone),
      r.vneid.numerator,
      r.vneidAdults,
      pct(r.vneid),
      r.cashless.numerator,
      pct(r.cashless),
      r.publicService.numerator,
      pct(r.publicService),
      r.assisted,
    ]);
  }
  rows.push([]);
  rows.push([
    'bang',
    'ma_thanh_vien',
    t('fieldkit:dash.member'),
    'tu_ngay',
    'den_ngay',
    'so_lan_tham',
    'so_ho_da_tham',
  ]);
  for (const m of d.members)
    rows.push(['thanh_vien', m.memberId, m.memberName, d.from, d.to, m.visits, m.households]);
  return toCsv(rows);
}
