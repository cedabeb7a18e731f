import module from 'node:module';
import path from 'node:path';

// tsx turns source maps on for every file, node_modules included: Node then reads and keeps each
// package's .map file, some megabytes of a commune box's memory that no stack trace of ours needs.
// Ours (tsx's, inline) are kept. Set before anything else is loaded, hence the imports below.
module.setSourceMapsSupport(true, { nodeModules: false, generatedCode: false });

const { buildApp } = await import('#app/app.ts');
const { bootPlatform, startWorkers, stopPlatform } = await import('#app/bootstrap.ts');
const { activeDemoProblem, ensureDemo } = await import('#app/demo.ts');
const { ConfigError, loadConfig } = await import('#platform/config.ts');
const { openDatabase } = await import('#platform/db/client.ts');
const { loggerOptions } = await import('#platform/logger.ts');
const { serveMetrics } = await import('#platform/metrics.ts');

// Milliseconds since the process started, at the end of each start-up step: a commune box must be
// up within seconds of a power cut, and this says which step to look at when it is not.
const startup: Record<string, number> = { imports: Math.round(performance.now()) };
const step = (name: string) => {
  startup[name] = Math.round(performance.now());
};

/** EX_CONFIG (sysexits.h): the configuration, or what it finds, forbids starting. */
const EX_CONFIG = 78;

let config: ReturnType<typeof loadConfig>;
try {
  config = loadConfig();
} catch (e) {
  if (e instanceof ConfigError) {
    console.error(e.message);
    process.exit(EX_CONFIG);
  }
  throw e;
}

const logger = loggerOptions(config);
const database = await openDatabase({
  url: config.DATABASE_URL,
  dataDir: config.DATABASE_URL ? undefined : path.join(config.dataDir, 'pglite'),
});
step('database');
const platform = await bootPlatform(config, { database });
step('migrations');
const demo = await ensureDemo(platform);
step('places and seed');
if (config.NODE_ENV === 'production') {
  const problem = await activeDemoProblem(platform.database);
  if (problem) {
    console.error(`Invalid configuration:\n  - ${problem}`);
    await stopPlatform(platform);
    process.exit(EX_CONFIG);
  }
}
const app = await buildApp(platform, { logger });
step('app');
await startWorkers(platform);
step('workers');
await app.listen({ host: config.HOST, port: config.PORT });
step('listening');
const metrics =
  config.METRICS_PORT === undefined
    ? undefined
    : await serveMetrics(platform.metrics, config.METRICS_HOST, config.METRICS_PORT);
if (metrics) app.log.info({ url: metrics.url }, 'metrics served on their own address');

const address = app.server.address();
const port = typeof address === 'object' && address ? address.port : config.PORT;
const site = config.PUBLIC_URL.replace(/\/$/, '');
app.log.info(
  { port, publicUrl: site, database: platform.database.kind, version: platform.version, startup },
  'Xã Số is listening',
);
if (demo.placesImported) app.log.info('administrative units imported');
if (demo.disabledAccounts.length) {
  app.log.warn(
    { accounts: demo.disabledAccounts },
    'DEMO_SEED=false: the demo accounts were disabled (their password is published); their sessions ended',
  );
}
if (demo.disabledCertificate) {
  app.log.warn(
    { movedTo: demo.disabledCertificate },
    'DEMO_SEED=false: the demo signing certificate was disabled (moved aside; it signs nothing more)',
  );
}

const lines = [`Xã Số — ${site}  (listening on ${config.HOST}:${port})`];
if (demo.staff.length) {
  lines.push(
    `Demo commune: Xã Mẫu Sơn, Lạng Sơn. Staff sign-ins at ${site}/dang-nhap:`,
    ...demo.staff.map((s) => `  ${s.username.padEnd(12)} ${s.password}   (${s.role}, ${s.place})`),
  );
}
if (config.SMS_ADAPTER === 'dev' || config.EMAIL_ADAPTER === 'dev') {
  lines.push(
    'Development messages are not sent (SMS_ADAPTER/EMAIL_ADAPTER=dev): each SMS and e-mail, citizens’ one-time',
    `sign-in codes included, is printed below as it is "sent", and listed at ${site}/quan-tri/tin-nhan`,
    '(admins see their commune’s messages; sign-in codes, which belong to no commune, a province admin).',
  );
}
process.stdout.write(`\n${lines.join('\n')}\n\n`);

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
