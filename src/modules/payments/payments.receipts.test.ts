import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'drizzle-orm';
import { getDossierRecord } from '#modules/dossiers/index.ts';
import { Forbidden } from '#platform/errors.ts';
import { COMMUNE_A, createTestApp, type TestApp } from '#test/support/app.ts';
import {
  fileDossier,
  type OutputSetup,
  PAYMENT_ENV,
  pdfText,
  popplerSkipReason,
  setupOutputs,
  staffOf,
} from '#test/support/outputs.ts';
import { confirmPayment, issueReceipt, paymentsDeps, setReceiptSeries } from './index.ts';

/**
 * Issue 12, item 9: receipts with the fields of an electronic receipt (Decree 123/2020/NĐ-CP,
 * Circular 78/2021/TT-BTC; docs/rules.md § Payments and receipts) and numbers without gaps per
 * series. Before this change a receipt had no template symbol, series, number or tax code.
 */
describe('fee receipts: template symbol, series, an unbroken number per series, the unit and its tax code', {
  skip: popplerSkipReason(),
}, () => {
  let t: TestApp;
  let s: OutputSetup;
  let adminCookie: string;
  const base = `/quan-tri/le-phi/tai-khoan/${COMMUNE_A}`;

  before(async () => {
    t = await createTestApp({ env: PAYMENT_ENV, clock: { now: () => new Date('2026-11-23T02:00:00Z') } });
    s = await setupOutputs(t);
    await staffOf(t, 'xa_admin', 'admin', COMMUNE_A);
    adminCookie = await t.signIn('xa_admin');
  });
  after(() => t.close());

  const dueIdOf = async (code: string) => {
    const [row] = await t.platform.database.query<{ id: number }>(
      "select id from payment_dues where dossier_code = $1 and status = 'due' order by id limit 1",
      [code],
    );
    return Number(row?.id);
  };
  const numbers = async () =>
    (
      await t.platform.database.query<{ number: number }>(
        "select number from fee_receipts where series = 'AB-26E' order by number",
      )
    ).map((r) => Number(r.number));

  it('when the commune admin declares a series with a wrong tax code, then the form says which field; a right one is saved', async () => {
    const bad = await t.formToken(base, adminCookie);
    const refused = await t.app.inject({
      method: 'POST',
      url: `${base}/bien-lai`,
      headers: { cookie: bad.cookie, accept: 'text/html' },
      payload: {
        _csrf: bad.csrf,
        templateCode: '01blp0-001',
        series: 'AB-26E',
        taxCode: '12345',
        unitName: 'UBND xã Mẫu Sơn',
      },
    });
    assert.equal(refused.statusCode, 400);
    assert.match(refused.body, /Mã số thuế gồm 10 chữ số/);
    assert.match(refused.body, /value="01blp0-001"/, 'what was typed is kept');

    const ok = await t.app.inject({
      method: 'POST',
      url: `${base}/bien-lai`,
      headers: { cookie: bad.cookie, accept: 'text/html' },
      payload: {
        _csrf: bad.csrf,
        templateCode: '01blp0-001',
        series: 'ab-26e',
        taxCode: '4900123456',
        unitName: 'Ủy ban nhân dân xã Mẫu Sơn',
      },
    });
    assert.equal(ok.statusCode, 303, ok.body);
    const page = await t.app.inject({ url: base, headers: { cookie: adminCookie } });
    assert.match(page.body, /data-series="01BLP0-001 AB-26E"/);
    assert.match(page.body, /Số biên lai tiếp theo: 0000001/);
  });

  it('when the desk confirms a payment, then the receipt carries the template, series, number, tax code, payer, fee with its basis, figures and words', async () => {
    const code = await fileDossier(t, s, 'received');
    await confirmPayment(s.desk.ctx, paymentsDeps(t.platform), code, {
      dueIds: [await dueIdOf(code)],
      method: 'cash',
    });
    const res = await t.app.inject({ url: `/ho-so/${encodeURIComponent(code)}/le-phi/bien-lai.pdf?so=4321` });
    assert.equal(res.statusCode, 200);
    const text = pdfText(res.rawPayload);
    for (const phrase of [
      'BIÊN LAI THU PHÍ, LỆ PHÍ',
      '(Bản thể hiện của biên lai điện tử)',
      'Ký hiệu mẫu số: 01BLP0-001',
      'Ký hiệu: AB-26E',
      'Số: 0000001',
      'Tên đơn vị thu phí, lệ phí: Ủy ban nhân dân xã Mẫu Sơn',
      'Mã số thuế: 4900123456',
      'Họ tên người nộp: Lý Thị Nguyệt',
      'Lệ phí cấp giấy xác nhận',
      'Căn cứ: Nghị quyết của Hội đồng nhân dân tỉnh (thử nghiệm)',
      'Tổng số tiền: 5.000 đồng',
      'Bằng chữ: Năm nghìn đồng.',
    ]) {
      assert.ok(text.includes(phrase), `missing "${phrase}" in ${text}`);
    }
  });

  it('when eight payments are confirmed at once and one payment fails mid-way, then the numbers still run without a gap or a repeat', async () => {
    const codes: string[] = [];
    for (let i = 0; i < 8; i++) codes.push(await fileDossier(t, s, 'received'));
    const dues = await Promise.all(codes.map(dueIdOf));
    await Promise.all(
      codes.map((code, i) =>
        confirmPayment(s.desk.ctx, paymentsDeps(t.platform), code, {
          dueIds: [dues[i] as number],
          method: 'cash',
        }),
      ),
    );
    assert.deepEqual(await numbers(), [1, 2, 3, 4, 5, 6, 7, 8, 9]);

    // A payment whose transaction fails after taking its number (the write after it is refused).
    const failing = await fileDossier(t, s, 'received');
    const d = await getDossierRecord(t.platform.database.db, { code: failing });
    const due = await dueIdOf(failing);
    await assert.rejects(
      t.platform.database.db.transaction(async (tx) => {
        const r = await issueReceipt(tx, d, [{ id: due, amount: 5000 }], {
          method: 'cash',
          at: new Date('2026-11-23T03:00:00Z'),
        });
        assert.equal(r?.number, 10, 'number 10 was taken inside the transaction');
        // The payment's next write fails.
        await tx.execute(sql`select 1 / 0`);
      }),
    );
    assert.deepEqual(await numbers(), [1, 2, 3, 4, 5, 6, 7, 8, 9], 'the failed payment left no receipt');
    await confirmPayment(s.desk.ctx, paymentsDeps(t.platform), failing, { dueIds: [due], method: 'cash' });
    assert.deepEqual(
      await numbers(),
      [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
      'its number was given back, not skipped',
    );
  });

  it('when the commune switches to a new series, then it starts at its first number and the old series keeps what it issued', async () => {
    await assert.rejects(setReceiptSeries(s.desk.ctx, COMMUNE_A, {}), Forbidden, 'a receptionist may not');
    const admin = (await staffOf(t, 'xa_admin2', 'admin', COMMUNE_A)).ctx;
    await setReceiptSeries(admin, COMMUNE_A, {
      templateCode: '01BLP0-001',
      series: 'AC-26E',
      taxCode: '4900123456',
      unitName: 'Ủy ban nhân dân xã Mẫu Sơn',
      firstNumber: '51',
    });
    const code = await fileDossier(t, s, 'received');
    await confirmPayment(s.desk.ctx, paymentsDeps(t.platform), code, {
      dueIds: [await dueIdOf(code)],
      method: 'cash',
    });
    const [r] = await t.platform.database.query<{ series: string; number: number }>(
      'select series, number from fee_receipts where dossier_code = $1',
      [code],
    );
    assert.deepEqual([r?.series, Number(r?.number)], ['AC-26E', 51]);
    assert.equal((await numbers()).length, 10);
  });
});
