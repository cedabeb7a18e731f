import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { COMMUNE_A, type TestApp } from '#test/support/app.ts';
import { REDACTED, redact } from './feedback.privacy.ts';
import { issueApiKey } from './feedback.settings.ts';
import { feedbackTestApp, jpeg, reportRow, submitReport, tokenOf } from './feedback.test-support.ts';

const PHONE = '0912345678';
const EMAIL = 'hoa.nong@example.vn';
const NAME = 'Nông Thị Hoa';
const OTHER_PHONE = '0387654321';
const OTHER_EMAIL = 'pa.vang@mail.example';

/** Every way the reporters' numbers and addresses could leak, spaced or not. */
function leaks(body: string): string[] {
  const digits = body.replace(/[\s.\-()+]/g, '');
  const found: string[] = [];
  for (const n of [PHONE, OTHER_PHONE]) {
    if (digits.includes(n.slice(1))) found.push(n);
  }
  for (const s of [EMAIL, OTHER_EMAIL, 'hoa.nong', 'pa.vang', NAME]) {
    if (body.toLowerCase().includes(s.toLowerCase())) found.push(s);
  }
  return found;
}

describe('no phone number or email of a reporter in any public page or Open311 answer', () => {
  let t: TestApp;
  const codes: string[] = [];
  const tokens: string[] = [];
  before(async () => {
    t = await feedbackTestApp();
    await t.user('handler_a', 'feedback_handler', COMMUNE_A);
    const cookie = await t.signIn('handler_a');

    // 1. From the web form, contact data also typed into the free text.
    const web = await submitReport(
      t,
      {
        category: 'roads',
        description: `Đường sạt lở. Gọi cho tôi ${PHONE.replace(/(\d{4})(\d{3})(\d{3})/, '$1 $2 $3')} hoặc ${EMAIL}, ${NAME}.`,
        landmark: `Nhà ông Pả, số +84 912.345.678`,
        name: NAME,
        phone: PHONE,
        email: EMAIL,
      },
      [{ name: 'sat-lo.jpg', data: await jpeg(400, 300) }],
    );
    tokens.push(tokenOf(web.res));

    // 2. Through Open311, with every contact field.
    const key = (
      await issueApiKey(t.platform.database.db, {
        name: 'Ứng dụng',
        place: t.places.a,
        requestsPerMinute: 100,
        createdBy: null,
      })
    ).key;
    const posted = await t.app.inject({
      method: 'POST',
      url: '/open311/v2/requests.json',
      payload: {
        api_key: key,
        service_code: 'water',
        address_string: `Liên hệ ${OTHER_EMAIL}`,
        lat: '21.85',
        long: '106.95',
        description: `Ống nước vỡ, ai biết thì báo số 038.765.4321.`,
        first_name: 'Pả',
        last_name: 'Vàng',
        phone: OTHER_PHONE,
        email: OTHER_EMAIL,
      },
    });
    assert.equal(posted.statusCode, 201, posted.body);
    tokens.push(posted.json()[0].token);

    // Answered (the official slips and writes the number too) and published with photos.
    for (const token of tokens) {
      const row = await reportRow(t, token);
      codes.push(row.service_request_id);
      for (const [action, payload] of [
        ['tiep-nhan', {}],
        ['tra-loi', { reply: `Đã xử lý, đã gọi lại cho chị theo số ${PHONE} và ${OTHER_PHONE}.` }],
        ['cong-khai', { photos: 'on' }],
      ] as const) {
        const { csrf, cookie: c } = await t.formToken(`/quan-tri/phan-anh/${row.id}`, cookie);
        const res = await t.app.inject({
          method: 'POST',
          url: `/quan-tri/phan-anh/${row.id}/${action}`,
          headers: { cookie: c },
          payload: { _csrf: csrf, ...payload },
        });
        assert.equal(res.statusCode, 303);
      }
    }
  });
  after(() => t.close());

  it('when every public page and Open311 answer is read, then none holds a reporter’s phone, email or full name, and the answers are there', async () => {
    const urls = [
      '/',
      '/phan-anh',
      '/phan-anh?q=mau+son',
      `/phan-anh/xa/${COMMUNE_A}`,
      `/phan-anh/xa/${COMMUNE_A}?lang=en`,
      ...codes.map((c) => `/phan-anh/so/${c}`),
      '/open311/v2/services.json',
      '/open311/v2/requests.json',
      '/open311/v2/requests.xml',
      '/open311/v2/requests.json?status=open',
      ...codes.flatMap((c) => [`/open311/v2/requests/${c}.json`, `/open311/v2/requests/${c}.xml`]),
      ...tokens.map((tk) => `/open311/v2/tokens/${tk}.json`),
    ];
    let answers = 0;
    for (const url of urls) {
      const res = await t.app.inject({ method: 'GET', url });
      assert.equal(res.statusCode, 200, `${url}: ${res.statusCode}`);
      assert.deepEqual(leaks(res.body), [], `${url} leaks personal data`);
      if (res.body.includes('Đã xử lý, đã gọi lại cho chị')) answers++;
    }
    assert.ok(answers >= 6, `the answers are public (seen on ${answers} pages)`);
    const page = await t.app.inject({ method: 'GET', url: `/phan-anh/xa/${COMMUNE_A}` });
    assert.match(page.body, new RegExp(REDACTED.replace(/[[\]]/g, '\\$&')));
    assert.match(page.body, /src="\/phan-anh\/anh\/\d+"/, 'the published photo is shown');
  });

  it('when the staff open the report, then they do see the contact (they need it)', async () => {
    const cookie = await t.signIn('handler_a');
    const row = await reportRow(t, tokens[0] ?? '');
    const res = await t.app.inject({
      method: 'GET',
      url: `/quan-tri/phan-anh/${row.id}`,
      headers: { cookie },
    });
    assert.match(res.body, new RegExp(PHONE));
    assert.match(res.body, new RegExp(EMAIL));
  });

  it('when text holds numbers and addresses in the ways people write them, then redact hides each, and leaves other numbers', () => {
    for (const s of [
      '0912345678',
      '0912 345 678',
      '0912.345.678',
      '091-234-5678',
      '+84 912 345 678',
      '+84912345678',
      '84912345678',
      '(+84) 912345678',
    ]) {
      assert.equal(redact(`gọi ${s} nhé`), `gọi ${REDACTED} nhé`, s);
    }
    assert.equal(redact('email a.b-c@mail.example.vn.'), `email ${REDACTED}.`);
    assert.equal(redact('Chị Nông Thị Hoa báo', { contactName: 'nông thị hoa' }), `Chị ${REDACTED} báo`);
    assert.equal(redact('Cầu dài 120 m, xây năm 2019, km 12+300'), 'Cầu dài 120 m, xây năm 2019, km 12+300');
  });
});
