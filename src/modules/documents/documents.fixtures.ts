import type {
  Apology,
  Issuer,
  ReceiptSlip,
  Refusal,
  ResultPaper,
  SupplementRequest,
  TrackingSheet,
} from './forms/types.ts';

/**
 * Sample papers with the hardest Vietnamese the forms meet (stacked tone marks in names and
 * hamlets, "đ", long procedure names), for the rendering tests and for looking at the output.
 */
export const ISSUER: Issuer = {
  authority: 'UBND xã Mẫu Sơn',
  office: 'Trung tâm Phục vụ hành chính công',
  placeName: 'Mẫu Sơn',
};

const APPLICANT = {
  name: 'Hoàng Thị Nguyệt',
  idNumber: '020190001234',
  address: 'Thôn Khuổi Tào, xã Mẫu Sơn, tỉnh Lạng Sơn',
  phone: '0912345678',
  email: 'nguyet.ht@example.vn',
};

export const RECEIPT: ReceiptSlip = {
  issuer: ISSUER,
  code: '20.06541-261122-0007',
  procedure: { code: '1.001193', name: 'Đăng ký khai sinh', days: 3 },
  applicant: APPLICANT,
  channel: 2,
  documents: [
    { name: 'Tờ khai đăng ký khai sinh theo mẫu', form: 'original', count: 1 },
    {
      name: 'Giấy chứng sinh do cơ sở y tế cấp (không có thì nộp văn bản xác nhận của người làm chứng)',
      form: 'original',
      count: 1,
    },
    { name: 'Giấy tờ chứng minh nơi cư trú của cha, mẹ', form: 'original_or_copy', count: 2 },
  ],
  receivedAt: new Date('2026-11-23T02:05:00Z'),
  dueAt: new Date('2026-11-26T09:30:00Z'),
  returnPlace: 'Trung tâm Phục vụ hành chính công xã Mẫu Sơn, hoặc bản điện tử trên trang tra cứu',
  fees: [
    { name: 'Lệ phí đăng ký khai sinh', amount: 0, paid: false },
    { name: 'Phí cấp bản sao trích lục', amount: 8000, paid: false },
  ],
  officer: 'Lường Thị Tiếp',
  trackingUrl: 'https://xaso.example.vn/tra-cuu?ma=20.06541-261122-0007',
};

export const SUPPLEMENT: SupplementRequest = {
  issuer: ISSUER,
  code: RECEIPT.code,
  procedureName: RECEIPT.procedure.name,
  applicant: APPLICANT,
  requestedAt: new Date('2026-11-24T03:40:00Z'),
  items: [
    'Giấy chứng sinh do cơ sở y tế cấp: ảnh chụp bị mờ, không đọc được họ tên người mẹ',
    'Giấy tờ chứng minh nơi cư trú của cha, mẹ',
  ],
  reason: 'Thiếu giấy tờ bắt buộc theo quy định của thủ tục; ảnh chụp không rõ nét.',
  officer: 'Nông Văn Xử',
  trackingUrl: RECEIPT.trackingUrl,
};

export const REFUSAL: Refusal = {
  issuer: ISSUER,
  code: '20.06541-261122-0008',
  procedureName: 'Cấp bản sao trích lục hộ tịch',
  applicant: { ...APPLICANT, name: 'Triệu Văn Đức', email: null },
  refusedAt: new Date('2026-11-23T07:15:00Z'),
  reason:
    'Việc hộ tịch đã đăng ký tại Ủy ban nhân dân xã Đồng Đăng; đề nghị ông/bà nộp hồ sơ tại nơi đã đăng ký hoặc trên Cổng dịch vụ công.',
  officer: 'Lường Thị Tiếp',
};

export const APOLOGY: Apology = {
  issuer: ISSUER,
  code: RECEIPT.code,
  procedureName: RECEIPT.procedure.name,
  applicant: APPLICANT,
  receivedAt: RECEIPT.receivedAt,
  dueAt: RECEIPT.dueAt,
  writtenAt: new Date('2026-11-27T00:10:00Z'),
  reason: 'Cần xác minh thông tin nơi cư trú với xã Đồng Đăng do sạt lở đường lên bản.',
  newDueAt: new Date('2026-11-30T09:30:00Z'),
  signer: { name: 'Vi Văn Duyệt', title: 'TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH' },
  trackingUrl: RECEIPT.trackingUrl,
};

