import type { FastifyInstance } from 'fastify';
import { listChildren, type Place } from '#modules/places/index.ts';
import type { Database } from '#platform/db/client.ts';
import type { Platform } from '#platform/platform.ts';
import { addStaffLink } from '#web/staff-menu.ts';
import { registerBroadcastApi } from './broadcast.api.ts';
import { registerClusterUnchecked } from './broadcast.clusters.service.ts';
import { registerBroadcastPages } from './broadcast.routes.tsx';
import {
  type StartOptions,
  startBroadcast as start,
  stopBroadcast as stop,
  useLogger,
} from './broadcast.runtime.ts';

declare module '#platform/events.ts' {
  interface EventMap {
    /** These devices' timelines changed (schedule, programme, volume): push them now. */
    'broadcast.devices-changed': { clusterIds: number[] };
    /** A command (emergency play, stop, volume) was stored with its deliveries: publish it now. */
    'broadcast.command-issued': { commandId: string };
    /** An emergency alert went out, for modules that also tell people by SMS or on the web. */
    'broadcast.alert-issued': { alertId: number; identifier: string; communeIds: number[]; headline: string };
  }
}

export type { BroadcastDeps } from './broadcast.audio.ts';
export { ingestCap } from './broadcast.cap.service.ts';
export { buildCap, CAP_GEOCODE_NAME, type CapAlert, parseCap } from './broadcast.cap.ts';
export {
  clusterStatus,
  mosquittoPasswordEntries,
  registerClusterUnchecked,
} from './broadcast.clusters.service.ts';
export { broadcastEmergency, prepareEmergency } from './broadcast.emergency.service.ts';
export * from './broadcast.protocol.ts';
export { runtimeFor } from './broadcast.runtime.ts';
export { expandRules, resolveTimeline } from './broadcast.schedule.ts';
export { mosquittoAclFile, mosquittoConf, mosquittoPasswordFile } from './mqtt/credentials.ts';
export * from './tts/index.ts';

/** Pages, JSON API, device audio downloads and the public CAP feed. */
export function registerBroadcastRoutes(app: FastifyInstance, platform: Platform) {
  useLogger(platform, app.log);
  addStaffLink({
    href: '/quan-tri/loa',
    label: { vi: 'Loa truyền thanh', en: 'Loudspeakers' },
    roles: ['radio_operator', 'approver', 'admin'],
  });
  registerBroadcastPages(app, platform);
  registerBroadcastApi(app, platform);
}

/** The embedded MQTT broker (or the link to MQTT_URL) and the engine that keeps devices in step. */
export async function startBroadcast(platform: Platform, opts?: StartOptions) {
  await start(platform, opts);
}

export async function stopBroadcast(platform: Platform) {
  await stop(platform);
}

const DEMO_CLUSTERS = ['Cụm loa nhà văn hoá', 'Cụm loa đầu bản'];

/**
 * Demo data: two clusters in each village of the demo commune. Their passwords are not kept (only
 * hashes are); an operator issues new ones from the clusters page to connect a real or simulated speaker.
 */
export async function seedDemoClusters(database: Database, commune: Place) {
  const villages = (await listChildren(database.db, commune.id)).filter(
    (p) => p.level === 'village' && !p.validTo,
  );
  let created = 0;
  for (const village of villages) {
    for (const name of DEMO_CLUSTERS) {
      const r = await registerClusterUnchecked(database.db, village, { name });
      if (r.password) created++;
    }
  }
  return created;
}
