import type { FastifyInstance } from 'fastify';
import { dossierDeps } from '#modules/dossiers/index.ts';
import { addMessages } from '#platform/i18n/index.ts';
import type { Platform } from '#platform/platform.ts';
import { registerClientAssets } from '#web/client-assets.ts';
import { addStaffLink } from '#web/staff-menu.ts';
import type { AssistDeps } from './assisted.service.ts';
import { registerFieldkitAdmin } from './fieldkit.admin.tsx';
import { registerAssistPages } from './fieldkit.assist-pages.tsx';
import './fieldkit.admin-messages.ts';
import { registerFieldkitApi } from './fieldkit.api.ts';
import { prepareKit } from './fieldkit.app.tsx';
import { registerConflictPages } from './fieldkit.conflicts.tsx';
import { registerDashboard } from './fieldkit.dashboard.tsx';
import { KIT_MESSAGES } from './fieldkit.messages.ts';
import { registerKitPages } from './fieldkit.routes.tsx';
import { registerAssistRoutes } from './fieldkit.uploads.ts';

export { DASHBOARD_ROLES, FIELD_ROLES, LEADER, MEMBER } from './fieldkit.access.ts';

addMessages('fieldkit', KIT_MESSAGES as never);

export function fieldkitDeps(platform: Platform): AssistDeps {
  return {
    files: platform.files,
    limiter: platform.limiter,
    pepper: platform.secrets.pepper,
    dossiers: dossierDeps(platform),
  };
}

export function registerFieldkitRoutes(app: FastifyInstance, platform: Platform) {
  const deps = fieldkitDeps(platform);
  addStaffLink({
    href: '/to-cong-nghe/',
    label: { vi: 'Tổ công nghệ số: hộ gia đình, lần thăm', en: 'Digital team: households and visits' },
    roles: ['community_digital_member', 'community_digital_leader'],
  });
  registerClientAssets(app);
  // A plugin, so the app's start waits for the kit's bundles.
  app.register(async (scope) => {
    const kit = await prepareKit(scope);
    registerKitPages(scope, kit, deps);
    registerConflictPages(scope);
    registerAssistRoutes(scope, deps);
    registerAssistPages(scope, kit, deps);
  });
  addStaffLink({
    href: '/quan-tri/to-cong-nghe',
    label: { vi: 'Tổ công nghệ số cộng đồng: tổ, danh sách hộ, thống kê', en: 'Community digital teams' },
    roles: ['admin', 'community_digital_leader', 'approver'],
  });
  registerFieldkitAdmin(app);
  registerDashboard(app);
  registerFieldkitApi(app, deps);
}
