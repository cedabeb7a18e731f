import { createHash, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
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

/** `Authorization: Bearer <token>` with the configured token, compared in constant time. */
export function metricsAuthorized(header: string | undefined, token: string) {
  const digest = (v: string) => createHash('sha256').update(v).digest();
  return header !== undefined && timingSafeEqual(digest(header), digest(`Bearer ${token}`));
}

/**
 * The metrics on an address of their own (METRICS_HOST:METRICS_PORT, e.g. 127.0.0.1 or a private
 * network), for a scraper that reaches the machine but not the public site: `GET /metrics` and
 * nothing else.
 */
export async function serveMetrics(metrics: Metrics, host: string, port: number) {
  const server = http.createServer((req, res) => {
    if (req.method !== 'GET' || req.url?.split('?')[0] !== '/metrics') {
      res.writeHead(404).end();
      return;
    }
    metrics.registry.metrics().then(
      (text) => res.writeHead(200, { 'content-type': metrics.registry.contentType }).end(text),
      () => res.writeHead(500).end(),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  const address = server.address();
  const bound = typeof address === 'object' && address ? address.port : port;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${bound}/metrics`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
