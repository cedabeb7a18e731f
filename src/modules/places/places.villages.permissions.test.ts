import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { COMMUNE_A, COMMUNE_B, createTestApp, PROVINCE, type TestApp } from '#test/support/app.ts';

describe('adding villages to a commune', () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp();
    await t.user('admin_a', 'admin', COMMUNE_A);
    await t.user('admin_province', 'admin', PROVINCE);
    await t.user('clerk_a', 'receptionist', COMMUNE_A);
  });
  after(() => t.close());

  it('when the admin of commune A adds a village through the API, then it is created under A with its own code', async () => {
    const token = await t.token('admin_a');
    const res = await t.app.inject({
      method: 'POST',
      url: `/api/v1/places/${COMMUNE_A}/villages`,
      headers: { authorization: `Bearer ${token}` },
      payload: { name: 'Khuổi Tào', type: 'thôn' },
    });
    assert.equal(res.statusCode, 201, res.body);
    const v = res.json();
    assert.equal(v.fullName, 'Thôn Khuổi Tào');
    assert.equal(v.code, `${COMMUNE_A}.01`);
    assert.equal(v.parentId, t.places.a.id);
    const audit = await t.platform.database.query<{ action: string; actor_label: string }>(
      "select action, actor_label from audit_log where action = 'places.village.add'",
    );
    assert.deepEqual(audit, [{ action: 'places.village.add', actor_label: 'admin_a' }]);
  });

  it('when the admin of commune A tries commune B, then the API answers 403 and nothing is created', async () => {
    const token = await t.token('admin_a');
    const res = await t.app.inject({
      method: 'POST',
      url: `/api/v1/places/${COMMUNE_B}/villages`,
      headers: { authorization: `Bearer ${token}` },
      payload: { name: 'Nà Sla' },
    });
    assert.equal(res.statusCode, 403);
    assert.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8');
    assert.equal(res.json().messages.vi, 'Bạn không có quyền làm việc này.');
    const [row] = await t.platform.database.query<{ n: number }>(
      `select count(*)::int as n from places where parent_id = ${t.places.b.id}`,
    );
    assert.equal(row?.n, 0);
  });

  it('when a receptionist of A tries, then 403: adding villages is for admins', async () => {
    const token = await t.token('clerk_a');
    const res = await t.app.inject({
      method: 'POST',
      url: `/api/v1/places/${COMMUNE_A}/villages`,
      headers: { authorization: `Bearer ${token}` },
      payload: { name: 'Pò Đứa' },
    });
    assert.equal(res.statusCode, 403);
  });

  it('when nobody is signed in, then 401', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: `/api/v1/places/${COMMUNE_A}/villages`,
      payload: { name: 'X' },
    });
    assert.equal(res.statusCode, 401);
  });

  it('when the province admin adds to B, then the grant holds for the whole subtree', async () => {
    const token = await t.token('admin_province');
    const res = await t.app.inject({
      method: 'POST',
      url: `/api/v1/places/${COMMUNE_B}/villages`,
      headers: { authorization: `Bearer ${token}` },
      payload: { name: 'Nà Sla', type: 'bản' },
    });
    assert.equal(res.statusCode, 201, res.body);
  });

  it('when the name is missing or the type unknown, then 400 with field errors in both languages', async () => {
    const token = await t.token('admin_a');
    const res = await t.app.inject({
      method: 'POST',
      url: `/api/v1/places/${COMMUNE_A}/villages`,
      headers: { authorization: `Bearer ${token}` },
      payload: { type: 'thành phố' },
    });
    assert.equal(res.statusCode, 400);
    const fields = Object.fromEntries(
      res.json().errors.map((e: { field: string; vi: string; en: string }) => [e.field, e]),
    );
    assert.equal(fields['body.name'].vi, 'Vui lòng nhập thông tin này.');
    assert.equal(fields['body.name'].en, 'This field is required.');
    assert.ok(fields['body.type'].vi);
  });

  it('when the same name is added twice (with other diacritics), then 409', async () => {
    const token = await t.token('admin_a');
    const res = await t.app.inject({
      method: 'POST',
      url: `/api/v1/places/${COMMUNE_A}/villages`,
      headers: { authorization: `Bearer ${token}` },
      payload: { name: 'khuoi tao' },
    });
    assert.equal(res.statusCode, 409);
  });

  it('when admin A uses the page of commune A, then the form adds a village; on B the form is absent and a forged POST is refused', async () => {
    const cookie = await t.signIn('admin_a');
    const pageA = await t.formToken(`/dia-ban/ma/${t.places.a.id}`, cookie);
    const ok = await t.app.inject({
      method: 'POST',
      url: `/dia-ban/ma/${t.places.a.id}/thon`,
      headers: { cookie: pageA.cookie },
      payload: { _csrf: pageA.csrf, name: 'Nà Pàn', type: 'bản' },
    });
    assert.equal(ok.statusCode, 303);
    const pageAfter = await t.app.inject({
      method: 'GET',
      url: ok.headers.location as string,
      headers: { cookie: pageA.cookie },
    });
    assert.match(pageAfter.body, /Bản Nà Pàn/);

    const pageB = await t.app.inject({
      method: 'GET',
      url: `/dia-ban/ma/${t.places.b.id}`,
      headers: { cookie: pageA.cookie },
    });
    assert.equal(pageB.statusCode, 200);
    assert.doesNotMatch(pageB.body, /\/thon"/);
    const forged = await t.app.inject({
      method: 'POST',
      url: `/dia-ban/ma/${t.places.b.id}/thon`,
      headers: { cookie: pageA.cookie, accept: 'text/html' },
      payload: { _csrf: pageA.csrf, name: 'Bản Lạ', type: 'bản' },
    });
    assert.equal(forged.statusCode, 403);
  });

  it('when the form is posted without its CSRF token, then it is refused', async () => {
    const cookie = await t.signIn('admin_a');
    const res = await t.app.inject({
      method: 'POST',
      url: `/dia-ban/ma/${t.places.a.id}/thon`,
      headers: { cookie, accept: 'text/html' },
      payload: { name: 'Không Token' },
    });
    assert.equal(res.statusCode, 403);
    assert.match(res.body, /Phiên làm việc đã hết hạn/);
  });
});
