import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  checkYearOverride,
  DEFAULT_HOLIDAY_RULE,
  type Holiday,
  statutoryHolidays,
  yearCalendar,
} from './holidays.ts';
import { lunarNewYear, lunarToSolar } from './lunar.ts';

const dates = (holidays: readonly Holiday[], kind?: Holiday['kind']) =>
  holidays.filter((h) => kind === undefined || h.kind === kind).map((h) => h.date);

describe('Tết', () => {
  it('when the year is 2026, then Tết is Mon 16 – Fri 20 Feb, as the government announced', () => {
    const year = yearCalendar(2026);
    assert.equal(lunarNewYear(2026), '2026-02-17');
    assert.deepEqual(dates(year.holidays, 'tet'), [
      '2026-02-16',
      '2026-02-17',
      '2026-02-18',
      '2026-02-19',
      '2026-02-20',
    ]);
    assert.ok(!year.holidays.some((h) => h.kind === 'substitute' && h.date.startsWith('2026-02')));
  });

  it('when lunar New Year 2027 falls on Sat 6 Feb, then Tết is 5–9 Feb and its weekend days are made up on Wed 10 and Thu 11 Feb', () => {
    assert.equal(lunarNewYear(2027), '2027-02-06');
    // The last day of lunar year Bính Ngọ is the 29th of month 12.
    assert.equal(lunarToSolar(2026, 12, 29), '2027-02-05');
    assert.throws(() => lunarToSolar(2026, 12, 30), RangeError);

    const year = yearCalendar(2027);
    assert.deepEqual(dates(year.holidays, 'tet'), [
      '2027-02-05',
      '2027-02-06',
      '2027-02-07',
      '2027-02-08',
      '2027-02-09',
    ]);
    const substitutes = year.holidays.filter((h) => h.kind === 'substitute' && h.date.startsWith('2027-02'));
    assert.deepEqual(substitutes, [
      { date: '2027-02-10', kind: 'substitute', substituteFor: '2027-02-06' },
      { date: '2027-02-11', kind: 'substitute', substituteFor: '2027-02-07' },
    ]);
  });

  it('when the new moon falls just after midnight Beijing time (Tết 2030), then the Vietnamese date at UTC+7 is used, 2 Feb not 3 Feb', () => {
    assert.equal(lunarNewYear(2030), '2030-02-02');
    assert.deepEqual(dates(yearCalendar(2030).holidays, 'tet'), [
      '2030-02-01',
      '2030-02-02',
      '2030-02-03',
      '2030-02-04',
      '2030-02-05',
    ]);
  });

  it('when lunar New Year is computed for 2020–2035, then it matches the dates Vietnamese calendars print', () => {
    const expected: Record<number, string> = {
      2020: '2020-01-25',
      2021: '2021-02-12',
      2022: '2022-02-01',
      2023: '2023-01-22',
      2024: '2024-02-10',
      2025: '2025-01-29',
      2026: '2026-02-17',
      2027: '2027-02-06',
      2028: '2028-01-26',
      2029: '2029-02-13',
      2030: '2030-02-02',
      2031: '2031-01-23',
      2032: '2032-02-11',
      2033: '2033-01-31',
      2034: '2034-02-19',
      2035: '2035-02-08',
    };
    for (const [year, date] of Object.entries(expected)) assert.equal(lunarNewYear(Number(year)), date, year);
  });

  it('when the rule puts two Tết days before New Year, then the block starts two days earlier', () => {
    const year = yearCalendar(2026, { ...DEFAULT_HOLIDAY_RULE, tetDaysBefore: 2 });
    assert.deepEqual(dates(year.holidays, 'tet'), [
      '2026-02-15',
      '2026-02-16',
      '2026-02-17',
      '2026-02-18',
      '2026-02-19',
    ]);
    // 15 Feb 2026 is a Sunday, so the default substitute rule gives the first free weekday after Tết.
    assert.ok(year.holidays.some((h) => h.date === '2026-02-20' && h.substituteFor === '2026-02-15'));
  });
});

describe("Hùng Kings' day", () => {
  it('when 10/3 lunar falls on Sunday 26 Apr 2026, then Monday 27 Apr is its substitute day off', () => {
    const year = yearCalendar(2026);
    assert.deepEqual(dates(year.holidays, 'hung-kings'), ['2026-04-26']);
    assert.deepEqual(
      year.holidays.find((h) => h.date === '2026-04-27'),
      { date: '2026-04-27', kind: 'substitute', substituteFor: '2026-04-26' },
    );
  });

  it('when it falls on Saturday 29 Apr 2023 next to Sunday 30 Apr, then 2 and 3 May are off, as announced that year', () => {
    const year = yearCalendar(2023);
    assert.deepEqual(
      year.holidays.filter((h) => h.date >= '2023-04-29' && h.date <= '2023-05-05').map((h) => h.date),
      ['2023-04-29', '2023-04-30', '2023-05-01', '2023-05-02', '2023-05-03'],
    );
  });

  it('when the substitute rule is off, then a weekend holiday gives no extra day', () => {
    const year = yearCalendar(2026, { ...DEFAULT_HOLIDAY_RULE, substitute: 'none' });
    assert.ok(!year.holidays.some((h) => h.kind === 'substitute'));
  });
});

