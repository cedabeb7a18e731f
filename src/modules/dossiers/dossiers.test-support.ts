/**
 * Shared set-up for this module's tests: a procedure saved through the procedures module, staff of
 * every workflow role in commune A (and a desk in B), real PDF/PNG/JPEG bytes, multipart bodies.
 */
import assert from 'node:assert/strict';
import type { LightMyRequestResponse } from 'fastify';
import sharp from 'sharp';
import { saveProcedure } from '#modules/procedures/index.ts';
import type { Actor } from '#platform/auth/actor.ts';
import { COMMUNE_A, COMMUNE_B, cookiesOf, PROVINCE, type TestApp } from '#test/support/app.ts';

export const TEST_PROCEDURE = {
  code: '9.000001',
  name: { vi: 'Đăng ký thử nghiệm (hồ sơ mẫu)', en: 'Test registration' },
  field: 'Hộ tịch',
  summary: { vi: 'Thủ tục dùng trong kiểm thử.', en: 'A procedure for tests.' },
  competentLevel: 'commune',
  onlineLevel: 'full',
  days: 3,
  documents: [
    { id: 'toKhai', name: { vi: 'Tờ khai', en: 'Form' }, form: 'original', count: 1, mandatory: true },
    {
      id: 'giayChungSinh',
      name: { vi: 'Giấy chứng sinh', en: 'Birth notice' },
      form: 'original',
      count: 1,
      mandatory: true,
    },
    { id: 'giayKhac', name: { vi: 'Giấy tờ khác', en: 'Other' }, form: 'copy', count: 1, mandatory: false },
  ],
  form: [
    { name: 'hoTenTre', label: { vi: 'Họ tên trẻ', en: 'Child’s name' }, type: 'text', required: true },
    { name: 'ngaySinh', label: { vi: 'Ngày sinh', en: 'Date of birth' }, type: 'date', required: true },
    {
      name: 'gioiTinh',
      label: { vi: 'Giới tính', en: 'Sex' },
      type: 'select',
      required: true,
      options: [
        { value: 'nam', label: { vi: 'Nam' } },
        { value: 'nu', label: { vi: 'Nữ' } },
      ],
    },
  ],
  fees: [],
  result: { name: { vi: 'Giấy khai sinh' } },
  workflow: [
    { id: 'tiepNhan', name: { vi: 'Tiếp nhận' }, role: 'receptionist', share: 0.2 },
    { id: 'xuLy', name: { vi: 'Thẩm định' }, role: 'specialist', share: 0.6 },
    { id: 'pheDuyet', name: { vi: 'Phê duyệt' }, role: 'approver', share: 0.2 },
  ],
  legalBasis: [],
  verified: false,
};

export const APPLICANT = {
  name: 'Hoàng Thị Mai',
  idNumber: '020190000123',
  phone: '0912345678',
  address: 'Thôn Khuổi Tào, xã Mẫu Sơn, Lạng Sơn',
};
export const FORM = { hoTenTre: 'Hoàng Văn An', ngaySinh: '2026-02-20', gioiTinh: 'nam' };

/** Staff of every role at commune A, a desk at B, a community-team member at a village of A. */
export async function setupDossiers(t: TestApp) {
  const province = t.places.province;
  const admin = await t.user('dp_admin', 'admin', PROVINCE);
  const actor: Actor = {
    kind: 'staff',
    userId: admin,
    username: 'dp_admin',
    displayName: 'dp_admin',
    grants: [{ role: 'admin', placeId: province.id, placePath: province.path, placeName: province.fullName }],
  };
  const ctx = {
    db: t.platform.database.db,
    sql: t.platform.database,
    actor,
    meta: { ip: '127.0.0.1', userAgent: 'test' },
    clock: t.platform.clock,
    events: t.platform.events,
  };
  await saveProcedure(ctx, TEST_PROCEDURE);
  const ids = {
    desk: await t.user('desk_a', 'receptionist', COMMUNE_A),
    specialist: await t.user('spec_a', 'specialist', COMMUNE_A),
    specialist2: await t.user('spec_a2', 'specialist', COMMUNE_A),
    approver: await t.user('lead_a', 'approver', COMMUNE_A),
    adminA: await t.user('admin_a', 'admin', COMMUNE_A),
    deskB: await t.user('desk_b', 'receptionist', COMMUNE_B),
    specialistB: await t.user('spec_b', 'specialist', COMMUNE_B),
    approverB: await t.user('lead_b', 'approver', COMMUNE_B),
    provinceAdmin: admin,
  };
  return { ids, adminCtx: ctx };
}

/** A small but real PDF. */
export function pdfBytes(label = 'giay to'): Buffer {
  const body = `%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n% ${label}\ntrailer<</Root 1 0 R>>\n%%EOF\n`;
  return Buffer.from(body, 'latin1');
}

