import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createCalendar, type YearOverride } from '#modules/calendar/index.ts';
import { dossierClock, dueAt, type TemplateStep } from './dossiers.clock.ts';
import { type ActionType, type LoggedAction, stateFromActions } from './dossiers.workflow.ts';

/** A Vietnam wall-clock time as an instant: '2026-02-13 10:00' → 03:00Z. */
const vn = (s: string) => new Date(`${s.replace(' ', 'T')}:00+07:00`);
const iso = (d: Date | null | undefined) =>
  d ? new Date(d.getTime() + 7 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ') : null;

const UNIT = { id: 1, path: '/1/2/3/' };
function log(...steps: [ActionType, string, Partial<LoggedAction>?][]): LoggedAction[] {
  return [
    {
      id: 1,
      type: 'submit',
      at: vn('2020-01-01 08:00'),
      actorUserId: null,
      note: null,
      payload: { unit: UNIT, applicantPhone: '0912345678' },
    },
    ...steps.map(([type, at, extra], i) => ({
      id: i + 2,
      type,
      at: vn(at),
      actorUserId: null,
      note: null,
      payload: {},
      ...extra,
    })),
  ];
}
const WORKFLOW: TemplateStep[] = [
  { id: 'tiep_nhan', name: { vi: 'Tiếp nhận' }, role: 'receptionist', share: 0.2 },
  { id: 'xu_ly', name: { vi: 'Thẩm định' }, role: 'specialist', share: 0.6 },
  { id: 'phe_duyet', name: { vi: 'Phê duyệt' }, role: 'approver', share: 0.2 },
];

const cal = createCalendar();
const due = (entries: [ActionType, string][], days: number, calendar = cal) =>
  iso(dueAt(stateFromActions(log(...entries)), days, calendar));

describe('the statutory clock of a dossier', () => {
  it('when a dossier is received on the Friday before Tết 2026 (16–20 Feb) with 3 days, then it is due Wednesday 25 Feb at closing', () => {
    assert.equal(due([['receive', '2026-02-13 10:00']], 3), '2026-02-25 17:00');
  });

  it('when received on Thursday 4 Feb 2027 with 2 days, then Tết (5–9 Feb, two of them at the weekend, made up on 10–11 Feb) is skipped: due Monday 15 Feb', () => {
    assert.equal(due([['receive', '2027-02-04 09:00']], 2), '2027-02-15 17:00');
  });

  it('when Hùng Kings’ day falls on Sunday 26 Apr 2026, then Monday 27 Apr is off instead and 30 Apr–1 May follow: 3 days from Friday 24 Apr end on Monday 4 May', () => {
    assert.equal(due([['receive', '2026-04-24 14:00']], 3), '2026-05-04 17:00');
  });

  it('when a supplement pause spans the Hùng Kings’ substitute day, then only the working time it covers is added (one day here), not the holiday', () => {
    assert.equal(due([['receive', '2026-04-22 09:00']], 5), '2026-05-04 17:00');
    const paused: [ActionType, string][] = [
      ['receive', '2026-04-22 09:00'],
      ['assign', '2026-04-22 10:00'],
      ['request_supplement', '2026-04-24 09:00'],
      ['supplement_received', '2026-04-28 09:00'],
    ];
    // Paused Fri 24 Apr 09:00 → Tue 28 Apr 09:00: 6.5 h on Friday + 1.5 h on Tuesday = 8 h = one day;
    // the Monday off in between costs nothing.
    assert.equal(due(paused, 5), '2026-05-05 17:00');
    const clock = dossierClock(
      stateFromActions(log(...paused)),
      log(...paused),
      { days: 5, workflow: WORKFLOW },
      cal,
      vn('2026-04-29 12:00'),
    );
    assert.equal(clock.paused, false);
    // Counted so far: Thu 23 (8 h) + Fri 24 until 09:00 (1.5 h) + Tue 28 from 09:00 (6.5 h) + Wed 29 morning (4 h).
    assert.equal(clock.elapsed?.minutes, (8 + 1.5 + 6.5 + 4) * 60);
  });

  it('when the clock is paused, then it is shown as paused, the open pause is not counted, and nothing is late while waiting', () => {
    const entries: [ActionType, string][] = [
      ['receive', '2026-03-02 08:00'],
      ['assign', '2026-03-02 09:00'],
      ['request_supplement', '2026-03-03 08:00'],
    ];
    const clock = dossierClock(
      stateFromActions(log(...entries)),
      log(...entries),
      { days: 1, workflow: WORKFLOW },
      cal,
      vn('2026-03-20 08:00'),
    );
    assert.equal(clock.paused, true);
    assert.equal(clock.timeliness, null);
    assert.equal(clock.elapsed?.minutes, 30, 'only 07:30–08:00 on 3 Mar counts after the receipt day');
  });

  it('when an administrator overrides 2026 (Friday 2 Jan off, Saturday 10 Jan worked), then due dates follow the override', () => {
    const override: YearOverride = {
      year: 2026,
      add: ['2026-01-02'],
      workingDays: ['2026-01-10'],
      note: 'Thông báo hoán đổi ngày làm việc (thử)',
    };
    const withOverride = createCalendar({ overrides: [override] });
    assert.equal(due([['receive', '2025-12-31 10:00']], 3), '2026-01-06 17:00');
    assert.equal(due([['receive', '2025-12-31 10:00']], 3, withOverride), '2026-01-07 17:00');
    assert.equal(due([['receive', '2026-01-08 10:00']], 2), '2026-01-12 17:00');
    assert.equal(due([['receive', '2026-01-08 10:00']], 2, withOverride), '2026-01-10 17:00');
  });

  it('when a same-day procedure is received after 15:00, then it is due at the close of the next working day', () => {
    assert.equal(due([['receive', '2026-03-02 14:59']], 0), '2026-03-02 17:00');
    assert.equal(due([['receive', '2026-03-02 15:30']], 0), '2026-03-03 17:00');
  });

  it('when the steps hand off early, on time and late, then each step and the dossier are classified by its own due time', () => {
    const entries: [ActionType, string][] = [
      ['receive', '2026-03-02 08:00'],
      ['assign', '2026-03-02 10:00'],
      ['submit_for_approval', '2026-03-06 16:00'],
      ['approve', '2026-03-10 09:00'],
    ];
    const clock = dossierClock(
      stateFromActions(log(...entries)),
      log(...entries),
      { days: 5, workflow: WORKFLOW },
      cal,
      vn('2026-03-11 08:00'),
    );
    assert.equal(iso(clock.dueAt), '2026-03-09 17:00');
    assert.deepEqual(
      clock.steps.map((s) => [s.id, iso(s.dueAt), iso(s.completedAt), s.timeliness]),
      [
        ['tiep_nhan', '2026-03-03 17:00', '2026-03-02 10:00', 'early'],
        ['xu_ly', '2026-03-06 17:00', '2026-03-06 16:00', 'on-time'],
        ['phe_duyet', '2026-03-09 17:00', '2026-03-10 09:00', 'late'],
      ],
    );
    assert.equal(clock.timeliness, 'late');
  });

  it('when a step is still open past its due time, then it shows late; the dossier too once its own due time has passed', () => {
    const entries: [ActionType, string][] = [
      ['receive', '2026-03-02 08:00'],
      ['assign', '2026-03-02 10:00'],
    ];
    const at = (now: string) =>
      dossierClock(
        stateFromActions(log(...entries)),
        log(...entries),
        { days: 5, workflow: WORKFLOW },
        cal,
        vn(now),
      );
    const mid = at('2026-03-07 10:00');
    assert.deepEqual(
      mid.steps.map((s) => s.timeliness),
      ['early', 'late', null],
    );
    assert.equal(mid.timeliness, null);
    assert.equal(at('2026-03-10 08:00').timeliness, 'late');
  });

  it('when decided before the due day, then the dossier is early; on the due day, on time', () => {
    const base: [ActionType, string][] = [
      ['receive', '2026-03-02 08:00'],
      ['assign', '2026-03-02 10:00'],
      ['submit_for_approval', '2026-03-03 10:00'],
    ];
    const run = (approveAt: string) => {
      const entries: [ActionType, string][] = [...base, ['approve', approveAt]];
      return dossierClock(
        stateFromActions(log(...entries)),
        log(...entries),
        { days: 5, workflow: WORKFLOW },
        cal,
        vn('2026-04-01 08:00'),
      ).timeliness;
    };
    assert.equal(run('2026-03-05 10:00'), 'early');
    assert.equal(run('2026-03-09 16:59'), 'on-time');
  });

  it('when nothing has been received yet, then there is no clock', () => {
    const clock = dossierClock(
      stateFromActions(log()),
      log(),
      { days: 5, workflow: WORKFLOW },
      cal,
      vn('2026-03-11 08:00'),
    );
    assert.deepEqual(clock, { dueAt: null, paused: false, elapsed: null, timeliness: null, steps: [] });
  });
});
