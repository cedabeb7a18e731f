import client from 'prom-client';

/** One registry per app instance, so tests that build several apps do not collide. */
export function createMetrics() {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry, prefix: 'xaso_' });
  const httpDuration = new client.Histogram({
    name: 'xaso_http_request_duration_seconds',
    help: 'HTTP request duration by route and status',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const notificationsSent = new client.Counter({
    name: 'xaso_notifications_total',
    help: 'Notification delivery attempts by channel and outcome',
    labelNames: ['channel', 'outcome'],
    registers: [registry],
  });
  return { registry, httpDuration, notificationsSent };
}

export type Metrics = ReturnType<typeof createMetrics>;
