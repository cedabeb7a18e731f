import { vnDate, vnDateTime } from '../pdf/vn-format.ts';
import { PdfWriter } from '../pdf/writer.ts';
import { CIRCULAR, heading, line, signatures, title } from './common.ts';
import type { Apology } from './types.ts';

/** The current title of form 04 (Circular 03/2025/TT-VPCP, Annex I; docs/rules.md). */
export const APOLOGY_TITLE = 'Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết';

/**
 * Form 04: văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết — owed before a dossier's due
 * date when it will be late, once; it always states the new date. The field list of the annex was
 * not read (docs/rules.md): the content follows the form's purpose, reason and new date.
 */
export async function renderApology(d: Apology): Promise<Uint8Array> {
  const w = await PdfWriter.create({
    title: `${APOLOGY_TITLE} – ${d.code}`,
    subject: d.procedureName,
    at: d.writtenAt,
  });
  heading(w, d.issuer, d.writtenAt, { form: `Mẫu số 04 – ${CIRCULAR}` });
  title(w, APOLOGY_TITLE);
  w.text([{ text: 'Kính gửi: ', style: 'bold' }, { text: `Ông/bà ${d.applicant.name}` }], {
    align: 'center',
    after: 6,
  });
  line(w, 'Địa chỉ', d.applicant.address);
  line(w, 'Số điện thoại', d.applicant.phone);
  w.gap(4);
  w.text(
    `Ngày ${vnDate(d.receivedAt).slice(5)}, ${d.issuer.office}, ${d.issuer.authority} tiếp nhận hồ sơ đề nghị giải quyết thủ tục “${d.procedureName}” của ông/bà, mã hồ sơ ${d.code}. Thời gian hẹn trả kết quả giải quyết hồ sơ: ${vnDateTime(d.dueAt)}.`,
    { after: 4 },
  );
  w.text('Hồ sơ của ông/bà không giải quyết được trong thời hạn đã hẹn.', { after: 4 });
  line(w, 'Lý do', d.reason);
  w.gap(4);
  w.text(
    `${d.issuer.authority} thành thật xin lỗi ông/bà vì sự chậm trễ này và đề nghị gia hạn thời gian giải quyết hồ sơ đến ngày hẹn mới dưới đây.`,
    { after: 4 },
  );
  line(w, 'Thời gian hẹn trả kết quả mới', vnDateTime(d.newDueAt));
  w.gap(4);
  w.text('Xin trân trọng cảm ơn sự thông cảm và hợp tác của ông/bà./.', { after: 4 });
  w.text(`Tra cứu hồ sơ: ${d.trackingUrl}`, { size: 9.5, style: 'italic' });
  signatures(w, [{ title: d.signer.title, hint: '(Ký và ghi rõ họ tên)', name: d.signer.name }]);
  return w.save();
}
