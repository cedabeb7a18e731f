/**
 * Support for the tests of the one-stop shop's outputs (documents, payments, ratings, statistics):
 * PDF text read back with poppler, and dossiers made through the dossiers module's public
 * functions and taken through the workflow.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { act, type DossierDeps, dossierDeps, submitDossier } from '#modules/dossiers/index.ts';
import { getPlaceByCode } from '#modules/places/index.ts';
import { saveProcedure } from '#modules/procedures/index.ts';
import type { Actor, Role } from '#platform/auth/actor.ts';
import type { Ctx } from '#platform/context.ts';
import { COMMUNE_A, PROVINCE, type TestApp } from './app.ts';

/**
 * Why a test that needs the program `tool` cannot run here, or undefined when it can. A test that
 * uses an independent checker is skipped, and says so, when the checker is missing, never passed
 * without it; in CI (CI=true) it runs and fails instead.
 */
export function toolSkipReason(tool: string, what: string): string | undefined {
  try {
    execFileSync(tool, ['-v'], { stdio: 'ignore' });
    return undefined;
  } catch (e) {
    // Present, but unhappy with -v: it exists.
    if ((e as { code?: string }).code !== 'ENOENT') return undefined;
    if (process.env.CI === 'true') return undefined;
    return `${tool} (poppler-utils) is not installed; ${what} skipped. With CI=true this is a failure.`;
  }
}

/**
 * Text extraction with poppler's pdftotext (Debian poppler-utils), the tool a reader's machine
 * would use: what it gets back is what a screen reader or a search index sees.
 */
export function popplerSkipReason(): string | undefined {
  return toolSkipReason('pdftotext', 'PDF text tests');
}

/** poppler's pdfsig (NSS underneath): a signature verifier that shares no code with ours. */
export function pdfsigSkipReason(): string | undefined {
  return toolSkipReason('pdfsig', 'the independent signature check (pdfsig)');
}

