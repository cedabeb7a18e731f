import type { ResultTemplate } from './forms/types.ts';

/**
 * Result templates for the most used procedures, following the official forms of the ministry that
 * owns each (docs/rules.md § Result documents). Filled from the e-form with **labelled** fields —
 * the labels are the form's, never the e-form's questions ("Bạn là gì của trẻ?" prints as "Quan hệ
 * với người được khai sinh: Mẹ").
 *
 * What was and was not confirmed (rules.md): that these documents are forms of Circular
 * 04/2020/TT-BTP (civil status, Ministry of Justice) and that the attestation texts of certified
 * copies and signatures are set by Circular 01/2020/TT-BTP — secondary sources; **the forms' exact
 * layout, field order, form numbers and the attestations' exact wording were not confirmed** (the
 * annexes were not read). Each template says so in `source`; check it against the annex before a
 * province relies on it, and correct it on the template page (`/quan-tri/mau-ket-qua/:code`),
 * which overrides it.
 */
export interface OfficialTemplate {
  template: ResultTemplate;
  /** Where the form comes from and how sure we are, for the README and the template page. */
  source: { instrument: string; form: string; confirmed: false; note: string };
}

const CIVIL_STATUS = 'Thông tư số 04/2020/TT-BTP (Bộ Tư pháp)';
const CERTIFICATION = 'Thông tư số 01/2020/TT-BTP (Bộ Tư pháp), hướng dẫn Nghị định số 23/2015/NĐ-CP';
const NOT_CONFIRMED =
  'Bố cục, thứ tự và số hiệu mẫu chưa được đối chiếu với phụ lục của thông tư (docs/rules.md).';
const CHAIRMAN = 'TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH';
const registered = (what: string) => [
  { label: `Nơi đăng ký ${what}`, value: '{{issuer.authority}}' },
  { label: 'Ngày, tháng, năm đăng ký', value: '{{date.dmy}}' },
];

