import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { COMMUNE_A, cookiesOf, createTestApp, PASSWORD, type TestApp } from '#test/support/app.ts';
import { currentTotp } from './auth.service.ts';

describe('staff sign-in', () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp();
    await t.user('can_bo', 'receptionist', COMMUNE_A);
    await t.user('lock_me', 'receptionist', COMMUNE_A);
    await t.user('two_step', 'admin', COMMUNE_A);
  });
  after(() => t.close());

  const post = async (username: string, password: string, extra: Record<string, string> = {}) => {
    const { csrf, cookie } = await t.formToken('/dang-nhap');
    return t.app.inject({
      method: 'POST',
      url: '/dang-nhap',
      headers: { cookie, accept: 'text/html' },
      payload: { _csrf: csrf, username, password, ...extra },
    });
  };

  it('when the password is right, then a HttpOnly SameSite session cookie is set and the staff area opens', async () => {
    const res = await post('can_bo', PASSWORD);
    assert.equal(res.statusCode, 303);
    assert.equal(res.headers.location, '/quan-tri');
    const session = res.cookies.find((c) => c.name === 'xs_session');
    assert.ok(session);
    assert.equal(session.httpOnly, true);
    assert.equal(session.sameSite, 'Lax');
    const area = await t.app.inject({ method: 'GET', url: '/quan-tri', headers: { cookie: cookiesOf(res) } });
    assert.equal(area.statusCode, 200);
    assert.match(area.body, /Tiếp nhận hồ sơ \(Một cửa\)/);
  });

  it('when the password is wrong, then the form comes back with the username kept and a Vietnamese error', async () => {
    const res = await post('can_bo', 'wrong password!');
    assert.equal(res.statusCode, 400);
    assert.match(res.body, /Tên đăng nhập hoặc mật khẩu không đúng/);
    assert.match(res.body, /value="can_bo"/);
    assert.doesNotMatch(res.body, /wrong password!/);
  });

  it('when a next page is given, then only a same-site path is followed', async () => {
    const ok = await post('can_bo', PASSWORD, { next: '/dia-ban' });
    assert.equal(ok.headers.location, '/dia-ban');
    const evil = await post('can_bo', PASSWORD, { next: '//evil.example/x' });
    assert.equal(evil.headers.location, '/quan-tri');
    for (const next of ['/\t/evil.example', '/\n/evil.example', '/\\evil.example', '/.//evil.example']) {
      const res = await post('can_bo', PASSWORD, { next });
      assert.equal(res.headers.location, '/quan-tri', JSON.stringify(next));
    }
  });

  /** The error part of the sign-in page: what the person is told, without the page's token. */
  const told = (body: string) => body.replace(/name="_csrf" value="[^"]*"/, '').replace(/value="[^"]*"/g, '');

  it('when the password is wrong five times, then the account locks, even for the right password, and says what an unknown name is told', async () => {
    for (let i = 0; i < 5; i++) assert.equal((await post('lock_me', 'nope nope nope')).statusCode, 400);
    const locked = await post('lock_me', PASSWORD);
    for (let i = 0; i < 5; i++) await post('no_such_user', 'nope nope nope');
    const unknown = await post('no_such_user', PASSWORD);
    assert.equal(locked.statusCode, 400);
    assert.equal(unknown.statusCode, 400);
    assert.equal(locked.headers['retry-after'], undefined);
    assert.equal(told(locked.body), told(unknown.body));
    assert.match(locked.body, /Tên đăng nhập hoặc mật khẩu không đúng/);
    assert.match(locked.body, /tài khoản tạm khóa một lúc/);
    assert.doesNotMatch(locked.body, /Tài khoản tạm khóa vì/);
    const [row] = await t.platform.database.query<{ failed_attempts: number; locked: boolean }>(
      "select failed_attempts, locked_until > now() as locked from users where username = 'lock_me'",
    );
    assert.deepEqual(row, { failed_attempts: 5, locked: true });
  });

  it('when a lock has expired, then the right password works and resets the count', async () => {
    await t.platform.database.query(
      "update users set locked_until = now() - interval '1 second' where username = 'lock_me'",
    );
    assert.equal((await post('lock_me', PASSWORD)).statusCode, 303);
    const [row] = await t.platform.database.query<{ failed_attempts: number }>(
      "select failed_attempts from users where username = 'lock_me'",
    );
    assert.equal(row?.failed_attempts, 0);
  });

  it('when the form has no CSRF token, then it is refused', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/dang-nhap',
      headers: { accept: 'text/html' },
      payload: { username: 'can_bo', password: PASSWORD },
    });
    assert.equal(res.statusCode, 403);
  });

  it('when two-step verification is on, then sign-in needs the current code', async () => {
    const cookie = await t.signIn('two_step');
    const page = await t.formToken('/tai-khoan/bao-mat', cookie);
    const [u] = await t.platform.database.query<{ totp_secret: string }>(
      "select totp_secret from users where username = 'two_step'",
    );
    const secret = u?.totp_secret ?? '';
    const wrong = await t.app.inject({
      method: 'POST',
      url: '/tai-khoan/bao-mat',
      headers: { cookie: page.cookie, accept: 'text/html' },
      payload: { _csrf: page.csrf, code: '000000' === currentTotp('two_step', secret) ? '111111' : '000000' },
    });
    assert.equal(wrong.statusCode, 400);
    const ok = await t.app.inject({
      method: 'POST',
      url: '/tai-khoan/bao-mat',
      headers: { cookie: page.cookie },
      payload: { _csrf: page.csrf, code: currentTotp('two_step', secret) },
    });
    assert.equal(ok.statusCode, 303);

    const missing = await post('two_step', PASSWORD);
    assert.equal(missing.statusCode, 400);
    assert.match(missing.body, /cần mã xác thực/);
    const good = await post('two_step', PASSWORD, { totp: currentTotp('two_step', secret) });
    assert.equal(good.statusCode, 303);
  });

  it('when signing out, then the session no longer works', async () => {
    const cookie = await t.signIn('can_bo');
    const { csrf } = await t.formToken('/quan-tri', cookie);
    const out = await t.app.inject({
      method: 'POST',
      url: '/dang-xuat',
      headers: { cookie },
      payload: { _csrf: csrf },
    });
    assert.equal(out.statusCode, 303);
    const area = await t.app.inject({ method: 'GET', url: '/quan-tri', headers: { cookie } });
    assert.equal(area.statusCode, 303);
    assert.match(String(area.headers.location), /^\/dang-nhap/);
  });
});

