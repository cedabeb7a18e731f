import assert from 'node:assert/strict';
import fs from 'node:fs';
import { describe, it } from 'node:test';
import { addDays, isWeekend } from './dates.ts';
import { yearCalendar } from './holidays.ts';
import { checkOfficialDaysOff, DAYS_OFF_FILE, officialDaysOff } from './official.ts';
import { createCalendar, describeDay, type WorkingCalendar } from './working-days.ts';

/**
 * The official days off as shipped (`data/days-off/days-off.json`), checked against each year's
 * notice. The expected lists below were written from the notices' reports (cited beside each year;
 * the sources are in the file's `notices` and its README), not from the file, so a wrong row fails.
 */

const national = createCalendar({ official: officialDaysOff() });

/** Every Monday–Friday of `year` that is not a working day, as 'MM-DD'. */
function weekdaysOff(year: number, cal: WorkingCalendar): string[] {
  const out: string[] = [];
  for (let d = `${year}-01-01`; d.startsWith(String(year)); d = addDays(d, 1)) {
    if (!isWeekend(d) && !cal.isWorkingDate(d)) out.push(d.slice(5));
  }
  return out;
}

/** Every Saturday or Sunday of `year` that is a working day, as 'MM-DD'. */
function weekendsWorked(year: number, cal: WorkingCalendar): string[] {
  const out: string[] = [];
  for (let d = `${year}-01-01`; d.startsWith(String(year)); d = addDays(d, 1)) {
    if (isWeekend(d) && cal.isWorkingDate(d)) out.push(d.slice(5));
  }
  return out;
}

describe('the official days off, year by year, as each notice set them', () => {
  it('when the file is read, then it passes its own checks and covers 2020–2026, with 2027 named as having no notice', () => {
    const data = officialDaysOff();
    assert.deepEqual([...data.years], [2020, 2021, 2022, 2023, 2024, 2025, 2026]);
    assert.ok('2027' in data.file.yearsWithoutNotice);
    for (const d of data.file.days) assert.ok(d.noticeRef in data.notices, d.date);
  });

  it('when 2020 is counted: 2 September is one day (Labour Code 2012 art. 115); Tết 23–29 Jan, 28–29 Jan in lieu of the weekend (VPCP letter of 08/10/2019)', () => {
    assert.deepEqual(weekdaysOff(2020, national), [
      '01-01',
      '01-23',
      '01-24',
      '01-27',
      '01-28',
      '01-29',
      '04-02',
      '04-30',
      '05-01',
      '09-02',
    ]);
    assert.deepEqual(weekendsWorked(2020, national), []);
  });

  it('when 2021 is counted: Tết 10–16 Feb with 15–16 Feb in lieu, National Day 2–3 Sep, 1 May made up on 3 May (4875/TB-LĐTBXH)', () => {
    assert.deepEqual(weekdaysOff(2021, national), [
      '01-01',
      '02-10',
      '02-11',
      '02-12',
      '02-15',
      '02-16',
      '04-21',
      '04-30',
      '05-03',
      '09-02',
      '09-03',
    ]);
  });

  it('when 2022 is counted: Tết 31 Jan – 4 Feb (VPCP 245/VPCP-KGVX of 11/01/2022; 119/TB-LĐTBXH), 1–2 Sep', () => {
    assert.deepEqual(weekdaysOff(2022, national), [
      '01-03',
      '01-31',
      '02-01',
      '02-02',
      '02-03',
      '02-04',
      '04-11',
      '05-02',
      '05-03',
      '09-01',
      '09-02',
    ]);
  });

  it('when 2023 is counted: Tết 20–26 Jan with two days in lieu, Hùng Kings and 30 Apr made up on 2–3 May, 1 and 4 Sep (5034/TB-LĐTBXH)', () => {
    assert.deepEqual(weekdaysOff(2023, national), [
      '01-02',
      '01-20',
      '01-23',
      '01-24',
      '01-25',
      '01-26',
      '05-01',
      '05-02',
      '05-03',
      '09-01',
      '09-04',
    ]);
  });

  it('when 2024 is counted: Tết 8, 9, 12–14 Feb (5015/TB-LĐTBXH), 29 Apr off and Saturday 4 May worked (2450/VPCP-KGVX of 12/04/2024), 2–3 Sep', () => {
    assert.deepEqual(weekdaysOff(2024, national), [
      '01-01',
      '02-08',
      '02-09',
      '02-12',
      '02-13',
      '02-14',
      '04-18',
      '04-29',
      '04-30',
      '05-01',
      '09-02',
      '09-03',
    ]);
    assert.deepEqual(weekendsWorked(2024, national), ['05-04']);
  });

  it('when 2025 is counted: Tết 27–31 Jan (from 28 Chạp), Friday 2 May off and Saturday 26 Apr worked, 1–2 Sep (6150/TB-LĐTBXH of 03/12/2024)', () => {
    assert.deepEqual(weekdaysOff(2025, national), [
      '01-01',
      '01-27',
      '01-28',
      '01-29',
      '01-30',
      '01-31',
      '04-07',
      '04-30',
      '05-01',
      '05-02',
      '09-01',
      '09-02',
    ]);
    assert.deepEqual(weekendsWorked(2025, national), ['04-26']);
  });

  it('when 2026 is counted: 2 Jan off and Saturday 10 Jan worked (12729/VPCP-KGVX of 25/12/2025); Tết 16–20 Feb, 31 Aug off and Saturday 22 Aug worked, 1–2 Sep (9441/TB-BNV of 16/10/2025); 27 Apr in lieu of Hùng Kings’ Sunday; 24 Nov (NQ 28/2026/QH16)', () => {
    assert.deepEqual(weekdaysOff(2026, national), [
      '01-01',
      '01-02',
      '02-16',
      '02-17',
      '02-18',
      '02-19',
      '02-20',
      '04-27',
      '04-30',
      '05-01',
      '08-31',
      '09-01',
      '09-02',
      '11-24',
    ]);
    assert.deepEqual(weekendsWorked(2026, national), ['01-10', '08-22']);
    const swap = describeDay('2026-01-02', national);
    assert.equal(swap.workingDay, false);
    assert.deepEqual(
      [
        swap.reason?.kind,
        'notice' in (swap.reason ?? {}) ? (swap.reason as { notice: string }).notice : null,
      ],
      ['swapped_off', '12729/VPCP-KGVX'],
    );
    const worked = describeDay('2026-08-22', national);
    assert.equal(worked.workingDay, true);
    assert.equal((worked.reason as { notice?: string }).notice, '9441/TB-BNV');
  });

  it('when 2027 is asked, then there is no notice: the computed default applies and says so (Tết from 29 Chạp: 5–9 Feb, days in lieu 10–11 Feb; data/days-off/README.md “2027 by the law alone”)', () => {
    const y = national.yearCalendar(2027);
    assert.equal(y.basis, 'default');
    assert.deepEqual(weekdaysOff(2027, national).slice(0, 6), [
      '01-01',
      '02-05',
      '02-08',
      '02-09',
      '02-10',
      '02-11',
    ]);
    assert.equal(y.reasons.get('2027-02-05')?.basis, 'default');
    assert.equal(y.reasons.get('2027-02-05')?.name.vi, 'Tết Âm lịch');
  });
});

