import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { fixedClock } from '#platform/clock.ts';
import { PROVINCE, type TestApp } from '#test/support/app.ts';
import { escalateOverdue } from './feedback.escalation.ts';
import { feedbackTestApp, reportRow, submitReport, tokenOf } from './feedback.test-support.ts';

// Issue 12, item 1: feedback counts its deadlines on the province's calendar (the calendar module's
// `provinceCalendar`), so a day off the province declares moves feedback deadlines as it moves
// dossier deadlines. Every date below is counted by hand on the 2026 calendar (Labour Code art. 112:
// 24/11 is a day off from 2026), with the override the province admin enters.

// Monday 23 November 2026, 09:00 in Vietnam.
const clock = fixedClock(new Date('2026-11-23T02:00:00Z'));

describe('feedback deadlines on the province calendar', () => {
  let t: TestApp;
  let admin: string;
  before(async () => {
    t = await feedbackTestApp({ clock });
    await t.user('lich_tinh', 'admin', PROVINCE);
    admin = await t.signIn('lich_tinh');
  });
  after(() => t.close());

  async function report(description: string) {
    const { res } = await submitReport(t, { category: 'water', description });
    assert.equal(res.statusCode, 303, res.body.slice(0, 300));
    return reportRow(t, tokenOf(res));
  }

  it('when the province declares days off (a swap for a Saturday), then a report sent afterwards is due later by those days, and so is its new deadline at the province after escalation', async () => {
    const before = await report('Ống nước đầu thôn Khuổi Tào bị vỡ, nước chảy tràn đường.');
    // From Mon 23/11 (24/11 off), to accept: 2 working days, 25, 26/11; to answer: 15, 25, 26, 27,
    // 30/11, 1, 2, 3, 4, 7, 8, 9, 10, 11, 14, 15/12.
    assert.equal((before.accept_due_at as Date).toISOString(), '2026-11-26T10:00:00.000Z');
    assert.equal((before.due_at as Date).toISOString(), '2026-12-15T10:00:00.000Z');

    const { csrf, cookie } = await t.formToken('/quan-tri/mot-cua/lich', admin);
    const saved = await t.app.inject({
      method: 'POST',
      url: '/quan-tri/mot-cua/lich',
      headers: { cookie, accept: 'text/html' },
      payload: {
        _csrf: csrf,
        year: '2026',
        add: '2026-11-25\n2026-12-15',
        remove: '',
        workingDays: '2026-12-26',
        note: 'Hoán đổi ngày nghỉ (thử nghiệm)',
      },
    });
    assert.equal(saved.statusCode, 303, saved.body.slice(0, 300));

    const afterSwap = await report('Nước máy ở bản Pò Đứa đục ngầu ba ngày nay.');
    // 25/11 and 15/12 are now off too (26/12 is worked, after both deadlines): to accept, 26, 27/11;
    // to answer, 26, 27, 30/11, 1, 2, 3, 4, 7, 8, 9, 10, 11, 14, 16, 17/12.
    assert.equal((afterSwap.accept_due_at as Date).toISOString(), '2026-11-27T10:00:00.000Z');
    assert.equal((afterSwap.due_at as Date).toISOString(), '2026-12-17T10:00:00.000Z');

    // Monday 30/11, 09:00: neither was accepted in time at the commune; both go to the province,
    // where the answer's 15 working days start again: 1, 2, 3, 4, 7, 8, 9, 10, 11, 14, (15 off),
    // 16, 17, 18, 21, 22/12.
    clock.set(new Date('2026-11-30T02:00:00Z'));
    const moved = await escalateOverdue(t.platform.database.db, t.platform.events, clock);
    assert.deepEqual(moved.sort(), [before.service_request_id, afterSwap.service_request_id].sort());
    for (const r of [before, afterSwap]) {
      const [row] = await t.platform.database.query<{ due_at: Date; handling_level: string }>(
        'select due_at, handling_level from feedback_reports where id = $1',
        [r.id],
      );
      assert.equal(row?.handling_level, 'province');
      assert.equal(row?.due_at.toISOString(), '2026-12-22T10:00:00.000Z');
    }
  });
});
