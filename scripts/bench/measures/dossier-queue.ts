import { scratchDir } from '../cleanup.ts';
import { compare, databaseKind, type Measure } from '../measure.ts';
import { percentile } from './dossier-common.ts';

/** Lạng Sơn: the province whose communes the generated dossiers are spread over. */
const PROVINCE = '20';
const ROWS = Number(process.env.BENCH_DOSSIERS ?? 1_000_000);
const SAMPLES_PER_KIND = 40;

/**
 * The staff queue over 1,000,000 generated dossiers (one INSERT … SELECT generate_series): p95 of
 * the queries the queue page runs — a commune desk's "my work", its overdue filter, a search by name
 * without diacritics and by phone, a province official's first and next page — through the service
 * (`listQueue`), against the p95 of a lookup by dossier code in the same database. Target: ≤ 50 ms.
 * One dossier in twenty is still open, as in a commune's year of work; the rest are finished.
 */
export const dossierQueue: Measure = {
  name: 'dossier-queue',
  description: `staff-queue query p95 (ms) over ${ROWS.toLocaleString('en')} generated dossiers, against a lookup by code`,
  async run() {
    const kind = databaseKind();
    const { bootPlatform, stopPlatform } = await import('#app/bootstrap.ts');
    const { loadConfig } = await import('#platform/config.ts');
    const { getPlaceByCode, importPlaces, listChildren } = await import('#modules/places/index.ts');
    const { findDossier, listQueue, QueueQuery } = await import('#modules/dossiers/index.ts');
    type Ctx = Parameters<typeof listQueue>[0];
    const listQueueForBench = (c: Ctx, query: Record<string, unknown>) =>
      listQueue(c, QueueQuery.parse(query));
    const scratch = await scratchDir('dossier-queue');
    // A database of its own on a server: a million generated rows must not stay behind in the shared one.
    const server = process.env.DATABASE_URL;
    const dbName = `xaso_bench_queue_${Date.now().toString(36)}`;
    const adminUrl = server ? withDatabase(server, 'postgres') : undefined;
    if (adminUrl) await adminQuery(adminUrl, `create database ${dbName}`);
    try {
      const config = loadConfig({
        DATA_DIR: scratch.path,
        DATABASE_URL: server ? withDatabase(server, dbName) : undefined,
        JOBS: 'false',
        LOG_LEVEL: 'silent',
        DEMO_SEED: 'false',
      });
      const platform = await bootPlatform(config);
      try {
        const database = platform.database;
        const { db } = database;
        if (!(await getPlaceByCode(db, PROVINCE).catch(() => undefined))) await importPlaces(database);
        const province = await getPlaceByCode(db, PROVINCE);
        const communes = (await listChildren(db, province.id)).filter(
          (p) => p.level === 'commune' && !p.validTo,
        );
        const t0 = performance.now();
        await database.query(
          `with u as (
             select array_agg(id order by id) as ids, array_agg(path order by id) as paths, count(*)::int as n
             from places where parent_id = $1 and level = 'commune' and valid_to is null),
           g as (
             -- k numbers the dossiers of one commune, so every commune gets every name.
             select i, i / u.n as k, u.ids[1 + i % u.n] as unit_id, u.paths[1 + i % u.n] as unit_path,
               now() - (${ROWS} - i) * interval '30 seconds' as submitted_at,
               case when i % 20 = 0 then (array[1, 2, 4, 4, 5, 9])[1 + (i / 20) % 6]
                    else (array[10, 10, 10, 10, 10, 10, 3, 7, 8])[1 + i % 9] end as status
             from generate_series(1, ${ROWS}) i, u)
           insert into dossiers (code, agency_code, procedure_code, procedure_version, procedure_name, applicant_name,
             applicant_id_number, applicant_phone, applicant_address, form_data, channel, unit_id, unit_path,
             submitted_at, valid_received_at, due_at, finished_at, status, step)
           select 'G' || lpad(i::text, 7, '0') || '-260101-0001', 'G', '1.001193', '1', 'Thủ tục đăng ký khai sinh',
             (array['Hoàng','Nông','Lường','Vi','Triệu','Lý','Hà','Nguyễn','Lăng','Mã','Chu','Dương'])[1 + k % 12] || ' ' ||
             (array['Văn','Thị','Đức','Minh','Thanh','Ngọc'])[1 + (k / 12) % 6] || ' ' ||
             (array['An','Bình','Cúc','Dũng','Én','Hoa','Lan','Mai','Nam','Quân','Sơn','Tú','Uyên','Vân','Xuân','Yến','Hùng','Khánh','Linh','Phúc'])[1 + (k / 72) % 20],
             lpad((i % 1000000000000)::text, 12, '0'), '09' || lpad(((i::bigint * 7919) % 100000000)::text, 8, '0'),
             'Thôn ' || (1 + i % 9) || ', Lạng Sơn', '{}', 1 + i % 3, unit_id, unit_path,
             submitted_at,
             case when status = 1 then null else submitted_at + interval '2 hours' end,
             case when status = 1 then null else submitted_at + interval '2 hours' + (i % 7) * interval '1 day' end,
             case when status in (3, 7, 8, 10) then submitted_at + interval '3 days' end,
             status,
             case status when 1 then 'submitted' when 2 then 'received' when 4 then 'in_progress'
               when 5 then 'supplement_requested' when 9 then 'decided' when 10 then 'returned'
               when 3 then 'refused' when 7 then 'withdrawn' else 'stopped' end
           from g`,
          [province.id],
        );
        // A live table is vacuumed by autovacuum; freshly loaded rows would otherwise be read with
        // their visibility still to settle, which no real queue sees.
        await database.query('vacuum analyze dossiers');
        const generateSeconds = (performance.now() - t0) / 1000;

        const staff = (
          userId: number,
          role: 'receptionist' | 'admin',
          place: { id: number; path: string; fullName: string },
        ) => ({
          kind: 'staff' as const,
          userId,
          username: `bench${userId}`,
          displayName: `bench${userId}`,
          grants: [{ role, placeId: place.id, placePath: place.path, placeName: place.fullName }],
        });
        const ctx = (actor: ReturnType<typeof staff>) => ({
          db,
          sql: database,
          actor,
          meta: { ip: '127.0.0.1', userAgent: undefined },
          clock: platform.clock,
          events: platform.events,
        });
        const time = async (fn: () => Promise<unknown>) => {
          const t = performance.now();
          await fn();
          return performance.now() - t;
        };
        const pick = <T>(xs: T[], i: number) => xs[(i * 7) % xs.length] as T;
        const samples: Record<string, number[]> = {
          deskMine: [],
          deskLate: [],
          deskName: [],
          deskPhone: [],
          provinceFirst: [],
          provinceNext: [],
        };
        const byCode: number[] = [];
        const admin = staff(1, 'admin', province);
        for (let i = 0; i < SAMPLES_PER_KIND + 3; i++) {
          const keep = i >= 3; // the first rounds warm the caches
          const commune = pick(communes, i);
          const desk = ctx(staff(2, 'receptionist', commune));
          const add = (k: string, ms: number) => keep && samples[k]?.push(ms);
          add('deskMine', await time(() => listQueueForBench(desk, { view: 'mine' })));
          add('deskLate', await time(() => listQueueForBench(desk, { view: 'open', due: 'late' })));
          add('deskName', await time(() => listQueueForBench(desk, { view: 'closed', q: 'hoang van lan' })));
          const phone = `09${String((((i + 1) * 20 * 7919) % 100000000) >>> 0).padStart(8, '0')}`;
          add('deskPhone', await time(() => listQueueForBench(desk, { view: 'closed', q: phone })));
          let next: string | undefined;
          add(
            'provinceFirst',
            await time(async () => {
              next = (await listQueueForBench(ctx(admin), { view: 'open' })).next;
            }),
          );
          add(
            'provinceNext',
            await time(() =>
              listQueueForBench(ctx(admin), { view: 'open', ...(next ? { after: next } : {}) }),
            ),
          );
          const code = `G${String(1 + ((i * 104729) % ROWS)).padStart(7, '0')}-260101-0001`;
          const t = await time(() => findDossier(db, code));
          if (keep) byCode.push(t);
        }
        const all = Object.values(samples).flat();
        const p95 = percentile(all, 95);
        const perKind = Object.fromEntries(
          Object.entries(samples).map(([k, v]) => [k, { p50: percentile(v, 50), p95: percentile(v, 95) }]),
        );
        return compare({
          label: `dossier-queue p95 (${kind})`,
          value: p95,
          unit: 'ms',
          baseline: percentile(byCode, 95),
          baselineLabel: 'lookup by code, p95',
          higherIsBetter: false,
          details: {
            database: kind,
            rows: ROWS,
            communes: communes.length,
            targetMs: 50,
            meetsTarget: p95 <= 50,
            generateSeconds,
            perKind,
          },
        });
      } finally {
        await stopPlatform(platform);
      }
    } finally {
      if (adminUrl)
        await adminQuery(adminUrl, `drop database if exists ${dbName} with (force)`).catch(() => {});
      await scratch.remove();
    }
  },
};

function withDatabase(url: string, name: string) {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

async function adminQuery(url: string, text: string) {
  const pg = (await import('pg')).default;
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query(text);
  } finally {
    await c.end();
  }
}