function withFile<T>(bytes: Uint8Array, fn: (file: string) => T): T {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xaso-pdf-'));
  const file = path.join(dir, 'doc.pdf');
  try {
    fs.writeFileSync(file, bytes);
    return fn(file);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** The text in reading order (`-raw`), whitespace runs (line breaks too) folded to one space. */
export function pdfText(bytes: Uint8Array): string {
  return withFile(bytes, (file) =>
    execFileSync('pdftotext', ['-raw', '-enc', 'UTF-8', file, '-'], { encoding: 'utf8' })
      .replace(/\s+/g, ' ')
      .trim(),
  );
}

/** pdfinfo's fields (Pages, Page size, Title, …). */
export function pdfInfo(bytes: Uint8Array): Record<string, string> {
  return withFile(bytes, (file) => {
    const out = execFileSync('pdfinfo', ['-enc', 'UTF-8', file], { encoding: 'utf8' });
    return Object.fromEntries(
      out
        .split('\n')
        .filter((l) => l.includes(':'))
        .map((l) => [l.slice(0, l.indexOf(':')).trim(), l.slice(l.indexOf(':') + 1).trim()]),
    );
  });
}

// ---------------------------------------------------------------------------------------------
// Dossiers made through the dossiers module's public functions, for the outputs' tests

/** A procedure with a fee at receipt, one at return, two documents and a three-step workflow. */
export const OUTPUT_PROCEDURE = {
  code: '9.000404',
  name: { vi: 'Cấp giấy xác nhận thử nghiệm (kết quả có chữ ký số)', en: 'Test certificate' },
  field: 'Hộ tịch',
  summary: { vi: 'Thủ tục dùng trong kiểm thử đầu ra.', en: 'A procedure for output tests.' },
  competentLevel: 'commune',
  onlineLevel: 'full',
  days: 3,
  documents: [
    {
      id: 'toKhai',
      name: { vi: 'Tờ khai đề nghị cấp giấy xác nhận', en: 'Form' },
      form: 'original',
      count: 1,
      mandatory: true,
    },
    {
      id: 'giayKhac',
      name: { vi: 'Giấy tờ chứng minh nơi cư trú', en: 'Residence' },
      form: 'copy',
      count: 1,
      mandatory: false,
    },
  ],
  form: [
    { name: 'mucDich', label: { vi: 'Mục đích sử dụng', en: 'Purpose' }, type: 'text', required: true },
    {
      name: 'tinhTrang',
      label: { vi: 'Tình trạng hôn nhân', en: 'Status' },
      type: 'select',
      required: true,
      options: [
        { value: 'docThan', label: { vi: 'Chưa đăng ký kết hôn với ai' } },
        { value: 'daKetHon', label: { vi: 'Đang có vợ/chồng' } },
      ],
    },
    { name: 'soBan', label: { vi: 'Số bản', en: 'Copies' }, type: 'number', required: false },
  ],
  fees: [
    {
      id: 'lePhi',
      name: { vi: 'Lệ phí cấp giấy xác nhận' },
      amount: 5000,
      per: 'dossier',
      dueAt: 'receipt',
      basis: 'Nghị quyết của Hội đồng nhân dân tỉnh (thử nghiệm)',
    },
    {
      id: 'phiBanSao',
      name: { vi: 'Phí cấp bản sao' },
      amount: 8000,
      onlineAmount: 4000,
      per: 'copy',
      dueAt: 'return',
    },
  ],
  result: { name: { vi: 'Giấy xác nhận tình trạng hôn nhân' } },
  workflow: [
    { id: 'tiepNhan', name: { vi: 'Tiếp nhận' }, role: 'receptionist', share: 0.2 },
    { id: 'xuLy', name: { vi: 'Thẩm định' }, role: 'specialist', share: 0.6 },
    { id: 'pheDuyet', name: { vi: 'Phê duyệt' }, role: 'approver', share: 0.2 },
  ],
  legalBasis: ['Luật Hộ tịch ngày 20 tháng 11 năm 2014'],
  verified: false,
};

/** The configured fallback account for fees (Agribank), for tests that show a VietQR or a bank line. */
export const PAYMENT_ENV = {
  PAYMENT_BANK_BIN: '970405',
  PAYMENT_ACCOUNT_NUMBER: '8888123456789',
  PAYMENT_ACCOUNT_NAME: 'UBND XA MAU SON',
};

export const OUTPUT_APPLICANT = {
  name: 'Lý Thị Nguyệt',
  idNumber: '020190004321',
  phone: '0987654321',
  address: 'Bản Nà Pàn, xã Mẫu Sơn, Lạng Sơn',
  email: 'nguyet@example.vn',
};

export interface Staff {
  id: number;
  ctx: Ctx;
  username: string;
}

export async function staffOf(t: TestApp, username: string, role: Role, placeCode: string): Promise<Staff> {
  const id = await t.user(username, role, placeCode);
  const place = await getPlaceByCode(t.platform.database.db, placeCode);
  const actor: Actor = {
    kind: 'staff',
    userId: id,
    username,
    displayName: username,
    grants: [{ role, placeId: place.id, placePath: place.path, placeName: place.fullName }],
  };
  return { id, username, ctx: ctxFor(t, actor) };
}

export function ctxFor(t: TestApp, actor: Actor): Ctx {
  return {
    db: t.platform.database.db,
    sql: t.platform.database,
    actor,
    meta: { ip: '127.0.0.1', userAgent: 'test' },
    clock: t.platform.clock,
    events: t.platform.events,
  };
}

export interface OutputSetup {
  deps: DossierDeps;
  admin: Staff;
  desk: Staff;
  specialist: Staff;
  approver: Staff;
}

export async function setupOutputs(t: TestApp): Promise<OutputSetup> {
  const admin = await staffOf(t, 'out_admin', 'admin', PROVINCE);
  await saveProcedure(admin.ctx, OUTPUT_PROCEDURE);
  return {
    deps: dossierDeps(t.platform),
    admin,
    desk: await staffOf(t, 'out_desk', 'receptionist', COMMUNE_A),
    specialist: await staffOf(t, 'out_spec', 'specialist', COMMUNE_A),
    approver: await staffOf(t, 'out_lead', 'approver', COMMUNE_A),
  };
}

/** A real PDF, stored as an upload would be. */
async function upload(t: TestApp, name: string) {
  const pdf = Buffer.from(
    `%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n% ${name}\ntrailer<</Root 1 0 R>>\n%%EOF\n`,
    'latin1',
  );
  return t.platform.files.save(Readable.from([pdf]), { originalName: name });
}

export type Stage = 'submitted' | 'received' | 'supplement' | 'pending' | 'approved' | 'returned' | 'refused';

/**
 * A dossier filed online for OUTPUT_PROCEDURE, taken through the workflow up to `stage` by the
 * staff of `s`. Returns its code.
 */
export async function fileDossier(t: TestApp, s: OutputSetup, stage: Stage, opts: { copies?: number } = {}) {
  const citizen = ctxFor(t, { kind: 'anonymous' });
  const toKhai = await upload(t, 'to-khai.pdf');
  const { dossier } = await submitDossier(citizen, s.deps, {
    procedureCode: OUTPUT_PROCEDURE.code,
    unitCode: COMMUNE_A,
    applicant: OUTPUT_APPLICANT,
    form: {
      mucDich: 'Đăng ký kết hôn tại xã Đồng Đăng',
      tinhTrang: 'docThan',
      soBan: String(opts.copies ?? 2),
    },
    files: [{ documentId: 'toKhai', fileId: toKhai.id }],
  });
  const code = dossier.code;
  if (stage === 'submitted') return code;
  if (stage === 'refused') {
    await act(s.desk.ctx, s.deps, code, {
      type: 'refuse',
      note: 'Việc hộ tịch đã đăng ký tại xã Đồng Đăng.',
    });
    return code;
  }
  await act(s.desk.ctx, s.deps, code, { type: 'receive' });
  if (stage === 'received') return code;
  await act(s.desk.ctx, s.deps, code, { type: 'assign', assigneeId: s.specialist.id });
  await act(s.specialist.ctx, s.deps, code, {
    type: 'request_supplement',
    documents: ['giayKhac'],
    note: 'Ảnh chụp giấy tờ cư trú bị mờ.',
  });
  if (stage === 'supplement') return code;
  const more = await upload(t, 'cu-tru.pdf');
  await act(
    citizen,
    s.deps,
    code,
    { type: 'supplement_received' },
    {
      asApplicant: true,
      files: [{ documentId: 'giayKhac', fileId: more.id }],
    },
  );
  await act(s.specialist.ctx, s.deps, code, { type: 'submit_for_approval' });
  if (stage === 'pending') return code;
  await act(s.approver.ctx, s.deps, code, { type: 'approve' });
  if (stage === 'approved') return code;
  await act(s.desk.ctx, s.deps, code, { type: 'result_ready' });
  await act(s.desk.ctx, s.deps, code, { type: 'result_returned' });
  return code;
}
