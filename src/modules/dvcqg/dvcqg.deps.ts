import { randomUUID } from 'node:crypto';
import os from 'node:os';
import type { Platform } from '#platform/platform.ts';
import { PortalClient, portalSettings } from './dvcqg.client.ts';
import { Breaker, type DeliveryDeps } from './dvcqg.deliver.ts';
import { dvcqgMetrics } from './dvcqg.metrics.ts';
import { outboxGauge } from './dvcqg.queries.ts';

/** What the module's services and its worker share in one process: one client (one session), one breaker. */
export type DvcqgDeps = Omit<DeliveryDeps, 'db' | 'clock'> & {
  /** The adapter is configured (DVCQG_URL and its account). */
  configured: boolean;
};

const made = new WeakMap<Platform, DvcqgDeps>();

export function dvcqgDeps(platform: Platform): DvcqgDeps {
  const existing = made.get(platform);
  if (existing) return existing;
  const settings = portalSettings(platform.config);
  const deps: DvcqgDeps = {
    configured: settings !== undefined,
    client: settings ? new PortalClient(settings) : undefined,
    owner: `${os.hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`,
    leaseMs: platform.config.DVCQG_LEASE_SECONDS * 1000,
    maxAttempts: platform.config.DVCQG_MAX_ATTEMPTS,
    publicUrl: platform.config.PUBLIC_URL,
    linkSecret: platform.secrets.cookie,
    breaker: new Breaker(),
    metrics: dvcqgMetrics(platform.metrics, () => outboxGauge(platform.database.db), platform.clock),
  };
  made.set(platform, deps);
  return deps;
}
