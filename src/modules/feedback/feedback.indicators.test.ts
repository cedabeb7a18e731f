import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { collectorEngine, listCollectors } from '#modules/indicators/index.ts';
import { fixedClock } from '#platform/clock.ts';
import { COMMUNE_A, type TestApp } from '#test/support/app.ts';
import { feedbackTestApp, reportRow, submitReport, tokenOf } from './feedback.test-support.ts';

// Issue 18: feedback's counts reach the indicator values through the collector (decision 027) that
// reads the view `feedback_facts`, as the work happens.

// Monday 7 December 2026, 09:00 in Vietnam (ISO week 2026W50).
const clock = fixedClock(new Date('2026-12-07T09:00:00+07:00'));

describe('feedback counts in the indicators', () => {
  let t: TestApp;
  let handler: string;
  before(async () => {
    t = await feedbackTestApp({ clock });
    await t.user('chiso_xa', 'feedback_handler', COMMUNE_A);
    handler = await t.signIn('chiso_xa');
  });
  after(() => t.close());

  const value = async (element: string, period: string) => {
    const [r] = await t.platform.database.query<{ v: string; source: string }>(
      'select value::text as v, source from indicator_values where element = $1 and period = $2 and place_id = $3',
      [element, period, t.places.a.id],
    );
    if (r) assert.equal(r.source, 'feedback', 'each value says where it came from');
    return r ? Number(r.v) : 0;
  };

  /** Milliseconds until `check` holds, polling every 10 ms; fails past 5 s. */
  const until = async (check: () => Promise<boolean>) => {
    const t0 = performance.now();
    while (!(await check())) {
      if (performance.now() - t0 > 5000) assert.fail('the values did not follow within 5 s');
      await new Promise((r) => setTimeout(r, 10));
    }
    return performance.now() - t0;
  };

  async function act(id: number, action: string, fields: Record<string, string> = {}) {
    const { csrf, cookie } = await t.formToken(`/quan-tri/phan-anh/${id}`, handler);
    const res = await t.app.inject({
      method: 'POST',
      url: `/quan-tri/phan-anh/${id}/${action}`,
      headers: { cookie, accept: 'text/html' },
      payload: { _csrf: csrf, ...fields },
    });
    assert.equal(res.statusCode, 303, res.body.slice(0, 300));
  }

  it('when a report is received, accepted, answered and published on time, then its commune counts each within 5 s; reopening takes the answer back', async (tc) => {
    assert.ok(listCollectors().some((c) => c.source === 'feedback'));
    const { res } = await submitReport(t, {
      category: 'roads',
      description: 'Cầu treo Khuổi Tào bị đứt một dây cáp.',
    });
    const row = await reportRow(t, tokenOf(res));
    const received = await until(async () => (await value('PA_NHAN', '202612')) === 1);
    assert.equal(await value('PA_NHAN', '2026W50'), 1, 'the ISO week too');

    await act(row.id, 'tiep-nhan');
    await until(async () => (await value('PA_TIEP_NHAN_DUNG_HAN', '202612')) === 1);
    assert.equal(await value('PA_TIEP_NHAN', '202612'), 1);

    // Tuesday 8/12: answered (due 15 working days on) and published (due 2 on).
    clock.set(new Date('2026-12-08T10:00:00+07:00'));
    await act(row.id, 'tra-loi', { reply: 'Đã thay cáp, cầu đi lại bình thường.' });
    const answered = await until(async () => (await value('PA_TRA_LOI_DUNG_HAN', '202612')) === 1);
    await act(row.id, 'cong-khai');
    await until(async () => (await value('PA_CONG_KHAI_DUNG_HAN', '202612')) === 1);
    tc.diagnostic(`received → values ${received.toFixed(0)} ms; answered → values ${answered.toFixed(0)} ms`);
    assert.equal(await value('PA_TRA_LOI', '202612'), 1);
    assert.equal(await value('PA_TU_CHOI', '202612'), 0);

    // Wednesday 9/12: reopened, the answer is no longer counted until a new one.
    clock.set(new Date('2026-12-09T10:00:00+07:00'));
    await act(row.id, 'mo-lai', { reason: 'Người dân báo cáp vẫn lỏng.' });
    await until(async () => (await value('PA_TRA_LOI', '202612')) === 0);
    assert.equal(await value('PA_CONG_KHAI', '202612'), 1, 'what was published stays published');
    await collectorEngine(t.platform)?.settled();
  });
});
