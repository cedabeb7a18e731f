import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import S3rver from 's3rver';
import { createTestDatabase } from '#test/support/db.ts';
import type { Database } from '../db/client.ts';
import { type BlobStore, FileService, LocalBlobStore, S3BlobStore } from './index.ts';
import { sweepFiles } from './sweep.ts';

const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');
const HOUR = 3600_000;
const GRACE = 24 * HOUR;

/**
 * The sweep against a real store: files on a local disk, and objects in a real S3-compatible server
 * (s3rver on loopback), each beside a fresh database. What the sweep should keep is read back
 * from the store's own listing and from the disk or the server's folder.
 */
function sweepSuite(
  name: string,
  open: (dir: string) => Promise<{ store: BlobStore; close(): Promise<void> }>,
) {
  describe(`the upload sweep, ${name}`, () => {
    let database: Database;
    let dir: string;
    let store: BlobStore;
    let files: FileService;
    let close: () => Promise<void>;

    before(async () => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xaso-sweep-'));
      ({ store, close } = await open(dir));
      database = await createTestDatabase();
      files = new FileService(store, database, 64 * 1024);
      // A table of this test's own that keeps files, as a module's table does: a foreign key.
      await database.exec('create table sweep_test_keeps (file_id uuid not null references files (id))');
    });
    after(async () => {
      await database.close();
      await close();
      fs.rmSync(dir, { recursive: true, force: true });
    });

    async function keys() {
      const out: string[] = [];
      for await (const e of store.list()) out.push(e.key);
      return out.sort();
    }

    it('when uploads are staged, kept by a row, or stray in the store, then only the old unkept ones go, and the report names them', async () => {
      const refused = await files.store(Readable.from([PDF]), { originalName: 'refused.pdf' });
      await files.record([refused]);
      const kept = await files.store(Readable.from([PDF]), { originalName: 'kept.pdf' });
      await files.record([kept]);
      await database.query('insert into sweep_test_keeps (file_id) values ($1)', [kept.id]);
      // Bytes with no row at all: a request that died between storing and recording.
      const stray = await files.store(Readable.from([PDF]), { originalName: 'stray.pdf' });
      assert.deepEqual(await keys(), [refused.storageKey, kept.storageKey, stray.storageKey].sort());

      // Within the grace period nothing goes; the kept file leaves the staging area.
      const early = await sweepFiles(database, store, { now: new Date(Date.now() + HOUR), graceMs: GRACE });
      assert.deepEqual(
        { ...early, keys: [] },
        { committed: 1, removedRows: 0, removedBlobs: 0, removedBytes: 0, keys: [] },
      );
      assert.equal((await keys()).length, 3);

      const later = await sweepFiles(database, store, {
        now: new Date(Date.now() + 2 * GRACE),
        graceMs: GRACE,
      });
      assert.equal(later.committed, 0);
      assert.equal(later.removedRows, 1);
      assert.equal(later.removedBlobs, 1);
      assert.equal(later.removedBytes, 2 * PDF.length);
      assert.deepEqual(later.keys.sort(), [refused.storageKey, stray.storageKey].sort());
      assert.deepEqual(await keys(), [kept.storageKey]);
      const rows = await database.query<{ id: string; staged: boolean }>(
        'select id, staged_at is not null as staged from files order by id',
      );
      assert.deepEqual(rows, [{ id: kept.id, staged: false }]);
      const opened = await files.open(kept.id);
      assert.ok(opened, 'the kept file still opens');
      opened.stream.resume();

      // Run again: nothing more to do.
      const again = await sweepFiles(database, store, {
        now: new Date(Date.now() + 2 * GRACE),
        graceMs: GRACE,
      });
      assert.deepEqual(again, { committed: 0, removedRows: 0, removedBlobs: 0, removedBytes: 0, keys: [] });
    });
  });
}

sweepSuite('on a local disk', async (dir) => ({
  store: new LocalBlobStore(path.join(dir, 'files')),
  close: async () => {},
}));

sweepSuite('on an S3-compatible object store', async (dir) => {
  const server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory: dir,
    configureBuckets: [{ name: 'xaso' }],
  });
  const { port } = await server.run();
  const store = new S3BlobStore(
    { endpoint: `http://127.0.0.1:${port}`, region: 'us-east-1', accessKey: 'S3RVER', secretKey: 'S3RVER' },
    'xaso',
  );
  return { store, close: () => server.close() };
});

describe('the upload sweep and a half-written file', () => {
  it('when a local write died before its rename, then the .part file is swept once it is old', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xaso-sweep-part-'));
    const database = await createTestDatabase();
    try {
      const store = new LocalBlobStore(dir);
      fs.mkdirSync(path.join(dir, '2026-03'), { recursive: true });
      fs.writeFileSync(path.join(dir, '2026-03', 'abc-123.part'), PDF);
      const report = await sweepFiles(database, store, {
        now: new Date(Date.now() + 2 * GRACE),
        graceMs: GRACE,
      });
      assert.deepEqual(report.keys, ['2026-03/abc-123.part']);
      assert.equal(fs.existsSync(path.join(dir, '2026-03', 'abc-123.part')), false);
    } finally {
      await database.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
