import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { COMMUNE_A, COMMUNE_B, createTestApp, PROVINCE, type TestApp } from '#test/support/app.ts';

describe('audit log', () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp();
    await t.user('admin_a', 'admin', COMMUNE_A);
    await t.user('admin_b', 'admin', COMMUNE_B);
    await t.user('admin_p', 'admin', PROVINCE);
    for (const [who, code, name] of [
      ['admin_a', COMMUNE_A, 'Khuổi Tào'],
      ['admin_b', COMMUNE_B, 'Nà Sla'],
    ] as const) {
      const res = await t.app.inject({
        method: 'POST',
        url: `/api/v1/places/${code}/villages`,
        headers: { authorization: `Bearer ${await t.token(who)}`, 'user-agent': 'test-agent' },
        payload: { name },
      });
      assert.equal(res.statusCode, 201);
    }
  });
  after(() => t.close());

  it('when a privileged action is taken, then who, what, when and where from are recorded', async () => {
    const [row] = await t.platform.database.query<{
      actor_label: string;
      ip: string;
      user_agent: string;
      place_path: string;
      at: Date;
    }>(
      "select actor_label, ip, user_agent, place_path, at from audit_log where action = 'places.village.add' order by id limit 1",
    );
    assert.equal(row?.actor_label, 'admin_a');
    assert.equal(row?.ip, '127.0.0.1');
    assert.equal(row?.user_agent, 'test-agent');
    assert.equal(row?.place_path, t.places.a.path);
    assert.ok(Date.now() - new Date(row?.at ?? 0).getTime() < 60_000);
  });

  it('when anyone tries to change or delete an entry, then the database refuses', async () => {
    await assert.rejects(
      t.platform.database.query("update audit_log set actor_label = 'someone else'"),
      /append-only/,
    );
    await assert.rejects(t.platform.database.query('delete from audit_log'), /append-only/);
    await assert.rejects(t.platform.database.query('truncate audit_log'), /append-only/);
  });

  it('when admin A reads the log, then only commune A entries appear; the province admin sees both', async () => {
    const read = async (who: string) => {
      const res = await t.app.inject({
        method: 'GET',
        url: '/api/v1/audit',
        headers: { authorization: `Bearer ${await t.token(who)}` },
      });
      return res
        .json()
        .items.filter((i: { action: string }) => i.action === 'places.village.add')
        .map((i: { actor: string }) => i.actor);
    };
    assert.deepEqual(await read('admin_a'), ['admin_a']);
    assert.deepEqual((await read('admin_p')).sort(), ['admin_a', 'admin_b']);
    const cookie = await t.signIn('admin_a');
    const page = await t.app.inject({ method: 'GET', url: '/quan-tri/nhat-ky', headers: { cookie } });
    assert.match(page.body, /places\.village\.add/);
    assert.doesNotMatch(page.body, /admin_b/);
  });
});
