import { z } from 'zod';
import { msg } from '#platform/validation.ts';

/**
 * The one machine-readable definition of what the National Public Service Portal (Cổng DVCQG)
 * accepts and answers, as far as public sources tell. The mock builds its zod schemas from these
 * tables, and docs/integrations/dvcqg.md shows the same tables (printed by `doc-tables.ts`); a test
 * fails when the two differ, so the document and the mock cannot drift apart.
 *
 * Source keys (OC, TD, …) are explained in the document's "Sources" section.
 */

export type CodeListName = keyof typeof CODE_LISTS;
export type Format = 'MaHoSo' | 'MaTTHC' | 'agencyCode' | 'url' | 'digits';

export type FieldType =
  | { kind: 'string'; max?: number; format?: Format }
  | { kind: 'date' }
  | { kind: 'code'; list: CodeListName }
  | { kind: 'integer' }
  | { kind: 'number' }
  | { kind: 'literal'; value: string }
  /** `of` names another table; checked when the schemas are built. */
  | { kind: 'array'; of: string; min?: number; max?: number };

/** A rule that makes a field required only in some cases; `when` is the document's wording. */
export interface Condition {
  when: string;
  applies: (row: Record<string, unknown>) => boolean;
}

export interface FieldSpec {
  name: string;
  type: FieldType;
  required: boolean | Condition;
  meaning: string;
  source: string;
}

export interface TableSpec {
  /** What the table describes, shown above it in the document. */
  title: string;
  /** Answers may carry fields no source names; requests may not (a typo would be lost silently). */
  open?: boolean;
  fields: FieldSpec[];
}

export interface Code {
  code: string;
  meaning: string;
  source: string;
}

const s = (max?: number, format?: Format): FieldType => ({ kind: 'string', max, format });
const date: FieldType = { kind: 'date' };
const code = (list: CodeListName): FieldType => ({ kind: 'code', list });
const arr = (of: string, min?: number, max?: number): FieldType => ({ kind: 'array', of, min, max });
const integer: FieldType = { kind: 'integer' };
const num: FieldType = { kind: 'number' };
const lit = (value: string): FieldType => ({ kind: 'literal', value });

const f = (
  name: string,
  type: FieldType,
  required: FieldSpec['required'],
  meaning: string,
  source: string,
): FieldSpec => ({ name, type, required, meaning, source });

/** The fields every call after the session call carries (OC:1670, OC:1671, OC:2018). */
const envelope = (service: string): FieldSpec[] => [
  f('session', s(), true, 'Session from the session call', 'OC:1670'),
  f('madonvi', s(50, 'agencyCode'), true, 'Code of the sending agency (mã đơn vị / mã định danh)', 'OC:1671'),
  f('service', lit(service), true, 'Name of the service called', 'OC:1991, OC:2106, OC:2148'),
];

