import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { openDatabase, sharedBuffersMb } from './client.ts';

const MB = 1024 * 1024;

describe('PGlite memory sized to the data', () => {
  it('when the data is new or small, then the buffer pool is 16 MB; it grows with the data up to 64 MB', () => {
    assert.equal(sharedBuffersMb(0), 16);
    assert.equal(sharedBuffersMb(40 * MB), 16);
    assert.equal(sharedBuffersMb(100 * MB), 32);
    assert.equal(sharedBuffersMb(200 * MB), 56);
    assert.equal(sharedBuffersMb(10_000 * MB), 64);
  });

  it('when a data folder is opened, then PostgreSQL runs with the sized pool, not the 128 MB initdb writes', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xaso-client-'));
    try {
      const database = await openDatabase({ dataDir: path.join(dir, 'pglite') });
      try {
        const [row] = await database.query<{ shared_buffers: string }>('show shared_buffers');
        assert.equal(row?.shared_buffers, '16MB');
        // The folder's own configuration still says 128 MB: the start parameter is what sizes it.
        const conf = fs.readFileSync(path.join(dir, 'pglite/postgresql.conf'), 'utf8');
        assert.match(conf, /^shared_buffers = 128MB/m);
      } finally {
        await database.close();
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
