import { withBenchApp } from '../bench-app.ts';
import { compare, databaseKind, type Measure } from '../measure.ts';
import { APPLICANT, COMMUNE, FORM, multipartBody, PDF, PROCEDURE } from './dossier-common.ts';

const DOSSIERS = Number(process.env.BENCH_DVCQG_DOSSIERS ?? 2000);
const PROVINCE = '20';
const MADONVI = 'H15.50.05.13';

/**
 * Changes delivered to the mock national portal per second (target ≥ 200), on loopback: a backlog
 * of dossiers filed and received while the portal was "down" (sync on, no worker running), then
 * drained by one process's worker (look-up, sync, progress per dossier, eight at a time). Against
 * the bare rate of the same portal client making the same number of calls, eight at a time, with
 * no database: what the outbox, the leases and the payloads cost.
 */
export const dvcqgSync: Measure = {
  name: 'dvcqg-sync',
  description: `changes/s delivered to the mock national portal from a backlog of ${DOSSIERS.toLocaleString('en')} dossiers, against bare portal calls/s`,
  async run() {
    const kind = databaseKind();
    const { startMockPortal } = await import('../../mock-dvcqg/portal.ts');
    const portal = await startMockPortal({ port: 0 });
    try {
      return await withBenchApp(
        'dvcqg-sync',
        {
          DVCQG_URL: portal.url,
          DVCQG_USERNAME: portal.credentials.username,
          DVCQG_PASSWORD: portal.credentials.password,
          TRUST_PROXY: 'true',
        },
        async ({ platform, origin }) => {
          const { ensureCatalogue } = await import('#modules/procedures/index.ts');
          const { getPlaceByCode } = await import('#modules/places/index.ts');
          const { ensureUser } = await import('#modules/identity/index.ts');
          const { act, dossierDeps } = await import('#modules/dossiers/index.ts');
          const { confirmMapping, deliveryDeps, drain, setPlaceSync } = await import(
            '#modules/dvcqg/index.ts'
          );
          const { db } = platform.database;
          await ensureCatalogue(db);
          const province = await getPlaceByCode(db, PROVINCE);
          const commune = await getPlaceByCode(db, COMMUNE);
          const staff = async (username: string, role: 'admin' | 'receptionist', place: typeof province) => {
            const { id } = await ensureUser(db, {
              username,
              displayName: username,
              password: 'bench-password-not-used',
              role,
              place,
            });
            return {
              kind: 'staff' as const,
              userId: id,
              username,
              displayName: username,
              grants: [{ role, placeId: place.id, placePath: place.path, placeName: place.fullName }],
            };
          };
          const ctx = (actor: Parameters<typeof act>[0]['actor']) => ({
            db,
            sql: platform.database,
            actor,
            meta: { ip: '127.0.0.1', userAgent: 'bench' },
            clock: platform.clock,
            events: platform.events,
          });
          const admin = ctx(await staff('bench_dvcqg_admin', 'admin', province));
          const desk = ctx(await staff('bench_dvcqg_desk', 'receptionist', commune));
          const sync = deliveryDeps(platform);
          await setPlaceSync(admin, COMMUNE, { madonvi: MADONVI, enabled: 'on' });
          await confirmMapping(admin, sync, PROCEDURE, { maTthc: PROCEDURE });

          // The backlog: filed through the API (eight clients) and received, with no worker running.
          const deps = dossierDeps(platform);
          const run = Date.now().toString(36);
          const { body, contentType } = await multipartBody([
            { name: 'procedureCode', value: PROCEDURE },
            { name: 'unitCode', value: COMMUNE },
            { name: 'applicant', value: JSON.stringify(APPLICANT) },
            { name: 'form', value: JSON.stringify(FORM) },
            { name: 'doc.birthCertificate', file: { filename: 'giay-chung-sinh.pdf', data: PDF } },
          ]);
          const filing0 = performance.now();
          let next = 0;
          await Promise.all(
            Array.from({ length: 8 }, async () => {
              for (let i = next++; i < DOSSIERS; i = next++) {
                const res = await fetch(`${origin}/api/v1/dossiers`, {
                  method: 'POST',
                  headers: {
                    'content-type': contentType,
                    'idempotency-key': `bench-dvcqg-${run}-${i}`,
                    'x-forwarded-for': `10.88.${i >> 8}.${i & 255}`,
                  },
                  body: new Uint8Array(body),
                });
                if (res.status !== 201) throw new Error(`filing answered ${res.status} ${await res.text()}`);
                const { code } = (await res.json()) as { code: string };
                await act(desk, deps, code, { type: 'receive' });
              }
            }),
          );
          const filingSeconds = (performance.now() - filing0) / 1000;
          const [queued] = await platform.database.query<{ n: number }>(
            'select count(*)::int as n from dvcqg_outbox where delivered_at is null',
          );
          const changes = Number(queued?.n ?? 0);
          if (changes === 0) throw new Error('nothing was queued');

          const t0 = performance.now();
          const drained = await drain(sync, 3_600_000);
          const seconds = (performance.now() - t0) / 1000;
          if (drained.changes !== changes) {
            throw new Error(
              `delivered ${drained.changes} of ${changes} changes (${JSON.stringify(drained)})`,
            );
          }
          const calls = portal.state.calls.filter((c) => c.service !== 'login').length;

          // The same number of calls by the same client, eight at a time, no database.
          const client = sync.client;
          if (!client) throw new Error('no portal client');
          next = 0;
          const b0 = performance.now();
          await Promise.all(
            Array.from({ length: 8 }, async () => {
              for (let i = next++; i < calls; i = next++) {
                await client.call('integration', 'TraCuuHoSo', MADONVI, { mahoso: `BENCH-${i}` });
              }
            }),
          );
          const bareSeconds = (performance.now() - b0) / 1000;

          return compare({
            value: changes / seconds,
            unit: 'changes/s',
            baseline: calls / bareSeconds,
            baselineLabel: 'bare portal calls/s',
            higherIsBetter: true,
            label: `dvcqg-sync (${kind})`,
            details: {
              dossiers: DOSSIERS,
              changes,
              portalCalls: calls,
              drainSeconds: seconds,
              filingSeconds,
              target: 200,
            },
          });
        },
      );
    } finally {
      await portal.close();
    }
  },
};
