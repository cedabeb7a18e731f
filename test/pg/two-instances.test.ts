import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Database } from '#platform/db/client.ts';
import { createTestDatabase, serverUrl } from '#test/support/db.ts';
import { freePort, startApp, waitHealthy } from '#test/support/pg-faults.ts';
import { cookieHeader, form, post } from '#test/support/web-session.ts';

/**
 * Two app processes on one PostgreSQL server must behave as one: sessions, CSRF secrets, rate
 * limits and jobs live in the database, not in a process.
 */
async function startInstance(url: string) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'xaso-inst-'));
  const app = startApp({
    url,
    port: await freePort(),
    dataDir,
    env: { LOG_LEVEL: 'warn', DEMO_SEED: 'true', TRUST_PROXY: 'false' },
  });
  return { ...app, dataDir };
}

describe('two app processes on one PostgreSQL server', {
  skip: !serverUrl && process.env.CI !== 'true' && 'needs DATABASE_URL (npm test provides one)',
}, () => {
  let database: Database & { url?: string };
  let a: Awaited<ReturnType<typeof startInstance>>;
  let b: Awaited<ReturnType<typeof startInstance>>;

  before(async () => {
    database = await createTestDatabase();
    const url = database.url ?? '';
    // Started together: migrations, the places import and the demo seed must not collide.
    [a, b] = await Promise.all([startInstance(url), startInstance(url)]);
    await Promise.all([waitHealthy(a), waitHealthy(b)]);
  });

  after(async () => {
    for (const i of [a, b]) {
      if (!i) continue;
      i.child.kill('SIGTERM');
      await new Promise((r) => i.child.once('exit', r));
      fs.rmSync(i.dataDir, { recursive: true, force: true });
    }
    await database?.close();
  });

  it('when both started at once, then the demo was seeded exactly once', async () => {
    const [row] = await database.query<{ n: number }>(
      "select count(*)::int as n from users where username = 'quantri'",
    );
    assert.equal(row?.n, 1);
    const [villages] = await database.query<{ n: number }>(
      "select count(*)::int as n from places where level = 'village' and parent_id = (select id from places where code = '06541' and valid_to is null)",
    );
    assert.equal(villages?.n, 4);
  });

  it('when an official signs in on one, then the session works on the other', async () => {
    const f = await form(a.base, '/dang-nhap');
    const res = await post(a.base, '/dang-nhap', f.cookie, {
      _csrf: f.csrf,
      username: 'quantri',
      password: 'xaso-demo-2026',
    });
    assert.equal(res.status, 303);
    const cookie = cookieHeader(res, f.cookie);
    const onB = await fetch(`${b.base}/quan-tri`, { headers: { cookie }, redirect: 'manual' });
    assert.equal(onB.status, 200);
    assert.match(await onB.text(), /Hoàng Văn Quản/);
  });

  it('when a form comes from one and is posted to the other, then its CSRF token is accepted', async () => {
    const f = await form(a.base, '/cong-dan/dang-nhap');
    const res = await post(b.base, '/cong-dan/dang-nhap', f.cookie, { _csrf: f.csrf, phone: '0987000111' });
    assert.equal(res.status, 303);
  });

  it('when one phone asks for codes on both, then the limit counts across both', async () => {
    const statuses: number[] = [];
    for (const inst of [a, b, a, b]) {
      const f = await form(inst.base, '/cong-dan/dang-nhap');
      statuses.push(
        (await post(inst.base, '/cong-dan/dang-nhap', f.cookie, { _csrf: f.csrf, phone: '0987000222' }))
          .status,
      );
    }
    assert.deepEqual(statuses, [303, 303, 303, 429]);
  });

  it('when one address guesses a tracking code on both, then each counts the other’s guesses within a second or two', async () => {
    // Flood limits count in each process and meet in the table every second (10 wrong guesses on a
    // code from one address a day; both instances see this test's requests from 127.0.0.1).
    const code = '20.06541-260101-9999';
    const key = `dossiers:track:guess-pair:${code}@127.0.0.1`;
    const tryCode = async (base: string) =>
      (await fetch(`${base}/api/v1/dossiers/${code}?phone4=0000`)).status;
    /** Until the table holds `n` guesses: the process that made the last ones has synced and knows it. */
    const synced = async (n: number) => {
      for (const deadline = Date.now() + 10_000; Date.now() < deadline; ) {
        const [row] = await database.query<{ count: number }>(
          'select count from rate_limits where key = $1',
          [key],
        );
        if ((row?.count ?? 0) >= n) return;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`the table never reached ${n} guesses`);
    };
    for (let i = 0; i < 6; i++) assert.equal(await tryCode(a.base), 404);
    await synced(6);
    assert.equal(await tryCode(b.base), 404);
    await synced(7);
    const onB = [];
    for (let i = 0; i < 4; i++) onB.push(await tryCode(b.base));
    assert.deepEqual(onB, [404, 404, 404, 429], 'b knows a’s 6: its 11th guess overall is refused');
  });

  it('when messages are queued, then the delivery job sends each exactly once across both instances', async () => {
    const phones = ['0987000301', '0987000302', '0987000303', '0987000304', '0987000305'];
    for (const [i, phone] of phones.entries()) {
      const inst = i % 2 ? b : a;
      const f = await form(inst.base, '/cong-dan/dang-nhap');
      assert.equal(
        (await post(inst.base, '/cong-dan/dang-nhap', f.cookie, { _csrf: f.csrf, phone })).status,
        303,
      );
    }
    const deadline = Date.now() + 90_000;
    let rows: { recipient: string; status: string; attempts: number; delivered: number }[] = [];
    while (Date.now() < deadline) {
      rows = await database.query(
        `select n.recipient, n.status, n.attempts, (select count(*)::int from dev_messages d where d.notification_id = n.id) as delivered
         from notifications n where n.recipient = any($1) order by n.recipient`,
        [phones],
      );
      if (rows.length === phones.length && rows.every((r) => r.status === 'sent')) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    assert.deepEqual(
      rows.map((r) => [r.recipient, r.status, r.attempts, r.delivered]),
      phones.map((p) => [p, 'sent', 1, 1]),
    );
  });
});
