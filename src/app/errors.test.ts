import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { ServiceUnavailable } from '#platform/errors.ts';
import { createTestDatabase, dbKind } from '#test/support/db.ts';
import { toAppError } from './errors.tsx';

/** The error the pg driver really gives for a statement or a connection, or a failure. */
async function pgError(run: () => Promise<unknown>): Promise<unknown> {
  try {
    await run();
  } catch (e) {
    return e;
  }
  assert.fail('expected the driver to fail');
}

const closedPort = () =>
  new Promise<number>((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });

describe('errors from the database', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  before(async () => {
    database = await createTestDatabase();
  });
  after(async () => {
    await database.close();
  });

  it('when the database server refuses the connection, then the answer is 503 with a retry time, not 500', async () => {
    const client = new pg.Client({ host: '127.0.0.1', port: await closedPort(), user: 'x', database: 'x' });
    const e = await pgError(() => client.connect());
    const err = toAppError(e);
    assert.ok(err instanceof ServiceUnavailable, `got ${err.status} ${err.kind}`);
    assert.equal(err.status, 503);
    assert.equal(err.retryAfterSeconds, 5);
    assert.match(err.detail.vi, /gửi lại/);
  });

  it('when the server ends the session (a restart or failover), then 503', {
    skip: dbKind !== 'postgres' && 'needs a PostgreSQL server',
  }, async () => {
    const client = new pg.Client({ connectionString: database.url });
    client.on('error', () => {});
    await client.connect();
    const e = await pgError(() => client.query('select pg_terminate_backend(pg_backend_pid())'));
    await client.end().catch(() => {});
    assert.equal((e as { code?: string }).code, '57P01');
    assert.equal(toAppError(e).status, 503);
  });

  it('when a statement is wrong, then it stays a 500 without detail', async () => {
    const e = await pgError(() => database.query('select * from no_such_table'));
    const err = toAppError(e);
    assert.equal(err.status, 500);
    assert.equal(err.kind, 'internal');
  });
});
