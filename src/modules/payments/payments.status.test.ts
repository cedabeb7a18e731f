import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { act, dossierDeps, getDossierRecord, sweepOverdue, systemCtx } from '#modules/dossiers/index.ts';
import { createTestApp, type TestApp } from '#test/support/app.ts';
import { fileDossier, type OutputSetup, PAYMENT_ENV, setupOutputs } from '#test/support/outputs.ts';
import { confirmPayment, importStatement, paymentsDeps } from './index.ts';

/**
 * National status 6 (payment required) driven by the fees: the payments module records
 * `payment_requested` / `payment_received` in the dossier's log, in the transaction of its own write.
 * OUTPUT_PROCEDURE owes 5,000 đồng at receipt and 4,000 a copy online at the return.
 */
describe('payment required (status 6): set while a fee is unpaid, lifted when it is paid', () => {
  let t: TestApp;
  let s: OutputSetup;
  let now = new Date('2026-11-23T02:00:00Z');

  before(async () => {
    t = await createTestApp({
      env: PAYMENT_ENV,
      clock: { now: () => now },
    });
    s = await setupOutputs(t);
  });
  after(() => t.close());

  const tracking = async (code: string, lang?: 'en') => {
    const res = await t.app.inject({
      url: `/api/v1/dossiers/${encodeURIComponent(code)}?phone4=4321`,
      ...(lang ? { cookies: { lang } } : {}),
    });
    assert.equal(res.statusCode, 200, res.body);
    return res.json() as {
      statusCode: number;
      status: string;
      dueAt: string | null;
      paused: boolean;
      timeline: { type: string; statusCode: number; text: string }[];
    };
  };
  const dueIds = async (code: string, moment?: string) =>
    (
      await t.platform.database.query<{ id: number }>(
        `select id from payment_dues where dossier_code = $1 ${moment ? 'and moment = $2' : ''} order by id`,
        moment ? [code, moment] : [code],
      )
    ).map((r) => Number(r.id));
  const sms = (code: string, template: string) =>
    t.platform.database.query<{ body: string }>(
      'select body from notifications where template = $1 and body like $2 order by id',
      [template, `%${code}%`],
    );

  it('when a received dossier owes its receipt fee, then tracking reports 6 with the fee in the timeline, and 4 once the desk confirms the cash', async () => {
    const code = await fileDossier(t, s, 'received');
    const unpaid = await tracking(code);
    assert.equal(unpaid.statusCode, 6);
    assert.equal(unpaid.status, 'Chờ nộp phí');
    assert.equal(unpaid.paused, false, 'the statutory clock does not stop for a fee');
    const asked = unpaid.timeline.at(-1);
    assert.equal(asked?.type, 'payment_requested');
    assert.equal(asked?.statusCode, 6);
    assert.match(asked?.text ?? '', /^Hồ sơ cần nộp phí, lệ phí: 5\.000 đồng\./);
    assert.match((await tracking(code, 'en')).timeline.at(-1)?.text ?? '', /^A fee is due: 5,000 dong\./);
    assert.equal((await sms(code, 'dossiers.payment_requested')).length, 1, 'one SMS asks for the fee');

    await confirmPayment(s.desk.ctx, paymentsDeps(t.platform), code, {
      dueIds: await dueIds(code),
      method: 'cash',
    });
    const paid = await tracking(code);
    assert.equal(paid.statusCode, 4);
    assert.deepEqual(
      paid.timeline.slice(-2).map((e) => [e.type, e.statusCode]),
      [
        ['payment_requested', 6],
        ['payment_received', 4],
      ],
    );
    assert.equal(paid.timeline.at(-1)?.text, 'Đã nhận đủ phí, lệ phí: 5.000 đồng. Cảm ơn bạn.');
    assert.equal(paid.dueAt, unpaid.dueAt, 'the due time is the one announced at receipt');
    const d = await getDossierRecord(t.platform.database.db, { code });
    assert.deepEqual([d.status, d.step, d.payment], [4, 'in_progress', null]);
    assert.equal(d.actions.at(-1)?.payload.method, 'cash');
    assert.equal((await sms(code, 'dossiers.payment_received')).length, 1);
  });

  it('when only one of two fees is paid, then the dossier stays at 6 until the last one is', async () => {
    const code = await fileDossier(t, s, 'approved'); // 5,000 at receipt + 8,000 at the return
    assert.equal((await tracking(code)).statusCode, 6);
    const [receipt] = await dueIds(code, 'receipt');
    await confirmPayment(s.desk.ctx, paymentsDeps(t.platform), code, {
      dueIds: [receipt as number],
      method: 'cash',
    });
    assert.equal((await tracking(code)).statusCode, 6, 'the return fee is still owed');
    await confirmPayment(s.desk.ctx, paymentsDeps(t.platform), code, {
      dueIds: await dueIds(code, 'return'),
      method: 'transfer',
    });
    const d = await getDossierRecord(t.platform.database.db, { code });
    assert.deepEqual([d.status, d.step], [9, 'decided']);
    assert.equal(d.actions.filter((a) => a.type === 'payment_received').length, 1);
  });

  it('when a bank statement pays everything an approved dossier owes, then it leaves 6 for 9, and reaches 10 when the result is handed over', async () => {
    const code = await fileDossier(t, s, 'approved');
    const before = await getDossierRecord(t.platform.database.db, { code });
    assert.deepEqual([before.status, before.step], [6, 'decided']);
    const csv = [
      'Ngày giao dịch,Số tham chiếu,Nội dung,Số tiền',
      `23/11/2026 08:05,FT901,"LY THI NGUYET ${code.replace(/[^0-9A-Z]/g, '')} nop phi",13.000`,
    ].join('\n');
    const r = await importStatement(s.desk.ctx, paymentsDeps(t.platform), 'sao-ke.csv', csv);
    assert.deepEqual(
      r.lines.map((l) => l.outcome),
      ['matched'],
    );
    const paid = await tracking(code);
    assert.equal(paid.statusCode, 9);
    assert.deepEqual(paid.timeline.at(-1)?.type, 'payment_received');
    const d = await getDossierRecord(t.platform.database.db, { code });
    assert.equal(d.actions.at(-1)?.payload.method, 'transfer');
    await act(s.desk.ctx, s.deps, code, { type: 'result_ready' });
    await act(s.desk.ctx, s.deps, code, { type: 'result_returned' });
    assert.equal((await tracking(code)).statusCode, 10);
  });

  it('when the fee page is opened again or the same statement imported twice, then no second request or receipt is logged', async () => {
    const code = await fileDossier(t, s, 'received');
    for (let i = 0; i < 2; i++) {
      const res = await t.app.inject({ url: `/ho-so/${encodeURIComponent(code)}/le-phi?so=4321` });
      assert.equal(res.statusCode, 200);
    }
    const csv = ['Ngày,Số tham chiếu,Nội dung,Số tiền', `23/11/2026 09:00,FT902,"${code}",5.000`].join('\n');
    await importStatement(s.desk.ctx, paymentsDeps(t.platform), 'a.csv', csv);
    await importStatement(s.desk.ctx, paymentsDeps(t.platform), 'a.csv', csv);
    const d = await getDossierRecord(t.platform.database.db, { code });
    assert.deepEqual(
      d.actions.filter((a) => a.type.startsWith('payment_')).map((a) => a.type),
      ['payment_requested', 'payment_received'],
    );
  });

  it('when the tracking page is opened while a fee is unpaid, then it says so in plain words and links to the fee page', async () => {
    const code = await fileDossier(t, s, 'received');
    const res = await t.app.inject({ url: `/tra-cuu?ma=${encodeURIComponent(code)}&so=4321` });
    assert.equal(res.statusCode, 200);
    assert.match(res.body, /Hồ sơ đang chờ bạn nộp phí, lệ phí: 5\.000 đồng\./);
    assert.ok(
      res.body.includes(`href="/ho-so/${encodeURIComponent(code)}/le-phi?so=4321"`),
      'links to the fees',
    );
    assert.match(res.body, /data-type="payment_requested"/);
  });

  // Moves the clock: keep it last.
  it('when a fee is unpaid and the due time passes, then the overdue sweep still marks the dossier; a decided one waiting for its fee is not late', async () => {
    const running = await fileDossier(t, s, 'received');
    const decided = await fileDossier(t, s, 'approved');
    assert.deepEqual([(await tracking(running)).statusCode, (await tracking(decided)).statusCode], [6, 6]);
    now = new Date('2026-12-31T02:00:00Z');
    const marked = await sweepOverdue(systemCtx(t.platform), dossierDeps(t.platform));
    assert.ok(marked.includes(running), 'the clock ran on while the fee was unpaid');
    assert.ok(!marked.includes(decided));
    const d = await getDossierRecord(t.platform.database.db, { code: running });
    assert.deepEqual([d.status, d.actions.at(-1)?.type], [6, 'overdue']);
  });
});
