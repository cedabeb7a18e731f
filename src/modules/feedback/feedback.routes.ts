import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Platform } from '#platform/platform.ts';
import type { FormState } from '#web/form-action.ts';
import { registerFiguresPages } from './feedback.figures.routes.tsx';
import { registerPublicPages } from './feedback.public.routes.tsx';
import { registerReportPages } from './feedback.report.routes.tsx';
import type { FeedbackDeps } from './feedback.service.ts';
import { registerSettingsPages } from './feedback.settings.routes.tsx';
import { registerStaffPages } from './feedback.staff.routes.tsx';

/**
 * The feedback pages, one file per section: public pages (`feedback.public.routes.tsx`), reporting
 * and the reporter's private page (`feedback.report.routes.tsx`), the staff queue and handling
 * (`feedback.staff.routes.tsx`), settings (`feedback.settings.routes.tsx`), the figures
 * (`feedback.figures.routes.tsx`); what they render is in
 * `views/`.
 */
/**
 * A page with a form: shown empty (200), and again after a POST with what was typed and its errors
 * (400) or a message (409, 429…), as `handleForm` re-renders it.
 */
export type FormPage = (
  platform: Platform,
  req: FastifyRequest,
  reply: FastifyReply,
  state: FormState,
  status?: number,
) => Promise<unknown>;

export function registerFeedbackPages(app: FastifyInstance, platform: Platform, deps: FeedbackDeps) {
  registerPublicPages(app, platform, deps);
  registerReportPages(app, platform, deps);
  registerStaffPages(app, platform, deps);
  registerSettingsPages(app, platform);
  registerFiguresPages(app);
}
