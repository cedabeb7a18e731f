/**
 * Charts as SVG drawn on the server: no script, a few hundred bytes, readable on any phone and
 * printable. Text is escaped; sizes are in viewBox units so the chart scales with the page.
 */

const esc = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export interface Bar {
  label: string;
  value: number;
  /** The bar's full length (its maximum); the value is drawn against it. */
  max: number;
  /** Shown at the end of the bar; defaults to the value. */
  text?: string;
}

/** Horizontal bars, one per row, each against its own maximum (the 766 groups have different weights). */
export function barChart(title: string, bars: Bar[]): string {
  const rowH = 34;
  const labelW = 230;
  const barW = 300;
  const width = labelW + barW + 90;
  const height = 30 + bars.length * rowH;
  const rows = bars
    .map((b, i) => {
      const y = 30 + i * rowH;
      const w = b.max > 0 ? Math.max(0, Math.min(1, b.value / b.max)) * barW : 0;
      return [
        `<text x="0" y="${y + 17}" font-size="13">${esc(b.label)}</text>`,
        `<rect x="${labelW}" y="${y + 4}" width="${barW}" height="18" fill="#e8eef5"/>`,
        `<rect x="${labelW}" y="${y + 4}" width="${w.toFixed(1)}" height="18" fill="#1f5fa8"/>`,
        `<text x="${labelW + barW + 8}" y="${y + 17}" font-size="13">${esc(b.text ?? String(b.value))}</text>`,
      ].join('');
    })
    .join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" role="img" aria-label="${esc(title)}" class="chart"><title>${esc(title)}</title><text x="0" y="16" font-size="14" font-weight="bold">${esc(title)}</text>${rows}</svg>`;
}
