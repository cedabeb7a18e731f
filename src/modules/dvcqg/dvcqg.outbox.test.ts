import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { syncPaymentMark } from '#modules/dossiers/index.ts';
import { fixedClock } from '#platform/clock.ts';
import { COMMUNE_A, COMMUNE_B } from '#test/support/app.ts';
import { setPlaceSync } from './dvcqg.service.ts';
import { actApi, MADONVI, type SyncTest, setupSync, submitOnline } from './dvcqg.test-support.ts';

/**
 * The outbox is written by the dossiers module's own change (its transaction, or the submission's
 * one statement), only where sync is on.
 */
describe('the outbox, inside every dossier change', () => {
  const clock = fixedClock(new Date('2026-03-02T01:30:00Z'));
  let s: SyncTest;
  let desk: string;
  let n = 0;

  before(async () => {
    // Sync off everywhere to start with: the default.
    s = await setupSync(clock, { syncOn: false });
    desk = await s.t.token('desk_a');
  });
  after(() => s.close());

  const outbox = (code: string) =>
    s.t.platform.database.query<{ action_type: string }>(
      'select o.action_type from dvcqg_outbox o join dvcqg_dossiers d using (dossier_id) where d.code = $1 order by o.action_id',
      [code],
    );
  const totals = async () =>
    (
      await s.t.platform.database.query<{ o: number; d: number }>(
        'select (select count(*)::int from dvcqg_outbox) as o, (select count(*)::int from dvcqg_dossiers) as d',
      )
    )[0];

  it('when no commune has switched sync on, then dossiers are filed and processed and nothing is queued', async () => {
    const code = await submitOnline(s.t, n++);
    await actApi(s.t, desk, code, { type: 'receive' });
    await actApi(s.t, desk, code, { type: 'assign', assigneeId: s.ids.specialist });
    assert.deepEqual(await totals(), { o: 0, d: 0 });
    const r = await s.drain();
    assert.equal(r.claimed, 0);
    // Only the set-up's catalogue look-up (a session, then LayThuTuc) reached the portal.
    assert.deepEqual(
      s.portal.state.calls.map((c) => c.service),
      ['login', 'LayThuTuc'],
    );
  });

  it('when commune A switches sync on, then its changes are queued, in order, and commune B’s are not', async () => {
    await setPlaceSync(s.admin, COMMUNE_A, { madonvi: MADONVI, enabled: 'on' });
    const a = await submitOnline(s.t, n++, COMMUNE_A);
    const b = await submitOnline(s.t, n++, COMMUNE_B);
    await actApi(s.t, desk, a, { type: 'receive' });
    assert.deepEqual(
      (await outbox(a)).map((r) => r.action_type),
      ['submit', 'receive', 'payment_requested'],
    );
    assert.deepEqual(await outbox(b), []);
    const [row] = await s.t.platform.database.query<{
      state: string;
      local_status: number;
      place_code: string;
    }>(
      `select d.state, d.local_status, p.place_code from dvcqg_dossiers d join dvcqg_places p using (place_id)
       where d.code = $1`,
      [a],
    );
    assert.deepEqual(row, { state: 'pending', local_status: 6, place_code: COMMUNE_A });
  });

  it('when the change’s transaction rolls back, then its outbox row goes with it', async () => {
    const code = await submitOnline(s.t, n++);
    assert.deepEqual(
      (await outbox(code)).map((r) => r.action_type),
      ['submit'],
    );
    await actApi(s.t, desk, code, { type: 'receive' });
    const queued = (await outbox(code)).map((r) => r.action_type);
    assert.deepEqual(queued, ['submit', 'receive', 'payment_requested']);
    // The payments module marks the fee paid inside its own transaction, which then fails.
    const paid = async () => ({ unpaid: 0, paid: 8000 });
    const mark = (tx: Parameters<Parameters<typeof s.t.platform.database.db.transaction>[0]>[0]) =>
      syncPaymentMark(
        tx,
        { db: s.t.platform.database.db, clock },
        { publicUrl: 'http://x.test' },
        code,
        paid,
      );
    await assert.rejects(
      s.t.platform.database.db.transaction(async (tx) => {
        assert.equal((await mark(tx))?.type, 'payment_received');
        throw new Error('the payments module failed after the mark');
      }),
      /failed after the mark/,
    );
    assert.deepEqual(
      (await outbox(code)).map((r) => r.action_type),
      queued,
    );
    // The same mark, committed, is queued.
    await s.t.platform.database.db.transaction((tx) => mark(tx));
    assert.deepEqual(
      (await outbox(code)).map((r) => r.action_type),
      [...queued, 'payment_received'],
    );
  });

  it('when a submission is replayed with its idempotency key, then its one statement queues it once', async () => {
    const first = await submitOnline(s.t, 900);
    const again = await submitOnline(s.t, 900);
    assert.equal(again, first);
    assert.deepEqual(
      (await outbox(first)).map((r) => r.action_type),
      ['submit'],
    );
  });

  it('when the daily sweep marks a dossier late, then the mark is not queued: it is no step at the portal', async () => {
    const code = await submitOnline(s.t, n++);
    await actApi(s.t, desk, code, { type: 'receive' });
    const queued = (await outbox(code)).length;
    clock.advance(30 * 86_400_000);
    const { sweepOverdue, dossierDeps } = await import('#modules/dossiers/index.ts');
    const marked = await sweepOverdue(
      { ...s.admin, actor: { kind: 'anonymous' }, clock },
      dossierDeps(s.t.platform),
    );
    assert.ok(marked.includes(code));
    assert.equal((await outbox(code)).length, queued);
  });

  it('when commune A switches sync off again, then nothing more is queued for it', async () => {
    await setPlaceSync(s.admin, COMMUNE_A, { enabled: undefined });
    const before = await totals();
    const code = await submitOnline(s.t, n++);
    await actApi(s.t, desk, code, { type: 'receive' });
    assert.deepEqual(await totals(), before);
    // The code typed earlier is kept for switching on again.
    const [row] = await s.t.platform.database.query<{ madonvi: string; enabled: boolean }>(
      'select madonvi, enabled from dvcqg_places',
    );
    assert.deepEqual(row, { madonvi: MADONVI, enabled: false });
  });
});
