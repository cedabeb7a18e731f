import {
  type ActionType,
  type DossierAction,
  type DossierRecord,
  type DossierState,
  stateFromActions,
} from '#modules/dossiers/index.ts';
import { feesDue, MOMENT_CODES, type Moment } from '#modules/payments/index.ts';

/**
 * What the portal is sent for a dossier, built from the dossier's record (its row, its log and the
 * procedure it was filed under) as it stood after a given action: the dossier for `DongBoHoSoMC`
 * and one progress entry per action for `CapNhatTienDoHoSoMC`. Pure: no I/O, every outside fact
 * comes in as an argument. Field by field, docs/integrations/dvcqg.md ("Mapping from Xã Số").
 */

export interface NationalProcedure {
  maTthc: string;
  tenTthc: string;
  maLinhVuc: string;
  tenLinhVuc: string;
}

export interface PayloadContext {
  procedure: NationalProcedure;
  /** The national status code of a local state (the admin's mapping table). */
  nationalStatus: (state: Pick<DossierState, 'step' | 'status'>) => string;
  /** The name of the unit that processes the dossier (`DonViXuLy`). */
  unitName: string;
  /** Where the portal downloads a stored file, and the result. */
  fileUrl: (fileId: string) => string;
  resultUrl: () => string;
}

/** yyyyMMddHHmmss, wall-clock time in Asia/Ho_Chi_Minh (UTC+7, no daylight saving since 1975). */
export function portalDate(d: Date): string {
  return new Date(d.getTime() + 7 * 3600_000).toISOString().replace(/\D/g, '').slice(0, 14);
}

const cut = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/** What each action did, in the words a progress entry (`NoiDungXuLy`) uses. */
const ACTION_TEXT: Record<ActionType, string> = {
  submit: 'Nộp hồ sơ',
  receive: 'Tiếp nhận hồ sơ',
  refuse: 'Từ chối tiếp nhận hồ sơ',
  assign: 'Phân công xử lý',
  forward: 'Chuyển hồ sơ',
  request_supplement: 'Yêu cầu bổ sung hồ sơ',
  supplement_received: 'Tiếp nhận hồ sơ bổ sung',
  submit_for_approval: 'Trình lãnh đạo phê duyệt',
  approve: 'Lãnh đạo phê duyệt kết quả',
  reject: 'Lãnh đạo không phê duyệt (từ chối giải quyết)',
  result_ready: 'Có kết quả, chờ trả',
  result_returned: 'Trả kết quả',
  withdraw: 'Người nộp rút hồ sơ',
  stop: 'Dừng xử lý hồ sơ',
  overdue: 'Quá hạn xử lý',
  payment_requested: 'Yêu cầu thực hiện nghĩa vụ tài chính',
  payment_received: 'Đã thực hiện nghĩa vụ tài chính',
  extension_drafted: 'Dự thảo văn bản xin lỗi và đề nghị gia hạn (mẫu 04)',
  extension_approved: 'Gia hạn thời hạn giải quyết (văn bản xin lỗi, mẫu 04)',
  extension_declined: 'Lãnh đạo không duyệt đề nghị gia hạn',
  financial_obligation_notified: 'Thông báo thực hiện nghĩa vụ tài chính, tạm dừng tính thời hạn',
  financial_obligation_paid: 'Đã hoàn thành nghĩa vụ tài chính, tính tiếp thời hạn',
};

const CHANNEL_TEXT: Record<1 | 2 | 3, string> = {
  1: 'tại Bộ phận Một cửa',
  2: 'trực tuyến',
  3: 'qua dịch vụ bưu chính công ích',
};

function describeAction(a: DossierAction, channel: 1 | 2 | 3): string {
  let text = ACTION_TEXT[a.type];
  if (a.type === 'submit') text = `${text} ${CHANNEL_TEXT[channel]}`;
  if (a.type === 'assign' && a.payload.assigneeName) text = `${text} cho ${a.payload.assigneeName}`;
  if (a.type === 'forward' && a.payload.unitName) text = `${text} đến ${a.payload.unitName}`;
  return cut(a.note ? `${text}: ${a.note}` : text, 2000);
}

