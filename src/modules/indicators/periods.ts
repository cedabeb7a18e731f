/**
 * ISO periods as DHIS2 writes them: `2026` (year), `2026Q4` (quarter), `202612` (month), `2026W49`
 * (ISO 8601 week: weeks start on Monday, week 1 holds the year's first Thursday, so 29 Dec 2025 is
 * in 2026W1 and 31 Dec 2026 in 2026W53). Dates are calendar dates 'YYYY-MM-DD' (Vietnam's days),
 * computed in UTC so no time zone or summer time can shift a day.
 *
 * No library: the ones that exist carry a calendar system and a date polyfill for what is a
 * hundred lines here; PostgreSQL's `to_char(d, 'IYYY"W"IW')` checks the week rules in the tests.
 */

export const PERIOD_TYPES = ['week', 'month', 'quarter', 'year'] as const;
export type PeriodType = (typeof PERIOD_TYPES)[number];

export interface Period {
  /** The ISO identifier: '2026', '2026Q4', '202612', '2026W49'. */
  id: string;
  type: PeriodType;
  /** First day, 'YYYY-MM-DD'. */
  start: string;
  /** Last day, included. */
  end: string;
}

const DAY = 86_400_000;

const toDate = (iso: string) => new Date(`${iso}T00:00:00Z`);
const toIso = (d: Date) => d.toISOString().slice(0, 10);

export function addDays(iso: string, days: number): string {
  return toIso(new Date(toDate(iso).getTime() + days * DAY));
}

/** Whole days from a to b (b − a). */
export function daysBetween(a: string, b: string): number {
  return Math.round((toDate(b).getTime() - toDate(a).getTime()) / DAY);
}

