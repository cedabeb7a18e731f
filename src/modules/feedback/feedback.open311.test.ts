import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { XMLParser } from 'fast-xml-parser';
import { fixedClock } from '#platform/clock.ts';
import { COMMUNE_A, COMMUNE_B, PROVINCE, type TestApp } from '#test/support/app.ts';
import { issueApiKey } from './feedback.settings.ts';
import { feedbackTestApp } from './feedback.test-support.ts';

/** The fields of a service request in GeoReport v2, exactly. */
const REQUEST_FIELDS = [
  'address',
  'address_id',
  'agency_responsible',
  'description',
  'expected_datetime',
  'lat',
  'long',
  'media_url',
  'requested_datetime',
  'service_code',
  'service_name',
  'service_notice',
  'service_request_id',
  'status',
  'status_notes',
  'updated_datetime',
  'zipcode',
];
const SERVICE_FIELDS = [
  'description',
  'group',
  'keywords',
  'metadata',
  'service_code',
  'service_name',
  'type',
];

const clock = fixedClock(new Date('2026-09-01T03:00:00Z'));

describe('Open311 GeoReport v2 over plain HTTP', () => {
  let t: TestApp;
  let base: string;
  let key: string;
  let provinceKey: string;
  before(async () => {
    t = await feedbackTestApp({ clock });
    const db = t.platform.database.db;
    key = (
      await issueApiKey(db, {
        name: 'Ứng dụng thôn',
        place: t.places.a,
        requestsPerMinute: 1000,
        createdBy: null,
      })
    ).key;
    provinceKey = (
      await issueApiKey(db, {
        name: 'Cổng tỉnh',
        place: t.places.province,
        requestsPerMinute: 1000,
        createdBy: null,
      })
    ).key;
    await t.user('handler_a', 'feedback_handler', COMMUNE_A);
    await t.app.listen({ host: '127.0.0.1', port: 0 });
    base = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}/open311/v2`;
  });
  after(() => t.close());

  async function post(fields: Record<string, string>, headers: Record<string, string> = {}) {
    const res = await fetch(`${base}/requests.json`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body: new URLSearchParams(fields),
    });
    return { res, body: await res.json() };
  }

  async function get(path: string) {
    const res = await fetch(`${base}/${path}`);
    return { res, body: await res.json() };
  }

  function assertError(r: { res: Response; body: unknown }, status: number, pattern?: RegExp) {
    assert.equal(r.res.status, status, JSON.stringify(r.body));
    assert.ok(Array.isArray(r.body), 'errors are a list');
    const [e] = r.body as { code: number; description: string }[];
    assert.deepEqual(Object.keys(e ?? {}).sort(), ['code', 'description']);
    assert.equal(e?.code, status);
    if (pattern) assert.match(e?.description ?? '', pattern);
  }

  it('when a client lists the services, then each category is a service with exactly the GeoReport v2 fields', async () => {
    const { res, body } = await get('services.json');
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
    assert.equal(body.length, 8);
    for (const s of body) assert.deepEqual(Object.keys(s).sort(), SERVICE_FIELDS);
    const roads = body.find((s: { service_code: string }) => s.service_code === 'roads');
    assert.equal(roads.service_name, 'Đường sá, cầu cống');
    assert.equal(roads.metadata, false);
    assert.equal(roads.type, 'realtime');
    const en = await get('services.json?lang=en');
    assert.equal(
      en.body.find((s: { service_code: string }) => s.service_code === 'roads').service_name,
      'Roads and bridges',
    );
  });

  it('when a client asks for one service definition, then it has its code and no attributes; an unknown code is a 404 in the error format', async () => {
    const { res, body } = await get('services/water.json');
    assert.equal(res.status, 200);
    assert.deepEqual(body, { service_code: 'water', attributes: [] });
    assertError(await get('services/volcano.json'), 404);
    assertError(await get('no-such-thing.json'), 404);
  });

  it('when a request is posted without a valid api_key, then 403 in the error format', async () => {
    const fields = {
      service_code: 'roads',
      jurisdiction_id: COMMUNE_A,
      address_string: 'Dốc Đá',
      description: 'Đường sụt lún nặng.',
    };
    assertError(await post(fields), 403, /api_key/);
    assertError(await post({ ...fields, api_key: 'xs311_not-a-real-key' }), 403, /api_key/);
  });

  it('when a posted request is incomplete, then 400 naming the field', async () => {
    const ok = {
      api_key: key,
      service_code: 'roads',
      lat: '21.85',
      long: '106.95',
      description: 'Cầu tràn bị nước cuốn trôi một đoạn.',
    };
    const { service_code: _s, ...noService } = ok;
    assertError(await post(noService), 400, /service_code/);
    assertError(await post({ ...ok, service_code: 'volcano' }), 400, /service_code/);
    const { lat: _a, long: _b, ...noPlace } = ok;
    assertError(await post(noPlace), 400, /lat và long, address_string hoặc address_id/);
    const { long: _c, ...latOnly } = ok;
    assertError(await post(latOnly), 400, /lat/);
    const { description: _d, ...noText } = ok;
    assertError(await post(noText), 400, /description/);
    assertError(await post({ ...ok, lat: '123' }), 400, /lat/);
    assertError(await post({ ...ok, phone: 'abc' }), 400, /phone/);
  });

  let first: { id: string; token: string };

  it('when a request is posted, then 201 with service_request_id and token; GET by id and by token find it with every GeoReport field', async () => {
    const posted = await post({
      api_key: key,
      service_code: 'roads',
      lat: '21.853712',
      long: '106.947541',
      address_string: 'Dốc Khau Slôi, gần trạm biến áp',
      description: 'Sạt lở taluy, đất đá lấp nửa mặt đường.',
      first_name: 'Thị Hoa',
      last_name: 'Nông',
      phone: '+84 912 345 678',
      email: 'hoa.nong@example.vn',
      media_url: 'https://example.org/anh/sat-lo.jpg',
    });
    assert.equal(posted.res.status, 201, JSON.stringify(posted.body));
    assert.equal(posted.body.length, 1);
    const r = posted.body[0];
    assert.deepEqual(Object.keys(r).sort(), ['account_id', 'service_notice', 'service_request_id', 'token']);
    assert.match(r.service_request_id, /^PA-260901-\d{4}$/);
    assert.match(r.service_notice, /Hạn trả lời: \d{2}\/\d{2}\/2026/);
    first = { id: r.service_request_id, token: r.token };

    const byId = await get(`requests/${first.id}.json`);
    assert.equal(byId.res.status, 200);
    assert.equal(byId.body.length, 1);
    const got = byId.body[0];
    assert.deepEqual(Object.keys(got).sort(), REQUEST_FIELDS);
    assert.equal(got.service_request_id, first.id);
    assert.equal(got.status, 'open');
    assert.equal(got.status_notes, 'Mới gửi, chờ tiếp nhận');
    assert.equal(got.service_code, 'roads');
    assert.equal(got.service_name, 'Đường sá, cầu cống');
    assert.equal(got.agency_responsible, 'UBND Xã Mẫu Sơn');
    assert.equal(got.address_id, COMMUNE_A);
    assert.equal(got.requested_datetime, '2026-09-01T10:00:00+07:00');
    assert.match(got.expected_datetime, /^2026-09-\d{2}T17:00:00\+07:00$/);
    // Unpublished: what the person wrote stays in until a handler publishes it.
    assert.equal(got.description, null);
    assert.equal(got.lat, null);
    assert.equal(got.media_url, null);
    assert.equal(got.address, 'Xã Mẫu Sơn');

    const byToken = await get(`tokens/${first.token}.json`);
    assert.equal(byToken.res.status, 200);
    assert.deepEqual(byToken.body, [{ service_request_id: first.id, token: first.token }]);
    assertError(await get('requests/PA-000000-9999.json'), 404);
    assertError(await get('tokens/AAAAAAAAAAAAAAAAAAAAAA.json'), 404);
  });

  it('when a handler answers and publishes, then Open311 shows the text, the place, the answer in status_notes, and closed once closed', async () => {
    const cookie = await t.signIn('handler_a');
    const [{ id } = { id: 0 }] = await t.platform.database.query<{ id: number }>(
      'select id from feedback_reports where service_request_id = $1',
      [first.id],
    );
    for (const [action, payload] of [
      ['tiep-nhan', {}],
      ['tra-loi', { reply: 'Đã huy động máy xúc dọn đất đá.' }],
      ['cong-khai', {}],
      ['dong', {}],
    ] as const) {
      const { csrf, cookie: c } = await t.formToken(`/quan-tri/phan-anh/${id}`, cookie);
      const res = await t.app.inject({
        method: 'POST',
        url: `/quan-tri/phan-anh/${id}/${action}`,
        headers: { cookie: c },
        payload: { _csrf: csrf, ...payload },
      });
      assert.equal(res.statusCode, 303, `${action}: ${res.statusCode}`);
    }
    const { body } = await get(`requests/${first.id}.json`);
    const r = body[0];
    assert.equal(r.status, 'closed');
    assert.equal(r.status_notes, 'Đã đóng. Trả lời: Đã huy động máy xúc dọn đất đá.');
    assert.equal(r.description, 'Sạt lở taluy, đất đá lấp nửa mặt đường.');
    assert.equal(r.address, 'Dốc Khau Slôi, gần trạm biến áp, Xã Mẫu Sơn');
    assert.equal(r.lat, 21.853712);
    assert.equal(r.long, 106.947541);
    const en = await get(`requests/${first.id}.json?lang=en`);
    assert.equal(en.body[0].status_notes, 'Closed. Answer: Đã huy động máy xúc dọn đất đá.');
  });

  it('when the list is filtered by id, service, status, dates and jurisdiction, then each filter narrows it; a window over 90 days is a 400', async () => {
    clock.set(new Date('2026-11-20T03:00:00Z'));
    const later = await post({
      api_key: provinceKey,
      jurisdiction_id: COMMUNE_B,
      service_code: 'water',
      address_string: 'Chợ Đồng Đăng',
      description: 'Vòi nước chợ hỏng, nước chảy cả đêm.',
    });
    assert.equal(later.res.status, 201);
    const b = later.body[0].service_request_id as string;
    clock.set(new Date('2026-11-22T03:00:00Z'));
    const ids = (body: { service_request_id: string }[]) => body.map((r) => r.service_request_id).sort();

    assert.deepEqual(
      ids((await get('requests.json')).body),
      [first.id, b].sort(),
      'the last 90 days by default',
    );
    assert.deepEqual(ids((await get(`requests.json?service_request_id=${b}`)).body), [b]);
    assert.deepEqual(
      ids((await get(`requests.json?service_request_id=${first.id},${b}`)).body),
      [first.id, b].sort(),
    );
    assert.deepEqual(ids((await get('requests.json?service_code=water')).body), [b]);
    assert.deepEqual(ids((await get('requests.json?service_code=roads,water')).body), [first.id, b].sort());
    assert.deepEqual(ids((await get('requests.json?status=closed')).body), [first.id]);
    assert.deepEqual(ids((await get('requests.json?status=open')).body), [b]);
    assert.deepEqual(ids((await get('requests.json?status=open,closed')).body), [first.id, b].sort());
    assert.deepEqual(
      ids((await get('requests.json?start_date=2026-11-01T00:00:00%2B07:00&end_date=2026-11-30')).body),
      [b],
    );
    assert.deepEqual(ids((await get('requests.json?start_date=2026-08-31&end_date=2026-09-02')).body), [
      first.id,
    ]);
    assert.deepEqual(ids((await get(`requests.json?jurisdiction_id=${COMMUNE_B}`)).body), [b]);
    assert.deepEqual(
      ids((await get(`requests.json?jurisdiction_id=${PROVINCE}`)).body),
      [first.id, b].sort(),
    );
    assertError(await get('requests.json?start_date=2026-01-01&end_date=2026-11-30'), 400, /90/);
    assertError(await get('requests.json?start_date=2026-11-30&end_date=2026-11-01'), 400, /start_date/);
    assertError(await get('requests.json?start_date=not-a-date'), 400, /start_date/);
    assertError(await get('requests.json?status=pending'), 400, /status/);
    assertError(await get('requests.json?jurisdiction_id=99999'), 400, /jurisdiction_id/);
  });

  it('when a key bound to commune A posts for commune B, then 403; without jurisdiction_id it posts for A', async () => {
    const fields = {
      api_key: key,
      service_code: 'other',
      address_string: 'Bản Nà Pàn',
      description: 'Nhà văn hóa bản dột nát.',
    };
    assertError(await post({ ...fields, jurisdiction_id: COMMUNE_B }), 403);
    const ok = await post(fields);
    assert.equal(ok.res.status, 201);
    const { body } = await get(`requests/${ok.body[0].service_request_id}.json`);
    assert.equal(body[0].address_id, COMMUNE_A);
  });

  it('when the same Idempotency-Key is posted twice, then one request is made and the second answer is 200 with the same id', async () => {
    const fields = {
      api_key: key,
      service_code: 'environment',
      address_string: 'Suối Khuổi Tào',
      description: 'Cá chết nổi trắng suối.',
    };
    const one = await post(fields, { 'idempotency-key': 'app-1234' });
    const two = await post(fields, { 'idempotency-key': 'app-1234' });
    assert.equal(one.res.status, 201);
    assert.equal(two.res.status, 200);
    assert.equal(two.body[0].service_request_id, one.body[0].service_request_id);
  });

  it('when a key goes over its requests per minute, then 429 with Retry-After', async () => {
    const slow = (
      await issueApiKey(t.platform.database.db, {
        name: 'Chậm',
        place: t.places.a,
        requestsPerMinute: 2,
        createdBy: null,
      })
    ).key;
    const fields = {
      api_key: slow,
      service_code: 'other',
      address_string: 'Trụ sở xã',
      description: 'Thử giới hạn số yêu cầu.',
    };
    assert.equal((await post(fields)).res.status, 201);
    assert.equal((await post(fields)).res.status, 201);
    const third = await post(fields);
    assertError(third, 429);
    assert.ok(Number(third.res.headers.get('retry-after')) > 0);
  });

  it('when a client asks for XML, then the same data comes as GeoReport XML, errors too', async () => {
    const res = await fetch(`${base}/requests/${first.id}.xml`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/xml/);
    const doc = new XMLParser().parse(await res.text());
    assert.equal(doc.service_requests.request.service_request_id, first.id);
    assert.equal(doc.service_requests.request.status, 'closed');
    const services = new XMLParser().parse(await (await fetch(`${base}/services.xml`)).text());
    assert.equal(services.services.service.length, 8);
    const bad = await fetch(`${base}/services/volcano.xml`);
    assert.equal(bad.status, 404);
    const err = new XMLParser().parse(await bad.text());
    assert.equal(err.errors.error.code, 404);
    const posted = await fetch(`${base}/requests.xml`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        api_key: key,
        service_code: 'water',
        address_string: 'Giếng chung',
        description: 'Giếng chung cạn nước.',
      }),
    });
    assert.equal(posted.status, 201);
    const made = new XMLParser().parse(await posted.text());
    assert.match(made.service_requests.request.service_request_id, /^PA-/);
  });

  it('when a client posts JSON instead of a form, then it is accepted too', async () => {
    const res = await fetch(`${base}/requests.json`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        api_key: key,
        service_code: 'land',
        lat: 21.85,
        long: 106.95,
        description: 'Lấn chiếm đất công làm quán.',
      }),
    });
    assert.equal(res.status, 201);
  });
});
