import type { AddressInfo } from 'node:net';
import { createBareServer, healthBody } from '../bare-http.ts';
import { scratchDir } from '../cleanup.ts';
import { type LoadResult, measureLoad } from '../load.ts';
import { alternate, compare, databaseKind, type Measure } from '../measure.ts';

function urlOf(address: AddressInfo | string | null) {
  if (!address || typeof address === 'string') throw new Error(`not listening on TCP: ${address}`);
  return `http://127.0.0.1:${address.port}/healthz`;
}

export const healthz: Measure = {
  name: 'healthz',
  description: 'GET /healthz req/s on the real app, against a bare node:http server with the same body',
  async run(s) {
    const kind = databaseKind();
    // Loaded here, not at the top, so other measures run without the whole app in the bench process.
    const { buildApp } = await import('#app/app.ts');
    const { bootPlatform, stopPlatform } = await import('#app/bootstrap.ts');
    const { loadConfig } = await import('#platform/config.ts');
    const scratch = await scratchDir('healthz');
    const dataDir = scratch.path;
    try {
      const config = loadConfig({
        DATA_DIR: dataDir,
        DATABASE_URL: process.env.DATABASE_URL,
        JOBS: 'false',
        LOG_LEVEL: 'silent',
        DEMO_SEED: 'false',
      });
      const platform = await bootPlatform(config);
      try {
        const app = await buildApp(platform, { logger: false });
        try {
          await app.listen({ host: '127.0.0.1', port: 0 });
          const appUrl = urlOf(app.server.address());
          const body = healthBody(platform.database.kind, platform.version);
          // Both sides must send the same bytes, or the ratio compares different work.
          const res = await fetch(appUrl);
          const got = await res.text();
          if (res.status !== 200 || got !== body) {
            throw new Error(`app answered ${res.status} ${got}, the baseline would answer ${body}`);
          }

          // One after the other: two servers under load at once would share the two cores.
          const bare = createBareServer(body);
          await new Promise<void>((resolve) => bare.listen(0, '127.0.0.1', resolve));
          let result: Awaited<ReturnType<typeof alternate<LoadResult, LoadResult>>>;
          try {
            const bareUrl = urlOf(bare.address());
            result = await alternate(
              s,
              { baseline: () => measureLoad(bareUrl, s), value: () => measureLoad(appUrl, s) },
              (r) => r.requestsPerSecond,
            );
          } finally {
            await new Promise((resolve) => bare.close(resolve));
          }
          const { baseline, value, rounds } = result;

          return compare({
            label: `healthz (${kind})`,
            value,
            unit: 'req/s',
            baseline,
            baselineLabel: 'bare node http',
            higherIsBetter: true,
            details: {
              database: kind,
              seconds: s.seconds,
              connections: s.connections,
              rounds,
            },
          });
        } finally {
          await app.close();
        }
      } finally {
        await stopPlatform(platform);
      }
    } finally {
      await scratch.remove();
    }
  },
};
