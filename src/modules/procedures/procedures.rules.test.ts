import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createCalendar } from '#modules/calendar/index.ts';
import { feesDue } from '#modules/payments/index.ts';
import { createTestApp, PROVINCE, type TestApp } from '#test/support/app.ts';
import { staffOf } from '#test/support/outputs.ts';
import { statutoryDueAt } from './procedures.clock.ts';
import { ensureCatalogue, getProcedure, saveProcedure, setVerified } from './procedures.service.ts';

/**
 * Issue 12, item 8: catalogue corrections, each with its source in docs/rules.md
 * (§ Payments and receipts, § Procedures catalogue). Every assertion here failed on the catalogue
 * before this change (per signature, 20 working days, no agency, no exclusion, no source).
 */

const text = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');

describe('catalogue corrections from docs/rules.md', () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp();
    await ensureCatalogue(t.platform.database.db);
  });
  after(() => t.close());
  const db = () => t.platform.database.db;

  it('when three signatures are certified on one paper, then one case is charged: 10,000 đồng, not 30,000 (Circular 226/2016/TT-BTC)', async () => {
    const p = await getProcedure(db(), '2.000884');
    assert.deepEqual(
      p.fees.map((f) => [f.amount, f.per, f.basis]),
      [[10000, 'case', 'Thông tư số 226/2016/TT-BTC']],
    );
    const due = feesDue(p, { documentName: 'Giấy ủy quyền', signatureCount: '3' }, 1, 'receipt');
    assert.deepEqual(
      due.map((d) => [d.quantity, d.amount]),
      [[1, 10_000]],
    );
    const page = text((await t.app.inject({ url: '/thu-tuc/2.000884' })).body);
    assert.match(page, /10\.000 đồng mỗi trường hợp \(một giấy tờ, dù có một hay nhiều chữ ký\)/);
  });

  it('when land-dispute mediation is received, then it is due 30 calendar days later, at the next working day when the 30th is a day off (Land Law 2024)', async () => {
    const p = await getProcedure(db(), '1.012812');
    assert.deepEqual([p.days, p.daysUnit], [30, 'calendar']);
    const cal = createCalendar();
    // Mon 2 Feb 2026 + 30 days = Wed 4 Mar 2026, across Tết.
    assert.equal(
      statutoryDueAt(p, new Date('2026-02-02T02:00:00Z'), cal).toISOString(),
      '2026-03-04T10:00:00.000Z',
    );
    // Thu 2 Apr + 30 = Sat 2 May; Sun 3 May off too → Mon 4 May, 17:00.
    assert.equal(
      statutoryDueAt(p, new Date('2026-04-02T02:00:00Z'), cal).toISOString(),
      '2026-05-04T10:00:00.000Z',
    );
    // A 3-day supplement pause moves it by 3 days.
    const paused = statutoryDueAt(p, new Date('2026-02-02T02:00:00Z'), cal, {
      pauses: [{ from: new Date('2026-02-03T02:00:00Z'), until: new Date('2026-02-06T02:00:00Z') }],
    });
    assert.equal(paused.toISOString(), '2026-03-09T10:00:00.000Z');
    // Working-day procedures are unchanged: the calendar module's own count.
    const birth = await getProcedure(db(), '1.004873');
    assert.equal(
      statutoryDueAt(birth, new Date('2026-03-02T02:00:00Z'), cal).toISOString(),
      '2026-03-05T10:00:00.000Z',
    );
    const page = text((await t.app.inject({ url: '/thu-tuc/1.012812' })).body);
    assert.match(page, /30 ngày \(tính cả thứ Bảy, Chủ nhật và ngày lễ\)/);
    assert.match(page, /Tính theo ngày lịch/);
  });

  it('when a residence procedure is shown, then the commune police is named as its agency (Circular 66/2023/TT-BCA)', async () => {
    for (const code of ['1.004222', '1.004194', '1.010041']) {
      assert.equal((await getProcedure(db(), code)).agency, 'police', code);
    }
    assert.equal((await getProcedure(db(), '1.001193')).agency, undefined);
    const page = text((await t.app.inject({ url: '/thu-tuc/1.004194' })).body);
    assert.match(page, /Nơi giải quyết: Công an xã \(giấy tờ theo mẫu của Thông tư số 66\/2023\/TT-BCA\)/);
  });

  it('when land is registered, then the time paying land charges is recorded as not counted against the deadline', async () => {
    assert.deepEqual((await getProcedure(db(), '1.013978')).clockExclusions, ['financial_obligations']);
    const page = text((await t.app.inject({ url: '/thu-tuc/1.013978' })).body);
    assert.match(page, /Không tính thời gian người nộp thực hiện nghĩa vụ tài chính về đất đai/);
  });

  it('when a procedure is checked with a source, then the banner goes and the source shows; unchecked ones keep the banner', async () => {
    const admin = await staffOf(t, 'rules_admin', 'admin', PROVINCE);
    const p = await getProcedure(db(), '2.000884');
    const { version: _v, updatedAt: _u, verifiedAt: _a, verifiedBy: _b, ...definition } = p;
    await saveProcedure(admin.ctx, {
      ...definition,
      verified: true,
      checkedAgainst: 'Thông tư số 226/2016/TT-BTC; bản ghi thủ tục 2.000884 trên Cơ sở dữ liệu quốc gia',
    });
    const checked = text((await t.app.inject({ url: '/thu-tuc/2.000884' })).body);
    assert.doesNotMatch(checked, /chưa được cán bộ đối chiếu/);
    assert.match(
      checked,
      /Đã được cán bộ đối chiếu với: Thông tư số 226\/2016\/TT-BTC; bản ghi thủ tục 2\.000884/,
    );
    const unchecked = text((await t.app.inject({ url: '/thu-tuc/2.000815' })).body);
    assert.match(unchecked, /chưa được cán bộ đối chiếu với văn bản pháp luật/);
    await setVerified(admin.ctx, '2.000884', false);
    assert.match(text((await t.app.inject({ url: '/thu-tuc/2.000884' })).body), /chưa được cán bộ đối chiếu/);
  });
});
