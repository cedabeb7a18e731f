import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { fixedClock } from '#platform/clock.ts';
import { cookiesOf, createTestApp, type TestApp } from '#test/support/app.ts';
import {
  actApi,
  apiSubmit,
  citizenSession,
  created,
  multipart,
  outbox,
  pdfBytes,
  pngBytes,
  setupDossiers,
} from './dossiers.test-support.ts';

type Ids = Awaited<ReturnType<typeof setupDossiers>>['ids'];

describe('tracking a dossier and sending a supplement online', () => {
  let t: TestApp;
  let ids: Ids;
  let desk: string;
  let spec: string;
  const clock = fixedClock(new Date('2026-03-02T01:30:00Z'));
  let code = '';

  before(async () => {
    t = await createTestApp({ clock });
    ids = (await setupDossiers(t)).ids;
    desk = await t.token('desk_a');
    spec = await t.token('spec_a');
    code = created(await apiSubmit(t, { key: 'tracking-key-000000001' })).code;
    await actApi(t, desk, code, { type: 'receive' });
    await actApi(t, desk, code, { type: 'assign', assigneeId: ids.specialist });
    const r = await actApi(t, spec, code, {
      type: 'request_supplement',
      documents: ['giayChungSinh'],
      note: 'Ảnh giấy chứng sinh bị mờ, chụp lại rõ hơn',
    });
    assert.equal(r.statusCode, 200, r.body);
  });
  after(() => t.close());

  const lookup = (c: string, so: string, ip = '198.51.100.1') =>
    t.app.inject({
      method: 'GET',
      url: `/tra-cuu?ma=${encodeURIComponent(c)}&so=${so}`,
      remoteAddress: ip,
      headers: { accept: 'text/html' },
    });

  it('when the code and the last 4 digits of the phone match, then the page shows the status, what is missing and the timeline in plain Vietnamese', async () => {
    const res = await lookup(code, '5678');
    assert.equal(res.statusCode, 200);
    assert.match(res.body, /Chờ bổ sung giấy tờ/);
    assert.match(res.body, /Cần bổ sung: Giấy chứng sinh/);
    assert.match(res.body, /Ảnh giấy chứng sinh bị mờ, chụp lại rõ hơn/);
    assert.match(res.body, /Hồ sơ đã được gửi trực tuyến\./);
    assert.match(
      res.body,
      /Xã Mẫu Sơn đã tiếp nhận hồ sơ\. Hẹn trả kết quả: 17 giờ 00 phút, ngày 05 tháng 03 năm 2026\./,
    );
    assert.match(res.body, /Hồ sơ đã được giao cho cán bộ chuyên môn xử lý\./);
    assert.match(res.body, /Đang tạm dừng tính thời hạn/);
    assert.match(res.body, /name="doc.giayChungSinh"/, 'the upload asks for what is missing');
    assert.doesNotMatch(res.body, /spec_a/, 'no staff names');
  });

  it('when the phone digits are wrong, then the answer is exactly the one for a code that does not exist', async () => {
    const wrongPhone = await lookup(code, '0000', '198.51.100.2');
    const wrongCode = await lookup('20.06541-260302-9999', '5678', '198.51.100.2');
    assert.equal(wrongPhone.statusCode, 404);
    assert.equal(wrongCode.statusCode, 404);
    // Only what the visitor typed may differ (echoed in the language link and the CSRF token).
    const strip = (s: string) =>
      s
        .replace(/name="_csrf" value="[^"]+"/g, '')
        .replace(/value="[^"]*"/g, '')
        .replace(/href="\/tra-cuu\?[^"]*"/g, '');
    assert.equal(strip(wrongPhone.body), strip(wrongCode.body));
    assert.match(wrongPhone.body, /Không tìm thấy hồ sơ với mã và số điện thoại này/);
    const api1 = await t.app.inject({
      method: 'GET',
      url: `/api/v1/dossiers/${code}?phone4=0000`,
      remoteAddress: '198.51.100.3',
    });
    const api2 = await t.app.inject({
      method: 'GET',
      url: '/api/v1/dossiers/20.06541-260302-9999?phone4=5678',
      remoteAddress: '198.51.100.3',
    });
    assert.equal(api1.statusCode, 404);
    assert.deepEqual(api1.json(), api2.json());
  });

  it('when one address keeps guessing, then it is rate-limited (429 with Retry-After)', async () => {
    let last = 0;
    for (let i = 0; i < 61; i++)
      last = (await lookup('20.06541-260302-9998', String(1000 + i), '192.0.2.200')).statusCode;
    assert.equal(last, 429);
    const res = await lookup(code, '5678', '192.0.2.200');
    assert.equal(res.statusCode, 429);
    assert.ok(Number(res.headers['retry-after']) > 0);
  });

  it('when a stranger guesses a code from many addresses, then the owner’s own lookup still opens it and each guessing address is slowed', async () => {
    // Until 2026-12-04 a code took 30 tries an hour from anywhere: the 31st stranger's guess locked
    // the owner out for an hour (issue 11 item 11).
    const c = created(await apiSubmit(t, { key: 'tracking-key-000000011' })).code;
    const strangers: number[] = [];
    for (let i = 0; i < 40; i++)
      strangers.push((await lookup(c, String(1000 + i), `203.0.113.${i + 1}`)).statusCode);
    assert.deepEqual(strangers, Array(40).fill(404), 'one guess each is checked, never a wall on the code');
    const owner = [];
    for (let i = 0; i < 15; i++) owner.push((await lookup(c, '5678', '198.51.100.77')).statusCode);
    assert.deepEqual(owner, Array(15).fill(200), 'the owner gets in, and reloading uses up nothing');
    // The code is under attack now (over 30 wrong guesses today): a guessing address gets 3, not 10.
    const attacker = [];
    for (let i = 0; i < 4; i++) attacker.push(await lookup(c, String(2000 + i), '203.0.113.1'));
    assert.deepEqual(
      attacker.map((r) => r.statusCode),
      [404, 404, 429, 429],
      'its earlier guess and two more, then refused',
    );
    const wait = Number(attacker[3]?.headers['retry-after']);
    assert.ok(wait > 3600, `the guessing address waits for the day's window, not a minute (${wait} s)`);
    assert.match(attacker[3]?.body ?? '', /đăng nhập bằng số điện thoại/);
    assert.equal(
      (await lookup(c, '5678', '198.51.100.78')).statusCode,
      200,
      'the owner from another network too',
    );
  });

  it('when one address guesses one code, then it gets 10 wrong guesses a day; after them even the right digits are refused from there', async () => {
    const c = created(await apiSubmit(t, { key: 'tracking-key-000000012' })).code;
    const tries = [];
    for (let i = 0; i < 11; i++) tries.push((await lookup(c, String(3000 + i), '192.0.2.50')).statusCode);
    assert.deepEqual(tries, [...Array(10).fill(404), 429]);
    // Otherwise the 11th guess would be an oracle: a 200 for the right digits, a 429 for the others.
    assert.equal((await lookup(c, '5678', '192.0.2.50')).statusCode, 429);
    assert.equal(
      (await lookup(c, '5678', '192.0.2.51')).statusCode,
      200,
      'the owner elsewhere is not touched',
    );
  });

  it('when wrong guesses arrive all at once, then no more are checked than the limit allows', async () => {
    const c = created(await apiSubmit(t, { key: 'tracking-key-000000013' })).code;
    const answers = await Promise.all(
      Array.from({ length: 25 }, (_, i) =>
        t.app.inject({
          method: 'GET',
          url: `/api/v1/dossiers/${c}?phone4=${4000 + i}`,
          remoteAddress: '192.0.2.60',
        }),
      ),
    );
    const codes = answers.map((r) => r.statusCode).sort();
    assert.deepEqual(codes, [...Array(10).fill(404), ...Array(15).fill(429)]);
  });

  it('when the addresses are IPv6, then one /64 counts as one address', async () => {
    const c = created(await apiSubmit(t, { key: 'tracking-key-000000014' })).code;
    const tries = [];
    for (let i = 0; i < 11; i++)
      tries.push((await lookup(c, String(5000 + i), `2001:db8:1:2:${(i + 1).toString(16)}::7`)).statusCode);
    assert.deepEqual(tries, [...Array(10).fill(404), 429], 'fresh host bits buy no fresh guesses');
    assert.equal(
      (await lookup(c, '5678', '2001:db8:1:3::1')).statusCode,
      200,
      'the next /64 is another network',
    );
  });

  it('when the public API is asked, then it gives the status code, due date and timeline texts', async () => {
    const res = await t.app.inject({
      method: 'GET',
      url: `/api/v1/dossiers/${code}?phone4=5678`,
      remoteAddress: '198.51.100.9',
    });
    assert.equal(res.statusCode, 200, res.body);
    const body = res.json();
    assert.equal(body.statusCode, 5);
    assert.equal(body.paused, true);
    assert.deepEqual(body.missing.documents, [{ id: 'giayChungSinh', name: 'Giấy chứng sinh' }]);
    assert.deepEqual(
      body.timeline.map((e: { type: string }) => e.type),
      ['submit', 'receive', 'assign', 'request_supplement'],
    );
    assert.equal(body.timeline[2].note, null, 'internal notes stay internal');
  });

  it('when a dossier changes between two lookups, then the second answer shows the change, in the language asked', async () => {
    const c = created(await apiSubmit(t, { key: 'tracking-key-000000004' })).code;
    const api = async (lang?: string) => {
      const res = await t.app.inject({
        method: 'GET',
        url: `/api/v1/dossiers/${c}?phone4=5678${lang ? `&lang=${lang}` : ''}`,
        remoteAddress: '198.51.100.30',
      });
      assert.equal(res.statusCode, 200, res.body);
      return res.json() as { statusCode: number; status: string; timeline: { type: string }[] };
    };
    const before = await api();
    assert.equal(before.statusCode, 1);
    assert.equal((await api()).status, before.status, 'the same answer again while nothing changed');
    assert.equal((await actApi(t, desk, c, { type: 'receive' })).statusCode, 200);
    const after = await api();
    assert.equal(after.statusCode, 2);
    assert.deepEqual(
      after.timeline.map((e) => e.type),
      ['submit', 'receive'],
    );
    const english = await api('en');
    assert.equal(english.statusCode, 2);
    assert.notEqual(english.status, after.status, 'English, not the Vietnamese answer kept for this view');
    assert.match(english.status, /[a-z]/i);
    assert.doesNotMatch(english.status, /[ạảãàáâậầấẩẫăắằặẳẵđ]/i);
  });

  it('when the citizen uploads the missing document from the tracking page, then work resumes and the clock runs again', async () => {
    clock.set(new Date('2026-03-03T03:00:00Z'));
    const page = await lookup(code, '5678', '198.51.100.20');
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1] ?? '';
    const body = await multipart([
      { name: '_csrf', value: csrf },
      { name: 'ma', value: code },
      { name: 'so', value: '5678' },
      { name: 'doc.giayChungSinh', file: { filename: 'chung-sinh-ro.png', data: await pngBytes() } },
      { name: 'note', value: 'Đã chụp lại' },
    ]);
    const res = await t.app.inject({
      method: 'POST',
      url: '/tra-cuu/bo-sung',
      remoteAddress: '198.51.100.20',
      headers: { ...body.headers, cookie: cookiesOf(page), accept: 'text/html' },
      payload: body.payload,
    });
    assert.equal(res.statusCode, 303, res.body);
    const after = await t.app.inject({
      method: 'GET',
      url: String(res.headers.location),
      remoteAddress: '198.51.100.21',
    });
    assert.match(after.body, /Đã gửi giấy tờ bổ sung/);
    assert.match(after.body, /Đang xử lý/);
    assert.match(
      after.body,
      /Đã nhận giấy tờ bổ sung\. Hồ sơ tiếp tục được xử lý\. Hẹn trả kết quả mới: 17 giờ 00 phút, ngày 06 tháng 03 năm 2026\./,
    );
    assert.match(
      after.body,
      /tiếp nhận hồ sơ\. Hẹn trả kết quả: 17 giờ 00 phút, ngày 05 tháng 03 năm 2026\./,
      'the receipt keeps its first appointment',
    );
    const files = await t.platform.database.query<{ document_id: string; action_id: number | null }>(
      'select df.document_id, df.action_id from dossier_files df join dossiers d on d.id = df.dossier_id where d.code = $1 order by df.id',
      [code],
    );
    assert.equal(files.length, 3);
    assert.equal(files[2]?.document_id, 'giayChungSinh');
    assert.ok(files[2]?.action_id, 'the supplement file points at its action');
    const [row] = await t.platform.database.query<{ due_at: Date }>(
      'select due_at from dossiers where code = $1',
      [code],
    );
    // Paused from Mon 2 Mar 08:30 (the receipt day, not counted) to Tue 3 Mar 10:00: 2.5 working hours
    // move the due time past Thu 5 Mar 17:00 into Fri 6 Mar, due at its close.
    assert.equal(new Date(row?.due_at ?? 0).toISOString(), '2026-03-06T10:00:00.000Z');
    const sms = await outbox(t);
    assert.equal(sms.at(-1)?.template, 'dossiers.in_progress');
  });

  it('when a supplement is sent with a wrong file, or none, then it is refused and the dossier does not move', async () => {
    const c = created(await apiSubmit(t, { key: 'tracking-key-000000002' })).code;
    await actApi(t, desk, c, { type: 'request_supplement', note: 'Thiếu tờ khai có chữ ký' });
    const none = await t.app.inject({
      method: 'POST',
      url: `/api/v1/dossiers/${c}/supplements`,
      remoteAddress: '198.51.100.30',
      ...(await multipart([{ name: 'phone4', value: '5678' }])),
    });
    assert.equal(none.statusCode, 400, none.body);
    const fake = await multipart([
      { name: 'phone4', value: '5678' },
      {
        name: 'doc.toKhai',
        file: { filename: 'to-khai.pdf', data: Buffer.from('MZ this is not a pdf'.repeat(40)) },
      },
    ]);
    const wrong = await t.app.inject({
      method: 'POST',
      url: `/api/v1/dossiers/${c}/supplements`,
      remoteAddress: '198.51.100.30',
      headers: fake.headers,
      payload: fake.payload,
    });
    assert.equal(wrong.statusCode, 400);
    assert.match(wrong.json().errors[0].vi, /không phải PDF, JPEG hoặc PNG thật/);
    const good = await multipart([
      { name: 'phone4', value: '5678' },
      { name: 'doc.toKhai', file: { filename: 'to-khai.pdf', data: pdfBytes() } },
    ]);
    const badProof = await t.app.inject({
      method: 'POST',
      url: `/api/v1/dossiers/${c}/supplements`,
      remoteAddress: '198.51.100.30',
      headers: good.headers,
      payload: Buffer.from(good.payload.toString('latin1').replace('5678', '1111'), 'latin1'),
    });
    assert.equal(badProof.statusCode, 404);
    const ok = await t.app.inject({
      method: 'POST',
      url: `/api/v1/dossiers/${c}/supplements`,
      remoteAddress: '198.51.100.30',
      headers: good.headers,
      payload: good.payload,
    });
    assert.equal(ok.statusCode, 200, ok.body);
    assert.equal(ok.json().statusCode, 1, 'asked before receipt, it goes back to the desk to receive');
  });

  it('when the desk marks a paper result ready, then the applicant gets the SMS the approval promised and the timeline says where to collect it', async () => {
    const c = created(await apiSubmit(t, { key: 'tracking-key-000000017' })).code;
    const lead = await t.token('lead_a');
    for (const [token, body] of [
      [desk, { type: 'receive' }],
      [desk, { type: 'assign', assigneeId: ids.specialist }],
      [spec, { type: 'submit_for_approval' }],
      [lead, { type: 'approve' }],
      [desk, { type: 'result_ready' }],
    ] as const)
      assert.equal((await actApi(t, token, c, body)).statusCode, 200);
    const sms = (await outbox(t)).filter((m) => m.body.includes(c));
    assert.match(sms.at(-2)?.body ?? '', /đã được giải quyết\. Xã sẽ báo khi có kết quả/);
    // Until 2026-12-04 the promise was never kept: result_ready sent nothing.
    assert.equal(sms.at(-1)?.template, 'dossiers.result_ready');
    assert.equal(
      sms.at(-1)?.body,
      `Hồ sơ ${c} đã có kết quả. Mời bạn mang giấy hẹn đến bộ phận một cửa để nhận.`,
    );
    const page = await lookup(c, '5678', '198.51.100.95');
    assert.match(
      page.body,
      /Đã có kết quả\. Mời bạn nhận kết quả tại Xã Mẫu Sơn\./,
      'a paper result is collected',
    );
  });

  it('when a withdrawal or a supplement carries fewer than 4 digits of the phone, then it is refused like a wrong proof', async () => {
    // Until 2026-12-04 the last digit alone was a proof here (the phone "ends with" it): 1 in 10.
    const c = created(await apiSubmit(t, { key: 'tracking-key-000000015' })).code;
    const page = await t.app.inject({
      method: 'GET',
      url: `/tra-cuu/rut?ma=${encodeURIComponent(c)}&so=5678`,
      remoteAddress: '198.51.100.44',
    });
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1] ?? '';
    for (const so of ['8', '78', '678']) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/tra-cuu/rut',
        remoteAddress: '198.51.100.44',
        headers: { cookie: cookiesOf(page), accept: 'text/html' },
        payload: { _csrf: csrf, ma: c, so, xac_nhan: '1' },
      });
      assert.equal(res.statusCode, 404, `so=${so}`);
    }
    const body = await multipart([
      { name: '_csrf', value: csrf },
      { name: 'ma', value: c },
      { name: 'so', value: '8' },
      { name: 'doc.toKhai', file: { filename: 'to-khai.pdf', data: pdfBytes() } },
    ]);
    const supplement = await t.app.inject({
      method: 'POST',
      url: '/tra-cuu/bo-sung',
      remoteAddress: '198.51.100.44',
      headers: { ...body.headers, cookie: cookiesOf(page), accept: 'text/html' },
      payload: body.payload,
    });
    assert.equal(supplement.statusCode, 404);
    assert.equal((await actApi(t, desk, c, { type: 'receive' })).statusCode, 200, 'still open');
  });

  it('when the applicant withdraws from the tracking page, then a page says what it means and asks again, and only then is the dossier withdrawn', async () => {
    const c = created(await apiSubmit(t, { key: 'tracking-key-000000003' })).code;
    const page = await lookup(c, '5678', '198.51.100.40');
    // Under the status, small and last: a link to the explanation, no button that withdraws at once.
    assert.doesNotMatch(page.body, /Rút hồ sơ<\/button>/);
    const href = /<p class="muted" id="withdraw">[^<]*<a href="([^"]+)">Rút hồ sơ<\/a>/.exec(page.body)?.[1];
    assert.ok(href, 'the withdrawal is a link at the end');
    assert.ok(
      page.body.indexOf('id="withdraw"') > page.body.indexOf('class="timeline"'),
      'after the history',
    );
    const confirm = await t.app.inject({
      method: 'GET',
      url: href.replace(/&amp;/g, '&'),
      remoteAddress: '198.51.100.40',
      headers: { cookie: cookiesOf(page), accept: 'text/html' },
    });
    assert.equal(confirm.statusCode, 200, confirm.body);
    assert.match(confirm.body, /<h1>Rút hồ sơ\?<\/h1>/);
    assert.match(confirm.body, /Không thể hoàn tác: hồ sơ đã rút không mở lại được\./);
    assert.match(confirm.body, /phải nộp một hồ sơ mới từ đầu/);
    assert.match(confirm.body, /<a class="button" href="\/tra-cuu\?ma=[^"]+">Không rút, quay lại hồ sơ<\/a>/);
    assert.match(confirm.body, /<button type="submit" class="secondary">Tôi hiểu, rút hồ sơ này<\/button>/);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(confirm.body)?.[1] ?? '';
    const cookie = cookiesOf(confirm, cookiesOf(page));
    // A post without the confirmation (an old page, a replay) only shows the question again.
    const unconfirmed = await t.app.inject({
      method: 'POST',
      url: '/tra-cuu/rut',
      remoteAddress: '198.51.100.40',
      headers: { cookie, accept: 'text/html' },
      payload: { _csrf: csrf, ma: c, so: '5678' },
    });
    assert.equal(unconfirmed.statusCode, 200);
    assert.match(unconfirmed.body, /Rút hồ sơ\?/);
    assert.doesNotMatch((await lookup(c, '5678', '198.51.100.41')).body, /Đã rút hồ sơ/);
    const res = await t.app.inject({
      method: 'POST',
      url: '/tra-cuu/rut',
      remoteAddress: '198.51.100.40',
      headers: { cookie, accept: 'text/html' },
      payload: { _csrf: csrf, ma: c, so: '5678', xac_nhan: '1' },
    });
    assert.equal(res.statusCode, 303);
    const after = await t.app.inject({
      method: 'GET',
      url: String(res.headers.location),
      remoteAddress: '198.51.100.41',
    });
    assert.match(after.body, /Đã rút hồ sơ theo yêu cầu của bạn\./);
    assert.match(after.body, /Đã rút hồ sơ/);
    assert.doesNotMatch(after.body, /id="withdraw"/);
    assert.equal((await actApi(t, desk, c, { type: 'receive' })).statusCode, 409);
    const late = await t.app.inject({
      method: 'GET',
      url: `/tra-cuu/rut?ma=${encodeURIComponent(c)}&so=5678`,
      remoteAddress: '198.51.100.41',
    });
    assert.equal(late.statusCode, 303, 'once withdrawn, back to tracking');
  });

  it('when a signed-in applicant withdraws, then the same page asks first, without any proof', async () => {
    const c = created(await apiSubmit(t, { key: 'tracking-key-000000016' })).code;
    const session = await citizenSession(t);
    const base = `/cong-dan/ho-so/${encodeURIComponent(c)}`;
    const mine = await t.app.inject({ method: 'GET', url: base, headers: { cookie: session } });
    assert.match(mine.body, new RegExp(`<a href="${base.replace(/\./g, '\\.')}/rut">Rút hồ sơ</a>`));
    const confirm = await t.app.inject({ method: 'GET', url: `${base}/rut`, headers: { cookie: session } });
    assert.equal(confirm.statusCode, 200);
    assert.match(confirm.body, /Không thể hoàn tác/);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(confirm.body)?.[1] ?? '';
    const cookie = cookiesOf(confirm, session);
    const res = await t.app.inject({
      method: 'POST',
      url: `${base}/rut`,
      headers: { cookie, accept: 'text/html' },
      payload: { _csrf: csrf, xac_nhan: '1' },
    });
    assert.equal(res.statusCode, 303);
    const after = await t.app.inject({
      method: 'GET',
      url: String(res.headers.location),
      headers: { cookie },
    });
    assert.match(after.body, /Đã rút hồ sơ theo yêu cầu của bạn\./);
  });
});
