import { withBenchApp } from '../bench-app.ts';
import { measureLoad, measureRequests } from '../load.ts';
import { alternate, compare, databaseKind, type Measure } from '../measure.ts';

const COMMUNE = '06541';

export const open311Post: Measure = {
  name: 'open311-post',
  description:
    'POST /open311/v2/requests.json req/s (a new report each) against GET /healthz on the same app',
  async run(s) {
    const kind = databaseKind();
    const { ensureDefaultCategories, issueApiKey } = await import('#modules/feedback/index.ts');
    const { getPlaceByCode } = await import('#modules/places/index.ts');
    return withBenchApp('open311', {}, async ({ platform, origin }) => {
      const { db } = platform.database;
      await ensureDefaultCategories(db);
      // A key with room for the whole run: the per-key limit is still checked on every request.
      const { key } = await issueApiKey(db, {
        name: 'bench',
        place: await getPlaceByCode(db, COMMUNE),
        requestsPerMinute: 1_000_000_000,
        createdBy: null,
      });

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
      const { baseline, value, rounds } = await alternate(
        s,
        {
          baseline: () => measureLoad(`${origin}/healthz`, s),
          value: () =>
            measureRequests(
              {
                url: `${origin}/open311/v2/requests.json`,
                method: 'POST',
                headers: { 'content-type': 'application/x-www-form-urlencoded' },
                body,
              },
              s,
            ),
        },
        (r) => r.requestsPerSecond,
      );
      const [made] = await platform.database.query<{ n: number }>(
        'select count(*)::int as n from feedback_reports',
      );
      return compare({
        label: `open311-post (${kind})`,
        value,
        unit: 'req/s',
        baseline,
        baselineLabel: 'GET /healthz, same app',
        higherIsBetter: true,
        details: {
          database: kind,
          seconds: s.seconds,
          connections: s.connections,
          rounds,
          reportsMade: made?.n,
        },
      });
    });
  },
};
