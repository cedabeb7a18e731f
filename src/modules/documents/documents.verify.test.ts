import assert from 'node:assert/strict';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import forge from 'node-forge';
import { createTestApp, type TestApp } from '#test/support/app.ts';
import { fileDossier, type OutputSetup, setupOutputs } from '#test/support/outputs.ts';
import { RESULT } from './documents.fixtures.ts';
import { signResult, verifyUpload } from './documents.service.ts';
import { renderResult } from './forms/result.ts';
import { documentsDeps } from './index.ts';
import { makeSelfSignedP12, P12FileSigner } from './signing/p12.ts';

/**
 * Issue 11, item 9: "HỢP LỆ" only for a document this platform issued (its hash on record, not
 * revoked) or one whose certificate chains to the province's trust list. Before the fix, every one
 * of the stranger's PDFs below was answered "HỢP LỆ".
 */

const AT = new Date('2026-11-26T03:00:00Z');
const WHO = { name: 'Người lạ', location: 'Nơi khác', reason: 'Ký thử' };
const NOT_ISSUED = 'Chữ ký còn nguyên vẹn, nhưng văn bản không do hệ thống này ban hành.';

const utf8 = (s: string) => ({
  value: s,
  valueTagClass: forge.asn1.Type.UTF8 as unknown as forge.asn1.Class,
});
const forgeKeys = () => {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    key: forge.pki.privateKeyFromPem(privateKey.export({ type: 'pkcs1', format: 'pem' }).toString()),
    pub: forge.pki.publicKeyFromPem(publicKey.export({ type: 'spki', format: 'pem' }).toString()),
  };
};

/** A CA (as a licensed provider would be) and a signer's PKCS#12 it issued, written with node-forge. */
function caAndSigner(caName: string, signerName: string) {
  const ca = forgeKeys();
  const caCert = forge.pki.createCertificate();
  caCert.publicKey = ca.pub;
  caCert.serialNumber = `01${randomBytes(8).toString('hex')}`;
  caCert.validity.notBefore = new Date('2026-01-01T00:00:00Z');
  caCert.validity.notAfter = new Date('2031-01-01T00:00:00Z');
  const caSubject = [
    { shortName: 'CN', ...utf8(caName) },
    { shortName: 'C', value: 'VN' },
  ];
  caCert.setSubject(caSubject);
  caCert.setIssuer(caSubject);
  caCert.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
  ]);
  caCert.sign(ca.key, forge.md.sha256.create());

  const leaf = forgeKeys();
  const cert = forge.pki.createCertificate();
  cert.publicKey = leaf.pub;
  cert.serialNumber = `02${randomBytes(8).toString('hex')}`;
  cert.validity.notBefore = new Date('2026-02-01T00:00:00Z');
  cert.validity.notAfter = new Date('2029-01-01T00:00:00Z');
  cert.setSubject([
    { shortName: 'CN', ...utf8(signerName) },
    { shortName: 'C', value: 'VN' },
  ]);
  cert.setIssuer(caSubject);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, nonRepudiation: true },
  ]);
  cert.sign(ca.key, forge.md.sha256.create());
  const p12 = forge.pkcs12.toPkcs12Asn1(leaf.key, [cert, caCert], 'pw', { algorithm: '3des' });
  return {
    caPem: forge.pki.certificateToPem(caCert),
    signer: new P12FileSigner(async () => ({
      p12: Buffer.from(forge.asn1.toDer(p12).getBytes(), 'binary'),
      passphrase: 'pw',
    })),
  };
}

/** The verify form as a browser posts it: multipart with the CSRF field and the file. */
async function postVerify(t: TestApp, pdf: Uint8Array, query = '') {
  const { csrf, cookie } = await t.formToken(`/xac-thuc-van-ban${query}`);
  const boundary = '----xaso-verify';
  const head = `--${boundary}\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\n${csrf}\r\n--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="van-ban.pdf"\r\nContent-Type: application/pdf\r\n\r\n`;
  return t.app.inject({
    method: 'POST',
    url: `/xac-thuc-van-ban${query}`,
    headers: { cookie, 'content-type': `multipart/form-data; boundary=${boundary}` },
    payload: Buffer.concat([Buffer.from(head), Buffer.from(pdf), Buffer.from(`\r\n--${boundary}--\r\n`)]),
  });
}

