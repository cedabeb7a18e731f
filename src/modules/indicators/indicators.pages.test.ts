import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fixedClock } from '#platform/clock.ts';
import { COMMUNE_A, COMMUNE_B, createTestApp, PROVINCE, type TestApp } from '#test/support/app.ts';
import { importModel, STARTER_MODEL, saveEntry, stepReport } from './index.ts';
import {
  collected,
  decideDossier,
  fileDossier,
  type MovableClock,
  setupTree,
  type Tree,
} from './indicators.test-support.ts';

/**
 * The pages as a person without JavaScript gets them: server-rendered HTML, GET forms for the
 * table, POST/redirect/GET for typing and approving, files to download. November 2026:
 * A received 2 (1 online), B received 1 (online); A typed LUOT_HUONG_DAN_DVC 25 (approved), B 10 (not).
 */
describe('indicator pages without JavaScript', () => {
  let t: TestApp;
  let clock: MovableClock;
  let tree: Tree;
  let cookie: string;
  const qs = `place=${PROVINCE}&from=202611&to=202612&items=TL_HS_TRUC_TUYEN&items=HS_NHAN`;

  before(async () => {
    clock = fixedClock(new Date('2026-11-02T02:00:00Z'));
    t = await createTestApp({ clock });
    tree = await setupTree(t, 'pg');
    await importModel(tree.province.ctx, STARTER_MODEL);
    const a1 = await fileDossier(t, clock, tree, 'a', 2, '2026-11-03T09:00');
    await decideDossier(t, clock, tree, 'a', a1, '2026-11-04T09:00');
    await fileDossier(t, clock, tree, 'a', 1, '2026-11-05T09:00');
    await fileDossier(t, clock, tree, 'b', 2, '2026-11-06T09:00');
    await collected(t);
    clock.set(new Date('2026-12-02T02:00:00Z'));
    await saveEntry(tree.specialist.a.ctx, 'BC_THANG_XA', COMMUNE_A, '202611', {
      v_LUOT_HUONG_DAN_DVC: '25',
      [`v_HGD_TONG__@${tree.villages.a1.code}`]: '100',
      [`v_HGD_SMARTPHONE__@${tree.villages.a1.code}`]: '70',
    });
    await saveEntry(tree.specialist.b.ctx, 'BC_THANG_XA', COMMUNE_B, '202611', {
      v_LUOT_HUONG_DAN_DVC: '10',
      [`v_HGD_TONG__@${tree.villages.b1.code}`]: '50',
      [`v_HGD_SMARTPHONE__@${tree.villages.b1.code}`]: '10',
    });
    await stepReport(tree.approver.a.ctx, 'BC_THANG_XA', COMMUNE_A, '202611', { action: 'submit' });
    await stepReport(tree.province.ctx, 'BC_THANG_XA', COMMUNE_A, '202611', { action: 'approve' });
    cookie = await t.signIn('pg_prov_admin');
  });
  after(() => t.close());

  it('when the province opens the table, then places × periods, totals, sort links and SVG charts come as HTML without script', async () => {
    const res = await t.app.inject({
      url: `/quan-tri/chi-so/bang?${qs}&sort=HS_NHAN@202611&dir=desc`,
      headers: { cookie },
    });
    assert.equal(res.statusCode, 200);
    assert.doesNotMatch(res.body, /<script/);
    assert.match(res.body, /<svg[^>]+role="img"/);
    const rows = [
      ...res.body.matchAll(/<tr><th scope="row">(?:<a [^>]+>)?([^<]+)(?:<\/a>)?<\/th>(.*?)<\/tr>/g),
    ].map((m) => [m[1], [...(m[2] ?? '').matchAll(/<td class="num"[^>]*>([^<]*)/g)].map((c) => c[1])]);
    // Sorted by received in November, most first; Lộc Bình has nothing; the total last.
    assert.deepEqual(rows, [
      ['Xã Mẫu Sơn', ['50,0', '—', '2', '—']],
      ['Xã Đồng Đăng', ['100,0', '—', '1', '—']],
      ['Xã Lộc Bình', ['—', '—', '—', '—']],
      ['Tổng Tỉnh Lạng Sơn', ['66,7', '—', '3', '—']],
    ]);
    // Sorted descending now: the column's link sorts ascending (the default, so no `dir`).
    assert.match(
      res.body,
      /href="\/quan-tri\/chi-so\/bang\?[^"]*sort=HS_NHAN%40202611" title="xếp tăng dần"/,
    );
    const filtered = await t.app.inject({
      url: `/quan-tri/chi-so/bang?${qs}&q=dong dang`,
      headers: { cookie },
    });
    assert.match(filtered.body, /Xã Đồng Đăng/);
    assert.doesNotMatch(filtered.body, /Xã Mẫu Sơn<\/a>/);
    const bad = await t.app.inject({
      url: `/quan-tri/chi-so/bang?place=${PROVINCE}&from=2026Q4&to=202612&items=HS_NHAN`,
      headers: { cookie },
    });
    assert.equal(bad.statusCode, 400);
    assert.match(bad.body, /Hai kỳ phải cùng loại/);
  });

  it('when the CSV and the spreadsheet are downloaded, then both hold the table (the .xlsx read by Python, not by the library that wrote it)', async () => {
    const csv = await t.app.inject({ url: `/quan-tri/chi-so/bang.csv?${qs}`, headers: { cookie } });
    assert.equal(csv.statusCode, 200);
    assert.match(String(csv.headers['content-type']), /text\/csv/);
    assert.match(csv.body, /^\uFEFFma_dia_ban,dia_ban,ky,ten_ky,ma_chi_so,chi_so,gia_tri\r\n/);
    assert.match(
      csv.body,
      new RegExp(
        `${COMMUNE_A},Xã Mẫu Sơn,202611,Tháng 11/2026,TL_HS_TRUC_TUYEN,Tỷ lệ hồ sơ tiếp nhận trực tuyến,50\\r\\n`,
      ),
    );
    assert.match(csv.body, /20,Tổng: Tỉnh Lạng Sơn,202611,Tháng 11\/2026,HS_NHAN,Hồ sơ tiếp nhận,3\r\n/);
    const xlsx = await t.app.inject({ url: `/quan-tri/chi-so/bang.xlsx?${qs}&lang=en`, headers: { cookie } });
    assert.equal(xlsx.statusCode, 200);
    assert.match(String(xlsx.headers['content-type']), /spreadsheetml/);
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'xlsx-')), 'bang.xlsx');
    fs.writeFileSync(file, xlsx.rawPayload);
    const script = `
import sys, zipfile, re
z = zipfile.ZipFile(sys.argv[1])
strings = re.findall(r'<t[^>]*>([^<]*)</t>', z.read('xl/sharedStrings.xml').decode())
sheet = z.read('xl/worksheets/sheet1.xml').decode()
for row in re.findall(r'<row[^>]*>(.*?)</row>', sheet):
    out = []
    for attrs, body in re.findall(r'<c([^>]*)>(.*?)</c>', row):
        v = re.search(r'<v>([^<]*)</v>', body)
        if v is None: out.append(''); continue
        out.append(strings[int(v.group(1))] if 't="s"' in attrs else v.group(1))
    print('|'.join(out))`;
    const rows = execFileSync('python3', ['-c', script, file], { encoding: 'utf8' }).trim().split('\n');
    assert.match(rows[0] ?? '', /^Code\|Place\|Share of dossiers received online \(%\)/);
    assert.ok(
      rows.includes(`${COMMUNE_A}|Xã Mẫu Sơn|50|||2|`) ||
        rows.some((r) => r.startsWith(`${COMMUNE_A}|Xã Mẫu Sơn|50|`)),
      rows.join('\n'),
    );
    assert.ok(
      rows.some((r) => r.startsWith('20|Total: Tỉnh Lạng Sơn|66.7|')),
      rows.join('\n'),
    );
  });

  it('when a commune officer types with an error, then the form comes back with the error and the typed values; fixed, it saves and redirects', async () => {
    const url = `/quan-tri/chi-so/nhap/BC_THANG_XA/${COMMUNE_B}/202611`;
    const officer = await t.signIn('pg_spec_b');
    // The form carries the values already typed; the browser sends them back with the rest.
    const households = {
      [`v_HGD_TONG__@${tree.villages.b1.code}`]: '50',
      [`v_HGD_SMARTPHONE__@${tree.villages.b1.code}`]: '10',
    };
    const page = await t.app.inject({ url, headers: { cookie: officer } });
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /Hạn nộp: 05\/12\/2026/);
    assert.doesNotMatch(page.body, /<script/);
    const { csrf, cookie: c } = await t.formToken(url, officer);
    const bad = await t.app.inject({
      method: 'POST',
      url,
      headers: { cookie: c },
      payload: { _csrf: csrf, v_LUOT_HUONG_DAN_DVC: 'mười', v_DAN_CHU_KY_SO: '40', ...households },
    });
    assert.equal(bad.statusCode, 400);
    assert.match(bad.body, /phải là một số nguyên/);
    assert.match(bad.body, /name="v_DAN_CHU_KY_SO"[^>]*value="40"/);
    const ok = await t.app.inject({
      method: 'POST',
      url,
      headers: { cookie: c },
      payload: { _csrf: csrf, v_LUOT_HUONG_DAN_DVC: '11', v_DAN_CHU_KY_SO: '40', ...households },
    });
    assert.equal(ok.statusCode, 303);
    const again = await t.app.inject({ url: ok.headers.location as string, headers: { cookie: officer } });
    assert.match(again.body, /name="v_LUOT_HUONG_DAN_DVC"[^>]*value="11"/);
    assert.match(again.body, /Đã lưu/);
  });

  it('when the commune sends and the province returns through the pages, then each step is a POST and a redirect', async () => {
    const url = `/quan-tri/chi-so/nhap/BC_THANG_XA/${COMMUNE_B}/202611`;
    const lead = await t.signIn('pg_lead_b');
    const form = await t.formToken(url, lead);
    const sent = await t.app.inject({
      method: 'POST',
      url: `${url}/buoc`,
      headers: { cookie: form.cookie },
      payload: { _csrf: form.csrf, action: 'submit' },
    });
    assert.equal(sent.statusCode, 303);
    const self = await t.app.inject({
      method: 'POST',
      url: `${url}/buoc`,
      headers: { cookie: form.cookie },
      payload: { _csrf: form.csrf, action: 'approve' },
    });
    assert.equal(self.statusCode, 403);
    const p = await t.formToken(url, cookie);
    const noReason = await t.app.inject({
      method: 'POST',
      url: `${url}/buoc`,
      headers: { cookie: p.cookie },
      payload: { _csrf: p.csrf, action: 'return' },
    });
    assert.equal(noReason.statusCode, 400);
    assert.match(noReason.body, /Vui lòng ghi lý do/);
    const back = await t.app.inject({
      method: 'POST',
      url: `${url}/buoc`,
      headers: { cookie: p.cookie },
      payload: { _csrf: p.csrf, action: 'return', comment: 'Thiếu số chữ ký số' },
    });
    assert.equal(back.statusCode, 303);
    const view = await t.app.inject({ url, headers: { cookie: lead } });
    assert.match(view.body, /bị trả lại/);
    assert.match(view.body, /Lý do: Thiếu số chữ ký số/);
    const report = await t.app.inject({
      url: `/quan-tri/chi-so/bao-cao/BC_THANG_XA/${PROVINCE}/202611`,
      headers: { cookie },
    });
    assert.equal(report.statusCode, 200);
    assert.match(report.body, /data-completeness="true">Đầy đủ: 2\/3/);
  });

  it('when anyone opens the public page, then only published indicators show, and typed values only once approved', async () => {
    const res = await t.app.inject({
      url: `/chi-so?place=${PROVINCE}&from=202611&to=202611&items=TL_HS_TRUC_TUYEN`,
    });
    assert.equal(res.statusCode, 200);
    assert.doesNotMatch(res.body, /<script/);
    assert.match(res.body, /Tỷ lệ hồ sơ tiếp nhận trực tuyến/);
    const unpublished = await t.app.inject({
      url: `/chi-so?place=${PROVINCE}&from=202611&to=202611&items=SO_NGAY_GQ_TB`,
    });
    assert.equal(unpublished.statusCode, 400);
    const csv = await t.app.inject({
      url: `/chi-so.csv?place=${PROVINCE}&from=202611&to=202611&items=TL_HS_TRUC_TUYEN`,
    });
    assert.match(csv.body, /20,Tổng: Tỉnh Lạng Sơn,202611,Tháng 11\/2026,TL_HS_TRUC_TUYEN,[^,]+,66\.7\r\n/);
    // A's report is approved, B's is not: the public sees A's households and not B's; staff see both.
    const smart = `place=${PROVINCE}&from=202611&to=202611&items=TL_HGD_SMARTPHONE`;
    const pub = await t.app.inject({ url: `/chi-so.csv?${smart}` });
    assert.match(pub.body, new RegExp(`${COMMUNE_A},Xã Mẫu Sơn,202611,[^,]+,TL_HGD_SMARTPHONE,[^,]+,70\r\n`));
    assert.match(pub.body, new RegExp(`${COMMUNE_B},Xã Đồng Đăng,202611,[^,]+,TL_HGD_SMARTPHONE,[^,]+,\r\n`));
    assert.match(pub.body, /20,Tổng: Tỉnh Lạng Sơn,202611,[^,]+,TL_HGD_SMARTPHONE,[^,]+,70\r\n/);
    const staff = await t.app.inject({ url: `/quan-tri/chi-so/bang.csv?${smart}`, headers: { cookie } });
    assert.match(staff.body, /20,Tổng: Tỉnh Lạng Sơn,202611,[^,]+,TL_HGD_SMARTPHONE,[^,]+,53\.3\r\n/);
    const staffOnly = await t.app.inject({ url: `/quan-tri/chi-so/bang.csv?${qs}` });
    assert.equal(staffOnly.statusCode, 401);
  });

  it('when a commune admin opens the model pages, then 403; the province admin edits a definition and downloads the JSON', async () => {
    await t.user('pg_admin_a', 'admin', COMMUNE_A);
    const commune = await t.app.inject({
      url: '/quan-tri/chi-so/mo-hinh',
      headers: { cookie: await t.signIn('pg_admin_a') },
    });
    assert.equal(commune.statusCode, 403);
    const list = await t.app.inject({ url: '/quan-tri/chi-so/mo-hinh', headers: { cookie } });
    assert.equal(list.statusCode, 200);
    assert.match(list.body, /HS_NHAN/);
    const url = '/quan-tri/chi-so/mo-hinh/chi-so/TL_HS_TRUC_TUYEN';
    const { csrf, cookie: c } = await t.formToken(url, cookie);
    const definition = JSON.stringify({ ...STARTER_MODEL.indicators[0], target: 60 });
    const stale = await t.app.inject({
      method: 'POST',
      url,
      headers: { cookie: c },
      payload: { _csrf: csrf, version: '0', definition },
    });
    assert.equal(stale.statusCode, 409);
    const saved = await t.app.inject({
      method: 'POST',
      url,
      headers: { cookie: c },
      payload: { _csrf: csrf, version: '1', definition },
    });
    assert.equal(saved.statusCode, 303);
    const json = await t.app.inject({ url: '/quan-tri/chi-so/mo-hinh.json', headers: { cookie } });
    assert.equal(json.statusCode, 200);
    assert.equal(
      json.json().indicators.find((i: { code: string }) => i.code === 'TL_HS_TRUC_TUYEN').target,
      60,
    );
    const hub = await t.app.inject({ url: '/quan-tri', headers: { cookie } });
    assert.match(hub.body, /href="\/quan-tri\/chi-so"/, 'a link on the staff home page');
  });
});
