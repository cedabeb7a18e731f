import type { FastifyInstance } from 'fastify';
import type { Platform } from '#platform/platform.ts';
import { registerModelPages } from './model.routes.tsx';
import { registerPivotPages } from './pivot.routes.tsx';
import { registerReportPages } from './reports.routes.tsx';

/** Every page of the module; each area has its own file. */
export function registerIndicatorPages(app: FastifyInstance, _platform: Platform) {
  registerReportPages(app);
  registerPivotPages(app);
  registerModelPages(app);
}
