import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  createReport,
  ensureDefaultCategories,
  feedbackDeps,
  handleReport,
} from '#modules/feedback/index.ts';
import { ensureCatalogue } from '#modules/procedures/index.ts';
import { type Actor, anonymous } from '#platform/auth/actor.ts';
import { fixedClock } from '#platform/clock.ts';
import type { Ctx } from '#platform/context.ts';
import { COMMUNE_A, cookiesOf, createTestApp, type TestApp } from '#test/support/app.ts';

/**
 * The signed-in citizen's pages as a villager reads them (issue 14 item 8): dossiers named by what
 * they are and whom they are for, the status in words and the code last; the answers to their
 * feedback on their home page, as it promised.
 */

const PHONE = '0912777001';
const PDF = Buffer.from(
  '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n',
);

describe('a signed-in citizen’s home and dossiers', () => {
  let t: TestApp;
  let session = '';
  let code = '';
  const clock = fixedClock(new Date('2026-03-02T02:00:00Z'));

  before(async () => {
    t = await createTestApp({ clock });
    await ensureCatalogue(t.platform.database.db);
    await ensureDefaultCategories(t.platform.database.db);
    // A birth registration filed for a child, through the API.
    const form = new FormData();
    form.set('procedureCode', '1.001193');
    form.set('unitCode', COMMUNE_A);
    form.set(
      'applicant',
      JSON.stringify({
        name: 'Vi Thị Mẩy',
        idNumber: '020190001234',
        phone: PHONE,
        address: 'Bản Khuổi Tào, xã Mẫu Sơn',
      }),
    );
    form.set(
      'form',
      JSON.stringify({
        childName: 'Vi Văn Páo',
        childBirthDate: '2026-02-20',
        childSex: 'nam',
        childBirthPlace: 'Trạm y tế xã Mẫu Sơn',
        childEthnicity: 'Tày',
        childNationality: 'Việt Nam',
        motherName: 'Vi Thị Mẩy',
        requesterRelationship: 'me',
      }),
    );
    form.set('doc.birthCertificate', new Blob([new Uint8Array(PDF)], { type: 'application/pdf' }), 'gcs.pdf');
    const filed = await t.app.inject({ method: 'POST', url: '/api/v1/dossiers', payload: form });
    assert.equal(filed.statusCode, 201, filed.body);
    code = filed.json().code;

    // A report about a road, leaving the same phone, acknowledged and answered by the commune.
    const handlerId = await t.user('fb_a', 'feedback_handler', COMMUNE_A);
    const a = t.places.a;
    const actor: Actor = {
      kind: 'staff',
      userId: handlerId,
      username: 'fb_a',
      displayName: 'Lộc Văn Đáp',
      grants: [{ role: 'feedback_handler', placeId: a.id, placePath: a.path, placeName: a.fullName }],
    };
    const ctx: Ctx = {
      db: t.platform.database.db,
      sql: t.platform.database,
      actor,
      meta: { ip: '127.0.0.1', userAgent: 'test' },
      clock: t.platform.clock,
      events: t.platform.events,
    };
    const { report } = await createReport(
      { ...ctx, actor: anonymous },
      {
        categoryCode: 'roads',
        placeCode: COMMUNE_A,
        description: 'Đường lên bản Khuổi Tào sạt lở sau mưa, xe máy không qua được.',
        contactPhone: PHONE,
      },
      { channel: 'web' },
    );
    const deps = feedbackDeps(t.platform);
    await handleReport(ctx, deps, report.id, { type: 'acknowledge' });
    await handleReport(ctx, deps, report.id, {
      type: 'reply',
      body: 'Xã đã cử đội thanh niên dọn đất đá; đường thông xe từ chiều 03/03.',
    });

    // Signed in with the phone, as the citizen does it (the code from the SMS).
    const start = await t.formToken('/cong-dan/dang-nhap');
    await t.app.inject({
      method: 'POST',
      url: '/cong-dan/dang-nhap',
      headers: { cookie: start.cookie },
      payload: { _csrf: start.csrf, phone: PHONE },
    });
    const [otp] = await t.platform.database.query<{ body: string }>(
      "select body from notifications where recipient = $1 and template = 'identity.otp' order by id desc limit 1",
      [PHONE],
    );
    const v = await t.formToken(`/cong-dan/xac-thuc?phone=${PHONE}`);
    const signedIn = await t.app.inject({
      method: 'POST',
      url: '/cong-dan/xac-thuc',
      headers: { cookie: v.cookie },
      payload: { _csrf: v.csrf, phone: PHONE, code: /(\d{6})/.exec(otp?.body ?? '')?.[1] ?? '' },
    });
    assert.equal(signedIn.statusCode, 303);
    session = cookiesOf(signedIn, v.cookie);
  });
  after(() => t.close());

  /** The visible text of a card list, tags stripped and spaces joined. */
  const textOf = (html: string, id: string) =>
    (new RegExp(`<ul class="cards" id="${id}">([\\s\\S]*?)</ul>`).exec(html)?.[1] ?? '')
      .replace(/<[^>]+>/g, ' ')
      .replace(/\s+/g, ' ')
      .trim();

  it('when the citizen opens “Hồ sơ của tôi”, then each dossier says what it is, whom it is for and where it stands, the code last', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/cong-dan/ho-so', headers: { cookie: session } });
    assert.equal(res.statusCode, 200);
    const text = textOf(res.body, 'my-dossiers');
    assert.match(
      text,
      new RegExp(
        `^Đăng ký khai sinh Cho: Vi Văn Páo Mới nộp, chờ tiếp nhận Nộp ngày 09:00 02/03/2026 Mã hồ sơ: ${code.replace(/\./g, '\\.')}$`,
      ),
    );
    assert.match(
      res.body,
      new RegExp(
        `<a href="/cong-dan/ho-so/${encodeURIComponent(code).replace(/\./g, '\\.')}">Đăng ký khai sinh</a>`,
      ),
      'the procedure is the link, not the code',
    );
  });

  it('when the citizen opens their home, then it lists their dossiers and their feedback with the answer', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/cong-dan', headers: { cookie: session } });
    assert.equal(res.statusCode, 200);
    assert.match(res.body, /Bạn đã đăng nhập bằng số 0912777001/);
    assert.match(textOf(res.body, 'my-dossiers'), /^Đăng ký khai sinh Cho: Vi Văn Páo/);
    const reports = textOf(res.body, 'my-reports');
    assert.match(reports, /^Đường sá, cầu cống Đã trả lời/);
    assert.match(reports, /Đã trả lời/);
    assert.match(
      reports,
      /Trả lời của cơ quan: Xã đã cử đội thanh niên dọn đất đá; đường thông xe từ chiều 03\/03\./,
    );
    const href = /<ul class="cards" id="my-reports">[\s\S]*?<a href="(\/phan-anh\/theo-doi\/[^"]+)"/.exec(
      res.body,
    )?.[1];
    assert.ok(href, 'each report links to its private page');
    assert.equal((await t.app.inject({ method: 'GET', url: href })).statusCode, 200);
  });

  it('when another citizen signs in, then they see none of it', async () => {
    const phone = '0912777002';
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
    const res = await t.app.inject({
      method: 'GET',
      url: '/cong-dan',
      headers: { cookie: cookiesOf(signedIn, v.cookie) },
    });
    assert.doesNotMatch(res.body, /Vi Văn Páo|Khuổi Tào|theo-doi/);
    assert.match(res.body, /Bạn chưa có hồ sơ nào/);
    assert.match(res.body, /Bạn chưa gửi phản ánh, kiến nghị nào/);
  });
});
