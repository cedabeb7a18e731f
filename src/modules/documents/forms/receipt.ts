import { vnDateTime, vnMoney } from '../pdf/vn-format.ts';
import { PdfWriter } from '../pdf/writer.ts';
import { applicantLines, CIRCULAR, heading, line, numbered, signatures, timeLimit, title } from './common.ts';
import { CHANNELS_VI, DOCUMENT_FORMS_VI, type ReceiptSlip } from './types.ts';

function feeText(fees: ReceiptSlip['fees']): string {
  const due = fees.filter((f) => f.amount > 0);
  if (due.length === 0) return 'Không thu phí, lệ phí.';
  return due
    .map((f) => `${f.name}: ${vnMoney(f.amount)} (${f.paid ? 'đã nộp' : 'chưa nộp'})`)
    .join('; ')
    .concat('.');
}

/** Form 01: giấy tiếp nhận hồ sơ và hẹn trả kết quả, with a QR code to the tracking page. */
export async function renderReceiptSlip(d: ReceiptSlip): Promise<Uint8Array> {
  const w = await PdfWriter.create({
    title: `Giấy tiếp nhận hồ sơ và hẹn trả kết quả – ${d.code}`,
    subject: d.procedure.name,
    at: d.receivedAt,
  });
  heading(w, d.issuer, d.receivedAt, { form: `Mẫu số 01 – ${CIRCULAR}` });
  title(w, 'Giấy tiếp nhận hồ sơ và hẹn trả kết quả', [
    { text: 'Mã hồ sơ: ', style: 'bold' },
    { text: d.code, style: 'bold' },
  ]);

  // The QR code sits at the right of the opening lines; the lines beside it are kept short.
  const qrSize = 78;
  const top = w.y;
  w.qr(d.trackingUrl, qrSize, { align: 'right' });
  w.columns([
    {
      width: 0.8,
      draw: () => {
        line(w, 'Cơ quan tiếp nhận', `${d.issuer.office}, ${d.issuer.authority}`);
        line(w, 'Hình thức nộp', CHANNELS_VI[d.channel]);
        line(w, 'Thủ tục', `${d.procedure.name} (mã ${d.procedure.code})`);
      },
    },
    { width: 0.2, draw: () => {} },
  ]);
  w.y = Math.max(w.y, top + qrSize + 2);
  w.text('Quét mã QR để tra cứu tình trạng hồ sơ', { size: 8, align: 'right', color: 'grey', after: 6 });

  applicantLines(w, d.applicant);
  line(w, 'Nội dung yêu cầu giải quyết', d.procedure.name);
  w.gap(4);

  numbered(w, 1, [{ text: 'Thành phần hồ sơ nộp gồm:', style: 'bold' }], 4);
  w.table(
    [
      { header: 'TT', width: 0.07, align: 'center' },
      { header: 'Tên giấy tờ', width: 0.55 },
      { header: 'Hình thức', width: 0.26, align: 'center' },
      { header: 'Số lượng', width: 0.12, align: 'center' },
    ],
    d.documents.length
      ? d.documents.map((doc, i) => [
          String(i + 1),
          doc.name,
          DOCUMENT_FORMS_VI[doc.form],
          String(doc.count).padStart(2, '0'),
        ])
      : [['', 'Không có giấy tờ kèm theo', '', '']],
  );
  w.gap(6);
  numbered(w, 2, [{ text: 'Số lượng hồ sơ: ', style: 'bold' }, { text: '01 (bộ).' }]);
  numbered(w, 3, [
    { text: 'Thời gian giải quyết hồ sơ theo quy định: ', style: 'bold' },
    { text: `${timeLimit(d.procedure.days, d.procedure.daysUnit)}.` },
  ]);
  numbered(w, 4, [
    { text: 'Thời gian nhận hồ sơ: ', style: 'bold' },
    { text: `${vnDateTime(d.receivedAt)}.` },
  ]);
  numbered(w, 5, [
    { text: 'Thời gian trả kết quả giải quyết hồ sơ: ', style: 'bold' },
    { text: `${vnDateTime(d.dueAt)}.` },
  ]);
  numbered(w, 6, [{ text: 'Nơi nhận kết quả: ', style: 'bold' }, { text: `${d.returnPlace}.` }]);
  numbered(w, 7, [{ text: 'Phí, lệ phí: ', style: 'bold' }, { text: feeText(d.fees) }]);
  w.gap(2);
  w.text(`Tra cứu tình trạng hồ sơ: ${d.trackingUrl} (nhập mã hồ sơ và 4 số cuối điện thoại).`, {
    size: 9.5,
    style: 'italic',
  });

  signatures(w, [
    { title: 'NGƯỜI NỘP HỒ SƠ', hint: '(Ký và ghi rõ họ tên)', name: d.applicant.name },
    { title: 'NGƯỜI TIẾP NHẬN HỒ SƠ', hint: '(Ký và ghi rõ họ tên)', name: d.officer },
  ]);
  return w.save();
}
