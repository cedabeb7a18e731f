import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { fixedClock } from '#platform/clock.ts';
import { COMMUNE_A, COMMUNE_B, cookiesOf, createTestApp, type TestApp } from '#test/support/app.ts';
import {
  APPLICANT,
  apiSubmit,
  created,
  FORM,
  jpegBytes,
  multipart,
  outbox,
  pdfBytes,
  pngBytes,
  setupDossiers,
  TEST_PROCEDURE,
} from './dossiers.test-support.ts';

const P = TEST_PROCEDURE.code;

describe('filing a dossier online', () => {
  /** The first test's dossier: its confirmation page, and the cookies of the browser that filed it. */
  let filed = { code: '', location: '', cookie: '' };
  let t: TestApp;
  // Monday 2 March 2026, 09:00 in Vietnam.
  const clock = fixedClock(new Date('2026-03-02T02:00:00Z'));
  before(async () => {
    t = await createTestApp({ clock });
    await setupDossiers(t);
  });
  after(() => t.close());

  /** The form page: its CSRF token, cookies and the hidden idempotency key. */
  async function openForm(url = `/thu-tuc/${P}/nop?xa=${COMMUNE_A}`) {
    const res = await t.app.inject({ method: 'GET', url });
    assert.equal(res.statusCode, 200, res.body);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(res.body)?.[1] ?? '';
    const idem = /name="idem" value="([^"]+)"/.exec(res.body)?.[1] ?? '';
    return { res, csrf, idem, cookie: cookiesOf(res) };
  }

  const formFields = (csrf: string, idem: string) => [
    { name: '_csrf', value: csrf },
    { name: 'idem', value: idem },
    { name: 'xa', value: COMMUNE_A },
    ...Object.entries(APPLICANT).map(([k, v]) => ({ name: `applicant.${k}`, value: v })),
    ...Object.entries(FORM).map(([k, v]) => ({ name: `form.${k}`, value: v })),
  ];

  /** The check page's hidden fields (of its send form, not the header's sign-out), as a browser posts them. */
  function hiddenFields(page: string): [string, string][] {
    const html = page.slice(page.indexOf(`action="/thu-tuc/${P}/nop/gui"`));
    return [...html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)].map((m) => [
      m[1] as string,
      (m[2] as string).replace(/&amp;/g, '&').replace(/&quot;/g, '"'),
    ]);
  }

  it('when a citizen fills the form, attaches a PDF and a PNG, checks and sends, then one dossier is made with a coded number, a confirmation and an SMS', async () => {
    const { csrf, idem, cookie, res } = await openForm();
    assert.match(res.body, /enctype="multipart\/form-data"/);
    assert.match(res.body, /Đăng ký thử nghiệm/);
    assert.match(res.body, /name="doc.toKhai"/);
    assert.ok(idem.length >= 16);
    const body = await multipart([
      ...formFields(csrf, idem),
      { name: 'doc.toKhai', file: { filename: 'to-khai.pdf', data: pdfBytes() } },
      { name: 'doc.giayChungSinh', file: { filename: 'chung-sinh.png', data: await pngBytes() } },
    ]);
    const check = await t.app.inject({
      method: 'POST',
      url: `/thu-tuc/${P}/nop`,
      headers: { ...body.headers, cookie, accept: 'text/html' },
      payload: body.payload,
    });
    assert.equal(check.statusCode, 200, check.body);
    assert.match(check.body, /Xem lại trước khi gửi/);
    assert.match(check.body, /Hoàng Thị Mai/);
    assert.match(check.body, /to-khai.pdf/);
    assert.match(check.body, /chung-sinh.png/);
    const hidden = hiddenFields(check.body);
    assert.equal(
      hidden.filter(([k]) => k.startsWith('keep.')).length,
      2,
      'both files travel by their stored ids',
    );

    // A send that lost its files (hidden fields stripped) is refused and makes no dossier.
    const stripped = new URLSearchParams(hidden.filter(([k]) => !k.startsWith('keep.')));
    const refused = await t.app.inject({
      method: 'POST',
      url: `/thu-tuc/${P}/nop/gui`,
      headers: {
        cookie: cookiesOf(check, cookie),
        accept: 'text/html',
        'content-type': 'application/x-www-form-urlencoded',
      },
      payload: stripped.toString(),
    });
    assert.equal(refused.statusCode, 400);
    assert.match(refused.body, /Cần nộp: Tờ khai\./);
    const form = new URLSearchParams(hidden);
    const sent = await t.app.inject({
      method: 'POST',
      url: `/thu-tuc/${P}/nop/gui`,
      headers: {
        cookie: cookiesOf(check, cookie),
        accept: 'text/html',
        'content-type': 'application/x-www-form-urlencoded',
      },
      payload: form.toString(),
    });
    assert.equal(sent.statusCode, 303, sent.body);
    const location = String(sent.headers.location);
    const code = decodeURIComponent(/\/ho-so\/([^/]+)\/da-nop/.exec(location)?.[1] ?? '');
    assert.match(code, /^20\.06541-260302-0001$/, 'agency {province}.{commune}, yymmdd, sequence 0001');

    // The browser that sent it comes back with the cookie the send set.
    filed = { code, location, cookie: cookiesOf(sent) };
    const done = await t.app.inject({ method: 'GET', url: location, headers: { cookie: filed.cookie } });
    assert.equal(done.statusCode, 200);
    assert.match(done.body, new RegExp(code.replace(/\./g, '\\.')));
    assert.match(done.body, /Điều gì sẽ xảy ra tiếp theo/);
    assert.match(done.body, /3 ngày làm việc/);

    const [row] = await t.platform.database.query<Record<string, unknown>>(
      'select * from dossiers where code = $1',
      [code],
    );
    assert.equal(row?.status, 1);
    assert.equal(row?.channel, 2);
    assert.equal(row?.applicant_phone, '0912345678');
    assert.equal(row?.applicant_id_number, '020190000123');
    assert.deepEqual(row?.form_data, FORM);
    assert.equal(row?.procedure_version, '1');
    assert.equal(row?.due_at, null, 'the clock starts at receipt, not at submission');
    const files = await t.platform.database.query<{ document_id: string; mime_type: string }>(
      'select df.document_id, f.mime_type from dossier_files df join files f on f.id = df.file_id where df.dossier_id = $1 order by 1',
      [row?.id],
    );
    assert.deepEqual(files, [
      { document_id: 'giayChungSinh', mime_type: 'image/png' },
      { document_id: 'toKhai', mime_type: 'application/pdf' },
    ]);
    const sms = await outbox(t);
    assert.equal(sms.length, 1);
    assert.match(sms[0]?.body ?? '', new RegExp(`^Hồ sơ ${code.replace(/\./g, '\\.')} đã được gửi`));
    assert.equal(sms[0]?.template, 'dossiers.submitted');

    // Back button: the same check page sent again makes no second dossier.
    const again = await t.app.inject({
      method: 'POST',
      url: `/thu-tuc/${P}/nop/gui`,
      headers: {
        cookie: cookiesOf(check, cookie),
        accept: 'text/html',
        'content-type': 'application/x-www-form-urlencoded',
      },
      payload: form.toString(),
    });
    assert.equal(again.statusCode, 303);
    assert.equal(again.headers.location, location);
    const [{ n } = { n: 0 }] = await t.platform.database.query<{ n: number }>(
      'select count(*)::int as n from dossiers where idempotency_key = $1',
      [idem],
    );
    assert.equal(n, 1);
  });

  it('when anyone but the browser that filed it opens the confirmation page, then they get the tracking form, the same for a code that exists and one that does not', async () => {
    // Until 2026-12-04 the page named any dossier's procedure and commune to anyone (issue 11 item 12).
    const { code, location, cookie } = filed;
    assert.ok(code);
    const missing = location.replace(/-\d{4}\/da-nop$/, '-9999/da-nop');
    const stranger = await t.app.inject({ method: 'GET', url: location });
    const nothing = await t.app.inject({ method: 'GET', url: missing });
    assert.equal(stranger.statusCode, 303);
    assert.equal(nothing.statusCode, 303);
    assert.equal(stranger.headers.location, `/tra-cuu?ma=${encodeURIComponent(code)}`);
    assert.equal(
      nothing.headers.location,
      `/tra-cuu?ma=${encodeURIComponent(code.replace(/\d{4}$/, '9999'))}`,
    );
    assert.doesNotMatch(stranger.body, /Đăng ký thử nghiệm|Mẫu Sơn/);
    const withProof = await t.app.inject({ method: 'GET', url: `${location}?so=5678` });
    assert.equal(
      withProof.headers.location,
      `/tra-cuu?ma=${encodeURIComponent(code)}&so=5678`,
      'proved, it is tracking',
    );
    // The cookie is for its own code only, signed, and for 30 minutes.
    const other = await t.app.inject({ method: 'GET', url: missing, headers: { cookie } });
    assert.equal(other.statusCode, 303);
    const forged = await t.app.inject({
      method: 'GET',
      url: location,
      headers: { cookie: `xs_da_nop=${encodeURIComponent(`${code}|99999999999999`)}` },
    });
    assert.equal(forged.statusCode, 303);
    const start = clock.now();
    try {
      clock.set(new Date(start.getTime() + 29 * 60_000));
      assert.equal(
        (await t.app.inject({ method: 'GET', url: location, headers: { cookie } })).statusCode,
        200,
      );
      clock.set(new Date(start.getTime() + 31 * 60_000));
      assert.equal(
        (await t.app.inject({ method: 'GET', url: location, headers: { cookie } })).statusCode,
        303,
      );
    } finally {
      clock.set(start);
    }
  });

  it('when a mandatory document is missing, then the form comes back with the error beside it, what was typed and the file already uploaded', async () => {
    const { csrf, idem, cookie } = await openForm();
    const body = await multipart([
      ...formFields(csrf, idem),
      { name: 'doc.toKhai', file: { filename: 'to-khai.pdf', data: pdfBytes() } },
    ]);
    const res = await t.app.inject({
      method: 'POST',
      url: `/thu-tuc/${P}/nop`,
      headers: { ...body.headers, cookie, accept: 'text/html' },
      payload: body.payload,
    });
    assert.equal(res.statusCode, 400);
    assert.match(res.body, /id="f-doc.giayChungSinh-err"[^>]*>Cần nộp: Giấy chứng sinh\./);
    assert.match(res.body, /value="Hoàng Thị Mai"/);
    assert.match(res.body, /value="020190000123"/);
    assert.match(res.body, /name="keep.toKhai" value="[0-9a-f-]{36}" checked/);
    assert.match(res.body, /Đã tải lên: to-khai.pdf/);
    assert.match(res.body, new RegExp(`name="idem" value="${idem}"`), 'the same key survives the re-render');
  });

  it('when a text file is renamed .pdf, then it is refused by its content and nothing is stored for it', async () => {
    const { csrf, idem, cookie } = await openForm();
    const before = await t.platform.database.query<{ n: number }>('select count(*)::int as n from files');
    const body = await multipart([
      ...formFields(csrf, idem),
      {
        name: 'doc.toKhai',
        file: {
          filename: 'to-khai.pdf',
          data: Buffer.from('<html><script>alert(1)</script></html>'.repeat(50)),
          type: 'application/pdf',
        },
      },
      { name: 'doc.giayChungSinh', file: { filename: 'anh.jpg', data: await jpegBytes() } },
    ]);
    const res = await t.app.inject({
      method: 'POST',
      url: `/thu-tuc/${P}/nop`,
      headers: { ...body.headers, cookie, accept: 'text/html' },
      payload: body.payload,
    });
    assert.equal(res.statusCode, 400);
    assert.match(res.body, /không phải PDF, JPEG hoặc PNG thật/);
    assert.match(res.body, /Đã tải lên: anh.jpg/, 'the good file is kept');
    const afterRows = await t.platform.database.query<{ n: number }>('select count(*)::int as n from files');
    assert.equal(afterRows[0]?.n, (before[0]?.n ?? 0) + 1, 'only the real JPEG was stored');
  });

  it('when a file is over 10 MB, then it is refused with the limit named', async () => {
    const big = Buffer.concat([pdfBytes(), Buffer.alloc(10 * 1024 * 1024 + 10, 0x20)]);
    const res = await apiSubmit(t, {
      key: 'oversized-file-test-0001',
      files: [
        { doc: 'toKhai', filename: 'lon.pdf', data: big },
        { doc: 'giayChungSinh', filename: 'cs.pdf', data: pdfBytes() },
      ],
    });
    assert.equal(res.statusCode, 400);
    const err = res.json().errors.find((e: { field: string }) => e.field === 'doc.toKhai');
    assert.match(err.vi, /lớn hơn 10 MB/);
    assert.match(err.en, /larger than 10 MB/);
  });

  it('when the API is sent the same Idempotency-Key twice, then both answers are 201 with one code and only one dossier exists', async () => {
    const first = created(await apiSubmit(t, { key: 'replay-test-key-000001' }));
    const again = await apiSubmit(t, { key: 'replay-test-key-000001' });
    assert.equal(again.statusCode, 201);
    assert.equal(again.headers['idempotent-replayed'], 'true');
    assert.equal(again.json().code, first.code);
    assert.equal(first.statusCode, 1);
    assert.equal(first.status, 'Mới nộp, chờ tiếp nhận');
    const rows = await t.platform.database.query<{ n: number }>(
      "select count(*)::int as n from dossiers where idempotency_key = 'replay-test-key-000001'",
    );
    assert.equal(rows[0]?.n, 1);
  });

  it('when an API submission is refused, replayed or brings a stray file, then only the files its dossier uses are kept, committed', async () => {
    const pdf = pdfBytes('hang');
    const rows = async (name: string) =>
      (
        await t.platform.database.query<{ n: number }>(
          'select count(*)::int as n from files where original_name = $1',
          [name],
        )
      )[0]?.n;
    const objects = async () => {
      let n = 0;
      for await (const _ of t.platform.files.blobs.list()) n++;
      return n;
    };
    // The rows of a new dossier's files are written in its statement; the bytes of the others are
    // removed before the answer (decision 034: the API offers no retry with an earlier upload).
    const before = await objects();
    const refused = await apiSubmit(t, {
      key: 'rows-test-key-00000001',
      applicant: { ...APPLICANT, idNumber: '123' },
      files: [{ doc: 'toKhai', filename: 'rows-refused.pdf', data: pdf }],
    });
    assert.equal(refused.statusCode, 400);
    assert.equal(await rows('rows-refused.pdf'), 0);
    assert.equal(await objects(), before, 'no bytes left by the refused request');

    const first = created(
      await apiSubmit(t, {
        key: 'rows-test-key-00000002',
        files: [
          { doc: 'toKhai', filename: 'rows-first.pdf', data: pdf },
          { doc: 'giayChungSinh', filename: 'rows-first.png', data: await pngBytes() },
        ],
        extra: [{ name: 'ghiChu', file: { filename: 'rows-stray.pdf', data: pdf } }],
      }),
    );
    assert.equal(await rows('rows-first.pdf'), 1);
    assert.equal(await rows('rows-first.png'), 1);
    assert.equal(await rows('rows-stray.pdf'), 0);
    assert.equal(await objects(), before + 2, "the dossier's two files, not the stray one");
    const staged = await t.platform.database.query<{ n: number }>(
      "select count(*)::int as n from files where original_name like 'rows-first.%' and staged_at is not null",
    );
    assert.equal(staged[0]?.n, 0, "the dossier's files are committed with it");

    const replay = await apiSubmit(t, {
      key: 'rows-test-key-00000002',
      files: [{ doc: 'toKhai', filename: 'rows-replay.pdf', data: pdf }],
    });
    assert.equal(replay.json().code, first.code);
    assert.equal(await rows('rows-replay.pdf'), 0);
    assert.equal(await objects(), before + 2);
    const linked = await t.platform.database.query<{ name: string }>(
      `select f.original_name as name from dossier_files df join files f on f.id = df.file_id
         join dossiers d on d.id = df.dossier_id where d.code = $1 order by 1`,
      [first.code],
    );
    assert.deepEqual(
      linked.map((r) => r.name),
      ['rows-first.pdf', 'rows-first.png'],
    );
  });

  it('when the same key comes with another applicant, then 409: a key names one submission', async () => {
    const res = await apiSubmit(t, {
      key: 'replay-test-key-000001',
      applicant: { ...APPLICANT, phone: '0987000111' },
    });
    assert.equal(res.statusCode, 409);
  });

  it('when many submissions to one commune arrive at once, then each gets its own number of the day, without gaps', async () => {
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        apiSubmit(t, { key: `parallel-key-${String(i).padStart(6, '0')}-x` }),
      ),
    );
    const codes = results.map((r) => created(r).code);
    assert.equal(new Set(codes).size, 12);
    const all = await t.platform.database.query<{ code: string }>(
      "select code from dossiers where agency_code = '20.06541' order by code",
    );
    const numbers = all.map((r) => Number(r.code.slice(-4)));
    assert.deepEqual(
      numbers,
      numbers.map((_, i) => i + 1),
      'numbers 0001… with no gap and no repeat',
    );
  });

  it('when one key is sent five times at once, then all get the same code, one dossier exists and no number of the day is lost', async () => {
    const before = await t.platform.database.query<{ n: number }>(
      "select count(*)::int as n from dossiers where agency_code = '20.06541'",
    );
    const answers = await Promise.all(
      Array.from({ length: 5 }, () => apiSubmit(t, { key: 'same-key-at-once-000001' })),
    );
    assert.deepEqual(
      answers.map((a) => a.statusCode),
      [201, 201, 201, 201, 201],
    );
    assert.equal(new Set(answers.map((a) => a.json().code)).size, 1);
    assert.equal(answers.filter((a) => a.headers['idempotent-replayed'] === 'true').length, 4);
    const all = await t.platform.database.query<{ code: string }>(
      "select code from dossiers where agency_code = '20.06541' order by code",
    );
    assert.equal(all.length, (before[0]?.n ?? 0) + 1);
    assert.deepEqual(
      all.map((r) => Number(r.code.slice(-4))),
      all.map((_, i) => i + 1),
    );
  });

  it('when the procedure code is unknown, then the API says which field is wrong and the form page is a 404', async () => {
    const res = await apiSubmit(t, { procedureCode: '9.999999', key: 'unknown-procedure-key-01' });
    assert.equal(res.statusCode, 400);
    assert.equal(res.json().errors[0].field, 'procedureCode');
    const page = await t.app.inject({
      method: 'GET',
      url: '/thu-tuc/9.999999/nop',
      headers: { accept: 'text/html' },
    });
    assert.equal(page.statusCode, 404);
  });

  it('when the form is invalid (bad CCCD, phone, date, missing field), then every error comes back together, in both languages', async () => {
    const res = await apiSubmit(t, {
      key: 'invalid-fields-key-0001',
      applicant: { ...APPLICANT, idNumber: '123', phone: '12345' },
      form: { hoTenTre: '', ngaySinh: '30/02/2026', gioiTinh: 'x' },
    });
    assert.equal(res.statusCode, 400);
    const fields = Object.fromEntries(
      res.json().errors.map((e: { field: string; vi: string; en: string }) => [e.field, e]),
    );
    assert.equal(fields['applicant.idNumber'].vi, 'Số CCCD gồm đúng 12 chữ số.');
    assert.match(fields['applicant.phone'].vi, /Số điện thoại di động không hợp lệ/);
    assert.ok(fields['form.hoTenTre']);
    assert.match(fields['form.ngaySinh'].vi, /ngày\/tháng\/năm/);
    assert.ok(fields['form.gioiTinh'].en);
  });

  it('when no commune is chosen yet, then the page asks for one and finds it without diacritics', async () => {
    const res = await t.app.inject({ method: 'GET', url: `/thu-tuc/${P}/nop?q=mau+son` });
    assert.equal(res.statusCode, 200);
    assert.match(res.body, new RegExp(`href="/thu-tuc/${P}/nop\\?xa=${COMMUNE_A}"`));
  });

  it('when a citizen is signed in, then the form starts with their phone and the dossier is linked to their account', async () => {
    const phone = '0977000555';
    // Sign in by one-time code through the identity pages.
    const { csrf, cookie } = await t.formToken('/cong-dan/dang-nhap');
    await t.app.inject({
      method: 'POST',
      url: '/cong-dan/dang-nhap',
      headers: { cookie },
      payload: { _csrf: csrf, phone },
    });
    const [otp] = await t.platform.database.query<{ body: string }>(
      'select body from notifications where recipient = $1 order by id desc limit 1',
      [phone],
    );
    const code = /(\d{6})/.exec(otp?.body ?? '')?.[1] ?? '';
    const v = await t.formToken(`/cong-dan/xac-thuc?phone=${phone}`);
    const signedIn = await t.app.inject({
      method: 'POST',
      url: '/cong-dan/xac-thuc',
      headers: { cookie: v.cookie },
      payload: { _csrf: v.csrf, phone, code },
    });
    assert.equal(signedIn.statusCode, 303);
    const session = cookiesOf(signedIn, v.cookie);
    const form = await t.app.inject({
      method: 'GET',
      url: `/thu-tuc/${P}/nop?xa=${COMMUNE_B}`,
      headers: { cookie: session },
    });
    assert.match(form.body, new RegExp(`name="applicant.phone"[^>]*value="${phone}"`));
    const empty = await t.app.inject({ method: 'GET', url: '/cong-dan/ho-so', headers: { cookie: session } });
    assert.match(empty.body, /Bạn chưa có hồ sơ nào/);

    const csrf2 = /name="_csrf" value="([^"]+)"/.exec(form.body)?.[1] ?? '';
    const idem2 = /name="idem" value="([^"]+)"/.exec(form.body)?.[1] ?? '';
    const body = await multipart([
      { name: '_csrf', value: csrf2 },
      { name: 'idem', value: idem2 },
      { name: 'xa', value: COMMUNE_B },
      ...Object.entries({ ...APPLICANT, phone }).map(([k, val]) => ({ name: `applicant.${k}`, value: val })),
      ...Object.entries(FORM).map(([k, val]) => ({ name: `form.${k}`, value: val })),
      { name: 'doc.toKhai', file: { filename: 'a.pdf', data: pdfBytes() } },
      { name: 'doc.giayChungSinh', file: { filename: 'b.pdf', data: pdfBytes() } },
    ]);
    const cookie2 = cookiesOf(form, session);
    const check = await t.app.inject({
      method: 'POST',
      url: `/thu-tuc/${P}/nop`,
      headers: { ...body.headers, cookie: cookie2 },
      payload: body.payload,
    });
    assert.equal(check.statusCode, 200, check.body);
    const sent = await t.app.inject({
      method: 'POST',
      url: `/thu-tuc/${P}/nop/gui`,
      headers: { cookie: cookiesOf(check, cookie2), 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams(hiddenFields(check.body)).toString(),
    });
    assert.equal(sent.statusCode, 303, sent.body);
    const dossierCode = decodeURIComponent(
      /\/ho-so\/([^/]+)\/da-nop/.exec(String(sent.headers.location))?.[1] ?? '',
    );
    assert.match(dossierCode, /^20\.06184-260302-0001$/, 'commune B numbers its own dossiers');
    const [row] = await t.platform.database.query<{ citizen_id: number | null }>(
      'select citizen_id from dossiers where code = $1',
      [dossierCode],
    );
    assert.ok(row?.citizen_id, 'linked to the citizen account');
    const list = await t.app.inject({ method: 'GET', url: '/cong-dan/ho-so', headers: { cookie: session } });
    assert.match(list.body, new RegExp(dossierCode.replace(/\./g, '\\.')));
    const mine = await t.app.inject({
      method: 'GET',
      url: `/cong-dan/ho-so/${encodeURIComponent(dossierCode)}`,
      headers: { cookie: session },
    });
    assert.equal(mine.statusCode, 200);
    assert.match(mine.body, /Hồ sơ đã được gửi trực tuyến\./);
  });
});
