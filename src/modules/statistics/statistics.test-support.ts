/**
 * Shared by the statistics tests (not a test file itself): dossiers, fees, results, ratings and
 * complaints made through the other modules' public functions, each at a time the test sets on
 * the app's clock, so the statistics count what the modules wrote, in states they can reach.
 */
import { Readable } from 'node:stream';
import { documentsDeps, linkToken, signResult } from '#modules/documents/index.ts';
import {
  act,
  type DossierDeps,
  dossierDeps,
  getDossierRecord,
  submitDossier,
} from '#modules/dossiers/index.ts';
import { createReport, ensureDefaultCategories } from '#modules/feedback/index.ts';
import { confirmPayment, ensureDues, paymentsDeps } from '#modules/payments/index.ts';
import { saveProcedure } from '#modules/procedures/index.ts';
import { rate } from '#modules/ratings/index.ts';
import { COMMUNE_A, createTestApp, PROVINCE, type TestApp } from '#test/support/app.ts';
import { ctxFor, type Staff, staffOf } from '#test/support/outputs.ts';

/** A Vietnam wall-clock time 'YYYY-MM-DDTHH:mm' as an instant. */
export const vn = (s: string) => new Date(`${s}:00+07:00`);

export const APPLICANT = {
  name: 'Lò Văn Páo',
  idNumber: '020190007766',
  phone: '0911766766',
  address: 'Bản Khòn Quang, xã Mẫu Sơn, Lạng Sơn',
};

export interface ProcedureOptions {
  code: string;
  days: number;
  /** Fee in đồng at the counter (0: none) and, when different, online. */
  fee?: number;
  onlineFee?: number;
  onlineLevel?: 'full' | 'partial';
  result?: 'paper' | 'data';
  /** No documents: a record missing one of the seven parts (1.3). */
  noDocuments?: boolean;
  competentLevel?: 'commune' | 'province';
}

/** A procedure whose documents are all optional, so a counter dossier may come without scans. */
export function procedure(o: ProcedureOptions) {
  return {
    code: o.code,
    name: { vi: `Thủ tục thử nghiệm ${o.code}`, en: `Test procedure ${o.code}` },
    field: 'Hộ tịch',
    summary: { vi: 'Thủ tục dùng trong kiểm thử thống kê.', en: 'A procedure for statistics tests.' },
    competentLevel: o.competentLevel ?? 'commune',
    onlineLevel: o.onlineLevel ?? 'full',
    days: o.days,
    documents: o.noDocuments
      ? []
      : [{ id: 'toKhai', name: { vi: 'Tờ khai', en: 'Form' }, form: 'original', count: 1, mandatory: false }],
    form: [],
    fees: o.fee
      ? [
          {
            id: 'lePhi',
            name: { vi: 'Lệ phí' },
            amount: o.fee,
            ...(o.onlineFee !== undefined ? { onlineAmount: o.onlineFee } : {}),
            per: 'dossier',
            dueAt: 'receipt',
          },
        ]
      : [],
    result: { name: { vi: 'Giấy xác nhận' }, ...(o.result === 'data' ? { kind: 'data' } : {}) },
    workflow: [
      { id: 'tiepNhan', name: { vi: 'Tiếp nhận' }, role: 'receptionist', share: 0.2 },
      { id: 'xuLy', name: { vi: 'Thẩm định' }, role: 'specialist', share: 0.6 },
      { id: 'pheDuyet', name: { vi: 'Phê duyệt' }, role: 'approver', share: 0.2 },
    ],
    legalBasis: [],
    verified: false,
  };
}

export interface Office {
  t: TestApp;
  /** Set the app's clock (Vietnam wall-clock time). */
  at(when: string): void;
  deps: DossierDeps;
  admin: Staff;
  desk: Staff;
  specialist: Staff;
  approver: Staff;
  handler: Staff;
  saveProcedures(list: ProcedureOptions[]): Promise<void>;
  /** A dossier filed at `when`: online by the applicant (channel 2), or by the desk (1, 3). */
  file(o: {
    procedure: string;
    channel: 1 | 2 | 3;
    when: string;
    /** A scanned file for the document `toKhai`, or for the document id given. */
    scan?: boolean | string;
    form?: Record<string, unknown>;
    unitCode?: string;
    receiveNow?: boolean;
  }): Promise<string>;
  /** One workflow action at `when` by the staff whose role takes it. */
  step(
    code: string,
    when: string,
    type: StepType,
    extra?: { note?: string; documents?: string[] },
  ): Promise<void>;
  /** Received (if not yet), assigned, submitted and approved at `when`. */
  decide(code: string, when: string): Promise<void>;
  /** The approver signs the electronic result (after approval). */
  sign(code: string, when: string): Promise<void>;
  /** Result ready and handed over. */
  giveBack(code: string, when: string): Promise<void>;
  /** The desk records every open fee paid. */
  pay(code: string, when: string, method: 'cash' | 'transfer'): Promise<void>;
  /** The applicant rates (after the return), through the SMS link. */
  rateIt(code: string, when: string, score: 1 | 2 | 3 | 4): Promise<void>;
  /** The applicant complains about the dossier (feedback naming it, from the dossier's phone). */
  complain(code: string, when: string): Promise<void>;
  close(): Promise<void>;
}