/** The calendar date in Vietnam (UTC+7, no summer time) at an instant. */
export function vnDate(at: Date): string {
  return toIso(new Date(at.getTime() + 7 * 3_600_000));
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** Monday of ISO week 1 of an ISO week-year: the week holding 4 January. */
function isoWeekOneMonday(year: number): Date {
  const jan4 = new Date(Date.UTC(year, 0, 4));
  const weekday = (jan4.getUTCDay() + 6) % 7; // Monday 0 … Sunday 6
  return new Date(jan4.getTime() - weekday * DAY);
}

/** ISO week-year and week number of a date. */
export function isoWeekOf(iso: string): { year: number; week: number } {
  const d = toDate(iso);
  const weekday = (d.getUTCDay() + 6) % 7;
  // The week belongs to the year of its Thursday.
  const thursday = new Date(d.getTime() + (3 - weekday) * DAY);
  const year = thursday.getUTCFullYear();
  const week = Math.floor((thursday.getTime() - isoWeekOneMonday(year).getTime()) / (7 * DAY)) + 1;
  return { year, week };
}

export function weeksInYear(year: number): number {
  return isoWeekOf(`${year}-12-28`).week;
}

function monthEnd(year: number, month: number): string {
  return toIso(new Date(Date.UTC(year, month, 0)));
}

function make(type: PeriodType, year: number, n: number): Period {
  switch (type) {
    case 'year':
      return { id: String(year), type, start: `${year}-01-01`, end: `${year}-12-31` };
    case 'quarter': {
      const first = (n - 1) * 3 + 1;
      return { id: `${year}Q${n}`, type, start: `${year}-${pad(first)}-01`, end: monthEnd(year, first + 2) };
    }
    case 'month':
      return { id: `${year}${pad(n)}`, type, start: `${year}-${pad(n)}-01`, end: monthEnd(year, n) };
    case 'week': {
      const monday = new Date(isoWeekOneMonday(year).getTime() + (n - 1) * 7 * DAY);
      return {
        id: `${year}W${n}`,
        type,
        start: toIso(monday),
        end: toIso(new Date(monday.getTime() + 6 * DAY)),
      };
    }
  }
}

const PATTERNS: [PeriodType, RegExp][] = [
  ['year', /^(\d{4})$/],
  ['quarter', /^(\d{4})Q([1-4])$/],
  ['month', /^(\d{4})(0[1-9]|1[0-2])$/],
  ['week', /^(\d{4})W(\d{1,2})$/],
];

/** The period an identifier names, or undefined. Weeks are written without a leading zero ('2026W9'); '2026W09' is read too. */
export function parsePeriod(id: string): Period | undefined {
  for (const [type, re] of PATTERNS) {
    const m = re.exec(id.trim());
    if (!m) continue;
    const year = Number(m[1]);
    const n = m[2] === undefined ? 1 : Number(m[2]);
    if (year < 1900 || year > 2999) return undefined;
    if (type === 'week' && (n < 1 || n > weeksInYear(year))) return undefined;
    return make(type, year, n);
  }
  return undefined;
}

export function getPeriod(id: string): Period {
  const p = parsePeriod(id);
  if (!p) throw new RangeError(`not an ISO period: ${id}`);
  return p;
}

/** The period of a type that holds a date. */
export function periodOf(type: PeriodType, iso: string): Period {
  const [y, m] = iso.split('-').map(Number) as [number, number];
  switch (type) {
    case 'year':
      return make('year', y, 1);
    case 'quarter':
      return make('quarter', y, Math.floor((m - 1) / 3) + 1);
    case 'month':
      return make('month', y, m);
    case 'week': {
      const w = isoWeekOf(iso);
      return make('week', w.year, w.week);
    }
  }
}

export function nextPeriod(p: Period): Period {
  return periodOf(p.type, addDays(p.end, 1));
}

export function previousPeriod(p: Period): Period {
  return periodOf(p.type, addDays(p.start, -1));
}

/** Every period of a type from the one holding `from` to the one holding `to`, in order (at most `limit`). */
export function periodsBetween(type: PeriodType, from: string, to: string, limit = 400): Period[] {
  const out: Period[] = [];
  for (let p = periodOf(type, from); p.start <= to && out.length < limit; p = nextPeriod(p)) out.push(p);
  return out;
}

/**
 * Whether values stored for `inner` count towards `outer`. A week counts towards the month,
 * quarter or year that holds its Thursday (the ISO rule that gives a week its year), so a week
 * crossing two months is counted once.
 */
export function countsTowards(inner: Period, outer: Period): boolean {
  if (inner.id === outer.id) return true;
  if (inner.type === 'week' && outer.type !== 'week') {
    const thursday = addDays(inner.start, 3);
    return thursday >= outer.start && thursday <= outer.end;
  }
  return RANK[inner.type] < RANK[outer.type] && inner.start >= outer.start && inner.end <= outer.end;
}

export const RANK: Record<PeriodType, number> = { week: 0, month: 1, quarter: 2, year: 3 };

const ROMAN = ['I', 'II', 'III', 'IV'];

/** 'Tháng 12/2026', 'Quý IV/2026', 'Tuần 49/2026 (30/11–06/12)', 'Năm 2026'; English likewise. */
export function periodLabel(p: Period, locale: 'vi' | 'en' = 'vi'): string {
  const y = p.id.slice(0, 4);
  const dm = (iso: string) => `${iso.slice(8, 10)}/${iso.slice(5, 7)}`;
  switch (p.type) {
    case 'year':
      return locale === 'vi' ? `Năm ${y}` : y;
    case 'quarter':
      return locale === 'vi' ? `Quý ${ROMAN[Number(p.id.slice(5)) - 1]}/${y}` : `Q${p.id.slice(5)} ${y}`;
    case 'month':
      return locale === 'vi' ? `Tháng ${Number(p.id.slice(4))}/${y}` : `${y}-${p.id.slice(4)}`;
    case 'week': {
      const n = p.id.slice(5);
      return `${locale === 'vi' ? 'Tuần' : 'Week'} ${n}/${y} (${dm(p.start)}–${dm(p.end)})`;
    }
  }
}
