import type { FastifyInstance } from 'fastify';
import type { Platform } from '#platform/platform.ts';
import { addStaffLink } from '#web/staff-menu.ts';
import { dossiersCollector } from './collectors/dossiers.ts';
import { registerCollector } from './collectors.ts';
import { CollectorEngine, sweepCollectors } from './engine.ts';
import { registerIndicatorPages } from './indicators.routes.tsx';

export {
  type CollectedElement,
  type Collector,
  type FactQuery,
  type FactRow,
  listCollectors,
  registerCollector,
  type Touch,
} from './collectors.ts';
export { evaluate, parseExpression, references } from './expression.ts';
export {
  CATEGORY_OPTIONS,
  DataSetDefinition,
  ElementDefinition,
  IndicatorDefinition,
} from './indicators.schemas.ts';
export {
  canEditModel,
  exportModel,
  exportModelJson,
  importModel,
  importModelUnchecked,
  loadModel,
  type Model,
  saveModelObject,
} from './model.service.ts';
export { getPeriod, type Period, type PeriodType, parsePeriod, periodLabel, periodOf } from './periods.ts';
export { type Pivot, PivotQuery, pivotFor } from './pivot.service.ts';
export { entryForm, reporting, saveEntry, stepReport } from './reports.service.ts';
export { ensureStarterModel, STARTER_MODEL } from './starter-model.ts';

// The collectors that can be built from what other modules publish today (decision 027).
registerCollector(dossiersCollector);

const engines = new WeakMap<Platform, CollectorEngine>();

/** The engine that keeps this platform's collected values current (one per app, made when its routes are registered). */
export function collectorEngine(platform: Platform): CollectorEngine | undefined {
  return engines.get(platform);
}

/**
 * Pages under /quan-tri/chi-so (table, entry, approval, model) and the public /chi-so; subscribes
 * the collectors to their modules' events, so a change reaches its values within a second.
 */
export function registerIndicatorRoutes(app: FastifyInstance, platform: Platform) {
  addStaffLink({
    href: '/quan-tri/chi-so',
    label: { vi: 'Chỉ tiêu, chỉ số và báo cáo định kỳ', en: 'Indicators and periodic reports' },
    roles: ['admin', 'approver', 'specialist', 'receptionist'],
  });
  // A failed refresh is logged; the next change at that place, or the sweep, writes it again.
  const engine = new CollectorEngine(platform.database, (err) =>
    app.log.error({ err }, 'indicators: a collector refresh failed'),
  );
  engines.set(platform, engine);
  engine.watch(platform.events);
  app.addHook('onClose', async () => {
    await engine.close();
  });
  registerIndicatorPages(app, platform);
}

const SWEEP_QUEUE = 'indicators.collect-sweep';

/**
 * First fill of collectors never run, then every 10 minutes the current and previous month again:
 * a change whose event was lost in a crash is counted at the next sweep.
 */
export async function startIndicatorWorkers(platform: Platform) {
  const jobs = platform.jobs;
  if (!jobs) return;
  await jobs.work(SWEEP_QUEUE, async () => {
    await sweepCollectors(platform.database, platform.clock.now());
  });
  await jobs.schedule(SWEEP_QUEUE, '*/10 * * * *');
  await jobs.send(SWEEP_QUEUE, {});
}

export { fillCollector, sweepCollectors } from './engine.ts';
