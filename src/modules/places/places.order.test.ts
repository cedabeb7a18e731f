import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTestApp, type TestApp } from '#test/support/app.ts';
import { addVillageUnchecked, listChildren } from './index.ts';

describe('lists of places in Vietnamese alphabetical order', () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp();
  });
  after(() => t.close());

  it('when a province’s communes are listed, then Đồng Đăng comes after D and before L, not last as in byte order', async () => {
    const communes = await listChildren(t.platform.database.db, t.places.province.id);
    assert.deepEqual(
      communes.map((c) => c.name),
      ['Đồng Đăng', 'Lộc Bình', 'Mẫu Sơn'],
    );
    const page = await t.app.inject({ url: `/dia-ban/ma/${t.places.province.id}` });
    assert.equal(page.statusCode, 200);
    const at = (name: string) => page.body.indexOf(`Xã ${name}`);
    assert.ok(
      at('Đồng Đăng') > 0 && at('Đồng Đăng') < at('Lộc Bình') && at('Lộc Bình') < at('Mẫu Sơn'),
      'the page lists them in that order',
    );
  });

  it('when villages are added, then Hà comes before Huổi, and Bản Chang before Bản Đon', async () => {
    const db = t.platform.database.db;
    for (const name of ['Huổi Lầy', 'Hà Sen', 'Bản Đon', 'Bản Chang']) {
      await addVillageUnchecked(db, t.places.a, { type: 'bản', name });
    }
    const villages = await listChildren(db, t.places.a.id);
    assert.deepEqual(
      villages.map((v) => v.name),
      ['Bản Chang', 'Bản Đon', 'Hà Sen', 'Huổi Lầy'],
    );
  });
});
