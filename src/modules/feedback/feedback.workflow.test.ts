import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  type Action,
  type ActionType,
  availableActions,
  nextStage,
  open311Status,
  REOPEN_WITHIN_DAYS,
  type Routing,
  stateFromActions,
  statusFromActions,
  verdictAt,
} from './feedback.workflow.ts';

const commune: Routing = {
  categoryId: 1,
  role: 'feedback_handler',
  level: 'commune',
  placeId: 300,
  placePath: '/1/20/300/',
  dueAt: '2026-12-07T10:00:00.000Z',
};
const t0 = new Date('2026-11-23T02:00:00Z');
const at = (hours: number) => new Date(t0.getTime() + hours * 3_600_000);

function log(...steps: [ActionType, Record<string, unknown>?, string?][]): Action[] {
  return [
    { type: 'submit', at: t0, actorLabel: 'reporter', details: { routing: commune } },
    ...steps.map(([type, details, body], i) => ({
      type,
      at: at(i + 1),
      actorLabel: 'phananh',
      body: body ?? null,
      details: details ?? {},
    })),
  ];
}

describe('feedback workflow: status from the action log', () => {
  it('when a report goes the whole way, then each action moves the status as documented', () => {
    const steps: [ActionType, Record<string, unknown>?, string?][] = [];
    const seen = [statusFromActions(log())];
    for (const step of [
      ['acknowledge'],
      ['assign', { userId: 7, label: 'Lý Văn Đáp' }],
      ['note', {}, 'Đã gọi trưởng thôn'],
      ['reply', {}, 'Đã sửa đường'],
      ['publish', { photos: true }],
      ['close'],
      ['reopen'],
      ['reply', {}, 'Đã sửa lại'],
    ] as [ActionType, Record<string, unknown>?, string?][]) {
      steps.push(step);
      seen.push(statusFromActions(log(...steps)));
    }
    assert.deepEqual(seen, [
      'new',
      'acknowledged',
      'in_progress',
      'in_progress',
      'answered',
      'answered',
      'closed',
      'reopened',
      'answered',
    ]);
    const s = stateFromActions(log(...steps));
    assert.equal(s.assigneeLabel, 'Lý Văn Đáp');
    assert.equal(s.publicReply, 'Đã sửa lại');
    assert.equal(s.publicPhotos, true);
    assert.ok(s.publishedAt);
    assert.equal(s.closedAt, null, 'reopening clears the closing time');
  });

  it('when an escalation carries a new routing, then the state follows it; a note changes nothing', () => {
    const province = { ...commune, level: 'province' as const, placeId: 20, placePath: '/1/20/' };
    const s = stateFromActions(log(['acknowledge'], ['escalate', { routing: province }], ['note', {}, 'x']));
    assert.equal(s.status, 'acknowledged');
    assert.deepEqual(s.routing, province);
  });

  it('when a log does not start with submit, then deriving fails loudly', () => {
    assert.throws(() => stateFromActions([{ type: 'reply', at: t0, actorLabel: 'x', details: {} }]));
    assert.throws(() => stateFromActions([]));
  });

  it('when merged, then it is closed, points at the main report, and only notes remain possible', () => {
    const s = stateFromActions(log(['merge', { into: 42 }]));
    assert.equal(s.status, 'closed');
    assert.equal(s.mergedIntoId, 42);
    assert.deepEqual(availableActions(s, 'handler', at(2)), ['note']);
    assert.deepEqual(availableActions(s, 'reporter', at(2)), []);
  });

  it('when new, then the handler may acknowledge, refuse, ask for information, merge or note, but not reply or publish', () => {
    const s = stateFromActions(log());
    assert.deepEqual(availableActions(s, 'handler', at(1)).sort(), [
      'acknowledge',
      'merge',
      'note',
      'refuse',
      'request_info',
    ]);
    assert.deepEqual(availableActions(s, 'reporter', at(1)), [], 'nothing to rate before an answer');
  });

  it('when answered, then the handler may publish once, close, reply again or reopen', () => {
    const answered = stateFromActions(log(['acknowledge'], ['reply', {}, 'Đã xử lý xong']));
    assert.deepEqual(availableActions(answered, 'handler', at(3)).sort(), [
      'close',
      'note',
      'publish',
      'reopen',
      'reply',
    ]);
    const published = stateFromActions(log(['acknowledge'], ['reply', {}, 'Đã xử lý xong'], ['publish']));
    assert.ok(!availableActions(published, 'handler', at(4)).includes('publish'));
  });

  it(`when the answer is older than ${REOPEN_WITHIN_DAYS} days, then the reporter may still rate but no longer reopen`, () => {
    const s = stateFromActions(log(['acknowledge'], ['reply', {}, 'Xong'], ['close']));
    const answeredAt = at(2).getTime();
    const inside = new Date(answeredAt + REOPEN_WITHIN_DAYS * 86_400_000 - 1000);
    const outside = new Date(answeredAt + REOPEN_WITHIN_DAYS * 86_400_000 + 1000);
    assert.deepEqual(availableActions(s, 'reporter', inside).sort(), ['rate', 'reopen']);
    assert.deepEqual(availableActions(s, 'reporter', outside), ['rate']);
  });

  it('when open at the commune, then the clock may escalate it; not at the province, not once closed', () => {
    assert.deepEqual(availableActions(stateFromActions(log()), 'system', at(1)), ['escalate']);
    const province = { ...commune, level: 'province' as const };
    assert.deepEqual(
      availableActions(stateFromActions(log(['escalate', { routing: province }])), 'system', at(2)),
      [],
    );
    const closed = stateFromActions(log(['acknowledge'], ['reply', {}, 'Xong'], ['close']));
    assert.deepEqual(availableActions(closed, 'system', at(9)), []);
  });

  it('when a rating comes in, then the last one counts and the status stays', () => {
    const s = stateFromActions(
      log(['acknowledge'], ['reply', {}, 'Xong'], ['rate', { rating: 2 }], ['rate', { rating: 5 }]),
    );
    assert.equal(s.rating, 5);
    assert.equal(s.status, 'answered');
  });

  it('when the stages run, then each clock starts, stops, restarts and is done as decision 023 says', () => {
    const clock = (due: string, late: string) => ({ dueAt: due, lateAt: late });
    const clocks = (from: string, d: number) => ({
      startedAt: from,
      accept: clock(`2026-12-0${d}T10:00:00.000Z`, `2026-12-0${d}T17:00:00.000Z`),
      info: clock(`2026-12-0${d + 1}T10:00:00.000Z`, `2026-12-0${d + 1}T17:00:00.000Z`),
      answer: clock(`2026-12-1${d}T10:00:00.000Z`, `2026-12-1${d}T17:00:00.000Z`),
    });
    const sent: Action = {
      type: 'submit',
      at: t0,
      actorLabel: 'reporter',
      details: { routing: { ...commune, clocks: clocks('2026-11-23T02:00:00.000Z', 1) } },
    };
    const step = (type: ActionType, hours: number, details: Record<string, unknown> = {}): Action => ({
      type,
      at: at(hours),
      actorUserId: type === 'supplement' ? null : 7,
      actorLabel: 'x',
      body: 'x',
      details,
    });
    const asked = stateFromActions([sent, step('request_info', 1)]);
    assert.equal(asked.status, 'awaiting_info');
    assert.deepEqual(asked.stages.info.doneAt, at(1));
    assert.equal(asked.stages.accept.dueAt, null, 'the acceptance waits for the reporter');
    assert.equal(asked.stages.answer.dueAt, null);
    assert.equal(nextStage(asked), null, 'nothing for the office to do, nothing to escalate');
    assert.deepEqual(availableActions(asked, 'reporter', at(2)), ['supplement']);
    assert.deepEqual(availableActions(asked, 'system', at(2)), []);

    const restarted = { ...commune, clocks: clocks('2026-11-25T02:00:00.000Z', 3) };
    const back = stateFromActions([
      sent,
      step('request_info', 1),
      step('supplement', 2, { routing: restarted }),
    ]);
    assert.equal(back.status, 'new');
    assert.equal(back.stages.accept.dueAt?.toISOString(), '2026-12-03T10:00:00.000Z');
    assert.deepEqual(back.stages.info.doneAt, at(1), 'a stage done keeps its clock');
    assert.equal(nextStage(back)?.stage, 'accept');

    const publish = clock('2026-12-20T10:00:00.000Z', '2026-12-20T17:00:00.000Z');
    const reopened = { ...commune, clocks: clocks('2026-11-30T02:00:00.000Z', 5) };
    const round = stateFromActions([
      sent,
      step('acknowledge', 1),
      step('reply', 2, { publish }),
      step('reopen', 3, { routing: reopened }),
    ]);
    assert.deepEqual(round.stages.accept.doneAt, at(1));
    assert.equal(round.stages.answer.doneAt, null, 'reopening asks for a new answer');
    assert.equal(round.stages.answer.dueAt?.toISOString(), '2026-12-15T10:00:00.000Z');
    assert.equal(round.stages.publish.dueAt?.toISOString(), '2026-12-20T10:00:00.000Z');
    assert.equal(round.complaints, 0, 'a handler reopened it (staff act under a user id)');

    const refused = stateFromActions([sent, step('refuse', 1)]);
    assert.equal(refused.status, 'closed');
    assert.deepEqual(refused.stages.accept.doneAt, at(1));
    assert.ok(!availableActions(refused, 'handler', at(2)).includes('reopen'), 'a refusal is final');
    assert.equal(verdictAt('answer', refused.stages.answer, at(500), refused.closedAt), null);
    assert.equal(verdictAt('accept', refused.stages.accept, at(500), refused.closedAt), 'on_time');
  });

  it('when a stage is judged, then it is on time until the start of the working day after its due day', () => {
    // Due Wed 29/4/2026 17:00; late from Mon 4/5 00:00 (30/4, 1/5 and the weekend off).
    const c = {
      dueAt: new Date('2026-04-29T10:00:00Z'),
      lateAt: new Date('2026-05-03T17:00:00Z'),
      doneAt: null,
    };
    assert.equal(verdictAt('answer', c, new Date('2026-04-30T17:00:00Z'), null), 'in_term', 'end of 30/4');
    assert.equal(verdictAt('answer', c, new Date('2026-05-03T17:00:00Z'), null), 'overdue');
    const evening = { ...c, doneAt: new Date('2026-04-29T13:00:00Z') };
    assert.equal(verdictAt('answer', evening, new Date('2026-05-10T00:00:00Z'), null), 'on_time');
    const monday = { ...c, doneAt: new Date('2026-05-04T02:00:00Z') };
    assert.equal(verdictAt('answer', monday, new Date('2026-05-10T00:00:00Z'), null), 'late');
    assert.equal(
      verdictAt('info', c, new Date('2026-05-10T00:00:00Z'), null),
      null,
      'never asked: not counted',
    );
  });

  it('when mapped to Open311, then only closed is closed', () => {
    assert.equal(open311Status('closed'), 'closed');
    for (const s of ['new', 'acknowledged', 'in_progress', 'answered', 'reopened'] as const) {
      assert.equal(open311Status(s), 'open');
    }
  });
});