export const CODE_LISTS = {
  TrangThaiHoSo: [
    { code: '1', meaning: 'Mới đăng ký — submitted online, not yet received', source: 'DOM; LG' },
    { code: '2', meaning: 'Được tiếp nhận — received', source: 'DOM; LG; TD' },
    { code: '3', meaning: 'Không được tiếp nhận — refused at receipt', source: 'DOM; LG' },
    { code: '4', meaning: 'Đang xử lý — in progress', source: 'DOM; LG; TD' },
    { code: '5', meaning: 'Yêu cầu bổ sung giấy tờ — supplement requested', source: 'DOM; LG' },
    { code: '6', meaning: 'Yêu cầu thực hiện nghĩa vụ tài chính — payment required', source: 'DOM; LG' },
    { code: '7', meaning: 'Công dân yêu cầu rút hồ sơ — withdrawn by the applicant', source: 'DOM; LG' },
    { code: '8', meaning: 'Dừng xử lý — stopped', source: 'DOM; LG' },
    { code: '9', meaning: 'Đã xử lý xong — decided', source: 'DOM; LG; TD' },
    { code: '10', meaning: 'Đã trả kết quả — result returned', source: 'DOM; LG; HG' },
  ],
  HinhThuc: [
    { code: '0', meaning: 'Result returned at the office (trả trực tiếp)', source: 'OC:216-220; HG; TD' },
    { code: '1', meaning: 'Result sent by public postal service (bưu chính công ích)', source: 'OC:216-220' },
  ],
  LoaiDoiTuong: [
    { code: '1', meaning: 'Citizen (công dân)', source: 'OC:198-204; HG; TD' },
    { code: '2', meaning: 'Enterprise (doanh nghiệp)', source: 'OC:198-204; TD' },
    { code: '3', meaning: 'State agency (cơ quan nhà nước)', source: 'TD' },
    { code: '4', meaning: 'Other organisation (tổ chức, khác)', source: 'TD' },
  ],
  KenhThucHien: [
    { code: '1', meaning: 'In person (trực tiếp)', source: 'OC:2575-2581 (KENH); DOM' },
    { code: '2', meaning: 'Online (trực tuyến)', source: 'OC:2575-2581 (KENH); DOM' },
    { code: '3', meaning: 'Public postal service (bưu chính công ích)', source: 'OC:2575-2581 (KENH); DOM' },
  ],
  isUpdating: [
    { code: 'False', meaning: 'Create: the portal does not have this MaHoSo yet', source: 'OC:2136' },
    { code: 'True', meaning: 'Update: the portal already has this MaHoSo', source: 'OC:2134' },
  ],
  TrueFalse: [
    { code: 'False', meaning: 'No', source: 'OC:307' },
    { code: 'True', meaning: 'Yes', source: 'MOCK' },
  ],
  CoKhong: [
    { code: '0', meaning: 'No', source: 'TD' },
    { code: '1', meaning: 'Yes', source: 'TD' },
  ],
  DuocTaiSuDung: [
    { code: '0', meaning: 'Not reused', source: 'TD' },
    { code: '1', meaning: 'Reused (TD sends it for digitisation state 2)', source: 'TD' },
    {
      code: '2',
      meaning: 'Reused, other kind (TD sends it for digitisation state 3; exact meaning unknown)',
      source: 'TD',
    },
  ],
  DuocThanhToanTrucTuyen: [
    { code: '0', meaning: 'No fee paid online (TD default)', source: 'TD' },
    { code: '1', meaning: 'Paid online', source: 'TD' },
    { code: '3', meaning: 'Fee exists, not paid online (TD; exact meaning unknown)', source: 'TD' },
  ],
  HinhThucThu: [
    { code: '1', meaning: 'Collected at receipt', source: 'DOM; LG' },
    { code: '2', meaning: 'Collected at supplement', source: 'DOM; LG' },
    { code: '4', meaning: 'Collected when the result is returned', source: 'DOM; LG' },
  ],
  LoaiPhiLePhi: [
    { code: '1', meaning: 'Ordinary fee or charge (the only value TD sends)', source: 'TD; LG' },
    { code: '2', meaning: 'Appraisal fee (as the LGSP client describes it)', source: 'LG' },
    { code: '3', meaning: 'Extension fee (as the LGSP client describes it)', source: 'LG' },
  ],
  TrangThaiBoSung: [
    { code: '0', meaning: 'Supplement requested, not yet received', source: 'MOCK' },
    { code: '1', meaning: 'Supplement received', source: 'MOCK' },
  ],
  LoaiDinhDanh: [
    { code: '1', meaning: '12-digit personal identification number (CCCD)', source: 'TD' },
    { code: '2', meaning: 'Other number (TD: 9-digit ID card, or its placeholder 000000001)', source: 'TD' },
  ],
} satisfies Record<string, Code[]>;

function catalogueAnswer(service: string, item: string, source: string): TableSpec {
  return {
    title: `${service}: answer`,
    open: true,
    fields: [
      f('error_code', integer, true, '0 on success', source),
      f('message', s(), false, 'Human-readable outcome', 'MOCK'),
      f('result', arr(item), success, `The items (${item} below)`, source),
    ],
  };
}

const statusNot1: Condition = {
  when: 'TrangThaiHoSo ≠ 1',
  applies: (row) => row.TrangThaiHoSo !== '1',
};
const success: Condition = {
  when: 'error_code = 0',
  applies: (row) => Number(row.error_code) === 0,
};