/** The log up to and including `through`, and the state after each of its actions. */
export function statesThrough(record: DossierRecord, through: number) {
  const log = record.actions.filter((a) => a.id <= through);
  const states = log.map((_, i) => stateFromActions(log.slice(0, i + 1)));
  return { log, states };
}

/** The appointment given to the applicant as of the last action of `log` (kept in the log, decision 011). */
function dueOf(log: DossierAction[]): string | undefined {
  for (let i = log.length - 1; i >= 0; i--) {
    const due = log[i]?.payload.dueAt;
    if (typeof due === 'string') return due;
  }
  return undefined;
}

type Row = Record<string, unknown>;

/** Drop the keys with no value: the portal treats an absent optional field as empty. */
function compact(row: Row): Row {
  return Object.fromEntries(Object.entries(row).filter(([, v]) => v !== undefined && v !== null && v !== ''));
}

function filesOf(a: DossierAction, ctx: PayloadContext, digitised: boolean): Row[] {
  return (a.payload.files ?? []).map((f) =>
    compact({
      TepDinhKemId: f.fileId,
      TenTepDinhKem: cut(f.name, 4000),
      IsDeleted: 'False',
      MaThanhPhanHoSo: f.documentId,
      DuongDanTaiTepTin: ctx.fileUrl(f.fileId),
      DuocSoHoa: digitised ? '1' : '0',
    }),
  );
}

/** The dossier as `DongBoHoSoMC` takes it, as it stood after action `through`. */
export function dossierPayload(record: DossierRecord, through: number, ctx: PayloadContext): Row {
  const { log, states } = statesThrough(record, through);
  const state = states.at(-1);
  if (!state) throw new Error(`dossier ${record.code} has no action up to ${through}`);
  const national = ctx.nationalStatus(state);
  const stamp = (d: Date | null | undefined) => (d ? portalDate(d) : undefined);
  const first = (type: ActionType) => log.find((a) => a.type === type);
  const last = (type: ActionType) => log.findLast((a) => a.type === type);
  // Papers taken at the desk were scanned there (digitised, Decision 766 indicator 4.2).
  const digitised = record.channel === 1;
  // A dossier refused, sent back or withdrawn before receipt was still taken in by the desk: the
  // portal wants a receipt time for every status but 1, and that is the desk's first answer.
  const deskTime =
    state.validReceivedAt ??
    log.find((a) => a.type !== 'submit' && a.type !== 'payment_requested' && a.type !== 'payment_received')
      ?.at;
  const id = record.applicant.idNumber;
  const fees = (['receipt', 'supplement', 'return'] as Moment[]).flatMap((m) =>
    feesDue(record.procedure, record.formData, record.channel, m).map((l) => ({
      TenPhiLePhi: l.name,
      MaPhiLePhi: l.feeId,
      HinhThucThu: String(MOMENT_CODES[m]),
      Gia: String(l.amount),
      LoaiPhiLePhi: '1',
    })),
  );
  const paidOnline = log.some((a) => a.type === 'payment_received' && a.payload.method === 'transfer');
  const submitted = [first('submit'), ...log.filter((a) => a.type === 'supplement_received')];
  const result =
    state.decision === 'approved' && (state.step === 'result_ready' || state.step === 'returned')
      ? [
          {
            TenGiayTo: cut(record.procedure.result.name.vi, 2000),
            DuongDanTepTinKetQua: ctx.resultUrl(),
          },
        ]
      : [];
  return compact({
    MaHoSo: record.code,
    MaTTHC: ctx.procedure.maTthc,
    TenTTHC: ctx.procedure.tenTthc,
    MaLinhVuc: ctx.procedure.maLinhVuc,
    TenLinhVuc: ctx.procedure.tenLinhVuc,
    KenhThucHien: String(record.channel),
    ChuHoSo: record.applicant.name,
    SoGiayToChuHoSo: id,
    LoaiDoiTuong: '1',
    Email: record.applicant.email,
    SoDienThoai: record.applicant.phone,
    TrichYeuHoSo: cut(`${record.procedureName} – ${record.applicant.name}`, 1000),
    NgayNopHoSo: portalDate(record.submittedAt),
    NgayTiepNhan: national === '1' ? undefined : stamp(deskTime),
    NgayHenTra: dueOf(log) && portalDate(new Date(dueOf(log) as string)),
    TrangThaiHoSo: national,
    NgayTra: stamp(last('result_returned')?.at),
    HinhThuc: '0',
    NgayKetThucXuLy: stamp(state.decidedAt),
    NgayTuChoi: stamp(last('refuse')?.at),
    DonViXuLy: ctx.unitName,
    HoSoCoThanhPhanSoHoa: digitised && submitted.some((a) => a?.payload.files?.length) ? '1' : '0',
    DuocThanhToanTrucTuyen: paidOnline ? '1' : '0',
    TaiLieuNop: submitted.flatMap((a) => (a ? filesOf(a, ctx, digitised) : [])),
    DanhSachLePhi: fees,
    DanhSachHoSoBoSung: supplements(log, ctx, digitised),
    DanhSachGiayToKetQua: result,
    DinhDanhCHS: id ? [{ LoaiDinhDanh: /^\d{12}$/.test(id) ? '1' : '2', SoDinhDanh: cut(id, 20) }] : [],
  });
}