describe('National Day and 24 Nov', () => {
  it('when the companion day is left at its default, then 1 and 2 Sep are off', () => {
    assert.deepEqual(dates(yearCalendar(2026).holidays, 'national-day'), ['2026-09-01', '2026-09-02']);
  });

  it("when the companion day is set to 'after', then 2 and 3 Sep are off", () => {
    const year = yearCalendar(2026, { ...DEFAULT_HOLIDAY_RULE, nationalDayCompanion: 'after' });
    assert.deepEqual(dates(year.holidays, 'national-day'), ['2026-09-02', '2026-09-03']);
  });

  it('when 24 Nov starts in 2026 by default, then 2025 has no 24 Nov and 2026 has', () => {
    assert.deepEqual(dates(yearCalendar(2025).holidays, 'november-24'), []);
    assert.deepEqual(dates(yearCalendar(2026).holidays, 'november-24'), ['2026-11-24']);
    const never = yearCalendar(2026, { ...DEFAULT_HOLIDAY_RULE, november24FromYear: null });
    assert.deepEqual(dates(never.holidays, 'november-24'), []);
  });
});

describe('every year', () => {
  it('when years 2020–2035 are computed, then each has 11 distinct holiday dates before substitutes, 12 from 2026', () => {
    for (let year = 2020; year <= 2035; year++) {
      const list = statutoryHolidays(year);
      const distinct = new Set(list.map((h) => h.date));
      assert.equal(distinct.size, year >= 2026 ? 12 : 11, `${year}: ${[...distinct].join(' ')}`);
      assert.equal(list.length, distinct.size, `${year} has two holidays on one date`);
      for (const d of distinct) assert.ok(d.startsWith(`${year}-`), `${year}: ${d}`);
      for (const fixed of ['01-01', '04-30', '05-01', '09-02']) {
        assert.ok(distinct.has(`${year}-${fixed}`), `${year} lacks ${fixed}`);
      }
      const hungKings = list.find((h) => h.kind === 'hung-kings')?.date ?? '';
      assert.ok(
        hungKings > `${year}-03-30` && hungKings < `${year}-04-30`,
        `${year}: Hùng Kings ${hungKings}`,
      );
    }
  });
});

describe('yearly override', () => {
  it('when an administrator removes a computed day and adds a declared one, then the year follows the override', () => {
    const year = yearCalendar(2026, DEFAULT_HOLIDAY_RULE, {
      year: 2026,
      remove: ['2026-11-24'],
      add: ['2026-01-02'],
      workingDays: ['2026-01-10'],
      note: 'swap Fri 2 Jan with Sat 10 Jan',
    });
    assert.ok(!year.holidays.some((h) => h.date === '2026-11-24'));
    assert.deepEqual(
      year.holidays.find((h) => h.date === '2026-01-02'),
      { date: '2026-01-02', kind: 'declared' },
    );
    assert.deepEqual(year.workingDays, ['2026-01-10']);
  });

  it("when an administrator replaces a year's list, then only the listed days are off and known ones keep their kind", () => {
    const year = yearCalendar(2027, DEFAULT_HOLIDAY_RULE, {
      year: 2027,
      replace: ['2027-01-01', '2027-02-04', '2027-02-05', '2027-02-12'],
    });
    assert.deepEqual(year.holidays, [
      { date: '2027-01-01', kind: 'new-year' },
      { date: '2027-02-04', kind: 'declared' },
      { date: '2027-02-05', kind: 'tet' },
      { date: '2027-02-12', kind: 'declared' },
    ]);
  });

  it('when an override is malformed, then it is refused before use', () => {
    assert.throws(() => checkYearOverride({ year: 2026, add: ['2027-01-01'] }), RangeError);
    assert.throws(() => checkYearOverride({ year: 2026, add: ['2026-02-30'] }), RangeError);
    assert.throws(() => checkYearOverride({ year: 2026, workingDays: ['2026-01-12'] }), /not a Saturday/);
    assert.throws(
      () => checkYearOverride({ year: 2026, add: ['2026-01-10'], workingDays: ['2026-01-10'] }),
      /both a day off and a working day/,
    );
    assert.throws(() => yearCalendar(2026, DEFAULT_HOLIDAY_RULE, { year: 2027 }), RangeError);
  });
});