export const TABLES = {
  login: {
    title: 'Session call: request body',
    fields: [
      f(
        'username',
        s(),
        true,
        'Account the portal gave the agency (often its agency code)',
        'OC:1081, OC:1087; CM',
      ),
      f('password', s(), true, 'Its password', 'OC:1082, OC:1088'),
    ],
  },
  'login.answer': {
    title: 'Session call: answer',
    open: true,
    fields: [
      f('error_code', integer, true, '0 on success; see "Error codes"', 'OC:1130'),
      f('message', s(), false, 'Human-readable outcome', 'HG (class returnSession)'),
      f('session', s(), success, 'Session to send in every later call', 'OC:1130-1131'),
    ],
  },
  TraCuuHoSo: {
    title: 'TraCuuHoSo (look a dossier up): request body',
    fields: [...envelope('TraCuuHoSo'), f('mahoso', s(50, 'MaHoSo'), true, 'Dossier code', 'OC:1992')],
  },
  'TraCuuHoSo.answer': {
    title: 'TraCuuHoSo: answer',
    open: true,
    fields: [
      f('error_code', integer, true, '0 when the look-up ran', 'OC:1933-1943'),
      f('message', s(), false, 'Human-readable outcome', 'MOCK'),
      f(
        'result',
        arr('TraCuuHoSo.result[]'),
        success,
        'Empty when the portal has no such dossier',
        'OC:1935-1938',
      ),
    ],
  },
  'TraCuuHoSo.result[]': {
    title: 'TraCuuHoSo: one found dossier (the mock answers the dossier as last synchronised)',
    open: true,
    fields: [
      f('MaHoSo', s(50, 'MaHoSo'), true, 'Dossier code', 'MOCK'),
      f('TrangThaiHoSo', code('TrangThaiHoSo'), true, 'National status the portal holds', 'MOCK'),
    ],
  },
  DongBoHoSoMC: {
    title: 'DongBoHoSoMC (create or update dossiers): request body',
    fields: [
      ...envelope('DongBoHoSoMC'),
      f(
        'isUpdating',
        code('isUpdating'),
        true,
        'Create or update; decided by a TraCuuHoSo first',
        'OC:2105, OC:2131-2137',
      ),
      f('data', arr('HoSo', 1), true, 'The dossiers', 'OC:2107, OC:2138'),
    ],
  },
  HoSo: {
    title: 'DongBoHoSoMC: one dossier (`data[]`)',
    fields: [
      f('MaHoSo', s(50, 'MaHoSo'), true, 'Dossier code', 'OC:168; TD; DOM'),
      f('MaTTHC', s(50, 'MaTTHC'), true, 'National procedure code', 'OC:169'),
      f('TenTTHC', s(), true, 'Procedure name, as LayThuTuc gives it', 'OC:170-188'),
      f('MaLinhVuc', s(), true, 'Field (lĩnh vực) code, from LayThuTuc LINHVUCTHUCHIEN[0]', 'OC:184, OC:189'),
      f('TenLinhVuc', s(), true, 'Field name', 'OC:185, OC:190'),
      f('KenhThucHien', code('KenhThucHien'), false, 'Channel the dossier came by', 'TD'),
      f('SoBienNhan', s(), false, 'Receipt number', 'OC:191 (commented out, "ko bb"); HG'),
      f(
        'ChuHoSo',
        s(),
        true,
        'Applicant name (OpenCPS marks it "ko bb"; every client sends it)',
        'OC:192; HG; TD',
      ),
      f('SoGiayToChuHoSo', s(), false, "Applicant's identity document number", 'TD'),
      f('LoaiDoiTuong', code('LoaiDoiTuong'), true, 'Kind of applicant', 'OC:193-204; TD'),
      f(
        'MaDoiTuong',
        s(),
        false,
        "Applicant's portal account id (TechID); online dossiers only",
        'OC:197-205; TD',
      ),
      f('ThongTinKhac', s(), false, 'Other information', 'OC:206'),
      f(
        'Email',
        s(),
        false,
        'Applicant email (OC always sends it, possibly empty; HG omits it)',
        'OC:207; HG',
      ),
      f('Fax', s(), false, 'Fax', 'OC:208'),
      f('SoDienThoai', s(), false, 'Applicant phone (OC always sends it; HG omits it)', 'OC:209; HG'),
      f('TrichYeuHoSo', s(1000), false, 'Summary; TD cuts it to 1,000 characters', 'OC:210; TD'),
      f('NgayNopHoSo', date, false, 'When the applicant submitted', 'TD'),
      f('NgayTiepNhan', date, statusNot1, 'When the dossier was received (valid receipt)', 'OC:211; TD'),
      f(
        'NgayHenTra',
        date,
        false,
        'Appointment date for the result; may be empty (HG sends "")',
        'OC:212; HG; TD',
      ),
      f('TrangThaiHoSo', code('TrangThaiHoSo'), true, 'National status', 'OC:213; DOM'),
      f('NgayTra', date, false, 'When the result was returned', 'OC:214'),
      f('ThongTinTra', s(), false, 'How or where the result was returned', 'OC:215'),
      f('HinhThuc', code('HinhThuc'), true, 'How the result is returned', 'OC:216-220'),
      f('NgayKetThucXuLy', date, false, 'When processing ended', 'OC:221'),
      f('NgayTuChoi', date, false, 'When the dossier was refused', 'TD'),
      f('DonViXuLy', s(), true, 'Name of the processing agency', 'OC:222; HG; TD'),
      f(
        'GhiChu',
        s(2000),
        false,
        'Note; OC3 stopped sending it when notes passed 2,000 characters',
        'OC:223; OC3:226',
      ),
      f(
        'NoiNopHoSo',
        s(2, 'digits'),
        false,
        'Where the dossier was filed (TD always sends "2"; codes unknown)',
        'TD',
      ),
      f('HoSoCoThanhPhanSoHoa', code('CoKhong'), false, 'Has digitised components (Decision 766)', 'TD'),
      f('TaiKhoanDuocXacThucVoiVNeID', code('CoKhong'), false, 'Account verified with VNeID (766)', 'TD'),
      f('DuocThanhToanTrucTuyen', code('DuocThanhToanTrucTuyen'), false, 'Paid online (766)', 'TD'),
      f('TaiLieuNop', arr('TaiLieuNop'), false, 'Submitted documents', 'OC:267-322; HG; TD'),
      f('DanhSachGiayToKetQua', arr('GiayToKetQua'), false, 'Result documents', 'OC:296-320; HG; TD'),
      f('DanhSachLePhi', arr('LePhi'), false, 'Fees', 'OC:225-231; TD'),
      f('DanhSachTepDinhKemKhac', arr('TepDinhKemKhac'), false, 'Other papers (not files)', 'OC:233-237; TD'),
      f('DanhSachHoSoBoSung', arr('HoSoBoSung'), false, 'Supplement requests', 'OC:239-253; TD'),
      f('DinhDanhCHS', arr('DinhDanhCHS'), false, "Applicant's identifiers", 'TD'),
      f(
        'DSKetNoiCSDL',
        arr('KetNoiCSDL'),
        false,
        'National databases the dossier drew on (766 data reuse)',
        'TD',
      ),
    ],
  },
  TaiLieuNop: {
    title: 'DongBoHoSoMC: one submitted document (`TaiLieuNop[]`, also `DanhSachGiayToBoSung[]`)',
    fields: [
      f('TepDinhKemId', s(), false, 'Local file id', 'OC:307; TD'),
      f('TenTepDinhKem', s(4000), true, 'File or document name; TD cuts it to 4,000', 'OC:304; TD'),
      f(
        'IsDeleted',
        code('TrueFalse'),
        false,
        'Whether the file was withdrawn (TD sends 0/1 instead)',
        'OC:309; TD',
      ),
      f('MaThanhPhanHoSo', s(), false, 'Code of the dossier component (OC sends "")', 'OC:306; OC3'),
      f('DuongDanTaiTepTin', s(2000, 'url'), true, 'Where the portal downloads the file', 'OC:308; TD'),
      f('DuocSoHoa', code('CoKhong'), false, 'Digitised (766 indicator 4.2)', 'TD'),
      f(
        'DuocTaiSuDung',
        code('DuocTaiSuDung'),
        false,
        'Reused from earlier results (766 indicator 4.3)',
        'TD',
      ),
      f('DuocLayTuKhoDMQG', code('CoKhong'), false, 'Taken from the national document store', 'TD'),
      f('MaKetQuaThayThe', s(), false, 'Code of the earlier result that replaces this paper', 'TD'),
    ],
  },
  GiayToKetQua: {
    title: 'DongBoHoSoMC: one result document (`DanhSachGiayToKetQua[]`)',
    fields: [
      f('TenGiayTo', s(2000), true, 'Document name', 'OC:297; TD'),
      f('MaThanhPhanHoSo', s(), false, 'Component code', 'OC:299'),
      f('GiayToId', s(), false, 'Local id', 'OC:300'),
      f('DuongDanTepTinKetQua', s(2000, 'url'), true, 'Where the portal downloads the result', 'OC:301; TD'),
      f('MaGiayToKetQua', s(), false, 'Code of the result kind (mã kết quả) in the national catalogue', 'TD'),
    ],
  },
  LePhi: {
    title: 'DongBoHoSoMC: one fee (`DanhSachLePhi[]`, also `DanhSachLePhiBoSung[]`)',
    fields: [
      f('TenPhiLePhi', s(), true, 'Fee name', 'OC:227 (comment); TD'),
      f('MaPhiLePhi', s(), false, 'Fee code (TD always sends "1")', 'OC:228 (comment); TD'),
      f('HinhThucThu', code('HinhThucThu'), true, 'When the fee is collected', 'OC:229 (comment); TD; DOM'),
      f('Gia', s(15, 'digits'), true, 'Amount in đồng, digits only', 'OC:230 (comment); TD; LG'),
      f('LoaiPhiLePhi', code('LoaiPhiLePhi'), false, 'Kind of fee', 'OC:231 (comment); TD; LG'),
    ],
  },
  TepDinhKemKhac: {
    title: 'DongBoHoSoMC: one other paper (`DanhSachTepDinhKemKhac[]`)',
    fields: [
      f('TenGiayTo', s(), true, 'Paper name', 'OC:235 (comment); TD'),
      f('SoLuong', integer, false, 'Count', 'OC:236 (comment); TD'),
      f('LoaiGiayTo', integer, false, 'Kind of paper (codes unknown)', 'OC:237 (comment); TD'),
    ],
  },
  HoSoBoSung: {
    title: 'DongBoHoSoMC: one supplement request (`DanhSachHoSoBoSung[]`)',
    fields: [
      f(
        'HoSoBoSungId',
        s(),
        true,
        'Local id of the request (TD types it as a number)',
        'OC:241 (comment); TD',
      ),
      f('NguoiYeuCauBoSung', s(), true, 'Official who asked', 'OC:242 (comment); TD'),
      f('NoiDungBoSung', s(), true, 'What is asked for', 'OC:243 (comment); TD'),
      f('NgayBoSung', date, true, 'When it was asked', 'OC:244 (comment); TD'),
      f('NguoiTiepNhanBoSung', s(), false, 'Official who received the supplement', 'OC:245 (comment); TD'),
      f('ThongTinTiepNhan', s(), false, 'Notes on the receipt of the supplement', 'OC:246 (comment); TD'),
      f('NgayTiepNhanBoSung', date, false, 'When the supplement was received', 'OC:247 (comment); TD'),
      f(
        'TrangThaiBoSung',
        code('TrangThaiBoSung'),
        true,
        'State of the request (TD types it boolean)',
        'OC:248 (comment); TD',
      ),
      f('DanhSachGiayToBoSung', arr('TaiLieuNop'), false, 'Papers supplied', 'OC:249 (comment); TD'),
      f('DanhSachLePhiBoSung', arr('LePhi'), false, 'Fees due with the supplement', 'OC:250 (comment); TD'),
      f('NgayHenTraTruoc', date, true, 'Appointment date before the request', 'OC:251 (comment); TD'),
      f('NgayHenTraMoi', date, false, 'New appointment date', 'OC:252 (comment); TD'),
    ],
  },
  DinhDanhCHS: {
    title: 'DongBoHoSoMC: one identifier of the applicant (`DinhDanhCHS[]`)',
    fields: [
      f('LoaiDinhDanh', code('LoaiDinhDanh'), true, 'Kind of identifier', 'TD'),
      f('SoDinhDanh', s(20), true, 'The number', 'TD'),
    ],
  },
  KetNoiCSDL: {
    title: 'DongBoHoSoMC: one national database used (`DSKetNoiCSDL[]`)',
    fields: [f('MaCSDL', s(5, 'digits'), true, 'Database code (TD sends "7"; the list is unknown)', 'TD')],
  },
  'DongBoHoSoMC.answer': {
    title: 'DongBoHoSoMC: answer',
    open: true,
    fields: [
      f('error_code', integer, true, '0 on success; 3 or -3 "đã tồn tại" when it exists', 'OC:2142; TD'),
      f('message', s(), false, 'TD checks it for "thành công" and "đã tồn tại"', 'TD'),
    ],
  },
  CapNhatTienDoHoSoMC: {
    title: 'CapNhatTienDoHoSoMC (add progress): request body',
    fields: [
      ...envelope('CapNhatTienDoHoSoMC'),
      f(
        'data',
        arr('TienDo', 1, 10),
        true,
        'Progress entries; TD sends at most 10 a call',
        'OC:2149, OC:2180; TD',
      ),
    ],
  },
  TienDo: {
    title: 'CapNhatTienDoHoSoMC: one progress entry (`data[]`)',
    fields: [
      f('MaHoSo', s(50, 'MaHoSo'), true, 'Dossier code; the portal must already have it', 'OC:509'),
      f('NguoiXuLy', s(50), true, 'Official who acted; TD cuts it to 50', 'OC:512; TD'),
      f('ChucDanh', s(), false, "Official's title", 'OC:513'),
      f('ThoiDiemXuLy', date, true, 'When the step happened', 'OC:514-515'),
      f('PhongBanXuLy', s(), false, 'Department', 'OC:516; OC3:676'),
      f('NoiDungXuLy', s(), true, 'What was done', 'OC:517; OC3:680-691'),
      f('TrangThai', code('TrangThaiHoSo'), true, 'National status after the step', 'OC:518'),
      f('NgayBatDau', date, false, 'When the step started', 'OC:519'),
      f('NgayKetThucTheoQuyDinh', date, false, 'Statutory end of the step', 'OC:520; OC3:694'),
    ],
  },
  'CapNhatTienDoHoSoMC.answer': {
    title: 'CapNhatTienDoHoSoMC: answer',
    open: true,
    fields: [
      f('error_code', integer, true, '0 on success', 'OC3 (result passed back to the queue)'),
      f('message', s(), false, 'TD checks it for "thành công"', 'TD'),
    ],
  },
  LayDanhMucCoQuan: {
    title: 'LayDanhMucCoQuan (agency list): request body',
    fields: envelope('LayDanhMucCoQuan'),
  },
  LayDanhMucLinhVuc: {
    title: 'LayDanhMucLinhVuc (field list): request body',
    fields: envelope('LayDanhMucLinhVuc'),
  },
  LayDanhSachTTHC: {
    title: 'LayDanhSachTTHC (procedure list): request body',
    fields: envelope('LayDanhSachTTHC'),
  },
  LayThuTuc: {
    title: 'LayThuTuc (one procedure): request body',
    fields: [
      ...envelope('LayThuTuc'),
      f(
        'maTTHC',
        s(50, 'MaTTHC'),
        true,
        'National procedure code (note the lower-case m)',
        'OC:172, OC:1273',
      ),
    ],
  },
  'LayDanhMucCoQuan.answer': catalogueAnswer('LayDanhMucCoQuan', 'CoQuan', 'OC:537-552'),
  'LayDanhMucLinhVuc.answer': catalogueAnswer('LayDanhMucLinhVuc', 'LinhVuc', 'OC:716-736'),
  'LayDanhSachTTHC.answer': catalogueAnswer('LayDanhSachTTHC', 'TTHC', 'OC:1254-1260'),
  'LayThuTuc.answer': catalogueAnswer('LayThuTuc', 'ThuTuc', 'OC:178-187, OC:2476-2481'),
  CoQuan: {
    title: 'LayDanhMucCoQuan: one agency (`result[]`)',
    open: true,
    fields: [
      f('MADONVI', s(), true, 'Agency code', 'OC:556'),
      f('TENDONVI', s(), true, 'Agency name', 'OC:557'),
      f(
        'CAPDONVI',
        s(),
        false,
        'Agency level, as digits (read with getString, then as integer)',
        'OC:558, OC:573',
      ),
    ],
  },
  LinhVuc: {
    title: 'LayDanhMucLinhVuc: one field (`result[]`)',
    open: true,
    fields: [
      f('MALINHVUC', s(), true, 'Field code', 'OC:739'),
      f('TENLINHVUC', s(), true, 'Field name', 'OC:740'),
      f(
        'MANGANH',
        s(),
        false,
        'Sector (ngành) code; OC keeps fields whose MANGANH equals its madonvi',
        'OC:741-742',
      ),
    ],
  },
  TTHC: {
    title: 'LayDanhSachTTHC: one procedure (`result[]`)',
    open: true,
    fields: [
      f('MATTHC', s(50, 'MaTTHC'), true, 'National procedure code', 'OC:1259'),
      f('TENTTHC', s(), true, 'Procedure name', 'OC:1259'),
    ],
  },
  ThuTuc: {
    title: 'LayThuTuc: the procedure (`result[0]`)',
    open: true,
    fields: [
      f('MATTHC', s(50, 'MaTTHC'), true, 'National procedure code', 'OC:2489'),
      f('TENTTHC', s(), true, 'Procedure name', 'OC:2485'),
      f('MACOQUANCONGBO', s(), false, 'Code of the agency that published it', 'OC:2550'),
      f(
        'LINHVUCTHUCHIEN',
        arr('ThuTuc.LINHVUCTHUCHIEN[]', 1),
        true,
        'Fields; OC reads the first',
        'OC:2526-2531',
      ),
      f('TRINHTUTHUCHIEN', arr('ThuTuc.TRINHTUTHUCHIEN[]'), false, 'Steps, per case', 'OC:2503-2516'),
      f(
        'CACHTHUCTHUCHIEN',
        arr('ThuTuc.CACHTHUCTHUCHIEN[]'),
        false,
        'Channels with times and fees',
        'OC:2570-2606',
      ),
      f('THANHPHANHOSO', arr('ThuTuc.THANHPHANHOSO[]'), false, 'Required papers, per case', 'OC:2750-2763'),
      f('YEUCAU', s(), false, 'Conditions', 'OC:2621-2622'),
      f('DOITUONGTHUCHIEN', arr('ThuTuc.DOITUONGTHUCHIEN[]'), false, 'Who may apply', 'OC:2637-2643'),
      f('KETQUATHUCHIEN', arr('ThuTuc.KETQUATHUCHIEN[]'), false, 'Results', 'OC:2654-2660'),
      f('CANCUPHAPLY', arr('ThuTuc.CANCUPHAPLY[]'), false, 'Legal basis', 'OC:2672-2678'),
      f('TRANGTHAI', integer, false, '1 when published; OC hides the procedure otherwise', 'OC:2690-2695'),
      f(
        'COQUANTHUCHIEN',
        arr('ThuTuc.COQUANTHUCHIEN[]'),
        false,
        'Agencies that carry it out',
        'OC:2700-2706',
      ),
    ],
  },
  'ThuTuc.LINHVUCTHUCHIEN[]': {
    title: 'LayThuTuc: one field',
    open: true,
    fields: [
      f('MALINHVUC', s(), true, 'Field code', 'OC:2530'),
      f('TENLINHVUC', s(), true, 'Field name', 'OC:2531'),
    ],
  },
  'ThuTuc.TRINHTUTHUCHIEN[]': {
    title: 'LayThuTuc: steps of one case',
    open: true,
    fields: [
      f('TRUONGHOP', s(), false, 'Case name', 'OC:2508'),
      f('TRINHTU', arr('ThuTuc.TRINHTU[]'), true, 'Steps', 'OC:2510-2513'),
    ],
  },
  'ThuTuc.TRINHTU[]': {
    title: 'LayThuTuc: one step',
    open: true,
    fields: [f('TENTRINHTU', s(), true, 'Step text', 'OC:2513')],
  },
  'ThuTuc.CACHTHUCTHUCHIEN[]': {
    title: 'LayThuTuc: one channel',
    open: true,
    fields: [
      f('KENH', integer, true, 'Channel: 1 in person, 2 online, 3 post (as KenhThucHien)', 'OC:2575-2581'),
      f('THOIGIAN', arr('ThuTuc.THOIGIAN[]'), true, 'Processing times on this channel', 'OC:2584-2604'),
    ],
  },
  'ThuTuc.THOIGIAN[]': {
    title: 'LayThuTuc: one processing time',
    open: true,
    fields: [
      f('THOIGIANGIAIQUYET', num, true, 'Time allowed', 'OC:2589'),
      f('DONVITINH', s(), true, 'Its unit, e.g. "Ngày làm việc"', 'OC:2590'),
      f('MOTA', s(), false, 'Description', 'OC:2591'),
      f(
        'PHILEPHI',
        arr('ThuTuc.PHILEPHI[]'),
        false,
        'Fees on this channel; OC reads the first',
        'OC:2597-2603',
      ),
    ],
  },
  'ThuTuc.PHILEPHI[]': {
    title: 'LayThuTuc: one fee',
    open: true,
    fields: [
      f('MAPHILEPHI', s(), true, 'Fee code', 'OC:2599'),
      f('SOTIEN', num, true, 'Amount', 'OC:2600'),
      f('DONVI', s(), true, 'Currency unit, e.g. "Đồng"', 'OC:2601'),
      f('MOTA', s(), false, 'Description', 'OC:2602'),
    ],
  },
  'ThuTuc.THANHPHANHOSO[]': {
    title: 'LayThuTuc: papers of one case',
    open: true,
    fields: [
      f('TRUONGHOP', s(), false, 'Case name', 'MOCK (OC reads only GIAYTO)'),
      f('GIAYTO', arr('ThuTuc.GIAYTO[]'), true, 'Papers', 'OC:2756'),
    ],
  },
  'ThuTuc.GIAYTO[]': {
    title: 'LayThuTuc: one paper',
    open: true,
    fields: [
      f('MAGIAYTO', s(), true, 'Paper code', 'OC:2760'),
      f('TENGIAYTO', s(), true, 'Paper name', 'OC:2763'),
      f('TENMAUDON', s(), false, 'Form template file name', 'OC:2761'),
      f('URL', s(), false, 'Where the form template is downloaded', 'OC:2762'),
    ],
  },
  'ThuTuc.DOITUONGTHUCHIEN[]': {
    title: 'LayThuTuc: one kind of applicant',
    open: true,
    fields: [f('TENDOITUONG', s(), true, 'Name', 'OC:2643')],
  },
  'ThuTuc.KETQUATHUCHIEN[]': {
    title: 'LayThuTuc: one result',
    open: true,
    fields: [
      f('MAKETQUA', s(), true, 'Result code (matches GiayToKetQua.MaGiayToKetQua)', 'OC:2659'),
      f('TENKETQUA', s(), true, 'Result name', 'OC:2660'),
    ],
  },
  'ThuTuc.CANCUPHAPLY[]': {
    title: 'LayThuTuc: one legal document',
    open: true,
    fields: [
      f('SOVANBAN', s(), true, 'Document number', 'OC:2677'),
      f('TENVANBAN', s(), true, 'Document title', 'OC:2678'),
    ],
  },
  'ThuTuc.COQUANTHUCHIEN[]': {
    title: 'LayThuTuc: one agency',
    open: true,
    fields: [
      f('MADONVI', s(), true, 'Agency code', 'OC:2706'),
      f('TENDONVI', s(), true, 'Agency name', 'OC:2705'),
    ],
  },
} satisfies Record<string, TableSpec>;

