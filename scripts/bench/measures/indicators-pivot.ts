import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { UNITS } from '../bench-app.ts';
import { compare, type Measure, median } from '../measure.ts';

/**
 * Issue 18's budget: a province pivot — 100 communes × 12 months × 50 indicators, with totals —
 * in ≤ 500 ms on PostgreSQL with 1,000,000 dossiers and 100,000 visits behind it, reported as a
 * ratio to count(*) over those same 1,100,000 rows.
 *
 * The field kit (households and visits) is being built in another slice, so the visits are a
 * stand-in published view (`field_visit_facts`, made here) read by a collector made here through
 * the same interface a module would use (`registerCollector`): 100,000 visits to 500 hamlets.
 */
const PROVINCE = '20';
const COMMUNES = 100;
const HAMLETS_PER_COMMUNE = 5;
const DOSSIERS = Number(process.env.BENCH_INDICATOR_DOSSIERS || 1_000_000);
const VISITS = Number(process.env.BENCH_INDICATOR_VISITS || 100_000);
const INDICATORS = 50;
const RUNS = 7;
const TARGET_MS = 500;

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

/** The test slice of the administrative units, with 97 made-up communes added to Lạng Sơn (100 in all). */
function unitsWithHundredCommunes(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xaso-bench-units-'));
  fs.cpSync(UNITS, dir, { recursive: true });
  const file = path.join(dir, 'communes.csv');
  const existing = fs.readFileSync(file, 'utf8').trimEnd().split('\n');
  const inProvince = existing.filter((l) => l.split(',')[3] === PROVINCE).length;
  const extra = Array.from({ length: COMMUNES - inProvince }, (_, i) => {
    const n = String(i + 1).padStart(2, '0');
    return `9${String(i + 1).padStart(4, '0')},Thử Nghiệm ${n},xã,${PROVINCE},Xã Thử Nghiệm ${n},Thu Nghiem ${n}`;
  });
  fs.writeFileSync(file, `${[...existing, ...extra].join('\n')}\n`);
  return dir;
}

/** 1,000,000 dossiers over 2026 in the 100 communes: a third online, 80 % decided (a tenth of those late). */
const DOSSIER_ROWS = `
with u as (
  select array_agg(id order by code) as ids, array_agg(path order by code) as paths, count(*)::int as n
    from places p where level = 'commune' and valid_to is null
     and parent_id = (select id from places where code = $1 and level = 'province' and valid_to is null)
)
insert into dossiers (code, agency_code, procedure_code, procedure_version, procedure_name, applicant_name,
  applicant_phone, form_data, channel, unit_id, unit_path, submitted_at, valid_received_at, due_at, decided_at,
  finished_at, status, step, decision)
select 'BENCH-' || g, 'BENCH', (array['1.001193','2.000815','1.004873','1.004222'])[1 + g % 4], '1', 'Thủ tục',
  'Người nộp ' || (g % 997), '09' || lpad((g % 100000000)::text, 8, '0'), '{}'::jsonb,
  (1 + (g * 7) % 3)::smallint, u.ids[1 + g % u.n], u.paths[1 + g % u.n],
  s.at, s.at + interval '1 hour', s.at + interval '1 hour' + (3 + g % 5) * interval '1 day',
  case when g % 5 <> 0 then s.at + interval '1 hour' + ((g % 5) + case when g % 10 = 1 then 4 else 0 end) * interval '1 day' end,
  case when g % 5 in (2, 3) then s.at + interval '6 days' end,
  case when g % 5 = 0 then 4 when g % 5 in (2, 3) then 10 else 9 end,
  case when g % 5 = 0 then 'in_progress' when g % 5 in (2, 3) then 'returned' else 'decided' end,
  case when g % 5 <> 0 then 'approved' end
from generate_series(1, $2::int) g
cross join u
cross join lateral (select timestamptz '2026-01-01 00:00+07' + (g::bigint * 31000000 / $2) * interval '1 second' as at) s`;

