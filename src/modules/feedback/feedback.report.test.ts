import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import sharp from 'sharp';
import { addVillageUnchecked } from '#modules/places/index.ts';
import { COMMUNE_A, type TestApp } from '#test/support/app.ts';
import { PHOTO_MAX_PX } from './feedback.photos.ts';
import { feedbackTestApp, jpeg, png, reportRow, submitReport, tokenOf } from './feedback.test-support.ts';

const LANDSLIDE = 'Sạt lở taluy dương chắn nửa đường lên bản, xe máy không qua được từ sáng nay.';

describe('reporting from a phone without JavaScript', () => {
  let t: TestApp;
  let villageCode: string;
  before(async () => {
    t = await feedbackTestApp();
    const v = await addVillageUnchecked(t.platform.database.db, t.places.a, {
      type: 'thôn',
      name: 'Khuổi Tào',
    });
    villageCode = v.code;
    await t.user('clerk_a', 'receptionist', COMMUNE_A);
  });
  after(() => t.close());

  it('when a visitor picks the place in steps (province, then commune), then each step is a plain GET form and ends at the report form', async () => {
    const start = await t.app.inject({ method: 'GET', url: '/phan-anh/gui' });
    assert.equal(start.statusCode, 200);
    assert.match(start.body, /<form method="get" action="\/phan-anh\/gui">/);
    assert.match(start.body, /<option value="20">Tỉnh Lạng Sơn<\/option>/);
    assert.doesNotMatch(start.body, /<script/);

    const province = await t.app.inject({ method: 'GET', url: '/phan-anh/gui?tinh=20' });
    assert.match(province.body, /name="xa"/);
    assert.match(province.body, new RegExp(`<option value="${COMMUNE_A}">Xã Mẫu Sơn</option>`));

    const form = await t.app.inject({ method: 'GET', url: `/phan-anh/gui?tinh=20&xa=${COMMUNE_A}` });
    assert.match(form.body, /enctype="multipart\/form-data"/);
    assert.match(form.body, /Xã Mẫu Sơn, Tỉnh Lạng Sơn/);
    assert.match(form.body, /Thôn Khuổi Tào/, 'the villages of the commune are offered');
    assert.match(form.body, /Đường sá, cầu cống/);
    assert.match(form.body, /name="lat"/, 'GPS is offered');
    assert.doesNotMatch(
      form.body,
      /required[^>]*name="lat"|name="lat"[^>]*required/,
      'and is never required',
    );
  });

  it('when a visitor searches "khuoi tao" without diacritics, then the village is offered with its commune', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/phan-anh/gui?q=khuoi+tao' });
    assert.match(
      res.body,
      new RegExp(`href="/phan-anh/gui\\?xa=${COMMUNE_A}&amp;thon=${villageCode.replace('.', '\\.')}"`),
    );
    const form = await t.app.inject({
      method: 'GET',
      url: `/phan-anh/gui?xa=${COMMUNE_A}&thon=${villageCode}`,
    });
    assert.match(form.body, new RegExp(`<option value="${villageCode.replace('.', '\\.')}" selected`));
  });

  it('when a report is sent with a large phone photo, then it is routed, gets a code and a private link, and the photo is stored as an upright JPEG of at most 1280 px without EXIF', async () => {
    const photo = await jpeg(3000, 2000);
    const { res } = await submitReport(
      t,
      {
        category: 'roads',
        village: villageCode,
        description: LANDSLIDE,
        landmark: 'Gần cầu treo',
        phone: '0912 345 678',
      },
      [{ name: 'IMG_2041.jpg', data: photo }],
    );
    assert.equal(res.statusCode, 303, res.body.slice(0, 500));
    const token = tokenOf(res);
    assert.match(String(res.headers.location), /moi=1&anh=1$/);
    const row = await reportRow(t, token);
    assert.match(row.service_request_id, /^PA-\d{6}-0001$/);
    assert.equal(row.status, 'new');
    assert.equal(row.channel, 'web');
    assert.equal(row.contact_phone, '0912345678');
    assert.equal(row.handling_place_id, t.places.a.id, 'a roads report goes to the commune');
    assert.equal(row.handler_role, 'feedback_handler');
    assert.ok(
      (row.due_at as Date).getTime() > Date.now() + 10 * 86_400_000,
      '10 working days is more than 10 calendar days',
    );

    const [stored] = await t.platform.database.query<{ file_id: string; width: number; height: number }>(
      'select file_id, width, height from feedback_photos where report_id = $1',
      [row.id],
    );
    assert.ok(stored);
    assert.equal(stored.width, PHOTO_MAX_PX);
    assert.equal(stored.height, 853);
    const opened = await t.platform.files.open(stored.file_id);
    assert.ok(opened);
    assert.equal(opened.file.mimeType, 'image/jpeg');
    const chunks: Buffer[] = [];
    for await (const c of opened.stream) chunks.push(c as Buffer);
    const meta = await sharp(Buffer.concat(chunks)).metadata();
    assert.equal(meta.format, 'jpeg');
    assert.equal(meta.width, PHOTO_MAX_PX);
    assert.equal(meta.exif, undefined, 'the camera metadata is gone');

    const page = await t.app.inject({ method: 'GET', url: String(res.headers.location) });
    assert.equal(page.statusCode, 200);
    assert.match(page.body, new RegExp(`Mã của bạn là ${row.service_request_id}`));
    assert.match(page.body, /Đã nhận 1 ảnh/);
    assert.match(page.body, /…678/, 'the reporter sees where messages will go, masked');
    assert.doesNotMatch(page.body, /0912345678/);
    assert.equal(page.headers['referrer-policy'], 'no-referrer');
  });

  it('when a photo is not an image, then the report is still made, the page says which photo failed, and it can be sent again without retyping', async () => {
    const { res } = await submitReport(
      t,
      { category: 'water', description: 'Ống nước chính bị vỡ ở đầu thôn, nước chảy tràn.' },
      [
        { name: 'hoa-don.jpg', data: Buffer.from('%PDF-1.4 not a photo at all'), type: 'image/jpeg' },
        { name: 'ong-nuoc.png', data: await png(800, 600), type: 'image/png' },
      ],
    );
    assert.equal(res.statusCode, 303);
    const token = tokenOf(res);
    const confirmation = await t.app.inject({ method: 'GET', url: String(res.headers.location) });
    assert.match(confirmation.body, /Đã nhận 1 ảnh/);
    assert.match(confirmation.body, /1 ảnh chưa gửi được/);
    assert.match(confirmation.body, /“hoa-don\.jpg” không phải ảnh JPEG, PNG hay WebP/);
    assert.match(confirmation.body, new RegExp(`action="/phan-anh/theo-doi/${token}/anh"`));

    const csrf = /name="_csrf" value="([^"]+)"/.exec(confirmation.body)?.[1] ?? '';
    const cookie = confirmation.cookies.map((c) => `${c.name}=${c.value}`).join('; ');
    const again = new FormData();
    again.set('_csrf', csrf);
    again.append('photos', new Blob([new Uint8Array(await jpeg(640, 480))]), 'hoa-don-chup-lai.jpg');
    const sent = await t.app.inject({
      method: 'POST',
      url: `/phan-anh/theo-doi/${token}/anh`,
      headers: { cookie, accept: 'text/html' },
      payload: again,
    });
    assert.equal(sent.statusCode, 303, sent.body.slice(0, 300));
    assert.match(String(sent.headers.location), /anh=1/);
    const row = await reportRow(t, token);
    const [n] = await t.platform.database.query<{ n: number }>(
      'select count(*)::int as n from feedback_photos where report_id = $1',
      [row.id],
    );
    assert.equal(n?.n, 2);
  });

  it('when the same form is sent twice (a retry on a bad link), then there is one report, and a photo sent twice is kept once', async () => {
    const photo = await jpeg(900, 700);
    const first = await submitReport(
      t,
      { category: 'electricity', description: 'Cột điện nghiêng sắp đổ ở ngã ba.' },
      [{ name: 'cot-dien.jpg', data: photo }],
    );
    const second = await submitReport(
      t,
      { category: 'electricity', description: 'Cột điện nghiêng sắp đổ ở ngã ba.' },
      [{ name: 'cot-dien.jpg', data: photo }],
      { key: first.key, cookie: first.cookie },
    );
    assert.equal(tokenOf(second.res), tokenOf(first.res));
    const [reports] = await t.platform.database.query<{ n: number }>(
      "select count(*)::int as n from feedback_reports where description like 'Cột điện nghiêng%'",
    );
    assert.equal(reports?.n, 1);
    const row = await reportRow(t, tokenOf(first.res));
    const [photos] = await t.platform.database.query<{ n: number }>(
      'select count(*)::int as n from feedback_photos where report_id = $1',
      [row.id],
    );
    assert.equal(photos?.n, 1);
  });

  it('when the description is too short and the phone wrong, then the form comes back (400) with both errors in Vietnamese and the text kept', async () => {
    const { res } = await submitReport(
      t,
      { category: 'roads', description: 'Hỏng', landmark: 'Dốc Đá', phone: '12345' },
      [{ name: 'a.jpg', data: await jpeg(100, 100) }],
    );
    assert.equal(res.statusCode, 400);
    assert.match(res.body, /Vui lòng mô tả rõ hơn \(ít nhất 10 ký tự\)/);
    assert.match(res.body, /Số điện thoại di động không hợp lệ/);
    assert.match(res.body, /value="Dốc Đá"/);
    assert.match(res.body, /vui lòng chọn lại ảnh/);
  });

  it('when nobody leaves a contact, then the report is anonymous and still made', async () => {
    const { res } = await submitReport(t, {
      category: 'attitude',
      description: 'Cán bộ một cửa yêu cầu nộp thêm giấy không có trong danh mục.',
    });
    assert.equal(res.statusCode, 303);
    const row = await reportRow(t, tokenOf(res));
    assert.equal(row.contact_phone, null);
    assert.equal(row.contact_email, null);
    assert.equal(row.contact_name, null);
  });

  it('when a receptionist takes a report at the counter, then it is marked as such, records who took it, and is audited', async () => {
    const cookie = await t.signIn('clerk_a');
    const form = await t.app.inject({
      method: 'GET',
      url: `/phan-anh/gui?xa=${COMMUNE_A}`,
      headers: { cookie },
    });
    assert.match(form.body, /nhận phản ánh tại quầy thay cho người dân/);
    const { res } = await submitReport(
      t,
      {
        category: 'land',
        description: 'Hộ bên cạnh lấn sang đất vườn khoảng 2 mét.',
        name: 'Hoàng Văn Pả',
        phone: '0978123456',
      },
      [],
      { cookie },
    );
    assert.equal(res.statusCode, 303);
    const row = await reportRow(t, tokenOf(res));
    assert.equal(row.channel, 'counter');
    assert.ok(row.filed_by_user_id);
    const audit = await t.platform.database.query<{ actor_label: string }>(
      "select actor_label from audit_log where action = 'feedback.counter'",
    );
    assert.deepEqual(audit, [{ actor_label: 'clerk_a' }]);
  });

  it('when the form is posted without its CSRF token, then it is refused', async () => {
    const body = new FormData();
    body.set('category', 'roads');
    body.set('commune', COMMUNE_A);
    body.set('description', LANDSLIDE);
    const res = await t.app.inject({
      method: 'POST',
      url: '/phan-anh/gui',
      headers: { accept: 'text/html' },
      payload: body,
    });
    assert.equal(res.statusCode, 403);
  });

  it('when the private link is wrong, then 404', async () => {
    const res = await t.app.inject({
      method: 'GET',
      url: '/phan-anh/theo-doi/AAAAAAAAAAAAAAAAAAAAAA',
      headers: { accept: 'text/html' },
    });
    assert.equal(res.statusCode, 404);
  });
});
