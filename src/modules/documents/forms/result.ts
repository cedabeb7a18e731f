import { vnDateTime } from '../pdf/vn-format.ts';
import { PdfWriter } from '../pdf/writer.ts';
import { heading, signatures, title } from './common.ts';
import type { ResultPaper, ResultTemplate } from './types.ts';

const BLANK = '……………………';

/** `{{key}}` → the value; unknown or empty keys print as a dotted blank. */
export function fillTemplate(text: string, values: Record<string, string>): string {
  return text.replace(/\{\{\s*([a-zA-Z0-9_.]+)\s*\}\}/g, (_, key: string) => {
    const v = values[key];
    return v?.trim() ? v : BLANK;
  });
}

/** The placeholders a template uses, for the admin page to check against the e-form. */
export function placeholdersOf(t: ResultTemplate): string[] {
  const all = [
    t.formTag ?? '',
    t.title,
    ...t.basis,
    ...t.body,
    ...t.fields.flatMap((f) => [f.label, f.value]),
    ...t.closing,
  ];
  const keys = new Set<string>();
  for (const s of all)
    for (const m of s.matchAll(/\{\{\s*([a-zA-Z0-9_.]+)\s*\}\}/g)) keys.add(m[1] as string);
  return [...keys];
}

/** QR size on the result, in points: big enough for a cheap phone camera at arm's length. */
const QR = 72;

/**
 * The result paper of a procedure, from its template. Drawn before signing: the QR code to the
 * verify page and the signature box are part of what the signature covers.
 */
export async function renderResult(d: ResultPaper): Promise<Uint8Array> {
  const v = d.values;
  const w = await PdfWriter.create({
    title: `${fillTemplate(d.template.title, v)} – ${d.code}`,
    subject: `Kết quả giải quyết hồ sơ ${d.code}`,
    at: d.issuedAt,
    author: d.issuer.authority,
  });
  heading(w, d.issuer, d.issuedAt, {
    number: d.number,
    ...(d.template.formTag ? { form: fillTemplate(d.template.formTag, v) } : {}),
  });
  title(w, fillTemplate(d.template.title, v));
  for (const b of d.template.basis) w.text(fillTemplate(b, v), { style: 'italic', after: 1 });
  if (d.template.basis.length) w.gap(6);
  for (const p of d.template.body) w.text(fillTemplate(p, v), { after: 4 });
  for (const f of d.template.fields) {
    if (f.ifPresent && fillTemplate(f.value, v) === fillTemplate(f.value, {})) continue;
    w.text([{ text: `${fillTemplate(f.label, v)}: `, style: 'bold' }, { text: fillTemplate(f.value, v) }], {
      indent: 14,
      after: 1,
    });
  }
  if (d.template.fields.length) w.gap(4);
  for (const p of d.template.closing) w.text(fillTemplate(p, v), { after: 4 });

  const signedAt = vnDateTime(d.issuedAt);
  w.gap(4);
  w.keep(140);
  const top = w.y;
  w.columns([
    {
      width: 0.45,
      draw: () => {
        w.gap(6);
        w.qr(d.verifyUrl, QR, { align: 'center' });
        w.gap(QR + 2);
        w.text('Quét mã để kiểm tra chữ ký số', { size: 8, align: 'center', color: 'grey', leading: 1.25 });
        w.text(`Mã văn bản: ${d.documentId}`, { size: 7, align: 'center', color: 'grey', leading: 1.25 });
        w.text(`Mã hồ sơ: ${d.code}`, { size: 7, align: 'center', color: 'grey', leading: 1.25 });
      },
    },
    {
      width: 0.55,
      draw: () =>
        signatures(
          w,
          [
            {
              title: d.template.signerTitle,
              name: d.signer.name,
              ...(d.signedElectronically
                ? { stamp: ['Văn bản được ký số bởi', d.signer.name, `Thời gian ký: ${signedAt}`] }
                : { hint: '(Ký, ghi rõ họ tên và đóng dấu)' }),
            },
          ],
          { fill: true },
        ),
    },
  ]);
  w.y = Math.max(w.y, top);
  return w.save();
}