/** The stand-in for the field kit's published view: one row per household visit, at a hamlet. */
const VISIT_ROWS = [
  `create table bench_field_visits (
     id bigint generated always as identity primary key,
     place_path text not null,
     visited_at timestamptz not null,
     has_smartphone boolean not null,
     vneid_level2 boolean not null,
     cashless boolean not null)`,
  `create index on bench_field_visits (place_path text_pattern_ops, visited_at)`,
  `create view field_visit_facts as
     select id, place_path, visited_at, has_smartphone, vneid_level2, cashless from bench_field_visits`,
  `insert into bench_field_visits (place_path, visited_at, has_smartphone, vneid_level2, cashless)
   select h.paths[1 + g % h.n], timestamptz '2026-01-01 08:00+07' + (g % 360) * interval '1 day' + (g % 9) * interval '1 hour',
          g % 3 <> 0, g % 4 = 0, g % 5 < 2
     from generate_series(1, $1::int) g
    cross join (select array_agg(path order by id) as paths, count(*)::int as n from places where level = 'village') h`,
];

/** Typed monthly values: households and smartphones per hamlet, adults and VNeID per commune by sex. */
const TYPED_ROWS = `
insert into indicator_values (element, option, place_id, place_path, period, period_type, period_start, period_end,
  rollup, value, element_version, disaggregation, source, entered_by)
select e.code, o.option, p.id, p.path, to_char(m, 'YYYYMM'), 'month', m::date,
       (m + interval '1 month - 1 day')::date, true,
       case e.code when 'HGD_TONG' then 80 + p.id % 40 when 'HGD_SMARTPHONE' then 40 + p.id % 30
                   when 'DAN_TRUONG_THANH' then 600 + p.id % 200 else 200 + p.id % 150 end
         + extract(month from m)::int,
       1, e.disaggregation, 'entry', 'bench'
  from generate_series(date '2026-01-01', date '2026-12-01', interval '1 month') m
  cross join (values ('HGD_TONG', 'village', 'hamlet'), ('HGD_SMARTPHONE', 'village', 'hamlet'),
                     ('DAN_TRUONG_THANH', 'commune', 'sex'), ('DAN_VNEID_MUC2', 'commune', 'sex')) e(code, level, disaggregation)
  join places p on p.level = e.level and p.valid_to is null and p.path like $1
  cross join lateral (select unnest(case when e.disaggregation = 'sex' then array['nam', 'nu'] else array[''] end) as option) o`;

