import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { type IsoDate, isIsoDate, isWeekend, yearOf } from './dates.ts';

/**
 * The official days off for civil servants, as the government's notices set them, year by year
 * (`data/days-off/days-off.json`, schema `xa-so/days-off` version 1; its README says where each
 * notice was read). Decision 021: for a year the file covers, these rows are the national calendar
 * and no rule is consulted; a province's override is applied on top of them, day by day.
 */

export const DAYS_OFF_FILE = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../../data/days-off/days-off.json',
);

const isoDate = z.string().refine(isIsoDate, 'not a YYYY-MM-DD date');

const Notice = z.object({
  number: z.string().nullable(),
  kind: z.string(),
  issuer: z.string(),
  date: isoDate.nullable(),
  title: z.string(),
  appliesTo: z.array(z.number().int()),
  status: z.string(),
  note: z.string().optional(),
  sources: z.array(z.string()),
});

export const OFFICIAL_KINDS = ['holiday', 'substitute', 'swapped_off', 'swapped_workday'] as const;
export type OfficialKind = (typeof OFFICIAL_KINDS)[number];

const Day = z.object({
  date: isoDate,
  weekday: z.enum(['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun']),
  kind: z.enum(OFFICIAL_KINDS),
  holiday: z.enum([
    'new-year',
    'tet',
    'hung-kings',
    'reunification',
    'labour-day',
    'national-day',
    'culture-day',
  ]),
  nameVi: z.string().min(1),
  nameEn: z.string().min(1),
  lunar: z.string().optional(),
  substituteFor: isoDate.optional(),
  swappedWith: isoDate.optional(),
  notice: z.string().nullable(),
  noticeDate: isoDate.nullable(),
  noticeRef: z.string(),
  status: z.enum(['text', 'secondary', 'unconfirmed']),
  note: z.string().optional(),
});

const File = z.object({
  schema: z.literal('xa-so/days-off'),
  version: z.literal(1),
  updated: isoDate,
  scope: z.string(),
  years: z.array(z.number().int()),
  yearsWithoutNotice: z.record(z.string(), z.string()),
  notices: z.record(z.string(), Notice),
  days: z.array(Day),
});

export type OfficialNotice = z.infer<typeof Notice>;
export type OfficialDay = z.infer<typeof Day>;
export type OfficialDaysOffFile = z.infer<typeof File>;

/** The file, checked, with its rows by year. */
export interface OfficialDaysOff {
  readonly file: OfficialDaysOffFile;
  /** Years with a notice: for them the rows are the whole truth. */
  readonly years: ReadonlySet<number>;
  readonly byYear: ReadonlyMap<number, readonly OfficialDay[]>;
  readonly notices: Readonly<Record<string, OfficialNotice>>;
}

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'] as const;

/**
 * Checks the file beyond its shape, so that a bad edit fails at start-up and in the calendar tests
 * rather than as a wrong due date: rows only in covered years, sorted, one per date, the weekday
 * right, every notice known, swaps paired both ways, a worked day on a weekend.
 */
export function checkOfficialDaysOff(input: unknown): OfficialDaysOff {
  const file = File.parse(input);
  const years = new Set(file.years);
  const byDate = new Map<IsoDate, OfficialDay>();
  const byYear = new Map<number, OfficialDay[]>();
  const fail = (d: OfficialDay, why: string) => {
    throw new RangeError(`${DAYS_OFF_FILE}: ${d.date}: ${why}`);
  };
  let previous = '';
  for (const d of file.days) {
    if (!years.has(yearOf(d.date))) fail(d, `year ${yearOf(d.date)} is not in "years"`);
    if (d.date <= previous) fail(d, 'rows must be sorted by date, one per date');
    previous = d.date;
    const weekday = WEEKDAYS[new Date(`${d.date}T00:00:00Z`).getUTCDay()];
    if (weekday !== d.weekday) fail(d, `is a ${weekday}, not a ${d.weekday}`);
    if (!file.notices[d.noticeRef]) fail(d, `unknown noticeRef ${d.noticeRef}`);
    if (d.kind === 'swapped_workday' && !isWeekend(d.date))
      fail(d, 'a day worked instead must be a weekend day');
    if ((d.kind === 'substitute' || d.kind === 'swapped_off') && isWeekend(d.date)) {
      fail(d, `a ${d.kind} day must be a weekday`);
    }
    byDate.set(d.date, d);
    const list = byYear.get(yearOf(d.date)) ?? [];
    list.push(d);
    byYear.set(yearOf(d.date), list);
  }
  for (const d of file.days) {
    if (d.kind === 'swapped_off' || d.kind === 'swapped_workday') {
      const other = d.swappedWith ? byDate.get(d.swappedWith) : undefined;
      const want = d.kind === 'swapped_off' ? 'swapped_workday' : 'swapped_off';
      if (other?.kind !== want || other.swappedWith !== d.date) fail(d, `its ${want} pair is missing`);
    }
    if (d.kind === 'substitute') {
      const made = d.substituteFor ? byDate.get(d.substituteFor) : undefined;
      if (!made || !isWeekend(made.date)) fail(d, 'substituteFor must name a weekend holiday row');
    }
  }
  for (const year of years) {
    if (!byYear.has(year)) throw new RangeError(`${DAYS_OFF_FILE}: year ${year} has no rows`);
    // A covered year names New Year's Day, so an empty or truncated year cannot pass for a notice.
    if (!byDate.has(`${year}-01-01`)) throw new RangeError(`${DAYS_OFF_FILE}: ${year} lacks 1 January`);
  }
  return { file, years, byYear, notices: file.notices };
}

let loaded: OfficialDaysOff | undefined;

/** The shipped file, read and checked once per process. */
export function officialDaysOff(): OfficialDaysOff {
  loaded ??= checkOfficialDaysOff(JSON.parse(fs.readFileSync(DAYS_OFF_FILE, 'utf8')));
  return loaded;
}
