import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ensureDemoP12 } from '#modules/documents/index.ts';
import { hashPassword } from '#modules/identity/index.ts';
import { createTestApp, type TestApp } from '#test/support/app.ts';
import { activeDemoProblem, DEMO_PASSWORD, ensureDemo } from './demo.ts';

describe('demo accounts and certificate when the demo seed is off', () => {
  let t: TestApp;
  let signingDir: string;
  before(async () => {
    t = await createTestApp();
    signingDir = path.join(t.platform.config.dataDir, 'signing');
  });
  after(() => t.close());

  const start = (seed: boolean) =>
    ensureDemo({ ...t.platform, config: { ...t.platform.config, DEMO_SEED: seed } });
  const signIn = async (username: string, password = DEMO_PASSWORD) => {
    const { csrf, cookie } = await t.formToken('/dang-nhap');
    const res = await t.app.inject({
      method: 'POST',
      url: '/dang-nhap',
      headers: { cookie, accept: 'text/html' },
      payload: { _csrf: csrf, username, password },
    });
    return { status: res.statusCode, cookie: res.cookies.find((c) => c.name === 'xs_session')?.value };
  };

  it('when a demo start is followed by a start with DEMO_SEED=false, then the demo accounts and certificate are disabled and say so', async () => {
    const first = await start(true);
    assert.equal(first.staff.length, 9);
    assert.deepEqual(first.disabledAccounts, []);
    await ensureDemoP12(signingDir, {
      commonName: 'demo',
      organisation: 'demo',
      now: t.platform.clock.now(),
    });
    // Seeded before accounts were marked: recognised by the published password.
    await t.platform.database.query("update users set demo = false where username = 'lanhdao'");
    // Shares a demo username, but its operator gave it a password of their own: a real account.
    await t.platform.database.query(
      "update users set demo = false, password_hash = $1 where username = 'phananh'",
      [await hashPassword('a password of our own')],
    );
    const before = await signIn('motcua');
    assert.equal(before.status, 303, 'the demo account signs in while the demo seed is on');
    assert.match(String(await activeDemoProblem(t.platform.database)), /^DEMO_SEED: .*motcua/);

    const next = await start(false);
    assert.deepEqual(next.staff, []);
    assert.deepEqual(next.disabledAccounts.sort(), [
      'chuyenvien',
      'lanhdao',
      'motcua',
      'phatthanh',
      'quantri',
      'quantritinh',
      'thanhvien',
      'totruong',
    ]);
    assert.ok(next.disabledCertificate?.startsWith(path.join(signingDir, 'disabled-')));
    assert.ok(fs.existsSync(path.join(next.disabledCertificate ?? '', 'demo-signer.p12')));
    assert.ok(!fs.existsSync(path.join(signingDir, 'demo-signer.p12')), 'nothing signs with it again');

    assert.equal((await signIn('motcua')).status, 400, 'motcua / xaso-demo-2026 no longer signs in');
    const page = await t.app.inject({
      method: 'GET',
      url: '/quan-tri',
      headers: { cookie: `xs_session=${before.cookie}` },
    });
    assert.equal(page.statusCode, 303, 'the session opened before is ended');
    assert.equal((await signIn('phananh', 'a password of our own')).status, 303, 'a real account stays');
    assert.equal(await activeDemoProblem(t.platform.database), undefined);

    const again = await start(false);
    assert.deepEqual([again.disabledAccounts, again.disabledCertificate], [[], undefined], 'said once');
  });
});
