import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { fixedClock } from '#platform/clock.ts';
import { retryDelayMs } from './dvcqg.deliver.ts';
import { actApi, type SyncTest, setupSync, submitOnline } from './dvcqg.test-support.ts';

/**
 * Delivery when things go wrong: answers lost after the portal did the work, a portal that says
 * no, a portal that cannot be reached, a procedure nobody mapped. The mock fails on cue.
 */
describe('delivery when the portal misbehaves', () => {
  const clock = fixedClock(new Date('2026-03-02T01:30:00Z'));
  let s: SyncTest;
  let desk: string;
  let cookie: string;
  let n = 0;

  before(async () => {
    s = await setupSync(clock, {
      // Time-outs long enough for a loaded machine: a call that times out by accident trips the breaker.
      env: { DVCQG_MAX_ATTEMPTS: '3', DVCQG_TIMEOUT_MS: '1500', DVCQG_LEASE_SECONDS: '10' },
    });
    desk = await s.t.token('desk_a');
    cookie = await s.t.signIn('admin_a');
  });
  after(() => s.close());

  const row = async (code: string) =>
    (
      await s.t.platform.database.query<{
        state: string;
        attempts: number;
        last_error: string | null;
        hold_reason: string | null;
        next_attempt_at: Date | null;
        dossier_id: number;
      }>('select * from dvcqg_dossiers where code = $1', [code])
    )[0];
  const calls = (code: string, service?: string) =>
    s.portal.state.calls.filter((c) => c.maHoSo.includes(code) && (!service || c.service === service));

  it('when the answer to a create is lost, then the retry looks the dossier up and updates it: no second dossier', async () => {
    const code = await submitOnline(s.t, n++);
    s.portal.faults.add({ kind: 'drop', service: 'DongBoHoSoMC', maHoSo: code });
    const first = await s.drain();
    assert.equal(first.failed, 1);
    assert.equal(s.portal.state.dossier(code)?.versions.length, 1, 'the portal did create it');
    assert.equal((await row(code))?.attempts, 1);
    clock.advance(retryDelayMs(1) + 15_000);
    const second = await s.drain();
    assert.equal(second.delivered, 1);
    assert.deepEqual(
      calls(code).map((c) => c.service),
      ['TraCuuHoSo', 'DongBoHoSoMC', 'TraCuuHoSo', 'DongBoHoSoMC', 'CapNhatTienDoHoSoMC'],
    );
    assert.deepEqual(
      s.portal.state.dossier(code)?.versions.map((v) => v.isUpdating),
      ['False', 'True'],
    );
    assert.equal(s.portal.state.dossier(code)?.progress.length, 1);
  });

  it('when progress is sent and its answer lost, then it is sent again, counted, and the row said so beforehand', async () => {
    const code = await submitOnline(s.t, n++);
    s.portal.faults.add({ kind: 'timeout', service: 'CapNhatTienDoHoSoMC', maHoSo: code, ms: 10_000 });
    const first = await s.drain();
    assert.equal(first.failed, 1);
    const [mid] = await s.t.platform.database.query<{ progress_sent_through: number; portal_has: boolean }>(
      'select progress_sent_through, portal_has from dvcqg_dossiers where code = $1',
      [code],
    );
    assert.equal(mid?.portal_has, true);
    assert.ok(mid?.progress_sent_through, 'the send was recorded before the call');
    clock.advance(retryDelayMs(1) + 15_000);
    await s.drain();
    // The portal keeps appended progress with no key to check it by: the entry is there twice,
    // and this side knows which (sends = 2).
    assert.equal(s.portal.state.dossier(code)?.progress.length, 2);
    const [o] = await s.t.platform.database.query<{ sends: number; delivered: boolean }>(
      'select o.sends, o.delivered_at is not null as delivered from dvcqg_outbox o join dvcqg_dossiers d using (dossier_id) where d.code = $1',
      [code],
    );
    assert.deepEqual(o, { sends: 2, delivered: true });
  });

  it('when the portal refuses a dossier every time, then it backs off, becomes a dead letter, and an admin resends it', async () => {
    const code = await submitOnline(s.t, n++);
    const fault = s.portal.faults.add({
      kind: 'error-code',
      service: 'DongBoHoSoMC',
      maHoSo: code,
      errorCode: -7,
      message: 'Mã TTHC không thuộc đơn vị (giả lập)',
      untilCleared: true,
    });
    const waits: number[] = [];
    for (let i = 1; i <= 3; i++) {
      await s.drain();
      const r = await row(code);
      assert.equal(r?.attempts, i);
      if (i < 3) {
        waits.push((r?.next_attempt_at?.getTime() ?? 0) - clock.now().getTime());
        // Not before its time: a pass now leaves it alone.
        assert.equal((await s.drain()).claimed, 0);
        clock.advance(retryDelayMs(i));
      }
    }
    assert.deepEqual(waits, [30_000, 60_000], 'back-off doubles');
    const dead = await row(code);
    assert.equal(dead?.state, 'dead');
    assert.match(dead?.last_error ?? '', /không thuộc đơn vị/);

    // The admin page shows it with the portal's answer, and a resend button.
    const page = await s.t.app.inject({ method: 'GET', url: '/quan-tri/dvcqg', headers: { cookie } });
    assert.equal(page.statusCode, 200);
    assert.match(page.body, new RegExp(`data-code="${code}" data-state="dead"`));
    assert.match(page.body, /Mã TTHC không thuộc đơn vị/);
    assert.match(page.body, /data-dead="1"/);

    s.portal.faults.clear();
    assert.ok(fault.fired >= 3);
    const { csrf, cookie: c } = await s.t.formToken('/quan-tri/dvcqg', cookie);
    const resent = await s.t.app.inject({
      method: 'POST',
      url: `/quan-tri/dvcqg/gui-lai/${dead?.dossier_id}`,
      headers: { cookie: c },
      payload: { _csrf: csrf },
    });
    assert.equal(resent.statusCode, 303, resent.body);
    assert.equal((await s.drain()).delivered, 1);
    assert.equal((await row(code))?.state, 'synced');
    assert.equal(s.portal.state.dossier(code)?.versions.length, 1, 'refused calls changed nothing');
  });

  it('when the portal cannot be reached, then one dossier probes it and the others wait, none loses an attempt', async () => {
    const codes = [await submitOnline(s.t, n++), await submitOnline(s.t, n++), await submitOnline(s.t, n++)];
    s.portal.faults.add({ kind: 'http-500', untilCleared: true });
    const before = s.portal.state.calls.length;
    const first = await s.drain();
    assert.ok(first.failed >= 1);
    for (let i = 0; i < 5; i++) {
      clock.advance(60_000);
      await s.drain();
    }
    const tried = (await Promise.all(codes.map(row))).map((r) => r?.attempts ?? 0);
    assert.ok(
      tried.reduce((a, b) => a + b, 0) <= first.failed + 5,
      `one probe per breaker period, not one call per dossier per pass: ${tried}`,
    );
    assert.ok(s.portal.state.calls.length - before <= first.failed + 6);
    s.portal.faults.clear();
    clock.advance(3600_000);
    await s.drain();
    for (const c of codes) assert.equal((await row(c))?.state, 'synced', c);
  });

  it('when a procedure has no national code, then its dossiers are held with the reason, and confirming one releases them', async () => {
    const code = await submitOnline(s.t, n++);
    await s.t.platform.database.query('delete from dvcqg_procedure_map');
    const r = await s.drain();
    assert.equal(r.held, 1);
    const held = await row(code);
    assert.equal(held?.state, 'held');
    assert.equal(held?.hold_reason, 'unmapped_procedure');
    assert.match(held?.last_error ?? '', /chưa được gắn mã thủ tục quốc gia/);
    await actApi(s.t, desk, code, { type: 'receive' });
    assert.equal((await row(code))?.state, 'held', 'a new change waits behind it, in order');
    assert.equal(calls(code).length, 0, 'nothing was sent');

    const { confirmMapping } = await import('./dvcqg.service.ts');
    const done = await confirmMapping(s.admin, s.deps, '9.000001', { maTthc: '1.001193' });
    assert.equal(done.released, 1);
    await s.drain();
    assert.equal((await row(code))?.state, 'synced');
    assert.deepEqual(
      s.portal.state.dossier(code)?.progress.map((p) => p.entry.TrangThai),
      ['1', '2', '6'],
    );
  });
});
