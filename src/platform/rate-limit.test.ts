import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTestDatabase } from '#test/support/db.ts';
import { fixedClock } from './clock.ts';
import { type Database, openDatabase, type SqlRunner } from './db/client.ts';
import { RateLimiter, SqlCounters, SyncedCounters } from './rate-limit.ts';

describe('rate limiter', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  /** A second process's own connection pool on a server; the same embedded instance on PGlite. */
  let other: Database;
  let limiter: RateLimiter;
  /** Every limiter here counts on this clock: a window passes when the test moves it. */
  const clock = fixedClock(new Date('2026-11-23T08:00:00+07:00'));

  before(async () => {
    database = await createTestDatabase();
    other = database.url ? await openDatabase({ url: database.url, poolSize: 3 }) : database;
    limiter = new RateLimiter(database, { clock });
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
    clock.advance(299);
    assert.equal((await limiter.hit('window:1', 300)).count, 3, 'still the first window');
    clock.advance(1);
    const next = await limiter.hit('window:1', 300);
    assert.equal(next.count, 1);
    assert.equal(next.resetAt.getTime(), first.resetAt.getTime() + 300, 'a new window from now');
    assert.equal((await limiter.hit('window:1', 300)).count, 2);
  });

  it('when the window is still open, then the reset time stays where the first hit put it', async () => {
    const first = await limiter.hit('window:2', 60_000);
    assert.equal(first.resetAt.getTime(), clock.now().getTime() + 60_000, 'a minute after the first hit');
    clock.advance(20_000);
    const later = await limiter.hit('window:2', 60_000);
    assert.equal(later.resetAt.getTime(), first.resetAt.getTime());
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

  it('when a hit is given back, then the count goes down by one and never below 0', async () => {
    const key = { key: 'give:1', windowMs: 60_000 };
    await limiter.countAll([key]);
    await limiter.countAll([key]);
    assert.deepEqual(
      (await limiter.countAll([key])).map((h) => h.count),
      [3],
    );
    await limiter.giveBack([key]);
    assert.equal((await limiter.hit('give:1', 60_000)).count, 3, 'the given-back hit is gone');
    for (let i = 0; i < 5; i++) await limiter.giveBack([key]);
    assert.equal((await limiter.hit('give:1', 60_000)).count, 1, 'never below 0');
    await limiter.giveBack([{ key: 'give:none', windowMs: 60_000 }]);
    assert.equal((await limiter.hit('give:none', 60_000)).count, 1, 'a key with no window is left alone');
  });

  describe('flood counters (hits in memory, added to the shared table every second)', () => {
    const count = async (key: string) =>
      (await database.query<{ count: number }>('select count from rate_limits where key = $1', [key]))[0]
        ?.count ?? 0;
    /** No timer during a test: each sync is asked for. */
    const flood = (db: Database, keys?: number) =>
      new SyncedCounters(new SqlCounters(db), { everyMs: 3_600_000, clock, ...(keys ? { keys } : {}) });
    const hits = async (store: SyncedCounters, key: string, n: number) => {
      const counts = [];
      for (let i = 0; i < n; i++)
        counts.push((await store.hitAll([{ key, windowMs: 60_000 }], clock.now()))[0]?.count);
      return counts;
    };

    it('when a key is hit, then the count answers at once and reaches the table at the next sync, all hits in one go', async () => {
      const store = flood(database);
      assert.deepEqual(await hits(store, 'flood:1', 5), [1, 2, 3, 4, 5]);
      assert.equal(await count('flood:1'), 0, 'no write per hit');
      await store.sync();
      assert.equal(await count('flood:1'), 5);
      assert.deepEqual(await hits(store, 'flood:1', 1), [6]);
      await store.close();
      assert.equal(await count('flood:1'), 6, 'closing adds what is still held');
    });

    it('when two processes count one key, then each sees the other’s hits after its next sync and no hit is lost', async () => {
      const a = flood(database);
      const b = flood(other);
      await hits(a, 'flood:shared', 3);
      await a.sync();
      await hits(b, 'flood:shared', 2);
      await b.sync();
      assert.deepEqual(await hits(b, 'flood:shared', 1), [6], 'b learnt a’s 3 from its sync');
      assert.deepEqual(await hits(a, 'flood:shared', 1), [4], 'a has not synced since b counted');
      await a.sync();
      assert.deepEqual(await hits(a, 'flood:shared', 1), [7], 'a now counts b’s first 2 as well');
      await Promise.all([a.close(), b.close()]);
      assert.equal(await count('flood:shared'), 8, 'every hit, from both, is in the table');
    });

    it('when a sync fails, then its hits stay counted and the next sync adds them', async () => {
      let failNext = true;
      const flaky: SqlRunner = {
        query: async (text, params, name) => {
          if (failNext) {
            failNext = false;
            throw new Error('connection lost');
          }
          return database.query(text, params, name);
        },
        exec: (text) => database.exec(text),
      };
      const store = new SyncedCounters(new SqlCounters(flaky), { everyMs: 3_600_000, clock });
      await hits(store, 'flood:flaky', 3);
      await assert.rejects(store.sync(), /connection lost/);
      assert.deepEqual(await hits(store, 'flood:flaky', 1), [4]);
      await store.close();
      assert.equal(await count('flood:flaky'), 4);
    });

    it('when a hit is given back before the next sync, then the table never sees it; after it, then the next sync takes it back', async () => {
      const store = flood(database);
      const k = { key: 'flood:give', windowMs: 60_000 };
      await hits(store, 'flood:give', 3);
      await store.giveBack([k], clock.now());
      await store.sync();
      assert.equal(await count('flood:give'), 2, 'the hit and its return cancelled out in memory');
      await store.giveBack([k], clock.now());
      assert.deepEqual(await hits(store, 'flood:give', 1), [2], 'counted here at once');
      await store.giveBack([k], clock.now());
      await store.giveBack([k], clock.now());
      await store.sync();
      assert.equal(await count('flood:give'), 0, 'two hits the table held were taken back');
      assert.deepEqual(await hits(store, 'flood:give', 1), [1]);
      await store.close();
      assert.equal(await count('flood:give'), 1);
    });

    it('when a hit given back after a sync meets another process’s hits, then no hit is lost and the count never goes below 0', async () => {
      const a = flood(database);
      const b = flood(other);
      const k = { key: 'flood:give-shared', windowMs: 60_000 };
      await hits(a, 'flood:give-shared', 2);
      await a.sync();
      await hits(b, 'flood:give-shared', 3);
      await b.sync();
      await a.giveBack([k], clock.now());
      await a.giveBack([k], clock.now());
      await a.giveBack([k], clock.now());
      await a.sync();
      assert.equal(await count('flood:give-shared'), 3, 'a took back its own 2; it knew of no third');
      assert.deepEqual(await hits(a, 'flood:give-shared', 1), [4], 'a learnt b’s 3 from its sync');
      await Promise.all([a.close(), b.close()]);
      assert.equal(await count('flood:give-shared'), 4);
    });

    it('when more keys are hit than a process keeps, then the forgotten keys’ hits still reach the table', async () => {
      const store = flood(database, 2);
      await hits(store, 'flood:kept:1', 2);
      await hits(store, 'flood:kept:2', 1);
      await hits(store, 'flood:kept:3', 1);
      await store.close();
      assert.deepEqual(
        [await count('flood:kept:1'), await count('flood:kept:2'), await count('flood:kept:3')],
        [2, 1, 1],
      );
    });
  });

  it('when hits reach max + 1, then allow() refuses with a retry time of at least one second', async () => {
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(await limiter.allow('allow:1', 3, 60_000));
    assert.deepEqual(
      answers.map((a) => a.allowed),
      [true, true, true, false],
    );
    const refused = answers[3];
    assert.equal(refused?.retryAfterSeconds, 60);
    clock.advance(30_500);
    assert.equal((await limiter.allow('allow:1', 3, 60_000)).retryAfterSeconds, 30, 'rounded up');
  });

  it('when the window is almost over, then retryAfterSeconds is still at least 1', async () => {
    await limiter.allow('allow:2', 1, 200);
    clock.advance(150);
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
    const a = new RateLimiter(database, { clock });
    const b = new RateLimiter(other, { clock });
    assert.equal((await a.hit('shared:1', 60_000)).count, 1);
    assert.equal((await b.hit('shared:1', 60_000)).count, 2);
    assert.equal((await a.hit('shared:1', 60_000)).count, 3);
    assert.equal((await b.allow('shared:1', 3, 60_000)).allowed, false);
  });

  it('when two limiters hit one key at the same moment, then no hit is lost or counted twice', async () => {
    const a = new RateLimiter(database, { clock });
    const b = new RateLimiter(other, { clock });
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
    clock.advance(100);
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