type StepType =
  | 'receive'
  | 'refuse'
  | 'request_supplement'
  | 'supplement_received'
  | 'withdraw'
  | 'stop'
  | 'assign';

let fileNo = 0;

export async function openOffice(start = '2026-01-05T08:00'): Promise<Office> {
  let now = vn(start);
  const t = await createTestApp({ clock: { now: () => now } });
  await ensureDefaultCategories(t.platform.database.db);
  const admin = await staffOf(t, 'st_admin', 'admin', PROVINCE);
  const desk = await staffOf(t, 'st_desk', 'receptionist', COMMUNE_A);
  const specialist = await staffOf(t, 'st_spec', 'specialist', COMMUNE_A);
  const approver = await staffOf(t, 'st_lead', 'approver', COMMUNE_A);
  const handler = await staffOf(t, 'st_fb', 'feedback_handler', COMMUNE_A);
  const deps = dossierDeps(t.platform);
  const citizen = ctxFor(t, { kind: 'anonymous' });
  const docs = documentsDeps(t.platform);
  const at = (when: string) => {
    now = vn(when);
  };
  const upload = async () =>
    t.platform.files.save(
      Readable.from([
        Buffer.from(
          `%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n% scan ${++fileNo}\ntrailer<</Root 1 0 R>>\n%%EOF\n`,
          'latin1',
        ),
      ]),
      { originalName: 'to-khai.pdf' },
    );
  const whoActs = (type: StepType) =>
    type === 'request_supplement' ? specialist : type === 'stop' ? approver : desk;
  const office: Office = {
    t,
    at,
    deps,
    admin,
    desk,
    specialist,
    approver,
    handler,
    async saveProcedures(list) {
      for (const o of list) await saveProcedure(admin.ctx, procedure(o));
    },
    async file(o) {
      at(o.when);
      const documentId = typeof o.scan === 'string' ? o.scan : 'toKhai';
      const files = o.scan ? [{ documentId, fileId: (await upload()).id }] : [];
      const input = {
        procedureCode: o.procedure,
        unitCode: o.unitCode ?? COMMUNE_A,
        applicant: APPLICANT,
        form: o.form ?? {},
        files,
      };
      const { dossier } =
        o.channel === 2
          ? await submitDossier(citizen, deps, input)
          : await submitDossier(desk.ctx, deps, {
              ...input,
              channel: o.channel,
              helpedPlaceCode: o.unitCode ?? COMMUNE_A,
              receiveNow: o.receiveNow ?? true,
            });
      return dossier.code;
    },
    async step(code, when, type, extra = {}) {
      at(when);
      if (type === 'withdraw') {
        await act(citizen, deps, code, { type: 'withdraw' }, { asApplicant: true });
        return;
      }
      if (type === 'supplement_received') {
        await act(
          citizen,
          deps,
          code,
          { type: 'supplement_received' },
          { asApplicant: true, files: [{ documentId: 'toKhai', fileId: (await upload()).id }] },
        );
        return;
      }
      if (type === 'assign') {
        await act(desk.ctx, deps, code, { type: 'assign', assigneeId: specialist.id });
        return;
      }
      const input =
        type === 'request_supplement'
          ? { type, documents: extra.documents ?? ['toKhai'], note: extra.note ?? 'Tờ khai bị mờ.' }
          : { type, ...(extra.note ? { note: extra.note } : {}) };
      await act(whoActs(type).ctx, deps, code, input as Parameters<typeof act>[3]);
    },
    async decide(code, when) {
      at(when);
      const d = await getDossierRecord(t.platform.database.db, { code });
      // Received, or in progress without the specialist (a fee paid at receipt moves it on unassigned).
      if (d.step === 'received' || d.step === 'in_progress')
        await act(desk.ctx, deps, code, { type: 'assign', assigneeId: specialist.id });
      await act(specialist.ctx, deps, code, { type: 'submit_for_approval' });
      await act(approver.ctx, deps, code, { type: 'approve' });
    },
    async sign(code, when) {
      at(when);
      await signResult(approver.ctx, docs, code);
    },
    async giveBack(code, when) {
      at(when);
      // A result signed here is ready when it is signed (decision 031); a paper one, when the desk says so.
      const d = await getDossierRecord(t.platform.database.db, { code });
      if (d.step === 'decided') await act(desk.ctx, deps, code, { type: 'result_ready' });
      await act(desk.ctx, deps, code, { type: 'result_returned' });
    },
    async pay(code, when, method) {
      at(when);
      const pd = paymentsDeps(t.platform);
      const d = await getDossierRecord(t.platform.database.db, { code });
      const dues = (await ensureDues(desk.ctx, pd, d)).filter((x) => x.status === 'due');
      await confirmPayment(desk.ctx, pd, code, { dueIds: dues.map((x) => x.id), method });
    },
    async rateIt(code, when, score) {
      at(when);
      await rate(citizen, docs, code, { token: linkToken(docs.linkSecret, 'dossier', code) }, { score });
    },
    async complain(code, when) {
      at(when);
      await createReport(
        citizen,
        {
          categoryCode: 'other',
          placeCode: COMMUNE_A,
          description: `Hồ sơ ${code} bị xử lý chậm, tôi không đồng ý với cách giải quyết.`,
          contactPhone: APPLICANT.phone,
          dossierCode: code,
        },
        { channel: 'web' },
      );
    },
    close: () => t.close(),
  };
  return office;
}
