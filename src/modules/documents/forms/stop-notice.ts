import { vnDate, vnDateTime } from '../pdf/vn-format.ts';
import { PdfWriter } from '../pdf/writer.ts';
import { applicantLines, CIRCULAR, heading, line, signatures, title } from './common.ts';
import type { StopNotice } from './types.ts';

/** The title of form 05 as docs/rules.md found it (Circular 03/2025/TT-VPCP, Annex I; secondary). */
export const STOP_TITLE = 'Thông báo dừng giải quyết hồ sơ';

/**
 * Form 05: thông báo dừng giải quyết hồ sơ — the authority tells the applicant that processing of
 * the dossier has stopped, and why. The annex's field list was not confirmed (docs/rules.md): the
 * paper carries what the log knows — the dossier, the applicant, when it was received and stopped,
 * the reason, who signs.
 */
export async function renderStopNotice(d: StopNotice): Promise<Uint8Array> {
  const w = await PdfWriter.create({
    title: `${STOP_TITLE} – ${d.code}`,
    subject: d.procedureName,
    at: d.stoppedAt,
  });
  heading(w, d.issuer, d.stoppedAt, { form: `Mẫu số 05 – ${CIRCULAR}` });
  title(w, STOP_TITLE, [
    { text: 'Mã hồ sơ: ', style: 'bold' },
    { text: d.code, style: 'bold' },
  ]);
  w.text([{ text: 'Kính gửi: ', style: 'bold' }, { text: `Ông/bà ${d.applicant.name}` }], {
    align: 'center',
    after: 6,
  });
  applicantLines(w, d.applicant, 'Người nộp hồ sơ');
  line(w, 'Thủ tục', d.procedureName);
  line(w, 'Ngày tiếp nhận hồ sơ', vnDate(d.receivedAt).replace(/^ngày /, ''));
  w.gap(4);
  w.text(
    `${d.issuer.authority} thông báo dừng giải quyết hồ sơ nêu trên kể từ ${vnDateTime(d.stoppedAt)}, với lý do:`,
    { after: 2 },
  );
  w.text(d.reason, { indent: 14, after: 4 });
  w.text(
    'Hồ sơ không được giải quyết tiếp. Nếu còn nhu cầu, ông/bà có thể nộp hồ sơ mới khi đã khắc phục lý do trên. Xin thông báo để ông/bà biết./.',
    { after: 4 },
  );
  w.text(`Tra cứu hồ sơ: ${d.trackingUrl}`, { size: 9.5, style: 'italic' });
  signatures(w, [{ title: d.signer.title, hint: '(Ký, ghi rõ họ tên và đóng dấu)', name: d.signer.name }]);
  return w.save();
}
