import pg from 'pg';
import { UNITS } from '../bench-app.ts';
import { compare, type Measure, median } from '../measure.ts';

/** Lạng Sơn and three of its communes, from the test slice of the administrative units. */
const PROVINCE = '20';
const COMMUNES = ['06184', '06529', '06541'];
const DOSSIERS = Number(process.env.BENCH_STATS_DOSSIERS || 1_000_000);
const RUNS = 7;
/** The target: statistics for a province of 1,000,000 dossiers in under a second. */
const TARGET_MS = 1000;

function withDb(url: string, name: string) {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

async function admin<T>(url: string, fn: (c: pg.Client) => Promise<T>) {
  const c = new pg.Client({ connectionString: withDb(url, 'postgres') });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/**
 * The generated province: DOSSIERS dossiers over 2026 in three communes, a third filed online,
 * 80 % decided (a tenth of those late), a fifth of the counter ones with scanned files, 30 % with
 * a fee (half paid by transfer), 20 % rated, a tenth with a supplement after receipt, 3 in 10 of
 * the decided with a signed electronic result. All with INSERT … SELECT generate_series, then
 * ANALYZE.
 */
export const GENERATE = `
with u as (
  select array_agg(id order by code) as ids, array_agg(path order by code) as paths
    from places where code = any($1::text[]) and valid_to is null and level = 'commune'
)
insert into dossiers (code, agency_code, procedure_code, procedure_version, procedure_name, applicant_name,
  applicant_phone, form_data, channel, unit_id, unit_path, submitted_at, valid_received_at, due_at, decided_at,
  finished_at, status, step, decision)
select 'BENCH-' || g, 'BENCH', (array['1.001193','2.000815','1.004873','1.004222'])[1 + g % 4], '1', 'Thủ tục',
  'Người nộp ' || (g % 997), '09' || lpad((g % 100000000)::text, 8, '0'), '{}'::jsonb,
  (1 + (g * 7) % 3)::smallint, u.ids[1 + g % 3], u.paths[1 + g % 3],
  s.at, s.at + interval '1 hour', s.at + interval '1 hour' + (3 + g % 5) * interval '1 day',
  case when g % 5 <> 0 then s.at + interval '1 hour' + ((g % 5) + case when g % 10 = 1 then 4 else 0 end) * interval '1 day' end,
  case when g % 5 in (2, 3) then s.at + interval '6 days' end,
  case when g % 5 = 0 then 4 when g % 5 in (2, 3) then 10 else 9 end,
  case when g % 5 = 0 then 'in_progress' when g % 5 in (2, 3) then 'returned' else 'decided' end,
  case when g % 5 <> 0 then 'approved' end
from generate_series(1, $2::int) g
cross join u
cross join lateral (select timestamptz '2026-01-01 00:00+07' + (g % 31536000) * interval '1 second' as at) s`;

export const EXTRAS = [
  `with f as (
     insert into files (id, storage_key, original_name, mime_type, size_bytes, sha256)
     select gen_random_uuid(), 'bench/' || d.id, 'scan.pdf', 'application/pdf', 1, repeat('0', 64)
       from dossiers d where d.id % 5 = 0 and d.channel <> 2
     returning id, storage_key)
   insert into dossier_files (dossier_id, file_id, document_id)
   select substring(storage_key from 7)::bigint, id, 'toKhai' from f`,
  `insert into payment_dues (dossier_id, dossier_code, unit_path, fee_id, fee_name, moment, amount, status, due_at,
     paid_at, method)
   select id, code, unit_path, 'lePhi', 'Lệ phí', 'receipt', 5000,
     case when id % 3 = 0 then 'due' else 'paid' end, valid_received_at,
     case when id % 3 <> 0 then valid_received_at + interval '2 hours' end,
     case when id % 3 = 1 then 'transfer' when id % 3 = 2 then 'cash' end
   from dossiers where id % 10 < 3`,
  `insert into dossier_ratings (dossier_id, dossier_code, unit_path, score, source, created_at)
   select id, code, unit_path, (1 + id % 4)::smallint, 'web', finished_at
   from dossiers where finished_at is not null and id % 2 = 0`,
  // What the Decision 766 index reads besides (decision 032): the procedures as filed, a supplement
  // asked and answered after receipt on a tenth of the dossiers (its receipt logged with the
  // appointment), a signed electronic result on 3 in 10 of the decided.
  `insert into dossier_procedure_versions (procedure_code, version, definition)
   select code, '1', definition from procedures
    where code = any(array['1.001193', '2.000815', '1.004873', '1.004222'])
   on conflict do nothing`,
  `insert into dossier_actions (dossier_id, type, at, actor_kind, actor_name, unit_id, payload, status_after)
   select d.id, x.type, x.at, 'system', 'bench', d.unit_id, x.payload, x.status
     from dossiers d
     cross join lateral (values
       ('receive', d.valid_received_at, jsonb_build_object('dueAt', d.due_at), 2::smallint),
       ('request_supplement', d.valid_received_at + interval '1 day', '{}'::jsonb, 5::smallint),
       ('supplement_received', d.valid_received_at + interval '2 days', '{}'::jsonb, 4::smallint)
     ) x(type, at, payload, status)
    where d.id % 10 = 7`,
  // The row's own count of supplement requests after receipt, as the dossiers module caches it.
  'update dossiers set supplement_requests = 1 where id % 10 = 7',
  `with f as (
     insert into files (id, storage_key, original_name, mime_type, size_bytes, sha256)
     select gen_random_uuid(), 'bench-result/' || d.id, 'ket-qua.pdf', 'application/pdf', 1, repeat('0', 64)
       from dossiers d where d.decided_at is not null and d.id % 10 < 3
     returning id, storage_key)
   insert into issued_documents (id, dossier_id, dossier_code, kind, file_id, sha256, signed, signed_at)
   select gen_random_uuid(), d.id, d.code, 'result', f.id, repeat('0', 64), true, d.decided_at + interval '1 hour'
     from f join dossiers d on d.id = substring(f.storage_key from 14)::bigint`,
  'analyze',
];

export const statistics1m: Measure = {
  name: 'statistics-1m',
  description: `statistics of a province with ${DOSSIERS.toLocaleString('en')} dossiers (PostgreSQL), against count(*) over the same rows`,
  async run() {
    const { openDatabase } = await import('#platform/db/client.ts');
    const { migrate } = await import('#platform/db/migrate.ts');
    const { importPlaces, getPlaceByCode } = await import('#modules/places/index.ts');
    const { ensureCatalogue } = await import('#modules/procedures/index.ts');
    const { statisticsFor } = await import('#modules/statistics/index.ts');
    const { Events } = await import('#platform/events.ts');

    // On the server in DATABASE_URL, or on a throwaway cluster: the figure is about PostgreSQL.
    let cluster: { url: string; stop(): Promise<void> } | undefined;
    let server = process.env.DATABASE_URL;
    if (!server) {
      // @ts-expect-error plain JavaScript helper without types
      const { serverAvailable, startCluster } = await import('../../pg-cluster.mjs');
      if (!serverAvailable())
        throw new Error('statistics-1m needs PostgreSQL: set DATABASE_URL or install the server');
      cluster = await startCluster();
      server = cluster?.url;
    }
    const url = server as string;
    const name = `xaso_bench_stats_${process.pid}`;
    await admin(url, (c) => c.query(`create database ${name}`));
    const database = await openDatabase({ url: withDb(url, name), poolSize: 4 });
    try {
      await migrate(database);
      await importPlaces(database, { dir: UNITS });
      await ensureCatalogue(database.db);
      const t0 = performance.now();
      await database.query(GENERATE, [COMMUNES, DOSSIERS]);
      for (const sql of EXTRAS) await database.query(sql);
      const generateSeconds = (performance.now() - t0) / 1000;

      const province = await getPlaceByCode(database.db, PROVINCE);
      const ctx = {
        db: database.db,
        sql: database,
        actor: {
          kind: 'staff' as const,
          userId: 0,
          username: 'bench',
          displayName: 'bench',
          grants: [
            {
              role: 'admin' as const,
              placeId: province.id,
              placePath: province.path,
              placeName: province.fullName,
            },
          ],
        },
        meta: { ip: '127.0.0.1', userAgent: 'bench' },
        clock: { now: () => new Date('2026-12-31T10:00:00+07:00') },
        events: new Events(() => {}),
      };
      const query = { place: PROVINCE, from: '2026-01-01', to: '2026-12-31' };
      const [{ n } = { n: 0 }] = await database.query<{ n: number }>(
        'select count(*)::int as n from dossiers where unit_path like $1',
        [`${province.path}%`],
      );
      if (n !== DOSSIERS) throw new Error(`expected ${DOSSIERS} dossiers in the province, found ${n}`);

      // Alternate the two, after one warm-up each, so both see the same cache state.
      const stats: number[] = [];
      const counts: number[] = [];
      let last: Awaited<ReturnType<typeof statisticsFor>> | undefined;
      for (let i = 0; i <= RUNS; i++) {
        let t = performance.now();
        last = await statisticsFor(ctx, query);
        if (i > 0) stats.push(performance.now() - t);
        t = performance.now();
        await database.query('select count(*) from dossiers where unit_path like $1', [`${province.path}%`]);
        if (i > 0) counts.push(performance.now() - t);
      }
      const value = median(stats);
      return compare({
        label: `statistics-1m (postgres, ${n.toLocaleString('en')} dossiers)`,
        value,
        unit: 'ms',
        baseline: median(counts),
        baselineLabel: 'select count(*) over the same rows',
        higherIsBetter: false,
        details: {
          dossiers: n,
          runs: RUNS,
          statisticsMs: stats,
          countMs: counts,
          targetMs: TARGET_MS,
          metTarget: value < TARGET_MS,
          generateSeconds,
          received: last?.dossiers.received,
          total766: last?.index.total,
        },
      });
    } finally {
      await database.close();
      await admin(url, (c) => c.query(`drop database if exists ${name} with (force)`));
      await cluster?.stop();
    }
  },
};
