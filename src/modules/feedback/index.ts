import type { FastifyInstance } from 'fastify';
import { registerCollector } from '#modules/indicators/index.ts';
import type { Platform } from '#platform/platform.ts';
import { addStaffLink } from '#web/staff-menu.ts';
import { registerFeedbackApi } from './feedback.api.ts';
import { feedbackCollector } from './feedback.collector.ts';
import { escalateOverdue } from './feedback.escalation.ts';
import { registerOpen311 } from './feedback.open311.ts';
import { registerFeedbackPages } from './feedback.routes.ts';
import type { FeedbackDeps } from './feedback.service.ts';
import type { ActionType } from './feedback.workflow.ts';

declare module '#platform/events.ts' {
  interface EventMap {
    /** A report was made (any door). */
    'feedback.submitted': { reportId: number; code: string; communeId: number; handlingPlaceId: number };
    /** A handler replied in public. */
    'feedback.answered': { reportId: number; code: string };
    /** A report passed its deadline at the commune and went to the province. */
    'feedback.escalated': { reportId: number; code: string; fromPlaceId: number; toPlaceId: number };
    /**
     * Any action on a report after it was made (`type`, at the ISO instant `at`), after commit: its
     * facts in `feedback_facts` may have changed.
     */
    'feedback.changed': { reportId: number; code: string; type: ActionType; at: string };
  }
}

export { escalateOverdue } from './feedback.escalation.ts';
export {
  type FeedbackFigures,
  feedbackFigures,
  type Rate,
  type StageFigures,
} from './feedback.figures.ts';
export { actAsReporter, handleReport } from './feedback.handling.ts';
export { PHOTO_MAX_PX, PHOTOS_PER_REPORT } from './feedback.photos.ts';
export { redact } from './feedback.privacy.ts';
export { type CitizenReport, getReportByToken, listCitizenReports } from './feedback.read.ts';
export type { FeedbackDeps, Report } from './feedback.service.ts';
export {
  authenticateApiKey,
  DEFAULT_CATEGORIES,
  ensureDefaultCategories,
  issueApiKey,
  saveCategory,
} from './feedback.settings.ts';
export { addPhotos, createReport } from './feedback.submission.ts';
export {
  availableActions,
  NATIONAL_STAGE_DAYS,
  open311Status,
  REOPEN_WITHIN_DAYS,
  STAGES,
  type Stage,
  type Status,
  stateFromActions,
} from './feedback.workflow.ts';

// Feedback's counts reach the indicators (decision 027) through the view `feedback_facts`: the
// collector is the module's own, added here as a module adds its collector from its public face.
registerCollector(feedbackCollector);

export function feedbackDeps(platform: Platform): FeedbackDeps {
  return { files: platform.files, publicUrl: platform.config.PUBLIC_URL };
}

/** Pages (/phan-anh, /quan-tri/phan-anh), the staff API (/api/v1/feedback) and Open311 GeoReport v2 (/open311/v2). */
export function registerFeedbackRoutes(app: FastifyInstance, platform: Platform) {
  const deps = feedbackDeps(platform);
  addStaffLink({
    href: '/quan-tri/phan-anh',
    label: { vi: 'Phản ánh, kiến nghị', en: 'Citizen feedback' },
    roles: ['feedback_handler', 'receptionist', 'admin'],
  });
  registerFeedbackPages(app, platform, deps);
  registerFeedbackApi(app, deps);
  registerOpen311(app, platform, deps);
}

export const ESCALATION_QUEUE = 'feedback.escalate';
/** Every 15 minutes: a deadline is the close of an office day, so this is prompt enough. */
export const ESCALATION_CRON = '*/15 * * * *';

/** The escalation sweep, scheduled once across instances by pg-boss. */
export async function startFeedbackWorkers(platform: Platform) {
  const jobs = platform.jobs;
  if (!jobs) return;
  await jobs.work(ESCALATION_QUEUE, async () => {
    await escalateOverdue(platform.database.db, platform.events, platform.clock);
  });
  await jobs.schedule(ESCALATION_QUEUE, ESCALATION_CRON);
}
