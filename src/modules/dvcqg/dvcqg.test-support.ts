/**
 * Shared set-up for this module's tests: the mock national portal started in-process (the real
 * protocol, every field checked against docs/integrations/dvcqg.md), an app configured to reach it,
 * the dossiers module's test procedure mapped to a national code, and sync switched on in commune A.
 */
import assert from 'node:assert/strict';
import type { LightMyRequestResponse } from 'fastify';
import { saveProcedure } from '#modules/procedures/index.ts';
import type { Actor } from '#platform/auth/actor.ts';
import type { Clock } from '#platform/clock.ts';
import type { Ctx } from '#platform/context.ts';
import { COMMUNE_A, COMMUNE_B, createTestApp, PROVINCE, type TestApp } from '#test/support/app.ts';
import {
  type MockPortal,
  type MockPortalOptions,
  startMockPortal,
} from '../../../scripts/mock-dvcqg/portal.ts';
import { confirmMapping, setPlaceSync } from './dvcqg.service.ts';
import { type DeliveryDeps, deliveryDeps, drain } from './index.ts';

/** A procedure of the commune with a fee at receipt, so the fee list reaches the portal too. */
export const PROCEDURE = {
  code: '9.000001',
  name: { vi: 'Đăng ký khai sinh (thử nghiệm đồng bộ)', en: 'Birth registration (sync test)' },
  field: 'Hộ tịch',
  summary: { vi: 'Thủ tục dùng trong kiểm thử.', en: 'A procedure for tests.' },
  competentLevel: 'commune',
  onlineLevel: 'full',
  days: 3,
  documents: [
    { id: 'toKhai', name: { vi: 'Tờ khai đăng ký khai sinh' }, form: 'original', count: 1, mandatory: false },
    { id: 'giayChungSinh', name: { vi: 'Giấy chứng sinh' }, form: 'original', count: 1, mandatory: false },
  ],
  form: [{ name: 'hoTenTre', label: { vi: 'Họ tên trẻ' }, type: 'text', required: true }],
  fees: [{ id: 'banSao', name: { vi: 'Phí cấp bản sao trích lục' }, amount: 8000, dueAt: 'receipt' }],
  result: { name: { vi: 'Giấy khai sinh' } },
  workflow: [
    { id: 'tiepNhan', name: { vi: 'Tiếp nhận' }, role: 'receptionist', share: 0.2 },
    { id: 'xuLy', name: { vi: 'Thẩm định' }, role: 'specialist', share: 0.6 },
    { id: 'pheDuyet', name: { vi: 'Phê duyệt' }, role: 'approver', share: 0.2 },
  ],
  legalBasis: ['Luật Hộ tịch số 60/2014/QH13'],
  verified: false,
};

export const APPLICANT = {
  name: 'Hoàng Thị Mai',
  idNumber: '020190000123',
  phone: '0912345678',
  address: 'Thôn Khuổi Tào, xã Mẫu Sơn, Lạng Sơn',
};

/** A small but real PDF. */
export function pdfBytes(label = 'giay to'): Buffer {
  return Buffer.from(
    `%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n% ${label}\ntrailer<</Root 1 0 R>>\n%%EOF\n`,
    'latin1',
  );
}

/** A multipart/form-data body, encoded by the platform's own FormData. */
export async function multipart(
  parts: { name: string; value?: string; file?: { filename: string; data: Buffer } }[],
) {
  const fd = new FormData();
  for (const p of parts) {
    if (p.file) fd.append(p.name, new Blob([new Uint8Array(p.file.data)]), p.file.filename);
    else fd.append(p.name, p.value ?? '');
  }
  const res = new Response(fd);
  return {
    payload: Buffer.from(await res.arrayBuffer()),
    headers: { 'content-type': res.headers.get('content-type') ?? '' },
  };
}

/** File a dossier online through the API (anonymous applicant: channel 2). */
export async function submitOnline(t: TestApp, i = 0, unitCode = COMMUNE_A): Promise<string> {
  const body = await multipart([
    { name: 'procedureCode', value: PROCEDURE.code },
    { name: 'unitCode', value: unitCode },
    {
      name: 'applicant',
      value: JSON.stringify({ ...APPLICANT, phone: `091${String(2000000 + i).padStart(7, '0')}` }),
    },
    { name: 'form', value: JSON.stringify({ hoTenTre: `Hoàng Văn An ${i}` }) },
    { name: 'doc.toKhai', file: { filename: 'to-khai.pdf', data: pdfBytes(`to khai ${i}`) } },
  ]);
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/v1/dossiers',
    remoteAddress: `10.1.${(i >> 8) & 255}.${i & 255}`,
    headers: { ...body.headers, 'idempotency-key': `dvcqg-test-${i}-${unitCode}` },
    payload: body.payload,
  });
  assert.equal(res.statusCode, 201, res.body);
  return res.json().code;
}

