import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Database } from '#platform/db/client.ts';
import { createTestDatabase } from '#test/support/db.ts';
import {
  addDays,
  countsTowards,
  getPeriod,
  nextPeriod,
  parsePeriod,
  periodLabel,
  periodOf,
  periodsBetween,
  previousPeriod,
  vnDate,
} from './periods.ts';

describe('ISO periods', () => {
  it('when the four kinds are parsed, then each has its first and last day', () => {
    assert.deepEqual(getPeriod('2026'), { id: '2026', type: 'year', start: '2026-01-01', end: '2026-12-31' });
    assert.deepEqual(getPeriod('2026Q4'), {
      id: '2026Q4',
      type: 'quarter',
      start: '2026-10-01',
      end: '2026-12-31',
    });
    assert.deepEqual(getPeriod('202602'), {
      id: '202602',
      type: 'month',
      start: '2026-02-01',
      end: '2026-02-28',
    });
    assert.equal(getPeriod('202802').end, '2028-02-29');
    // 2026-11-30 is a Monday; week 49 runs to Sunday 6 December.
    assert.deepEqual(getPeriod('2026W49'), {
      id: '2026W49',
      type: 'week',
      start: '2026-11-30',
      end: '2026-12-06',
    });
    assert.equal(getPeriod('2026W09').id, '2026W9');
  });

  it('when an identifier is not a period, then it is refused', () => {
    for (const bad of [
      '2026Q5',
      '202613',
      '202600',
      '2025W53',
      '2026W0',
      '26',
      '2026-12',
      'W49',
      '2026w49',
    ]) {
      assert.equal(parsePeriod(bad), undefined, bad);
    }
    assert.ok(parsePeriod('2026W53'), '2026 starts on a Thursday: it has 53 weeks');
  });

  it('when weeks cross a year, then they belong to the year of their Thursday', () => {
    assert.equal(periodOf('week', '2025-12-29').id, '2026W1');
    assert.equal(periodOf('week', '2027-01-03').id, '2026W53');
    assert.equal(periodOf('week', '2027-01-04').id, '2027W1');
    assert.equal(nextPeriod(getPeriod('2026W53')).id, '2027W1');
    assert.equal(previousPeriod(getPeriod('2026W1')).id, '2025W52');
    assert.equal(nextPeriod(getPeriod('2026Q4')).id, '2027Q1');
    assert.equal(previousPeriod(getPeriod('202601')).id, '202512');
  });

  it('when periods are listed between two dates, then they cover them in order', () => {
    assert.deepEqual(
      periodsBetween('month', '2026-10-15', '2027-01-02').map((p) => p.id),
      ['202610', '202611', '202612', '202701'],
    );
    assert.deepEqual(
      periodsBetween('quarter', '2026-01-01', '2026-12-31').map((p) => p.id),
      ['2026Q1', '2026Q2', '2026Q3', '2026Q4'],
    );
  });

  it('when a week crosses two months, then it counts towards the month of its Thursday only', () => {
    const w = getPeriod('2026W49'); // Mon 30 Nov – Sun 6 Dec: Thursday 3 December
    assert.equal(countsTowards(w, getPeriod('202612')), true);
    assert.equal(countsTowards(w, getPeriod('202611')), false);
    assert.equal(countsTowards(w, getPeriod('2026Q4')), true);
    assert.equal(countsTowards(getPeriod('202611'), getPeriod('2026Q4')), true);
    assert.equal(countsTowards(getPeriod('2026Q4'), getPeriod('202611')), false);
    assert.equal(countsTowards(getPeriod('202609'), getPeriod('2026Q4')), false);
  });

  it('when labelled, then Vietnamese reads as forms write it', () => {
    assert.equal(periodLabel(getPeriod('2026Q4')), 'Quý IV/2026');
    assert.equal(periodLabel(getPeriod('202612')), 'Tháng 12/2026');
    assert.equal(periodLabel(getPeriod('2026W49')), 'Tuần 49/2026 (30/11–06/12)');
    assert.equal(periodLabel(getPeriod('2026Q4'), 'en'), 'Q4 2026');
    assert.equal(vnDate(new Date('2026-11-30T17:30:00Z')), '2026-12-01');
  });
});

describe('ISO weeks checked against PostgreSQL', () => {
  let db: Database;
  before(async () => {
    db = await createTestDatabase();
  });
  after(() => db.close());

  it('when every day of 2020–2032 is placed in a week, then the week is the one to_char(IYYY, IW) gives', async () => {
    const rows = await db.query<{ d: string; w: string }>(
      `select d::date::text as d, to_char(d, 'IYYY') || 'W' || to_char(d, 'IW')::int as w
         from generate_series(date '2020-01-01', date '2032-12-31', interval '1 day') d`,
    );
    assert.equal(rows.length, 4749);
    for (const r of rows) {
      const p = periodOf('week', r.d);
      assert.equal(p.id, r.w, r.d);
      assert.ok(p.start <= r.d && r.d <= p.end && addDays(p.start, 6) === p.end, r.d);
    }
  });
});
