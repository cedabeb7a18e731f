import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { PDFDocument } from 'pdf-lib';
import { pdfsigSkipReason } from '#test/support/outputs.ts';
import { RESULT } from './documents.fixtures.ts';
import { renderResult } from './forms/result.ts';
import { ensureDemoP12, makeSelfSignedP12, P12FileSigner } from './signing/p12.ts';
import { SigningUnavailable } from './signing/signer.ts';
import { verifyPdf } from './signing/verify.ts';

const WHO = {
  name: 'Vi Văn Duyệt',
  location: 'Xã Mẫu Sơn, Lạng Sơn',
  reason: 'Ký kết quả hồ sơ 20.06541-261122-0007',
};
const AT = RESULT.issuedAt;
const p12 = makeSelfSignedP12({
  commonName: 'Ủy ban nhân dân xã Mẫu Sơn (thử nghiệm)',
  organisation: 'Xã Số',
  passphrase: 'mật khẩu',
  now: new Date('2026-01-01T00:00:00Z'),
});
const signer = new P12FileSigner(async () => ({ p12, passphrase: 'mật khẩu' }));
const dirs: string[] = [];
after(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

/**
 * poppler's pdfsig (NSS underneath): a verifier that shares no code with ours. Its tests are skipped,
 * and reported as skipped, where it is missing (never outside CI: there they fail).
 */
function pdfsig(bytes: Uint8Array): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xaso-sig-'));
  dirs.push(dir);
  const file = path.join(dir, 'doc.pdf');
  fs.writeFileSync(file, bytes);
  try {
    return execFileSync('pdfsig', [file], { encoding: 'utf8' });
  } catch (e) {
    // pdfsig exits non-zero for an invalid signature; what it printed is the answer.
    const { stdout, code } = e as { stdout?: string; code?: string };
    if (code === 'ENOENT') throw e;
    return stdout ?? '';
  }
}
const withPdfsig = { skip: pdfsigSkipReason() };

describe('PAdES signatures with a PKCS#12 file', () => {
  it('when a result is signed, then our check and poppler both find a valid signature over the whole file', async () => {
    const signed = await signer.sign(await renderResult(RESULT), WHO, AT);
    const r = verifyPdf(signed);
    assert.equal(r.valid, true, JSON.stringify(r.signatures[0]?.problems));
    const s = r.signatures[0];
    assert.equal(s?.signer?.name, 'Ủy ban nhân dân xã Mẫu Sơn (thử nghiệm)');
    assert.equal(s?.signer?.selfSigned, true);
    assert.equal(s?.subFilter, 'ETSI.CAdES.detached');
    assert.equal(s?.signedAt?.toISOString(), AT.toISOString());
    assert.equal(s?.coversWholeFile, true);
    assert.match(r.sha256, /^[0-9a-f]{64}$/);
    // The text of the paper is still there for a reader.
    assert.equal((await PDFDocument.load(signed)).getPageCount(), 1);
  });

  it(
    'when a result is signed, then poppler’s pdfsig, an independent verifier, finds a valid signature over the whole file',
    withPdfsig,
    async () => {
      const poppler = pdfsig(await signer.sign(await renderResult(RESULT), WHO, AT));
      assert.match(poppler, /Signature Validation: Signature is Valid\./);
      assert.match(poppler, /Total document signed/);
      assert.match(poppler, /Signature Type: ETSI\.CAdES\.detached/);
      assert.match(poppler, /Common Name: Ủy ban nhân dân xã Mẫu Sơn \(thử nghiệm\)/);
    },
  );

  it('when one byte of a signed result is changed, then it is reported changed after signing', async () => {
    const signed = Buffer.from(await signer.sign(await renderResult(RESULT), WHO, AT));
    // A byte inside the first signed range (the page content), not in the signature itself.
    const tampered = Buffer.from(signed);
    const at = tampered.indexOf('/Producer');
    tampered[at + 12] = (tampered[at + 12] ?? 0) ^ 0x01;
    const r = verifyPdf(tampered);
    assert.equal(r.valid, false);
    assert.equal(r.signatures[0]?.digestMatches, false);
    assert.match(r.signatures[0]?.problems.map((p) => p.vi).join(' ') ?? '', /bị thay đổi sau khi ký/);
    assert.notEqual(r.sha256, verifyPdf(signed).sha256);
  });

  it(
    'when one byte of a signed result is changed, then pdfsig does not find it valid either',
    withPdfsig,
    async () => {
      const signed = Buffer.from(await signer.sign(await renderResult(RESULT), WHO, AT));
      const tampered = Buffer.from(signed);
      const at = tampered.indexOf('/Producer');
      tampered[at + 12] = (tampered[at + 12] ?? 0) ^ 0x01;
      const poppler = pdfsig(tampered);
      assert.match(poppler, /Signature Validation/, 'pdfsig read the signature');
      assert.doesNotMatch(poppler, /Signature is Valid/);
    },
  );

  it('when content is appended after the signature (an incremental update), then the signature no longer covers the file', async () => {
    const signed = await signer.sign(await renderResult(RESULT), WHO, AT);
    const appended = Buffer.concat([Buffer.from(signed), Buffer.from('\n% thêm vào sau khi ký\n')]);
    const r = verifyPdf(appended);
    assert.equal(r.valid, false);
    assert.equal(r.signatures[0]?.coversWholeFile, false);
    assert.match(r.signatures[0]?.problems[0]?.vi ?? '', /thêm nội dung sau khi ký/);
  });

  it('when a PDF has no signature, or the file is not a PDF, then it is not valid and says why', async () => {
    const unsigned = verifyPdf(await renderResult(RESULT));
    assert.equal(unsigned.valid, false);
    assert.match(unsigned.problem?.vi ?? '', /không có chữ ký số/);
    const png = verifyPdf(Buffer.from('\x89PNG\r\n\x1a\n not a pdf', 'latin1'));
    assert.equal(png.valid, false);
    assert.match(png.problem?.vi ?? '', /không phải là tài liệu PDF/);
  });

  it('when the passphrase is wrong, then signing is refused with a reason, not a broken file', async () => {
    const wrong = new P12FileSigner(async () => ({ p12, passphrase: 'sai' }));
    await assert.rejects(wrong.sign(await renderResult(RESULT), WHO, AT), SigningUnavailable);
  });

  it('when the certificate has expired at the signing time, then signing is refused', async () => {
    await assert.rejects(
      signer.sign(await renderResult(RESULT), WHO, new Date('2040-01-01T00:00:00Z')),
      /valid from/,
    );
  });

  it('when the demo certificate is asked for twice, even at once, then one is made and kept', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xaso-demo-p12-'));
    dirs.push(dir);
    const who = { commonName: 'UBND xã Mẫu Sơn (thử nghiệm)', organisation: 'Xã Số' };
    const [a, b] = await Promise.all([ensureDemoP12(dir, who), ensureDemoP12(dir, who)]);
    const c = await ensureDemoP12(dir, who);
    assert.ok(a.p12.equals(b.p12) && a.p12.equals(c.p12));
    assert.equal(a.passphrase, c.passphrase);
    assert.equal(fs.statSync(path.join(dir, 'demo-signer.p12')).mode & 0o077, 0, 'the key file is private');
    const d = await new P12FileSigner(async () => c).describe();
    assert.match(d.subject, /CN=UBND xã Mẫu Sơn \(thử nghiệm\)/);
    assert.equal(fs.readdirSync(dir).length, 2, 'no temporary files left');
  });
});
