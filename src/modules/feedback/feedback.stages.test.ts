import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { fixedClock } from '#platform/clock.ts';
import { COMMUNE_A, COMMUNE_B, PROVINCE, type TestApp } from '#test/support/app.ts';
import { escalateOverdue } from './feedback.escalation.ts';
import { feedbackFigures } from './feedback.figures.ts';
import { feedbackTestApp, reportRow, submitReport, tokenOf } from './feedback.test-support.ts';

// Issue 12, item 7: feedback deadlines as the national measure counts them: 2 working days to accept
// or refuse, 5 to ask for more information, 15 to answer, 2 to publish the answer, each counted from
// the day after the sending (docs/rules.md, "Feedback": the portal's description of indicator 5.2).
//
// Fixture F4 of docs/rules-766-fixtures.md (data/index-766/fixtures.json, "F4-feedback-deadlines"),
// computed there by hand on the April 2026 calendar for civil servants: weekends, Monday 27/4 (the
// day in lieu of Hùng Kings' day, Sunday 26/4) and Thursday 30/4 off. Each action below happens at
// 09:00 in Vietnam on the fixture's day. The due and late instants are counted here by hand too: due
// at 17:00 on the last working day, late from 00:00 of the next working day.

/** 09:00 in Vietnam on an April 2026 day. */
const april = (day: number) => new Date(`2026-04-${String(day).padStart(2, '0')}T09:00:00+07:00`);
const vn = (iso: string) => new Date(iso).toISOString();

