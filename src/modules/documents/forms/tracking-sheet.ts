import { vnDateTime, vnShort } from '../pdf/vn-format.ts';
import { PdfWriter } from '../pdf/writer.ts';
import { CIRCULAR, heading, line, title } from './common.ts';
import { TIMELINESS_VI, type TrackingSheet } from './types.ts';

/**
 * Form 06: phiếu kiểm soát quá trình giải quyết hồ sơ. One row per hand-off from the action log:
 * who gave the dossier to whom and when, the step's due time, and whether the step finished early,
 * on time or late.
 */
export async function renderTrackingSheet(d: TrackingSheet): Promise<Uint8Array> {
  const w = await PdfWriter.create({
    title: `Phiếu kiểm soát quá trình giải quyết hồ sơ – ${d.code}`,
    subject: d.procedureName,
    at: d.printedAt,
  });
  heading(w, d.issuer, d.printedAt, { form: `Mẫu số 06 – ${CIRCULAR}` });
  title(w, 'Phiếu kiểm soát quá trình giải quyết hồ sơ', [
    { text: 'Mã hồ sơ: ', style: 'bold' },
    { text: d.code, style: 'bold' },
  ]);
  w.text('(Kèm theo Giấy tiếp nhận hồ sơ và hẹn trả kết quả cùng mã hồ sơ)', {
    size: 9.5,
    style: 'italic',
    align: 'center',
    after: 6,
  });
  line(w, 'Người nộp hồ sơ', d.applicant.name);
  line(w, 'Thủ tục', d.procedureName);
  line(w, 'Cơ quan giải quyết hồ sơ', d.decidingUnit);
  line(w, 'Thời gian nhận hồ sơ', d.receivedAt ? vnDateTime(d.receivedAt) : null);
  line(w, 'Thời gian hẹn trả kết quả', d.dueAt ? vnDateTime(d.dueAt) : null);
  w.gap(6);
  w.table(
    [
      { header: 'TT', width: 0.05, align: 'center' },
      { header: 'Bước xử lý', width: 0.2 },
      { header: 'Giao – nhận hồ sơ', width: 0.27 },
      { header: 'Thời điểm', width: 0.14, align: 'center' },
      { header: 'Hạn của bước', width: 0.14, align: 'center' },
      { header: 'Kết quả (trước hạn / đúng hạn / quá hạn)', width: 0.2, align: 'center' },
    ],
    d.rows.length
      ? d.rows.map((r, i) => [
          String(i + 1),
          r.step,
          `Giao: ${r.from}\nNhận: ${r.to}${r.note ? `\nGhi chú: ${r.note}` : ''}`,
          vnShort(r.at),
          r.dueAt ? vnShort(r.dueAt) : '',
          r.timeliness ? TIMELINESS_VI[r.timeliness] : '',
        ])
      : [['', 'Chưa có bước giao nhận nào', '', '', '', '']],
    { size: 9, headerSize: 8.5 },
  );
  w.gap(6);
  w.text(`In lúc ${vnDateTime(d.printedAt)} từ nhật ký xử lý hồ sơ của hệ thống.`, {
    size: 9,
    style: 'italic',
    color: 'grey',
  });
  return w.save();
}
