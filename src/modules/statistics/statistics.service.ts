import { z } from 'zod';
import { getPlaceByCode, type Place } from '#modules/places/index.ts';
import { requireStaff } from '#platform/auth/actor.ts';
import type { Ctx } from '#platform/context.ts';
import { Forbidden } from '#platform/errors.ts';
import { type T, translator } from '#platform/i18n/index.ts';
import { msg } from '#platform/validation.ts';
import {
  type DossierCounts,
  dossierCounts,
  type PaymentCounts,
  paymentCounts,
  type RatingCounts,
  ratingCounts,
} from './statistics.queries.ts';
import './statistics.messages.ts';

/** The Decision 766/QĐ-TTg groups and their points (100 in all). */
export const GROUPS = [
  { key: 'transparency', vi: 'Công khai, minh bạch', weight: 18 },
  { key: 'timeliness', vi: 'Tiến độ, kết quả giải quyết', weight: 20 },
  { key: 'online', vi: 'Dịch vụ công trực tuyến', weight: 12 },
  { key: 'payment', vi: 'Thanh toán trực tuyến', weight: 10 },
  { key: 'satisfaction', vi: 'Mức độ hài lòng', weight: 18 },
  { key: 'digitisation', vi: 'Số hóa hồ sơ, kết quả', weight: 22 },
] as const;
export type GroupKey = (typeof GROUPS)[number]['key'];

/** A day the platform can count in: the calendar and the database's dates hold from 2000 to 2099. */
const statsDate = z.iso.date().refine((d) => d >= '2000-01-01' && d <= '2099-12-31', {
  message: msg('Chọn một ngày từ năm 2000 đến năm 2099.', 'Choose a day from 2000 to 2099.'),
});

export const StatsQuery = z
  .object({
    place: z.string().trim().min(1).max(20),
    from: statsDate,
    to: statsDate,
  })
  .refine((q) => q.from <= q.to, {
    message: msg('Ngày bắt đầu phải trước ngày kết thúc.', 'The start must be before the end.'),
    path: ['to'],
  });
export type StatsQuery = z.infer<typeof StatsQuery>;

export interface Rate {
  numerator: number;
  denominator: number;
  /** numerator / denominator, or null when there is nothing to divide by. */
  value: number | null;
}

const rate = (numerator: number, denominator: number): Rate => ({
  numerator,
  denominator,
  value: denominator > 0 ? numerator / denominator : null,
});

export interface Statistics {
  place: Pick<Place, 'code' | 'fullName' | 'path'>;
  from: string;
  to: string;
  dossiers: DossierCounts;
  payments: PaymentCounts;
  ratings: RatingCounts;
  rates: {
    online: Rate;
    onTime: Rate;
    digitisation: Rate;
    onlinePayment: Rate;
    satisfaction: Rate;
    transparency: Rate;
  };
  groups: { key: GroupKey; vi: string; weight: number; score: number | null }[];
  /** Sum of the groups that have data, out of `maxAvailable` (100 when every group has data). */
  total: number;
  maxAvailable: number;
}

/** Round to 2 decimals for the index (the national portal shows two). */
const r2 = (n: number) => Math.round(n * 100) / 100;

/** The figures and the Decision 766 scores from the counts (pure: the formulas in the README). */
export function computeStatistics(c: {
  dossiers: DossierCounts;
  payments: PaymentCounts;
  ratings: RatingCounts;
}): Pick<Statistics, 'rates' | 'groups' | 'total' | 'maxAvailable'> {
  const d = c.dossiers;
  const rates = {
    online: rate(d.channel2, d.received),
    onTime: rate(d.early + d.onTime, d.decided),
    digitisation: rate(d.digitised, d.received),
    onlinePayment: rate(c.payments.paidOnline, c.payments.paid),
    satisfaction: rate(c.ratings.byScore[2] + c.ratings.byScore[3], c.ratings.rated),
    transparency: rate(d.transparent, d.received),
  };
  const byGroup: Record<GroupKey, Rate> = {
    transparency: rates.transparency,
    timeliness: rates.onTime,
    online: rates.online,
    payment: rates.onlinePayment,
    satisfaction: rates.satisfaction,
    digitisation: rates.digitisation,
  };
  const groups = GROUPS.map((g) => {
    const v = byGroup[g.key].value;
    return { key: g.key, vi: g.vi, weight: g.weight, score: v === null ? null : r2(g.weight * v) };
  });
  const withData = groups.filter((g) => g.score !== null);
  return {
    rates,
    groups,
    total: r2(withData.reduce((s, g) => s + (g.score ?? 0), 0)),
    maxAvailable: withData.reduce((s, g) => s + g.weight, 0),
  };
}

/** Midnight of a Vietnamese date, as an instant. */
export function vnMidnight(date: string) {
  return new Date(`${date}T00:00:00+07:00`);
}

