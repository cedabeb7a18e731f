import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  addWorkingDays,
  addWorkingHours,
  classifyCompletion,
  createCalendar,
  elapsedWorkingTime,
  isWorkingDay,
  nextWorkingDay,
  stepDueTimes,
} from './working-days.ts';

/** An instant given as Vietnam wall-clock time. */
const at = (local: string) => new Date(`${local}:00+07:00`);
/** An instant shown as Vietnam wall-clock time, 'YYYY-MM-DDTHH:MM'. */
const vn = (instant: Date) => new Date(instant.getTime() + 7 * 3_600_000).toISOString().slice(0, 16);

const cal = createCalendar();

describe('working days', () => {
  it('when a date is a weekend, a holiday or a substitute day, then it is not a working day', () => {
    assert.equal(isWorkingDay('2026-04-25', cal), false); // Saturday
    assert.equal(isWorkingDay('2026-04-27', cal), false); // substitute for Hùng Kings' day
    assert.equal(isWorkingDay('2026-04-30', cal), false);
    assert.equal(isWorkingDay('2026-04-28', cal), true);
    assert.equal(nextWorkingDay('2026-04-29', cal), '2026-05-04');
  });

  it('when an instant is late evening UTC, then its day is read in Vietnam time (UTC+7)', () => {
    // 18:00 UTC on Sunday 26 Apr is 01:00 on Monday 27 Apr in Hanoi, a substitute day off.
    assert.equal(isWorkingDay(new Date('2026-04-26T18:00:00Z'), cal), false);
    // 17:30 UTC on Mon 27 Apr is 00:30 on Tue 28 Apr in Hanoi, a working day.
    assert.equal(isWorkingDay(new Date('2026-04-27T17:30:00Z'), cal), true);
  });
});

describe('due time, counting in days', () => {
  it('when 3 days start on the Thursday before Tết 2026, then Tết is skipped and the dossier is due Tue 24 Feb at close', () => {
    assert.equal(vn(addWorkingDays(at('2026-02-12T09:00'), 3, cal)), '2026-02-24T17:00');
  });

  it('when an online dossier is received at 06:00, before opening, then the receipt day still does not count', () => {
    assert.equal(vn(addWorkingDays(at('2026-03-02T06:00'), 1, cal)), '2026-03-03T17:00');
  });

  it('when a dossier is received on a Saturday, then Monday is the first counted day', () => {
    assert.equal(vn(addWorkingDays(at('2026-03-07T10:00'), 1, cal)), '2026-03-09T17:00');
  });

  it('when a limit runs across Hùng Kings’ day 2026 and its substitute, then both are skipped', () => {
    // Fri 24 Apr → Tue 28 (1), Wed 29 (2); 30 Apr, 1 May, the weekend are off; Mon 4 May (3).
    assert.equal(vn(addWorkingDays(at('2026-04-24T10:00'), 3, cal)), '2026-05-04T17:00');
  });
});

describe('due time, counting in hours', () => {
  const hours = createCalendar({ counting: 'hours' });

  it('when counting in hours, then 3 days from Thursday 09:00 before Tết are due Tuesday 09:00 after it', () => {
    assert.equal(vn(addWorkingDays(at('2026-02-12T09:00'), 3, hours)), '2026-02-24T09:00');
  });

  it('when 8 working hours make a day, then 1 day from Monday 09:00 is due Tuesday 09:00', () => {
    assert.equal(vn(addWorkingDays(at('2026-03-02T09:00'), 1, hours)), '2026-03-03T09:00');
    assert.equal(vn(addWorkingDays(at('2026-03-02T09:00'), 0.5, hours)), '2026-03-02T14:30');
  });

  it('when 4 hours start at 10:00, then the lunch break is not counted and they run out at 15:30', () => {
    assert.equal(vn(addWorkingHours(at('2026-03-02T10:00'), 4, cal)), '2026-03-02T15:30');
  });

  it('when the clock starts after closing, then it runs from the next opening', () => {
    assert.equal(vn(addWorkingHours(at('2026-03-02T18:00'), 2, cal)), '2026-03-03T09:30');
  });

  it('when the office is open 7.5 h but a day is 8 h, then one day spills half an hour into the next', () => {
    const short = createCalendar({
      counting: 'hours',
      hoursPerDay: 8,
      officeHours: [
        { start: '07:30', end: '11:30' },
        { start: '13:30', end: '17:00' },
      ],
    });
    assert.equal(vn(addWorkingDays(at('2026-03-02T07:30'), 1, short)), '2026-03-03T08:00');
  });

  it('when a limit ends exactly at a session end, then the due time is that end, not the next opening', () => {
    assert.equal(vn(addWorkingHours(at('2026-03-02T07:30'), 4, cal)), '2026-03-02T11:30');
  });
});

