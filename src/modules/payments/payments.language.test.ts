import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { saveProcedure } from '#modules/procedures/index.ts';
import { createTestApp, type TestApp } from '#test/support/app.ts';
import { vietnameseLeft } from '#test/support/language.ts';
import {
  fileDossier,
  OUTPUT_PROCEDURE,
  type OutputSetup,
  PAYMENT_ENV,
  setupOutputs,
} from '#test/support/outputs.ts';
import { amountInFigures, amountInWords } from './money.ts';

const fees = (code: string, qs = '') => `/ho-so/${encodeURIComponent(code)}/le-phi${qs}`;

describe('the fees page in Vietnamese and in English', () => {
  let t: TestApp;
  let s: OutputSetup;
  let deskCookie: string;

  before(async () => {
    t = await createTestApp({
      env: PAYMENT_ENV,
    });
    s = await setupOutputs(t);
    // The same procedure with English fee names, as a catalogue admin would give them.
    await saveProcedure(s.admin.ctx, {
      ...OUTPUT_PROCEDURE,
      fees: [
        { ...OUTPUT_PROCEDURE.fees[0], name: { vi: 'Lệ phí cấp giấy xác nhận', en: 'Certificate fee' } },
        { ...OUTPUT_PROCEDURE.fees[1], name: { vi: 'Phí cấp bản sao', en: 'Copy fee' } },
      ],
    });
    deskCookie = await t.signIn(s.desk.username);
  });
  after(() => t.close());

  it('when an amount is written out, then Vietnamese reads it in đồng and English in plain words with figures in VND', () => {
    assert.equal(amountInWords(25_000), 'Hai mươi lăm nghìn đồng');
    assert.equal(amountInWords(25_000, 'en'), 'Twenty-five thousand dong');
    assert.equal(amountInWords(1_250_005, 'en'), 'One million two hundred and fifty thousand and five dong');
    assert.equal(amountInWords(100, 'en'), 'One hundred dong');
    assert.equal(amountInWords(0, 'en'), 'Zero dong');
    assert.equal(amountInFigures(1_250_000), '1.250.000 đồng');
    assert.equal(amountInFigures(1_250_000, 'en'), '1,250,000 VND');
  });

  it('when the applicant opens the fees page in English, then every label and the amount are English; Vietnamese stays the default', async () => {
    const code = await fileDossier(t, s, 'received');
    const en = await t.app.inject({ url: fees(code, '?so=4321&lang=en') });
    assert.equal(en.statusCode, 200, en.body);
    assert.match(en.body, /<html lang="en">/);
    assert.match(en.body, new RegExp(`Fees for dossier ${code.replace(/\./g, '\\.')}`));
    assert.match(en.body, /Certificate fee/);
    assert.match(en.body, /when the dossier is received/);
    assert.match(en.body, /5,000 VND/);
    assert.match(en.body, /<em data-words="true">Five thousand dong<\/em>/);
    assert.match(en.body, /Scan the VietQR code/);
    assert.deepEqual(vietnameseLeft(en.body), []);

    const vi = await t.app.inject({ url: fees(code, '?so=4321') });
    assert.match(vi.body, /<html lang="vi">/);
    assert.match(vi.body, /Phí, lệ phí của hồ sơ/);
    assert.match(vi.body, /<em data-words="true">Năm nghìn đồng<\/em>/);
    assert.match(vi.body, /5\.000 đồng/);
    assert.doesNotMatch(vi.body, /Certificate fee|VND/);
  });

  it('when the desk confirms nothing in English, then the error is English; in Vietnamese it is Vietnamese', async () => {
    const code = await fileDossier(t, s, 'received');
    for (const [lang, text, page] of [
      ['en', /Choose the fees collected\./, /Record a payment/],
      ['vi', /Chọn khoản phí đã thu\./, /Ghi nhận đã thu/],
    ] as const) {
      const f = await t.formToken(fees(code, `?lang=${lang}`), deskCookie);
      const res = await t.app.inject({
        method: 'POST',
        url: `/quan-tri/ho-so/${encodeURIComponent(code)}/le-phi?lang=${lang}`,
        headers: { cookie: f.cookie },
        payload: { _csrf: f.csrf, method: 'cash' },
      });
      assert.equal(res.statusCode, 400, res.body);
      assert.match(res.body, text);
      assert.match(res.body, page);
      if (lang === 'en') assert.deepEqual(vietnameseLeft(res.body), []);
    }
  });

  it('when the desk opens the open fees list in English, then its labels are English', async () => {
    const res = await t.app.inject({ url: '/quan-tri/le-phi?lang=en', headers: { cookie: deskCookie } });
    assert.equal(res.statusCode, 200);
    assert.match(res.body, /Fees awaiting payment/);
    assert.match(res.body, /Import a bank statement \(CSV\)/);
    // The list names each fee as written when it fell due (the catalogue's Vietnamese name).
    assert.deepEqual(vietnameseLeft(res.body, ['Lệ phí cấp giấy xác nhận']), []);
  });
});
