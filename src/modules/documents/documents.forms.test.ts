import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pdfInfo, pdfText, popplerSkipReason } from '#test/support/outputs.ts';
import { APOLOGY, RECEIPT, REFUSAL, RESULT, SUPPLEMENT, TRACKING } from './documents.fixtures.ts';
import { renderApology } from './forms/apology.ts';
import { renderReceiptSlip } from './forms/receipt.ts';
import { renderRefusal } from './forms/refusal.ts';
import { fillTemplate, renderResult } from './forms/result.ts';
import { renderSupplementRequest } from './forms/supplement.ts';
import { renderTrackingSheet } from './forms/tracking-sheet.ts';
import { vnDateTime } from './pdf/vn-format.ts';

/** Every phrase must come back from the PDF exactly, precomposed (NFC), with no stray marks. */
function assertText(text: string, phrases: string[]) {
  assert.equal(text, text.normalize('NFC'), 'extracted text is precomposed Unicode');
  assert.doesNotMatch(text, /\uFFFD/, 'no replacement characters');
  for (const p of phrases) assert.ok(text.includes(p), `missing "${p}" in:\n${text}`);
}

const A4 = /595\.2\d* x 841\.8\d* pts \(A4\)/;

describe('papers of the one-stop shop, read back with pdftotext', { skip: popplerSkipReason() }, () => {
  it('when the date is formatted, then it reads "HH giờ mm phút, ngày dd tháng MM năm yyyy" in Vietnam time', () => {
    assert.equal(vnDateTime(new Date('2026-11-22T17:05:00Z')), '00 giờ 05 phút, ngày 23 tháng 11 năm 2026');
    assert.equal(vnDateTime(new Date('2026-01-01T01:30:00Z')), '08 giờ 30 phút, ngày 01 tháng 01 năm 2026');
  });

  it('when form 01 is rendered, then every field of the receipt slip reads back with its diacritics', async () => {
    const pdf = await renderReceiptSlip(RECEIPT);
    const info = pdfInfo(pdf);
    assert.match(info['Page size'] ?? '', A4);
    assert.equal(info.Pages, '1', 'the slip fits on one page');
    assert.ok(pdf.length < 80_000, `a slip is small enough for a weak link (${pdf.length} bytes)`);
    assertText(pdfText(pdf), [
      'Mẫu số 01',
      'UBND XÃ MẪU SƠN',
      'TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG',
      'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM',
      'Độc lập - Tự do - Hạnh phúc',
      'Mẫu Sơn, ngày 23 tháng 11 năm 2026',
      'GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ',
      'Mã hồ sơ: 20.06541-261122-0007',
      'Hình thức nộp: Trực tuyến',
      'Tiếp nhận hồ sơ của: Hoàng Thị Nguyệt',
      'Số định danh cá nhân (CCCD): 020190001234',
      'Địa chỉ: Thôn Khuổi Tào, xã Mẫu Sơn, tỉnh Lạng Sơn',
      'Số điện thoại: 0912345678',
      'Email: nguyet.ht@example.vn',
      'Nội dung yêu cầu giải quyết: Đăng ký khai sinh',
      'Tờ khai đăng ký khai sinh theo mẫu',
      'Bản chính hoặc bản sao',
      'Thời gian giải quyết hồ sơ theo quy định: 03 ngày làm việc.',
      'Thời gian nhận hồ sơ: 09 giờ 05 phút, ngày 23 tháng 11 năm 2026.',
      'Thời gian trả kết quả giải quyết hồ sơ: 16 giờ 30 phút, ngày 26 tháng 11 năm 2026.',
      'Phí cấp bản sao trích lục: 8.000 đồng (chưa nộp).',
      'NGƯỜI NỘP HỒ SƠ',
      'NGƯỜI TIẾP NHẬN HỒ SƠ',
      'Lường Thị Tiếp',
      RECEIPT.trackingUrl,
    ]);
    // The free fee is not listed as owed.
    assert.doesNotMatch(pdfText(pdf), /Lệ phí đăng ký khai sinh/);
  });

  it('when no fee is charged, then the slip says so', async () => {
    const text = pdfText(await renderReceiptSlip({ ...RECEIPT, fees: [] }));
    assertText(text, ['Phí, lệ phí: Không thu phí, lệ phí.']);
  });

  it('when form 02 is rendered, then what is missing and why read back', async () => {
    const text = pdfText(await renderSupplementRequest(SUPPLEMENT));
    assertText(text, [
      'Mẫu số 02',
      'PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ',
      'Hồ sơ của: Hoàng Thị Nguyệt',
      '1. Giấy chứng sinh do cơ sở y tế cấp: ảnh chụp bị mờ, không đọc được họ tên người mẹ',
      '2. Giấy tờ chứng minh nơi cư trú của cha, mẹ',
      'Lý do: Thiếu giấy tờ bắt buộc theo quy định của thủ tục; ảnh chụp không rõ nét.',
      'Thời điểm yêu cầu bổ sung: 10 giờ 40 phút, ngày 24 tháng 11 năm 2026',
      'NGƯỜI HƯỚNG DẪN',
      'Nông Văn Xử',
    ]);
  });

  it('when form 03 is rendered, then the reason for refusal reads back', async () => {
    const text = pdfText(await renderRefusal(REFUSAL));
    assertText(text, [
      'Mẫu số 03',
      'PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ',
      'Tiếp nhận hồ sơ của: Triệu Văn Đức',
      'Cấp bản sao trích lục hộ tịch',
      'Việc hộ tịch đã đăng ký tại Ủy ban nhân dân xã Đồng Đăng',
      'Xin thông báo để ông/bà được biết và thực hiện./.',
    ]);
  });

  it('when form 04 is rendered, then the apology names the missed and the new appointment', async () => {
    const text = pdfText(await renderApology(APOLOGY));
    assertText(text, [
      'Mẫu số 04',
      'VĂN BẢN XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT',
      'Kính gửi: Ông/bà Hoàng Thị Nguyệt',
      'Thời gian hẹn trả kết quả giải quyết hồ sơ: 16 giờ 30 phút, ngày 26 tháng 11 năm 2026.',
      'Lý do: Cần xác minh thông tin nơi cư trú với xã Đồng Đăng do sạt lở đường lên bản.',
      'đề nghị gia hạn thời gian giải quyết hồ sơ đến ngày hẹn mới',
      'Thời gian hẹn trả kết quả mới: 16 giờ 30 phút, ngày 30 tháng 11 năm 2026',
      'TM. ỦY BAN NHÂN DÂN',
      'Vi Văn Duyệt',
    ]);
    assert.ok(!text.includes('sẽ được thông báo lại'), 'the new date is never left open');
  });

  it('when form 06 is rendered, then each hand-off is a row with its timeliness', async () => {
    const text = pdfText(await renderTrackingSheet(TRACKING));
    assertText(text, [
      'Mẫu số 06',
      'PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ',
      'Cơ quan giải quyết hồ sơ: Ủy ban nhân dân xã Mẫu Sơn',
      'Tiếp nhận hồ sơ',
      'Giao: Lường Thị Tiếp',
      'Thẩm định, xử lý',
      'Phê duyệt, ký kết quả',
      'Ghi chú: Chờ xác minh nơi cư trú',
    ]);
    // One timeliness word per row, in order.
    const words = [...text.matchAll(/Trước hạn|Đúng hạn|Quá hạn/g)].map((m) => m[0]);
    assert.deepEqual(words, ['Trước hạn', 'Đúng hạn', 'Quá hạn']);
  });

  it('when a tracking sheet has many hand-offs, then it continues on a second page with the header repeated', async () => {
    const rows = Array.from({ length: 40 }, (_, i) => ({
      ...(TRACKING.rows[i % 3] as (typeof TRACKING.rows)[0]),
    }));
    const pdf = await renderTrackingSheet({ ...TRACKING, rows });
    assert.ok(Number(pdfInfo(pdf).Pages) >= 2);
    const text = pdfText(pdf);
    assert.ok((text.match(/Giao – nhận hồ sơ/g) ?? []).length >= 2, 'the table header repeats');
    assert.match(text, /Trang 1\/\d/);
  });

  it('when the result is rendered from a template, then the answers fill the placeholders', async () => {
    const pdf = await renderResult(RESULT);
    assertText(pdfText(pdf), [
      'ỦY BAN NHÂN DÂN XÃ MẪU SƠN',
      'Số: 12/2026/KQ',
      'GIẤY XÁC NHẬN TÌNH TRẠNG HÔN NHÂN',
      'Xét đề nghị của ông/bà Hoàng Thị Nguyệt (hồ sơ số 20.06541-261122-0007)',
      'Tình trạng hôn nhân: Chưa đăng ký kết hôn với ai',
      'Mục đích sử dụng: Làm thủ tục đăng ký kết hôn tại xã Đồng Đăng',
      'Văn bản được ký số bởi',
      'Thời gian ký: 10 giờ 00 phút, ngày 26 tháng 11 năm 2026',
      `Mã văn bản: ${RESULT.documentId}`,
    ]);
    assert.equal(pdfInfo(pdf).Title, 'Giấy xác nhận tình trạng hôn nhân – 20.06541-261122-0007');
  });

  it('when a placeholder has no value, then it prints as a dotted blank, never as braces', () => {
    assert.equal(
      fillTemplate('Ông/bà {{applicant.name}}, {{ form.x }}', { 'applicant.name': 'Lò Văn Páo' }),
      'Ông/bà Lò Văn Páo, ……………………',
    );
  });
});
