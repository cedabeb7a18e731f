import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Database } from '#platform/db/client.ts';
import { createTestDatabase } from '#test/support/db.ts';
import { importPlaces } from './places.import.ts';
import { searchPlaces } from './places.service.ts';

describe('importing the shipped administrative units', () => {
  let database: Database;
  before(async () => {
    database = await createTestDatabase();
  });
  after(() => database.close());

  it('when the full data is imported, then the counts match the data README', async () => {
    const stages: string[] = [];
    const r = await importPlaces(database, { onProgress: (p) => stages.push(p.stage) });
    assert.deepEqual(r, {
      provinces: 34,
      communes: 3321,
      legacyProvinces: 63,
      legacyDistricts: 696,
      legacyCommunes: 10035,
      // 10,602 commune pairs less the 33 unconfirmed same-name pairs, plus 63 province pairs.
      successions: 10632,
      changes: 25,
    });
    assert.equal(stages.at(-1), 'successions');
  });

  it('when it is imported again, then nothing changes', async () => {
    const before = await database.query<{ n: number; touched: string }>(
      'select count(*)::int as n, max(updated_at)::text as touched from places',
    );
    const r = await importPlaces(database);
    const afterRows = await database.query<{ n: number; touched: string }>(
      'select count(*)::int as n, max(updated_at)::text as touched from places',
    );
    assert.equal(r.communes, 3321);
    assert.deepEqual(afterRows, before);
  });

  it('when a commune is looked up, then its tree path, its type change and its predecessors are there', async () => {
    const [xa] = await database.query<{ path: string; parent: string }>(
      `select c.path, p.full_name as parent from places c join places p on p.id = c.parent_id
       where c.code = '07294' and c.level = 'commune' and c.valid_to is null`,
    );
    assert.match(xa?.path ?? '', /^\/\d+\/\d+\/\d+\/$/);
    const changes = await database.query<{ old_value: string; new_value: string; effective_date: string }>(
      `select old_value, new_value, effective_date::text from place_changes pc join places p on p.id = pc.place_id
       where p.code = '07294' and p.valid_to is null`,
    );
    assert.deepEqual(changes, [{ old_value: 'xã', new_value: 'phường', effective_date: '2026-09-20' }]);
    const preds = await database.query<{ full_name: string }>(
      `select f.full_name from place_successions s join places f on f.id = s.from_place_id
       join places t on t.id = s.to_place_id where t.code = '06541' and t.valid_to is null order by 1`,
    );
    assert.deepEqual(
      preds.map((p) => p.full_name),
      ['Xã Mẫu Sơn', 'Xã Tú Mịch', 'Xã Yên Khoái'],
    );
  });

  it('when searching "lang son" or "Lạng Sơn", then the province comes first either way', async () => {
    for (const q of ['lang son', 'Lạng Sơn', 'LANG SON']) {
      const [first] = await searchPlaces(database.db, { q });
      assert.equal(first?.fullName, 'Tỉnh Lạng Sơn', q);
      assert.equal(first?.validTo, null);
    }
  });

  it('when the tone mark sits elsewhere ("Hoà" for "Hòa") or đ is typed as d, then the search still matches', async () => {
    const hoa = await searchPlaces(database.db, { q: 'Quý Hoà' });
    assert.ok(hoa.some((p) => p.fullName === 'Xã Quý Hòa'));
    const dong = await searchPlaces(database.db, { q: 'dong dang' });
    assert.ok(dong.some((p) => p.fullName === 'Xã Đồng Đăng'));
  });

  it('when former units are asked for, then they are found too, and only then', async () => {
    const current = await searchPlaces(database.db, { q: 'Yên Khoái' });
    assert.equal(current.length, 0);
    const legacy = await searchPlaces(database.db, { q: 'Yên Khoái', legacy: 'true' });
    assert.equal(legacy[0]?.validTo, '2025-06-30');
  });
});
