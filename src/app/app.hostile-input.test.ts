import { after, before, describe, it } from 'node:test';
import { COMMUNE_A, createTestApp, type TestApp } from '#test/support/app.ts';
import { assertClear4xx } from '#test/support/clear-4xx.ts';

/**
 * Bad input answers a clear 4xx, never a 500 (issue 11 item 13): the inputs that answered 500, one
 * by one (the dossiers' own are in dossiers.hostile-input.test.ts; the generated walk over every
 * route and form is app.hostile-walk.test.ts).
 */
describe('inputs that answered 500', () => {
  let t: TestApp;
  let cookie: string;
  before(async () => {
    t = await createTestApp();
    await t.user('admin_a', 'admin', COMMUNE_A);
    cookie = await t.signIn('admin_a');
  });
  after(() => t.close());

  const get = (url: string, headers: Record<string, string> = {}) =>
    t.app.inject({ method: 'GET', url, remoteAddress: '203.0.113.70', headers });

  it('when a NUL byte is in a path, then 4xx', async () => {
    assertClear4xx(await get('/thu-tuc/%00', { accept: 'text/html' }), '/thu-tuc/%00');
    assertClear4xx(await get('/thu-tuc/%00'), '/thu-tuc/%00 (json)');
    assertClear4xx(await get('/phan-anh/so/PA-%00', { accept: 'text/html' }), '/phan-anh/so/PA-%00');
    assertClear4xx(await get(`/api/v1/dossiers/%00?phone4=5678`), '/api/v1/dossiers/%00');
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

  it('when a dossier code holds a NUL byte in the API, then 400', async () => {
    assertClear4xx(await get('/api/v1/dossiers/%00?phone4=5678'), '/api/v1/dossiers/%00');
  });
});
