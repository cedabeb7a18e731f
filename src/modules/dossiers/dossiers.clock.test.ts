import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createCalendar, officialDaysOff, type YearOverride } from '#modules/calendar/index.ts';
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
  iso(dueAt(stateFromActions(log(...entries)), { days }, calendar));

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

describe('due dates on the official calendar (the notices in data/days-off), as a province counts them', () => {
  // The calendar every province starts from (provinceCalendar without an override): each year's
  // notice where one exists, the computed default otherwise. The notice that sets each expected
  // day is named beside it; data/days-off/README.md says where each was read.
  const official = createCalendar({ official: officialDaysOff() });
  const on = (received: string, days: number) => due([['receive', received]], days, official);

  it('when received the day before Tết 2023 (Quý Mão) with 3 days, then 20–26 Jan are skipped: due Tue 31 Jan', () => {
    // 5034/TB-LĐTBXH: Tết 20–26/01/2023 (29 Chạp Nhâm Dần – mùng 5), two days in lieu of the weekend.
    assert.equal(on('2023-01-19 09:00', 3), '2023-01-31 17:00');
  });

  it('when received the day before Tết 2024 (Giáp Thìn) with 2 days, then 8, 9 and 12–14 Feb are skipped: due Fri 16 Feb', () => {
    // 5015/TB-LĐTBXH (after VPCP 8662/VPCP-KGVX of 03/11/2023): Tết 08–14/02/2024.
    assert.equal(on('2024-02-07 10:00', 2), '2024-02-16 17:00');
  });

  it('when received the Friday before Tết 2025 (Ất Tỵ) with 1 day, then 27–31 Jan are skipped: due Mon 3 Feb (the rule alone would say Mon 27 Jan)', () => {
    // 6150/TB-LĐTBXH of 03/12/2024: Tết 25/01–02/02/2025, weekdays 27–31/01 (from 28 Chạp Giáp Thìn).
    assert.equal(on('2025-01-24 09:00', 1), '2025-02-03 17:00');
    assert.equal(
      due([['receive', '2025-01-24 09:00']], 1),
      '2025-01-27 17:00',
      'the computed default differs',
    );
  });

  it('when received the Friday before Tết 2026 (Bính Ngọ) with 3 days, then 16–20 Feb are skipped: due Wed 25 Feb', () => {
    // 9441/TB-BNV of 16/10/2025: Tết 16–20/02/2026 (29 Chạp Ất Tỵ – mùng 4 Bính Ngọ).
    assert.equal(on('2026-02-13 10:00', 3), '2026-02-25 17:00');
  });

  it('when received the day before Tết 2027 (Đinh Mùi) with 2 days, then the computed default applies — no notice was found — and Tết 5–9 Feb with 10–11 Feb in lieu are skipped: due Mon 15 Feb', () => {
    // No 2027 notice in data/days-off (searched 2026-12; README "2027 by the law alone"): the default
    // is 29 Chạp Bính Ngọ (Fri 5 Feb) + 4 days, mùng 1–2 on the weekend made up on Wed 10 and Thu 11.
    assert.equal(official.yearCalendar(2027).basis, 'default');
    assert.equal(on('2027-02-04 09:00', 2), '2027-02-15 17:00');
  });

  it('when received on New Year’s Eve 2025 with 3 days, then 1 Jan and Friday 2 Jan 2026 are off: due Wed 7 Jan; and Saturday 10 Jan is worked', () => {
    // 12729/VPCP-KGVX of 25/12/2025: Friday 2/1/2026 off, worked on Saturday 10/1/2026.
    assert.equal(on('2025-12-31 10:00', 3), '2026-01-07 17:00');
    assert.equal(on('2026-01-08 10:00', 2), '2026-01-10 17:00');
  });

  it('when received before National Day 2026 with 2 days, then Monday 31 Aug (swapped) and 1–2 Sep are off: due Thu 3 Sep; and Saturday 22 Aug is worked', () => {
    // 9441/TB-BNV of 16/10/2025: 31/8/2026 off in exchange for Saturday 22/8; 1/9 the adjacent day.
    assert.equal(on('2026-08-27 10:00', 2), '2026-09-03 17:00');
    assert.equal(on('2026-08-21 10:00', 1), '2026-08-22 17:00');
  });

  it('when Hùng Kings’ day falls on a weekend, then the next working day is off in lieu: Sun 26 Apr 2026 → Mon 27 Apr; Sat 29 Apr 2023 → 2–3 May', () => {
    // Labour Code 45/2019/QH14 art. 111(3); 2026 reported by thanhnien.vn (2026-02-23); 2023 by
    // 5034/TB-LĐTBXH (Hùng Kings' day and 30/4 on the weekend, made up on 2 and 3 May).
    assert.equal(on('2026-04-24 14:00', 3), '2026-05-04 17:00');
    assert.equal(on('2023-04-28 10:00', 1), '2023-05-04 17:00');
  });

  it('when a procedure counts calendar days (land-dispute mediation, 30 days), then the due time is the close of the 30th day after receipt, not 30 working days', () => {
    // Land Law 2024 ("không quá 30 ngày"; docs/rules.md § Procedures catalogue, secondary).
    const state = stateFromActions(log(['receive', '2026-03-02 10:00']));
    assert.equal(iso(dueAt(state, { days: 30, daysUnit: 'calendar' }, official)), '2026-04-01 17:00');
    assert.equal(iso(dueAt(state, { days: 30 }, official)), '2026-04-13 17:00');
    // The 30th day on a day off moves to the next working day: received Fri 3 Apr, 30 days = Sun 3 May.
    const weekend = stateFromActions(log(['receive', '2026-04-03 10:00']));
    assert.equal(iso(dueAt(weekend, { days: 30, daysUnit: 'calendar' }, official)), '2026-05-04 17:00');
  });
});

