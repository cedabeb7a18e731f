import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { addVillageUnchecked } from '#modules/places/index.ts';
import { createTestApp, type TestApp } from '#test/support/app.ts';
import { MEMBER } from './fieldkit.access.ts';
import {
  cmd,
  householdFields,
  kitOf,
  setUpTeams,
  type Teams,
  visitCommand,
} from './fieldkit.test-support.ts';

describe('who sees and changes which households', () => {
  let t: TestApp;
  let teams: Teams;
  const ids = { a1: randomUUID(), a2: randomUUID(), b1: randomUUID() };
  let checklistId = 0;
  const q = <T>(sql: string) => t.platform.database.query<T>(sql);
  const get = async (url: string, who: string) =>
    t.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${await t.token(who)}` } });

  before(async () => {
    t = await createTestApp();
    teams = await setUpTeams(t);
    for (const [who, hamlet, id] of [
      ['member_a1', teams.a1, ids.a1],
      ['member_a2', teams.a2, ids.a2],
      ['member_b1', teams.b1, ids.b1],
    ] as const) {
      const kit = kitOf(t, await t.token(who));
      const [r] = await kit.push([
        cmd('household.create', {
          id,
          hamletId: hamlet.id,
          fields: householdFields({ headName: `Chủ hộ ${who}` }),
        }),
      ]);
      assert.equal(r?.status, 'applied');
      checklistId ||= (await kit.pull()).checklist?.id ?? 0;
    }
  });
  after(() => t.close());

  it('when a member of A1 syncs, then only A1’s households come, never A2’s or B1’s', async () => {
    const kit = kitOf(t, await t.token('member_a1'));
    const all = await kit.pullAll();
    assert.deepEqual(
      all.hamlets.map((h) => h.id),
      [teams.a1.id],
    );
    assert.deepEqual(
      all.households.map((h) => h.id),
      [ids.a1],
    );
    // A forged cursor naming another hamlet changes nothing.
    const forged = await kit.pull(`${teams.a2.id}:0,${teams.b1.id}:0`);
    assert.deepEqual(
      forged.households.map((h) => h.id),
      [ids.a1],
    );
  });

  it('when a member of A1 asks the API for an A2 household or the A2 list, then 404 and 403, with nothing of it in the body', async () => {
    const one = await get(`/api/v1/fieldkit/households/${ids.a2}`, 'member_a1');
    assert.equal(one.statusCode, 404);
    assert.doesNotMatch(one.body, /Chủ hộ/);
    const list = await get(`/api/v1/fieldkit/hamlets/${teams.a2.id}/households`, 'member_a1');
    assert.equal(list.statusCode, 403);
    const own = await get(`/api/v1/fieldkit/households/${ids.a1}`, 'member_a1');
    assert.equal(own.statusCode, 200);
    assert.equal(own.json().headName, 'Chủ hộ member_a1');
  });

  it('when a member of A1 sends changes to A2 or B1 households, then each is rejected and nothing changes', async () => {
    const kit = kitOf(t, await t.token('member_a1'));
    const results = await kit.push([
      cmd('household.update', { id: ids.a2, baseVersion: 1, base: { members: 5 }, changes: { members: 9 } }),
      cmd('household.update', { id: ids.b1, baseVersion: 1, base: { members: 5 }, changes: { members: 9 } }),
      visitCommand(ids.a2, checklistId),
      cmd('household.create', { id: randomUUID(), hamletId: teams.b1.id, fields: householdFields() }),
      cmd('household.delete', { id: ids.a2, baseVersion: 1, reason: 'moved' }),
    ]);
    assert.deepEqual(
      results.map((r) => r.status),
      ['rejected', 'rejected', 'rejected', 'rejected', 'rejected'],
    );
    const rows = await q<{ id: string; members: number; version: number; deleted_at: string | null }>(
      `select id, members, version, deleted_at from fieldkit_households where id in ('${ids.a2}', '${ids.b1}')`,
    );
    assert.deepEqual(
      rows.map((r) => [r.members, r.version, r.deleted_at]),
      [
        [5, 1, null],
        [5, 1, null],
      ],
    );
    const [v] = await q<{ n: number }>(
      `select count(*)::int as n from fieldkit_visits where household_id = '${ids.a2}'`,
    );
    assert.equal(v?.n, 0);
    const [h] = await q<{ n: number }>(
      `select count(*)::int as n from fieldkit_households where hamlet_id = ${teams.b1.id}`,
    );
    assert.equal(h?.n, 1);
  });

  it('when a member of A1 opens or posts to A2’s household pages, then 404 and nothing changes', async () => {
    const cookie = await t.signIn('member_a1');
    for (const url of [
      `/to-cong-nghe/ho/${ids.a2}`,
      `/to-cong-nghe/ho/${ids.a2}/tham`,
      `/to-cong-nghe/ho/${ids.a2}/sua`,
    ]) {
      const res = await t.app.inject({ method: 'GET', url, headers: { cookie } });
      assert.equal(res.statusCode, 404, url);
      assert.doesNotMatch(res.body, /Chủ hộ member_a2/);
    }
    const own = await t.formToken(`/to-cong-nghe/ho/${ids.a1}/sua`, cookie);
    const res = await t.app.inject({
      method: 'POST',
      url: `/to-cong-nghe/ho/${ids.a2}/sua`,
      headers: { cookie: own.cookie, accept: 'text/html' },
      payload: {
        _csrf: own.csrf,
        commandId: randomUUID(),
        baseVersion: '1',
        base_members: '5',
        members: '9',
      },
    });
    assert.equal(res.statusCode, 404);
    const listA2 = await t.app.inject({
      method: 'GET',
      url: `/to-cong-nghe/?thon=${teams.a2.id}`,
      headers: { cookie },
    });
    assert.equal(listA2.statusCode, 200);
    assert.doesNotMatch(listA2.body, /Chủ hộ member_a2/, 'asking for another hamlet shows one’s own');
    const [row] = await q<{ members: number }>(
      `select members from fieldkit_households where id = '${ids.a2}'`,
    );
    assert.equal(row?.members, 5);
  });

  it('when the admin of commune A reads, then A1 and A2 are open to them and B1 is not', async () => {
    for (const [id, status] of [
      [ids.a1, 200],
      [ids.a2, 200],
      [ids.b1, 404],
    ] as const) {
      assert.equal((await get(`/api/v1/fieldkit/households/${id}`, 'admin_a')).statusCode, status, id);
    }
  });

  it('when nobody is signed in, then the API answers 401 and the pages send to the sign-in page', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/fieldkit/pull' });
    assert.equal(res.statusCode, 401);
    const page = await t.app.inject({ method: 'GET', url: `/to-cong-nghe/ho/${ids.a1}` });
    assert.equal(page.statusCode, 303);
    assert.match(page.headers.location as string, /^\/dang-nhap\?next=/);
    const session = await t.app.inject({ method: 'GET', url: '/to-cong-nghe/dong-bo/phien' });
    assert.equal(session.statusCode, 401);
  });

  it('when a kit’s client id is reused by another account, then its push is refused', async () => {
    const shared = randomUUID();
    await kitOf(t, await t.token('member_a1'), shared).push([]);
    const other = kitOf(t, await t.token('member_a2'), shared);
    await assert.rejects(other.push([]), /403/);
  });

  it('when a member holds the role at six hamlets, then five sync and the sixth is named as not synced', async () => {
    const hamlets = [];
    for (let i = 0; i < 6; i++) {
      hamlets.push(
        await addVillageUnchecked(t.platform.database.db, t.places.a, {
          type: 'thôn',
          name: `Thôn Giới Hạn ${i}`,
        }),
      );
    }
    const [first, ...rest] = hamlets;
    assert.ok(first);
    const userId = await t.user('member_many', MEMBER, first.code);
    for (const h of rest) {
      await t.platform.database.query(
        'insert into role_grants (user_id, role, place_id, place_path) values ($1, $2, $3, $4)',
        [userId, MEMBER, h.id, h.path],
      );
    }
    const res = await kitOf(t, await t.token('member_many')).pull();
    assert.equal(res.hamlets.length, 5);
    assert.equal(res.notSynced.length, 1);
  });

  it('when someone holds no team role at a hamlet, then the kit refuses to sync for them', async () => {
    const res = await kitOf(t, await t.token('admin_a')).pullRaw();
    assert.equal(res.statusCode, 403);
    assert.match(res.json().messages.vi, /chưa là thành viên tổ công nghệ số/);
  });
});
