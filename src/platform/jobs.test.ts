import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout } from 'node:timers/promises';
import { createTestDatabase, dbKind } from '#test/support/db.ts';
import { Jobs } from './jobs.ts';

describe('background jobs', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  const running: Jobs[] = [];
  const errors: unknown[] = [];

  /** One "app process": its own pg-boss on the test database (its own pool on a server). */
  async function startJobs() {
    const jobs = new Jobs(database, { url: database.url, onError: (e) => errors.push(e) });
    await jobs.start();
    running.push(jobs);
    return jobs;
  }

  /** Poll the queue's table until every job is completed (pg-boss never runs a completed job again). */
  async function waitForCompleted(ids: string[]) {
    const until = Date.now() + 30_000;
    for (;;) {
      const [row] = await database.query<{ n: number }>(
        "select count(*)::int as n from pgboss.job where id = any($1::uuid[]) and state = 'completed'",
        [ids],
      );
      if (row?.n === ids.length) return;
      if (Date.now() > until) assert.fail(`${ids.length} jobs completed: only ${row?.n} within 30 s`);
      await setTimeout(100);
    }
  }

  before(async () => {
    database = await createTestDatabase();
  });
  after(async () => {
    for (const jobs of running) await jobs.stop();
    await database.close();
  });

  it('when a job is sent once, then it runs exactly once and is marked completed', async () => {
    const jobs = await startJobs();
    const seen: string[] = [];
    await jobs.work<{ dossier: string }>(
      'test.once',
      async (data) => {
        seen.push(data.dossier);
      },
      { pollingIntervalSeconds: 0.5 },
    );
    const id = await jobs.send('test.once', { dossier: 'HS-06541-000123' });
    assert.ok(id, 'pg-boss returns the job id');
    await waitForCompleted([id as string]);
    // Stopping waits for every handler still running: a second run would be in `seen` by now.
    await jobs.stop();
    assert.deepEqual(seen, ['HS-06541-000123']);
    assert.deepEqual(errors, []);
  });

  const onServer = { skip: dbKind !== 'postgres' && 'two processes need a PostgreSQL server' };

  it(
    'when two app processes work one queue and 20 jobs are sent, then each job is handled exactly once',
    onServer,
    async () => {
      const a = await startJobs();
      const b = await startJobs();
      const handled = new Map<number, string[]>();
      const worker = (name: string) => async (data: { n: number }) => {
        // Hold each job a moment, so the two workers overlap.
        await setTimeout(20);
        handled.set(data.n, [...(handled.get(data.n) ?? []), name]);
      };
      await a.work('test.many', worker('a'), { pollingIntervalSeconds: 0.5 });
      await b.work('test.many', worker('b'), { pollingIntervalSeconds: 0.5 });
      const ids: string[] = [];
      for (let n = 1; n <= 20; n++) ids.push((await (n % 2 ? a : b).send('test.many', { n })) as string);
      await waitForCompleted(ids);
      // Stopping waits for the handlers still running: a job fetched twice would be counted twice now.
      await a.stop();
      await b.stop();
      const twice = [...handled].filter(([, by]) => by.length !== 1);
      assert.deepEqual(twice, [], 'no job handled twice');
      assert.deepEqual(
        [...handled.keys()].sort((x, y) => x - y),
        Array.from({ length: 20 }, (_, i) => i + 1),
      );
      assert.deepEqual(errors, []);
    },
  );

  it(
    'when two app processes start at the same moment, then both register their workers on a new queue',
    onServer,
    async () => {
      const a = await startJobs();
      const b = await startJobs();
      // Both processes boot together and call work() for queues that do not exist yet (a fresh install,
      // or a release that adds a queue). Several rounds, because the collision depends on timing.
      for (let round = 1; round <= 5; round++) {
        const queue = `test.boot-${round}`;
        const outcomes = await Promise.allSettled([
          a.work(queue, async () => {}),
          b.work(queue, async () => {}),
        ]);
        const failures = outcomes.flatMap((o) => (o.status === 'rejected' ? [String(o.reason)] : []));
        assert.deepEqual(failures, [], `round ${round}`);
      }
      assert.deepEqual(errors, []);
    },
  );
});