export const indicatorsPivot: Measure = {
  name: 'indicators-pivot',
  description: `province pivot: ${COMMUNES} communes × 12 months × ${INDICATORS} indicators over ${DOSSIERS.toLocaleString('en')} dossiers and ${VISITS.toLocaleString('en')} visits (PostgreSQL), against count(*) over the same rows`,
  async run() {
    const { openDatabase } = await import('#platform/db/client.ts');
    const { migrate } = await import('#platform/db/migrate.ts');
    const { importPlaces, getPlaceByCode, listChildren, addVillageUnchecked } = await import(
      '#modules/places/index.ts'
    );
    const { ensureCatalogue } = await import('#modules/procedures/index.ts');
    const {
      fillCollector,
      importModelUnchecked,
      listCollectors,
      pivotFor,
      registerCollector,
      STARTER_MODEL,
    } = await import('#modules/indicators/index.ts');
    const { Events } = await import('#platform/events.ts');

    let cluster: { url: string; stop(): Promise<void> } | undefined;
    let server = process.env.DATABASE_URL;
    if (!server) {
      // @ts-expect-error plain JavaScript helper without types
      const { serverAvailable, startCluster } = await import('../../pg-cluster.mjs');
      if (!serverAvailable())
        throw new Error('indicators-pivot needs PostgreSQL: set DATABASE_URL or install the server');
      cluster = await startCluster();
      server = cluster?.url;
    }
    const url = server as string;
    const name = `xaso_bench_indicators_${process.pid}`;
    await admin(url, (c) => c.query(`create database ${name}`));
    const database = await openDatabase({ url: withDb(url, name), poolSize: 4 });
    const units = unitsWithHundredCommunes();
    try {
      await migrate(database);
      await importPlaces(database, { dir: units });
      await ensureCatalogue(database.db);
      const province = await getPlaceByCode(database.db, PROVINCE);
      const communes = (await listChildren(database.db, province.id)).filter(
        (p) => p.level === 'commune' && !p.validTo,
      );
      if (communes.length !== COMMUNES)
        throw new Error(`expected ${COMMUNES} communes, found ${communes.length}`);
      for (const c of communes)
        for (let h = 1; h <= HAMLETS_PER_COMMUNE; h++)
          await addVillageUnchecked(database.db, c, { type: 'thôn', name: `Thôn ${h}` });

      const t0 = performance.now();
      await database.query(DOSSIER_ROWS, [PROVINCE, DOSSIERS]);
      for (const [i, sql] of VISIT_ROWS.entries()) await database.query(sql, i === 3 ? [VISITS] : []);
      await database.query('analyze');
      const generateSeconds = (performance.now() - t0) / 1000;

      // The field kit stand-in, read through the collector interface like any module.
      registerCollector({
        source: 'field-kit-stand-in',
        name: { vi: 'Tổ công nghệ số (giả lập)', en: 'Field kit (stand-in)' },
        elements: [
          { code: 'TK_LUOT_THAM', name: { vi: 'Lượt thăm hộ' }, valueType: 'integer' },
          {
            code: 'TK_HGD_SMARTPHONE',
            name: { vi: 'Lượt thăm hộ có điện thoại thông minh' },
            valueType: 'integer',
          },
          { code: 'TK_VNEID_MUC2', name: { vi: 'Lượt thăm có VNeID mức 2' }, valueType: 'integer' },
          {
            code: 'TK_KHONG_TIEN_MAT',
            name: { vi: 'Lượt thăm có tài khoản thanh toán' },
            valueType: 'integer',
          },
        ],
        facts: `select x.element, f.place_path, (f.visited_at at time zone 'Asia/Ho_Chi_Minh')::date as day, x.value
                  from field_visit_facts f
                  cross join lateral (values ('TK_LUOT_THAM', 1), ('TK_HGD_SMARTPHONE', f.has_smartphone::int),
                    ('TK_VNEID_MUC2', f.vneid_level2::int), ('TK_KHONG_TIEN_MAT', f.cashless::int)) x(element, value)
                 where f.place_path like $1 and f.visited_at >= $2 - 1 and f.visited_at < $3 + 1 and x.value <> 0
                   and (f.visited_at at time zone 'Asia/Ho_Chi_Minh')::date >= $2
                   and (f.visited_at at time zone 'Asia/Ho_Chi_Minh')::date < $3`,
        async firstDay() {
          return '2026-01-01';
        },
      });

      // The model: the starter model, then 50 indicators over the dossiers', visits' and typed elements.
      await importModelUnchecked(database.db, STARTER_MODEL, 'bench', new Date());
      const ratios: [string, string, number][] = [
        ['HS_NHAN_TRUC_TUYEN', 'HS_NHAN', 100],
        ['HS_GIAI_QUYET_DUNG_HAN', 'HS_GIAI_QUYET', 100],
        ['HS_GIAI_QUYET_TRE_HAN', 'HS_GIAI_QUYET', 100],
        ['HS_NGAY_GIAI_QUYET', 'HS_GIAI_QUYET', 1],
        ['HS_TRA_KET_QUA', 'HS_GIAI_QUYET', 100],
        ['HS_NHAN_DANG_MO', 'HS_NHAN', 100],
        ['HS_NHAN_TRUC_TIEP + HS_NHAN_BUU_CHINH', 'HS_NHAN', 100],
        ['TK_HGD_SMARTPHONE', 'TK_LUOT_THAM', 100],
        ['TK_VNEID_MUC2', 'TK_LUOT_THAM', 100],
        ['TK_KHONG_TIEN_MAT', 'TK_LUOT_THAM', 100],
        ['HGD_SMARTPHONE', 'HGD_TONG', 100],
        ['DAN_VNEID_MUC2', 'DAN_TRUONG_THANH', 100],
        ['DAN_VNEID_MUC2.nu', 'DAN_VNEID_MUC2', 100],
        ['TK_LUOT_THAM', 'HGD_TONG', 1],
      ];
      const indicators = Array.from({ length: INDICATORS }, (_, i) => {
        const [numerator, denominator, factor] = ratios[i % ratios.length] as [string, string, number];
        return {
          code: `BENCH_${String(i + 1).padStart(2, '0')}`,
          name: { vi: `Chỉ số thử ${i + 1}` },
          numerator,
          denominator,
          factor: factor * (1 + Math.floor(i / ratios.length)),
          target: 50,
        };
      });
      await importModelUnchecked(
        database.db,
        { format: 'xa-so/indicators', version: 1, indicators },
        'bench',
        new Date(),
      );
      await database.query(TYPED_ROWS, [`${province.path}%`]);

      // The collectors' first fill (what a new installation does once; afterwards events keep values current).
      const now = new Date('2026-12-31T10:00:00+07:00');
      const t1 = performance.now();
      for (const c of listCollectors()) await fillCollector(database, c, now);
      await database.query('analyze');
      const fillSeconds = (performance.now() - t1) / 1000;
      const [{ values } = { values: 0 }] = await database.query<{ values: number }>(
        'select count(*)::int as values from indicator_values',
      );

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
        clock: { now: () => now },
        events: new Events(() => {}),
      };
      const query = { place: PROVINCE, from: '202601', to: '202612', items: indicators.map((i) => i.code) };
      const count = async () => {
        const [d] = await database.query<{ n: number }>(
          'select count(*)::int as n from dossiers where unit_path like $1',
          [`${province.path}%`],
        );
        const [v] = await database.query<{ n: number }>(
          'select count(*)::int as n from bench_field_visits where place_path like $1',
          [`${province.path}%`],
        );
        return (d?.n ?? 0) + (v?.n ?? 0);
      };
      const rows = await count();
      if (rows !== DOSSIERS + VISITS) throw new Error(`expected ${DOSSIERS + VISITS} rows, found ${rows}`);

      // Alternate the two, after one warm-up each, so both see the same cache state.
      const pivots: number[] = [];
      const counts: number[] = [];
      let last: Awaited<ReturnType<typeof pivotFor>> | undefined;
      for (let i = 0; i <= RUNS; i++) {
        let t = performance.now();
        last = await pivotFor(ctx, query);
        if (i > 0) pivots.push(performance.now() - t);
        t = performance.now();
        await count();
        if (i > 0) counts.push(performance.now() - t);
      }
      const cells = (last?.rows.length ?? 0) * (last?.items.length ?? 0) * (last?.periods.length ?? 0);
      const value = median(pivots);
      return compare({
        label: `indicators-pivot (postgres, ${COMMUNES} communes × 12 months × ${INDICATORS} indicators)`,
        value,
        unit: 'ms',
        baseline: median(counts),
        baselineLabel: `select count(*) over the ${rows.toLocaleString('en')} dossiers and visits`,
        higherIsBetter: false,
        details: {
          dossiers: DOSSIERS,
          visits: VISITS,
          indicatorValues: values,
          cells,
          runs: RUNS,
          pivotMs: pivots,
          countMs: counts,
          targetMs: TARGET_MS,
          metTarget: value <= TARGET_MS,
          generateSeconds,
          fillSeconds,
          provinceOnlineShareDecember: last?.total.values[0]?.[11],
        },
      });
    } finally {
      fs.rmSync(units, { recursive: true, force: true });
      await database.close();
      await admin(url, (c) => c.query(`drop database if exists ${name} with (force)`));
      await cluster?.stop();
    }
  },
};