export type TableId = keyof typeof TABLES;

// ---------------------------------------------------------------------------------------------
// Formats and dates

const PATTERNS: Record<Format, RegExp> = {
  // {agency code}-{yymmdd or yyyymmdd}-{4–7 digit sequence}: H15.50.05.13-261008-0975 (DOM), G09.20-20260609-0092637 (LG)
  MaHoSo: /^[A-Za-z0-9.]+-\d{6}(\d{2})?-\d{4,7}$/,
  // 1.001193, 2.002492, 3.000181.000.00.00.H22 (HG)
  MaTTHC: /^\d\.\d{6}(\.[A-Za-z0-9.]+)?$/,
  // 000.00.00.G22, H15.50.05.13, G09.20
  agencyCode: /^[A-Za-z0-9]+(\.[A-Za-z0-9]+)*$/,
  url: /^https?:\/\/\S+$/,
  digits: /^\d+$/,
};

const FORMAT_TEXT: Record<Format, [string, string]> = {
  MaHoSo: ['mã hồ sơ dạng {mã đơn vị}-{yymmdd}-{số thứ tự}', 'a dossier code {agency}-{yymmdd}-{sequence}'],
  MaTTHC: ['mã thủ tục dạng 1.001193', 'a procedure code like 1.001193'],
  agencyCode: ['mã đơn vị dạng 000.00.00.H15', 'an agency code like 000.00.00.H15'],
  url: ['địa chỉ http(s)', 'an http(s) address'],
  digits: ['chỉ gồm chữ số', 'digits only'],
};

