import { PdfWriter } from '../pdf/writer.ts';
import { applicantLines, CIRCULAR, heading, line, signatures, title } from './common.ts';
import type { Refusal } from './types.ts';

/** Form 03: phiếu từ chối tiếp nhận giải quyết hồ sơ. */
export async function renderRefusal(d: Refusal): Promise<Uint8Array> {
  const w = await PdfWriter.create({
    title: `Phiếu từ chối tiếp nhận giải quyết hồ sơ – ${d.code}`,
    subject: d.procedureName,
    at: d.refusedAt,
  });
  heading(w, d.issuer, d.refusedAt, { form: `Mẫu số 03 – ${CIRCULAR}` });
  title(w, 'Phiếu từ chối tiếp nhận giải quyết hồ sơ', [
    { text: 'Mã hồ sơ: ', style: 'bold' },
    { text: d.code, style: 'bold' },
  ]);
  w.text(`${d.issuer.office}, ${d.issuer.authority}`, { style: 'bold', after: 2 });
  applicantLines(w, d.applicant);
  line(w, 'Nội dung yêu cầu giải quyết', d.procedureName);
  w.gap(4);
  w.text(
    'Qua xem xét, đối chiếu hồ sơ với quy định, hồ sơ của ông/bà không đủ điều kiện tiếp nhận, giải quyết với lý do cụ thể như sau:',
    { after: 2 },
  );
  w.text(d.reason, { indent: 14, after: 4 });
  w.text('Xin thông báo để ông/bà được biết và thực hiện./.', { after: 2 });
  signatures(w, [{ title: 'NGƯỜI TIẾP NHẬN HỒ SƠ', hint: '(Ký và ghi rõ họ tên)', name: d.officer }]);
  return w.save();
}
