import type { FastifyInstance } from 'fastify';
import type { Platform } from '#platform/platform.ts';
import { registerPublicPages } from './feedback.public.routes.tsx';
import { registerReportPages } from './feedback.report.routes.tsx';
import type { FeedbackDeps } from './feedback.service.ts';
import { registerSettingsPages } from './feedback.settings.routes.tsx';
import { registerStaffPages } from './feedback.staff.routes.tsx';

/**
 * The feedback pages, one file per section: public pages (`feedback.public.routes.tsx`), reporting
 * and the reporter's private page (`feedback.report.routes.tsx`), the staff queue and handling
 * (`feedback.staff.routes.tsx`), settings (`feedback.settings.routes.tsx`); what they render is in
 * `views/`.
 */
export function registerFeedbackPages(app: FastifyInstance, platform: Platform, deps: FeedbackDeps) {
  registerPublicPages(app, platform, deps);
  registerReportPages(app, platform, deps);
  registerStaffPages(app, platform, deps);
  registerSettingsPages(app, platform);
}
