import type { FastifyInstance } from 'fastify';
import type { Platform } from '#platform/platform.ts';
import { registerCounterPages } from './dossiers.counter.routes.tsx';
import type { DossierPageDeps } from './dossiers.deps.ts';
import { registerQueuePages } from './dossiers.queue.routes.tsx';
import { registerSettingsPages } from './dossiers.settings.routes.tsx';
import { registerStaffRecordPages } from './dossiers.staff-record.routes.tsx';
import { registerSubmitPages } from './dossiers.submit.routes.tsx';
import { registerTrackingPages } from './dossiers.track.routes.tsx';

/** Every page of the module, one file per section. */
export function registerDossierPages(app: FastifyInstance, platform: Platform, deps: DossierPageDeps) {
  // Citizens
  registerSubmitPages(app, platform, deps);
  registerTrackingPages(app, platform, deps);
  // Staff
  registerQueuePages(app);
  registerCounterPages(app, platform, deps);
  registerStaffRecordPages(app, platform, deps);
  registerSettingsPages(app);
}