export const OFFICIAL_TEMPLATES: Record<string, OfficialTemplate> = {
  // Đăng ký khai sinh
  '1.001193': {
    source: {
      instrument: CIVIL_STATUS,
      form: 'Giấy khai sinh (bản chính)',
      confirmed: false,
      note: NOT_CONFIRMED,
    },
    template: {
      formTag: `Theo mẫu Giấy khai sinh (bản chính) ban hành kèm theo ${CIVIL_STATUS}`,
      title: 'Giấy khai sinh',
      basis: [],
      body: [],
      fields: [
        { label: 'Họ, chữ đệm, tên', value: '{{form.childName}}' },
        { label: 'Ngày, tháng, năm sinh', value: '{{form.childBirthDate}}' },
        { label: 'Giới tính', value: '{{form.childSex}}' },
        { label: 'Dân tộc', value: '{{form.childEthnicity}}' },
        { label: 'Quốc tịch', value: '{{form.childNationality}}' },
        { label: 'Nơi sinh', value: '{{form.childBirthPlace}}' },
        { label: 'Quê quán', value: '{{form.childHometown}}' },
        { label: 'Họ, chữ đệm, tên người mẹ', value: '{{form.motherName}}' },
        { label: 'Số định danh cá nhân của người mẹ', value: '{{form.motherIdNumber}}', ifPresent: true },
        { label: 'Họ, chữ đệm, tên người cha', value: '{{form.fatherName}}', ifPresent: true },
        { label: 'Số định danh cá nhân của người cha', value: '{{form.fatherIdNumber}}', ifPresent: true },
        { label: 'Người đi đăng ký khai sinh', value: '{{applicant.name}}' },
        { label: 'Quan hệ với người được khai sinh', value: '{{form.requesterRelationship}}' },
        ...registered('khai sinh'),
      ],
      closing: [],
      signerTitle: 'NGƯỜI KÝ GIẤY KHAI SINH',
    },
  },
  // Đăng ký khai tử
  '1.000656': {
    source: {
      instrument: CIVIL_STATUS,
      form: 'Trích lục khai tử (bản chính)',
      confirmed: false,
      note: NOT_CONFIRMED,
    },
    template: {
      formTag: `Theo mẫu Trích lục khai tử (bản chính) ban hành kèm theo ${CIVIL_STATUS}`,
      title: 'Trích lục khai tử',
      basis: [],
      body: [],
      fields: [
        { label: 'Họ, chữ đệm, tên người chết', value: '{{form.deceasedName}}' },
        { label: 'Ngày, tháng, năm sinh', value: '{{form.deceasedBirthDate}}' },
        { label: 'Giới tính', value: '{{form.deceasedSex}}' },
        { label: 'Dân tộc', value: '{{form.deceasedEthnicity}}' },
        { label: 'Số định danh cá nhân', value: '{{form.deceasedIdNumber}}', ifPresent: true },
        { label: 'Ngày, tháng, năm chết', value: '{{form.deathDate}}' },
        { label: 'Giờ chết', value: '{{form.deathTime}}', ifPresent: true },
        { label: 'Nơi chết', value: '{{form.deathPlace}}' },
        { label: 'Nguyên nhân chết', value: '{{form.deathCause}}' },
        { label: 'Người đi đăng ký khai tử', value: '{{applicant.name}}' },
        { label: 'Quan hệ với người chết', value: '{{form.requesterRelationship}}' },
        ...registered('khai tử'),
      ],
      closing: [],
      signerTitle: 'NGƯỜI KÝ TRÍCH LỤC',
    },
  },
  // Đăng ký kết hôn
  '1.000894': {
    source: {
      instrument: CIVIL_STATUS,
      form: 'Giấy chứng nhận kết hôn',
      confirmed: false,
      note: NOT_CONFIRMED,
    },
    template: {
      formTag: `Theo mẫu Giấy chứng nhận kết hôn ban hành kèm theo ${CIVIL_STATUS}`,
      title: 'Giấy chứng nhận kết hôn',
      basis: [],
      body: [],
      fields: [
        { label: 'Họ, chữ đệm, tên người chồng', value: '{{form.groomName}}' },
        { label: 'Ngày, tháng, năm sinh của người chồng', value: '{{form.groomBirthDate}}' },
        { label: 'Dân tộc của người chồng', value: '{{form.groomEthnicity}}' },
        { label: 'Nơi cư trú của người chồng', value: '{{form.groomResidence}}' },
        { label: 'Số định danh cá nhân của người chồng', value: '{{form.groomIdNumber}}' },
        { label: 'Họ, chữ đệm, tên người vợ', value: '{{form.brideName}}' },
        { label: 'Ngày, tháng, năm sinh của người vợ', value: '{{form.brideBirthDate}}' },
        { label: 'Dân tộc của người vợ', value: '{{form.brideEthnicity}}' },
        { label: 'Nơi cư trú của người vợ', value: '{{form.brideResidence}}' },
        { label: 'Số định danh cá nhân của người vợ', value: '{{form.brideIdNumber}}' },
        ...registered('kết hôn'),
      ],
      closing: [
        'Bản chính Giấy chứng nhận kết hôn có chữ ký của hai bên nam, nữ khi nhận tại Ủy ban nhân dân.',
      ],
      signerTitle: CHAIRMAN,
    },
  },
  // Cấp Giấy xác nhận tình trạng hôn nhân
  '1.004873': {
    source: {
      instrument: CIVIL_STATUS,
      form: 'Giấy xác nhận tình trạng hôn nhân',
      confirmed: false,
      note: NOT_CONFIRMED,
    },
    template: {
      formTag: `Theo mẫu Giấy xác nhận tình trạng hôn nhân ban hành kèm theo ${CIVIL_STATUS}`,
      title: 'Giấy xác nhận tình trạng hôn nhân',
      basis: ['Xét đề nghị của ông/bà {{applicant.name}} (hồ sơ số {{dossier.code}}),'],
      body: ['{{issuer.authority}} xác nhận:'],
      fields: [
        { label: 'Họ, chữ đệm, tên', value: '{{applicant.name}}' },
        { label: 'Số định danh cá nhân', value: '{{applicant.idNumber}}' },
        { label: 'Nơi cư trú', value: '{{applicant.address}}' },
        { label: 'Tình trạng hôn nhân', value: '{{form.currentStatus}}' },
        { label: 'Người dự định kết hôn', value: '{{form.intendedSpouseName}}', ifPresent: true },
        { label: 'Giấy này được cấp để', value: '{{form.purpose}}' },
      ],
      closing: ['Giấy này có giá trị 06 tháng kể từ ngày cấp.'],
      signerTitle: CHAIRMAN,
    },
  },
  // Chứng thực bản sao từ bản chính
  '2.000815': {
    source: {
      instrument: CERTIFICATION,
      form: 'Lời chứng chứng thực bản sao từ bản chính',
      confirmed: false,
      note: 'Lời chứng chưa được đối chiếu từng chữ với phụ lục của Thông tư số 01/2020/TT-BTP (docs/rules.md).',
    },
    template: {
      formTag: `Theo lời chứng chứng thực bản sao từ bản chính, ${CERTIFICATION}`,
      title: 'Chứng thực bản sao đúng với bản chính',
      basis: [],
      body: ['{{issuer.authority}} chứng thực bản sao đúng với bản chính của giấy tờ, văn bản sau:'],
      fields: [
        { label: 'Giấy tờ, văn bản', value: '{{form.documentName}}' },
        { label: 'Số trang của bản chính', value: '{{form.pageCount}}' },
        { label: 'Số bản sao được chứng thực', value: '{{form.copyCount}}' },
        { label: 'Người yêu cầu chứng thực', value: '{{applicant.name}}' },
        { label: 'Số định danh cá nhân', value: '{{applicant.idNumber}}' },
      ],
      closing: [
        'Số chứng thực là số ghi ở đầu văn bản này, trong sổ chứng thực bản sao của Ủy ban nhân dân.',
      ],
      signerTitle: CHAIRMAN,
    },
  },
  // Chứng thực chữ ký
  '2.000884': {
    source: {
      instrument: CERTIFICATION,
      form: 'Lời chứng chứng thực chữ ký',
      confirmed: false,
      note: 'Lời chứng chưa được đối chiếu từng chữ với phụ lục của Thông tư số 01/2020/TT-BTP (docs/rules.md).',
    },
    template: {
      formTag: `Theo lời chứng chứng thực chữ ký, ${CERTIFICATION}`,
      title: 'Lời chứng chứng thực chữ ký',
      basis: [],
      body: [
        'Hôm nay, {{date}}, tại {{issuer.authority}}, ông/bà {{applicant.name}}, số định danh cá nhân {{applicant.idNumber}}, đã ký (hoặc điểm chỉ) vào giấy tờ, văn bản dưới đây trước mặt người có thẩm quyền chứng thực.',
      ],
      fields: [
        { label: 'Giấy tờ, văn bản', value: '{{form.documentName}}' },
        { label: 'Số chữ ký, dấu điểm chỉ được chứng thực', value: '{{form.signatureCount}}' },
        { label: 'Điểm chỉ thay cho ký', value: '{{form.fingerprint}}', ifPresent: true },
      ],
      closing: [],
      signerTitle: CHAIRMAN,
    },
  },
};