describe('same-day procedures', () => {
  it('when received at 14:59, then it is due at close the same day', () => {
    assert.equal(vn(addWorkingDays(at('2026-03-02T14:59'), 0, cal)), '2026-03-02T17:00');
  });

  it('when received at 15:00 or later, then it is due the next working day', () => {
    assert.equal(vn(addWorkingDays(at('2026-03-02T15:00'), 0, cal)), '2026-03-03T17:00');
    assert.equal(
      vn(addWorkingDays(at('2026-03-02T15:00'), 0, cal, { counting: 'hours' })),
      '2026-03-03T17:00',
    );
  });

  it('when received after 15:00 on Wed 29 Apr 2026, then the holidays and weekend push it to Mon 4 May', () => {
    assert.equal(vn(addWorkingDays(at('2026-04-29T15:30'), 0, cal)), '2026-05-04T17:00');
  });

  it('when the cutoff is configured to 16:00 or switched off, then 15:30 is still the same day', () => {
    const later = createCalendar({ sameDayCutoff: '16:00' });
    assert.equal(vn(addWorkingDays(at('2026-03-02T15:30'), 0, later)), '2026-03-02T17:00');
    const none = createCalendar({ sameDayCutoff: null });
    assert.equal(vn(addWorkingDays(at('2026-03-02T16:30'), 0, none)), '2026-03-02T17:00');
    // After closing there is no time left that day, cutoff or not.
    assert.equal(vn(addWorkingDays(at('2026-03-02T17:30'), 0, none)), '2026-03-03T17:00');
  });

  it('when a same-day dossier is paused and resumes after the cutoff, then it is due the next working day', () => {
    const pauses = [{ from: at('2026-03-02T10:00'), until: at('2026-03-02T15:45') }];
    assert.equal(vn(addWorkingDays(at('2026-03-02T09:00'), 0, cal, { pauses })), '2026-03-03T17:00');
    const early = [{ from: at('2026-03-02T10:00'), until: at('2026-03-02T14:00') }];
    assert.equal(vn(addWorkingDays(at('2026-03-02T09:00'), 0, cal, { pauses: early })), '2026-03-02T17:00');
  });
});

describe('supplement pauses', () => {
  // Received Mon 9 Feb 2026, 5 days; supplement requested Thu 12 Feb 10:00, supplied Mon 23 Feb 10:00.
  // Paused working time: Thu 5.5 h + Fri 8 h + Mon 2.5 h = 16 h = 2 days; Tết 16–20 Feb was never working time.
  const start = at('2026-02-09T09:00');
  const pauses = [{ from: at('2026-02-12T10:00'), until: at('2026-02-23T10:00') }];

  it('when a pause spans Tết, then only the paused working time (2 days) is added to the due time', () => {
    assert.equal(vn(addWorkingDays(start, 5, cal)), '2026-02-23T17:00');
    assert.equal(vn(addWorkingDays(start, 5, cal, { pauses })), '2026-02-25T17:00');
    assert.equal(vn(addWorkingDays(start, 5, cal, { pauses, counting: 'hours' })), '2026-02-25T09:00');
  });

  it('when pauses overlap or begin before the clock starts, then no paused time is counted twice', () => {
    const messy = [
      { from: at('2026-02-15T08:00'), until: at('2026-02-23T10:00') },
      { from: at('2026-02-12T10:00'), until: at('2026-02-19T12:00') },
      { from: at('2026-02-01T08:00'), until: at('2026-02-09T08:00') },
    ];
    assert.equal(vn(addWorkingDays(start, 5, cal, { pauses: messy })), '2026-02-25T17:00');
  });

  it('when the limit has run out, then the elapsed working time equals it, pauses excluded', () => {
    const due = addWorkingDays(start, 5, cal, { pauses });
    assert.deepEqual(elapsedWorkingTime(start, due, pauses, cal), { minutes: 5 * 480, days: 5 });
  });

  it('when a pause is still open, then elapsed time stops at its start', () => {
    // Counted: Tue 10 and Wed 11 Feb (16 h) and Thu 12 Feb 07:30–10:00 (2.5 h).
    const open = [{ from: at('2026-02-12T10:00'), until: null }];
    const elapsed = elapsedWorkingTime(start, at('2026-02-17T12:00'), open, cal);
    assert.deepEqual(elapsed, { minutes: 18.5 * 60, days: 18.5 / 8 });
  });
});

