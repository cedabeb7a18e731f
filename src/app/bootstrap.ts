import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startBroadcast, stopBroadcast } from '#modules/broadcast/index.ts';
import { startDocumentWorkers } from '#modules/documents/index.ts';
import { startDossierWorkers } from '#modules/dossiers/index.ts';
import { startDvcqgWorkers } from '#modules/dvcqg/index.ts';
import { startFeedbackWorkers } from '#modules/feedback/index.ts';
import { startIdentityWorkers } from '#modules/identity/index.ts';
import { startIndicatorWorkers } from '#modules/indicators/index.ts';
import { startNotificationWorker } from '#modules/notifications/index.ts';
import { startRatingWorkers } from '#modules/ratings/index.ts';
import { type Clock, systemClock } from '#platform/clock.ts';
import type { Config } from '#platform/config.ts';
import { type Database, openDatabase } from '#platform/db/client.ts';
import { migrate } from '#platform/db/migrate.ts';
import { Events } from '#platform/events.ts';
import { Jobs } from '#platform/jobs.ts';
import { createMetrics } from '#platform/metrics.ts';
import type { Platform } from '#platform/platform.ts';
import { RateLimiter } from '#platform/rate-limit.ts';
import { sharedSecret } from '#platform/settings.ts';
import { blobStoreFromConfig, FileService } from '#platform/storage/index.ts';
import { UploadQuota } from '#platform/storage/quota.ts';
import { sweepFiles } from '#platform/storage/sweep.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const VERSION: string = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version;

export interface BootOptions {
  database?: Database;
  clock?: Clock;
  onError?: (scope: string, e: unknown) => void;
}

/** Open the database, bring its schema up to date, and assemble the platform parts. */
export async function bootPlatform(config: Config, opts: BootOptions = {}): Promise<Platform> {
  const database =
    opts.database ??
    (await openDatabase({
      url: config.DATABASE_URL,
      dataDir: config.DATABASE_URL ? undefined : path.join(config.dataDir, 'pglite'),
    }));
  await migrate(database);
  const onError = opts.onError ?? ((scope, e) => console.error(`[${scope}]`, e));
  const clock = opts.clock ?? systemClock;
  const platform: Platform = {
    config,
    database,
    clock,
    events: new Events((name, e) => onError(`event ${name}`, e)),
    limiter: new RateLimiter(database, { clock }),
    floodLimiter: new RateLimiter(database, { floods: true, clock }),
    files: new FileService(blobStoreFromConfig(config), database, config.UPLOAD_MAX_BYTES),
    uploads: new UploadQuota(database, config.UPLOAD_BYTES_PER_HOUR, clock),
    metrics: createMetrics(),
    jobs: config.JOBS
      ? new Jobs(database, { url: config.DATABASE_URL, onError: (e) => onError('jobs', e) })
      : undefined,
    secrets: {
      cookie: config.SESSION_SECRET ?? (await sharedSecret(database, 'cookie')),
      pepper: await sharedSecret(database, 'otp-pepper'),
    },
    version: VERSION,
  };
  return platform;
}

/** Start background work: the job queue and every module's workers and schedules. */
export async function startWorkers(platform: Platform) {
  await startBroadcast(platform);
  if (!platform.jobs) return;
  await platform.jobs.start();
  await startNotificationWorker(platform);
  await startIdentityWorkers(platform);
  await startFeedbackWorkers(platform);
  await startDossierWorkers(platform);
  await startDocumentWorkers(platform);
  await startRatingWorkers(platform);
  await startIndicatorWorkers(platform);
  await startDvcqgWorkers(platform);
  await startFileSweep(platform);
}

const FILE_SWEEP_QUEUE = 'files.sweep';

/**
 * Every hour, staged uploads nothing came to use and stray objects in the store are removed
 * (decision 034); what went is logged as one line.
 */
async function startFileSweep(platform: Platform) {
  const jobs = platform.jobs;
  if (!jobs) return;
  await jobs.work(FILE_SWEEP_QUEUE, async () => {
    const report = await sweepFiles(platform.database, platform.files.blobs, {
      now: platform.clock.now(),
      graceMs: platform.config.UPLOAD_GRACE_HOURS * 3600_000,
    });
    if (report.removedRows || report.removedBlobs) {
      console.info(JSON.stringify({ msg: 'files swept', ...report, keys: report.keys.slice(0, 50) }));
    }
  });
  await jobs.schedule(FILE_SWEEP_QUEUE, '17 * * * *');
}

export async function stopPlatform(platform: Platform) {
  await stopBroadcast(platform);
  await platform.jobs?.stop().catch(() => {});
  await platform.floodLimiter.close().catch(() => {});
  await platform.database.close();
}
