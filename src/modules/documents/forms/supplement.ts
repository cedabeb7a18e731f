import { vnDateTime } from '../pdf/vn-format.ts';
import { PdfWriter } from '../pdf/writer.ts';
import { applicantLines, CIRCULAR, heading, line, numbered, signatures, title } from './common.ts';
import type { SupplementRequest } from './types.ts';

/** Form 02: phiếu yêu cầu bổ sung, hoàn thiện hồ sơ. */
export async function renderSupplementRequest(d: SupplementRequest): Promise<Uint8Array> {
  const w = await PdfWriter.create({
    title: `Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ – ${d.code}`,
    subject: d.procedureName,
    at: d.requestedAt,
  });
  heading(w, d.issuer, d.requestedAt, { form: `Mẫu số 02 – ${CIRCULAR}` });
  title(w, 'Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ', [
    { text: 'Mã hồ sơ: ', style: 'bold' },
    { text: d.code, style: 'bold' },
  ]);
  applicantLines(w, d.applicant, 'Hồ sơ của');
  line(w, 'Nội dung yêu cầu giải quyết', d.procedureName);
  line(w, 'Thời điểm yêu cầu bổ sung', vnDateTime(d.requestedAt));
  w.gap(4);
  w.text('Yêu cầu ông/bà bổ sung, hoàn thiện hồ sơ gồm những nội dung sau:', { style: 'bold', after: 2 });
  const items = d.items.length ? d.items : ['Theo nội dung ghi tại phần lý do dưới đây.'];
  for (const [i, item] of items.entries()) numbered(w, i + 1, item);
  if (d.reason) {
    w.gap(2);
    line(w, 'Lý do', d.reason);
  }
  w.gap(4);
  w.text(
    'Thời gian giải quyết hồ sơ tạm dừng cho đến khi nhận đủ giấy tờ bổ sung. Ông/bà có thể gửi bổ sung trực tuyến trên trang tra cứu hồ sơ hoặc nộp trực tiếp tại nơi đã nộp hồ sơ.',
    { after: 2 },
  );
  w.text(
    `Trong quá trình hoàn thiện hồ sơ, nếu có vướng mắc, ông/bà liên hệ ${d.contact ?? `${d.issuer.office}, ${d.issuer.authority}`} để được hướng dẫn.`,
    { after: 2 },
  );
  w.text(`Tra cứu và gửi bổ sung: ${d.trackingUrl}`, { size: 9.5, style: 'italic' });
  signatures(w, [{ title: 'NGƯỜI HƯỚNG DẪN', hint: '(Ký và ghi rõ họ tên)', name: d.officer }]);
  return w.save();
}
