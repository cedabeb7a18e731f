import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { COMMUNE_A, COMMUNE_B, PROVINCE, type TestApp } from '#test/support/app.ts';
import { feedbackTestApp, jpeg, reportRow, submitReport, tokenOf } from './feedback.test-support.ts';

describe('who may see and handle which feedback', () => {
  let t: TestApp;
  let reportA: { id: number; code: string; token: string };
  let reportB: { id: number; code: string; token: string };
  let photoB: number;
  before(async () => {
    t = await feedbackTestApp();
    await t.user('handler_a', 'feedback_handler', COMMUNE_A);
    await t.user('handler_b', 'feedback_handler', COMMUNE_B);
    await t.user('handler_province', 'feedback_handler', PROVINCE);
    await t.user('specialist_a', 'specialist', COMMUNE_A);
    await t.user('admin_a', 'admin', COMMUNE_A);
    await t.user('admin_province', 'admin', PROVINCE);
    const a = await submitReport(t, {
      commune: COMMUNE_A,
      category: 'roads',
      description: 'Ổ gà lớn giữa đường liên thôn.',
    });
    const b = await submitReport(
      t,
      { commune: COMMUNE_B, category: 'water', description: 'Vòi nước công cộng ở chợ bị hỏng.' },
      [{ name: 'voi.jpg', data: await jpeg(300, 200) }],
    );
    const ra = await reportRow(t, tokenOf(a.res));
    const rb = await reportRow(t, tokenOf(b.res));
    reportA = { id: ra.id, code: ra.service_request_id, token: tokenOf(a.res) };
    reportB = { id: rb.id, code: rb.service_request_id, token: tokenOf(b.res) };
    const [p] = await t.platform.database.query<{ id: number }>(
      'select id from feedback_photos where report_id = $1',
      [rb.id],
    );
    photoB = p?.id ?? 0;
  });
  after(() => t.close());

  async function post(cookie: string, url: string, payload: Record<string, string>) {
    const { csrf, cookie: c } = await t.formToken(`/phan-anh/gui?xa=${COMMUNE_A}`, cookie);
    return t.app.inject({
      method: 'POST',
      url,
      headers: { cookie: c, accept: 'text/html' },
      payload: { _csrf: csrf, ...payload },
    });
  }

  it("when the handler of commune A opens the queue, then A's report is there and B's is not", async () => {
    const cookie = await t.signIn('handler_a');
    const res = await t.app.inject({ method: 'GET', url: '/quan-tri/phan-anh?loc=all', headers: { cookie } });
    assert.equal(res.statusCode, 200);
    assert.match(res.body, new RegExp(reportA.code));
    assert.doesNotMatch(res.body, new RegExp(reportB.code));
  });

  it("when the handler of A opens, acts on, or fetches a photo of B's report, then 404 each time and nothing changes", async () => {
    const cookie = await t.signIn('handler_a');
    const page = await t.app.inject({
      method: 'GET',
      url: `/quan-tri/phan-anh/${reportB.id}`,
      headers: { cookie, accept: 'text/html' },
    });
    assert.equal(page.statusCode, 404);
    for (const [action, payload] of [
      ['tiep-nhan', {}],
      ['ghi-chu', { note: 'xem trộm' }],
      ['gop', { into: reportA.code }],
    ] as const) {
      const res = await post(cookie, `/quan-tri/phan-anh/${reportB.id}/${action}`, payload);
      assert.equal(res.statusCode, 404, `${action} answered ${res.statusCode}`);
    }
    const photo = await t.app.inject({ method: 'GET', url: `/phan-anh/anh/${photoB}`, headers: { cookie } });
    assert.equal(photo.statusCode, 404);
    const [n] = await t.platform.database.query<{ n: number }>(
      'select count(*)::int as n from feedback_actions where report_id = $1',
      [reportB.id],
    );
    assert.equal(n?.n, 1);
  });

  it("when the handler of A tries to merge A's report into B's, then it is refused: B is outside their scope", async () => {
    const cookie = await t.signIn('handler_a');
    const res = await post(cookie, `/quan-tri/phan-anh/${reportA.id}/gop`, { into: reportB.code });
    assert.equal(res.statusCode, 400);
    assert.match(res.body, /Không tìm thấy phản ánh đó trong phạm vi của bạn/);
  });

  it('when the handler of the province opens the queue, then both communes are there and they may act on both', async () => {
    const cookie = await t.signIn('handler_province');
    const res = await t.app.inject({ method: 'GET', url: '/quan-tri/phan-anh?loc=all', headers: { cookie } });
    assert.match(res.body, new RegExp(reportA.code));
    assert.match(res.body, new RegExp(reportB.code));
    const ack = await post(cookie, `/quan-tri/phan-anh/${reportB.id}/tiep-nhan`, {});
    assert.equal(ack.statusCode, 303);
  });

  it('when a specialist without the feedback role opens the queue or acts, then 403 and 404', async () => {
    const cookie = await t.signIn('specialist_a');
    const res = await t.app.inject({
      method: 'GET',
      url: '/quan-tri/phan-anh',
      headers: { cookie, accept: 'text/html' },
    });
    assert.equal(res.statusCode, 403);
    const act = await post(cookie, `/quan-tri/phan-anh/${reportA.id}/tiep-nhan`, {});
    assert.equal(act.statusCode, 404);
  });

  it('when nobody is signed in, then the staff pages send to sign-in and the actions are refused', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/quan-tri/phan-anh' });
    assert.equal(res.statusCode, 303);
    assert.match(String(res.headers.location), /^\/dang-nhap/);
    const act = await post('', `/quan-tri/phan-anh/${reportA.id}/tiep-nhan`, {});
    assert.equal(act.statusCode, 401);
  });

  it("when someone holds another report's private link, then it does not open this one's photos", async () => {
    const res = await t.app.inject({ method: 'GET', url: `/phan-anh/anh/${photoB}?t=${reportA.token}` });
    assert.equal(res.statusCode, 404);
    const own = await t.app.inject({ method: 'GET', url: `/phan-anh/anh/${photoB}?t=${reportB.token}` });
    assert.equal(own.statusCode, 200);
    assert.equal(own.headers['content-type'], 'image/jpeg');
    assert.equal(own.headers['cache-control'], 'private, no-store');
  });

  it('when a commune admin edits a category, then 403; a province admin may', async () => {
    const fields = {
      code: 'roads',
      nameVi: 'Đường, cầu, cống',
      handlerRole: 'feedback_handler',
      handlerLevel: 'commune',
      deadlineDays: '7',
      active: 'on',
    };
    const commune = await post(await t.signIn('admin_a'), '/quan-tri/phan-anh/cai-dat/linh-vuc', fields);
    assert.equal(commune.statusCode, 403);
    const province = await post(
      await t.signIn('admin_province'),
      '/quan-tri/phan-anh/cai-dat/linh-vuc',
      fields,
    );
    assert.equal(province.statusCode, 303);
    const [row] = await t.platform.database.query<{ name_vi: string; deadline_days: number }>(
      "select name_vi, deadline_days from feedback_categories where code = 'roads'",
    );
    assert.deepEqual(row, { name_vi: 'Đường, cầu, cống', deadline_days: 7 });
  });

  it('when the admin of A makes an Open311 key for B, then 403; for A it is shown once and stored only as a hash', async () => {
    const cookie = await t.signIn('admin_a');
    const denied = await post(cookie, '/quan-tri/phan-anh/cai-dat/khoa-api', {
      name: 'Ứng dụng X',
      placeCode: COMMUNE_B,
    });
    assert.equal(denied.statusCode, 403);
    const ok = await post(cookie, '/quan-tri/phan-anh/cai-dat/khoa-api', {
      name: 'Zalo mini-app Mẫu Sơn',
      placeCode: COMMUNE_A,
    });
    assert.equal(ok.statusCode, 201);
    const key = /<code>(xs311_[A-Za-z0-9_-]+)<\/code>/.exec(ok.body)?.[1];
    assert.ok(key, 'the key is on the page');
    const stored = await t.platform.database.query<{ key_hash: string; key_prefix: string }>(
      'select key_hash, key_prefix from feedback_api_keys',
    );
    assert.equal(stored.length, 1);
    assert.notEqual(stored[0]?.key_hash, key);
    assert.ok(!JSON.stringify(stored).includes(key));
    const again = await t.app.inject({
      method: 'GET',
      url: '/quan-tri/phan-anh/cai-dat',
      headers: { cookie },
    });
    assert.doesNotMatch(again.body, new RegExp(key), 'never shown again');
  });

  it('when the admin of A adds an escalation address for B, then 403', async () => {
    const res = await post(await t.signIn('admin_a'), '/quan-tri/phan-anh/cai-dat/lien-he', {
      placeCode: COMMUNE_B,
      channel: 'email',
      recipient: 'pakn@dongdang.gov.vn',
    });
    assert.equal(res.statusCode, 403);
  });

  it("when the handler of A uses the JSON API, then B's report is absent from the list, 404 to read and to act on; A's can be acknowledged", async () => {
    const token = await t.token('handler_a');
    const auth = { authorization: `Bearer ${token}` };
    const list = await t.app.inject({ method: 'GET', url: '/api/v1/feedback', headers: auth });
    assert.equal(list.statusCode, 200, list.body);
    const codes = list.json().items.map((r: { code: string }) => r.code);
    assert.ok(codes.includes(reportA.code));
    assert.ok(!codes.includes(reportB.code));
    assert.equal(
      (await t.app.inject({ method: 'GET', url: `/api/v1/feedback/${reportB.id}`, headers: auth }))
        .statusCode,
      404,
    );
    const act = await t.app.inject({
      method: 'POST',
      url: `/api/v1/feedback/${reportB.id}/actions`,
      headers: auth,
      payload: { kind: 'note', body: 'không được' },
    });
    assert.equal(act.statusCode, 404);
    assert.equal(act.headers['content-type'], 'application/problem+json; charset=utf-8');
    const own = await t.app.inject({ method: 'GET', url: `/api/v1/feedback/${reportA.id}`, headers: auth });
    assert.equal(own.statusCode, 200);
    assert.ok(own.json().actions.includes('acknowledge'));
    const ack = await t.app.inject({
      method: 'POST',
      url: `/api/v1/feedback/${reportA.id}/actions`,
      headers: auth,
      payload: { kind: 'acknowledge' },
    });
    assert.equal(ack.statusCode, 200, ack.body);
    assert.equal(ack.json().status, 'acknowledged');
    const wrong = await t.app.inject({
      method: 'POST',
      url: `/api/v1/feedback/${reportA.id}/actions`,
      headers: auth,
      payload: { kind: 'publish' },
    });
    assert.equal(wrong.statusCode, 409, 'nothing to publish before an answer');
    const anonymous = await t.app.inject({ method: 'GET', url: '/api/v1/feedback' });
    assert.equal(anonymous.statusCode, 401);
    const spec = await t.app.inject({ method: 'GET', url: '/api/openapi.json' });
    assert.ok(spec.json().paths['/api/v1/feedback/{id}/actions'], 'the API is documented');
  });
});
