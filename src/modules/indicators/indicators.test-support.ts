/**
 * Shared set-up for this module's tests: a procedure saved through the procedures module, staff of
 * both test communes, three hamlets, and dossiers filed and decided through the dossiers module's
 * own functions at chosen times (the platform's clock is moved), so the dossiers collector counts
 * what the one-stop shop really wrote.
 */
import { act, dossierDeps, submitDossier } from '#modules/dossiers/index.ts';
import { addVillageUnchecked, type Place } from '#modules/places/index.ts';
import { saveProcedure } from '#modules/procedures/index.ts';
import type { Clock } from '#platform/clock.ts';
import { COMMUNE_A, COMMUNE_B, PROVINCE, type TestApp } from '#test/support/app.ts';
import { type Staff, staffOf } from '#test/support/outputs.ts';
import { collectorEngine } from './index.ts';

export const PROCEDURE = {
  code: '9.000018',
  name: { vi: 'Xác nhận thử nghiệm (chỉ số)', en: 'Test confirmation (indicators)' },
  field: 'Chứng thực',
  summary: { vi: 'Thủ tục dùng trong kiểm thử chỉ số.', en: 'A procedure for indicator tests.' },
  competentLevel: 'commune',
  onlineLevel: 'full',
  days: 3,
  documents: [],
  form: [],
  fees: [],
  result: { name: { vi: 'Giấy xác nhận' } },
  workflow: [
    { id: 'tiepNhan', name: { vi: 'Tiếp nhận' }, role: 'receptionist', share: 0.2 },
    { id: 'xuLy', name: { vi: 'Thẩm định' }, role: 'specialist', share: 0.6 },
    { id: 'pheDuyet', name: { vi: 'Phê duyệt' }, role: 'approver', share: 0.2 },
  ],
  legalBasis: [],
  verified: false,
};

export type MovableClock = Clock & { set(d: Date): void };

export interface Tree {
  province: Staff;
  provinceApprover: Staff;
  desk: Record<'a' | 'b', Staff>;
  specialist: Record<'a' | 'b', Staff>;
  approver: Record<'a' | 'b', Staff>;
  villages: { a1: Place; a2: Place; b1: Place };
}

/** Two communes (A Mẫu Sơn, B Đồng Đăng), three hamlets (two in A, one in B), staff of each. */
export async function setupTree(t: TestApp, prefix = 'i'): Promise<Tree> {
  const province = await staffOf(t, `${prefix}_prov_admin`, 'admin', PROVINCE);
  await saveProcedure(province.ctx, PROCEDURE);
  const db = t.platform.database.db;
  const tree: Tree = {
    province,
    provinceApprover: await staffOf(t, `${prefix}_prov_lead`, 'approver', PROVINCE),
    desk: {
      a: await staffOf(t, `${prefix}_desk_a`, 'receptionist', COMMUNE_A),
      b: await staffOf(t, `${prefix}_desk_b`, 'receptionist', COMMUNE_B),
    },
    specialist: {
      a: await staffOf(t, `${prefix}_spec_a`, 'specialist', COMMUNE_A),
      b: await staffOf(t, `${prefix}_spec_b`, 'specialist', COMMUNE_B),
    },
    approver: {
      a: await staffOf(t, `${prefix}_lead_a`, 'approver', COMMUNE_A),
      b: await staffOf(t, `${prefix}_lead_b`, 'approver', COMMUNE_B),
    },
    villages: {
      a1: await addVillageUnchecked(db, t.places.a, { type: 'thôn', name: 'Khuổi Tào' }),
      a2: await addVillageUnchecked(db, t.places.a, { type: 'thôn', name: 'Pò Đứa' }),
      b1: await addVillageUnchecked(db, t.places.b, { type: 'bản', name: 'Nà Pàn' }),
    },
  };
  return tree;
}

const vn = (s: string) => new Date(`${s}:00+07:00`);

/** File a dossier at a commune's desk at a Vietnamese time ('2026-11-03T09:00'), received at once. */
export async function fileDossier(
  t: TestApp,
  clock: MovableClock,
  tree: Tree,
  c: 'a' | 'b',
  channel: 1 | 2 | 3,
  at: string,
): Promise<string> {
  clock.set(vn(at));
  const unit = c === 'a' ? COMMUNE_A : COMMUNE_B;
  const r = await submitDossier(tree.desk[c].ctx, dossierDeps(t.platform), {
    procedureCode: PROCEDURE.code,
    unitCode: unit,
    applicant: {
      name: 'Lý Thị Hoa',
      idNumber: '020190000456',
      phone: '0912000111',
      address: 'Thôn Khuổi Tào',
    },
    form: {},
    files: [],
    channel,
    helpedPlaceCode: unit,
    receiveNow: true,
  });
  return r.dossier.code;
}

/** Take a received dossier to its decision (approved) at a Vietnamese time. */
export async function decideDossier(
  t: TestApp,
  clock: MovableClock,
  tree: Tree,
  c: 'a' | 'b',
  code: string,
  at: string,
) {
  const deps = dossierDeps(t.platform);
  clock.set(new Date(vn(at).getTime() - 120_000));
  await act(tree.desk[c].ctx, deps, code, { type: 'assign', assigneeId: tree.specialist[c].id });
  clock.set(new Date(vn(at).getTime() - 60_000));
  await act(tree.specialist[c].ctx, deps, code, { type: 'submit_for_approval' });
  clock.set(vn(at));
  await act(tree.approver[c].ctx, deps, code, { type: 'approve' });
}

/** Wait until every change seen so far has reached the values. */
export async function collected(t: TestApp) {
  await collectorEngine(t.platform)?.settled();
}