export const TRACKING: TrackingSheet = {
  issuer: ISSUER,
  code: RECEIPT.code,
  procedureName: RECEIPT.procedure.name,
  applicant: APPLICANT,
  receivedAt: RECEIPT.receivedAt,
  dueAt: RECEIPT.dueAt,
  decidingUnit: 'Ủy ban nhân dân xã Mẫu Sơn',
  rows: [
    {
      step: 'Tiếp nhận hồ sơ',
      from: 'Lường Thị Tiếp (Bộ phận một cửa)',
      to: 'Nông Văn Xử (chuyên viên tư pháp – hộ tịch)',
      at: new Date('2026-11-23T02:30:00Z'),
      dueAt: new Date('2026-11-23T06:00:00Z'),
      timeliness: 'early',
    },
    {
      step: 'Thẩm định, xử lý',
      from: 'Nông Văn Xử',
      to: 'Vi Văn Duyệt (Chủ tịch UBND xã)',
      at: new Date('2026-11-25T08:00:00Z'),
      dueAt: new Date('2026-11-25T09:30:00Z'),
      timeliness: 'on-time',
    },
    {
      step: 'Phê duyệt, ký kết quả',
      from: 'Vi Văn Duyệt',
      to: 'Bộ phận một cửa (trả kết quả)',
      at: new Date('2026-11-26T10:00:00Z'),
      dueAt: new Date('2026-11-26T09:30:00Z'),
      timeliness: 'late',
      note: 'Chờ xác minh nơi cư trú',
    },
  ],
  printedAt: new Date('2026-11-27T01:00:00Z'),
};

export const RESULT: ResultPaper = {
  issuer: { ...ISSUER, authority: 'Ủy ban nhân dân xã Mẫu Sơn', office: 'Ủy ban nhân dân xã Mẫu Sơn' },
  number: '12/2026/KQ',
  code: RECEIPT.code,
  documentId: '0b9f6a52-5c1e-4e8e-9d3a-2b1f7c9d4e61',
  verifyUrl: 'https://xaso.example.vn/xac-thuc-van-ban?ma=0b9f6a52-5c1e-4e8e-9d3a-2b1f7c9d4e61',
  issuedAt: new Date('2026-11-26T03:00:00Z'),
  template: {
    title: 'Giấy xác nhận tình trạng hôn nhân',
    basis: [
      'Căn cứ Luật Hộ tịch ngày 20 tháng 11 năm 2014;',
      'Xét đề nghị của ông/bà {{applicant.name}} (hồ sơ số {{dossier.code}}),',
    ],
    body: ['{{issuer.authority}} xác nhận:'],
    fields: [
      { label: 'Họ, chữ đệm, tên', value: '{{applicant.name}}' },
      { label: 'Số định danh cá nhân', value: '{{applicant.idNumber}}' },
      { label: 'Nơi cư trú', value: '{{applicant.address}}' },
      { label: 'Tình trạng hôn nhân', value: '{{form.maritalStatus}}' },
      { label: 'Mục đích sử dụng', value: '{{form.purpose}}' },
    ],
    closing: ['Giấy này có giá trị 06 tháng kể từ ngày cấp.'],
    signerTitle: 'TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH',
  },
  values: {
    'applicant.name': APPLICANT.name,
    'applicant.idNumber': APPLICANT.idNumber,
    'applicant.address': APPLICANT.address,
    'dossier.code': RECEIPT.code,
    'issuer.authority': 'Ủy ban nhân dân xã Mẫu Sơn',
    'form.maritalStatus': 'Chưa đăng ký kết hôn với ai',
    'form.purpose': 'Làm thủ tục đăng ký kết hôn tại xã Đồng Đăng',
  },
  signer: { name: 'Vi Văn Duyệt' },
  signedElectronically: true,
};
