import { placeAndDate } from '../pdf/vn-format.ts';
import { BODY, type PdfWriter, type Run } from '../pdf/writer.ts';
import type { Applicant, Issuer } from './types.ts';

/**
 * The parts every paper of the one-stop shop shares: the heading with the national motto, the
 * title, label–value lines, and the signature blocks. Form numbers follow Circular 03/2025/TT-VPCP,
 * Annex I (check against the published text; see the module README).
 */
export const CIRCULAR = 'Thông tư số 03/2025/TT-VPCP';

/** "Mẫu số 01" in small grey type above the heading, right-aligned. */
function formTag(w: PdfWriter, form: string | undefined) {
  if (!form) return;
  w.text(form, { size: 8.5, style: 'italic', align: 'right', color: 'grey', after: 2 });
}

/**
 * The heading: the authority and the issuing unit on the left, the national name and motto on the
 * right (each underlined by a short rule), then the place-and-date line. `number` is the paper's
 * number line ("Số: …") under the unit.
 */
export function heading(
  w: PdfWriter,
  issuer: Issuer,
  at: Date,
  opts: { form?: string; number?: string; copy?: string } = {},
) {
  formTag(w, opts.form);
  w.keep(90);
  w.columns([
    {
      width: 0.45,
      draw: () => {
        // A paper the authority issues itself (a result) names it once, in bold.
        if (issuer.authority.toLocaleLowerCase('vi') !== issuer.office.toLocaleLowerCase('vi')) {
          w.text(issuer.authority.toLocaleUpperCase('vi'), { size: 10, align: 'center', leading: 1.3 });
        }
        w.text(issuer.office.toLocaleUpperCase('vi'), {
          size: 10,
          style: 'bold',
          align: 'center',
          leading: 1.3,
        });
        w.rule(60, { dy: 1 });
        w.gap(6);
        if (opts.number) w.text(`Số: ${opts.number}`, { size: 10.5, align: 'center' });
      },
    },
    {
      width: 0.55,
      draw: () => {
        w.text('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM', {
          size: 10,
          style: 'bold',
          align: 'center',
          leading: 1.3,
        });
        w.text('Độc lập - Tự do - Hạnh phúc', { size: 10.5, style: 'bold', align: 'center', leading: 1.3 });
        w.rule(w.measure('Độc lập - Tự do - Hạnh phúc', 10.5, 'bold'), { dy: 3.5 });
        w.gap(6);
        w.text(placeAndDate(issuer.placeName, at), { size: 10.5, style: 'italic', align: 'center' });
      },
    },
  ]);
  if (opts.copy) w.text(opts.copy, { size: 9.5, style: 'italic', align: 'right', color: 'grey' });
  w.gap(10);
}

/** The paper's title, bold and centred, with an optional line under it. */
export function title(w: PdfWriter, text: string, sub?: string | Run[]) {
  w.keep(50);
  w.text(text.toLocaleUpperCase('vi'), { size: 13.5, style: 'bold', align: 'center', leading: 1.3 });
  if (sub) w.text(sub, { size: 11, align: 'center' });
  w.gap(8);
}

/** "Label: value" with the label in bold; a missing value prints as a dotted blank to fill by hand. */
export function line(
  w: PdfWriter,
  label: string,
  value: string | null | undefined,
  opts: { indent?: number } = {},
) {
  const v = value?.trim() ? value : '……………………………';
  w.text(
    [
      { text: `${label}: `, style: 'bold' },
      { text: v, style: 'regular' },
    ],
    { indent: opts.indent ?? 0, after: 1 },
  );
}

/** The applicant's lines, as forms 01–04 print them. */
export function applicantLines(w: PdfWriter, a: Applicant, label = 'Tiếp nhận hồ sơ của') {
  line(w, label, a.name);
  line(w, 'Số định danh cá nhân (CCCD)', a.idNumber);
  line(w, 'Địa chỉ', a.address);
  w.columns([
    { width: 0.5, draw: () => line(w, 'Số điện thoại', a.phone) },
    { width: 0.5, draw: () => line(w, 'Email', a.email) },
  ]);
}

export interface SignatureBlock {
  /** "NGƯỜI TIẾP NHẬN HỒ SƠ", or "TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH". */
  title: string;
  /** "(Ký và ghi rõ họ tên)". */
  hint?: string;
  /** The name printed under the space for the signature. */
  name?: string | undefined;
  /** Drawn in the space instead of leaving it blank (the electronic-signature box). */
  stamp?: string[];
}

/**
 * Signature blocks side by side. One alone sits on the right half, as on official papers, unless
 * `fill` (it already stands in a column of its own).
 */
export function signatures(w: PdfWriter, blocks: SignatureBlock[], opts: { fill?: boolean } = {}) {
  w.gap(6);
  w.keep(115);
  const cols = blocks.length === 1 && !opts.fill ? [null, blocks[0] as SignatureBlock] : blocks;
  w.columns(
    cols.map((b) => ({
      width: 1,
      draw: () => {
        if (!b) return;
        for (const t of b.title.split('\n')) w.text(t, { style: 'bold', align: 'center', leading: 1.3 });
        if (b.hint) w.text(b.hint, { size: 9.5, style: 'italic', align: 'center' });
        if (b.stamp) {
          w.gap(6);
          for (const s of b.stamp) w.text(s, { size: 8.5, align: 'center', color: 'grey', leading: 1.3 });
          w.gap(6);
        } else {
          w.gap(50);
        }
        if (b.name) w.text(b.name, { style: 'bold', align: 'center' });
      },
    })),
  );
}

/** A numbered item with a hanging indent: "1. …". */
export function numbered(w: PdfWriter, n: number | string, content: string | Run[], after = 1) {
  const label = `${n}. `;
  const runs: Run[] = typeof content === 'string' ? [{ text: content }] : content;
  w.text([{ text: label }, ...runs], { hanging: w.measure(label, BODY), after });
}

/** Working days in words: "trong ngày làm việc", "03 ngày làm việc", "nửa ngày làm việc". */
export function workingDays(days: number): string {
  if (days === 0) return 'trong ngày làm việc';
  if (days === 0.5) return 'nửa ngày làm việc';
  const n = Number.isInteger(days) ? String(days).padStart(2, '0') : String(days).replace('.', ',');
  return `${n} ngày làm việc`;
}

/** A procedure's time limit in words: working days, or calendar days ("30 ngày, tính cả ngày nghỉ"). */
export function timeLimit(days: number, unit?: 'working' | 'calendar'): string {
  if (unit === 'calendar' && days > 0) {
    const n = Number.isInteger(days) ? String(days).padStart(2, '0') : String(days).replace('.', ',');
    return `${n} ngày (tính cả ngày nghỉ)`;
  }
  return workingDays(days);
}
