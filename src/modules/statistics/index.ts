import type { FastifyInstance } from 'fastify';
import { addStaffLink } from '#web/staff-menu.ts';
import { registerStatisticsPages } from './statistics.routes.tsx';

export { barChart } from './statistics.charts.ts';
export { dossierCounts, paymentCounts, ratingCounts } from './statistics.queries.ts';
export {
  computeStatistics,
  GROUPS,
  type Statistics,
  StatsQuery,
  statisticsCsv,
  statisticsFor,
} from './statistics.service.ts';

/** /quan-tri/thong-ke (figures, the Decision 766 scores, SVG charts) and /quan-tri/thong-ke.csv. */
export function registerStatisticsRoutes(app: FastifyInstance) {
  addStaffLink({
    href: '/quan-tri/thong-ke',
    label: { vi: 'Thống kê một cửa (Quyết định 766)', en: 'One-stop-shop statistics (Decision 766)' },
    roles: ['admin', 'approver', 'receptionist', 'specialist'],
  });
  registerStatisticsPages(app);
}
