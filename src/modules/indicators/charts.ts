/**
 * A trend line drawn on the server as SVG: no script, a few hundred bytes, printable. The ranking
 * of communes reuses the statistics module's bar chart. Text is escaped; sizes are in viewBox units.
 */

const esc = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export interface TrendPoint {
  label: string;
  value: number | null;
}

/** One series over periods; gaps where a period has no value; the target as a dashed line. */
export function trendChart(
  title: string,
  points: TrendPoint[],
  opts: { target?: number | undefined; format: (v: number) => string },
): string {
  const w = 640;
  const h = 240;
  const left = 56;
  const right = 16;
  const top = 34;
  const bottom = 46;
  const values = points.map((p) => p.value).filter((v): v is number => v !== null);
  const hi = Math.max(1, ...values, opts.target ?? 0);
  const lo = Math.min(0, ...values);
  const x = (i: number) => left + (points.length <= 1 ? 0 : (i * (w - left - right)) / (points.length - 1));
  const y = (v: number) => top + (1 - (v - lo) / (hi - lo)) * (h - top - bottom);
  const segments: string[] = [];
  let current: string[] = [];
  points.forEach((p, i) => {
    if (p.value === null) {
      if (current.length) segments.push(current.join(' '));
      current = [];
    } else current.push(`${x(i).toFixed(1)},${y(p.value).toFixed(1)}`);
  });
  if (current.length) segments.push(current.join(' '));
  const every = Math.max(1, Math.ceil(points.length / 8));
  const labels = points
    .map((p, i) =>
      i % every === 0
        ? `<text x="${x(i).toFixed(1)}" y="${h - bottom + 18}" font-size="11" text-anchor="middle">${esc(p.label)}</text>`
        : '',
    )
    .join('');
  const dots = points
    .map((p, i) =>
      p.value === null
        ? ''
        : `<circle cx="${x(i).toFixed(1)}" cy="${y(p.value).toFixed(1)}" r="3" fill="#1f5fa8"><title>${esc(`${p.label}: ${opts.format(p.value)}`)}</title></circle>`,
    )
    .join('');
  const target =
    opts.target === undefined
      ? ''
      : `<line x1="${left}" x2="${w - right}" y1="${y(opts.target).toFixed(1)}" y2="${y(opts.target).toFixed(1)}" stroke="#b35c00" stroke-dasharray="6 4"/><text x="${w - right}" y="${(y(opts.target) - 4).toFixed(1)}" font-size="11" text-anchor="end" fill="#b35c00">${esc(opts.format(opts.target))}</text>`;
  const axis = `<line x1="${left}" x2="${left}" y1="${top}" y2="${h - bottom}" stroke="#999"/><line x1="${left}" x2="${w - right}" y1="${h - bottom}" y2="${h - bottom}" stroke="#999"/><text x="${left - 6}" y="${top + 4}" font-size="11" text-anchor="end">${esc(opts.format(hi))}</text><text x="${left - 6}" y="${h - bottom}" font-size="11" text-anchor="end">${esc(opts.format(lo))}</text>`;
  const lines = segments
    .map((s) => `<polyline points="${s}" fill="none" stroke="#1f5fa8" stroke-width="2"/>`)
    .join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${w} ${h}" role="img" aria-label="${esc(title)}" style="max-width:100%;height:auto;font-family:sans-serif"><title>${esc(title)}</title><text x="0" y="16" font-size="14" font-weight="bold">${esc(title)}</text>${axis}${target}${lines}${dots}${labels}</svg>`;
}