export async function pngBytes(): Promise<Buffer> {
  return sharp({ create: { width: 4, height: 4, channels: 3, background: '#c00' } })
    .png()
    .toBuffer();
}

export async function jpegBytes(): Promise<Buffer> {
  return sharp({ create: { width: 4, height: 4, channels: 3, background: '#0c0' } })
    .jpeg()
    .toBuffer();
}

export interface Part {
  name: string;
  value?: string;
  file?: { filename: string; data: Buffer; type?: string };
}

/** A multipart/form-data body, encoded by the platform's own FormData. */
export async function multipart(
  parts: Part[],
): Promise<{ payload: Buffer; headers: Record<string, string> }> {
  const fd = new FormData();
  for (const p of parts) {
    if (p.file) {
      fd.append(
        p.name,
        new Blob([new Uint8Array(p.file.data)], { type: p.file.type ?? 'application/octet-stream' }),
        p.file.filename,
      );
    } else fd.append(p.name, p.value ?? '');
  }
  const res = new Response(fd);
  return {
    payload: Buffer.from(await res.arrayBuffer()),
    headers: { 'content-type': res.headers.get('content-type') ?? '' },
  };
}

/** POST a multipart API submission. */
export async function apiSubmit(
  t: TestApp,
  opts: {
    key?: string;
    procedureCode?: string;
    unitCode?: string;
    applicant?: Record<string, unknown>;
    form?: Record<string, unknown>;
    files?: { doc: string; filename: string; data: Buffer }[];
    token?: string;
    extra?: Part[];
    ip?: string;
  } = {},
) {
  const files = opts.files ?? [
    { doc: 'toKhai', filename: 'to-khai.pdf', data: pdfBytes('to khai') },
    { doc: 'giayChungSinh', filename: 'chung-sinh.png', data: await pngBytes() },
  ];
  const body = await multipart([
    { name: 'procedureCode', value: opts.procedureCode ?? TEST_PROCEDURE.code },
    { name: 'unitCode', value: opts.unitCode ?? COMMUNE_A },
    { name: 'applicant', value: JSON.stringify(opts.applicant ?? APPLICANT) },
    { name: 'form', value: JSON.stringify(opts.form ?? FORM) },
    ...(opts.extra ?? []),
    ...files.map((f) => ({ name: `doc.${f.doc}`, file: { filename: f.filename, data: f.data } })),
  ]);
  return t.app.inject({
    method: 'POST',
    url: '/api/v1/dossiers',
    remoteAddress: opts.ip ?? '203.0.113.10',
    headers: {
      ...body.headers,
      ...(opts.key ? { 'idempotency-key': opts.key } : {}),
      ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}),
    },
    payload: body.payload,
  });
}

export async function actApi(
  t: TestApp,
  token: string,
  code: string,
  body: Record<string, unknown>,
): Promise<LightMyRequestResponse> {
  return t.app.inject({
    method: 'POST',
    url: `/api/v1/dossiers/${encodeURIComponent(code)}/actions`,
    headers: { authorization: `Bearer ${token}` },
    payload: body,
  });
}

export function created(res: LightMyRequestResponse): { code: string; status: string; statusCode: number } {
  assert.equal(res.statusCode, 201, res.body);
  return res.json();
}

/** The messages this module queued for a recipient (other modules may add their own, e.g. a rating invite). */
export async function outbox(t: TestApp, phone = APPLICANT.phone) {
  return t.platform.database.query<{ body: string; template: string; channel: string }>(
    "select body, template, channel from notifications where recipient = $1 and template like 'dossiers.%' order by id",
    [phone],
  );
}

/** A citizen signed in with a phone, as a browser does it (the code from the SMS outbox): the cookies. */
export async function citizenSession(t: TestApp, phone = APPLICANT.phone): Promise<string> {
  const start = await t.formToken('/cong-dan/dang-nhap');
  await t.app.inject({
    method: 'POST',
    url: '/cong-dan/dang-nhap',
    headers: { cookie: start.cookie },
    payload: { _csrf: start.csrf, phone },
  });
  const [otp] = await t.platform.database.query<{ body: string }>(
    "select body from notifications where recipient = $1 and template = 'identity.otp' order by id desc limit 1",
    [phone],
  );
  const v = await t.formToken(`/cong-dan/xac-thuc?phone=${phone}`);
  const signedIn = await t.app.inject({
    method: 'POST',
    url: '/cong-dan/xac-thuc',
    headers: { cookie: v.cookie },
    payload: { _csrf: v.csrf, phone, code: /(\d{6})/.exec(otp?.body ?? '')?.[1] ?? '' },
  });
  assert.equal(signedIn.statusCode, 303, signedIn.body);
  return cookiesOf(signedIn, v.cookie);
}
