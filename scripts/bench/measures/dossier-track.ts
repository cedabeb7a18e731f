import { withBenchApp } from '../bench-app.ts';
import { measureLoad, measureRequests } from '../load.ts';
import { compare, databaseKind, type Measure } from '../measure.ts';
import { APPLICANT, COMMUNE, FORM, multipartBody, PDF, PROCEDURE } from './dossier-common.ts';

/**
 * autocannon walks the request list from the start on each of its connections, so a code is looked
 * up once per connection per pass: enough dossiers keep every code under its hourly limit (30) at
 * a few thousand lookups a second.
 */
const DOSSIERS = 1500;

/**
 * Public tracking lookups per second (GET /api/v1/dossiers/{code}?phone4=, with both rate-limit
 * counters and the log read on every call), against GET /healthz on the same app. The lookups cycle
 * over many dossiers and each carries its own X-Forwarded-For (TRUST_PROXY on), so the limits are
 * counted on every request but never reached: what is measured is the work, not the 429.
 */
export const dossierTrack: Measure = {
  name: 'dossier-track',
  description: 'GET /api/v1/dossiers/{code}?phone4= lookups/s against GET /healthz on the same app',
  async run(s) {
    const kind = databaseKind();
    const { ensureCatalogue } = await import('#modules/procedures/index.ts');
    return withBenchApp('dossier-track', { TRUST_PROXY: 'true' }, async ({ platform, origin }) => {
      const { db } = platform.database;
      await ensureCatalogue(db);

      // Dossiers to look up, filed through the API (each received, so the log has two entries).
      const { body, contentType } = await multipartBody([
        { name: 'procedureCode', value: PROCEDURE },
        { name: 'unitCode', value: COMMUNE },
        { name: 'applicant', value: JSON.stringify(APPLICANT) },
        { name: 'form', value: JSON.stringify(FORM) },
        { name: 'doc.birthCertificate', file: { filename: 'giay-chung-sinh.pdf', data: PDF } },
      ]);
      const codes: string[] = [];
      // Keys of this run only: on a PostgreSQL server the database outlives the run.
      const run = Date.now().toString(36);
      // Addresses of this run only, for the same reason (the counters live in the database too).
      const net = Math.floor(Math.random() * 250);
      // One more than are looked up under load: the probe's own, so no code is hit one time extra.
      for (let i = 0; i <= DOSSIERS; i++) {
        const res = await fetch(`${origin}/api/v1/dossiers`, {
          method: 'POST',
          headers: {
            'content-type': contentType,
            'idempotency-key': `bench-track-${run}-${String(i).padStart(8, '0')}`,
            'x-forwarded-for': `10.77.${i >> 8}.${i & 255}`,
          },
          body: new Uint8Array(body),
        });
        if (res.status !== 201) throw new Error(`filing answered ${res.status} ${await res.text()}`);
        codes.push(((await res.json()) as { code: string }).code);
      }
      const phone4 = APPLICANT.phone.slice(-4);
      const probe = await fetch(`${origin}/api/v1/dossiers/${codes.pop()}?phone4=${phone4}`, {
        headers: { 'x-forwarded-for': `10.${net}.250.1` },
      });
      if (probe.status !== 200) throw new Error(`lookup answered ${probe.status} ${await probe.text()}`);

      const health = await measureLoad(`${origin}/healthz`, s);
      const lookups = await measureRequests(
        {
          url: origin,
          method: 'GET',
          // Each dossier looked up from its own address: the counters are hit on every call, never full.
          requests: codes.map((c, i) => ({
            path: `/api/v1/dossiers/${c}?phone4=${phone4}`,
            headers: { 'x-forwarded-for': `10.${net}.${i >> 8}.${i & 255}` },
          })),
        },
        s,
      );
      return compare({
        label: `dossier-track (${kind})`,
        value: lookups.requestsPerSecond,
        unit: 'req/s',
        baseline: health.requestsPerSecond,
        baselineLabel: 'GET /healthz, same app',
        higherIsBetter: true,
        details: { database: kind, target: 0.5, dossiers: DOSSIERS, lookups, healthz: health },
      });
    });
  },
};
