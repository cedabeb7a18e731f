import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { analyzeGrown, openDatabase, sharedBuffersMb } from './client.ts';

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

describe('PGlite tables analyzed as they grow (it has no autovacuum)', () => {
  it('when a table gains rows, then it is analyzed once and the planner knows its size; when nothing grew, nothing is', async () => {
    const database = await openDatabase({});
    try {
      await database.exec('create table growing (id int primary key, kind text not null)');
      await database.exec("insert into growing select n, 'command' from generate_series(1, 5000) n");
      const size = async () =>
        (
          await database.query<{ n: number }>(
            "select reltuples::int as n from pg_class where relname = 'growing'",
          )
        )[0]?.n;
      assert.equal(await size(), -1, 'never analyzed');
      assert.deepEqual(await analyzeGrown(database), ['public.growing']);
      assert.equal(await size(), 5000);
      assert.deepEqual(await analyzeGrown(database), [], 'nothing grew since');
      await database.exec("insert into growing select n, 'command' from generate_series(5001, 10000) n");
      assert.deepEqual(await analyzeGrown(database), ['public.growing'], 'grown by a fifth and more');
      assert.equal(await size(), 10000);
    } finally {
      await database.close();
    }
  });
});