/**
 * Supplement requests made after receipt (the ones that pause the clock and that Decision 766
 * counts): before receipt there is no appointment yet, and the portal wants the one the request
 * moved (`NgayHenTraTruoc`). A request before receipt shows in the status (5) and the progress.
 */
function supplements(log: DossierAction[], ctx: PayloadContext, digitised: boolean): Row[] {
  const out: Row[] = [];
  for (const [i, a] of log.entries()) {
    if (a.type !== 'request_supplement') continue;
    const before = dueOf(log.slice(0, i));
    if (!before) continue;
    const answer = log.slice(i + 1).find((x) => x.type === 'supplement_received');
    out.push(
      compact({
        HoSoBoSungId: String(a.id),
        NguoiYeuCauBoSung: a.actorName,
        NoiDungBoSung: a.note ?? 'Bổ sung giấy tờ theo yêu cầu',
        NgayBoSung: portalDate(a.at),
        NguoiTiepNhanBoSung: answer?.actorName,
        NgayTiepNhanBoSung: answer && portalDate(answer.at),
        TrangThaiBoSung: answer ? '1' : '0',
        DanhSachGiayToBoSung: answer ? filesOf(answer, ctx, digitised) : [],
        NgayHenTraTruoc: portalDate(new Date(before)),
        NgayHenTraMoi:
          typeof answer?.payload.dueAt === 'string' ? portalDate(new Date(answer.payload.dueAt)) : undefined,
      }),
    );
  }
  return out;
}

/** One progress entry (`CapNhatTienDoHoSoMC`) per action in `ids`, in the log's order. */
export function progressEntries(record: DossierRecord, ids: readonly number[], ctx: PayloadContext): Row[] {
  const wanted = new Set(ids);
  const through = Math.max(...ids);
  const { log, states } = statesThrough(record, through);
  return log.flatMap((a, i) => {
    if (!wanted.has(a.id)) return [];
    const state = states[i] as DossierState;
    const due = dueOf(log.slice(0, i + 1));
    return [
      compact({
        MaHoSo: record.code,
        NguoiXuLy: cut(a.actorName, 50),
        ThoiDiemXuLy: portalDate(a.at),
        NoiDungXuLy: describeAction(a, record.channel),
        TrangThai: ctx.nationalStatus(state),
        NgayBatDau: portalDate(a.at),
        NgayKetThucTheoQuyDinh: due && portalDate(new Date(due)),
      }),
    ];
  });
}
