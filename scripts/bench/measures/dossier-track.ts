import { withBenchApp } from '../bench-app.ts';
import { cpuProfiled } from '../cpu-profile.ts';
import { measureLoad, measureRequests } from '../load.ts';
import { alternate, compare, databaseKind, type Measure, median } from '../measure.ts';
import { withCpu } from '../thread-cpu.ts';
import { APPLICANT, COMMUNE, FORM, multipartBody, PDF, PROCEDURE } from './dossier-common.ts';

/**
 * autocannon walks the request list from the start on each of its connections (warm-up and measured
 * run alike), so a code is looked up once per connection per pass. Each round looks up dossiers of
 * its own, and each from its own address, so no address reaches its 60 lookups in 15 minutes (a
 * right proof gives its guess back: the guess limits never fill).
 */
const PER_ROUND = 2500;

/**
 * Public tracking lookups per second (GET /api/v1/dossiers/{code}?phone4=, with every tracking limit
 * counted and the log read on every call), against GET /healthz on the same app. The lookups cycle
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
      // Keys of this run only: on a PostgreSQL server the database outlives the run.
      const run = Date.now().toString(36);
      // Addresses of this run only, for the same reason (the counters live in the database too).
      const net = Math.floor(Math.random() * 250);
      // One more than are looked up under load: the probe's own, so no code is hit one time extra.
      // Filed by as many clients at once as the load has connections.
      const dossiers = PER_ROUND * s.rounds;
      const codes: string[] = new Array(dossiers + 1);
      let next = 0;
      const file = async () => {
        for (let i = next++; i <= dossiers; i = next++) {
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
          codes[i] = ((await res.json()) as { code: string }).code;
        }
      };
      await Promise.all(Array.from({ length: s.connections }, file));
      const phone4 = APPLICANT.phone.slice(-4);
      const probe = await fetch(`${origin}/api/v1/dossiers/${codes.pop()}?phone4=${phone4}`, {
        headers: { 'x-forwarded-for': `10.${net}.250.1` },
      });
      if (probe.status !== 200) throw new Error(`lookup answered ${probe.status} ${await probe.text()}`);

      // Each dossier looked up from its own address: the counters are hit on every call, never full.
      const lookups = codes.map((c, i) => ({
        path: `/api/v1/dossiers/${c}?phone4=${phone4}`,
        headers: { 'x-forwarded-for': `10.${net}.${i >> 8}.${i & 255}` },
      }));
      let round = 0;
      const { baseline, value, rounds } = await alternate(
        s,
        {
          baseline: () =>
            cpuProfiled(`healthz-${round + 1}`, () => withCpu(() => measureLoad(`${origin}/healthz`, s))),
          value: () => {
            const mine = lookups.slice(round * PER_ROUND, ++round * PER_ROUND);
            return cpuProfiled(`dossier-track-${round}`, () =>
              withCpu(() => measureRequests({ url: origin, method: 'GET', requests: mine }, s)),
            );
          },
        },
        (r) => r.requestsPerSecond,
      );
      // The same comparison in CPU: the app's main-thread time per request (warm-up included, on
      // both sides alike), which the neighbours' load hardly moves. A lookup at 0.5 of /healthz's
      // rate costs at most twice its CPU.
      const cpuRatios = rounds.map((r) => r.baseline.cpuMsPerRequest / r.value.cpuMsPerRequest);
      return compare({
        label: `dossier-track (${kind})`,
        value,
        unit: 'req/s',
        baseline,
        baselineLabel: 'GET /healthz, same app',
        higherIsBetter: true,
        details: { database: kind, target: 0.5, dossiers, rounds, cpuRatios },
        more: [
          {
            label: `dossier-track CPU (${kind})`,
            value: median(rounds.map((r) => r.value.cpuMsPerRequest)),
            unit: 'CPU ms/req',
            baseline: median(rounds.map((r) => r.baseline.cpuMsPerRequest)),
            baselineLabel: 'GET /healthz, same app',
            higherIsBetter: false,
          },
        ],
      });
    });
  },
};
