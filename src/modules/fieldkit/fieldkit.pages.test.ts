import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { brotliDecompressSync } from 'node:zlib';
import { cookiesOf, createTestApp, type TestApp } from '#test/support/app.ts';
import { checkBudget } from '#web/client-assets.ts';
import { PROTOCOL } from './fieldkit.schemas.ts';
import { setUpTeams, type Teams } from './fieldkit.test-support.ts';
import { KIT_PROTOCOL } from './kit-forms.ts';

describe('the kit’s pages without JavaScript', () => {
  let t: TestApp;
  let teams: Teams;
  let cookie = '';
  let householdId = '';
  const q = <T>(sql: string) => t.platform.database.query<T>(sql);

  async function post(url: string, form: string, payload: Record<string, string | string[]>, who = cookie) {
    const page = await t.formToken(form, who);
    return t.app.inject({
      method: 'POST',
      url,
      headers: { cookie: page.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams(
        Object.entries({ _csrf: page.csrf, ...payload }).flatMap(([k, v]) =>
          Array.isArray(v) ? v.map((x) => [k, x]) : [[k, v]],
        ),
      ).toString(),
    });
  }

  before(async () => {
    t = await createTestApp();
    teams = await setUpTeams(t);
    cookie = await t.signIn('member_a1');
  });
  after(() => t.close());

  it('when a member opens the kit, then the page lists their hamlet, links the installable app and its script', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/to-cong-nghe/', headers: { cookie } });
    assert.equal(res.statusCode, 200);
    assert.match(res.body, /<h1>Hộ gia đình<\/h1>/);
    assert.match(res.body, /<link rel="manifest" href="\/static\/c\/manifest-[^"]+\.webmanifest"/);
    assert.match(res.body, /<script type="module" src="\/static\/c\/kit\.[0-9a-f]{10}\.js"/);
    assert.match(res.body, /id="fk-status"/);
    assert.match(res.body, /Không có hộ nào/);
  });

  it('when a household is added through the form, then it is registered once even if the form is sent twice', async () => {
    const commandId = randomUUID();
    householdId = randomUUID();
    const payload = {
      commandId,
      householdId,
      hamletId: String(teams.a1.id),
      consent: 'on',
      headName: 'Lộc Văn Thắng',
      members: '4',
      phones: '0912 345 678, +84987654321',
      address: 'Xóm Trên, nhà thứ ba sau trường',
    };
    const first = await post('/to-cong-nghe/ho/moi', '/to-cong-nghe/ho/moi', payload);
    assert.equal(first.statusCode, 303, first.body);
    const second = await post('/to-cong-nghe/ho/moi', '/to-cong-nghe/ho/moi', payload);
    assert.equal(second.statusCode, 303);
    assert.equal(second.headers.location, first.headers.location);
    const rows = await q<{ id: string; phones: string[]; head_name: string }>(
      `select id, phones, head_name from fieldkit_households where head_name = 'Lộc Văn Thắng'`,
    );
    assert.equal(rows.length, 1);
    assert.deepEqual(rows[0]?.phones, ['0912345678', '0987654321']);
    const page = await t.app.inject({
      method: 'GET',
      url: first.headers.location as string,
      headers: { cookie },
    });
    assert.match(page.body, /Đã lưu\./);
    assert.match(page.body, /Xóm Trên, nhà thứ ba sau trường/);
  });

  it('when the form is wrong, then it comes back (400) with each problem named and what was typed kept', async () => {
    const res = await post('/to-cong-nghe/ho/moi', '/to-cong-nghe/ho/moi', {
      commandId: randomUUID(),
      hamletId: String(teams.a1.id),
      headName: 'Không Đồng Ý',
      members: '0',
      phones: '12345',
      address: 'Bản Dưới',
    });
    assert.equal(res.statusCode, 400);
    assert.match(res.body, /Phải từ 1 trở lên\./);
    assert.match(res.body, /Chỉ ghi thông tin này khi hộ đồng ý/);
    assert.match(res.body, /value="Bản Dưới"|>Bản Dưới</);
    const [n] = await q<{ n: number }>(
      `select count(*)::int as n from fieldkit_households where address = 'Bản Dưới'`,
    );
    assert.equal(n?.n, 0);
  });

  it('when the household is edited, then only the changed field is sent and applied', async () => {
    const form = await t.app.inject({
      method: 'GET',
      url: `/to-cong-nghe/ho/${householdId}/sua`,
      headers: { cookie },
    });
    assert.match(form.body, /name="base_members" value="4"/);
    const res = await post(`/to-cong-nghe/ho/${householdId}/sua`, `/to-cong-nghe/ho/${householdId}/sua`, {
      commandId: randomUUID(),
      baseVersion: '1',
      base_headName: 'Lộc Văn Thắng',
      base_members: '4',
      base_phones: '0912345678, 0987654321',
      base_address: 'Xóm Trên, nhà thứ ba sau trường',
      base_consent: 'on',
      consent: 'on',
      headName: 'Lộc Văn Thắng',
      members: '6',
      phones: '0912345678, 0987654321',
      address: 'Xóm Trên, nhà thứ ba sau trường',
    });
    assert.equal(res.statusCode, 303, res.body);
    const [row] = await q<{ members: number; version: number }>(
      `select members, version from fieldkit_households where id = '${householdId}'`,
    );
    assert.deepEqual(row, { members: 6, version: 2 });
    const [audit] = await q<{ details: { fields: string[] } }>(
      `select details from audit_log where action = 'fieldkit.household.update' and target_id = '${householdId}'`,
    );
    assert.deepEqual(audit?.details.fields, ['members']);
  });

  it('when a visit is recorded through the checklist, then it is kept with its times and answers', async () => {
    const form = await t.app.inject({
      method: 'GET',
      url: `/to-cong-nghe/ho/${householdId}/tham`,
      headers: { cookie },
    });
    assert.equal(form.statusCode, 200);
    assert.match(form.body, /Số người lớn có tài khoản VNeID mức 2/);
    const startedAt = /name="startedAt" value="([^"]+)"/.exec(form.body)?.[1];
    const checklistId = /name="checklistId" value="(\d+)"/.exec(form.body)?.[1];
    assert.ok(startedAt && checklistId);
    const tooMany = await post(
      `/to-cong-nghe/ho/${householdId}/tham`,
      `/to-cong-nghe/ho/${householdId}/tham`,
      {
        commandId: randomUUID(),
        startedAt,
        checklistId,
        a_smartphone: 'yes',
        a_vneid_adults: '9',
        a_cashless: 'no',
        a_public_service_account: 'yes',
      },
    );
    assert.equal(tooMany.statusCode, 400);
    assert.match(tooMany.body, /Không quá số người trong hộ \(6\)/);
    const ok = await post(`/to-cong-nghe/ho/${householdId}/tham`, `/to-cong-nghe/ho/${householdId}/tham`, {
      commandId: randomUUID(),
      startedAt,
      checklistId,
      a_smartphone: 'yes',
      a_vneid_adults: '2',
      a_cashless: 'no',
      a_public_service_account: 'yes',
      a_skills: ['vneid', 'safety'],
      a_notes: 'Cài VNeID cho con trai.',
    });
    assert.equal(ok.statusCode, 303, ok.body);
    const [v] = await q<{
      answers: Record<string, unknown>;
      smartphone: boolean;
      vneid_adults: number;
      member_name: string;
    }>(
      `select answers, smartphone, vneid_adults, member_name from fieldkit_visits where household_id = '${householdId}'`,
    );
    assert.equal(v?.smartphone, true);
    assert.equal(v?.vneid_adults, 2);
    assert.equal(v?.member_name, 'member_a1');
    assert.deepEqual(v?.answers.skills, ['vneid', 'safety']);
    const page = await t.app.inject({
      method: 'GET',
      url: ok.headers.location as string,
      headers: { cookie },
    });
    assert.match(page.body, /Đã ghi lần thăm\./);
  });

  it('when the leader removes a household, then it becomes a tombstone; a member finds no delete form', async () => {
    const memberPage = await t.app.inject({
      method: 'GET',
      url: `/to-cong-nghe/ho/${householdId}`,
      headers: { cookie },
    });
    assert.doesNotMatch(memberPage.body, /\/xoa"/);
    const leader = await t.signIn('leader_a1');
    const refused = await post(`/to-cong-nghe/ho/${householdId}/xoa`, `/to-cong-nghe/ho/${householdId}`, {
      baseVersion: '2',
      reason: 'moved',
    });
    assert.equal(refused.statusCode, 403);
    const res = await post(
      `/to-cong-nghe/ho/${householdId}/xoa`,
      `/to-cong-nghe/ho/${householdId}`,
      { baseVersion: '2', reason: 'moved' },
      leader,
    );
    assert.equal(res.statusCode, 303);
    const [row] = await q<{ deleted_at: string | null; head_name: string | null; phones: string[] }>(
      `select deleted_at, head_name, phones from fieldkit_households where id = '${householdId}'`,
    );
    assert.ok(row?.deleted_at);
    assert.equal(row?.head_name, null);
    assert.deepEqual(row?.phones, []);
  });

  it('when the kit’s files are fetched, then the script is hashed and cached for good, the worker is revalidated, and the first load fits in 100 KB', async () => {
    const list = await t.app.inject({ method: 'GET', url: '/to-cong-nghe/', headers: { cookie } });
    const script = /src="(\/static\/c\/kit\.[0-9a-f]+\.js)"/.exec(list.body)?.[1] ?? '';
    const style = /href="(\/static\/c\/kit\.[0-9a-f]+\.css)"/.exec(list.body)?.[1] ?? '';
    const manifestUrl = /rel="manifest" href="([^"]+)"/.exec(list.body)?.[1] ?? '';
    const js = await t.app.inject({ method: 'GET', url: script, headers: { 'accept-encoding': 'br, gzip' } });
    assert.equal(js.statusCode, 200);
    assert.equal(js.headers['content-encoding'], 'br');
    assert.equal(js.headers['cache-control'], 'public, max-age=31536000, immutable');
    assert.match(brotliDecompressSync(js.rawPayload).toString('utf8'), /fk-config/);
    const sw = await t.app.inject({
      method: 'GET',
      url: '/to-cong-nghe/sw.js',
      headers: { 'accept-encoding': 'gzip' },
    });
    assert.equal(sw.statusCode, 200);
    assert.equal(sw.headers['cache-control'], 'no-cache');
    assert.equal(sw.headers['content-encoding'], 'gzip');
    const manifest = await t.app.inject({ method: 'GET', url: manifestUrl });
    const m = JSON.parse(manifest.body);
    assert.equal(m.start_url, '/to-cong-nghe/');
    assert.equal(m.display, 'standalone');
    assert.deepEqual(
      m.icons.map((i: { sizes: string }) => i.sizes),
      ['192x192', '512x512'],
    );
    const shell = await t.app.inject({
      method: 'GET',
      url: '/to-cong-nghe/ung-dung',
      headers: { cookie, 'accept-encoding': 'br' },
    });
    const css = await t.app.inject({ method: 'GET', url: style, headers: { 'accept-encoding': 'br' } });
    const icon = await t.app.inject({ method: 'GET', url: m.icons[0].src });
    const report = checkBudget(
      [
        { label: 'shell', bytes: shell.rawPayload.length },
        { label: 'kit script', bytes: js.rawPayload.length },
        { label: 'kit style', bytes: css.rawPayload.length },
        { label: 'manifest', bytes: manifest.rawPayload.length },
        { label: 'icon', bytes: icon.rawPayload.length },
        { label: 'service worker (gzip)', bytes: sw.rawPayload.length },
      ],
      100 * 1024,
    );
    console.log(`kit first load (in process, brotli):\n${report.text}`);
    assert.ok(report.ok, report.text);
  });

  it('when the kit and the server speak of the protocol, then they agree on its version', () => {
    assert.equal(KIT_PROTOCOL, PROTOCOL);
  });

  it('when a member is signed in, then the session endpoint gives the kit its CSRF token, and a push without it is refused', async () => {
    const s = await t.app.inject({ method: 'GET', url: '/to-cong-nghe/dong-bo/phien', headers: { cookie } });
    assert.equal(s.statusCode, 200);
    const { csrf, name } = s.json();
    assert.equal(name, 'member_a1');
    const jar = cookiesOf(s, cookie);
    const body = { clientId: randomUUID(), appVersion: 't', commands: [] };
    const without = await t.app.inject({
      method: 'POST',
      url: '/to-cong-nghe/dong-bo/gui',
      headers: { cookie: jar },
      payload: body,
    });
    assert.equal(without.statusCode, 403);
    const withToken = await t.app.inject({
      method: 'POST',
      url: '/to-cong-nghe/dong-bo/gui',
      headers: { cookie: jar, 'x-csrf-token': csrf },
      payload: body,
    });
    assert.equal(withToken.statusCode, 200, withToken.body);
  });
});