/** Staff whose grants cover the place (any role) see its figures; a province leader sees every commune. */
export function requireStatsAccess(ctx: Ctx, place: Place) {
  const staff = requireStaff(ctx.actor);
  if (!staff.grants.some((g) => place.path.startsWith(g.placePath))) throw new Forbidden();
  return staff;
}

/** Statistics for a place (its whole subtree) over the Vietnamese dates [from, to], both included. */
export async function statisticsFor(ctx: Ctx, q: StatsQuery): Promise<Statistics> {
  const place = await getPlaceByCode(ctx.db, q.place);
  requireStatsAccess(ctx, place);
  const period = {
    path: place.path,
    from: vnMidnight(q.from),
    to: new Date(vnMidnight(q.to).getTime() + 86_400_000),
    now: ctx.clock.now(),
  };
  const [dossiers, payments, ratings] = await Promise.all([
    dossierCounts(ctx.sql, period),
    paymentCounts(ctx.sql, period),
    ratingCounts(ctx.sql, period),
  ]);
  return {
    place: { code: place.code, fullName: place.fullName, path: place.path },
    from: q.from,
    to: q.to,
    dossiers,
    payments,
    ratings,
    ...computeStatistics({ dossiers, payments, ratings }),
  };
}

const pct = (r: Rate) => (r.value === null ? '' : (r.value * 100).toFixed(2));

/**
 * The figures as CSV (UTF-8 with BOM, so spreadsheet programs read the Vietnamese right). The
 * header row and the first column (`chi_tieu`) are machine names, the same in every language, so a
 * spreadsheet or script that reads the file keeps working; the `ten` column is in the reader's
 * language (Vietnamese unless `t` says otherwise). Numbers use a dot, as machines read them.
 */
export function statisticsCsv(s: Statistics, t: T = translator('vi')): string {
  const f = (key: string) => t(`statistics:figure.${key}`);
  const percent = (key: string) => t('statistics:csvRow.percent', { name: f(key) });
  const rows: (string | number)[][] = [
    ['chi_tieu', 'ten', 'gia_tri', 'tu_so', 'mau_so'],
    ['dia_ban', s.place.fullName, s.place.code, '', ''],
    ['ky', `${s.from} – ${s.to}`, '', '', ''],
    ['tiep_nhan', f('received'), s.dossiers.received, '', ''],
    ['tiep_nhan_truc_tiep', t('statistics:csvRow.received1'), s.dossiers.channel1, '', ''],
    ['tiep_nhan_truc_tuyen', t('statistics:csvRow.received2'), s.dossiers.channel2, '', ''],
    ['tiep_nhan_buu_chinh', t('statistics:csvRow.received3'), s.dossiers.channel3, '', ''],
    [
      'ty_le_truc_tuyen',
      percent('onlineRate'),
      pct(s.rates.online),
      s.rates.online.numerator,
      s.rates.online.denominator,
    ],
    ['da_giai_quyet', f('decided'), s.dossiers.decided, '', ''],
    ['truoc_han', t('statistics:csvRow.early'), s.dossiers.early, '', ''],
    ['dung_han', t('statistics:csvRow.onTime'), s.dossiers.onTime, '', ''],
    ['qua_han', t('statistics:csvRow.late'), s.dossiers.late, '', ''],
    [
      'ty_le_dung_han',
      percent('onTimeRate'),
      pct(s.rates.onTime),
      s.rates.onTime.numerator,
      s.rates.onTime.denominator,
    ],
    ['dang_qua_han', f('overdueOpen'), s.dossiers.overdueOpen, '', ''],
    ['so_ngay_tb', f('avgDays'), s.dossiers.avgDays === null ? '' : s.dossiers.avgDays.toFixed(2), '', ''],
    [
      'ty_le_so_hoa',
      percent('digitisationRate'),
      pct(s.rates.digitisation),
      s.rates.digitisation.numerator,
      s.rates.digitisation.denominator,
    ],
    [
      'ty_le_tt_truc_tuyen',
      percent('onlinePaymentRate'),
      pct(s.rates.onlinePayment),
      s.rates.onlinePayment.numerator,
      s.rates.onlinePayment.denominator,
    ],
    [
      'ty_le_hai_long',
      percent('satisfactionRate'),
      pct(s.rates.satisfaction),
      s.rates.satisfaction.numerator,
      s.rates.satisfaction.denominator,
    ],
    ...s.groups.map((g) => [
      `diem_${g.key}`,
      t('statistics:csvRow.group', { name: t(`statistics:group.${g.key}`), weight: g.weight }),
      g.score === null ? '' : g.score.toFixed(2),
      '',
      '',
    ]),
    ['diem_tong', t('statistics:csvRow.total', { max: s.maxAvailable }), s.total.toFixed(2), '', ''],
  ];
  const cell = (v: string | number) => {
    const t = String(v);
    return /[",\n]/.test(t) ? `"${t.replaceAll('"', '""')}"` : t;
  };
  return `\uFEFF${rows.map((r) => r.map(cell).join(',')).join('\r\n')}\r\n`;
}
