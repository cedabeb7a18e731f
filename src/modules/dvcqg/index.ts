import type { FastifyInstance } from 'fastify';
import { onDossierChange } from '#modules/dossiers/index.ts';
import type { Platform } from '#platform/platform.ts';
import { type DeliveryDeps, deliverDue, type PassResult } from './dvcqg.deliver.ts';
import { type DvcqgDeps, dvcqgDeps } from './dvcqg.deps.ts';
import { outboxStatements } from './dvcqg.outbox.ts';
import { listPlaceSettings } from './dvcqg.queries.ts';
import { previousMonth, reconcilePlace } from './dvcqg.reports.ts';
import { registerDvcqgPages } from './dvcqg.routes.tsx';

/**
 * The connection to the National Public Service Portal (Cổng DVCQG): an outbox written inside every
 * dossier change of a commune that has sync on, a worker that delivers it in order, exactly once in
 * effect, the mappings and the catalogue import an admin needs, and the reports (decision 033).
 */

export { PortalClient, type PortalSettings, portalSettings } from './dvcqg.client.ts';
export { Breaker, type DeliveryDeps, deliverDue, type PassResult, retryDelayMs } from './dvcqg.deliver.ts';
export { type DvcqgDeps, dvcqgDeps } from './dvcqg.deps.ts';
export { dossierPayload, portalDate, progressEntries } from './dvcqg.payload.ts';
// The transparency sub-indicator of Decision 766 (statistics reads it).
export { syncedShare } from './dvcqg.reports.ts';
// Set-up by scripts (the bench) as an admin would on the pages.
export { confirmMapping, setPlaceSync } from './dvcqg.service.ts';

/** Put the outbox inside every dossier change (the composition root calls it once). */
export function connectDossierOutbox() {
  onDossierChange('dvcqg.outbox', outboxStatements);
}

export function registerDvcqgRoutes(app: FastifyInstance, platform: Platform) {
  registerDvcqgPages(app, platform, dvcqgDeps(platform));
}

/** The worker's dependencies for this process (one client and one breaker, shared with the pages). */
export function deliveryDeps(platform: Platform): DeliveryDeps {
  const deps: DvcqgDeps = dvcqgDeps(platform);
  return { ...deps, db: platform.database.db, clock: platform.clock };
}

/**
 * Deliver until nothing is due or `budgetMs` has passed (a job must end: the next one carries on).
 * Returns the passes' totals.
 */
export async function drain(deps: DeliveryDeps, budgetMs = 240_000): Promise<PassResult> {
  const total: PassResult = { claimed: 0, delivered: 0, changes: 0, failed: 0, held: 0, dead: 0 };
  const started = Date.now();
  for (;;) {
    const r = await deliverDue(deps);
    for (const k of Object.keys(total) as (keyof PassResult)[]) total[k] += r[k];
    if (r.claimed === 0 || Date.now() - started > budgetMs) return total;
  }
}

const DELIVER_QUEUE = 'dvcqg.deliver';
const RECONCILE_QUEUE = 'dvcqg.reconcile';

/**
 * Delivery runs as a pg-boss job: every minute (retries, changes that announced nothing), and
 * kicked after each dossier status change. Leases on the dossiers' rows keep instances apart.
 * On the 1st of each month at 03:00, last month is reconciled for every place with sync on.
 */
export async function startDvcqgWorkers(platform: Platform) {
  const jobs = platform.jobs;
  if (!jobs) return;
  const deps = deliveryDeps(platform);
  await jobs.work(DELIVER_QUEUE, async () => {
    await drain(deps);
  });
  await jobs.schedule(DELIVER_QUEUE, '* * * * *');
  if (deps.client) {
    platform.events.on('dossiers.status-changed', async () => {
      await jobs.send(DELIVER_QUEUE, {}, { singletonKey: 'kick', singletonSeconds: 1 });
    });
  }
  await jobs.work(RECONCILE_QUEUE, async () => {
    const month = previousMonth(platform.clock.now());
    for (const p of await listPlaceSettings(platform.database.db)) {
      if (!p.enabled) continue;
      await reconcilePlace(
        platform.database.db,
        deps,
        { id: p.placeId, path: p.placePath },
        month,
        platform.clock.now(),
        null,
      );
    }
  });
  await jobs.schedule(RECONCILE_QUEUE, '0 3 1 * *');
}
