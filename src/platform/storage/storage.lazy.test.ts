import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/**
 * In a fresh process (this one may have loaded the SDK already): the packages resolved while the
 * storage is imported and a local store made, then when an S3 store is first used (against a port
 * nobody listens on: loading is what is looked at, the call itself fails).
 */
const SCRIPT = `
import module from 'node:module';
import os from 'node:os';
const loaded = new Set();
module.registerHooks({
  resolve(specifier, context, next) {
    const r = next(specifier, context);
    const m = /\\/node_modules\\/((?:@[^/]+\\/)?[^/]+)\\//.exec(r.url);
    if (m) loaded.add(m[1]);
    return r;
  },
});
const storage = await import('#platform/storage/index.ts');
new storage.LocalBlobStore(os.tmpdir());
const s3 = new storage.S3BlobStore({ endpoint: 'http://127.0.0.1:9', region: 'us-east-1', accessKey: 'x', secretKey: 'y' }, 'xaso');
const atImport = [...loaded];
const failed = await s3.remove('2026-11/none').then(() => 'no', (e) => e.name);
console.log(JSON.stringify({ atImport, afterUse: [...loaded], failed }));
`;

describe('the S3 store loads the AWS SDK on first use', () => {
  it('when the storage is imported and stores are made, then no AWS package is loaded; when the S3 store is used, it is', async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '--eval', SCRIPT],
      { cwd: ROOT, env: { ...process.env, NODE_OPTIONS: '' } },
    );
    const r = JSON.parse(stdout.trim().split('\n').at(-1) as string) as {
      atImport: string[];
      afterUse: string[];
      failed: string;
    };
    assert.deepEqual(
      r.atImport.filter((p) => p.startsWith('@aws-sdk/')),
      [],
      'loaded when the storage is imported',
    );
    assert.ok(r.afterUse.includes('@aws-sdk/client-s3'), `not loaded by a call: ${r.afterUse.join(', ')}`);
    assert.notEqual(r.failed, 'no', 'the call to a closed port failed');
  });
});
