import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseCsv } from 'csv-parse/sync';
import type { Database, SqlRunner } from '#platform/db/client.ts';

export const ADMIN_UNITS_DIR = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../../data/admin-units',
);

const REFORM_DATE = '2025-07-01';
const LEGACY_END = '2025-06-30';
const LOCK_KEY = 872_341_002;

type Row = Record<string, string>;

async function readCsv(dir: string, file: string): Promise<Row[]> {
  return parseCsv(await fs.readFile(path.join(dir, file), 'utf8'), { columns: true, skip_empty_lines: true });
}

export interface ImportProgress {
  stage: string;
  done: number;
  total: number;
}

export interface ImportResult {
  provinces: number;
  communes: number;
  legacyProvinces: number;
  legacyDistricts: number;
  legacyCommunes: number;
  successions: number;
  changes: number;
}

interface UnitRow {
  code: string;
  level: string;
  type: string;
  name: string;
  fullName: string;
  nameEn: string | null;
  parentCode: string | null;
  parentLevel: string | null;
  validFrom: string | null;
  validTo: string | null;
}

/**
 * Upserts one level of units in a single statement, keyed by (code, level, era), then writes the
 * materialised paths from the parents' paths. Running it twice changes nothing.
 */
async function upsertLevel(run: SqlRunner, units: UnitRow[]) {
  const col = <K extends keyof UnitRow>(k: K) => units.map((u) => u[k]);
  await run.query(
    `insert into places (code, level, type, name, full_name, name_en, parent_id, valid_from, valid_to)
     select u.code, u.level, u.type, u.name, u.full_name, u.name_en, p.id, u.valid_from, u.valid_to
     from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::date[], $10::date[])
       as u(code, level, type, name, full_name, name_en, parent_code, parent_level, valid_from, valid_to)
     left join places p on p.code = u.parent_code and p.level = u.parent_level
       and p.valid_to is not distinct from (case when u.parent_level = 'country' then null else u.valid_to end)
     on conflict (code, level, valid_to) do update set
       type = excluded.type, name = excluded.name, full_name = excluded.full_name, name_en = excluded.name_en,
       parent_id = excluded.parent_id, valid_from = excluded.valid_from, updated_at = now()
     where (places.type, places.name, places.full_name, places.name_en, places.parent_id, places.valid_from)
       is distinct from (excluded.type, excluded.name, excluded.full_name, excluded.name_en, excluded.parent_id, excluded.valid_from)`,
    [
      col('code'),
      col('level'),
      col('type'),
      col('name'),
      col('fullName'),
      col('nameEn'),
      col('parentCode'),
      col('parentLevel'),
      col('validFrom'),
      col('validTo'),
    ],
  );
  const level = units[0]?.level;
  await run.query(
    `update places c set path = coalesce(p.path, '/') || c.id || '/'
     from places c2 left join places p on p.id = c2.parent_id
     where c.id = c2.id and c.level = $1 and c.path is distinct from coalesce(p.path, '/') || c.id || '/'`,
    [level],
  );
}

