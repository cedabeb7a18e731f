/**
 * What each paper says, as plain data. The renderers take these and nothing else, so they are
 * tested without a database; the service fills them from a dossier.
 */

/** Who issues the paper: the two lines at the top left and the place on the date line. */
export interface Issuer {
  /** The authority, as printed: "UBND XÃ MẪU SƠN". */
  authority: string;
  /** The issuing unit: "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG". */
  office: string;
  /** The place on the date line: "Mẫu Sơn" → "Mẫu Sơn, ngày … tháng … năm …". */
  placeName: string;
}

export interface Applicant {
  name: string;
  /** CCCD, 12 digits. */
  idNumber?: string | null | undefined;
  address?: string | null | undefined;
  phone?: string | null | undefined;
  email?: string | null | undefined;
}

export const DOCUMENT_FORMS_VI = {
  original: 'Bản chính',
  copy: 'Bản sao',
  certified_copy: 'Bản sao có chứng thực',
  original_or_copy: 'Bản chính hoặc bản sao',
} as const;
export type DocumentForm = keyof typeof DOCUMENT_FORMS_VI;

export const CHANNELS_VI = {
  1: 'Trực tiếp',
  2: 'Trực tuyến',
  3: 'Qua dịch vụ bưu chính công ích',
} as const;

export interface FeeLine {
  name: string;
  /** In đồng. */
  amount: number;
  paid: boolean;
}

/** Form 01: giấy tiếp nhận hồ sơ và hẹn trả kết quả. */
export interface ReceiptSlip {
  issuer: Issuer;
  code: string;
  procedure: { code: string; name: string; days: number; daysUnit?: 'working' | 'calendar' | undefined };
  applicant: Applicant;
  channel: 1 | 2 | 3;
  documents: { name: string; form: DocumentForm; count: number }[];
  receivedAt: Date;
  dueAt: Date;
  /** Where the result is handed over: a counter, or "trực tuyến / bưu chính". */
  returnPlace: string;
  fees: FeeLine[];
  /** The official who received it. */
  officer: string;
  /** The public tracking page of this dossier (the QR code). */
  trackingUrl: string;
}

/** Form 02: phiếu yêu cầu bổ sung, hoàn thiện hồ sơ. */
export interface SupplementRequest {
  issuer: Issuer;
  code: string;
  procedureName: string;
  applicant: Applicant;
  requestedAt: Date;
  /** What is missing or wrong, one line each. */
  items: string[];
  /** The official's explanation. */
  reason: string | null;
  officer: string;
  /** Where to ask for help (the centre's phone), when known. */
  contact?: string | undefined;
  trackingUrl: string;
}

/** Form 03: phiếu từ chối tiếp nhận giải quyết hồ sơ. */
export interface Refusal {
  issuer: Issuer;
  code: string;
  procedureName: string;
  applicant: Applicant;
  refusedAt: Date;
  reason: string;
  officer: string;
}

/**
 * Form 04: văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết (the title of Circular
 * 03/2025/TT-VPCP; docs/rules.md). It always names the new date.
 */
export interface Apology {
  issuer: Issuer;
  code: string;
  procedureName: string;
  applicant: Applicant;
  receivedAt: Date;
  dueAt: Date;
  writtenAt: Date;
  reason: string;
  /** The new appointment the extension asks for: mandatory. */
  newDueAt: Date;
  /** Who signs for the issuer (the head of the centre or the chairman). */
  signer: { name: string; title: string };
  trackingUrl: string;
}

export type Timeliness = 'early' | 'on-time' | 'late';

export const TIMELINESS_VI: Record<Timeliness, string> = {
  early: 'Trước hạn',
  'on-time': 'Đúng hạn',
  late: 'Quá hạn',
};

/** One hand-off of the dossier: who gave it to whom, when, and how that step went. */
export interface HandOff {
  step: string;
  from: string;
  to: string;
  at: Date;
  /** The step's due time, when the workflow gives one. */
  dueAt: Date | null;
  /** Null while the step is running and not yet late. */
  timeliness: Timeliness | null;
  note?: string | null | undefined;
}

/** Form 06: phiếu kiểm soát quá trình giải quyết hồ sơ. */
export interface TrackingSheet {
  issuer: Issuer;
  code: string;
  procedureName: string;
  applicant: Applicant;
  receivedAt: Date | null;
  dueAt: Date | null;
  /** The unit that decides. */
  decidingUnit: string;
  rows: HandOff[];
  printedAt: Date;
}

/**
 * A procedure's result paper. `{{…}}` in any text is replaced from the values: applicant.name,
 * applicant.idNumber, applicant.address, dossier.code, procedure.name, issuer.authority, date,
 * form.<field> (the e-form's answers). A value that is missing prints as a dotted blank.
 */
export interface ResultTemplate {
  /**
   * The official form it follows, printed small above the heading ("Theo mẫu … ban hành kèm theo
   * Thông tư số 04/2020/TT-BTP"). Absent for a template of the platform's own.
   */
  formTag?: string | undefined;
  /** "GIẤY XÁC NHẬN TÌNH TRẠNG HÔN NHÂN". */
  title: string;
  /** "Căn cứ …" lines, in italics under the title. */
  basis: string[];
  /** Paragraphs of the body. */
  body: string[];
  /**
   * Label–value lines after the body ("Họ, chữ đệm, tên: {{applicant.name}}"). `ifPresent`: left
   * out when its value is empty (an answer the e-form does not require), not printed as a blank.
   */
  fields: { label: string; value: string; ifPresent?: boolean | undefined }[];
  /** Paragraphs after the fields. */
  closing: string[];
  /** Above the signature: "TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH". */
  signerTitle: string;
}

/** The result paper, ready to sign. */
export interface ResultPaper {
  issuer: Issuer;
  /** "12/2026/KQ" — the number in the issuer's register of results. */
  number: string;
  code: string;
  /** The id printed under the QR code; the verify page finds the stored copy by it. */
  documentId: string;
  verifyUrl: string;
  issuedAt: Date;
  template: ResultTemplate;
  values: Record<string, string>;
  signer: { name: string };
  /** Printed in the signature box: the paper is signed electronically. */
  signedElectronically: boolean;
}

/** Form 05: thông báo dừng giải quyết hồ sơ (the title as docs/rules.md found it). */
export interface StopNotice {
  issuer: Issuer;
  code: string;
  procedureName: string;
  applicant: Applicant;
  receivedAt: Date;
  stoppedAt: Date;
  /** Why processing stopped (the approver's note). */
  reason: string;
  signer: { name: string; title: string };
  trackingUrl: string;
}

/** One dossier in form 07, the register. */
export interface RegisterRow {
  code: string;
  procedureName: string;
  applicant: { name: string; address: string | null; phone: string };
  /** The unit that decides it. */
  decidingUnit: string;
  receivedAt: Date;
  dueAt: Date | null;
  /** When the result was returned, or handling ended (refused, stopped, withdrawn). */
  finishedAt: Date | null;
  /** The state in words ("Đã trả kết quả – đúng hạn", "Đang giải quyết – quá hạn"). */
  state: string;
  /** How the dossier was filed: in person, online, by post. */
  channel: string;
}

/** Form 07: sổ theo dõi hồ sơ, for one unit and period. */
export interface Register {
  issuer: Issuer;
  unitName: string;
  /** Vietnam calendar days, inclusive. */
  from: string;
  to: string;
  rows: RegisterRow[];
  printedAt: Date;
}
