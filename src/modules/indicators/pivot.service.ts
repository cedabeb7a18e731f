import { z } from 'zod';
import { getPlaceByCode, listChildren, type Place } from '#modules/places/index.ts';
import { requireStaff } from '#platform/auth/actor.ts';
import type { Ctx } from '#platform/context.ts';
import { Forbidden, Invalid } from '#platform/errors.ts';
import { msg, parse } from '#platform/validation.ts';
import { evaluateIndicator, references } from './expression.ts';
import * as q from './indicators.queries.ts';
import { Code, PeriodId, type Text } from './indicators.schemas.ts';
import { type ElementRecord, type IndicatorRecord, loadModel, type Model } from './model.service.ts';
import { getPeriod, type Period, periodsBetween } from './periods.ts';

/** At most this many periods and items in one table: 50 indicators × 12 months fit, a runaway URL does not. */
export const MAX_PERIODS = 60;
export const MAX_ITEMS = 100;

export const PivotQuery = z
  .object({
    place: z.string().trim().min(1).max(20),
    from: PeriodId,
    to: PeriodId,
    /** Indicator or element codes, in column order. */
    items: z.array(Code).min(1).max(MAX_ITEMS),
    /** 'name', or an item code and period id: 'TL_TRUC_TUYEN@202612'. */
    sort: z.string().trim().max(80).default('name'),
    dir: z.enum(['asc', 'desc']).default('asc'),
    /** Rows whose place name contains this (with or without diacritics). */
    q: z.string().trim().max(100).optional(),
  })
  .superRefine((v, ctx) => {
    const a = getPeriodSafe(v.from);
    const b = getPeriodSafe(v.to);
    if (a && b && a.type !== b.type)
      ctx.addIssue({
        code: 'custom',
        path: ['to'],
        message: msg(
          'Hai kỳ phải cùng loại (cùng là tháng, quý…).',
          'Both periods must be of the same kind.',
        ),
      });
    else if (a && b && a.start > b.start)
      ctx.addIssue({
        code: 'custom',
        path: ['to'],
        message: msg('Kỳ cuối phải sau kỳ đầu.', 'The last period must come after the first.'),
      });
  });
export type PivotQuery = z.output<typeof PivotQuery>;

function getPeriodSafe(id: string) {
  try {
    return getPeriod(id);
  } catch {
    return undefined;
  }
}

export interface PivotItem {
  kind: 'indicator' | 'element';
  code: string;
  name: Text;
  unit: string | undefined;
  decimals: number;
  target: number | undefined;
  higherIsBetter: boolean;
}

export interface PivotRow {
  /** A child of the root; null for values sitting at the root itself, and for the total. */
  place: Pick<Place, 'id' | 'code' | 'fullName'> | null;
  /** values[item][period] */
  values: (number | null)[][];
}

export interface Pivot {
  root: Place;
  periods: Period[];
  items: PivotItem[];
  rows: PivotRow[];
  /** Values at the root itself (a province's own centre), when there are any. */
  own: PivotRow | null;
  total: PivotRow;
}

function itemOf(model: Model, code: string): PivotItem | undefined {
  const i = model.indicators.get(code);
  if (i)
    return {
      kind: 'indicator',
      code,
      name: i.name,
      unit: i.unit,
      decimals: i.decimals,
      target: i.target,
      higherIsBetter: i.higherIsBetter,
    };
  const e = model.elements.get(code);
  if (e)
    return {
      kind: 'element',
      code,
      name: e.name,
      unit: e.valueType === 'percent' ? '%' : undefined,
      decimals: e.valueType === 'integer' ? 0 : 1,
      target: undefined,
      higherIsBetter: true,
    };
  return undefined;
}

/**
 * The element values behind each row and period, and indicators computed from them. Rows of the
 * aggregate are indexed once by (row, period) → element → option, so the 50 × 100 × 12 evaluations
 * of a province table are map lookups.
 */
class Cells {
  private byCell = new Map<string, Map<string, Map<string, { sum: number; n: number }>>>();
  constructor(
    rows: q.AggregateRow[],
    private readonly elements: Map<string, ElementRecord>,
  ) {
    for (const r of rows) {
      // Each row counts for its child of the root, and for the root's total ('*').
      for (const rk of [r.rk, '*']) {
        const key = `${rk}|${r.pid}`;
        let cell = this.byCell.get(key);
        if (!cell) {
          cell = new Map();
          this.byCell.set(key, cell);
        }
        let options = cell.get(r.element);
        if (!options) {
          options = new Map();
          cell.set(r.element, options);
        }
        const c = options.get(r.option);
        if (c) {
          c.sum += r.sum;
          c.n += r.n;
        } else options.set(r.option, { sum: r.sum, n: r.n });
      }
    }
  }

  lookup(rk: string, pid: string) {
    const cell = this.byCell.get(`${rk}|${pid}`);
    // Indicators of one table share their elements: each element's total is added once per cell.
    const totals = new Map<string, number | undefined>();
    return (code: string, option?: string): number | undefined => {
      if (option === undefined && totals.has(code)) return totals.get(code);
      const options = cell?.get(code);
      const e = this.elements.get(code);
      if (!options || !e) return undefined;
      const pick = (c: { sum: number; n: number }) => (e.aggregation === 'average' ? c.sum / c.n : c.sum);
      if (option !== undefined) {
        const c = options.get(option);
        return c === undefined ? undefined : pick(c);
      }
      let total = 0;
      for (const c of options.values()) total += pick(c);
      totals.set(code, total);
      return total;
    };
  }
}

