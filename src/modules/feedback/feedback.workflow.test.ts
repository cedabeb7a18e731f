import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  type Action,
  type ActionType,
  availableActions,
  open311Status,
  REOPEN_WITHIN_DAYS,
  type Routing,
  stateFromActions,
  statusFromActions,
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

  it('when new, then the handler may acknowledge, merge or note, but not reply or publish', () => {
    const s = stateFromActions(log());
    assert.deepEqual(availableActions(s, 'handler', at(1)).sort(), ['acknowledge', 'merge', 'note']);
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

  it('when mapped to Open311, then only closed is closed', () => {
    assert.equal(open311Status('closed'), 'closed');
    for (const s of ['new', 'acknowledged', 'in_progress', 'answered', 'reopened'] as const) {
      assert.equal(open311Status(s), 'open');
    }
  });
});
