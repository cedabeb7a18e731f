import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout } from 'node:timers/promises';
import { fixedClock } from '#platform/clock.ts';
import { Jobs } from '#platform/jobs.ts';
import { feedbackTestApp, reportRow, submitReport, tokenOf } from './feedback.test-support.ts';
import { ESCALATION_CRON, ESCALATION_QUEUE, startFeedbackWorkers } from './index.ts';

describe('the escalation job on the real job queue', () => {
  it('when the feedback workers start, then the sweep is scheduled in Vietnam time, and a run moves an overdue report to the province', async () => {
    const clock = fixedClock(new Date('2026-11-23T02:00:00Z'));
    const t = await feedbackTestApp({ clock });
    // The test database's own URL on a server (its pool), the shared connection on PGlite.
    const errors: unknown[] = [];
    const url = (t.platform.database as { url?: string }).url;
    const jobs = new Jobs(t.platform.database, { url, onError: (e) => errors.push(e) });
    try {
      await jobs.start();
      await startFeedbackWorkers({ ...t.platform, jobs });
      const [schedule] = await t.platform.database.query<{ cron: string; timezone: string }>(
        'select cron, timezone from pgboss.schedule where name = $1',
        [ESCALATION_QUEUE],
      );
      assert.deepEqual(schedule, { cron: ESCALATION_CRON, timezone: 'Asia/Ho_Chi_Minh' });

      const { res } = await submitReport(t, {
        category: 'water',
        description: 'Đập nước đầu nguồn bị rò rỉ nhiều.',
      });
      const token = tokenOf(res);
      clock.advance(30 * 86_400_000);
      await jobs.send(ESCALATION_QUEUE, {});
      const deadline = Date.now() + 30_000;
      let level = (await reportRow(t, token)).handling_level;
      while (level !== 'province' && Date.now() < deadline) {
        await setTimeout(200);
        level = (await reportRow(t, token)).handling_level;
      }
      assert.equal(level, 'province');
      assert.deepEqual(errors, []);
    } finally {
      await jobs.stop();
      await t.close();
    }
  });
});