describe('API bearer tokens', () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp();
    await t.user('api_user', 'specialist', COMMUNE_A);
  });
  after(() => t.close());

  it('when logging in with username and password, then the token identifies the user until logout', async () => {
    const login = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username: 'api_user', password: PASSWORD },
    });
    assert.equal(login.statusCode, 200);
    const { token, tokenType, expiresAt } = login.json();
    assert.equal(tokenType, 'Bearer');
    assert.ok(Date.parse(expiresAt) > Date.now());
    const me = await t.app.inject({
      method: 'GET',
      url: '/api/v1/me',
      headers: { authorization: `Bearer ${token}` },
    });
    assert.equal(me.statusCode, 200);
    assert.equal(me.json().username, 'api_user');
    assert.deepEqual(
      me.json().grants.map((g: { role: string }) => g.role),
      ['specialist'],
    );
    const out = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/logout',
      headers: { authorization: `Bearer ${token}` },
    });
    assert.equal(out.statusCode, 204);
    const again = await t.app.inject({
      method: 'GET',
      url: '/api/v1/me',
      headers: { authorization: `Bearer ${token}` },
    });
    assert.equal(again.statusCode, 401);
  });

  it('when a grant is given or taken while a token is in use, then the very next request sees it', async () => {
    const id = await t.user('api_grants', 'specialist', COMMUNE_A);
    await t.user('api_admin', 'admin', COMMUNE_A);
    const token = await t.token('api_grants');
    const admin = { authorization: `Bearer ${await t.token('api_admin')}` };
    const roles = async () => {
      const me = await t.app.inject({
        method: 'GET',
        url: '/api/v1/me',
        headers: { authorization: `Bearer ${token}` },
      });
      assert.equal(me.statusCode, 200);
      return me
        .json()
        .grants.map((g: { role: string }) => g.role)
        .sort();
    };
    assert.deepEqual(await roles(), ['specialist']);
    assert.deepEqual(await roles(), ['specialist'], 'the same answer again (now from memory)');
    const given = await t.app.inject({
      method: 'POST',
      url: `/api/v1/users/${id}/grants`,
      headers: admin,
      payload: { role: 'receptionist', placeCode: COMMUNE_A },
    });
    assert.equal(given.statusCode, 201, given.body);
    assert.deepEqual(await roles(), ['receptionist', 'specialist']);
    const taken = await t.app.inject({
      method: 'DELETE',
      url: `/api/v1/users/${id}/grants/${given.json().id}`,
      headers: admin,
    });
    assert.equal(taken.statusCode, 204, taken.body);
    assert.deepEqual(await roles(), ['specialist']);
  });

  it('when the password is wrong, then 400 problem+json with a bilingual message on the username field', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username: 'api_user', password: 'x' },
    });
    assert.equal(res.statusCode, 400);
    assert.match(String(res.headers['content-type']), /application\/problem\+json/);
    assert.deepEqual(res.json().errors, [
      { field: 'username', vi: 'Tên đăng nhập hoặc mật khẩu không đúng.', en: 'Wrong username or password.' },
    ]);
  });

  it('when an account is locked, then the API answers exactly as for a username that does not exist', async () => {
    await t.user('api_locked', 'specialist', COMMUNE_A);
    const login = (username: string, password: string) =>
      t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password } });
    for (let i = 0; i < 5; i++) await login('api_locked', 'wrong wrong');
    const locked = await login('api_locked', PASSWORD);
    const unknown = await login('api_nobody', PASSWORD);
    assert.equal(locked.statusCode, unknown.statusCode);
    assert.deepEqual(locked.json(), unknown.json());
    assert.equal(locked.headers['retry-after'], unknown.headers['retry-after']);
    assert.equal(locked.json().status, 400);
  });

  it('when a web session cookie is sent to the API, then it is ignored (the API takes bearer tokens only)', async () => {
    const cookie = await t.signIn('api_user');
    const me = await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie } });
    assert.equal(me.statusCode, 401);
  });
});
