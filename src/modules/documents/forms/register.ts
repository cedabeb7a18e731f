import { vnDateTime, vnShort } from '../pdf/vn-format.ts';
import { PdfWriter } from '../pdf/writer.ts';
import { CIRCULAR, heading, title } from './common.ts';
import type { Register, RegisterRow } from './types.ts';

/** The title of form 07 (Circular 03/2025/TT-VPCP, Annex I; docs/rules.md). */
export const REGISTER_TITLE = 'Sổ theo dõi hồ sơ';

/**
 * The register's columns. The annex's own columns were **not confirmed** (docs/rules.md); these
 * follow the register as provincial one-stop systems print it (the 2018 form: code, procedure,
 * applicant with address and phone, deciding agency, the dates received, due and returned, how the
 * result is handed over, and a column to sign on receipt — find_string id 37891500287), with how the
 * dossier was filed instead of how the result is handed over (the log does not record the latter)
 * and the state in words. The CSV has these columns; the PDF, on portrait A4, puts the three dates
 * in one column.
 */
export const REGISTER_COLUMNS = [
  'TT',
  'Mã hồ sơ',
  'Tên thủ tục hành chính',
  'Tên cá nhân, tổ chức',
  'Địa chỉ, số điện thoại',
  'Cơ quan chủ trì giải quyết',
  'Ngày nhận hồ sơ',
  'Ngày hẹn trả kết quả',
  'Ngày trả kết quả / kết thúc',
  'Hình thức nộp hồ sơ',
  'Tình trạng',
  'Ký nhận',
] as const;

const dmy = (iso: string) => iso.split('-').reverse().join('/');
/** "26/11/2026": the register records days (the time is in the CSV). */
const day = (at: Date | null) => (at ? vnShort(at).slice(6) : '');

/** One row's cells, as both the PDF and the CSV print them. */
export function registerCells(r: RegisterRow, i: number): string[] {
  return [
    String(i + 1),
    r.code,
    r.procedureName,
    r.applicant.name,
    [r.applicant.address, r.applicant.phone].filter(Boolean).join('; '),
    r.decidingUnit,
    vnShort(r.receivedAt),
    r.dueAt ? vnShort(r.dueAt) : '',
    r.finishedAt ? vnShort(r.finishedAt) : '',
    r.channel,
    r.state,
    '',
  ];
}

/** Form 07 as PDF: the unit, the period, one row per dossier received in it. */
export async function renderRegister(d: Register): Promise<Uint8Array> {
  const w = await PdfWriter.create({
    title: `${REGISTER_TITLE} – ${d.unitName} – ${dmy(d.from)} đến ${dmy(d.to)}`,
    at: d.printedAt,
  });
  heading(w, d.issuer, d.printedAt, { form: `Mẫu số 07 – ${CIRCULAR}` });
  title(w, REGISTER_TITLE, `${d.unitName}: hồ sơ tiếp nhận từ ngày ${dmy(d.from)} đến ngày ${dmy(d.to)}`);
  const columns: [string, number][] = [
    ['TT', 0.04],
    ['Mã hồ sơ', 0.22],
    ['Tên thủ tục hành chính', 0.13],
    ['Tên cá nhân, tổ chức', 0.1],
    ['Địa chỉ, số điện thoại', 0.115],
    ['Cơ quan chủ trì giải quyết', 0.09],
    ['Ngày nhận / hẹn trả / trả kết quả', 0.13],
    ['Hình thức nộp', 0.07],
    ['Tình trạng', 0.1],
    ['Ký nhận', 0.05],
  ];
  w.table(
    columns.map(([header, width], i) => ({
      header,
      width,
      ...(i === 0 ? { align: 'center' as const } : {}),
    })),
    d.rows.length
      ? d.rows.map((r, i) => {
          const c = registerCells(r, i);
          const dates = [
            `Nhận: ${day(r.receivedAt)}`,
            `Hẹn: ${day(r.dueAt)}`,
            r.finishedAt ? `Trả: ${day(r.finishedAt)}` : '',
          ];
          return [...c.slice(0, 6), dates.filter(Boolean).join('\n'), c[9] ?? '', c[10] ?? '', ''];
        })
      : [['', 'Không có hồ sơ nào trong thời gian này', '', '', '', '', '', '', '', '']],
    { size: 7, headerSize: 7 },
  );
  w.gap(6);
  w.text(
    `Tổng số: ${d.rows.length} hồ sơ. In lúc ${vnDateTime(d.printedAt)} từ dữ liệu hồ sơ của hệ thống.`,
    {
      size: 9,
      style: 'italic',
      color: 'grey',
    },
  );
  return w.save();
}

/** Form 07 as CSV (UTF-8 with a byte-order mark, so spreadsheet programs read the diacritics). */
export function registerCsv(d: Register): string {
  const esc = (v: string) => (/[",\n\r;]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v);
  const lines = [
    REGISTER_COLUMNS.map(esc).join(','),
    ...d.rows.map((r, i) => registerCells(r, i).map(esc).join(',')),
  ];
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}
