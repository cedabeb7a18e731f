import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { COMMUNE_A, COMMUNE_B, createTestApp, PROVINCE, type TestApp } from '#test/support/app.ts';

describe('staff accounts stay inside their commune', () => {
  let t: TestApp;
  let clerkB: number;
  let clerkA: number;
  before(async () => {
    t = await createTestApp();
    await t.user('admin_a', 'admin', COMMUNE_A);
    await t.user('admin_b', 'admin', COMMUNE_B);
    await t.user('admin_p', 'admin', PROVINCE);
    clerkA = await t.user('clerk_a', 'receptionist', COMMUNE_A);
    clerkB = await t.user('clerk_b', 'receptionist', COMMUNE_B);
  });
  after(() => t.close());

  const api = async (username: string, method: 'GET' | 'POST' | 'DELETE', url: string, payload?: object) =>
    t.app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${await t.token(username)}` },
      ...(payload ? { payload } : {}),
    });

  it('when admin A lists users, then only commune A staff appear (API and page)', async () => {
    const res = await api('admin_a', 'GET', '/api/v1/users');
    const names = res.json().items.map((u: { username: string }) => u.username);
    assert.deepEqual(names, ['admin_a', 'clerk_a']);
    const cookie = await t.signIn('admin_a');
    const page = await t.app.inject({ method: 'GET', url: '/quan-tri/nguoi-dung', headers: { cookie } });
    assert.match(page.body, /clerk_a/);
    assert.doesNotMatch(page.body, /clerk_b|admin_b|admin_p/);
  });

  it('when the province admin lists users, then both communes appear', async () => {
    const res = await api('admin_p', 'GET', '/api/v1/users');
    const names = res.json().items.map((u: { username: string }) => u.username);
    assert.ok(names.includes('clerk_a') && names.includes('clerk_b'));
  });

  it('when admin A asks for a commune B user, then 404 (API and page): B’s staff are not even visible', async () => {
    assert.equal((await api('admin_a', 'GET', `/api/v1/users/${clerkB}`)).statusCode, 404);
    const cookie = await t.signIn('admin_a');
    const page = await t.app.inject({
      method: 'GET',
      url: `/quan-tri/nguoi-dung/${clerkB}`,
      headers: { cookie, accept: 'text/html' },
    });
    assert.equal(page.statusCode, 404);
    assert.equal((await api('admin_a', 'GET', `/api/v1/users/${clerkA}`)).statusCode, 200);
  });

  it('when admin A creates a user at commune B, then 403 and no account is made', async () => {
    const res = await api('admin_a', 'POST', '/api/v1/users', {
      username: 'sneaky',
      displayName: 'Sneaky',
      password: 'long enough password',
      role: 'receptionist',
      placeCode: COMMUNE_B,
    });
    assert.equal(res.statusCode, 403);
    const [row] = await t.platform.database.query<{ n: number }>(
      "select count(*)::int as n from users where username = 'sneaky'",
    );
    assert.equal(row?.n, 0);
  });

  it('when admin A creates a user at commune A through the page, then it exists and the audit log says who did it', async () => {
    const cookie = await t.signIn('admin_a');
    const form = await t.formToken('/quan-tri/nguoi-dung', cookie);
    const res = await t.app.inject({
      method: 'POST',
      url: '/quan-tri/nguoi-dung',
      headers: { cookie: form.cookie },
      payload: {
        _csrf: form.csrf,
        username: 'Chuyen.Vien',
        displayName: 'Nông Thị Mới',
        password: 'a long first password',
        role: 'specialist',
        placeCode: COMMUNE_A,
      },
    });
    assert.equal(res.statusCode, 303, res.body);
    const [audit] = await t.platform.database.query<{ actor_label: string; details: { username: string } }>(
      "select actor_label, details from audit_log where action = 'identity.user.create'",
    );
    assert.equal(audit?.actor_label, 'admin_a');
    assert.equal(audit?.details.username, 'chuyen.vien');
  });

  it('when the create form is wrong, then every field error shows and the typed values stay', async () => {
    const cookie = await t.signIn('admin_a');
    const form = await t.formToken('/quan-tri/nguoi-dung', cookie);
    const res = await t.app.inject({
      method: 'POST',
      url: '/quan-tri/nguoi-dung',
      headers: { cookie: form.cookie, accept: 'text/html' },
      payload: {
        _csrf: form.csrf,
        username: 'x',
        displayName: 'Lò Văn Sai',
        password: 'short',
        role: 'king',
        placeCode: COMMUNE_A,
      },
    });
    assert.equal(res.statusCode, 400);
    assert.match(res.body, /Tên đăng nhập 3–64 ký tự/);
    assert.match(res.body, /Mật khẩu cần ít nhất 10 ký tự/);
    assert.match(res.body, /Vui lòng chọn một giá trị trong danh sách/);
    assert.match(res.body, /value="Lò Văn Sai"/);
  });

  it('when admin A grants a role at B to their own clerk, then 403; at A it works, and revoking at A works', async () => {
    assert.equal(
      (
        await api('admin_a', 'POST', `/api/v1/users/${clerkA}/grants`, {
          role: 'approver',
          placeCode: COMMUNE_B,
        })
      ).statusCode,
      403,
    );
    const ok = await api('admin_a', 'POST', `/api/v1/users/${clerkA}/grants`, {
      role: 'approver',
      placeCode: COMMUNE_A,
    });
    assert.equal(ok.statusCode, 201);
    const dup = await api('admin_a', 'POST', `/api/v1/users/${clerkA}/grants`, {
      role: 'approver',
      placeCode: COMMUNE_A,
    });
    assert.equal(dup.statusCode, 409);
    const del = await api('admin_a', 'DELETE', `/api/v1/users/${clerkA}/grants/${ok.json().id}`);
    assert.equal(del.statusCode, 204);
  });

  it('when admin B tries to revoke a commune A grant, then it is refused', async () => {
    const [g] = await t.platform.database.query<{ id: number }>(
      `select id from role_grants where user_id = ${clerkA}`,
    );
    const res = await api('admin_b', 'DELETE', `/api/v1/users/${clerkA}/grants/${g?.id}`);
    assert.equal(res.statusCode, 403);
  });

  it('when a receptionist opens the user admin, then they see nobody', async () => {
    const res = await api('clerk_a', 'GET', '/api/v1/users');
    assert.deepEqual(res.json().items, []);
  });
});
