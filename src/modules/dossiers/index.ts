import type { FastifyInstance } from 'fastify';
import { anonymous } from '#platform/auth/actor.ts';
import type { Ctx } from '#platform/context.ts';
import type { Platform } from '#platform/platform.ts';
import { registerDossierApi } from './dossiers.api.ts';
import type { DossierDeps, DossierLinkSources } from './dossiers.deps.ts';
import { sweepOverdue } from './dossiers.overdue.ts';
import { registerDossierPages } from './dossiers.routes.ts';
import type { NationalStatus, Step } from './dossiers.workflow.ts';
import './dossiers.messages.ts';

declare module '#platform/events.ts' {
  interface EventMap {
    /**
     * A dossier's national status code or its step changed (emitted after commit). `from` is null for
     * a new dossier; `from` equals `to` when only the step moved (approved while a fee keeps it at 6).
     */
    'dossiers.status-changed': {
      dossierId: number;
      code: string;
      from: NationalStatus | null;
      to: NationalStatus;
      step: Step;
    };
    /** The daily sweep found a dossier past its due time: an apology (form 04) is owed. */
    'dossiers.overdue': { code: string };
    /**
     * The approver signed an extension before the due time: the due time moved to the new date,
     * the applicant was texted, and the documents module issues form 04 with that date.
     */
    'dossiers.extended': { code: string };
  }
}

export { act, markResultIssued } from './dossiers.actions.ts';
export { agencyCodeOf } from './dossiers.agency-codes.ts';
// Other modules' statements run inside every change of a dossier (decision 033).
export {
  type DossierChangeFacts,
  type DossierChangeStatements,
  onDossierChange,
} from './dossiers.changes.ts';
export { type DossierClock, dossierClock, dueAt, type StepTiming } from './dossiers.clock.ts';
export type { DossierDeps, DossierLinkSources } from './dossiers.deps.ts';
export { sweepOverdue } from './dossiers.overdue.ts';
export { announceChange, type DossierChange, syncPaymentMark } from './dossiers.payment-marks.ts';
export { findDossierByCode as findDossier } from './dossiers.queries.ts';
export { listMine as listCitizenDossiers, listQueue, type MyDossier, track } from './dossiers.read.ts';
// One dossier with its log, for the modules that draw papers, fees and ratings from it.
export {
  type DossierAction,
  type DossierRecord,
  dossiersWithActionSince,
  findDossierRecord,
  getDossierRecord,
} from './dossiers.record.ts';
export { QueueQuery } from './dossiers.schemas.ts';
export { OneStopSettingsNav } from './dossiers.settings.routes.tsx';
export { DEFAULT_TEMPLATES, dossierMessage, renderTemplate } from './dossiers.sms.ts';
export { type SubmitInput, submitDossier } from './dossiers.submit.ts';
export { MyDossierCards } from './dossiers.views.tsx';
export {
  ACTION_TYPES,
  type ActionType,
  availableActions,
  type DossierState,
  type LoggedAction,
  type NationalStatus,
  stateFromActions,
  type WorkflowActor,
} from './dossiers.workflow.ts';

import { addStaffLink } from '#web/staff-menu.ts';

export function dossierDeps(platform: Platform): DossierDeps {
  return { limiter: platform.floodLimiter, publicUrl: platform.config.PUBLIC_URL };
}

/**
 * Pages and API. `links` are the other modules' pages about a dossier (papers, fees, rating), given
 * by the composition root, which builds them with each module's own path builders.
 */
export function registerDossierRoutes(app: FastifyInstance, platform: Platform, links: DossierLinkSources) {
  const deps = { ...dossierDeps(platform), links };
  addStaffLink({
    href: '/quan-tri/ho-so',
    label: { vi: 'Hồ sơ thủ tục hành chính', en: 'Dossiers' },
    roles: ['receptionist', 'specialist', 'approver', 'admin'],
  });
  registerDossierPages(app, platform, deps);
  registerDossierApi(app, platform, deps);
}

const OVERDUE_QUEUE = 'dossiers.overdue-sweep';

/** The context of the daily sweep: no person acts; the log names the system. */
export function systemCtx(platform: Platform): Ctx {
  return {
    db: platform.database.db,
    sql: platform.database,
    actor: anonymous,
    meta: { ip: 'system', userAgent: undefined },
    clock: platform.clock,
    events: platform.events,
  };
}

/**
 * Every morning at 06:00 (Asia/Ho_Chi_Minh), before offices open, mark the dossiers whose clock ran
 * out: an `overdue` action (an apology, form 04, is owed) and the apology message.
 */
export async function startDossierWorkers(platform: Platform) {
  const jobs = platform.jobs;
  if (!jobs) return;
  await jobs.work(OVERDUE_QUEUE, async () => {
    await sweepOverdue(systemCtx(platform), dossierDeps(platform));
  });
  await jobs.schedule(OVERDUE_QUEUE, '0 6 * * *');
}
