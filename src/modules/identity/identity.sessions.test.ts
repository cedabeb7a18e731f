import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout } from 'node:timers/promises';
import { fixedClock } from '#platform/clock.ts';
import { Jobs } from '#platform/jobs.ts';
import { COMMUNE_A, createTestApp } from '#test/support/app.ts';
import { insertSession } from './identity.queries.ts';
import { SESSION_SWEEP_CRON, SESSION_SWEEP_QUEUE, startIdentityWorkers } from './index.ts';

describe('expired sessions are swept', () => {
  it('when the identity workers start, then an hourly sweep is scheduled, and a run deletes the expired sessions and tokens only', async () => {
    const clock = fixedClock(new Date('2026-11-23T08:00:00+07:00'));
    const t = await createTestApp({ clock });
    const errors: unknown[] = [];
    const url = (t.platform.database as { url?: string }).url;
    const jobs = new Jobs(t.platform.database, { url, onError: (e) => errors.push(e) });
    try {
      const userId = await t.user('swept', 'receptionist', COMMUNE_A);
      const at = (ms: number) => new Date(clock.now().getTime() + ms);
      const sessions = {
        'expired-yesterday': at(-86_400_000),
        'expired-now': at(0),
        'live-one-second': at(1000),
        'live-tomorrow': at(86_400_000),
      };
      for (const [tokenHash, expiresAt] of Object.entries(sessions)) {
        await insertSession(t.platform.database.db, { tokenHash, kind: 'web', userId, expiresAt });
      }
      await insertSession(t.platform.database.db, {
        tokenHash: 'api-expired',
        kind: 'api',
        userId,
        expiresAt: at(-1),
      });
      const left = async () =>
        (
          await t.platform.database.query<{ token_hash: string }>(
            'select token_hash from sessions order by 1',
          )
        ).map((r) => r.token_hash);

      await jobs.start();
      await startIdentityWorkers({ ...t.platform, jobs });
      const [schedule] = await t.platform.database.query<{ cron: string; timezone: string }>(
        'select cron, timezone from pgboss.schedule where name = $1',
        [SESSION_SWEEP_QUEUE],
      );
      assert.deepEqual(schedule, { cron: SESSION_SWEEP_CRON, timezone: 'Asia/Ho_Chi_Minh' });

      await jobs.send(SESSION_SWEEP_QUEUE, {});
      const deadline = Date.now() + 30_000;
      while ((await left()).length > 2 && Date.now() < deadline) await setTimeout(200);
      assert.deepEqual(await left(), ['live-one-second', 'live-tomorrow']);
      assert.deepEqual(errors, []);
    } finally {
      await jobs.stop();
      await t.close();
    }
  });
});
