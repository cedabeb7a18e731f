import { z } from 'zod';
import { getPlaceByCode, type Place } from '#modules/places/index.ts';
import { requireStaff } from '#platform/auth/actor.ts';
import type { Ctx } from '#platform/context.ts';
import { Forbidden } from '#platform/errors.ts';
import { msg } from '#platform/validation.ts';
import { feedbackFiguresFor } from './statistics.feedback.ts';
import { computeIndex, type Index766 } from './statistics.index766.ts';
import { nationalFigures } from './statistics.national.ts';
import {
  catalogueProcedures,
  type Period,
  type ProcedureCounts,
  procedureCounts,
} from './statistics.queries.ts';
import './statistics.messages.ts';

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

/** The general figures of the one-stop shop (README § Formulas), beside the index. */
export interface DossierFigures {
  received: number;
  channel1: number;
  channel2: number;
  channel3: number;
  decided: number;
  early: number;
  onTime: number;
  late: number;
  /** Average days from valid receipt to decision, over the decided. */
  avgDays: number | null;
  /** Still open now and past their due time (received before the period's end). */
  overdueOpen: number;
}

export interface Statistics {
  place: Pick<Place, 'code' | 'fullName' | 'path' | 'level'>;
  from: string;
  to: string;
  dossiers: DossierFigures;
  /** Decided early or on time ÷ decided in the period (the desk's own figure, not the index's 2.1). */
  decidedOnTime: Rate;
  /** The Decision 766 index: every group and sub-indicator. */
  index: Index766;
}

export function dossierFigures(rows: ProcedureCounts[]): DossierFigures {
  const s = (k: keyof Omit<ProcedureCounts, 'procedureCode'>) => rows.reduce((n, r) => n + r[k], 0);
  const timed = s('timed');
  return {
    received: s('received'),
    channel1: s('channel1'),
    channel2: s('channel2'),
    channel3: s('channel3'),
    decided: s('decided'),
    early: s('early'),
    onTime: s('onTime'),
    late: s('late'),
    avgDays: timed > 0 ? s('seconds') / timed / 86_400 : null,
    overdueOpen: s('overdueOpen'),
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
  const period: Period = {
    path: place.path,
    from: vnMidnight(q.from),
    to: new Date(vnMidnight(q.to).getTime() + 86_400_000),
    now: ctx.clock.now(),
  };
  const communeLevel = place.level === 'commune' || place.level === 'village';
  const procedures = await procedureCounts(ctx.sql, period);
  const catalogue = await catalogueProcedures(ctx.sql, communeLevel ? 'commune' : 'province');
  const feedback = await feedbackFiguresFor(ctx, period);
  const national = await nationalFigures(ctx, period);
  const dossiers = dossierFigures(procedures);
  return {
    place: { code: place.code, fullName: place.fullName, path: place.path, level: place.level },
    from: q.from,
    to: q.to,
    dossiers,
    decidedOnTime: rate(dossiers.early + dossiers.onTime, dossiers.decided),
    index: computeIndex({
      procedures,
      catalogue,
      feedback,
      national,
    }),
  };
}
