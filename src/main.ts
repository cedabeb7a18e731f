import module from 'node:module';
import path from 'node:path';

// tsx turns source maps on for every file, node_modules included: Node then reads and keeps each
// package's .map file, some megabytes of a commune box's memory that no stack trace of ours needs.
// Ours (tsx's, inline) are kept. Set before anything else is loaded, hence the imports below.
module.setSourceMapsSupport(true, { nodeModules: false, generatedCode: false });

const { buildApp } = await import('#app/app.ts');
const { bootPlatform, startWorkers, stopPlatform } = await import('#app/bootstrap.ts');
const { ensureDemo } = await import('#app/demo.ts');
const { ConfigError, loadConfig } = await import('#platform/config.ts');
const { openDatabase } = await import('#platform/db/client.ts');
const { loggerOptions } = await import('#platform/logger.ts');

// Milliseconds since the process started, at the end of each start-up step: a commune box must be
// up within seconds of a power cut, and this says which step to look at when it is not.
const startup: Record<string, number> = { imports: Math.round(performance.now()) };
const step = (name: string) => {
  startup[name] = Math.round(performance.now());
};

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
const database = await openDatabase({
  url: config.DATABASE_URL,
  dataDir: config.DATABASE_URL ? undefined : path.join(config.dataDir, 'pglite'),
});
step('database');
const platform = await bootPlatform(config, { database });
step('migrations');
const demo = await ensureDemo(platform.database, { seedDemo: config.DEMO_SEED });
step('places and seed');
const app = await buildApp(platform, { logger });
step('app');
await startWorkers(platform);
step('workers');
await app.listen({ host: config.HOST, port: config.PORT });
step('listening');

const address = app.server.address();
const port = typeof address === 'object' && address ? address.port : config.PORT;
app.log.info(
  { port, database: platform.database.kind, version: platform.version, startup },
  'Xã Số is listening',
);
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
  await stopPlatform(platform);
  process.exit(0);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
