import fs from 'node:fs/promises';
import path from 'node:path';
import type { Figure, MeasureResult } from './measure.ts';
import { ROOT } from './measure.ts';

export const LATEST_JSON = path.join(ROOT, '.data/bench/latest.json');

export type Outcome =
  | { name: string; ok: true; result: MeasureResult; seconds: number }
  | { name: string; ok: false; error: string; seconds: number };

/** Whole numbers for big figures, three significant digits for small ones. */
export function figure(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  return Math.abs(n) >= 100 ? String(Math.round(n)) : String(Number(n.toPrecision(3)));
}

function oneLine(name: string, r: Figure): string {
  return `${r.label ?? name} ${r.unit}: ${figure(r.value)} | baseline ${r.baselineLabel}: ${figure(r.baseline)} ${r.unit} | ratio ${r.ratio.toFixed(2)}`;
}

export function line(name: string, r: MeasureResult): string {
  return [r, ...(r.more ?? [])].map((f) => oneLine(name, f)).join('\n');
}

const clip = (s: string, max = 60) => (s.length > max ? `${s.slice(0, max - 1)}…` : s);

export function table(outcomes: Outcome[]): string {
  const head = ['measure', 'value', 'unit', 'baseline', 'baseline is', 'ratio', 'better'];
  const row = (name: string, f: Figure) => [
    f.label ?? name,
    figure(f.value),
    f.unit,
    figure(f.baseline),
    f.baselineLabel,
    f.ratio.toFixed(2),
    f.higherIsBetter ? 'higher' : 'lower',
  ];
  const rows = outcomes.flatMap((o) =>
    o.ok
      ? [o.result, ...(o.result.more ?? [])].map((f) => row(o.name, f))
      : [[o.name, 'FAILED', '', '', clip(o.error.split('\n')[0] ?? ''), '', '']],
  );
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const fmt = (cells: string[]) =>
    cells
      .map((c, i) => (i === 1 || i === 3 || i === 5 ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [fmt(head), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(fmt)].join('\n');
}

export async function writeJson(report: unknown): Promise<string> {
  await fs.mkdir(path.dirname(LATEST_JSON), { recursive: true });
  await fs.writeFile(LATEST_JSON, `${JSON.stringify(report, null, 2)}\n`);
  return LATEST_JSON;
}
