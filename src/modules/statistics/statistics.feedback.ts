import { feedbackFigures as feedbackStageFigures } from '#modules/feedback/index.ts';
import type { Ctx } from '#platform/context.ts';
import { classifiedFeedback, type Period } from './statistics.queries.ts';

/**
 * Feedback figures of the Decision 766 index (formulas 5.1–5.3, docs/rules.md § Statistics). The
 * feedback module judges its own stages (`feedbackFigures`, its index.ts): each report's deadlines
 * were set on the province's calendar when the stage began (2, 5, 15 and 2 working days by
 * default, a category's own when an admin changed them), and its view `feedback_facts` publishes
 * them. Statistics take 5.2 and 5.3 from there rather than judge the same reports a second way;
 * 5.1, tracking only, is counted here from the same view.
 */

export interface Ratio {
  numerator: number;
  denominator: number;
}

export interface FeedbackFigures {
  /** 5.1: reports received in the period about rules and procedures or officials' behaviour. */
  classified: Ratio;
  /** 5.2: handled on time, or pending within term, among those received or handled in the period. */
  onTime: Ratio;
  /** 5.3: those first accepted in the period that were not disliked, reopened or late. */
  satisfied: Ratio;
}

export async function feedbackFiguresFor(ctx: Ctx, p: Period): Promise<FeedbackFigures> {
  const stages = await feedbackStageFigures(ctx.db, { path: p.path, start: p.from, end: p.to, now: p.now });
  const ratio = (r: Ratio): Ratio => ({ numerator: r.numerator, denominator: r.denominator });
  return {
    classified: await classifiedFeedback(ctx.sql, p),
    onTime: ratio(stages.handledOnTime),
    satisfied: ratio(stages.satisfied),
  };
}
