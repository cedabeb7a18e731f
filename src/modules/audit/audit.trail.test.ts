import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { act, submitDossier } from '#modules/dossiers/index.ts';
import { COMMUNE_A, COMMUNE_B, createTestApp, type TestApp } from '#test/support/app.ts';
import {
  ctxFor,
  OUTPUT_APPLICANT,
  OUTPUT_PROCEDURE,
  type OutputSetup,
  type Staff,
  setupOutputs,
  staffOf,
} from '#test/support/outputs.ts';

/**
 * Issue 14, item 10: an audit log people can read. Names in words, display names, filters, CSV, and
 * a commune admin who sees the commune's sign-ins and dossier steps (and nothing of another commune).
 */
describe('the audit log as officials read it', () => {
  let t: TestApp;
  let s: OutputSetup;
  let deskB: Staff;
  let codeA: string;
  let codeB: string;
  let cookieA: string;
  let cookieB: string;
  let cookieP: string;
  const NOW = new Date('2026-11-23T02:00:00Z');

  const page = async (cookie: string, query = '') =>
    t.app.inject({ method: 'GET', url: `/quan-tri/nhat-ky${query}`, headers: { cookie } });

  async function file(unitCode: string) {
    const pdf = Buffer.from(
      '%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n',
      'latin1',
    );
    const toKhai = await t.platform.files.save(Readable.from([pdf]), { originalName: 'to-khai.pdf' });
    const { dossier } = await submitDossier(ctxFor(t, { kind: 'anonymous' }), s.deps, {
      procedureCode: OUTPUT_PROCEDURE.code,
      unitCode,
      applicant: OUTPUT_APPLICANT,
      form: { mucDich: 'Xin việc', tinhTrang: 'docThan' },
      files: [{ documentId: 'toKhai', fileId: toKhai.id }],
    });
    return dossier.code;
  }

  before(async () => {
    t = await createTestApp({ clock: { now: () => NOW } });
    s = await setupOutputs(t);
    deskB = await staffOf(t, 'out_desk_b', 'receptionist', COMMUNE_B);
    await t.user('admin_a', 'admin', COMMUNE_A);
    await t.user('admin_b', 'admin', COMMUNE_B);
    await t.platform.database.query(
      "update users set display_name = 'Nguyễn Thị Lan' where username = 'out_desk'",
    );
    await t.platform.database.query(
      "update users set display_name = 'Hoàng Văn Pá' where username = 'out_desk_b'",
    );
    // The desks sign in (recorded at their commune), then receive a dossier each.
    await t.signIn('out_desk');
    await t.signIn('out_desk_b');
    codeA = await file(COMMUNE_A);
    codeB = await file(COMMUNE_B);
    await act(s.desk.ctx, s.deps, codeA, { type: 'receive' });
    await act(deskB.ctx, s.deps, codeB, { type: 'receive' });
    cookieA = await t.signIn('admin_a');
    cookieB = await t.signIn('admin_b');
    cookieP = await t.signIn('out_admin');
  });
  after(() => t.close());

  it('when a staff member signs in, then the entry carries their display name and the place of their grant', async () => {
    const rows = await t.platform.database.query<{ actor_name: string; place_path: string }>(
      "select actor_name, place_path from audit_log where action = 'identity.signin' and actor_label = 'out_desk'",
    );
    assert.deepEqual(rows, [{ actor_name: 'Nguyễn Thị Lan', place_path: t.places.a.path }]);
  });

  it('when the API is read, then the old fields keep their shape and the new ones are added', async () => {
    const res = await t.app.inject({
      url: '/api/v1/audit',
      headers: { authorization: `Bearer ${await t.token('admin_a')}` },
    });
    assert.equal(res.statusCode, 200);
    const signin = res
      .json()
      .items.find(
        (i: { action: string; actor: string }) => i.action === 'identity.signin' && i.actor === 'out_desk',
      );
    assert.deepEqual(Object.keys(signin).slice(0, 8), [
      'id',
      'at',
      'actor',
      'action',
      'targetType',
      'targetId',
      'placeId',
      'ip',
    ]);
    assert.equal(typeof signin.id, 'number');
    assert.equal(signin.at, new Date(signin.at).toISOString());
    assert.equal(signin.targetType, 'user');
    assert.equal(signin.placeId, t.places.a.id);
    assert.equal(signin.actorName, 'Nguyễn Thị Lan');
    assert.deepEqual(signin.actionLabel, { vi: 'Đăng nhập', en: 'Signed in' });
    assert.deepEqual(signin.targetLabel, {
      vi: `tài khoản #${signin.targetId}`,
      en: `account #${signin.targetId}`,
    });
    assert.equal(signin.placePath, t.places.a.path);
    const older = await t.app.inject({
      url: `/api/v1/audit?before=${signin.id}`,
      headers: { authorization: `Bearer ${await t.token('admin_a')}` },
    });
    assert.ok(older.json().items.every((i: { id: number }) => i.id < signin.id));
  });

  it('when commune A’s admin opens the log, then A’s sign-ins and dossier steps read in words, and nothing of B', async () => {
    const res = await page(cookieA);
    assert.equal(res.statusCode, 200);
    assert.match(res.body, /<td>Nguyễn Thị Lan<\/td><td data-action="identity\.signin">Đăng nhập<\/td>/);
    assert.match(res.body, /data-action="dossier:receive">Tiếp nhận hồ sơ</);
    assert.match(res.body, /data-action="dossier:submit">Nộp hồ sơ</);
    assert.ok(res.body.includes(`hồ sơ ${codeA}`), 'the dossier named by its code');
    assert.match(res.body, /<td>09:00:00 23\/11\/2026<\/td>/, 'dd/mm/yyyy at Vietnam time');
    // Nothing of commune B: not its desk, not its dossier.
    assert.ok(!res.body.includes(codeB));
    assert.doesNotMatch(res.body, /Hoàng Văn Pá|out_desk_b/);
    // No raw keys as text.
    assert.doesNotMatch(res.body, />identity\.signin</);
    assert.doesNotMatch(res.body, /user#\d/);

    const b = await page(cookieB);
    assert.ok(b.body.includes(codeB));
    assert.ok(!b.body.includes(codeA));
    assert.match(b.body, /Hoàng Văn Pá/);
    assert.doesNotMatch(b.body, /Nguyễn Thị Lan/);

    const p = await page(cookieP);
    assert.ok(p.body.includes(codeA) && p.body.includes(codeB), 'the province admin sees both');
  });

  it('when the page is asked in English, then the actions read in English', async () => {
    const res = await page(cookieA, '?lang=en');
    assert.match(res.body, />Signed in</);
    assert.match(res.body, />Dossier received</);
  });

  it('when filtered by person (without diacritics), action or place, then only matching rows appear', async () => {
    const lan = await page(cookieP, '?nguoi=nguyen+thi+lan');
    assert.equal(lan.statusCode, 200);
    assert.match(lan.body, /Nguyễn Thị Lan/);
    assert.doesNotMatch(lan.body, /Hoàng Văn Pá|<td>admin_a<\/td>/);

    const receive = await page(cookieP, '?viec=dossier%3Areceive');
    const actions = [...receive.body.matchAll(/data-action="([^"]+)"/g)].map((m) => m[1]);
    assert.deepEqual([...new Set(actions)], ['dossier:receive']);
    assert.equal(actions.length, 2);

    const signins = await page(cookieP, '?viec=identity.signin');
    assert.deepEqual(
      [...new Set([...signins.body.matchAll(/data-action="([^"]+)"/g)].map((m) => m[1]))],
      ['identity.signin'],
    );

    const onlyB = await page(cookieP, `?noi=${COMMUNE_B}`);
    assert.ok(onlyB.body.includes(codeB));
    assert.ok(!onlyB.body.includes(codeA));
    assert.doesNotMatch(onlyB.body, /Nguyễn Thị Lan/);
  });

  it('when filtered by days, then dd/mm/yyyy and ISO give the same rows, bounded by Vietnam’s midnight', async () => {
    // Two entries either side of midnight in Vietnam on 22→23/11/2026, written as the log would.
    for (const [at, who] of [
      ['2026-11-22T16:59:00Z', 'truoc_nua_dem'],
      ['2026-11-22T17:01:00Z', 'sau_nua_dem'],
    ])
      await t.platform.database.query(
        `insert into audit_log (at, actor_label, action, place_id, place_path)
         values ($1, $2, 'places.village.add', $3, $4)`,
        [at, who, t.places.a.id, t.places.a.path],
      );
    const vi = await page(cookieA, '?tu=23/11/2026&den=23/11/2026');
    const iso = await page(cookieA, '?tu=2026-11-23&den=2026-11-23');
    assert.equal(vi.statusCode, 200);
    assert.match(vi.body, /sau_nua_dem/);
    assert.doesNotMatch(vi.body, /truoc_nua_dem/);
    assert.ok(vi.body.includes(codeA), 'the dossier steps of that day');
    const rows = (body: string) => [...body.matchAll(/<tr><td>[^<]+<\/td><td>[^<]*<\/td>/g)].map((m) => m[0]);
    assert.deepEqual(rows(iso.body), rows(vi.body));
    assert.match(iso.body, /name="tu" type="text" value="23\/11\/2026"/, 'the day shown as people write it');
    const before = await page(cookieA, '?den=22/11/2026');
    assert.match(before.body, /truoc_nua_dem/);
    assert.doesNotMatch(before.body, /sau_nua_dem/);
    assert.ok(!before.body.includes(codeA));
  });

  it('when a filter is wrong, then the page answers 400 with the field named in Vietnamese, and in English on request', async () => {
    const cases: [string, string, RegExp][] = [
      ['?tu=31/02/2026', 'tu', /Ngày không hợp lệ: viết theo dạng ngày\/tháng\/năm/],
      ['?tu=hôm+qua', 'tu', /Ngày không hợp lệ/],
      ['?tu=24/11/2026&den=23/11/2026', 'den', /Ngày cuối phải sau ngày đầu/],
      ['?viec=drop+table', 'viec', /Vui lòng chọn một việc trong danh sách/],
      [`?noi=${COMMUNE_B}`, 'noi', /Không có địa bàn này trong phạm vi bạn quản trị/],
      ['?noi=99999', 'noi', /Không có địa bàn này/],
      ['?trang=abc', 'trang', /Trang không hợp lệ/],
    ];
    for (const [query, field, message] of cases) {
      const res = await page(cookieA, query);
      assert.equal(res.statusCode, 400, query);
      assert.match(res.body, message, query);
      assert.match(res.body, new RegExp(`href="#f-${field}"`), query);
    }
    const en = await page(cookieA, '?tu=31/02/2026&lang=en');
    assert.equal(en.statusCode, 400);
    assert.match(en.body, /Not a valid date: write it as day\/month\/year/);
    const kept = await page(cookieA, '?tu=31/02/2026&nguoi=Lan');
    assert.match(kept.body, /name="nguoi" type="text" value="Lan"/, 'the answers are kept');
    const csv = await t.app.inject({
      url: '/quan-tri/nhat-ky.csv?tu=31/02/2026',
      headers: { cookie: cookieA },
    });
    assert.equal(csv.statusCode, 400);
  });

  it('when there are more than a page of rows, then the older pages follow without a gap or a repeat', async () => {
    for (let i = 0; i < 70; i++)
      await t.platform.database.query(
        `insert into audit_log (at, actor_label, action, target_type, target_id, place_id, place_path)
         values ($1, 'trang_thu', 'places.village.add', 'place', $2, $3, $4)`,
        // Several rows share an instant, and some share the dossier steps' instant.
        [
          new Date(NOW.getTime() - Math.floor(i / 3) * 1000).toISOString(),
          String(1000 + i),
          t.places.a.id,
          t.places.a.path,
        ],
      );
    const seen: string[] = [];
    let url = '';
    for (let n = 0; n < 10; n++) {
      const res = await page(cookieA, url);
      assert.equal(res.statusCode, 200);
      seen.push(
        ...[...res.body.matchAll(/<tr key|<td>địa bàn #(\d+)<\/td>|hồ sơ ([^<"]+)</g)].map(
          (m) => m[1] ?? m[2] ?? '',
        ),
      );
      const next = /href="\/quan-tri\/nhat-ky(\?[^"]*trang=[^"]+)" rel="next"/.exec(res.body);
      if (!next?.[1]) break;
      url = next[1].replaceAll('&amp;', '&');
    }
    const places = seen.filter((x) => /^\d+$/.test(x));
    assert.equal(places.length, 70);
    assert.equal(new Set(places).size, 70);
  });

  it('when the filtered rows are exported, then the CSV is UTF-8 with a BOM, ISO times and only those rows', async () => {
    const res = await t.app.inject({
      url: '/quan-tri/nhat-ky.csv?viec=dossier:receive',
      headers: { cookie: cookieA },
    });
    assert.equal(res.statusCode, 200);
    assert.match(String(res.headers['content-type']), /^text\/csv; charset=utf-8/);
    const lines = res.body.split('\r\n').filter(Boolean);
    assert.equal(
      lines[0],
      '\uFEFFthoi_diem,nguoi_lam,tai_khoan,viec,ma_viec,doi_tuong,dia_ban,duong_dan_dia_ban,ip',
    );
    assert.equal(lines.length, 2, 'one received dossier in commune A');
    assert.match(
      lines[1] ?? '',
      new RegExp(
        `^2026-11-23T02:00:00\\.000Z,out_desk,out_desk,Tiếp nhận hồ sơ,dossier:receive,hồ sơ ${codeA.replaceAll('.', '\\.')},`,
      ),
    );
    const link = await page(cookieA, '?viec=dossier%3Areceive');
    assert.match(link.body, /href="\/quan-tri\/nhat-ky\.csv\?viec=dossier%3Areceive"/);
  });
});
