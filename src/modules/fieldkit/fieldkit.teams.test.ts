import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { addVillageUnchecked } from '#modules/places/index.ts';
import { createTestApp, type TestApp } from '#test/support/app.ts';
import { formData } from '#test/support/multipart.ts';
import { LEADER } from './fieldkit.access.ts';
import { cmd, householdFields, kitOf, setUpTeams, type Teams } from './fieldkit.test-support.ts';

const CSV = [
  'chu_ho,so_nguoi,dien_thoai,dia_chi,vi_do,kinh_do,dong_y',
  'Hoàng Văn Páo,5,0912345678,"Xóm Trên, cạnh cầu treo",21.8537,106.9950,có',
  ',3,,Xóm Dưới nhà thứ hai,,,không',
  'Lý Thị Mai,2,"0987 654 321; 0356 111 222",Đầu bản,,,x',
].join('\n');

describe('teams, members, the register import and the province’s checklist', () => {
  let t: TestApp;
  let teams: Teams;
  const q = <T>(sql: string) => t.platform.database.query<T>(sql);

  async function upload(who: string, hamletId: number, csv: string) {
    const cookie = await t.signIn(who);
    const page = await t
      .formToken(`/quan-tri/to-cong-nghe/thon/${hamletId}`, cookie)
      .catch(async () => t.formToken('/to-cong-nghe/', cookie));
    const body = await formData({ _csrf: page.csrf }, [{ name: 'csv', filename: 'ho.csv', content: csv }]);
    return t.app.inject({
      method: 'POST',
      url: `/quan-tri/to-cong-nghe/thon/${hamletId}/nhap`,
      headers: { cookie: page.cookie, accept: 'text/html', ...body.headers },
      payload: body.payload,
    });
  }

  before(async () => {
    t = await createTestApp();
    teams = await setUpTeams(t);
    await t.user('admin_b', 'admin', t.places.b.code);
    await t.user('admin_province', 'admin', '20');
  });
  after(() => t.close());

  it('when the admin of A opens the teams page, then each hamlet shows its leader and members; the admin of B is refused', async () => {
    const cookie = await t.signIn('admin_a');
    const res = await t.app.inject({ method: 'GET', url: '/quan-tri/to-cong-nghe', headers: { cookie } });
    assert.equal(res.statusCode, 200);
    assert.match(res.body, /Thôn Khuổi Tào/);
    assert.match(res.body, /leader_a1/);
    const other = await t.signIn('admin_b');
    const refused = await t.app.inject({
      method: 'GET',
      url: `/quan-tri/to-cong-nghe?xa=${t.places.a.code}`,
      headers: { cookie: other },
    });
    assert.equal(refused.statusCode, 403);
  });

  it('when the admin adds a member to A2, then the new account signs in and its kit syncs A2', async () => {
    const cookie = await t.signIn('admin_a');
    const page = await t.formToken(`/quan-tri/to-cong-nghe/thon/${teams.a2.id}`, cookie);
    const res = await t.app.inject({
      method: 'POST',
      url: `/quan-tri/to-cong-nghe/thon/${teams.a2.id}/thanh-vien`,
      headers: { cookie: page.cookie },
      payload: {
        _csrf: page.csrf,
        displayName: 'Vi Thị Thanh',
        username: 'thanh.na-pan',
        password: 'correct horse battery',
      },
    });
    assert.equal(res.statusCode, 303, res.body);
    const pulled = await kitOf(t, await t.token('thanh.na-pan')).pull();
    assert.deepEqual(
      pulled.hamlets.map((h) => h.id),
      [teams.a2.id],
    );
    const short = await t.app.inject({
      method: 'POST',
      url: `/quan-tri/to-cong-nghe/thon/${teams.a2.id}/thanh-vien`,
      headers: { cookie: page.cookie },
      payload: { _csrf: page.csrf, displayName: 'X', username: 'x1', password: 'ngan' },
    });
    assert.equal(short.statusCode, 400);
    assert.match(short.body, /Mật khẩu cần ít nhất 10 ký tự\./);
  });

  it('when the leader imports the register, then the households are added once; a second import adds nothing', async () => {
    const res = await upload('leader_a1', teams.a1.id, CSV);
    assert.equal(res.statusCode, 303, res.body);
    assert.match(res.headers.location as string, /added=3&present=0/);
    const rows = await q<{
      head_name: string | null;
      phones: string[];
      consent: boolean;
      lat: number | null;
    }>(
      `select head_name, phones, consent, lat from fieldkit_households where hamlet_id = ${teams.a1.id} order by members desc`,
    );
    assert.deepEqual(rows, [
      { head_name: 'Hoàng Văn Páo', phones: ['0912345678'], consent: true, lat: 21.8537 },
      { head_name: null, phones: [], consent: false, lat: null },
      { head_name: 'Lý Thị Mai', phones: ['0987654321', '0356111222'], consent: true, lat: null },
    ]);
    const again = await upload('leader_a1', teams.a1.id, CSV);
    assert.match(again.headers.location as string, /added=0&present=3/);
    const pulled = await kitOf(t, await t.token('member_a1')).pullAll();
    assert.equal(pulled.households.length, 3, 'the imported households reach the kits');
  });

  it('when the file has mistakes, then nothing is added and each is named by line and column in Vietnamese', async () => {
    const bad = [
      'chu_ho;so_nguoi;dien_thoai;dia_chi;vi_do;kinh_do;dong_y',
      'Nông Văn A;0;;Bản Trên;;;có',
      'Nông Văn B;3;0123;Bản Trên;;;có',
      'Nông Văn C;3;;Bản Trên;;;chưa hỏi',
    ].join('\n');
    const res = await upload('leader_a1', teams.a1.id, bad);
    assert.equal(res.statusCode, 400);
    assert.match(res.body, /Dòng 4, cột &quot;dong_y&quot;: Ghi &quot;có&quot; hoặc &quot;không&quot;/);
    const after = await upload(
      'leader_a1',
      teams.a1.id,
      bad.replace('chưa hỏi', 'không').replace('Nông Văn C', ''),
    );
    assert.equal(after.statusCode, 400);
    assert.match(after.body, /Dòng 2, cột &quot;so_nguoi&quot;: Phải từ 1 trở lên\./);
    assert.match(after.body, /Dòng 3, cột &quot;dien_thoai&quot;: Số điện thoại di động không hợp lệ/);
    const [n] = await q<{ n: number }>(
      `select count(*)::int as n from fieldkit_households where address = 'Bản Trên'`,
    );
    assert.equal(n?.n, 0);
  });

  it('when a member, or the leader of A1 for A2, imports, then it is refused and nothing is added', async () => {
    const member = await upload('member_a1', teams.a1.id, CSV.replace(/Xóm/g, 'Khu'));
    assert.equal(member.statusCode, 403);
    const leader = await upload('leader_a1', teams.a2.id, CSV);
    assert.equal(leader.statusCode, 403);
    const [n] = await q<{ n: number }>(
      `select count(*)::int as n from fieldkit_households where hamlet_id = ${teams.a2.id}`,
    );
    assert.equal(n?.n, 0);
  });

  it('when the province admin adds a checklist item and relabels one, then new visit forms use it and the old version stays', async () => {
    const cookie = await t.signIn('admin_province');
    const form = await t.app.inject({
      method: 'GET',
      url: '/quan-tri/to-cong-nghe/bang-kiem?tinh=20',
      headers: { cookie },
    });
    assert.equal(form.statusCode, 200);
    const before = await q<{ id: number }>('select id from fieldkit_checklists order by id');
    const fields: Record<string, string> = {};
    for (const m of form.body.matchAll(/name="(i\d+_(?:id|type|vi|en))"[^>]*value="([^"]*)"/g)) {
      fields[m[1] as string] = (m[2] as string).replace(/&amp;/g, '&');
    }
    for (const m of form.body.matchAll(/name="(i\d+_options)"[^>]*>([^<]*)</g))
      fields[m[1] as string] = m[2] as string;
    fields.i0_vi = 'Gia đình có điện thoại thông minh';
    fields.i7_id = 'internet';
    fields.i7_type = 'yesno';
    fields.i7_vi = 'Nhà có internet cáp quang';
    const page = await t.formToken('/quan-tri/to-cong-nghe/bang-kiem?tinh=20', cookie);
    const res = await t.app.inject({
      method: 'POST',
      url: '/quan-tri/to-cong-nghe/bang-kiem?tinh=20',
      headers: { cookie: page.cookie },
      payload: { _csrf: page.csrf, ...fields },
    });
    assert.equal(res.statusCode, 303, res.body);
    const after = await q<{ id: number; items: { id: string; label: { vi: string } }[] }>(
      'select id, items from fieldkit_checklists order by id',
    );
    assert.equal(after.length, before.length + 1);
    const latest = after.at(-1);
    assert.equal(
      latest?.items.find((i) => i.id === 'smartphone')?.label.vi,
      'Gia đình có điện thoại thông minh',
    );
    assert.ok(latest?.items.some((i) => i.id === 'internet'));

    const member = await t.signIn('member_a1');
    const [h] = await q<{ id: string }>(
      `select id from fieldkit_households where hamlet_id = ${teams.a1.id} limit 1`,
    );
    const visit = await t.app.inject({
      method: 'GET',
      url: `/to-cong-nghe/ho/${h?.id}/tham`,
      headers: { cookie: member },
    });
    assert.match(visit.body, /Nhà có internet cáp quang/);
    assert.match(visit.body, new RegExp(`name="checklistId" value="${latest?.id}"`));
  });

  it('when a core item is removed or a commune admin edits, then the checklist is refused', async () => {
    const cookie = await t.signIn('admin_province');
    const page = await t.formToken('/quan-tri/to-cong-nghe/bang-kiem?tinh=20', cookie);
    const res = await t.app.inject({
      method: 'POST',
      url: '/quan-tri/to-cong-nghe/bang-kiem?tinh=20',
      headers: { cookie: page.cookie },
      payload: { _csrf: page.csrf, i0_id: 'notes', i0_type: 'text', i0_vi: 'Ghi chú' },
    });
    assert.equal(res.statusCode, 400);
    assert.match(res.body, /Mục &quot;smartphone&quot; là chỉ tiêu bắt buộc/);
    const commune = await t.signIn('admin_a');
    const cp = await t.formToken('/quan-tri/to-cong-nghe/bang-kiem?tinh=20', commune);
    const refused = await t.app.inject({
      method: 'POST',
      url: '/quan-tri/to-cong-nghe/bang-kiem?tinh=20',
      headers: { cookie: cp.cookie, accept: 'text/html' },
      payload: { _csrf: cp.csrf, i0_id: 'smartphone', i0_type: 'yesno', i0_vi: 'X' },
    });
    assert.equal(refused.statusCode, 403);
  });

  it('when a hamlet’s register holds 1,500 households, then an import or a new household beyond it is refused and nothing is added', async () => {
    const a3 = await addVillageUnchecked(t.platform.database.db, t.places.a, {
      type: 'thôn',
      name: 'Nà Lầu',
    });
    await t.user('leader_a3', LEADER, a3.code);
    const header = 'chu_ho,so_nguoi,dien_thoai,dia_chi,vi_do,kinh_do,dong_y';
    const rows = Array.from(
      { length: 1499 },
      (_, i) => `Hộ số ${i + 1},3,,Xóm ${1 + (i % 9)} nhà ${i + 1},,,có`,
    );
    const full = await upload('admin_a', a3.id, [header, ...rows].join('\n'));
    assert.equal(full.statusCode, 303, full.body.slice(0, 2000));
    const over = await upload(
      'admin_a',
      a3.id,
      [header, 'Hộ thêm một,2,,Cuối bản,,,có', 'Hộ thêm hai,2,,Cuối bản,,,có'].join('\n'),
    );
    assert.equal(over.statusCode, 409);
    assert.match(over.body, /Mỗi thôn, bản ghi tối đa 1500 hộ; thôn đã có 1499, tệp thêm 2\./);
    // The last place through the kit, then no more.
    const kit = kitOf(t, await t.token('leader_a3'));
    const create = () =>
      cmd('household.create', {
        id: crypto.randomUUID(),
        hamletId: a3.id,
        fields: householdFields({ address: `Cuối bản, nhà ${crypto.randomUUID().slice(0, 4)}` }),
      });
    const [last, beyond] = await kit.push([create(), create()]);
    assert.equal(last?.status, 'applied', JSON.stringify(last));
    assert.equal(beyond?.status, 'rejected');
    assert.equal(beyond?.message?.vi, 'Mỗi thôn, bản ghi tối đa 1500 hộ.');
    const [n] = await q<{ n: number }>(
      `select count(*)::int as n from fieldkit_households where hamlet_id = ${a3.id}`,
    );
    assert.equal(n?.n, 1500);
  });
});
