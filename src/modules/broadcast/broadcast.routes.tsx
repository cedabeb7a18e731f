import type { FastifyInstance } from 'fastify';
import type { Platform } from '#platform/platform.ts';
import './broadcast.messages.ts';
import { registerBulletinPages } from './broadcast.bulletins.routes.tsx';
import { registerClusterPages } from './broadcast.clusters.routes.tsx';
import { registerEmergencyPages } from './broadcast.emergency.routes.tsx';
import { registerProgrammePages } from './broadcast.programmes.routes.tsx';
import { registerPublicPages } from './broadcast.public.routes.tsx';
import { registerReportPages } from './broadcast.reports.routes.tsx';

/**
 * Operator pages, public pages and the audio they link to, one file per section: clusters,
 * bulletins, programmes, emergency, reports, public. Shared pieces: broadcast.views.tsx (what
 * pages show) and broadcast.http.ts (parameters, audio and captions).
 */
export function registerBroadcastPages(root: FastifyInstance, platform: Platform) {
  registerClusterPages(root, platform);
  registerBulletinPages(root, platform);
  registerProgrammePages(root);
  registerEmergencyPages(root, platform);
  registerReportPages(root);
  registerPublicPages(root, platform);
}