describe('pauses for financial obligations and the extension (form 04)', () => {
  it('when the applicant spends time meeting financial obligations, then that time is not counted, as a supplement’s is not', () => {
    const entries: [ActionType, string][] = [
      ['receive', '2026-03-02 08:00'],
      ['assign', '2026-03-02 09:00'],
      ['financial_obligation_notified', '2026-03-03 09:30'],
      ['financial_obligation_paid', '2026-03-04 09:30'],
    ];
    // 3 days due Thu 5 Mar; paused Tue 09:30 → Wed 09:30 = one working day (8 h): due Fri 6 Mar.
    assert.equal(due(entries.slice(0, 2), 3), '2026-03-05 17:00');
    assert.equal(due(entries, 3), '2026-03-06 17:00');
    const open = stateFromActions(log(...entries.slice(0, 3)));
    assert.equal(open.pauses.at(-1)?.reason, 'financial_obligations');
    assert.equal(open.pauses.at(-1)?.until, null);
  });

  it('when an extension is granted, then its new date is the due time; a supplement after it pushes the new date back by the working time it covered', () => {
    const extended: [ActionType, string, Partial<LoggedAction>?][] = [
      ['receive', '2026-03-02 08:00'],
      ['assign', '2026-03-02 09:00'],
      [
        'extension_drafted',
        '2026-03-04 10:00',
        { note: 'Cần xác minh', payload: { newDueAt: vn('2026-03-12 17:00').toISOString() } },
      ],
      ['extension_approved', '2026-03-04 15:00'],
    ];
    assert.equal(iso(dueAt(stateFromActions(log(...extended)), { days: 3 }, cal)), '2026-03-12 17:00');
    const drafted = stateFromActions(log(...extended.slice(0, 3)));
    assert.equal(iso(dueAt(drafted, { days: 3 }, cal)), '2026-03-05 17:00', 'a draft moves nothing');
    const after = stateFromActions(
      log(
        ...extended,
        ['request_supplement', '2026-03-06 08:00'],
        ['supplement_received', '2026-03-09 08:00'],
      ),
    );
    // Paused Fri 08:00 → Mon 08:00: Friday's 7.5 working hours + Monday's half hour = one day.
    assert.equal(iso(dueAt(after, { days: 3 }, cal)), '2026-03-13 17:00');
  });
});