describe('feedback stages on the April 2026 calendar: fixture F4', () => {
  const clock = fixedClock(april(1));
  let t: TestApp;
  let handler: string;
  const k: Record<string, { id: number; token: string; code: string }> = {};

  before(async () => {
    t = await feedbackTestApp({ clock });
    await t.user('f4_xa', 'feedback_handler', COMMUNE_A);
    await t.user('f4_xa_b', 'feedback_handler', COMMUNE_B);
    handler = await t.signIn('f4_xa');
  });
  after(() => t.close());

  async function send(id: string, day: number, commune = COMMUNE_A) {
    clock.set(april(day));
    const { res } = await submitReport(t, {
      commune,
      category: 'roads',
      description: `Phản ánh ${id}: đường vào bản bị sạt lở sau mưa lớn.`,
      phone: '0912345678',
    });
    assert.equal(res.statusCode, 303, res.body.slice(0, 300));
    const token = tokenOf(res);
    const row = await reportRow(t, token);
    k[id] = { id: row.id, token, code: row.service_request_id };
  }

  async function act(id: string, day: number, action: string, fields: Record<string, string> = {}) {
    clock.set(april(day));
    const report = k[id];
    assert.ok(report);
    const { csrf, cookie } = await t.formToken(`/quan-tri/phan-anh/${report.id}`, handler);
    const res = await t.app.inject({
      method: 'POST',
      url: `/quan-tri/phan-anh/${report.id}/${action}`,
      headers: { cookie, accept: 'text/html' },
      payload: { _csrf: csrf, ...fields },
    });
    assert.equal(res.statusCode, 303, `${id} ${action}: ${res.body.slice(0, 500)}`);
  }

  async function rate(id: string, rating: number) {
    const report = k[id];
    assert.ok(report);
    const page = await t.formToken(`/phan-anh/theo-doi/${report.token}`);
    const res = await t.app.inject({
      method: 'POST',
      url: `/phan-anh/theo-doi/${report.token}/danh-gia`,
      headers: { cookie: page.cookie },
      payload: { _csrf: page.csrf, rating: String(rating) },
    });
    assert.equal(res.statusCode, 303, res.body.slice(0, 300));
  }

  const fact = async (id: string) => {
    const [row] = await t.platform.database.query<Record<string, Date | boolean | null>>(
      'select * from feedback_facts where id = $1',
      [k[id]?.id],
    );
    assert.ok(row);
    return row;
  };
  const iso = (d: unknown) => (d instanceof Date ? d.toISOString() : d);

  it('when K1–K5 are handled on the fixture days, then each stage is due, late and judged as counted by hand', async () => {
    await send('K3', 1);
    await send('K5', 2);
    await act('K3', 2, 'tiep-nhan');
    await send('K1', 3);
    await act('K5', 3, 'tiep-nhan');
    await send('K2', 6);
    await send('K4', 7);
    await act('K1', 7, 'tu-choi', {
      reason: 'Nội dung không thuộc thẩm quyền của xã, đề nghị gửi Sở Giao thông.',
    });
    await act('K4', 8, 'tiep-nhan');
    await act('K2', 14, 'yeu-cau-bo-sung', { question: 'Đề nghị cho biết đoạn đường sạt lở ở thôn nào.' });
    await act('K5', 21, 'tra-loi', { reply: 'Đã dọn đất đá, thông đường từ sáng 21/4.' });
    await rate('K5', 2);
    await act('K3', 22, 'tra-loi', { reply: 'Đã gia cố taluy và thông đường.' });
    await act('K5', 22, 'cong-khai');
    await act('K3', 24, 'cong-khai');
    await rate('K3', 5);

    // K1: sent Fri 3/4, 2 working days: 6/4, 7/4. Refused 7/4: on time.
    const k1 = await fact('K1');
    assert.equal(iso(k1.accept_due_at), vn('2026-04-07T17:00:00+07:00'));
    assert.equal(iso(k1.accept_late_at), vn('2026-04-08T00:00:00+07:00'));
    assert.equal(iso(k1.refused_at), vn('2026-04-07T09:00:00+07:00'));
    assert.equal(k1.accepted_at, null);
    assert.equal(k1.accept_on_time, true);
    assert.equal(k1.status, 'closed');
    // K2: sent Mon 6/4, 5 working days: 7, 8, 9, 10, 13/4. Asked on 14/4: late.
    const k2 = await fact('K2');
    assert.equal(iso(k2.info_due_at), vn('2026-04-13T17:00:00+07:00'));
    assert.equal(iso(k2.info_late_at), vn('2026-04-14T00:00:00+07:00'));
    assert.equal(k2.info_on_time, false);
    assert.equal(k2.status, 'awaiting_info');
    assert.equal(k2.accept_due_at, null, 'the acceptance waits for the reporter: its clock stopped');
    // K3: sent Wed 1/4, 15 working days: 2, 3, 6–10, 13–17, 20, 21, 22/4. Answered 22/4; publication
    // 2 working days from 22/4: 23, 24/4. Published 24/4.
    const k3 = await fact('K3');
    assert.equal(iso(k3.answer_due_at), vn('2026-04-22T17:00:00+07:00'));
    assert.equal(k3.answer_on_time, true);
    assert.equal(iso(k3.publish_due_at), vn('2026-04-24T17:00:00+07:00'));
    assert.equal(k3.publish_on_time, true);
    assert.equal(k3.accept_on_time, true);
    // K4: sent Tue 7/4, 15 working days: 8, 9, 10, 13–17, 20–24, 28, 29/4 (27/4 and 30/4 off); late
    // from the next working day, Mon 4/5 (30/4, 1/5 and the weekend off).
    const k4 = await fact('K4');
    assert.equal(iso(k4.answer_due_at), vn('2026-04-29T17:00:00+07:00'));
    assert.equal(iso(k4.answer_late_at), vn('2026-05-04T00:00:00+07:00'));
    assert.equal(k4.answered_at, null);
    assert.equal(k4.answer_on_time, null);
    // K5: sent Thu 2/4, 15 working days: 3, 6–10, 13–17, 20–23/4. Answered 21/4; publication: 22, 23/4.
    const k5 = await fact('K5');
    assert.equal(iso(k5.answer_due_at), vn('2026-04-23T17:00:00+07:00'));
    assert.equal(iso(k5.publish_due_at), vn('2026-04-23T17:00:00+07:00'));
    assert.equal(k5.answer_on_time, true);
    assert.equal(k5.publish_on_time, true);
    assert.equal(k5.rating, 2);
  });

  it('when April is counted after it ends, then 5.2 is 4/5 (4.80 points) and 5.3 is 2/3 (4.00 points), and each stage has its on-time share', async () => {
    clock.set(new Date('2026-05-05T09:00:00+07:00'));
    const figures = await feedbackFigures(t.platform.database.db, {
      path: t.places.a.path,
      start: new Date('2026-04-01T00:00:00+07:00'),
      end: new Date('2026-05-01T00:00:00+07:00'),
      now: clock.now(),
    });
    assert.equal(figures.received, 5);
    // 5.2 = {K1, K3, K4, K5} ÷ 5: K2 asked for information late; K4 is within its term at the end of
    // April (15 working days used; 17 had 27/4 and 30/4 been counted, and it would be late).
    assert.deepEqual(figures.handledOnTime, { numerator: 4, denominator: 5, value: 0.8 });
    assert.equal(Math.round(6 * (figures.handledOnTime.value ?? 0) * 100) / 100, 4.8);
    // 5.3: accepted in April {K3, K4, K5}; K5's reporter is dissatisfied: (3 − 1) ÷ 3.
    assert.deepEqual(figures.satisfied, { numerator: 2, denominator: 3, value: 2 / 3 });
    assert.equal(Math.round(6 * (figures.satisfied.value ?? 0) * 100) / 100, 4);
    // Per stage, by hand: accepted or refused K1, K3, K4, K5 on time (K2's acceptance waits); K2's
    // question late; K3 and K5 answered on time, K4 within term; K3 and K5 published on time.
    const shares = Object.fromEntries(
      Object.entries(figures.stages).map(([s, f]) => [
        s,
        [f.done, f.doneOnTime, f.pending, f.pendingInTerm, f.onTime.numerator, f.onTime.denominator],
      ]),
    );
    assert.deepEqual(shares, {
      accept: [4, 4, 0, 0, 4, 4],
      info: [1, 0, 0, 0, 0, 1],
      answer: [2, 2, 1, 1, 3, 3],
      publish: [2, 2, 0, 0, 2, 2],
    });

    // The page shows the same, to staff of the commune.
    const page = await t.app.inject({
      url: `/quan-tri/phan-anh/thong-ke?place=${COMMUNE_A}&from=2026-04-01&to=2026-04-30`,
      headers: { cookie: handler },
    });
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /data-figure="received">5</);
    assert.match(page.body, /data-figure="5.2"><th[^>]*>[^<]*<\/th><td>80,0% \(4\/5\)</);
    assert.match(page.body, /data-figure="5.3"><th[^>]*>[^<]*<\/th><td>66,7% \(2\/3\)</);
    assert.match(page.body, /data-stage="info">.*?<td>0,0% \(0\/1\)<\/td>/s);
    const outside = await t.app.inject({
      url: `/quan-tri/phan-anh/thong-ke?place=${COMMUNE_A}&from=2026-04-01&to=2026-04-30`,
      headers: { cookie: await t.signIn('f4_xa_b') },
    });
    assert.equal(outside.statusCode, 403, 'another commune’s staff do not see these figures');
    const bad = await t.app.inject({
      url: `/quan-tri/phan-anh/thong-ke?place=${COMMUNE_A}&from=2026-04-30&to=2026-04-01`,
      headers: { cookie: handler },
    });
    assert.equal(bad.statusCode, 400);
    assert.match(bad.body, /Ngày kết thúc phải sau ngày bắt đầu/);
  });

  it('when the reporter adds the information asked for, then the report is new again and its clocks start from then', async () => {
    clock.set(april(14));
    await send('K6', 14, COMMUNE_B);
    const b = await t.signIn('f4_xa_b');
    const asked = async () => {
      const report = k.K6;
      assert.ok(report);
      const { csrf, cookie } = await t.formToken(`/quan-tri/phan-anh/${report.id}`, b);
      return t.app.inject({
        method: 'POST',
        url: `/quan-tri/phan-anh/${report.id}/yeu-cau-bo-sung`,
        headers: { cookie, accept: 'text/html' },
        payload: { _csrf: csrf, question: 'Ngắn' },
      });
    };
    const tooShort = await asked();
    assert.equal(tooShort.statusCode, 400);
    assert.match(tooShort.body, /Vui lòng ghi rõ cần bổ sung thông tin gì/);

    const report = k.K6;
    assert.ok(report);
    clock.set(april(15));
    const { csrf, cookie } = await t.formToken(`/quan-tri/phan-anh/${report.id}`, b);
    const ask = await t.app.inject({
      method: 'POST',
      url: `/quan-tri/phan-anh/${report.id}/yeu-cau-bo-sung`,
      headers: { cookie, accept: 'text/html' },
      payload: { _csrf: csrf, question: 'Đề nghị cho biết vị trí cột điện gần nhất.' },
    });
    assert.equal(ask.statusCode, 303);
    const told = await t.platform.database.query<{ body: string }>(
      "select body from notifications where template = 'feedback.request_info' order by id",
    );
    assert.match(told.at(-1)?.body ?? '', /cần bạn bổ sung thông tin cho phản ánh PA-260414-\d{4}/);

    const mine = await t.app.inject({ url: `/phan-anh/theo-doi/${report.token}` });
    assert.match(mine.body, /Cơ quan cần bạn bổ sung thông tin/);
    assert.match(mine.body, /vị trí cột điện gần nhất/);
    // Nothing the escalation sweep may move while it is the reporter's turn.
    clock.set(new Date('2026-04-28T09:00:00+07:00'));
    assert.ok(
      !(await escalateOverdue(t.platform.database.db, t.platform.events, clock)).includes(report.code),
    );

    // Tue 28/4: the reporter answers. 2 working days: 29/4, 4/5 (30/4, 1/5 and the weekend off).
    const form = await t.formToken(`/phan-anh/theo-doi/${report.token}`);
    const sent = await t.app.inject({
      method: 'POST',
      url: `/phan-anh/theo-doi/${report.token}/bo-sung`,
      headers: { cookie: form.cookie },
      payload: { _csrf: form.csrf, info: 'Cột điện số 12, cạnh nhà văn hóa thôn.' },
    });
    assert.equal(sent.statusCode, 303, sent.body.slice(0, 300));
    const row = await reportRow(t, report.token);
    assert.equal(row.status, 'new');
    assert.equal(iso(row.accept_due_at), vn('2026-05-04T17:00:00+07:00'));
    assert.ok(row.info_done_at, 'the question stays asked');
  });

  it("when a province admin sets a category's four deadlines, then they are checked field by field in both languages, and a new report runs on them", async () => {
    await t.user('f4_tinh_admin', 'admin', PROVINCE);
    const admin = await t.signIn('f4_tinh_admin');
    const save = async (fields: Record<string, string>, query = '') => {
      const { csrf, cookie } = await t.formToken(`/quan-tri/phan-anh/cai-dat${query}`, admin);
      return t.app.inject({
        method: 'POST',
        url: `/quan-tri/phan-anh/cai-dat/linh-vuc${query}`,
        headers: { cookie, accept: 'text/html' },
        payload: {
          _csrf: csrf,
          code: 'bridges',
          nameVi: 'Cầu treo',
          handlerRole: 'feedback_handler',
          handlerLevel: 'commune',
          active: 'on',
          ...fields,
        },
      });
    };
    const bad = await save({ acceptDays: '2', infoDays: '0', deadlineDays: '10', publishDays: 'hai' });
    assert.equal(bad.statusCode, 400);
    assert.match(bad.body, /Hạn yêu cầu bổ sung thông tin: từ 1 đến 30 ngày làm việc/);
    assert.match(bad.body, /Hạn công khai: nhập một số ngày làm việc/);
    assert.match(bad.body, /value="hai"/, 'what was typed stays');
    const longer = await save({ acceptDays: '12', deadlineDays: '10' });
    assert.equal(longer.statusCode, 400);
    assert.match(longer.body, /Hạn tiếp nhận \(12 ngày\) không được dài hơn hạn trả lời \(10 ngày\)/);
    const en = await save({ acceptDays: '12', deadlineDays: '10' }, '?lang=en');
    assert.equal(en.statusCode, 400);
    assert.match(
      en.body,
      /The deadline to accept \(12 days\) may not be longer than the deadline to answer \(10 days\)/,
    );
    const [none] = await t.platform.database.query<{ n: number }>(
      "select count(*)::int as n from feedback_categories where code = 'bridges'",
    );
    assert.equal(none?.n, 0, 'nothing saved');

    const ok = await save(
      { acceptDays: '1', infoDays: '3', deadlineDays: '10', publishDays: '1' },
      '?lang=vi',
    );
    assert.equal(ok.statusCode, 303, ok.body.slice(0, 300));
    const settings = await t.app.inject({ url: '/quan-tri/phan-anh/cai-dat', headers: { cookie: admin } });
    assert.match(settings.body, /tiếp nhận 1 · bổ sung 3 · trả lời 10 · công khai 1 ngày làm việc/);
    // Wednesday 6 May 2026, 09:00: accept by Thu 7/5, ask by Mon 11/5, answer by Wed 20/5.
    clock.set(new Date('2026-05-06T09:00:00+07:00'));
    const { res } = await submitReport(t, {
      category: 'bridges',
      description: 'Cầu treo bản Nà Pàn lỏng ván.',
    });
    const row = await reportRow(t, tokenOf(res));
    assert.equal(iso(row.accept_due_at), vn('2026-05-07T17:00:00+07:00'));
    assert.equal(iso(row.info_due_at), vn('2026-05-11T17:00:00+07:00'));
    assert.equal(iso(row.due_at), vn('2026-05-20T17:00:00+07:00'));
  });

  it('when a stage passes its due time, then the sweep escalates an unaccepted or unanswered report but not an unpublished answer, which the queue shows overdue', async () => {
    const clockB = fixedClock(new Date('2026-11-23T09:00:00+07:00'));
    const t2 = await feedbackTestApp({ clock: clockB });
    try {
      await t2.user('leo_xa', 'feedback_handler', COMMUNE_A);
      await t2.user('leo_tinh', 'feedback_handler', PROVINCE);
      const cookie = await t2.signIn('leo_xa');
      const make = async (description: string) => {
        const { res } = await submitReport(t2, { category: 'water', description });
        return reportRow(t2, tokenOf(res));
      };
      const post = async (id: number, action: string, fields: Record<string, string> = {}) => {
        const f = await t2.formToken(`/quan-tri/phan-anh/${id}`, cookie);
        const res = await t2.app.inject({
          method: 'POST',
          url: `/quan-tri/phan-anh/${id}/${action}`,
          headers: { cookie: f.cookie, accept: 'text/html' },
          payload: { _csrf: f.csrf, ...fields },
        });
        assert.equal(res.statusCode, 303, res.body.slice(0, 300));
      };
      // Mon 23/11 (24/11 off): accepted by 26/11, answered by 15/12.
      const unaccepted = await make('Ống nước chính bị vỡ ở đầu bản Nà Pàn.');
      const answered = await make('Nước sinh hoạt bị đục sau lũ ở thôn Khuổi Tào.');
      await post(answered.id, 'tiep-nhan');
      await post(answered.id, 'tra-loi', { reply: 'Đã súc rửa bể chứa, nước đã trong.' });
      // The answer's publication is due 2 working days later: 25, 26/11.
      assert.equal(
        iso((await reportRow(t2, answered.token as string)).next_due_at),
        vn('2026-11-26T17:00:00+07:00'),
      );
      clockB.set(new Date('2026-11-26T16:00:00+07:00'));
      assert.deepEqual(await escalateOverdue(t2.platform.database.db, t2.platform.events, clockB), []);
      // Fri 27/11: both are past due; only the unaccepted one goes to the province.
      clockB.set(new Date('2026-11-27T09:00:00+07:00'));
      const moved = await escalateOverdue(t2.platform.database.db, t2.platform.events, clockB);
      assert.deepEqual(moved, [unaccepted.service_request_id]);
      const up = await reportRow(t2, unaccepted.token as string);
      assert.equal(up.handling_level, 'province');
      // A transfer: 2 working days from 27/11 at the province to accept it: 30/11, 1/12.
      assert.equal(iso(up.accept_due_at), vn('2026-12-01T17:00:00+07:00'));
      const [log] = await t2.platform.database.query<{ details: { from: { stage: string } } }>(
        "select details from feedback_actions where report_id = $1 and kind = 'escalate'",
        [unaccepted.id],
      );
      assert.equal(log?.details.from.stage, 'accept');
      const overdue = await t2.app.inject({ url: '/quan-tri/phan-anh?loc=overdue', headers: { cookie } });
      assert.match(overdue.body, new RegExp(answered.service_request_id));
      assert.match(overdue.body, /Hạn công khai: 26\/11\/2026/);
    } finally {
      await t2.close();
    }
  });
});
