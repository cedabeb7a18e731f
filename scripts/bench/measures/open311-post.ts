import path from 'node:path';
import autocannon from 'autocannon';
import { scratchDir } from '../cleanup.ts';
import { type LoadResult, measureLoad } from '../load.ts';
import { type BenchSettings, compare, databaseKind, type Measure, ROOT } from '../measure.ts';

/** The test slice of the administrative units: enough for one commune, quick to import. */
const UNITS = path.join(ROOT, 'test/fixtures/admin-units');
const COMMUNE = '06541';

/** POST load with a fixed form body; like measureLoad, any error or non-2xx answer fails the measure. */
async function measurePost(url: string, body: string, s: BenchSettings): Promise<LoadResult> {
  const fire = (duration: number) =>
    autocannon({
      url,
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body,
      connections: s.connections,
      duration,
      workers: 1,
    });
  if (s.warmupSeconds > 0) await fire(s.warmupSeconds);
  const r = await fire(s.seconds);
  if (r.errors || r.timeouts || r.non2xx) {
    throw new Error(
      `${url}: ${r.errors} errors, ${r.timeouts} timeouts, ${r.non2xx} non-2xx answers in ${r.requests.total} requests`,
    );
  }
  if (!r.requests.total) throw new Error(`${url}: no answer at all in ${s.seconds}s`);
  return {
    requestsPerSecond: r.requests.total / r.duration,
    totalRequests: r.requests.total,
    latencyMs: { average: r.latency.average, p50: r.latency.p50, p99: r.latency.p99 },
  };
}

export const open311Post: Measure = {
  name: 'open311-post',
  description:
    'POST /open311/v2/requests.json req/s (a new report each) against GET /healthz on the same app',
  async run(s) {
    const kind = databaseKind();
    const { buildApp } = await import('#app/app.ts');
    const { bootPlatform, stopPlatform } = await import('#app/bootstrap.ts');
    const { loadConfig } = await import('#platform/config.ts');
    const { ensureDefaultCategories, issueApiKey } = await import('#modules/feedback/index.ts');
    const { getPlaceByCode, importPlaces } = await import('#modules/places/index.ts');
    const scratch = await scratchDir('open311');
    try {
      const config = loadConfig({
        DATA_DIR: scratch.path,
        DATABASE_URL: process.env.DATABASE_URL,
        JOBS: 'false',
        LOG_LEVEL: 'silent',
        DEMO_SEED: 'false',
      });
      const platform = await bootPlatform(config);
      try {
        const { db } = platform.database;
        if (!(await getPlaceByCode(db, COMMUNE).catch(() => undefined)))
          await importPlaces(platform.database, { dir: UNITS });
        await ensureDefaultCategories(db);
        // A key with room for the whole run: the per-key limit is still checked on every request.
        const { key } = await issueApiKey(db, {
          name: 'bench',
          place: await getPlaceByCode(db, COMMUNE),
          requestsPerMinute: 1_000_000_000,
          createdBy: null,
        });
        const app = await buildApp(platform, { logger: false });
        try {
          await app.listen({ host: '127.0.0.1', port: 0 });
          const address = app.server.address();
          if (!address || typeof address === 'string') throw new Error('not listening on TCP');
          const origin = `http://127.0.0.1:${address.port}`;
          const body = new URLSearchParams({
            api_key: key,
            service_code: 'roads',
            jurisdiction_id: COMMUNE,
            lat: '21.853712',
            long: '106.947541',
            address_string: 'Dốc Khau Slôi',
            description: 'Sạt lở taluy, đất đá lấp nửa mặt đường lên bản.',
            phone: '0912345678',
          }).toString();
          const probe = await fetch(`${origin}/open311/v2/requests.json`, {
            method: 'POST',
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
            body,
          });
          if (probe.status !== 201) throw new Error(`POST answered ${probe.status} ${await probe.text()}`);

          // One after the other on the same app: the baseline and the measure share the machine alike.
          const health = await measureLoad(`${origin}/healthz`, s);
          const posts = await measurePost(`${origin}/open311/v2/requests.json`, body, s);
          const [made] = await platform.database.query<{ n: number }>(
            'select count(*)::int as n from feedback_reports',
          );
          return compare({
            label: `open311-post (${kind})`,
            value: posts.requestsPerSecond,
            unit: 'req/s',
            baseline: health.requestsPerSecond,
            baselineLabel: 'GET /healthz, same app',
            higherIsBetter: true,
            details: {
              database: kind,
              seconds: s.seconds,
              connections: s.connections,
              post: posts,
              healthz: health,
              reportsMade: made?.n,
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
