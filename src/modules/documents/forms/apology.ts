import { vnDate, vnDateTime } from '../pdf/vn-format.ts';
import { PdfWriter } from '../pdf/writer.ts';
import { CIRCULAR, heading, line, signatures, title } from './common.ts';
import type { Apology } from './types.ts';

/** Form 04: phiếu xin lỗi và hẹn lại ngày trả kết quả (owed when a dossier goes late). */
export async function renderApology(d: Apology): Promise<Uint8Array> {
  const w = await PdfWriter.create({
    title: `Phiếu xin lỗi và hẹn lại ngày trả kết quả – ${d.code}`,
    subject: d.procedureName,
    at: d.writtenAt,
  });
  heading(w, d.issuer, d.writtenAt, { form: `Mẫu số 04 – ${CIRCULAR}` });
  title(w, 'Phiếu xin lỗi và hẹn lại ngày trả kết quả');
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
  w.text('Tuy nhiên đến nay, cơ quan chưa trả kết quả giải quyết hồ sơ cho ông/bà đúng hẹn.', { after: 4 });
  line(w, 'Lý do', d.reason);
  w.gap(4);
  w.text(
    `Sự chậm trễ này đã gây phiền hà cho ông/bà. ${d.issuer.authority} thành thật xin lỗi ông/bà và hẹn trả kết quả vào ${d.newDueAt ? vnDateTime(d.newDueAt) : 'thời gian sớm nhất; ngày trả cụ thể sẽ được thông báo lại qua tin nhắn và trang tra cứu hồ sơ'}.`,
    { after: 4 },
  );
  w.text('Xin trân trọng cảm ơn sự hợp tác của ông/bà./.', { after: 4 });
  w.text(`Tra cứu hồ sơ: ${d.trackingUrl}`, { size: 9.5, style: 'italic' });
  signatures(w, [{ title: d.signer.title, hint: '(Ký và ghi rõ họ tên)', name: d.signer.name }]);
  return w.save();
}
