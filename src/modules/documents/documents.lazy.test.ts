import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const HEAVY = ['pdf-lib', '@pdf-lib/fontkit', 'qrcode', 'node-forge', '@signpdf/signpdf'];

/**
 * In a fresh process (this one has loaded everything already): the packages resolved while the
 * module is imported, then while a paper is drawn and signed. Node's module hooks see both
 * `import` and `require`.
 */
const SCRIPT = `
import module from 'node:module';
const loaded = new Set();
module.registerHooks({
  resolve(specifier, context, next) {
    const r = next(specifier, context);
    const m = /\\/node_modules\\/((?:@[^/]+\\/)?[^/]+)\\//.exec(r.url);
    if (m) loaded.add(m[1]);
    return r;
  },
});
const documents = await import('#modules/documents/index.ts');
const atImport = [...loaded];
const at = new Date('2026-11-23T03:00:00Z');
const w = await documents.PdfWriter.create({ title: 'Thử', at });
w.text('Xin chào bà con');
w.qr('https://xaso.example/xac-thuc', 60);
const p12 = documents.makeSelfSignedP12({ commonName: 'Thử', organisation: 'Thử', passphrase: 'thu', now: at });
const signer = new documents.P12FileSigner(async () => ({ p12, passphrase: 'thu' }));
const signed = await signer.sign(await w.save(), { name: 'Vi Văn Duyệt', location: 'Xã Mẫu Sơn', reason: 'Thử' }, at);
const report = documents.verifyPdf(signed);
console.log(JSON.stringify({ atImport, afterUse: [...loaded], valid: report.signatures.map((x) => x.valid) }));
`;

describe('the documents module loads its PDF and signing libraries on first use', () => {
  it('when the module is imported, then none of them is loaded; when a paper is drawn, signed and checked, they are', async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '--eval', SCRIPT],
      { cwd: ROOT, env: { ...process.env, NODE_OPTIONS: '' } },
    );
    const r = JSON.parse(stdout.trim().split('\n').at(-1) as string) as {
      atImport: string[];
      afterUse: string[];
      valid: boolean[];
    };
    assert.deepEqual(r.valid, [true], 'the paper is signed and its signature checks');
    assert.deepEqual(
      HEAVY.filter((p) => r.atImport.includes(p)),
      [],
      'loaded when the module is imported',
    );
    assert.deepEqual(
      HEAVY.filter((p) => !r.afterUse.includes(p)),
      [],
      'not loaded by drawing, signing and checking a paper',
    );
  });
});
