import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout } from 'node:timers/promises';
import { createTestDatabase } from '#test/support/db.ts';
import { type Database, openDatabase } from './db/client.ts';
import { RateLimiter } from './rate-limit.ts';

describe('rate limiter', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  /** A second process's own connection pool on a server; the same embedded instance on PGlite. */
  let other: Database;
  let limiter: RateLimiter;

  before(async () => {
    database = await createTestDatabase();
    other = database.url ? await openDatabase({ url: database.url, poolSize: 3 }) : database;
    limiter = new RateLimiter(database);
  });
  after(async () => {
    if (other !== database) await other.close();
    await database.close();
  });

  it('when counting, then a server keeps the counts in its unlogged table and embedded PGlite in memory', async () => {
    await limiter.hit('where:1', 60_000);
    const rows = await database.query<{ n: number }>(
      "select count(*)::int as n from rate_limits where key = 'where:1'",
    );
    const [table] = await database.query<{ persistence: string }>(
      "select relpersistence as persistence from pg_class where relname = 'rate_limits'",
    );
    assert.equal(table?.persistence, 'u', 'unlogged on both (the migration is the same)');
    assert.equal(rows[0]?.n, database.kind === 'postgres' ? 1 : 0);
  });

  it('when a key is hit within one window, then the count goes up by one each time', async () => {
    const counts = [];
    for (let i = 0; i < 4; i++) counts.push((await limiter.hit('count:1', 60_000)).count);
    assert.deepEqual(counts, [1, 2, 3, 4]);
    assert.equal((await limiter.hit('count:other-key', 60_000)).count, 1);
  });

  it('when the window has passed, then the count starts again at 1 with a new reset time', async () => {
    const first = await limiter.hit('window:1', 300);
    assert.equal((await limiter.hit('window:1', 300)).count, 2);
    await setTimeout(400);
    const next = await limiter.hit('window:1', 300);
    assert.equal(next.count, 1);
    assert.ok(next.resetAt > first.resetAt, 'a new window');
    assert.equal((await limiter.hit('window:1', 300)).count, 2);
  });

  it('when the window is still open, then the reset time stays where the first hit put it', async () => {
    const first = await limiter.hit('window:2', 60_000);
    const later = await limiter.hit('window:2', 60_000);
    assert.equal(later.resetAt.getTime(), first.resetAt.getTime());
    const ahead = first.resetAt.getTime() - Date.now();
    assert.ok(ahead > 55_000 && ahead <= 61_000, `reset about a minute ahead, got ${ahead} ms`);
  });

  it('when several keys are counted at once, then each counts and any one over its max refuses all', async () => {
    const checks = [
      { key: 'all:ip', max: 5, windowMs: 60_000 },
      { key: 'all:code', max: 2, windowMs: 120_000 },
    ];
    const answers = [];
    for (let i = 0; i < 3; i++) answers.push(await limiter.allowAll(checks));
    assert.deepEqual(
      answers.map((a) => a.allowed),
      [true, true, false],
    );
    assert.ok((answers[2]?.retryAfterSeconds ?? 0) > 60, 'the tighter key (2 min window) sets the wait');
    assert.equal((await limiter.hit('all:ip', 60_000)).count, 4);
  });

  it('when keys are counted with a read, then the read’s rows come back as they would alone and the counts are the same counts', async () => {
    const read = (n: number) => ({
      name: 'test_series',
      text: `select i, timestamptz '2026-02-17 00:00+07' + make_interval(days => i) as at, null::text as empty
             from generate_series(1, $1::int) as i`,
      params: [n],
    });
    const checks = [
      { key: 'with:ip', max: 2, windowMs: 60_000 },
      { key: 'with:code', max: 5, windowMs: 60_000 },
    ];
    const first = await limiter.allowAllWith<{ i: number; at: Date; empty: null }>(checks, read(2));
    assert.equal(first.allowed, true);
    assert.deepEqual(first.rows, [
      { i: 1, at: new Date('2026-02-17T17:00:00Z'), empty: null },
      { i: 2, at: new Date('2026-02-18T17:00:00Z'), empty: null },
    ]);
    const none = await limiter.allowAllWith(checks, read(0));
    assert.deepEqual(none.rows, [], 'a read with no rows gives none, not a row of nulls');
    const third = await limiter.allowAllWith(checks, read(1));
    assert.equal(third.allowed, false, 'the third hit on a key allowed twice is refused');
    assert.ok(third.retryAfterSeconds >= 1);
    assert.equal((await limiter.hit('with:code', 60_000)).count, 4, 'plain hits see the same counts');
  });

  it('when hits reach max + 1, then allow() refuses with a retry time of at least one second', async () => {
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(await limiter.allow('allow:1', 3, 60_000));
    assert.deepEqual(
      answers.map((a) => a.allowed),
      [true, true, true, false],
    );
    const refused = answers[3];
    assert.ok(refused);
    assert.ok(
      refused.retryAfterSeconds >= 59 && refused.retryAfterSeconds <= 60,
      `got ${refused.retryAfterSeconds}`,
    );
  });

  it('when the window is almost over, then retryAfterSeconds is still at least 1', async () => {
    await limiter.allow('allow:2', 1, 200);
    const refused = await limiter.allow('allow:2', 1, 200);
    assert.equal(refused.allowed, false);
    assert.equal(refused.retryAfterSeconds, 1);
  });

  it('when a key is reset, then counting starts again', async () => {
    await limiter.hit('reset:1', 60_000);
    await limiter.hit('reset:1', 60_000);
    await limiter.reset('reset:1');
    assert.equal((await limiter.hit('reset:1', 60_000)).count, 1);
  });

  it('when two limiters (two app processes) count one key, then they share the count', async () => {
    const a = new RateLimiter(database);
    const b = new RateLimiter(other);
    assert.equal((await a.hit('shared:1', 60_000)).count, 1);
    assert.equal((await b.hit('shared:1', 60_000)).count, 2);
    assert.equal((await a.hit('shared:1', 60_000)).count, 3);
    assert.equal((await b.allow('shared:1', 3, 60_000)).allowed, false);
  });

  it('when two limiters hit one key at the same moment, then no hit is lost or counted twice', async () => {
    const a = new RateLimiter(database);
    const b = new RateLimiter(other);
    const hits = await Promise.all(
      Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).hit('shared:burst', 60_000)),
    );
    assert.deepEqual(
      hits.map((h) => h.count).sort((x, y) => x - y),
      Array.from({ length: 20 }, (_, i) => i + 1),
    );
  });

  it('when expired counters are purged, then only live windows remain', async () => {
    await limiter.hit('purge:old', 100);
    await limiter.hit('purge:live', 60_000);
    await setTimeout(200);
    assert.deepEqual(await limiter.liveKeys('purge:'), ['purge:live']);
    await limiter.purgeExpired();
    if (database.kind === 'postgres') {
      const rows = await database.query<{ key: string }>(
        "select key from rate_limits where key like 'purge:%'",
      );
      assert.deepEqual(
        rows.map((r) => r.key),
        ['purge:live'],
      );
    }
    assert.equal((await limiter.hit('purge:live', 60_000)).count, 2);
    assert.equal((await limiter.hit('purge:old', 100)).count, 1);
  });
});
