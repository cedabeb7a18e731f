import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout } from 'node:timers/promises';
import { fixedClock } from '#platform/clock.ts';
import { Jobs } from '#platform/jobs.ts';
import { createTestApp, type TestApp } from '#test/support/app.ts';
import { sweepOverdue } from './dossiers.overdue.ts';
import { APPLICANT, actApi, apiSubmit, created, outbox, setupDossiers } from './dossiers.test-support.ts';
import { dossierDeps, startDossierWorkers, systemCtx } from './index.ts';

describe('the daily overdue sweep', () => {
  let t: TestApp;
  let desk: string;
  let spec: string;
  let specialist = 0;
  const clock = fixedClock(new Date('2026-03-02T01:00:00Z')); // Mon 2 Mar 08:00
  const jobs: Jobs[] = [];
  const events: string[] = [];
  /**
   * Set once the test is over. pg-boss may still hold a pool connection after a graceful stop, and
   * dropping the test database then ends it: that error is the teardown's, not the queue's.
   */
  let stopping = false;

  before(async () => {
    t = await createTestApp({ clock });
    specialist = (await setupDossiers(t)).ids.specialist;
    desk = await t.token('desk_a');
    spec = await t.token('spec_a');
    t.platform.events.on('dossiers.overdue', (e) => {
      events.push(e.code);
    });
  });
  after(async () => {
    stopping = true;
    for (const j of jobs) await j.stop();
    await t.close();
  });

  const receive = async (key: string, phone: string, email?: string) => {
    const code = created(
      await apiSubmit(t, { key, applicant: { ...APPLICANT, phone, ...(email ? { email } : {}) } }),
    ).code;
    assert.equal((await actApi(t, desk, code, { type: 'receive' })).statusCode, 200);
    return code;
  };

  it('when a running clock passes its due time, then the sweep logs "overdue" once, by the system, and the apology goes by SMS', async () => {
    clock.set(new Date('2026-03-02T01:00:00Z'));
    const late = await receive('overdue-key-0000000001', '0912000101', 'hoa@example.vn');
    const paused = await receive('overdue-key-0000000002', '0912000102');
    await actApi(t, desk, paused, { type: 'assign', assigneeId: specialist });
    await actApi(t, spec, paused, { type: 'request_supplement', note: 'Thiếu tờ khai' });
    clock.set(new Date('2026-03-05T11:00:00Z')); // Thu 18:00, after the 17:00 due time
    const onTime = await receive('overdue-key-0000000003', '0912000103');

    const marked = await sweepOverdue(systemCtx(t.platform), dossierDeps(t.platform));
    assert.deepEqual(marked, [late], 'the paused and the fresh dossiers are not late');
    assert.deepEqual(events, [late]);
    const log = await t.platform.database.query<{
      type: string;
      actor_kind: string;
      actor_name: string;
      note: string;
    }>(
      "select a.type, a.actor_kind, a.actor_name, a.note from dossier_actions a join dossiers d on d.id = a.dossier_id where d.code = $1 and a.type = 'overdue'",
      [late],
    );
    assert.deepEqual(log, [
      { type: 'overdue', actor_kind: 'system', actor_name: 'Hệ thống', note: 'Quá hạn từ 17:00 05/03/2026' },
    ]);
    const messages = await outbox(t, '0912000101');
    assert.equal(messages.at(-1)?.template, 'dossiers.overdue');
    assert.match(messages.at(-1)?.body ?? '', /^Xin lỗi: hồ sơ .+ đã quá hạn giải quyết/);
    // The formal letter (form 04) and its email are the documents module's, on `dossiers.overdue`.
    assert.deepEqual(await outbox(t, 'hoa@example.vn'), [], 'no second apology email from here');
    const [row] = await t.platform.database.query<{ overdue_at: Date | null; status: number }>(
      'select overdue_at, status from dossiers where code = $1',
      [late],
    );
    assert.ok(row?.overdue_at);
    assert.equal(row?.status, 2, 'the mark changes no status');

    assert.deepEqual(await sweepOverdue(systemCtx(t.platform), dossierDeps(t.platform)), [], 'marked once');
    const page = await t.app.inject({
      method: 'GET',
      url: '/quan-tri/ho-so?view=open&due=late',
      headers: { cookie: await t.signIn('desk_a') },
    });
    assert.match(page.body, new RegExp(late.replace(/\./g, '\\.')));
    assert.doesNotMatch(page.body, new RegExp(onTime.replace(/\./g, '\\.')));
  });

  it('when the worker runs on the job queue, then the scheduled sweep marks late dossiers', async () => {
    clock.set(new Date('2026-03-09T01:00:00Z')); // Mon 9 Mar
    const late = await receive('overdue-key-0000000004', '0912000104');
    clock.set(new Date('2026-03-20T01:00:00Z'));
    const queue = new Jobs(t.platform.database, {
      url: (t.platform.database as { url?: string }).url,
      onError: (e) => {
        if (!stopping) assert.fail(String(e));
      },
    });
    jobs.push(queue);
    await queue.start();
    await startDossierWorkers({ ...t.platform, jobs: queue });
    await queue.send('dossiers.overdue-sweep', {});
    const until = Date.now() + 30_000;
    for (;;) {
      const rows = await t.platform.database.query<{ overdue_at: Date | null }>(
        'select overdue_at from dossiers where code = $1',
        [late],
      );
      if (rows[0]?.overdue_at) break;
      if (Date.now() > until) assert.fail('the sweep did not run within 30 s');
      await setTimeout(200);
    }
    const schedules = await t.platform.database.query<{ name: string; cron: string; timezone: string }>(
      "select name, cron, timezone from pgboss.schedule where name = 'dossiers.overdue-sweep'",
    );
    assert.deepEqual(schedules, [
      { name: 'dossiers.overdue-sweep', cron: '0 6 * * *', timezone: 'Asia/Ho_Chi_Minh' },
    ]);
  });
});