describe('the verify page: valid means intact and issued here (or by a CA on the province trust list)', () => {
  let t: TestApp;
  let s: OutputSetup;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xaso-trust-'));
  const trusted = caAndSigner('CA thử nghiệm của tỉnh', 'Sở Tư pháp (thử nghiệm)');
  const outsider = caAndSigner('CA không có trong danh sách', 'Người ký ngoài danh sách');
  const anchors = path.join(dir, 'anchors.pem');
  fs.writeFileSync(anchors, trusted.caPem);

  before(async () => {
    t = await createTestApp({
      env: { SIGNING_TRUST_ANCHORS: anchors },
      clock: { now: () => AT },
    });
    s = await setupOutputs(t);
  });
  after(async () => {
    await t.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const deps = () => documentsDeps(t.platform);
  const stored = async (id: string) => {
    const [row] = await t.platform.database.query<{ file_id: string }>(
      'select file_id from issued_documents where id = $1',
      [id],
    );
    const opened = await t.platform.files.open(row?.file_id as string);
    const chunks: Buffer[] = [];
    for await (const c of opened?.stream ?? []) chunks.push(c as Buffer);
    return new Uint8Array(Buffer.concat(chunks));
  };

  it("when a PDF is signed by a stranger's own certificate, then it is intact but not issued here, in plain words", async () => {
    const p12 = makeSelfSignedP12({
      commonName: 'Ủy ban nhân dân xã Giả Mạo',
      organisation: 'Không rõ',
      passphrase: 'x',
      now: AT,
    });
    const forged = await new P12FileSigner(async () => ({ p12, passphrase: 'x' })).sign(
      await renderResult(RESULT),
      WHO,
      AT,
    );
    const outcome = await verifyUpload(s.desk.ctx, deps(), forged);
    assert.equal(outcome.report.valid, true, 'the signature maths holds');
    assert.equal(outcome.verdict, 'not-issued');

    const res = await postVerify(t, forged);
    assert.equal(res.statusCode, 200, res.body);
    assert.match(res.body, /data-verdict="not-issued"/);
    assert.ok(res.body.includes(NOT_ISSUED), res.body);
    assert.doesNotMatch(res.body, /HỢP LỆ/);
    const en = await postVerify(t, forged, '?lang=en');
    assert.ok(
      en.body.includes('The signature is intact, but this document was not issued by this system.'),
      en.body,
    );
  });

  it('when a PDF is signed by a certificate of a CA outside the trust list, then it is not issued here either', async () => {
    const pdf = await outsider.signer.sign(await renderResult(RESULT), WHO, AT);
    assert.equal((await verifyUpload(s.desk.ctx, deps(), pdf)).verdict, 'not-issued');
  });

  it("when a PDF is signed by a certificate chaining to the province's trust list, then it is valid as trusted", async () => {
    const pdf = await trusted.signer.sign(await renderResult(RESULT), WHO, AT);
    const outcome = await verifyUpload(s.desk.ctx, deps(), pdf);
    assert.equal(outcome.verdict, 'trusted');
    const res = await postVerify(t, pdf);
    assert.match(res.body, /data-verdict="trusted"/);
    assert.match(res.body, /thuộc danh sách tin cậy của tỉnh/);
  });

  it('when the result was issued here, then it is valid; once re-signed, the first copy is revoked; a tampered copy is not valid', async () => {
    const code = await fileDossier(t, s, 'approved');
    const first = await signResult(s.approver.ctx, deps(), code);
    const firstPdf = await stored(first.id);
    const issued = await postVerify(t, firstPdf);
    assert.match(issued.body, /data-verdict="valid"/);
    assert.match(issued.body, /do hệ thống này ban hành/);

    const tampered = Buffer.from(firstPdf);
    const at = tampered.indexOf('/Producer');
    tampered[at + 12] = (tampered[at + 12] ?? 0) ^ 0x01;
    const bad = await verifyUpload(s.desk.ctx, deps(), tampered);
    assert.equal(bad.verdict, 'invalid');
    assert.match((await postVerify(t, tampered)).body, /data-verdict="invalid"/);

    await signResult(s.approver.ctx, deps(), code, { replace: true });
    const revoked = await verifyUpload(s.desk.ctx, deps(), firstPdf);
    assert.equal(revoked.verdict, 'revoked');
    const page = await postVerify(t, firstPdf);
    assert.match(page.body, /data-verdict="revoked"/);
    assert.match(page.body, /đã bị thu hồi/);
    const byQr = await t.app.inject({ url: `/xac-thuc-van-ban?ma=${first.id}` });
    assert.match(byQr.body, /data-verdict="revoked"/);
  });
});