describe('yearly override in the clock', () => {
  const swapped = createCalendar({
    overrides: [{ year: 2026, add: ['2026-01-02'], workingDays: ['2026-01-10'], remove: ['2026-11-24'] }],
  });

  it('when an administrator gives Fri 2 Jan 2026 off, then a limit starting on New Year’s Eve skips it', () => {
    assert.equal(vn(addWorkingDays(at('2025-12-31T10:00'), 3, cal)), '2026-01-06T17:00');
    assert.equal(vn(addWorkingDays(at('2025-12-31T10:00'), 3, swapped)), '2026-01-07T17:00');
  });

  it('when Sat 10 Jan 2026 is declared a working day, then it counts', () => {
    assert.equal(isWorkingDay('2026-01-10', swapped), true);
    assert.equal(vn(addWorkingDays(at('2026-01-09T10:00'), 1, cal)), '2026-01-12T17:00');
    assert.equal(vn(addWorkingDays(at('2026-01-09T10:00'), 1, swapped)), '2026-01-10T17:00');
  });

  it('when an administrator removes 24 Nov 2026, then it is a working day again', () => {
    assert.equal(isWorkingDay('2026-11-24', cal), false);
    assert.equal(isWorkingDay('2026-11-24', swapped), true);
  });

  it('when two overrides name the same year, then the calendar is refused', () => {
    assert.throws(() => createCalendar({ overrides: [{ year: 2026 }, { year: 2026 }] }), /Two overrides/);
  });
});

describe('steps', () => {
  it('when 5 days are shared 1 + 3 + 1 between steps, then each step is due in turn and the last at the dossier’s due time', () => {
    const start = at('2026-03-02T10:00');
    const steps = stepDueTimes(start, [1, 3, 1], cal);
    assert.deepEqual(steps.map(vn), ['2026-03-03T17:00', '2026-03-06T17:00', '2026-03-09T17:00']);
    assert.equal(steps.at(-1)?.getTime(), addWorkingDays(start, 5, cal).getTime());
  });

  it('when shares are fractions in hours counting, then rounding does not drift past a session end', () => {
    // 0.4 + 0.8 + 0.3 is 1.5000000000000002 in floating point: a hair past the end of Tuesday morning.
    const steps = stepDueTimes(at('2026-03-02T07:30'), [0.4, 0.8, 0.3], cal, { counting: 'hours' });
    assert.deepEqual(steps.map(vn), ['2026-03-02T10:42', '2026-03-03T09:06', '2026-03-03T11:30']);
  });
});

describe('timeliness', () => {
  const due = at('2026-03-05T17:00');

  it('when finished on an earlier day, then it is early', () => {
    assert.equal(classifyCompletion(at('2026-03-04T16:59'), due), 'early');
  });

  it('when finished on the due day up to the due time, then it is on time', () => {
    assert.equal(classifyCompletion(at('2026-03-05T08:00'), due), 'on-time');
    assert.equal(classifyCompletion(due, due), 'on-time');
  });

  it('when finished after the due time, then it is late', () => {
    assert.equal(classifyCompletion(at('2026-03-05T17:01'), due), 'late');
  });

  it('when finished late at night UTC but early morning in Hanoi, then the Vietnamese day decides', () => {
    // 17:30 UTC on 4 Mar is 00:30 on 5 Mar in Hanoi: the due day, so on time rather than early.
    assert.equal(classifyCompletion(new Date('2026-03-04T17:30:00Z'), due), 'on-time');
  });
});
