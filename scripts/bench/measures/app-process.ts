import fs from 'node:fs';
import path from 'node:path';
import { configSchema } from '#platform/config.ts';
import { ROOT } from '../measure.ts';

export const APP = 'src/main.ts';
export const BARE = 'scripts/bench/bare-http-main.ts';

/**
 * Node's own flags for the app under measure: those of `npm start` (package.json's start script,
 * `tsx <flags> src/main.ts`), so the bench measures the process a commune box runs; or
 * BENCH_NODE_FLAGS (space-separated) to try a setting before it goes into the start script.
 */
export const NODE_FLAGS =
  process.env.BENCH_NODE_FLAGS !== undefined
    ? process.env.BENCH_NODE_FLAGS.split(' ').filter(Boolean)
    : startFlags();

function startFlags(): string[] {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
    scripts?: { start?: string };
  };
  const words = (pkg.scripts?.start ?? '').split(/\s+/);
  return words.slice(words.indexOf('tsx') + 1).filter((w) => w.startsWith('--'));
}

/**
 * The environment of this run without any app setting, so a developer's .env-style exports
 * (JOBS=false, NODE_ENV=production…) do not change what is measured. DATABASE_URL stays: it
 * picks the database, and the result is labelled with it.
 */
export function appEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of Object.keys(configSchema.shape)) if (key !== 'DATABASE_URL') delete env[key];
  return { ...env, LOG_LEVEL: 'warn', ...extra };
}
