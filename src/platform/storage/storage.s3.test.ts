import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { after, before, describe, it } from 'node:test';
import S3rver from 's3rver';
import { createTestDatabase } from '#test/support/db.ts';
import type { Database } from '../db/client.ts';
import { Invalid } from '../errors.ts';
import { FileService, S3BlobStore } from './index.ts';

// A real S3-compatible server (s3rver) on loopback stands in for the province's object store.
const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');

describe('file storage on an S3-compatible object store', () => {
  let database: Database;
  let server: S3rver;
  let dir: string;
  let files: FileService;
  let store: S3BlobStore;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xaso-s3-'));
    server = new S3rver({
      address: '127.0.0.1',
      port: 0,
      silent: true,
      directory: dir,
      configureBuckets: [{ name: 'xaso' }],
    });
    const { port } = await server.run();
    store = new S3BlobStore(
      { endpoint: `http://127.0.0.1:${port}`, region: 'us-east-1', accessKey: 'S3RVER', secretKey: 'S3RVER' },
      'xaso',
    );
    database = await createTestDatabase();
    files = new FileService(store, database, 64 * 1024);
  });
  after(async () => {
    await database.close();
    await server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('when a real PDF is stored, then it reads back byte for byte', async () => {
    const f = await files.save(Readable.from([PDF]), { originalName: 'don.pdf' });
    assert.equal(f.mimeType, 'application/pdf');
    const opened = await files.open(f.id);
    assert.ok(opened);
    assert.deepEqual(await buffer(opened.stream), PDF);
  });

  it('when a text file is renamed .pdf, then it is refused and no object or row is left', async () => {
    await assert.rejects(
      files.save(Readable.from([Buffer.from('not a pdf at all, just text '.repeat(10))]), {
        originalName: 'giay-to.pdf',
      }),
      (e: unknown) =>
        e instanceof Invalid && /không phải PDF, JPEG hoặc PNG thật/.test(e.fields[0]?.vi ?? ''),
    );
    const [row] = await database.query<{ n: number }>(
      "select count(*)::int as n from files where original_name = 'giay-to.pdf'",
    );
    assert.equal(row?.n, 0);
  });

  it('when a file is over the cap, then it is refused as too large and the bucket holds only the accepted file', async () => {
    const big = Buffer.concat([PDF, Buffer.alloc(70 * 1024, 0x20)]);
    await assert.rejects(
      files.save(Readable.from([big]), { originalName: 'lon.pdf' }),
      (e: unknown) => e instanceof Invalid && /lớn hơn 0.1 MB/.test(e.fields[0]?.vi ?? ''),
    );
    const objects = fs
      .readdirSync(path.join(dir, 'xaso'), { recursive: true })
      .map(String)
      .filter((p) => p.endsWith('._S3rver_object'));
    assert.equal(objects.length, 1);
  });
});
