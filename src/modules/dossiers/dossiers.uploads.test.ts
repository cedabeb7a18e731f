import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fixedClock } from '#platform/clock.ts';
import { COMMUNE_A, cookiesOf, createTestApp, type TestApp } from '#test/support/app.ts';
import {
  APPLICANT,
  apiSubmit,
  FORM,
  multipart,
  pdfBytes,
  setupDossiers,
  TEST_PROCEDURE,
} from './dossiers.test-support.ts';

const P = TEST_PROCEDURE.code;
/** A real PDF padded to `bytes`, so the upload is as heavy as a scanned page. */
const heavyPdf = (bytes: number) => Buffer.concat([pdfBytes('nang'), Buffer.alloc(bytes, 0x20)]);

/**
 * Uploads of refused requests (decision 034): nothing of a request refused before its files are
 * used stays on disk or in the `files` table, and one client's upload bytes are capped per hour.
 */
describe('uploads of refused requests', () => {
  let t: TestApp;
  const clock = fixedClock(new Date('2026-03-02T02:00:00Z'));
  before(async () => {
    // 20 MB an hour per client, 3 MB a file: the cap is reached by the last test only.
    t = await createTestApp({
      clock,
      env: { UPLOAD_BYTES_PER_HOUR: String(20 * 1024 * 1024), UPLOAD_MAX_BYTES: String(3 * 1024 * 1024) },
    });
    await setupDossiers(t);
  });
  after(() => t.close());

  /** Rows in `files`, and files on disk under the local store (read from the disk, not the store's code). */
  async function stored() {
    const [row] = await t.platform.database.query<{ n: number }>('select count(*)::int as n from files');
    const root = path.join(t.platform.config.dataDir, 'files');
    const objects = fs.existsSync(root)
      ? fs.readdirSync(root, { recursive: true, withFileTypes: true }).filter((d) => d.isFile()).length
      : 0;
    return { rows: row?.n ?? 0, objects };
  }

  it('when an anonymous API submission with many files is invalid, then nothing it sent is left after the answer', async () => {
    const before = await stored();
    const res = await apiSubmit(t, {
      key: 'refused-heavy-0000001',
      applicant: { ...APPLICANT, idNumber: 'not-a-cccd' },
      files: Array.from({ length: 6 }, (_, i) => ({
        doc: 'toKhai',
        filename: `to-khai-${i}.pdf`,
        data: heavyPdf(1024 * 1024),
      })),
      ip: '203.0.113.50',
    });
    assert.equal(res.statusCode, 400, res.body);
    assert.deepEqual(await stored(), before);
  });

  it('when the dossier form is posted without its CSRF token, then 403 and no file is stored', async () => {
    const page = await t.app.inject({ method: 'GET', url: `/thu-tuc/${P}/nop?xa=${COMMUNE_A}` });
    const idem = /name="idem" value="([^"]+)"/.exec(page.body)?.[1] ?? '';
    const before = await stored();
    const body = await multipart([
      { name: 'idem', value: idem },
      { name: 'xa', value: COMMUNE_A },
      ...Object.entries(APPLICANT).map(([k, v]) => ({ name: `applicant.${k}`, value: v })),
      ...Object.entries(FORM).map(([k, v]) => ({ name: `form.${k}`, value: v })),
      ...Array.from({ length: 4 }, (_, i) => ({
        name: 'doc.toKhai',
        file: { filename: `x-${i}.pdf`, data: heavyPdf(1024 * 1024) },
      })),
    ]);
    const res = await t.app.inject({
      method: 'POST',
      url: `/thu-tuc/${P}/nop`,
      remoteAddress: '203.0.113.51',
      headers: { ...body.headers, cookie: cookiesOf(page), accept: 'text/html' },
      payload: body.payload,
    });
    assert.equal(res.statusCode, 403);
    assert.match(res.body, /Phiên làm việc đã hết hạn/);
    assert.deepEqual(await stored(), before);
  });

  it('when the form puts its files before a forged token, then 403 and no file is stored', async () => {
    const page = await t.app.inject({ method: 'GET', url: `/thu-tuc/${P}/nop?xa=${COMMUNE_A}` });
    const before = await stored();
    const body = await multipart([
      { name: 'doc.toKhai', file: { filename: 'truoc.pdf', data: heavyPdf(1024 * 1024) } },
      { name: '_csrf', value: 'forged' },
    ]);
    const res = await t.app.inject({
      method: 'POST',
      url: `/thu-tuc/${P}/nop`,
      remoteAddress: '203.0.113.51',
      headers: { ...body.headers, cookie: cookiesOf(page), accept: 'text/html' },
      payload: body.payload,
    });
    assert.equal(res.statusCode, 403);
    assert.deepEqual(await stored(), before);
  });

  it('when a supplement is posted on the tracking page without its CSRF token, then 403 and no file is stored', async () => {
    const before = await stored();
    const body = await multipart([
      { name: 'ma', value: 'H20.06.541-260302-0001' },
      { name: 'so', value: '5678' },
      ...Array.from({ length: 4 }, (_, i) => ({
        name: 'doc.giayChungSinh',
        file: { filename: `bs-${i}.pdf`, data: heavyPdf(1024 * 1024) },
      })),
    ]);
    const res = await t.app.inject({
      method: 'POST',
      url: '/tra-cuu/bo-sung',
      remoteAddress: '203.0.113.52',
      headers: { ...body.headers, accept: 'text/html' },
      payload: body.payload,
    });
    assert.equal(res.statusCode, 403);
    assert.deepEqual(await stored(), before);
  });

  it('when a body says multipart but has no boundary, or is cut short, then 400 with a bilingual message and nothing stored', async () => {
    const before = await stored();
    const noBoundary = await t.app.inject({
      method: 'POST',
      url: '/api/v1/dossiers',
      remoteAddress: '203.0.113.53',
      headers: { 'content-type': 'multipart/form-data' },
      payload: 'procedureCode=x',
    });
    assert.equal(noBoundary.statusCode, 400, noBoundary.body);
    assert.match(noBoundary.json().detail, /Không đọc được biểu mẫu/);
    assert.equal(noBoundary.json().messages.en, 'The form sent could not be read.');

    const body = await multipart([
      { name: 'procedureCode', value: P },
      { name: 'doc.toKhai', file: { filename: 'cut.pdf', data: heavyPdf(200 * 1024) } },
    ]);
    const cut = await t.app.inject({
      method: 'POST',
      url: '/api/v1/dossiers',
      remoteAddress: '203.0.113.53',
      headers: body.headers,
      payload: body.payload.subarray(0, body.payload.length - 1000),
    });
    assert.equal(cut.statusCode, 400, cut.body);
    assert.match(cut.json().errors[0].vi, /bị hỏng hoặc không trọn vẹn/);
    assert.deepEqual(await stored(), before);
  });

  it('when one client sends more than its hourly upload bytes, then 429 in both languages before anything is stored, and another client still may', async () => {
    const send = (ip: string, key: string) =>
      apiSubmit(t, {
        key,
        ip,
        files: Array.from({ length: 3 }, (_, i) => ({
          doc: i === 0 ? 'giayChungSinh' : 'toKhai',
          filename: `q-${i}.pdf`,
          data: heavyPdf(2 * 1024 * 1024),
        })),
      });
    // Each request declares some 6 MB: three pass under 20 MB, the fourth would pass it.
    for (let i = 0; i < 3; i++) {
      const ok = await send('203.0.113.60', `quota-key-00000000${i}`);
      assert.equal(ok.statusCode, 201, ok.body);
    }
    const before = await stored();
    const refused = await send('203.0.113.60', 'quota-key-000000009');
    assert.equal(refused.statusCode, 429, refused.body);
    const problem = refused.json();
    assert.match(problem.messages.vi, /Bạn đã gửi quá 20 MB tệp trong một giờ/);
    assert.match(problem.messages.en, /more than 20 MB of files in an hour/);
    assert.ok(Number(refused.headers['retry-after']) > 0);
    assert.deepEqual(await stored(), before);

    const other = await send('203.0.113.61', 'quota-key-000000010');
    assert.equal(other.statusCode, 201, other.body);
  });
});
