import ExcelJS from 'exceljs';
import type { Locale } from '#platform/i18n/index.ts';
import { periodLabel } from './periods.ts';
import type { Pivot, PivotRow } from './pivot.service.ts';

/**
 * The pivot as files. CSV in long form (one value a line: place, period, item), which machines
 * read without knowing the table's shape; the header and the codes are machine names, the same in
 * both languages, and the names follow the reader's language. The spreadsheet (exceljs, pinned)
 * has the table as it is on screen and the same long form on a second sheet.
 */

const name = (t: { vi: string; en?: string | undefined }, locale: Locale) =>
  locale === 'en' ? (t.en ?? t.vi) : t.vi;

function rowsOf(p: Pivot, locale: Locale) {
  const total = locale === 'en' ? `Total: ${p.root.fullName}` : `Tổng: ${p.root.fullName}`;
  const own = locale === 'en' ? `At ${p.root.fullName} itself` : `Trực tiếp tại ${p.root.fullName}`;
  const out: { code: string; label: string; row: PivotRow }[] = p.rows.map((r) => ({
    code: r.place?.code ?? '',
    label: r.place?.fullName ?? '',
    row: r,
  }));
  if (p.own) out.push({ code: p.root.code, label: own, row: p.own });
  out.push({ code: p.root.code, label: total, row: p.total });
  return out;
}

const round = (v: number | null, decimals: number) => (v === null ? null : Number(v.toFixed(decimals)));

export function pivotCsv(p: Pivot, locale: Locale): string {
  const lines: (string | number)[][] = [
    ['ma_dia_ban', 'dia_ban', 'ky', 'ten_ky', 'ma_chi_so', 'chi_so', 'gia_tri'],
  ];
  for (const { code, label, row } of rowsOf(p, locale))
    for (const [ii, item] of p.items.entries())
      for (const [pi, period] of p.periods.entries()) {
        const v = round(row.values[ii]?.[pi] ?? null, item.decimals);
        lines.push([
          code,
          label,
          period.id,
          periodLabel(period, locale),
          item.code,
          name(item.name, locale),
          v ?? '',
        ]);
      }
  const cell = (v: string | number) => {
    const s = String(v);
    return /[",\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
  };
  return `\uFEFF${lines.map((l) => l.map(cell).join(',')).join('\r\n')}\r\n`;
}

export async function pivotXlsx(p: Pivot, locale: Locale): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Xã Số';
  const table = wb.addWorksheet(locale === 'en' ? 'Table' : 'Bảng');
  const head1: string[] = [locale === 'en' ? 'Code' : 'Mã', locale === 'en' ? 'Place' : 'Địa bàn'];
  const head2: string[] = ['', ''];
  for (const item of p.items)
    for (const period of p.periods) {
      head1.push(`${name(item.name, locale)}${item.unit ? ` (${item.unit})` : ''}`);
      head2.push(periodLabel(period, locale));
    }
  table.addRow(head1).font = { bold: true };
  table.addRow(head2).font = { bold: true };
  for (const { code, label, row } of rowsOf(p, locale))
    table.addRow([
      code,
      label,
      ...p.items.flatMap((item, ii) =>
        p.periods.map((_, pi) => round(row.values[ii]?.[pi] ?? null, item.decimals)),
      ),
    ]);
  table.getColumn(2).width = 32;
  table.views = [{ state: 'frozen', xSplit: 2, ySplit: 2 }];
  const long = wb.addWorksheet(locale === 'en' ? 'Data' : 'Dữ liệu');
  long.addRow(['ma_dia_ban', 'dia_ban', 'ky', 'ma_chi_so', 'chi_so', 'gia_tri']).font = { bold: true };
  for (const { code, label, row } of rowsOf(p, locale))
    for (const [ii, item] of p.items.entries())
      for (const [pi, period] of p.periods.entries())
        long.addRow([
          code,
          label,
          period.id,
          item.code,
          name(item.name, locale),
          round(row.values[ii]?.[pi] ?? null, item.decimals),
        ]);
  return Buffer.from(await wb.xlsx.writeBuffer());
}
