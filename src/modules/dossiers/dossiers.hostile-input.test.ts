import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { fixedClock } from '#platform/clock.ts';
import { createTestApp, type TestApp } from '#test/support/app.ts';
import { assertClear4xx } from '#test/support/clear-4xx.ts';
import {
  APPLICANT,
  apiSubmit,
  created,
  multipart,
  setupDossiers,
  TEST_PROCEDURE,
} from './dossiers.test-support.ts';

/** Bad input to the dossiers' routes answers a clear 4xx, never a 500 (issue 11 item 13). */
describe('dossier inputs that answered 500', () => {
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

  it('when a queue cursor is out of range, then 400', async () => {
    for (const after of ['9999999999999999999_1', '-9223372036854775808_1', '1_99999999999999999999']) {
      const res = await get(`/quan-tri/ho-so?view=open&after=${after}`, { cookie, accept: 'text/html' });
      assertClear4xx(res, `after=${after}`);
    }
  });

  it('when an unknown paper is asked for, then 404', async () => {
    const res = await get(`/ho-so/${encodeURIComponent(code)}/giay-to/xyz.pdf?so=5678`, {
      accept: 'text/html',
    });
    assert.equal(res.statusCode, 404, res.body.slice(0, 300));
  });
});
