import type { FastifyInstance } from 'fastify';
import { addStaffLink } from '#web/staff-menu.ts';
import { registerStatisticsPages } from './statistics.routes.tsx';

export { CSV_COLUMNS, statisticsCsv } from './statistics.csv.ts';
export { type FeedbackFigures, feedbackFiguresFor } from './statistics.feedback.ts';
export {
  computeIndex,
  GROUPS,
  type GroupKey,
  type GroupResult,
  type Index766,
  type Indicator,
} from './statistics.index766.ts';
export { type NationalFigures, NO_NATIONAL_FIGURES, nationalFigures } from './statistics.national.ts';
export { catalogueProcedures, procedureCounts } from './statistics.queries.ts';
export * as rules766 from './statistics.rules.ts';
export { type Statistics, StatsQuery, statisticsFor } from './statistics.service.ts';

/** /quan-tri/thong-ke (figures, the Decision 766 index, SVG charts) and /quan-tri/thong-ke.csv. */
export function registerStatisticsRoutes(app: FastifyInstance) {
  addStaffLink({
    href: '/quan-tri/thong-ke',
    label: { vi: 'Thống kê một cửa (Quyết định 766)', en: 'One-stop-shop statistics (Decision 766)' },
    roles: ['admin', 'approver', 'receptionist', 'specialist'],
  });
  registerStatisticsPages(app);
}