/** yyyyMMddHHmmss in Asia/Ho_Chi_Minh (UTC+7, no daylight saving since 1975). */
const DATE = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/;

export function parsePortalDate(text: string): Date | null {
  const m = DATE.exec(text);
  if (!m) return null;
  const [y, mo, d, h, mi, se] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  const at = new Date(Date.UTC(y, mo - 1, d, h - 7, mi, se));
  const back = new Date(at.getTime() + 7 * 3600_000);
  const same =
    back.getUTCFullYear() === y &&
    back.getUTCMonth() === mo - 1 &&
    back.getUTCDate() === d &&
    back.getUTCHours() === h &&
    back.getUTCMinutes() === mi &&
    back.getUTCSeconds() === se;
  return same ? at : null;
}

export function formatPortalDate(at: Date): string {
  const v = new Date(at.getTime() + 7 * 3600_000);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${p(v.getUTCFullYear(), 4)}${p(v.getUTCMonth() + 1)}${p(v.getUTCDate())}${p(v.getUTCHours())}${p(v.getUTCMinutes())}${p(v.getUTCSeconds())}`;
}

// ---------------------------------------------------------------------------------------------
// The labels the document shows

export function typeLabel(t: FieldType): string {
  switch (t.kind) {
    case 'string': {
      const base = t.format === 'url' ? 'url' : t.format ? `string:${t.format}` : 'string';
      return t.max ? `${base} ≤${t.max}` : base;
    }
    case 'date':
      return 'date';
    case 'code':
      return `code:${t.list}`;
    case 'integer':
      return 'integer';
    case 'number':
      return 'number';
    case 'literal':
      return `"${t.value}"`;
    case 'array': {
      const bounds = t.max ? ` (${t.min ?? 0}–${t.max})` : t.min ? ` (≥${t.min})` : '';
      return `array of ${t.of}${bounds}`;
    }
  }
}

export function requiredLabel(r: FieldSpec['required']): string {
  return r === true ? 'yes' : r === false ? 'no' : `if ${r.when}`;
}

// ---------------------------------------------------------------------------------------------
// Schemas

const blank = (v: unknown) => v === undefined || v === null || v === '';

function valueSchema(t: FieldType): z.ZodType {
  switch (t.kind) {
    case 'string': {
      let schema = z.string().min(1);
      if (t.max) schema = schema.max(t.max);
      if (t.format) {
        const [vi, en] = FORMAT_TEXT[t.format];
        schema = schema.regex(PATTERNS[t.format], msg(`Phải là ${vi}.`, `Must be ${en}.`));
      }
      return schema;
    }
    case 'date':
      return z
        .string()
        .refine(
          (v) => parsePortalDate(v) !== null,
          msg(
            'Ngày giờ phải theo dạng yyyyMMddHHmmss (giờ Việt Nam), ví dụ 20261008143000.',
            'Date and time must be yyyyMMddHHmmss (Vietnam time), e.g. 20261008143000.',
          ),
        );
    case 'code': {
      const codes = CODE_LISTS[t.list].map((c) => c.code);
      return z
        .string()
        .refine(
          (v) => codes.includes(v),
          msg(`Giá trị phải là một trong: ${codes.join(', ')}.`, `Must be one of: ${codes.join(', ')}.`),
        );
    }
    case 'integer':
      return z.number().int();
    case 'number':
      return z.number();
    case 'literal':
      return z.literal(t.value);
    case 'array': {
      if (!(t.of in TABLES)) throw new Error(`fields.ts: no table named ${t.of}`);
      let schema = z.array(tableSchema(t.of as TableId));
      if (t.min) schema = schema.min(t.min);
      if (t.max) schema = schema.max(t.max);
      return schema;
    }
  }
}

const schemas = new Map<TableId, z.ZodType<Record<string, unknown>>>();

/**
 * The zod schema of a table. Optional fields may be absent, null or "" (OpenCPS sends "" for every
 * value it lacks); required ones must be present and non-empty; a conditional one is required when
 * its condition holds for the row.
 */
export function tableSchema(id: TableId): z.ZodType<Record<string, unknown>> {
  const cached = schemas.get(id);
  if (cached) return cached;
  const table: TableSpec = TABLES[id];
  const shape: Record<string, z.ZodType> = {};
  for (const field of table.fields) {
    const value = valueSchema(field.type);
    shape[field.name] =
      field.required === true ? value : z.preprocess((v) => (blank(v) ? undefined : v), value.optional());
  }
  const base = table.open ? z.looseObject(shape) : z.strictObject(shape);
  const conditional = table.fields.filter((x) => typeof x.required === 'object');
  const schema = (
    conditional.length === 0
      ? base
      : base.superRefine((row, ctx) => {
          for (const field of conditional) {
            const rule = field.required as Condition;
            if (rule.applies(row) && blank(row[field.name])) {
              ctx.addIssue({
                code: 'custom',
                path: [field.name],
                message: msg(`Bắt buộc khi ${rule.when}.`, `Required when ${rule.when}.`),
              });
            }
          }
        })
  ) as z.ZodType<Record<string, unknown>>;
  schemas.set(id, schema);
  return schema;
}

/** The request tables, by the service name a call carries. */
export const SERVICE_TABLES = {
  TraCuuHoSo: 'TraCuuHoSo',
  DongBoHoSoMC: 'DongBoHoSoMC',
  CapNhatTienDoHoSoMC: 'CapNhatTienDoHoSoMC',
  LayDanhMucCoQuan: 'LayDanhMucCoQuan',
  LayDanhMucLinhVuc: 'LayDanhMucLinhVuc',
  LayDanhSachTTHC: 'LayDanhSachTTHC',
  LayThuTuc: 'LayThuTuc',
} as const satisfies Record<string, TableId>;

export type ServiceName = keyof typeof SERVICE_TABLES;
