import { isWorkingDay, toVietnamDate, type WorkingCalendar } from '#modules/calendar/index.ts';
import type { FeedbackStageFacts } from '#modules/feedback/index.ts';
import {
  FEEDBACK_CLASSIFIED_CATEGORIES,
  FEEDBACK_DEADLINES,
  FEEDBACK_DISSATISFIED_MAX,
} from './statistics.rules.ts';

/**
 * Feedback figures of the Decision 766 index (formulas 5.1–5.3, docs/rules.md § Statistics), pure:
 * from each report's stage times (the feedback module's `feedbackStageFacts`) and the province's
 * calendar. Deadlines are the national measure's (`FEEDBACK_DEADLINES`), counted in working days
 * from the day after the start, on the days the province works.
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

const nextDate = (d: string) =>
  new Date(Date.parse(`${d}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);

/** Working days after `start`'s day up to and including `end`'s day (Vietnam dates). */
export function workingDaysBetween(start: Date, end: Date, cal: WorkingCalendar): number {
  const last = toVietnamDate(end);
  let n = 0;
  for (let d = nextDate(toVietnamDate(start)); d <= last; d = nextDate(d)) if (isWorkingDay(d, cal)) n++;
  return n;
}

export interface FeedbackVerdict {
  /** When its last timed stage ended before the cut (refused, more information asked, published); null: pending. */
  endedAt: Date | null;
  onTime: boolean;
}

/**
 * One report's verdict as of `cut` (the end of the period, or now): refused within 2 working days;
 * more information asked within 5 (when it was not accepted after); else answered within 15 and
 * the answer published within 2 of it. A stage not reached yet is in term while the working days
 * up to the period's last day are within its limit.
 */
export function feedbackVerdict(f: FeedbackStageFacts, cut: Date, cal: WorkingCalendar): FeedbackVerdict {
  const before = (d: Date | null) => (d && d < cut ? d : null);
  const lastDay = new Date(cut.getTime() - 1);
  const wd = (a: Date, b: Date) => workingDaysBetween(a, b, cal);
  const refused = before(f.refusedAt);
  if (refused) return { endedAt: refused, onTime: wd(f.sentAt, refused) <= FEEDBACK_DEADLINES.refuse };
  const moreInfo = before(f.moreInfoAt);
  if (moreInfo && !before(f.acceptedAt)) {
    return { endedAt: moreInfo, onTime: wd(f.sentAt, moreInfo) <= FEEDBACK_DEADLINES.moreInfo };
  }
  const answered = before(f.answeredAt);
  const answerOk = wd(f.sentAt, answered ?? lastDay) <= FEEDBACK_DEADLINES.answer;
  if (!answered) return { endedAt: null, onTime: answerOk };
  const published = before(f.publishedAt);
  const publishOk = wd(answered, published ?? lastDay) <= FEEDBACK_DEADLINES.publish;
  return { endedAt: published, onTime: answerOk && publishOk };
}

export function feedbackFigures(
  facts: FeedbackStageFacts[],
  period: { from: Date; cut: Date },
  cal: WorkingCalendar,
): FeedbackFigures {
  const { from, cut } = period;
  const within = (d: Date | null) => d !== null && d >= from && d < cut;
  const sent = facts.filter((f) => f.sentAt < cut);
  const judged = sent.map((f) => ({ f, v: feedbackVerdict(f, cut, cal) }));
  // Received or handled in the period: not ended before it.
  const handled = judged.filter(({ v }) => v.endedAt === null || v.endedAt >= from);
  const accepted = judged.filter(({ f }) => within(f.acceptedAt));
  const received = sent.filter((f) => f.sentAt >= from);
  const isClassified = (f: FeedbackStageFacts) =>
    f.dossierCode !== null || FEEDBACK_CLASSIFIED_CATEGORIES.includes(f.categoryCode);
  const disliked = (f: FeedbackStageFacts) => f.rating !== null && f.rating <= FEEDBACK_DISSATISFIED_MAX;
  return {
    classified: {
      numerator: received.filter((f) => f.acceptedAt !== null && f.acceptedAt < cut && isClassified(f))
        .length,
      denominator: received.length,
    },
    onTime: { numerator: handled.filter(({ v }) => v.onTime).length, denominator: handled.length },
    satisfied: {
      numerator: accepted.filter(({ f, v }) => v.onTime && !disliked(f) && !f.reopened).length,
      denominator: accepted.length,
    },
  };
}
