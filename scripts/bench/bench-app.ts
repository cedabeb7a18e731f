import path from 'node:path';
import type { App } from '#app/app.ts';
import type { Platform } from '#platform/platform.ts';
import { scratchDir } from './cleanup.ts';
import { ROOT } from './measure.ts';

/** The test slice of the administrative units: Lạng Sơn with communes Mẫu Sơn and Đồng Đăng. */
export const UNITS = path.join(ROOT, 'test/fixtures/admin-units');

/**
 * The real app on a scratch data folder (or the server in DATABASE_URL), with the test slice of the
 * administrative units, listening on 127.0.0.1. Everything is closed and removed afterwards.
 */
export async function withBenchApp<T>(
  name: string,
  env: Record<string, string>,
  fn: (run: { platform: Platform; app: App; origin: string }) => Promise<T>,
): Promise<T> {
  const { buildApp } = await import('#app/app.ts');
  const { bootPlatform, stopPlatform } = await import('#app/bootstrap.ts');
  const { loadConfig } = await import('#platform/config.ts');
  const { findPlaceByCode, importPlaces } = await import('#modules/places/index.ts');
  const scratch = await scratchDir(name);
  try {
    const config = loadConfig({
      DATA_DIR: scratch.path,
      DATABASE_URL: process.env.DATABASE_URL,
      JOBS: 'false',
      LOG_LEVEL: 'silent',
      DEMO_SEED: 'false',
      ...env,
    });
    const platform = await bootPlatform(config);
    try {
      // On a PostgreSQL server the database outlives the run: import only once.
      if (!(await findPlaceByCode(platform.database.db, '20')))
        await importPlaces(platform.database, { dir: UNITS });
      const app = await buildApp(platform, { logger: false });
      try {
        await app.listen({ host: '127.0.0.1', port: 0 });
        const address = app.server.address();
        if (!address || typeof address === 'string') throw new Error('not listening on TCP');
        return await fn({ platform, app, origin: `http://127.0.0.1:${address.port}` });
      } finally {
        await app.close();
      }
    } finally {
      await stopPlatform(platform);
    }
  } finally {
    await scratch.remove();
  }
}
