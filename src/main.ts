import { buildApp } from '#app/app.ts';
import { bootPlatform, startWorkers, stopPlatform } from '#app/bootstrap.ts';
import { ensureDemo } from '#app/demo.ts';
import { ConfigError, loadConfig } from '#platform/config.ts';
import { loggerOptions } from '#platform/logger.ts';
import { serveMetrics } from '#platform/metrics.ts';

let config: ReturnType<typeof loadConfig>;
try {
  config = loadConfig();
} catch (e) {
  if (e instanceof ConfigError) {
    console.error(e.message);
    process.exit(78); // EX_CONFIG
  }
  throw e;
}

const logger = loggerOptions(config);
const platform = await bootPlatform(config);
const demo = await ensureDemo(platform.database, { seedDemo: config.DEMO_SEED });
const app = await buildApp(platform, { logger });
await startWorkers(platform);
await app.listen({ host: config.HOST, port: config.PORT });
const metrics =
  config.METRICS_PORT === undefined
    ? undefined
    : await serveMetrics(platform.metrics, config.METRICS_HOST, config.METRICS_PORT);
if (metrics) app.log.info({ url: metrics.url }, 'metrics served on their own address');

const address = app.server.address();
const port = typeof address === 'object' && address ? address.port : config.PORT;
app.log.info({ port, database: platform.database.kind, version: platform.version }, 'Xã Số is listening');
if (demo.placesImported) app.log.info('administrative units imported');
if (demo.staff.length) {
  const lines = demo.staff.map((s) => `  ${s.username.padEnd(12)} ${s.password}   (${s.role})`).join('\n');
  process.stdout.write(
    `\nXã Số — http://localhost:${port}\nDemo commune: Xã Mẫu Sơn, Lạng Sơn. Staff sign-ins at http://localhost:${port}/dang-nhap:\n${lines}\n\n`,
  );
}

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  app.log.info({ signal }, 'shutting down');
  const force = setTimeout(() => process.exit(1), 10_000);
  force.unref();
  await app.close();
  await metrics?.close();
  await stopPlatform(platform);
  process.exit(0);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
