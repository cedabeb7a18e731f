import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { createTestApp, PROVINCE, type TestApp } from '#test/support/app.ts';
import { cmd, householdFields, kitOf, setUpTeams, type Teams } from './fieldkit.test-support.ts';

/** A visit on a given day (Vietnam time) with the indicators given. */
const visitOn = (householdId: string, checklistId: number, day: string, a: Record<string, unknown>) =>
  cmd('visit.record', {
    id: randomUUID(),
    householdId,
    meta: { startedAt: `${day}T09:00:00+07:00`, endedAt: `${day}T09:20:00+07:00`, checklistId },
    answers: { smartphone: false, vneid_adults: 0, cashless: false, public_service_account: false, ...a },
  });

describe('the teams’ figures', () => {
  let t: TestApp;
  let teams: Teams;
  const cookieOf: Record<string, string> = {};

  const page = (who: string, qs: string) =>
    t.app.inject({
      method: 'GET',
      url: `/quan-tri/to-cong-nghe/thong-ke?${qs}`,
      headers: { cookie: cookieOf[who] ?? '' },
    });

  before(async () => {
    t = await createTestApp();
    teams = await setUpTeams(t);
    await t.user('leader_province', 'approver', PROVINCE);
    for (const who of ['leader_a1', 'admin_a', 'leader_province', 'member_a1'])
      cookieOf[who] = await t.signIn(who);
    const a1 = kitOf(t, await t.token('member_a1'));
    const a2 = kitOf(t, await t.token('member_a2'));
    const b1 = kitOf(t, await t.token('member_b1'));
    const checklist = (await a1.pull()).checklist?.id ?? 0;
    const make = async (kit: typeof a1, hamletId: number, n: number) => {
      const ids = Array.from({ length: n }, () => randomUUID());
      await kit.push(
        ids.map((id, i) =>
          cmd('household.create', {
            id,
            hamletId,
            fields: householdFields({ headName: `Chủ hộ bí mật ${i}` }),
          }),
        ),
      );
      return ids;
    };
    const [h1, h2, h3] = await make(a1, teams.a1.id, 4);
    const [g1, g2] = await make(a2, teams.a2.id, 2);
    const [k1] = await make(b1, teams.b1.id, 1);
    const results = [
      ...(await a1.push([
        // h1: first no smartphone, then (later, same month) a smartphone: the latest counts.
        visitOn(h1 as string, checklist, '2026-12-02', { smartphone: false }),
        visitOn(h1 as string, checklist, '2026-12-10', { smartphone: true, vneid_adults: 2, cashless: true }),
        visitOn(h2 as string, checklist, '2026-12-11', {
          smartphone: true,
          vneid_adults: 1,
          public_service_account: true,
        }),
        visitOn(h3 as string, checklist, '2026-12-12', {}),
        // Outside the period.
        visitOn(h3 as string, checklist, '2026-11-20', { smartphone: true }),
      ])),
      ...(await a2.push([
        visitOn(g1 as string, checklist, '2026-12-05', { smartphone: true }),
        visitOn(g2 as string, checklist, '2026-12-06', { smartphone: true, cashless: true }),
      ])),
      ...(await b1.push([visitOn(k1 as string, checklist, '2026-12-07', { smartphone: true })])),
    ];
    assert.ok(
      results.every((r) => r.status === 'applied'),
      JSON.stringify(results),
    );
  });
  after(() => t.close());

  const DEC = 'tu=2026-12-01&den=2026-12-31';

  it('when the commune admin looks at December, then each hamlet has its visited share counted by its latest visit, and names never show', async () => {
    const res = await page('admin_a', `noi=${t.places.a.code}&${DEC}`);
    assert.equal(res.statusCode, 200);
    const csv = await t.app.inject({
      method: 'GET',
      url: `/quan-tri/to-cong-nghe/thong-ke.csv?noi=${t.places.a.code}&${DEC}`,
      headers: { cookie: cookieOf.admin_a ?? '' },
    });
    assert.equal(csv.statusCode, 200);
    const lines = csv.body.replace(/^\uFEFF/, '').split('\r\n');
    const row = (name: string) => lines.find((l) => l.includes(name))?.split(',');
    assert.equal(
      lines[0]?.split(',').slice(5).join(','),
      'so_ho,so_ho_da_tham,so_lan_tham,ho_co_smartphone,ty_le_smartphone,ho_co_vneid2,so_nguoi_vneid2,ty_le_vneid2,ho_co_tk_khong_tien_mat,ty_le_khong_tien_mat,ho_co_tk_dvc,ty_le_tk_dvc,ho_so_ho_tro',
    );
    // Khuổi Tào: 4 households, 3 visited in December by 4 visits; smartphone 2/3, VNeID 2 households / 3 adults, cashless 1, DVC 1.
    assert.deepEqual(row('Thôn Khuổi Tào')?.slice(5), [
      '4',
      '3',
      '4',
      '2',
      '66.7',
      '2',
      '3',
      '66.7',
      '1',
      '33.3',
      '1',
      '33.3',
      '0',
    ]);
    assert.deepEqual(row('Bản Nà Pàn')?.slice(5), [
      '2',
      '2',
      '2',
      '2',
      '100.0',
      '0',
      '0',
      '0.0',
      '1',
      '50.0',
      '0',
      '0.0',
      '0',
    ]);
    assert.deepEqual(row('tong')?.slice(5, 8), ['6', '5', '6']);
    assert.ok(
      lines.some((l) => l.startsWith('thanh_vien,') && l.includes('member_a1') && l.endsWith(',4,3')),
    );
    assert.doesNotMatch(res.body + csv.body, /Chủ hộ bí mật/);
  });

  it('when the province’s leader looks, then there is one row per commune', async () => {
    const res = await page('leader_province', `noi=${PROVINCE}&${DEC}`);
    assert.equal(res.statusCode, 200);
    assert.match(res.body, /Xã Mẫu Sơn/);
    assert.match(res.body, /Phường Đồng Đăng|Xã Đồng Đăng/);
    assert.doesNotMatch(res.body, /Thôn Khuổi Tào/);
  });

  it('when a team leader looks, then they see their hamlet and are refused the commune; a member is refused', async () => {
    const own = await page('leader_a1', DEC);
    assert.equal(own.statusCode, 200);
    assert.match(own.body, /Thôn Khuổi Tào/);
    assert.doesNotMatch(own.body, /Bản Nà Pàn/);
    assert.equal((await page('leader_a1', `noi=${t.places.a.code}&${DEC}`)).statusCode, 403);
    assert.equal((await page('member_a1', DEC)).statusCode, 403);
  });

  it('when the period is November, then only November’s visit counts', async () => {
    const csv = await t.app.inject({
      method: 'GET',
      url: `/quan-tri/to-cong-nghe/thong-ke.csv?noi=${teams.a1.code}&tu=2026-11-01&den=2026-11-30`,
      headers: { cookie: cookieOf.leader_a1 ?? '' },
    });
    const total = csv.body.split('\r\n').find((l) => l.startsWith('tong,'));
    assert.deepEqual(total?.split(',').slice(5, 10), ['4', '1', '1', '1', '100.0']);
  });
});
