import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { COMMUNE_A, COMMUNE_B, createTestApp, PROVINCE, type TestApp } from '#test/support/app.ts';
import { formData } from '#test/support/multipart.ts';

const CSV =
  '\uFEFFloai,ten,vi_do,kinh_do\r\nthôn,Khuổi Tào,"21,8537",106.9950\r\nbản,Nà Pàn,,\r\nthôn,Pò Đứa,21.86,107.01\r\n';

describe('hamlets: centre points and CSV import', () => {
  let t: TestApp;
  let admin: string;
  const api = (method: 'POST' | 'PUT', url: string, payload: object, token = admin) =>
    t.app.inject({ method, url, headers: { authorization: `Bearer ${token}` }, payload });
  const count = async (communeId: number) =>
    (
      await t.platform.database.query<{ n: number }>(
        `select count(*)::int as n from places where parent_id = ${communeId}`,
      )
    )[0]?.n;
  const fields = (res: { json(): { errors: { field: string; vi: string; en: string }[] } }) =>
    Object.fromEntries(res.json().errors.map((e) => [e.field, e]));

  before(async () => {
    t = await createTestApp();
    await t.user('admin_a', 'admin', COMMUNE_A);
    await t.user('admin_b', 'admin', COMMUNE_B);
    await t.user('admin_province', 'admin', PROVINCE);
    await t.user('clerk_a', 'receptionist', COMMUNE_A);
    admin = await t.token('admin_a');
  });
  after(() => t.close());

  it('when a hamlet is added with a centre point (decimal comma accepted), then the API returns it', async () => {
    const res = await api('POST', `/api/v1/places/${COMMUNE_A}/villages`, {
      name: 'Khòn Quang',
      type: 'bản',
      lat: '21,8712',
      lng: 106.98,
    });
    assert.equal(res.statusCode, 201, res.body);
    assert.deepEqual(res.json().centre, { lat: 21.8712, lng: 106.98 });
  });

  it('when only the latitude is given, or the coordinates are swapped, then 400 names each field in both languages', async () => {
    const half = await api('POST', `/api/v1/places/${COMMUNE_A}/villages`, { name: 'Nửa', lat: 21.8 });
    assert.equal(half.statusCode, 400);
    assert.equal(fields(half)['body.lng']?.vi, 'Nhập cả vĩ độ và kinh độ, hoặc để trống cả hai.');
    assert.equal(fields(half)['body.lng']?.en, 'Give both latitude and longitude, or leave both empty.');
    const swapped = await api('POST', `/api/v1/places/${COMMUNE_A}/villages`, {
      name: 'Đảo',
      lat: 106.9,
      lng: 21.8,
    });
    assert.equal(swapped.statusCode, 400);
    assert.equal(fields(swapped)['body.lat']?.vi, 'Vĩ độ phải là một số từ 6 đến 24.');
    assert.equal(fields(swapped)['body.lng']?.en, 'Longitude must be a number from 102 to 118.');
  });

  it('when a CSV is imported, then every row becomes a hamlet with its code and centre; importing it again adds nothing', async () => {
    const before = await count(t.places.a.id);
    const res = await api('POST', `/api/v1/places/${COMMUNE_A}/villages/import`, { csv: CSV });
    assert.equal(res.statusCode, 201, res.body);
    const body = res.json();
    assert.deepEqual(
      body.added.map((v: { fullName: string; centre: unknown }) => [v.fullName, v.centre]),
      [
        ['Thôn Khuổi Tào', { lat: 21.8537, lng: 106.995 }],
        ['Bản Nà Pàn', null],
        ['Thôn Pò Đứa', { lat: 21.86, lng: 107.01 }],
      ],
    );
    for (const v of body.added) assert.match(v.code, new RegExp(`^${COMMUNE_A}\\.\\d{2}$`));
    assert.equal(await count(t.places.a.id), (before ?? 0) + 3);
    const again = await api('POST', `/api/v1/places/${COMMUNE_A}/villages/import`, { csv: CSV });
    assert.equal(again.statusCode, 201);
    assert.deepEqual(again.json(), { added: [], present: ['Khuổi Tào', 'Nà Pàn', 'Pò Đứa'] });
    assert.equal(await count(t.places.a.id), (before ?? 0) + 3);
  });

  it('when some rows are wrong, then nothing is added and every problem is named with its line and column', async () => {
    const before = await count(t.places.a.id);
    const bad =
      'Loại;Tên;Vĩ độ;Kinh độ\nthôn;Bản Mới;21.9;\nthành phố;Nà Ngần;;\nthôn;;;\nthôn;Nà Mò;;\nbản;na mo;;\n';
    const res = await api('POST', `/api/v1/places/${COMMUNE_A}/villages/import`, { csv: bad });
    assert.equal(res.statusCode, 400, res.body);
    const errors = res.json().errors as { field: string; vi: string; en: string }[];
    assert.deepEqual(
      errors.map((e) => e.field),
      ['line2.kinh_do', 'line3.loai', 'line4.ten'],
      'the format problems first; duplicates are checked once the rows read',
    );
    assert.equal(errors[0]?.vi, 'Dòng 2, cột "kinh_do": Nhập cả vĩ độ và kinh độ, hoặc để trống cả hai.');
    assert.equal(errors[2]?.en, 'Line 4, column "ten": This field is required.');
    assert.equal(await count(t.places.a.id), before);

    const dup = await api('POST', `/api/v1/places/${COMMUNE_A}/villages/import`, {
      csv: 'ten\nNà Mò\nna mo\n',
    });
    assert.equal(dup.statusCode, 400);
    assert.equal(dup.json().errors[0].vi, 'Dòng 3, cột "ten": trùng tên với dòng 2.');
    const noName = await api('POST', `/api/v1/places/${COMMUNE_A}/villages/import`, {
      csv: 'loai,ghi_chu\nthôn,x\n',
    });
    assert.equal(noName.statusCode, 400);
    assert.match(noName.json().errors[0].vi, /thiếu cột: ten/);
    assert.equal(await count(t.places.a.id), before);
  });

  it('when an admin of B, or a receptionist of A, imports into A, then 403 and nothing is added; the province admin may', async () => {
    const before = await count(t.places.a.id);
    for (const who of ['admin_b', 'clerk_a']) {
      const res = await api(
        'POST',
        `/api/v1/places/${COMMUNE_A}/villages/import`,
        { csv: 'ten\nLạ\n' },
        await t.token(who),
      );
      assert.equal(res.statusCode, 403, who);
    }
    assert.equal(await count(t.places.a.id), before);
    const res = await api(
      'POST',
      `/api/v1/places/${COMMUNE_B}/villages/import`,
      { csv: 'ten\nNà Sla\n' },
      await t.token('admin_province'),
    );
    assert.equal(res.statusCode, 201);
  });

  it('when the template is downloaded, then it is a CSV with a BOM and the four columns', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/dia-ban/thon-mau.csv' });
    assert.equal(res.statusCode, 200);
    assert.match(res.headers['content-type'] as string, /^text\/csv/);
    assert.ok(res.body.startsWith('\uFEFFloai,ten,vi_do,kinh_do\r\n'));
  });

  it('when the admin uploads the file through the page without JavaScript, then the hamlets are added; a bad file re-renders with its line errors', async () => {
    const cookie = await t.signIn('admin_a');
    const page = await t.formToken(`/dia-ban/ma/${t.places.a.id}`, cookie);
    const bad = await formData({ _csrf: page.csrf }, [
      { name: 'csv', filename: 'thon.csv', content: 'loai,ten,vi_do,kinh_do\nthôn,Nà Lừa,99,106\n' },
    ]);
    const refused = await t.app.inject({
      method: 'POST',
      url: `/dia-ban/ma/${t.places.a.id}/thon/nhap`,
      headers: { cookie: page.cookie, ...bad.headers },
      payload: bad.payload,
    });
    assert.equal(refused.statusCode, 400);
    assert.match(refused.body, /Dòng 2, cột &quot;vi_do&quot;: Vĩ độ phải là một số từ 6 đến 24\./);

    const good = await formData({ _csrf: page.csrf }, [
      {
        name: 'csv',
        filename: 'thon.csv',
        content: 'loai,ten,vi_do,kinh_do\nthôn,Nà Lừa,21.9,106.9\nbản,Cốc Lếch,,\n',
      },
    ]);
    const ok = await t.app.inject({
      method: 'POST',
      url: `/dia-ban/ma/${t.places.a.id}/thon/nhap`,
      headers: { cookie: page.cookie, ...good.headers },
      payload: good.payload,
    });
    assert.equal(ok.statusCode, 303, ok.body);
    const after = await t.app.inject({
      method: 'GET',
      url: ok.headers.location as string,
      headers: { cookie },
    });
    assert.match(after.body, /Đã thêm 2 thôn, bản/);
    assert.match(after.body, /Bản Cốc Lếch/);

    const pageB = await t.app.inject({
      method: 'GET',
      url: `/dia-ban/ma/${t.places.b.id}`,
      headers: { cookie },
    });
    assert.doesNotMatch(pageB.body, /thon\/nhap/);
    const forged = await t.app.inject({
      method: 'POST',
      url: `/dia-ban/ma/${t.places.b.id}/thon/nhap`,
      headers: { cookie: page.cookie, ...good.headers, accept: 'text/html' },
      payload: good.payload,
    });
    assert.equal(forged.statusCode, 403);
  });

  it('when the admin sets a hamlet’s centre on its page, then it is saved; an admin of B is refused', async () => {
    const [v] = await t.platform.database.query<{ id: number }>(
      `select id from places where parent_id = ${t.places.a.id} and name = 'Nà Pàn'`,
    );
    assert.ok(v);
    const cookie = await t.signIn('admin_a');
    const page = await t.formToken(`/dia-ban/ma/${v.id}`, cookie);
    const ok = await t.app.inject({
      method: 'POST',
      url: `/dia-ban/ma/${v.id}/toa-do`,
      headers: { cookie: page.cookie },
      payload: { _csrf: page.csrf, lat: '21,88', lng: '106,97' },
    });
    assert.equal(ok.statusCode, 303, ok.body);
    const shown = await t.app.inject({
      method: 'GET',
      url: ok.headers.location as string,
      headers: { cookie },
    });
    assert.match(shown.body, /21\.88, 106\.97/);

    const other = await t.signIn('admin_b');
    const pageB = await t.formToken(`/dia-ban/ma/${v.id}`, other);
    const refused = await t.app.inject({
      method: 'POST',
      url: `/dia-ban/ma/${v.id}/toa-do`,
      headers: { cookie: pageB.cookie, accept: 'text/html' },
      payload: { _csrf: pageB.csrf, lat: '', lng: '' },
    });
    assert.equal(refused.statusCode, 403);
    const [row] = await t.platform.database.query<{ centre_lat: number }>(
      `select centre_lat from places where id = ${v.id}`,
    );
    assert.equal(row?.centre_lat, 21.88);
  });
});
