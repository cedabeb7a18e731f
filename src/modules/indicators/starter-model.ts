import type { Db } from '#platform/db/client.ts';
import * as q from './indicators.queries.ts';
import { MODEL_FORMAT } from './indicators.schemas.ts';
import { importModelUnchecked } from './model.service.ts';

/**
 * A starting model for a commune's monthly and quarterly reports: the one-stop shop's figures
 * (filled by the dossiers collector) and the digital-society figures the community teams count,
 * mapped to the provincial DTI (Decision 405/QĐ-BKHCN of 3 April 2025; the README gives the source
 * of each mapping). Loaded on first start when the model is empty; a province edits it from there.
 */
export const STARTER_MODEL = {
  format: MODEL_FORMAT,
  version: 1,
  elements: [
    {
      code: 'HGD_TONG',
      name: { vi: 'Tổng số hộ gia đình', en: 'Households' },
      aggregation: 'last',
      disaggregation: 'hamlet',
    },
    {
      code: 'HGD_SMARTPHONE',
      name: { vi: 'Hộ gia đình có điện thoại thông minh', en: 'Households with a smartphone' },
      aggregation: 'last',
      disaggregation: 'hamlet',
    },
    {
      code: 'HGD_CAP_QUANG',
      name: { vi: 'Hộ gia đình có Internet cáp quang', en: 'Households with fibre Internet' },
      aggregation: 'last',
      disaggregation: 'hamlet',
    },
    {
      code: 'DAN_TRUONG_THANH',
      name: { vi: 'Dân số trưởng thành (từ 15 tuổi)', en: 'Adults (15 and over)' },
      aggregation: 'last',
      disaggregation: 'sex',
    },
    {
      code: 'DAN_VNEID_MUC2',
      name: {
        vi: 'Người có tài khoản định danh điện tử mức 2 (VNeID)',
        en: 'People with a level-2 VNeID account',
      },
      aggregation: 'last',
      disaggregation: 'sex',
    },
    {
      code: 'DAN_TK_THANH_TOAN',
      name: { vi: 'Người từ 15 tuổi có tài khoản thanh toán', en: 'People 15+ with a payment account' },
      aggregation: 'last',
      disaggregation: 'sex',
    },
    {
      code: 'DAN_CHU_KY_SO',
      name: {
        vi: 'Người có chữ ký số hoặc chữ ký điện tử cá nhân',
        en: 'People with a personal digital signature',
      },
      aggregation: 'last',
    },
    {
      code: 'LUOT_HUONG_DAN_DVC',
      name: {
        vi: 'Lượt người được tổ công nghệ số cộng đồng hướng dẫn dùng dịch vụ công trực tuyến',
        en: 'People guided to online public services by community digital teams',
      },
      aggregation: 'sum',
    },
    {
      code: 'CBCC_TONG',
      name: { vi: 'Cán bộ, công chức cấp xã', en: 'Commune officials' },
      aggregation: 'last',
    },
    {
      code: 'CBCC_KY_NANG_SO',
      name: { vi: 'Cán bộ, công chức được bồi dưỡng kỹ năng số', en: 'Officials trained in digital skills' },
      aggregation: 'last',
    },
    {
      code: 'TO_CNSCD_THANH_VIEN',
      name: { vi: 'Thành viên tổ công nghệ số cộng đồng', en: 'Members of community digital teams' },
      aggregation: 'last',
    },
    {
      code: 'TY_LE_PHU_SONG_4G',
      name: { vi: 'Tỷ lệ thôn, bản có sóng 4G', en: 'Share of hamlets with 4G coverage' },
      valueType: 'percent',
      aggregation: 'average',
    },
    {
      code: 'TRUONG_THIET_BI_SO',
      name: {
        vi: 'Máy tính, thiết bị thông minh tại trường học',
        en: 'Computers and smart devices in schools',
      },
      aggregation: 'last',
    },
  ],
  indicators: [
    {
      code: 'TL_HS_TRUC_TUYEN',
      name: { vi: 'Tỷ lệ hồ sơ tiếp nhận trực tuyến', en: 'Share of dossiers received online' },
      group: 'Chính quyền số',
      numerator: 'HS_NHAN_TRUC_TUYEN',
      denominator: 'HS_NHAN',
      factor: 100,
      unit: '%',
      target: 50,
      published: true,
    },
    {
      code: 'TL_HS_DUNG_HAN',
      name: { vi: 'Tỷ lệ hồ sơ giải quyết trước và đúng hạn', en: 'Share of dossiers decided on time' },
      group: 'Chính quyền số',
      numerator: 'HS_GIAI_QUYET_DUNG_HAN',
      denominator: 'HS_GIAI_QUYET',
      factor: 100,
      unit: '%',
      target: 95,
      published: true,
    },
    {
      code: 'SO_NGAY_GQ_TB',
      name: { vi: 'Số ngày giải quyết trung bình', en: 'Average days to a decision' },
      group: 'Chính quyền số',
      numerator: 'HS_NGAY_GIAI_QUYET',
      denominator: 'HS_GIAI_QUYET',
      unit: 'ngày',
      higherIsBetter: false,
    },
    {
      code: 'TL_HGD_SMARTPHONE',
      name: { vi: 'Tỷ lệ hộ gia đình có điện thoại thông minh', en: 'Share of households with a smartphone' },
      group: 'Xã hội số',
      numerator: 'HGD_SMARTPHONE',
      denominator: 'HGD_TONG',
      factor: 100,
      unit: '%',
      target: 80,
      published: true,
    },
    {
      code: 'TL_HGD_CAP_QUANG',
      name: { vi: 'Tỷ lệ hộ gia đình có Internet cáp quang', en: 'Share of households with fibre Internet' },
      group: 'Hạ tầng số',
      numerator: 'HGD_CAP_QUANG',
      denominator: 'HGD_TONG',
      factor: 100,
      unit: '%',
      target: 80,
      published: true,
    },
    {
      code: 'TL_VNEID_MUC2',
      name: {
        vi: 'Tỷ lệ người trưởng thành có định danh điện tử mức 2',
        en: 'Share of adults with level-2 VNeID',
      },
      group: 'Xã hội số',
      numerator: 'DAN_VNEID_MUC2',
      denominator: 'DAN_TRUONG_THANH',
      factor: 100,
      unit: '%',
    },
    {
      code: 'TL_NU_VNEID',
      name: {
        vi: 'Tỷ lệ nữ trong số người có VNeID mức 2',
        en: 'Share of women among level-2 VNeID holders',
      },
      group: 'Xã hội số',
      numerator: 'DAN_VNEID_MUC2.nu',
      denominator: 'DAN_VNEID_MUC2',
      factor: 100,
      unit: '%',
    },
    {
      code: 'TL_TK_THANH_TOAN',
      name: {
        vi: 'Tỷ lệ người từ 15 tuổi có tài khoản thanh toán',
        en: 'Share of people 15+ with a payment account',
      },
      group: 'Kinh tế số',
      numerator: 'DAN_TK_THANH_TOAN',
      denominator: 'DAN_TRUONG_THANH',
      factor: 100,
      unit: '%',
      target: 80,
      published: true,
    },
    {
      code: 'TL_CHU_KY_SO',
      name: {
        vi: 'Tỷ lệ người trưởng thành có chữ ký số cá nhân',
        en: 'Share of adults with a digital signature',
      },
      group: 'Xã hội số',
      numerator: 'DAN_CHU_KY_SO',
      denominator: 'DAN_TRUONG_THANH',
      factor: 100,
      unit: '%',
      target: 50,
    },
    {
      code: 'TL_CBCC_KY_NANG_SO',
      name: {
        vi: 'Tỷ lệ cán bộ, công chức được bồi dưỡng kỹ năng số',
        en: 'Share of officials trained in digital skills',
      },
      group: 'Nhân lực số',
      numerator: 'CBCC_KY_NANG_SO',
      denominator: 'CBCC_TONG',
      factor: 100,
      unit: '%',
      target: 100,
    },
    {
      code: 'PHU_SONG_4G',
      name: { vi: 'Tỷ lệ thôn, bản có sóng 4G', en: 'Share of hamlets with 4G coverage' },
      group: 'Hạ tầng số',
      numerator: 'TY_LE_PHU_SONG_4G',
      unit: '%',
      target: 100,
    },
  ],
  dataSets: [
    {
      code: 'BC_THANG_XA',
      name: { vi: 'Báo cáo tháng của xã', en: 'Commune monthly report' },
      periodType: 'month',
      dueDays: 5,
      level: 'commune',
      elements: [
        'HS_NHAN',
        'HS_NHAN_TRUC_TUYEN',
        'HS_GIAI_QUYET',
        'HS_GIAI_QUYET_DUNG_HAN',
        'HGD_TONG',
        'HGD_SMARTPHONE',
        'HGD_CAP_QUANG',
        'DAN_TRUONG_THANH',
        'DAN_VNEID_MUC2',
        'DAN_TK_THANH_TOAN',
        'DAN_CHU_KY_SO',
        'LUOT_HUONG_DAN_DVC',
      ],
    },
    {
      code: 'BC_QUY_XA',
      name: { vi: 'Báo cáo quý của xã', en: 'Commune quarterly report' },
      periodType: 'quarter',
      dueDays: 10,
      level: 'commune',
      elements: [
        'CBCC_TONG',
        'CBCC_KY_NANG_SO',
        'TO_CNSCD_THANH_VIEN',
        'TY_LE_PHU_SONG_4G',
        'TRUONG_THIET_BI_SO',
      ],
    },
  ],
};

/** First start: the starter model, when nothing has been defined yet. */
export async function ensureStarterModel(db: Db, at = new Date()) {
  if ((await q.listModel(db)).length > 0) return { loaded: false };
  await importModelUnchecked(db, STARTER_MODEL, 'system', at);
  return { loaded: true };
}
