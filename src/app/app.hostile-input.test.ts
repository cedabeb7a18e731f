import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import {
  APPLICANT,
  apiSubmit,
  created,
  multipart,
  setupDossiers,
  TEST_PROCEDURE,
} from '#modules/dossiers/dossiers.test-support.ts';
import { fixedClock } from '#platform/clock.ts';
import { COMMUNE_A, createTestApp, type TestApp } from '#test/support/app.ts';

/**
 * Bad input answers a clear 4xx, never a 500 (issue 11 item 13): the inputs that answered 500, one
 * by one. The generated walk over every route and form is in app.hostile-walk.test.ts.
 */

/** A 4xx with the message in both languages: problem+json, or the error page in Vietnamese. */
export function assertClear4xx(res: LightMyRequestResponse, what: string) {
  assert.ok(
    res.statusCode >= 400 && res.statusCode < 500,
    `${what}: ${res.statusCode} ${res.body.slice(0, 300)}`,
  );
  const type = String(res.headers['content-type'] ?? '');
  if (type.includes('json')) {
    const p = res.json();
    assert.ok(
      p.messages?.vi && p.messages?.en,
      `${what}: a bilingual problem, got ${res.body.slice(0, 300)}`,
    );
  } else {
    assert.match(res.body, /<html lang="vi"/, `${what}: the error page`);
  }
}

describe('inputs that answered 500', () => {
  let t: TestApp;
  let cookie: string;
  let code: string;
  const clock = fixedClock(new Date('2026-03-02T02:00:00Z'));
  before(async () => {
    t = await createTestApp({ clock });
    await setupDossiers(t);
    cookie = await t.signIn('admin_a');
    code = created(await apiSubmit(t, { key: 'hostile-input-00000001' })).code;
  });
  after(() => t.close());

  const get = (url: string, headers: Record<string, string> = {}) =>
    t.app.inject({ method: 'GET', url, remoteAddress: '203.0.113.70', headers });

  it('when a multipart body has no boundary or is cut short, then 400', async () => {
    const noBoundary = await t.app.inject({
      method: 'POST',
      url: '/api/v1/dossiers',
      headers: { 'content-type': 'multipart/form-data' },
      payload: 'x',
    });
    assertClear4xx(noBoundary, 'no boundary');
    const body = await multipart([{ name: 'procedureCode', value: TEST_PROCEDURE.code }]);
    const cut = await t.app.inject({
      method: 'POST',
      url: '/api/v1/dossiers',
      headers: body.headers,
      payload: body.payload.subarray(0, body.payload.length - 10),
    });
    assertClear4xx(cut, 'cut short');
  });

  it('when a NUL byte is in the applicant’s name, then 400 naming the field', async () => {
    const res = await apiSubmit(t, {
      key: 'hostile-input-00000002',
      applicant: { ...APPLICANT, name: 'Hoàng\u0000Mai' },
    });
    assertClear4xx(res, 'NUL in applicant.name');
    assert.ok(
      res.json().errors.some((e: { field: string }) => e.field === 'applicant.name'),
      res.body,
    );
  });

  it('when a NUL byte is in a path, then 4xx', async () => {
    assertClear4xx(await get('/thu-tuc/%00', { accept: 'text/html' }), '/thu-tuc/%00');
    assertClear4xx(await get('/thu-tuc/%00'), '/thu-tuc/%00 (json)');
    assertClear4xx(await get('/phan-anh/so/PA-%00', { accept: 'text/html' }), '/phan-anh/so/PA-%00');
    assertClear4xx(await get(`/api/v1/dossiers/%00?phone4=5678`), '/api/v1/dossiers/%00');
  });

  it('when a queue cursor is out of range, then 400', async () => {
    for (const after of ['9999999999999999999_1', '-9223372036854775808_1', '1_99999999999999999999']) {
      const res = await get(`/quan-tri/ho-so?view=open&after=${after}`, { cookie, accept: 'text/html' });
      assertClear4xx(res, `after=${after}`);
    }
  });

  it('when the statistics are asked from year 1, then 400', async () => {
    const res = await get(`/quan-tri/thong-ke.csv?place=${COMMUNE_A}&from=0001-01-01`, { cookie });
    assertClear4xx(res, 'from=0001-01-01');
    const page = await get(`/quan-tri/thong-ke?place=${COMMUNE_A}&from=0001-01-01&to=9999-12-31`, {
      cookie,
      accept: 'text/html',
    });
    assertClear4xx(page, 'the page, from year 1 to 9999');
  });

  it('when an unknown paper is asked for, then 404', async () => {
    const res = await get(`/ho-so/${encodeURIComponent(code)}/giay-to/xyz.pdf?so=5678`, {
      accept: 'text/html',
    });
    assert.equal(res.statusCode, 404, res.body.slice(0, 300));
  });

  it('when a CAP alert nests 50,000 tags, then 400', async () => {
    await t.user('radio_a', 'radio_operator', COMMUNE_A);
    const token = await t.token('radio_a');
    const xml = `<?xml version="1.0"?><alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">${'<a>'.repeat(50_000)}${'</a>'.repeat(50_000)}</alert>`;
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/broadcast/cap',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/cap+xml' },
      payload: xml,
    });
    assertClear4xx(res, 'CAP 50,000 deep');
  });
});
