import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { act, dossierDeps, submitDossier } from '#modules/dossiers/index.ts';
import { nationalFigures } from '#modules/statistics/index.ts';
import { anonymous } from '#platform/auth/actor.ts';
import { fixedClock } from '#platform/clock.ts';
import { COMMUNE_A } from '#test/support/app.ts';
import { APPLICANT, ctxFor, PROCEDURE, type SyncTest, setupSync, vnStamp } from './dvcqg.test-support.ts';
import { syncedShare } from './index.ts';

const DOSSIERS = 1000;

/**
 * The portal is down for an hour of simulated time (the test's clock; nothing sleeps) while 1,000
 * dossiers are filed and worked on. Then it comes back: every change arrives, in order, none twice,
 * and nobody had to resend anything.
 */
describe('an hour-long outage of the portal while 1,000 dossiers change', () => {
  const clock = fixedClock(new Date('2026-03-02T01:00:00Z'));
  let s: SyncTest;

  before(async () => {
    s = await setupSync(clock);
  });
  after(() => s.close());

  it('when the portal comes back, then every change arrives in order, none twice, none lost', async () => {
    const citizen = ctxFor(s.t, anonymous, clock);
    const a = s.t.places.a;
    const desk = ctxFor(
      s.t,
      {
        kind: 'staff',
        userId: s.ids.desk,
        username: 'desk_a',
        displayName: 'desk_a',
        grants: [
          { role: 'receptionist', placeId: a.id, placePath: a.path, placeName: a.fullName },
          { role: 'specialist', placeId: a.id, placePath: a.path, placeName: a.fullName },
        ],
      },
      clock,
    );
    const deps = dossierDeps(s.t.platform);
    const down = s.portal.faults.add({ kind: 'http-500', untilCleared: true });
    const codes: string[] = [];
    const received = new Set<string>();
    let tries = 0;
    // Sixty simulated minutes; each minute some dossiers are filed, some received, some assigned,
    // and the worker runs as its schedule would.
    for (let minute = 0; minute < 60; minute++) {
      const perMinute = Math.ceil(DOSSIERS / 60);
      for (let i = 0; i < perMinute && codes.length < DOSSIERS; i++) {
        const n = codes.length;
        const filed = await submitDossier(citizen, deps, {
          procedureCode: PROCEDURE.code,
          unitCode: COMMUNE_A,
          applicant: { ...APPLICANT, phone: `091${String(3000000 + n).padStart(7, '0')}` },
          form: { hoTenTre: `Trẻ ${n}` },
          files: [],
        });
        codes.push(filed.dossier.code);
      }
      for (const [i, code] of codes.entries()) {
        // A third of the earlier dossiers are received this minute, and some of those assigned.
        if (i % 3 === minute % 3 && i < codes.length - 20 && !received.has(code)) {
          await act(desk, deps, code, { type: 'receive' });
          received.add(code);
          if (i % 4 === 0) await act(desk, deps, code, { type: 'assign', assigneeId: s.ids.specialist });
        }
      }
      const r = await s.drain();
      tries += r.claimed;
      clock.advance(60_000);
    }
    assert.equal(codes.length, DOSSIERS);
    assert.ok(down.fired > 0, 'the worker did knock');
    assert.ok(tries < 60, `the breaker kept it to a probe now and then, not ${tries} tries`);
    assert.equal(s.portal.state.dossiers.size, 0, 'nothing got through while it was down');

    // Decision 766's transparency sub-indicator: none of the month's dossiers synced yet.
    const march = [new Date('2026-02-28T17:00:00Z'), new Date('2026-03-31T17:00:00Z')] as const;
    const db = { db: s.t.platform.database.db };
    assert.deepEqual(await syncedShare(db, a.path, ...march), { total: DOSSIERS, synced: 0, share: 0 });
    const index14 = async () =>
      (await nationalFigures(db, { path: a.path, from: march[0], to: march[1], now: clock.now() }))
        .syncedDossiers;
    assert.equal(await index14(), 0, 'the 766 index reads the synced dossiers');

    s.portal.faults.clear();
    // Back-offs run out within the hour after; the schedule runs every minute.
    for (let minute = 0; minute < 90; minute++) {
      await s.drain();
      clock.advance(60_000);
    }

    const left = await s.t.platform.database.query<{ state: string; n: number }>(
      'select state, count(*)::int as n from dvcqg_dossiers group by state',
    );
    assert.deepEqual(left, [{ state: 'synced', n: DOSSIERS }]);
    const outbox = await s.t.platform.database.query<{ n: number; undelivered: number; resent: number }>(
      `select count(*)::int as n, count(*) filter (where delivered_at is null)::int as undelivered,
              count(*) filter (where sends <> 1)::int as resent from dvcqg_outbox`,
    );
    assert.equal(outbox[0]?.undelivered, 0);
    assert.equal(outbox[0]?.resent, 0);

    // Each dossier at the portal: created once, its progress equal to our log, in order.
    const logs = await s.t.platform.database.query<{ code: string; at: Date[]; status: number[] }>(
      `select d.code, array_agg(a.at order by a.id) as at, array_agg(a.status_after order by a.id) as status
       from dossiers d join dossier_actions a on a.dossier_id = d.id group by d.code`,
    );
    assert.equal(s.portal.state.dossiers.size, DOSSIERS);
    let entries = 0;
    for (const log of logs) {
      const stored = s.portal.state.dossier(log.code);
      assert.ok(stored, log.code);
      assert.equal(
        stored.versions.filter((v) => v.isUpdating === 'False').length,
        1,
        `${log.code} created once`,
      );
      assert.equal(stored.current.TrangThaiHoSo, String(log.status.at(-1)));
      assert.deepEqual(
        stored.progress.map((p) => [p.entry.ThoiDiemXuLy, p.entry.TrangThai]),
        log.at.map((at, i) => [vnStamp(new Date(at)), String(log.status[i])]),
        `${log.code}: every change once, in order`,
      );
      entries += stored.progress.length;
    }
    assert.equal(entries, outbox[0]?.n);
    assert.ok(entries > 2 * DOSSIERS, `${entries} changes`);
    assert.deepEqual(await syncedShare(db, a.path, ...march), {
      total: DOSSIERS,
      synced: DOSSIERS,
      share: 1,
    });
    assert.equal(await index14(), DOSSIERS);
    // Commune B filed nothing: no share rather than a share of 0.
    assert.deepEqual(await syncedShare(db, s.t.places.b.path, ...march), {
      total: 0,
      synced: 0,
      share: null,
    });
  });
});
