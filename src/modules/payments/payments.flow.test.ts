import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { getDossierRecord } from '#modules/dossiers/index.ts';
import { createTestApp, type TestApp } from '#test/support/app.ts';
import {
  fileDossier,
  type OutputSetup,
  PAYMENT_ENV,
  pdfText,
  popplerSkipReason,
  setupOutputs,
} from '#test/support/outputs.ts';
import { feeView, importStatement, paymentsDeps } from './index.ts';
import { decodeVietQr } from './vietqr.ts';

const fees = (code: string, qs = '') => `/ho-so/${encodeURIComponent(code)}/le-phi${qs}`;

describe('fees of a dossier: due at the moment the procedure says, paid by VietQR or at the desk', {
  skip: popplerSkipReason(),
}, () => {
  let t: TestApp;
  let s: OutputSetup;
  let deskCookie: string;

  before(async () => {
    t = await createTestApp({
      env: PAYMENT_ENV,
      clock: { now: () => new Date('2026-11-23T02:00:00Z') },
    });
    s = await setupOutputs(t);
    deskCookie = await t.signIn(s.desk.username);
  });
  after(() => t.close());

  const statuses = async (code: string) =>
    t.platform.database.query<{ fee_id: string; moment: string; amount: number; status: string }>(
      'select fee_id, moment, amount, status from payment_dues where dossier_code = $1 order by id',
      [code],
    );

  it('when a dossier is only submitted, then nothing is due; once received, the receipt fee is', async () => {
    const submitted = await fileDossier(t, s, 'submitted');
    assert.deepEqual(await statuses(submitted), []);
    const received = await fileDossier(t, s, 'received');
    assert.deepEqual(await statuses(received), [
      { fee_id: 'lePhi', moment: 'receipt', amount: 5000, status: 'due' },
    ]);
  });

  it('when the result is approved, then the return fee falls due at the online price per copy', async () => {
    const code = await fileDossier(t, s, 'approved', { copies: 3 });
    assert.deepEqual(
      (await statuses(code)).map((r) => [r.fee_id, r.moment, Number(r.amount)]),
      [
        ['lePhi', 'receipt', 5000],
        ['phiBanSao', 'return', 12_000],
      ],
    );
  });

  it('when the applicant opens the fee page, then the amount shows in figures and words, with a VietQR that pays exactly that', async () => {
    const code = await fileDossier(t, s, 'received');
    const res = await t.app.inject({ url: fees(code, '?so=4321') });
    assert.equal(res.statusCode, 200, res.body);
    assert.match(res.body, /data-amount="5000"/);
    assert.match(res.body, /5\.000 đồng/);
    assert.match(res.body, /Năm nghìn đồng/);
    assert.match(res.body, /<svg[^>]*>/, 'the QR code is drawn on the server');
    assert.doesNotMatch(res.body, /<script/);
    const d = await getDossierRecord(t.platform.database.db, { code });
    const v = await feeView(s.desk.ctx, paymentsDeps(t.platform), d);
    const qr = decodeVietQr(v.qr?.payload ?? '');
    assert.deepEqual(
      [qr.valid, qr.bin, qr.account, qr.amount, qr.purpose],
      [true, '970405', '8888123456789', 5000, code],
    );
    const stranger = await t.app.inject({ url: fees(code, '?so=0000') });
    assert.equal(stranger.statusCode, 404);
  });

  it('when the desk confirms cash, then the fee is paid, form 01 says so, and the receipt gives the total in words', async () => {
    const code = await fileDossier(t, s, 'received');
    const slipBefore = pdfText(
      (await t.app.inject({ url: `/ho-so/${encodeURIComponent(code)}/giay-to/tiep-nhan.pdf?so=4321` }))
        .rawPayload,
    );
    assert.ok(slipBefore.includes('Lệ phí cấp giấy xác nhận: 5.000 đồng (chưa nộp).'), slipBefore);

    const specialist = await t.signIn(s.specialist.username);
    const sf = await t.formToken(fees(code), specialist);
    const [due] = await t.platform.database.query<{ id: number }>(
      'select id from payment_dues where dossier_code = $1',
      [code],
    );
    const denied = await t.app.inject({
      method: 'POST',
      url: `/quan-tri/ho-so/${encodeURIComponent(code)}/le-phi`,
      headers: { cookie: sf.cookie },
      payload: { _csrf: sf.csrf, dueIds: String(due?.id), method: 'cash' },
    });
    assert.equal(denied.statusCode, 403, 'a specialist does not collect money');

    const f = await t.formToken(fees(code), deskCookie);
    assert.match(
      (await t.app.inject({ url: fees(code), headers: { cookie: deskCookie } })).body,
      /Xác nhận đã thu/,
    );
    const ok = await t.app.inject({
      method: 'POST',
      url: `/quan-tri/ho-so/${encodeURIComponent(code)}/le-phi`,
      headers: { cookie: f.cookie },
      payload: { _csrf: f.csrf, dueIds: String(due?.id), method: 'cash', reference: 'QB01/0042' },
    });
    assert.equal(ok.statusCode, 303, ok.body);
    assert.deepEqual(
      (await statuses(code)).map((r) => r.status),
      ['paid'],
    );

    const slip = pdfText(
      (await t.app.inject({ url: `/ho-so/${encodeURIComponent(code)}/giay-to/tiep-nhan.pdf?so=4321` }))
        .rawPayload,
    );
    assert.ok(slip.includes('Lệ phí cấp giấy xác nhận: 5.000 đồng (đã nộp).'), slip);
    const receipt = await t.app.inject({
      url: fees(code, '/bien-lai.pdf?so=4321').replace('le-phi/', 'le-phi/'),
    });
    assert.equal(receipt.statusCode, 200);
    const text = pdfText(receipt.rawPayload);
    for (const phrase of [
      'BIÊN LAI THU PHÍ, LỆ PHÍ',
      'Lệ phí cấp giấy xác nhận',
      'Tổng số tiền: 5.000 đồng',
      'Bằng chữ: Năm nghìn đồng.',
      'Tiền mặt tại Bộ phận một cửa',
    ]) {
      assert.ok(text.includes(phrase), `missing "${phrase}" in ${text}`);
    }
  });

  it('when a bank statement is imported, then credits naming a dossier pay its fees; repeats, strangers and wrong amounts are listed, not paid', async () => {
    const a = await fileDossier(t, s, 'received');
    const b = await fileDossier(t, s, 'approved', { copies: 2 }); // 5,000 at receipt + 8,000 at return
    const c = await fileDossier(t, s, 'received');
    const compactB = b.replace(/[^0-9A-Z]/g, '');
    const csv = [
      'Ngày giao dịch,Số tham chiếu,Nội dung,Số tiền',
      `23/11/2026 08:00,FT001,"LY THI NGUYET chuyen khoan ${a} le phi",5.000`,
      `23/11/2026 08:05,FT002,"MBVCB.9981 ${compactB}",13.000`,
      `23/11/2026 08:06,FT001,"LY THI NGUYET chuyen khoan ${a} le phi",5.000`,
      '23/11/2026 08:10,FT003,"ung ho quy phong chong thien tai",200.000',
      `23/11/2026 08:15,FT004,"${c}",7.000`,
    ].join('\n');
    const r = await importStatement(s.desk.ctx, paymentsDeps(t.platform), 'sao-ke.csv', csv);
    assert.deepEqual(
      r.lines.map((l) => [l.reference, l.outcome]),
      [
        ['FT001', 'matched'],
        ['FT002', 'matched'],
        ['FT001', 'duplicate'],
        ['FT003', 'no_code'],
        ['FT004', 'amount_mismatch'],
      ],
    );
    assert.equal(r.matched, 2);
    assert.deepEqual(
      (await statuses(a)).map((x) => x.status),
      ['paid'],
    );
    assert.deepEqual(
      (await statuses(b)).map((x) => x.status),
      ['paid', 'paid'],
    );
    assert.deepEqual(
      (await statuses(c)).map((x) => x.status),
      ['due'],
    );
    const again = await importStatement(s.desk.ctx, paymentsDeps(t.platform), 'sao-ke.csv', csv);
    assert.equal(again.matched, 0, 'importing the same statement twice pays nothing twice');
  });
});
