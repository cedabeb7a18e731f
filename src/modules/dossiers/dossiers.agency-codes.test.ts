import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { fixedClock } from '#platform/clock.ts';
import { COMMUNE_A, COMMUNE_B, createTestApp, type TestApp } from '#test/support/app.ts';
import { apiSubmit, created, setupDossiers } from './dossiers.test-support.ts';

/**
 * Agency codes (issue 12 item 12, issue 11 item 10): the commune's electronic identifier is
 * configuration the admin page shows, communes still on the `{province}.{commune}` fallback are
 * flagged, and no unit may take a code another unit has set or numbers its dossiers with.
 */
describe('agency codes: required configuration, flagged fallbacks, no shared prefixes', () => {
  let t: TestApp;
  let provinceAdmin: string;
  let adminA: string;
  const clock = fixedClock(new Date('2026-03-02T01:00:00Z'));

  before(async () => {
    t = await createTestApp({ clock });
    await setupDossiers(t);
    await t.user('admin_b', 'admin', COMMUNE_B);
    provinceAdmin = await t.signIn('dp_admin');
    adminA = await t.signIn('admin_a');
  });
  after(() => t.close());

  const setCode = async (cookie: string, placeCode: string, agencyCode: string) => {
    const form = await t.formToken('/quan-tri/mot-cua/ma-don-vi', cookie);
    return t.app.inject({
      method: 'POST',
      url: '/quan-tri/mot-cua/ma-don-vi',
      headers: { cookie: form.cookie, accept: 'text/html' },
      payload: { _csrf: form.csrf, placeCode, agencyCode },
    });
  };

  it('when no commune has its identifier yet, then the page lists the province and every commune on the fallback, with a banner', async () => {
    const page = await t.app.inject({
      url: '/quan-tri/mot-cua/ma-don-vi',
      headers: { cookie: provinceAdmin },
    });
    assert.equal(page.statusCode, 200);
    // Lạng Sơn (20) and its three communes in the fixture.
    assert.match(page.body, /id="fallback-banner"[^>]*>4 đơn vị chưa có mã định danh điện tử/);
    assert.match(page.body, /Quyết định 20\/2020\/QĐ-TTg/);
    for (const code of ['20', '06184', '06529', '06541']) {
      assert.match(page.body, new RegExp(`data-place="${code}" data-fallback="true"`), code);
    }
    assert.match(page.body, /<li>Xã Mẫu Sơn \(06541\): <code>20\.06541<\/code><\/li>/);
    assert.doesNotMatch(page.body, /data-place="01273"/, 'another province’s wards are not this admin’s');
    const commune = await t.app.inject({ url: '/quan-tri/mot-cua/ma-don-vi', headers: { cookie: adminA } });
    assert.match(commune.body, /id="fallback-banner"[^>]*>1 đơn vị/);
    assert.doesNotMatch(commune.body, /data-place="06184"/);
  });

  it('when a commune takes the fallback another commune numbers its dossiers with, then 409 names that commune (this passed before: codes were unique among set codes only)', async () => {
    // Đồng Đăng (06184) has no code set: its dossiers are numbered 20.06184-…
    const before = created(await apiSubmit(t, { key: 'agency-key-00000000001', unitCode: COMMUNE_B })).code;
    assert.match(before, /^20\.06184-260302-0001$/);
    const res = await setCode(adminA, COMMUNE_A, '20.06184');
    assert.equal(res.statusCode, 409, res.body);
    assert.match(res.body, /Mã 20\.06184 là mã tạm \(mã tỉnh\.mã xã\) mà Xã Đồng Đăng đang dùng/);
    // The province's own fallback (its code) likewise.
    const province = await setCode(adminA, COMMUNE_A, '20');
    assert.equal(province.statusCode, 409);
    assert.match(province.body, /Tỉnh Lạng Sơn/);
    // Nothing was stored: A still numbers with its own fallback, B keeps its sequence.
    const a = created(await apiSubmit(t, { key: 'agency-key-00000000002' })).code;
    assert.match(a, /^20\.06541-260302-0001$/);
    const b = created(await apiSubmit(t, { key: 'agency-key-00000000003', unitCode: COMMUNE_B })).code;
    assert.match(b, /^20\.06184-260302-0002$/);
  });

  it('when a commune sets its identifier, then it leaves the fallback list; another unit cannot take it', async () => {
    const res = await setCode(adminA, COMMUNE_A, 'h20.01.05');
    assert.equal(res.statusCode, 303, res.body);
    const page = await t.app.inject({
      url: '/quan-tri/mot-cua/ma-don-vi',
      headers: { cookie: provinceAdmin },
    });
    assert.match(page.body, /id="fallback-banner"[^>]*>3 đơn vị/);
    assert.match(page.body, /data-place="06541" data-fallback="false"/);
    assert.match(page.body, /<code>H20\.01\.05<\/code>/);
    const taken = await setCode(await t.signIn('admin_b'), COMMUNE_B, 'H20.01.05');
    assert.equal(taken.statusCode, 409);
    assert.match(taken.body, /Mã đơn vị H20\.01\.05 đã được dùng cho Xã Mẫu Sơn/);
    const code = created(await apiSubmit(t, { key: 'agency-key-00000000004' })).code;
    assert.match(code, /^H20\.01\.05-260302-0001$/);
  });

  it('when every commune of the province has its identifier, then no banner is shown', async () => {
    for (const [place, code] of [
      ['20', 'H20'],
      ['06184', 'H20.01.01'],
      ['06529', 'H20.01.02'],
    ] as const) {
      assert.equal((await setCode(provinceAdmin, place, code)).statusCode, 303, place);
    }
    const page = await t.app.inject({
      url: '/quan-tri/mot-cua/ma-don-vi',
      headers: { cookie: provinceAdmin },
    });
    assert.doesNotMatch(page.body, /id="fallback-banner"/);
    assert.doesNotMatch(page.body, /id="fallback-list"/);
  });
});