export function requirePlaceAccess(ctx: Ctx, place: Place) {
  const staff = requireStaff(ctx.actor);
  if (!staff.grants.some((g) => place.path.startsWith(g.placePath))) throw new Forbidden();
}

const fold = (s: string) =>
  s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D')
    .toLowerCase();

/**
 * Places × periods for the chosen indicators and elements, with the total of the root. Staff whose
 * grants cover the root read everything; the public page reads published indicators only, with
 * typed values only once approved (`publicOnly`).
 */
export async function pivotFor(
  ctx: Ctx,
  input: unknown,
  opts: { publicOnly?: boolean } = {},
): Promise<Pivot> {
  const query = parse(PivotQuery, input);
  const root = await getPlaceByCode(ctx.db, query.place);
  if (!opts.publicOnly) requirePlaceAccess(ctx, root);
  const model = await loadModel(ctx.db);
  const items: PivotItem[] = [];
  const unknown: string[] = [];
  for (const code of query.items) {
    const item = itemOf(model, code);
    if (!item || (opts.publicOnly && (item.kind !== 'indicator' || !model.indicators.get(code)?.published)))
      unknown.push(code);
    else if (!items.some((i) => i.code === code)) items.push(item);
  }
  if (unknown.length)
    throw new Invalid([
      {
        field: 'items',
        vi: `Không có chỉ số hoặc chỉ tiêu: ${unknown.join(', ')}.`,
        en: `No such indicator or element: ${unknown.join(', ')}.`,
      },
    ]);
  const first = getPeriod(query.from);
  const last = getPeriod(query.to);
  const periods = periodsBetween(first.type, first.start, last.start, MAX_PERIODS + 1);
  if (periods.length > MAX_PERIODS)
    throw new Invalid([
      {
        field: 'to',
        vi: `Tối đa ${MAX_PERIODS} kỳ trong một bảng.`,
        en: `At most ${MAX_PERIODS} periods in one table.`,
      },
    ]);
  const needed = new Set<string>();
  for (const item of items) {
    if (item.kind === 'element') needed.add(item.code);
    else {
      const i = model.indicators.get(item.code) as IndicatorRecord;
      for (const r of [...references(i.numeratorExpr), ...references(i.denominatorExpr)]) needed.add(r.code);
    }
  }
  const elements = [...needed].filter((c) => model.elements.has(c));
  const rows = await q.aggregate(ctx.sql, {
    path: root.path,
    elements,
    lastElements: elements.filter((c) => model.elements.get(c)?.aggregation === 'last'),
    periods,
    approvedOnly: opts.publicOnly ?? false,
  });
  const cells = new Cells(rows, model.elements);
  const records = items.map((item) =>
    item.kind === 'indicator' ? model.indicators.get(item.code) : undefined,
  );
  const valuesFor = (rk: string) => {
    const looks = periods.map((p) => cells.lookup(rk, p.id));
    return items.map((item, ii) =>
      looks.map((look) => {
        const i = records[ii];
        if (!i) return look(item.code) ?? null;
        return evaluateIndicator(i.numeratorExpr, i.denominatorExpr, i.factor, look);
      }),
    );
  };
  const children = (await listChildren(ctx.db, root.id)).filter((c) => !c.validTo);
  let out: PivotRow[] = children.map((c) => ({
    place: { id: c.id, code: c.code, fullName: c.fullName },
    values: valuesFor(String(c.id)),
  }));
  if (query.q) {
    const needle = fold(query.q);
    out = out.filter((r) => r.place && fold(r.place.fullName).includes(needle));
  }
  const [sortItem, sortPeriod] = query.sort.split('@');
  const ii = items.findIndex((i) => i.code === sortItem);
  const pi = periods.findIndex((p) => p.id === sortPeriod);
  const sign = query.dir === 'desc' ? -1 : 1;
  if (ii >= 0 && pi >= 0)
    out.sort((a, b) => {
      const x = a.values[ii]?.[pi] ?? null;
      const y = b.values[ii]?.[pi] ?? null;
      // Places without a value go last whichever way the column is sorted.
      if (x === null || y === null) return x === null ? (y === null ? 0 : 1) : -1;
      return sign * (x - y) || (a.place?.fullName ?? '').localeCompare(b.place?.fullName ?? '', 'vi');
    });
  else out.sort((a, b) => sign * (a.place?.fullName ?? '').localeCompare(b.place?.fullName ?? '', 'vi'));
  const hasOwn = rows.some((r) => r.rk === '');
  return {
    root,
    periods,
    items,
    rows: out,
    own: hasOwn ? { place: null, values: valuesFor('') } : null,
    total: { place: null, values: valuesFor('*') },
  };
}

/** One item's values for one row over the periods (for a trend chart). */
export function series(p: Pivot, row: PivotRow, item: string): { period: Period; value: number | null }[] {
  const ii = p.items.findIndex((i) => i.code === item);
  return p.periods.map((period, pi) => ({ period, value: row.values[ii]?.[pi] ?? null }));
}
