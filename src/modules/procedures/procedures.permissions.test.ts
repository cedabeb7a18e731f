import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { COMMUNE_A, createTestApp, PROVINCE, type TestApp } from '#test/support/app.ts';
import { ensureCatalogue, exportCatalogue, getProcedure } from './procedures.service.ts';

const CODE = '2.000815';

describe('who may read and who may change the procedure catalogue', () => {
  let t: TestApp;
  let definition: Record<string, unknown>;
  before(async () => {
    t = await createTestApp();
    await ensureCatalogue(t.platform.database.db);
    await t.user('commune_admin', 'admin', COMMUNE_A);
    await t.user('clerk', 'receptionist', COMMUNE_A);
    await t.user('province_admin', 'admin', PROVINCE);
    await t.user('national_admin', 'admin', 'VN');
    definition = (await t.app.inject({ method: 'GET', url: `/api/v1/procedures/${CODE}` })).json();
    delete definition.version;
  });
  after(() => t.close());

  const db = () => t.platform.database.db;
  const api = (method: 'GET' | 'PUT' | 'POST', url: string, token?: string, payload?: unknown) =>
    t.app.inject({
      method,
      url,
      headers: token ? { authorization: `Bearer ${token}` } : {},
      ...(payload === undefined ? {} : { payload: payload as object }),
    });
  const edited = (days: number) => ({ ...definition, days });

  it('when nobody is signed in, then the catalogue can be read but not changed (401) and the admin pages ask to sign in', async () => {
    assert.equal((await api('GET', '/api/v1/procedures')).statusCode, 200);
    assert.equal((await api('GET', `/api/v1/procedures/${CODE}`)).statusCode, 200);
    assert.equal((await t.app.inject({ method: 'GET', url: '/thu-tuc' })).statusCode, 200);
    assert.equal((await t.app.inject({ method: 'GET', url: `/thu-tuc/${CODE}` })).statusCode, 200);
    assert.equal((await api('PUT', `/api/v1/procedures/${CODE}`, undefined, edited(3))).statusCode, 401);
    assert.equal((await api('POST', '/api/v1/procedures/import', undefined, [edited(3)])).statusCode, 401);
    assert.equal((await api('GET', '/api/v1/procedures/export')).statusCode, 401);
    const page = await t.app.inject({
      method: 'GET',
      url: '/quan-tri/thu-tuc',
      headers: { accept: 'text/html' },
    });
    assert.equal(page.statusCode, 303);
    assert.equal(page.headers.location, '/dang-nhap?next=%2Fquan-tri%2Fthu-tuc');
  });

  for (const who of ['commune_admin', 'clerk']) {
    it(`when a ${who === 'clerk' ? 'receptionist' : 'commune admin'} tries the API, then 403 for edit, import and export, and nothing changes`, async () => {
      const token = await t.token(who);
      const put = await api('PUT', `/api/v1/procedures/${CODE}`, token, edited(3));
      assert.equal(put.statusCode, 403);
      assert.equal(
        put.json().messages.vi,
        'Chỉ quản trị viên cấp tỉnh hoặc cấp trung ương mới được sửa danh mục thủ tục.',
      );
      assert.equal(
        put.json().messages.en,
        'Only a provincial or national administrator may change the procedure catalogue.',
      );
      assert.equal((await api('POST', '/api/v1/procedures/import', token, [edited(3)])).statusCode, 403);
      assert.equal((await api('GET', '/api/v1/procedures/export', token)).statusCode, 403);
      // Checked before the body: a bad body from the wrong person is still a 403, not a 400.
      assert.equal(
        (await api('PUT', `/api/v1/procedures/${CODE}`, token, { nonsense: true })).statusCode,
        403,
      );
      const p = await getProcedure(db(), CODE);
      assert.equal(p.days, 0);
      assert.equal(p.version, 1);
    });

    it(`when a ${who === 'clerk' ? 'receptionist' : 'commune admin'} tries the admin pages, then 403 and a forged post changes nothing`, async () => {
      const cookie = await t.signIn(who);
      for (const url of [
        '/quan-tri/thu-tuc',
        `/quan-tri/thu-tuc/${CODE}`,
        '/quan-tri/thu-tuc/moi',
        '/quan-tri/thu-tuc/nhap',
        '/quan-tri/thu-tuc/xuat',
      ]) {
        const res = await t.app.inject({ method: 'GET', url, headers: { cookie, accept: 'text/html' } });
        assert.equal(res.statusCode, 403, url);
      }
      // A CSRF token from a page they may see (the sign-out form), so only the permission stops them.
      const { csrf, cookie: jar } = await t.formToken('/thu-tuc', cookie);
      const posts: [string, Record<string, string>][] = [
        [`/quan-tri/thu-tuc/${CODE}`, { _csrf: csrf, code: CODE, nameVi: 'Bị sửa', days: '9' }],
        [`/quan-tri/thu-tuc/${CODE}/kiem-tra`, { _csrf: csrf, verified: 'true' }],
        ['/quan-tri/thu-tuc/nhap', { _csrf: csrf, json: JSON.stringify([edited(9)]) }],
        ['/quan-tri/thu-tuc/moi', { _csrf: csrf, code: '1.999999', nameVi: 'Thủ tục lạ' }],
      ];
      for (const [url, payload] of posts) {
        const res = await t.app.inject({
          method: 'POST',
          url,
          headers: { cookie: jar, accept: 'text/html' },
          payload,
        });
        assert.equal(res.statusCode, 403, url);
        assert.match(
          res.body,
          /Chỉ quản trị viên cấp tỉnh hoặc cấp trung ương/,
          `${url}: refused for the role, not the token`,
        );
      }
      const p = await getProcedure(db(), CODE);
      assert.equal(p.version, 1);
      assert.equal(p.verified, false);
      assert.equal((await exportCatalogue(db())).length, 20);
      const publicPage = await t.app.inject({ method: 'GET', url: `/thu-tuc/${CODE}`, headers: { cookie } });
      assert.doesNotMatch(publicPage.body, /Sửa thủ tục này/);
    });
  }

  it('when a province admin or a national admin edits, then it is allowed, and the audit entry is filed under their place', async () => {
    const province = await api(
      'PUT',
      `/api/v1/procedures/${CODE}`,
      await t.token('province_admin'),
      edited(1),
    );
    assert.equal(province.statusCode, 200, province.body);
    const national = await api(
      'PUT',
      `/api/v1/procedures/${CODE}`,
      await t.token('national_admin'),
      edited(2),
    );
    assert.equal(national.statusCode, 200, national.body);
    assert.equal((await getProcedure(db(), CODE)).version, 3);
    const audit = await t.platform.database.query<{ actor_label: string; place_path: string }>(
      "select actor_label, place_path from audit_log where action = 'procedures.update' order by id",
    );
    assert.deepEqual(audit, [
      { actor_label: 'province_admin', place_path: t.places.province.path },
      {
        actor_label: 'national_admin',
        place_path: t.places.province.path.split('/').slice(0, 2).join('/').concat('/'),
      },
    ]);
    const cookie = await t.signIn('province_admin');
    const publicPage = await t.app.inject({ method: 'GET', url: `/thu-tuc/${CODE}`, headers: { cookie } });
    assert.match(
      publicPage.body,
      new RegExp(`href="/quan-tri/thu-tuc/${CODE.replace('.', '\\.')}">Sửa thủ tục này`),
    );
  });
});
