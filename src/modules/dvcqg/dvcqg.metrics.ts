import client from 'prom-client';
import type { Clock } from '#platform/clock.ts';
import type { Metrics } from '#platform/metrics.ts';

/**
 * In /metrics: the outbox's depth and the age of its oldest undelivered change (read from the
 * database at each scrape, so every instance reports the same queue), the dead letters, and this
 * process's deliveries by outcome (delivered changes, failures unreachable / refused, held, dead,
 * resent progress).
 */
export interface DvcqgMetrics {
  deliveries: client.Counter<'outcome'>;
}

const made = new WeakMap<client.Registry, DvcqgMetrics>();

export function dvcqgMetrics(
  metrics: Metrics,
  read: () => Promise<{ depth: number; oldest: Date | null; dead: number }>,
  clock: Clock,
): DvcqgMetrics {
  const registry = metrics.registry;
  const existing = made.get(registry);
  if (existing) return existing;
  let last: Promise<{ depth: number; oldest: Date | null; dead: number }> | undefined;
  // One read per scrape for the three gauges.
  const snapshot = () => {
    last ??= read().finally(() => {
      setTimeout(() => {
        last = undefined;
      }, 1000).unref();
    });
    return last;
  };
  new client.Gauge({
    name: 'xaso_dvcqg_outbox_depth',
    help: 'Dossier changes queued for the national portal (Cổng DVCQG) and not delivered yet',
    registers: [registry],
    async collect() {
      this.set((await snapshot()).depth);
    },
  });
  new client.Gauge({
    name: 'xaso_dvcqg_oldest_undelivered_seconds',
    help: 'Age of the oldest change not delivered to the national portal (0 when none)',
    registers: [registry],
    async collect() {
      const { oldest } = await snapshot();
      this.set(oldest ? Math.max(0, (clock.now().getTime() - oldest.getTime()) / 1000) : 0);
    },
  });
  new client.Gauge({
    name: 'xaso_dvcqg_dead_letters',
    help: 'Dossiers set aside after too many failed deliveries, waiting for an admin to resend',
    registers: [registry],
    async collect() {
      this.set((await snapshot()).dead);
    },
  });
  const out: DvcqgMetrics = {
    deliveries: new client.Counter({
      name: 'xaso_dvcqg_deliveries_total',
      help: 'Deliveries to the national portal by outcome (delivered counts changes; the others, attempts)',
      labelNames: ['outcome'],
      registers: [registry],
    }),
  };
  made.set(registry, out);
  return out;
}
