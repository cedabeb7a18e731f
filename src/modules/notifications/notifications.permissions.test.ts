import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { COMMUNE_A, COMMUNE_B, createTestApp, PROVINCE, type TestApp } from '#test/support/app.ts';
import { DevAdapter } from './adapters.ts';
import { deliverDue, enqueue } from './notifications.service.ts';

describe('development outbox: each admin reads their subtree only', () => {
  let t: TestApp;
  const cookies: Record<string, string> = {};
  const CITIZEN = '0912000777';

  before(async () => {
    t = await createTestApp();
    await t.user('admin_a', 'admin', COMMUNE_A);
    await t.user('admin_b', 'admin', COMMUNE_B);
    await t.user('admin_province', 'admin', PROVINCE);
    await t.user('desk_a', 'receptionist', COMMUNE_A);
    for (const name of ['admin_a', 'admin_b', 'admin_province', 'desk_a'])
      cookies[name] = await t.signIn(name);
    const db = t.platform.database.db;
    await enqueue(db, {
      channel: 'sms',
      recipient: '0912000111',
      body: 'Tin của xã A: hồ sơ đã được tiếp nhận.',
      placePath: t.places.a.path,
    });
    await enqueue(db, {
      channel: 'sms',
      recipient: '0912000222',
      body: 'Tin của xã B: hồ sơ đã có kết quả.',
      placePath: t.places.b.path,
    });
    // A citizen's sign-in code, queued by the real sign-in form: it belongs to no commune.
    const { csrf, cookie } = await t.formToken('/cong-dan/dang-nhap');
    const asked = await t.app.inject({
      method: 'POST',
      url: '/cong-dan/dang-nhap',
      headers: { cookie, accept: 'text/html' },
      payload: { _csrf: csrf, phone: CITIZEN },
    });
    assert.equal(asked.statusCode, 303);
    const dev = new DevAdapter(db);
    assert.deepEqual(await deliverDue(db, { sms: dev, email: dev }), { sent: 3, failed: 0 });
  });
  after(() => t.close());

  const outbox = async (who: string, query = '') => {
    const res = await t.app.inject({
      method: 'GET',
      url: `/quan-tri/tin-nhan${query}`,
      headers: { cookie: cookies[who] ?? '', accept: 'text/html' },
    });
    return { status: res.statusCode, body: res.body };
  };

  it('when an admin of commune A opens the outbox, then they read commune A’s messages, not commune B’s nor a citizen’s sign-in code', async () => {
    const { status, body } = await outbox('admin_a');
    assert.equal(status, 200);
    assert.match(body, /Tin của xã A/);
    assert.doesNotMatch(body, /Tin của xã B/);
    assert.doesNotMatch(body, /Mã đăng nhập/);
    assert.doesNotMatch(body, new RegExp(CITIZEN));
    const asked = await outbox('admin_a', `?to=${CITIZEN}`);
    assert.doesNotMatch(
      asked.body,
      /Mã đăng nhập/,
      'asking for the citizen’s number does not widen the scope',
    );
    const other = await outbox('admin_a', '?to=0912000222');
    assert.doesNotMatch(other.body, /Tin của xã B/);
  });

  it('when an admin of commune B opens it, then they read only commune B’s', async () => {
    const { body } = await outbox('admin_b');
    assert.match(body, /Tin của xã B/);
    assert.doesNotMatch(body, /Tin của xã A|Mã đăng nhập/);
  });

  it('when an admin of the province opens it, then they read every commune’s messages and the sign-in codes', async () => {
    const { body } = await outbox('admin_province');
    assert.match(body, /Tin của xã A/);
    assert.match(body, /Tin của xã B/);
    assert.match(body, /Mã đăng nhập Xã Số: \d{6}/);
  });

  it('when an official who is not an admin opens it, then it is refused', async () => {
    assert.equal((await outbox('desk_a')).status, 403);
  });
});
