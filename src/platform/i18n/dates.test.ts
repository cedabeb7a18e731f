import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { z } from 'zod';
import { Invalid } from '../errors.ts';
import { parse } from '../validation.ts';
import {
  dateHint,
  dateSchema,
  formatDate,
  formatDateLong,
  formatDateTime,
  formatDateTimeLong,
  formatTime,
  parseDate,
  vietnamDate,
} from './dates.ts';

describe('Vietnamese dates', () => {
  it('when an instant is late in the UTC day, then its date and time are read in Vietnam (UTC+7)', () => {
    const at = new Date('2026-03-14T17:05:00Z'); // 00:05 on 15 March in Vietnam
    assert.equal(vietnamDate(at), '2026-03-15');
    assert.equal(formatDate(at), '15/03/2026');
    assert.equal(formatTime(at), '00:05');
    assert.equal(formatDateTime(at), '00:05 15/03/2026');
    assert.equal(formatDateLong(at), 'ngày 15 tháng 03 năm 2026');
    assert.equal(formatDateTimeLong(at), '00 giờ 05 phút, ngày 15 tháng 03 năm 2026');
  });

  it('when an ISO date is shown, then it reads dd/mm/yyyy; a text that is no ISO date is shown as written', () => {
    assert.equal(formatDate('2026-11-20'), '20/11/2026');
    assert.equal(formatDateLong('2026-11-20'), 'ngày 20 tháng 11 năm 2026');
    assert.equal(formatDate('20/11/2026'), '20/11/2026');
    assert.equal(formatDate(''), '');
  });

  it('when a person types a date, then dd/mm/yyyy, its variants and ISO give the ISO date', () => {
    const TABLE: ReadonlyArray<readonly [string, string | undefined]> = [
      ['15/03/2026', '2026-03-15'],
      ['5/3/2026', '2026-03-05'],
      [' 15-03-2026 ', '2026-03-15'],
      ['15.03.2026', '2026-03-15'],
      ['15 / 03 / 2026', '2026-03-15'],
      ['2026-03-15', '2026-03-15'],
      ['29/02/2028', '2028-02-29'],
      ['29/02/2026', undefined], // not a leap year
      ['31/04/2026', undefined],
      ['2026-02-30', undefined],
      ['00/01/2026', undefined],
      ['15/13/2026', undefined],
      ['03/15/2026', undefined], // month-first is not how Vietnam writes it
      ['15/03/26', undefined],
      ['2026/03/15', undefined],
      ['hôm qua', undefined],
      ['', undefined],
    ];
    for (const [input, expected] of TABLE) assert.equal(parseDate(input), expected, JSON.stringify(input));
  });

  it('when a form takes a date, then it stores ISO and refuses a non-date with a bilingual message', () => {
    const Form = z.object({ ngaySinh: dateSchema() });
    assert.deepEqual(parse(Form, { ngaySinh: '20/02/2026' }), { ngaySinh: '2026-02-20' });
    assert.deepEqual(parse(Form, { ngaySinh: '2026-02-20' }), { ngaySinh: '2026-02-20' });
    assert.throws(
      () => parse(Form, { ngaySinh: '30/02/2026' }),
      (e: unknown) =>
        e instanceof Invalid &&
        e.fields.length === 1 &&
        e.fields[0]?.field === 'ngaySinh' &&
        e.fields[0].vi === 'Ghi ngày theo dạng ngày/tháng/năm, ví dụ 15/03/2026.' &&
        e.fields[0].en === 'Write the date as day/month/year, e.g. 15/03/2026.',
    );
  });

  it('when the hint is shown, then it is in the page’s language only', () => {
    assert.equal(dateHint('vi'), 'Ngày/tháng/năm, ví dụ 15/03/2026');
    assert.equal(dateHint('en'), 'Day/month/year, e.g. 15/03/2026');
  });
});
