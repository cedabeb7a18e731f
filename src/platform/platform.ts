import type { Clock } from '#platform/clock.ts';
import type { Config } from '#platform/config.ts';
import type { Database } from '#platform/db/client.ts';
import type { Events } from '#platform/events.ts';
import type { Jobs } from '#platform/jobs.ts';
import type { Metrics } from '#platform/metrics.ts';
import type { RateLimiter } from '#platform/rate-limit.ts';
import type { FileService } from '#platform/storage/index.ts';
import type { UploadQuota } from '#platform/storage/quota.ts';

/** The technical parts every module's routes and jobs may use. Built once per process. */
export interface Platform {
  config: Config;
  database: Database;
  clock: Clock;
  events: Events;
  /** Counted hit by hit before answering: sign-in back-off, OTP limits, API key allowances. */
  limiter: RateLimiter;
  /** Limits on public floods (tracking lookups, HTTP route limits): no database write per request. */
  floodLimiter: RateLimiter;
  files: FileService;
  /** Upload bytes per client per hour (decision 034). */
  uploads: UploadQuota;
  metrics: Metrics;
  jobs: Jobs | undefined;
  secrets: { cookie: string; pepper: string };
  version: string;
}