export async function actApi(
  t: TestApp,
  token: string,
  code: string,
  body: Record<string, unknown>,
): Promise<LightMyRequestResponse> {
  const res = await t.app.inject({
    method: 'POST',
    url: `/api/v1/dossiers/${encodeURIComponent(code)}/actions`,
    headers: { authorization: `Bearer ${token}` },
    payload: body,
  });
  assert.equal(res.statusCode, 200, res.body);
  return res;
}

export const MADONVI = 'H15.50.05.13';
export const NATIONAL_CODE = '1.001193';

export interface SyncTest {
  t: TestApp;
  portal: MockPortal;
  ids: Record<'admin' | 'desk' | 'specialist' | 'approver' | 'adminA' | 'deskB', number>;
  admin: Ctx;
  deps: DeliveryDeps;
  /** Deliver until nothing is due. */
  drain(): ReturnType<typeof drain>;
  close(): Promise<void>;
}

export function ctxFor(t: TestApp, actor: Actor, clock: Clock): Ctx {
  return {
    db: t.platform.database.db,
    sql: t.platform.database,
    actor,
    meta: { ip: '127.0.0.1', userAgent: 'test' },
    clock,
    events: t.platform.events,
  };
}

export async function setupSync(
  clock: Clock,
  opts: {
    env?: Record<string, string>;
    syncOn?: boolean;
    map?: boolean;
    portal?: Pick<MockPortalOptions, 'onCall'>;
  } = {},
): Promise<SyncTest> {
  const portal = await startMockPortal({ port: 0, now: () => clock.now(), ...opts.portal });
  const t = await createTestApp({
    clock,
    env: {
      DVCQG_URL: portal.url,
      DVCQG_USERNAME: portal.credentials.username,
      DVCQG_PASSWORD: portal.credentials.password,
      DVCQG_TIMEOUT_MS: '2000',
      DVCQG_LEASE_SECONDS: '60',
      ...opts.env,
    },
  });
  const close = async () => {
    await t.close();
    await portal.close();
  };
  try {
    return await prepare(t, portal, clock, opts, close);
  } catch (e) {
    // A failed set-up must not leave the server and the database open: the run would never end.
    await close();
    throw e;
  }
}

async function prepare(
  t: TestApp,
  portal: MockPortal,
  clock: Clock,
  opts: { syncOn?: boolean; map?: boolean },
  close: () => Promise<void>,
): Promise<SyncTest> {
  const province = t.places.province;
  const adminId = await t.user('dv_admin', 'admin', PROVINCE);
  const admin = ctxFor(
    t,
    {
      kind: 'staff',
      userId: adminId,
      username: 'dv_admin',
      displayName: 'dv_admin',
      grants: [
        { role: 'admin', placeId: province.id, placePath: province.path, placeName: province.fullName },
      ],
    },
    clock,
  );
  await saveProcedure(admin, PROCEDURE);
  const ids = {
    admin: adminId,
    desk: await t.user('desk_a', 'receptionist', COMMUNE_A),
    specialist: await t.user('spec_a', 'specialist', COMMUNE_A),
    approver: await t.user('lead_a', 'approver', COMMUNE_A),
    adminA: await t.user('admin_a', 'admin', COMMUNE_A),
    deskB: await t.user('desk_b', 'receptionist', COMMUNE_B),
  };
  // Off, the commune still has its agency code: the catalogue calls of the mapping are sent as it.
  await setPlaceSync(admin, COMMUNE_A, {
    madonvi: MADONVI,
    ...(opts.syncOn === false ? {} : { enabled: 'on' }),
  });
  const deps = deliveryDeps(t.platform);
  if (opts.map !== false) await confirmMapping(admin, deps, '9.000001', { maTthc: NATIONAL_CODE });
  return {
    t,
    portal,
    ids,
    admin,
    deps,
    drain: () => drain(deps),
    close,
  };
}

/** yyyyMMddHHmmss in Vietnam, written independently of the module's own formatter. */
export function vnStamp(d: Date | null | undefined): string | undefined {
  if (!d) return undefined;
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone: 'Asia/Ho_Chi_Minh',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(d);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${get('year')}${get('month')}${get('day')}${get('hour')}${get('minute')}${get('second')}`;
}