export async function importPlaces(
  database: Database,
  opts: { dir?: string; onProgress?: (p: ImportProgress) => void } = {},
): Promise<ImportResult> {
  const dir = opts.dir ?? ADMIN_UNITS_DIR;
  const [provinces, communes, changes, lProvinces, lDistricts, lCommunes, mapCommunes, mapProvinces] =
    await Promise.all([
      readCsv(dir, 'provinces.csv'),
      readCsv(dir, 'communes.csv'),
      readCsv(dir, 'changes_since_2025-07-01.csv'),
      readCsv(dir, 'legacy_pre_2025-07-01/provinces.csv'),
      readCsv(dir, 'legacy_pre_2025-07-01/districts.csv'),
      readCsv(dir, 'legacy_pre_2025-07-01/communes.csv'),
      readCsv(dir, 'mapping_old_to_new_communes.csv'),
      readCsv(dir, 'mapping_old_to_new_provinces.csv'),
    ]);
  const stages = 8;
  let done = 0;
  const step = (stage: string) => opts.onProgress?.({ stage, done: ++done, total: stages });

  const u = (
    r: Row,
    level: string,
    parent: [string | null, string | null],
    era: 'current' | 'legacy',
  ): UnitRow => ({
    code: r.code ?? '',
    level,
    type: r.type ?? '',
    name: r.name ?? '',
    fullName: r.full_name ?? '',
    nameEn: r.name_en || null,
    parentCode: parent[0],
    parentLevel: parent[1],
    validFrom: era === 'current' ? REFORM_DATE : null,
    validTo: era === 'legacy' ? LEGACY_END : null,
  });

  return database.withLock(LOCK_KEY, async (run) => {
    await run.exec('begin');
    try {
      await upsertLevel(run, [
        {
          code: 'VN',
          level: 'country',
          type: 'quốc gia',
          name: 'Việt Nam',
          fullName: 'Việt Nam',
          nameEn: 'Viet Nam',
          parentCode: null,
          parentLevel: null,
          validFrom: null,
          validTo: null,
        },
      ]);
      step('country');
      await upsertLevel(
        run,
        provinces.map((r) => u(r, 'province', ['VN', 'country'], 'current')),
      );
      step('provinces');
      await upsertLevel(
        run,
        communes.map((r) => u(r, 'commune', [r.province_code ?? '', 'province'], 'current')),
      );
      step('communes');
      await upsertLevel(
        run,
        lProvinces.map((r) => u(r, 'province', ['VN', 'country'], 'legacy')),
      );
      step('legacy provinces');
      await upsertLevel(
        run,
        lDistricts.map((r) => u(r, 'district', [r.province_code ?? '', 'province'], 'legacy')),
      );
      step('legacy districts');
      await upsertLevel(
        run,
        lCommunes.map((r) => u(r, 'commune', [r.district_code ?? '', 'district'], 'legacy')),
      );
      step('legacy communes');

      // Attribute changes since the reform (xã → phường, provinces becoming cities).
      await run.query(
        `insert into place_changes (place_id, field, old_value, new_value, effective_date, legal_basis)
         select p.id, c.field, c.old_value, c.new_value, c.effective_date, c.legal_basis
         from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::date[], $7::text[])
           as c(code, level, field, old_value, new_value, effective_date, legal_basis)
         join places p on p.code = c.code and p.level = c.level and p.valid_to is null
         on conflict (place_id, field, effective_date) do update set
           old_value = excluded.old_value, new_value = excluded.new_value, legal_basis = excluded.legal_basis`,
        [
          changes.map((c) => c.code),
          changes.map((c) => c.level),
          changes.map((c) => c.field),
          changes.map((c) => c.value_2025_07_01),
          changes.map((c) => c.value_current),
          changes.map((c) => c.effective_date),
          changes.map((c) => c.legal_basis),
        ],
      );
      step('changes');

      // Successions: old unit → new unit. The data's README says the 33 extra pairs that the
      // national table does not confirm are probably same-name artefacts: they are left out.
      const communePairs = mapCommunes.filter(
        (m) =>
          !(m.nso_table_agrees === 'no' && (m.note ?? '').startsWith('old commune has other NSO-confirmed')),
      );
      const fromCode = communePairs.map((m) => m.old_commune_code || m.old_district_code || '');
      const fromLevel: string[] = communePairs.map((m) => (m.old_commune_code ? 'commune' : 'district'));
      const toCode = communePairs.map((m) => m.new_commune_code ?? '');
      const toLevel = communePairs.map(() => 'commune');
      const split = communePairs.map((m) => m.old_commune_split === 'yes');
      const note = communePairs.map((m) => m.note || null);
      for (const m of mapProvinces) {
        fromCode.push(m.old_province_code ?? '');
        fromLevel.push('province');
        toCode.push(m.new_province_code ?? '');
        toLevel.push('province');
        split.push(false);
        note.push(null);
      }
      await run.query(
        `insert into place_successions (from_place_id, to_place_id, effective_date, split, note)
         select f.id, t.id, $7::date, s.split, s.note
         from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bool[], $6::text[])
           as s(from_code, from_level, to_code, to_level, split, note)
         join places f on f.code = s.from_code and f.level = s.from_level and f.valid_to = $8::date
         join places t on t.code = s.to_code and t.level = s.to_level and t.valid_to is null
         on conflict (from_place_id, to_place_id) do update set split = excluded.split, note = excluded.note`,
        [fromCode, fromLevel, toCode, toLevel, split, note, REFORM_DATE, LEGACY_END],
      );
      step('successions');
      await run.exec('commit');
    } catch (e) {
      await run.exec('rollback');
      throw e;
    }
    const [counts] = await run.query<ImportResult>(
      `select
         count(*) filter (where level = 'province' and valid_to is null)::int as provinces,
         count(*) filter (where level = 'commune' and valid_to is null)::int as communes,
         count(*) filter (where level = 'province' and valid_to is not null)::int as "legacyProvinces",
         count(*) filter (where level = 'district')::int as "legacyDistricts",
         count(*) filter (where level = 'commune' and valid_to is not null)::int as "legacyCommunes",
         (select count(*)::int from place_successions) as successions,
         (select count(*)::int from place_changes) as changes
       from places`,
    );
    if (!counts) throw new Error('no counts');
    return counts;
  });
}
