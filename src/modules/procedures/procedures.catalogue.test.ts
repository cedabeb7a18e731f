import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Database } from '#platform/db/client.ts';
import { createTestDatabase } from '#test/support/db.ts';
import { eFormSchema } from './procedures.eform.ts';
import { ProcedureDefinition } from './procedures.schemas.ts';
import {
  CATALOGUE_FILE,
  ensureCatalogue,
  exportCatalogue,
  getProcedure,
  listFields,
  listProcedures,
} from './procedures.service.ts';

const SOURCE = JSON.parse(
  fs.readFileSync(
    path.join(path.dirname(CATALOGUE_FILE), 'common_commune_procedures_unverified.json'),
    'utf8',
  ),
) as { procedures: { code: string; name: string; field: string }[] };

describe('the shipped procedure catalogue', () => {
  let database: Database;
  before(async () => {
    database = await createTestDatabase();
  });
  after(() => database.close());

  it('when the catalogue is ensured on an empty database, then the 20 listed procedures load, valid and all unverified', async () => {
    assert.deepEqual(await ensureCatalogue(database.db), { loaded: 20 });
    const all = await exportCatalogue(database.db);
    assert.equal(all.length, 20);
    for (const source of SOURCE.procedures) {
      const p = all.find((x) => x.code === source.code);
      assert.ok(p, source.code);
      assert.equal(p.name.vi, source.name);
      assert.equal(p.field, source.field);
      assert.equal(p.verified, false, source.code);
      assert.ok(ProcedureDefinition.safeParse(p).success, source.code);
    }
    const rows = await database.query<{ n: number }>(
      'select count(*)::int as n from procedures where not verified and version = 1',
    );
    assert.equal(rows[0]?.n, 20);
  });

  it('when it is ensured again (another start, another instance), then nothing is loaded or touched', async () => {
    const before = await database.query(
      'select code, version, updated_at::text from procedures order by code',
    );
    assert.deepEqual(await ensureCatalogue(database.db), { loaded: 0 });
    const afterRows = await database.query(
      'select code, version, updated_at::text from procedures order by code',
    );
    assert.deepEqual(afterRows, before);
  });

  it('when the seed file is read back through the schema, then it is already in canonical form and NFC', () => {
    const text = fs.readFileSync(CATALOGUE_FILE, 'utf8');
    assert.equal(text, text.normalize('NFC'));
    const records = JSON.parse(text) as unknown[];
    for (const r of records) assert.deepEqual(ProcedureDefinition.parse(r), r);
  });

  it('when each record is inspected, then every workflow goes receptionist → specialist → approver with shares adding to 1, and every e-form builds', async () => {
    for (const p of await exportCatalogue(database.db)) {
      assert.deepEqual(
        p.workflow.map((w) => w.role),
        ['receptionist', 'specialist', 'approver'],
        p.code,
      );
      assert.ok(Math.abs(p.workflow.reduce((s, w) => s + w.share, 0) - 1) < 0.001, p.code);
      assert.ok(p.summary.vi.length > 40 && p.summary.en, p.code);
      assert.ok(p.legalBasis.length > 0, p.code);
      assert.ok(p.result.name.vi, p.code);
      const schema = eFormSchema(p.form);
      assert.equal(Object.keys(schema.shape).length, p.form.length, p.code);
    }
  });

  it('when the key figures from the legal texts are looked up, then they are as the brief and the texts say', async () => {
    const db = database.db;
    const birth = await getProcedure(db, '1.001193');
    assert.equal(birth.days, 0);
    assert.equal(birth.onlineLevel, 'full');
    assert.deepEqual(
      birth.fees.map((f) => f.amount),
      [0],
    );
    assert.deepEqual(
      birth.form.filter((f) => f.required).map((f) => f.name),
      [
        'childName',
        'childBirthDate',
        'childSex',
        'childBirthPlace',
        'childEthnicity',
        'childNationality',
        'motherName',
        'requesterRelationship',
      ],
    );
    assert.ok(birth.form.some((f) => f.name === 'fatherIdNumber' && f.type === 'cccd'));

    const copies = await getProcedure(db, '2.000815');
    assert.equal(copies.days, 0);
    assert.deepEqual(
      copies.fees.map((f) => [f.amount, f.per]),
      [
        [2000, 'page'],
        [1000, 'page'],
      ],
    );
    assert.match(copies.fees[1]?.note?.vi ?? '', /200\.000 đồng/);

    const signature = await getProcedure(db, '2.000884');
    assert.deepEqual(
      signature.fees.map((f) => [f.amount, f.per]),
      [[10000, 'case']],
    );
    assert.equal((await getProcedure(db, '1.000894')).fees[0]?.amount, 0);
    assert.equal((await getProcedure(db, '1.000656')).days, 0);
    const residence = await getProcedure(db, '1.010041');
    assert.equal(residence.days, 0.5);
    assert.deepEqual(residence.fees, []);
    const permanent = await getProcedure(db, '1.004222');
    assert.deepEqual(
      permanent.fees.map((f) => [f.amount, f.onlineAmount]),
      [[20000, 10000]],
    );
  });

  it('when a code is unknown, then getProcedure says so in both languages', async () => {
    await assert.rejects(getProcedure(database.db, '9.999999'), (e: Error & { detail?: unknown }) => {
      assert.deepEqual(e.detail, {
        vi: 'Không tìm thấy thủ tục mã 9.999999.',
        en: 'No procedure with code 9.999999.',
      });
      return true;
    });
  });

  it('when searching "dang ky khai sinh" or "Đăng ký khai sinh", then birth registration comes first either way', async () => {
    for (const q of ['dang ky khai sinh', 'Đăng ký khai sinh', 'DANG KY KHAI SINH', 'khai sinh dang ky']) {
      const items = await listProcedures(database.db, { q });
      assert.equal(items[0]?.code, '1.001193', q);
      assert.ok(
        items.some((p) => p.code === '2.000986'),
        q,
      );
    }
  });

  it('when searching "chung thuc", then every Chứng thực procedure is found and nothing else', async () => {
    const items = await listProcedures(database.db, { q: 'chung thuc' });
    assert.deepEqual(items.map((p) => p.code).sort(), ['2.000815', '2.000884', '2.001035', '2.001406']);
    assert.ok(items.every((p) => p.name.startsWith('Chứng thực')));
  });

  it('when the tone mark sits elsewhere ("Hoà giải"), đ is typed as d, or a code is typed, then it still matches', async () => {
    assert.deepEqual(
      (await listProcedures(database.db, { q: 'Hoà giải' })).map((p) => p.code),
      ['1.012812'],
    );
    assert.deepEqual((await listProcedures(database.db, { q: 'dat dai' })).map((p) => p.code).sort(), [
      '1.012812',
      '1.013978',
    ]);
    assert.deepEqual(
      (await listProcedures(database.db, { q: '1.001193' })).map((p) => p.code),
      ['1.001193'],
    );
    assert.deepEqual(await listProcedures(database.db, { q: 'khong co thu tuc nay' }), []);
    // LIKE wildcards typed by someone are plain characters.
    assert.deepEqual(await listProcedures(database.db, { q: '%' }), []);
  });

  it('when browsing by field, then the fields come with their counts and the filter keeps to one field', async () => {
    const fields = await listFields(database.db);
    assert.deepEqual(fields.slice(0, 3), [
      { field: 'Hộ tịch', count: 9 },
      { field: 'Chứng thực', count: 4 },
      { field: 'Đăng ký, quản lý cư trú', count: 3 },
    ]);
    assert.equal(
      fields.reduce((n, f) => n + f.count, 0),
      20,
    );
    const hoTich = await listProcedures(database.db, { field: 'Hộ tịch' });
    assert.equal(hoTich.length, 9);
    const both = await listProcedures(database.db, { field: 'Hộ tịch', q: 'khai sinh' });
    assert.deepEqual(both.map((p) => p.code).sort(), ['1.001193', '1.004884', '2.000635', '2.000986']);
  });
});