describe('the computed default Tết starts on 29 Chạp', () => {
  // Without the file, the rule alone: "29 Chạp + 4 days, with days in lieu" matches the notices of
  // 2020–2024 and 2026 and not 2025 (which began on 28 Chạp); the old "last day of the year" rule was
  // wrong in 2023, 2024 and 2025 (issue 12).
  it('when 2024 is computed by rule, then Tết is 8–12 Feb with 13–14 Feb in lieu: the weekdays of 5015/TB-LĐTBXH', () => {
    const rule = createCalendar();
    assert.deepEqual(
      weekdaysOff(2024, rule).filter((d) => d.startsWith('02')),
      ['02-08', '02-09', '02-12', '02-13', '02-14'],
    );
  });

  it('when 2023 is computed by rule, then Tết is 20, 23–26 Jan, as 5034/TB-LĐTBXH', () => {
    assert.deepEqual(
      weekdaysOff(2023, createCalendar()).filter((d) => d.startsWith('01-2')),
      ['01-20', '01-23', '01-24', '01-25', '01-26'],
    );
  });

  it('when 2025 is computed by rule, then it differs from the notice (28 Chạp start): the file, not the rule, decides that year', () => {
    const byRule = weekdaysOff(2025, createCalendar()).filter(
      (d) => d.startsWith('01') || d.startsWith('02'),
    );
    assert.deepEqual(byRule, ['01-01', '01-28', '01-29', '01-30', '01-31', '02-03']);
    assert.equal(national.isWorkingDate('2025-01-27'), false);
    assert.equal(national.isWorkingDate('2025-02-03'), true);
  });
});

describe('a province’s override, day by day, on top of the notice', () => {
  it('when a province adds a day, works a swapped day and cancels one, then only those days change, each saying why', () => {
    const province = createCalendar({
      official: officialDaysOff(),
      overrides: [
        {
          year: 2026,
          add: ['2026-03-04'],
          remove: ['2026-08-31'],
          note: 'QĐ 123/QĐ-UBND của tỉnh (thử)',
        },
      ],
    });
    assert.equal(province.isWorkingDate('2026-03-04'), false);
    assert.equal(province.isWorkingDate('2026-08-31'), true);
    assert.equal(province.isWorkingDate('2026-01-02'), false, 'the notice’s other days stay');
    assert.deepEqual(describeDay('2026-03-04', province).reason, {
      kind: 'declared',
      name: { vi: 'Ngày nghỉ do tỉnh quyết định', en: 'Day off declared by the province' },
      basis: 'province',
      note: 'QĐ 123/QĐ-UBND của tỉnh (thử)',
    });
    assert.equal(describeDay('2026-08-31', province).reason?.kind, 'worked');
    assert.equal(yearCalendar(2026, undefined, undefined, officialDaysOff()).basis, 'notice');
  });
});

describe('a broken data file is refused before it can move a due date', () => {
  const file = () => JSON.parse(fs.readFileSync(DAYS_OFF_FILE, 'utf8'));

  it('when a swap loses its worked Saturday, then the file is refused', () => {
    const f = file();
    f.days = f.days.filter((d: { date: string }) => d.date !== '2026-01-10');
    assert.throws(() => checkOfficialDaysOff(f), /swapped_workday pair is missing/);
  });

  it('when a row names the wrong weekday, an unknown notice or a year not covered, then the file is refused', () => {
    const wrongDay = file();
    wrongDay.days.find((d: { date: string }) => d.date === '2026-02-16').weekday = 'Tue';
    assert.throws(() => checkOfficialDaysOff(wrongDay), /is a Mon, not a Tue/);
    const unknown = file();
    unknown.days.find((d: { date: string }) => d.date === '2026-02-16').noticeRef = 'nope';
    assert.throws(() => checkOfficialDaysOff(unknown), /unknown noticeRef/);
    const uncovered = file();
    uncovered.years = uncovered.years.filter((y: number) => y !== 2026);
    assert.throws(() => checkOfficialDaysOff(uncovered), /year 2026 is not in "years"/);
  });
});
