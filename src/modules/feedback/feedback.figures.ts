import { z } from 'zod';
import { getPlaceByCode, type Place } from '#modules/places/index.ts';
import { requireStaff } from '#platform/auth/actor.ts';
import type { Ctx } from '#platform/context.ts';
import type { Db } from '#platform/db/client.ts';
import { Forbidden } from '#platform/errors.ts';
import { msg } from '#platform/validation.ts';
import * as q from './feedback.queries.ts';
import { STAGES, type Stage, type StageState, verdictAt } from './feedback.workflow.ts';

/**
 * Feedback figures for a place and a period, as the national measures count them (decision 023;
 * docs/rules.md, "Feedback", and the 766 indicators 5.2 and 5.3): each stage's on-time share, the
 * share of reports handled on time, the share of accepted reports that left no one dissatisfied.
 * Read from the view the module publishes (`feedback_facts`); each stage judged by `verdictAt`.
 */

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

export interface StageFigures {
  /** Done in the period, and of those, before they were late. */
  done: number;
  doneOnTime: number;
  /** Still to do at the end of the period, and of those, still within their term. */
  pending: number;
  pendingInTerm: number;
  /** (done on time + pending within term) ÷ (done + pending). */
  onTime: Rate;
}

export interface FeedbackFigures {
  place: Pick<Place, 'code' | 'fullName' | 'path'>;
  /** Vietnamese dates, both included. */
  from: string;
  to: string;
  /** Reports received in the period. */
  received: number;
  stages: Record<Stage, StageFigures>;
  /**
   * 766 indicator 5.2: reports whose every stage so far was on time or is still within its term ÷
   * reports received or handled in the period (received in it, a stage done in it, or a stage still
   * running at its end).
   */
  handledOnTime: Rate;
  /**
   * 766 indicator 5.3: reports first accepted in the period, less those rated dissatisfied (1 or 2 of
   * 5), reopened by the reporter, or with a stage late or overdue ÷ reports first accepted in it.
   */
  satisfied: Rate;
}

export const FiguresQuery = z
  .object({
    place: z.string().trim().min(1).max(20),
    from: z.iso.date(msg('Ngày không hợp lệ (yyyy-mm-dd).', 'Not a valid date (yyyy-mm-dd).')),
    to: z.iso.date(msg('Ngày không hợp lệ (yyyy-mm-dd).', 'Not a valid date (yyyy-mm-dd).')),
  })
  .refine((f) => f.from <= f.to, {
    path: ['to'],
    message: msg('Ngày kết thúc phải sau ngày bắt đầu.', 'The end must come after the start.'),
  });
export type FiguresQuery = z.infer<typeof FiguresQuery>;

/** Midnight of a Vietnamese date, as an instant. */
const vnMidnight = (date: string) => new Date(`${date}T00:00:00+07:00`);

const at = (n: number | null) => (n === null ? null : new Date(n));

function stagesOf(r: q.FactTimes): Record<Stage, StageState> {
  const s = (due: number | null, late: number | null, done: number | null) => ({
    dueAt: at(due),
    lateAt: at(late),
    doneAt: at(done),
  });
  return {
    accept: s(r.acceptDueAt, r.acceptLateAt, r.acceptDoneAt),
    info: s(r.infoDueAt, r.infoLateAt, r.infoDoneAt),
    answer: s(r.answerDueAt, r.answerLateAt, r.answerDoneAt),
    publish: s(r.publishDueAt, r.publishLateAt, r.publishDoneAt),
  };
}

/**
 * The figures over reports about places under `path`, for the period [start, end) judged at
 * `min(end, now)`: a stage not done by then is pending, within its term or overdue.
 * No permission check: `figuresFor` is the pages' door; other modules call this one.
 */
export async function feedbackFigures(
  db: Db,
  p: { path: string; start: Date; end: Date; now: Date },
): Promise<Pick<FeedbackFigures, 'received' | 'stages' | 'handledOnTime' | 'satisfied'>> {
  const end = new Date(Math.min(p.end.getTime(), p.now.getTime()));
  const start = p.start.getTime();
  const rows = await q.listFactTimes(db, { path: p.path, start: p.start, end });
  const counts = Object.fromEntries(
    STAGES.map((s) => [s, { done: 0, doneOnTime: 0, pending: 0, pendingInTerm: 0 }]),
  ) as Record<Stage, Omit<StageFigures, 'onTime'>>;
  let received = 0;
  let counted = 0;
  let countedOnTime = 0;
  let accepted = 0;
  let acceptedBad = 0;
  for (const r of rows) {
    const stages = stagesOf(r);
    const closedAt = at(r.closedAt);
    const verdicts = STAGES.map((s) => ({ stage: s, v: verdictAt(s, stages[s], end, closedAt) }));
    const late = verdicts.some(({ v }) => v === 'late' || v === 'overdue');
    let inPeriod = r.receivedAt >= start;
    if (inPeriod) received++;
    for (const { stage, v } of verdicts) {
      const c = counts[stage];
      const doneAt = stages[stage].doneAt;
      if ((v === 'on_time' || v === 'late') && doneAt && doneAt.getTime() >= start) {
        c.done++;
        if (v === 'on_time') c.doneOnTime++;
        inPeriod = true;
      } else if (v === 'in_term' || v === 'overdue') {
        c.pending++;
        if (v === 'in_term') c.pendingInTerm++;
        inPeriod = true;
      }
    }
    if (inPeriod) {
      counted++;
      if (!late) countedOnTime++;
    }
    if (r.acceptedAt !== null && r.acceptedAt >= start && r.acceptedAt < end.getTime()) {
      accepted++;
      if ((r.rating !== null && r.rating <= 2) || r.complaints > 0 || late) acceptedBad++;
    }
  }
  const stages = Object.fromEntries(
    STAGES.map((s) => {
      const c = counts[s];
      return [s, { ...c, onTime: rate(c.doneOnTime + c.pendingInTerm, c.done + c.pending) }];
    }),
  ) as Record<Stage, StageFigures>;
  return {
    received,
    stages,
    handledOnTime: rate(countedOnTime, counted),
    satisfied: rate(accepted - acceptedBad, accepted),
  };
}

/** Staff whose grants cover the place (any role) see its figures; a province grant sees every commune. */
function requireFiguresAccess(ctx: Ctx, place: Place) {
  const staff = requireStaff(ctx.actor);
  if (!staff.grants.some((g) => place.path.startsWith(g.placePath))) throw new Forbidden();
  return staff;
}

/** The figures of a place (its whole subtree) over the Vietnamese dates [from, to], both included. */
export async function figuresFor(ctx: Ctx, f: FiguresQuery): Promise<FeedbackFigures> {
  const place = await getPlaceByCode(ctx.db, f.place);
  requireFiguresAccess(ctx, place);
  const figures = await feedbackFigures(ctx.db, {
    path: place.path,
    start: vnMidnight(f.from),
    end: new Date(vnMidnight(f.to).getTime() + 86_400_000),
    now: ctx.clock.now(),
  });
  return {
    place: { code: place.code, fullName: place.fullName, path: place.path },
    from: f.from,
    to: f.to,
    ...figures,
  };
}
