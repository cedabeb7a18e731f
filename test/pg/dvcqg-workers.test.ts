/**
 * Delivery to the national portal by real processes on one PostgreSQL server (dvcqg-worker.ts: the
 * platform booted on the test's database, the worker's loop). Two of them share the queue: each
 * change reaches the mock portal once. A worker killed with SIGKILL while the portal is applying
 * its call: the next one takes its leases over when they run out and loses and duplicates nothing
 * (the one exception, a progress call whose answer was lost, is counted where it happens).
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { after, afterEach, before, describe, it } from 'node:test';
import { act, dossierDeps, submitDossier } from '#modules/dossiers/index.ts';
import { anonymous } from '#platform/auth/actor.ts';
import { fixedClock } from '#platform/clock.ts';
import { COMMUNE_A } from '#test/support/app.ts';
import { serverUrl } from '#test/support/db.ts';
import type { CallRecord } from '../../scripts/mock-dvcqg/portal.ts';
import {
  APPLICANT,
  ctxFor,
  PROCEDURE,
  type SyncTest,
  setupSync,
  vnStamp,
} from '../../src/modules/dvcqg/dvcqg.test-support.ts';

/** Short, so a dead worker's dossiers are taken over within seconds (its process's clock is real). */
const SHORT_LEASE = '6';

describe('delivery by worker processes on one PostgreSQL server', { skip: !serverUrl }, () => {
  const clock = fixedClock(new Date('2026-03-02T01:00:00Z'));
  let s: SyncTest;
  let onCall: ((c: CallRecord) => void) | undefined;
  const children = new Set<ChildProcess>();
  let n = 0;

  before(async () => {
    s = await setupSync(clock, {
      env: { DVCQG_TIMEOUT_MS: '1000', DVCQG_LEASE_SECONDS: SHORT_LEASE },
      portal: { onCall: (c) => onCall?.(c) },
    });
  });
  // A test that fails leaves no worker behind to deliver the next test's changes.
  afterEach(async () => {
    onCall = undefined;
    await Promise.all(
      [...children].map(
        (c) =>
          new Promise((resolve) => {
            if (c.exitCode !== null || c.signalCode !== null) return resolve(null);
            c.once('exit', resolve);
            c.kill('SIGKILL');
          }),
      ),
    );
  });
  after(() => s.close());

  const url = () => (s.t.platform.database as { url?: string }).url ?? '';

  async function startWorker(leaseSeconds = SHORT_LEASE): Promise<{ child: ChildProcess; owner: string }> {
    // Node itself with tsx's loader, not the tsx command: that one is a wrapper process, and
    // SIGKILL to it would leave the worker running as an orphan.
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/pg/dvcqg-worker.ts'], {
      env: {
        ...process.env,
        NODE_ENV: 'test',
        DATABASE_URL: url(),
        LOG_LEVEL: 'silent',
        DVCQG_URL: s.portal.url,
        DVCQG_USERNAME: s.portal.credentials.username,
        DVCQG_PASSWORD: s.portal.credentials.password,
        DVCQG_TIMEOUT_MS: '1000',
        DVCQG_LEASE_SECONDS: leaseSeconds,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.add(child);
    child.on('exit', () => children.delete(child));
    let err = '';
    child.stderr?.on('data', (d) => {
      err += d;
    });
    const owner = await new Promise<string>((resolve, reject) => {
      child.stdout?.on('data', (d: Buffer) => {
        const m = /ready (\S+)/.exec(d.toString());
        if (m?.[1]) resolve(m[1]);
      });
      child.on('exit', (code) => reject(new Error(`worker exited (${code}): ${err}`)));
    });
    return { child, owner };
  }

  /** File `count` dossiers in commune A and receive each: three or four changes apiece. */
  async function fileAndReceive(count: number) {
    const citizen = ctxFor(s.t, anonymous, clock);
    const a = s.t.places.a;
    const desk = ctxFor(
      s.t,
      {
        kind: 'staff',
        userId: s.ids.desk,
        username: 'desk_a',
        displayName: 'desk_a',
        grants: [{ role: 'receptionist', placeId: a.id, placePath: a.path, placeName: a.fullName }],
      },
      clock,
    );
    const deps = dossierDeps(s.t.platform);
    for (let i = 0; i < count; i++) {
      const k = n++;
      const filed = await submitDossier(citizen, deps, {
        procedureCode: PROCEDURE.code,
        unitCode: COMMUNE_A,
        applicant: { ...APPLICANT, phone: `091${String(4000000 + k).padStart(7, '0')}` },
        form: { hoTenTre: `Trẻ ${k}` },
        files: [],
      });
      clock.advance(1000);
      await act(desk, deps, filed.dossier.code, { type: 'receive' });
      clock.advance(1000);
    }
  }

  /** Wait (for the other processes, not for time) until every change is delivered. */
  async function settled(deadlineMs = 120_000) {
    const end = Date.now() + deadlineMs;
    for (;;) {
      const [row] = await s.t.platform.database.query<{ left: number }>(
        `select (select count(*) from dvcqg_outbox where delivered_at is null)
              + (select count(*) from dvcqg_dossiers where state <> 'synced') as left`,
      );
      if (Number(row?.left) === 0) return;
      if (Date.now() > end) throw new Error(`${row?.left} changes or dossiers still waiting`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /**
   * The portal's view equals ours: every dossier created once, its progress our log in order. A
   * progress entry may appear twice only where the outbox says it was sent twice.
   */
  async function assertPortalMatches() {
    const logs = await s.t.platform.database.query<{
      code: string;
      at: Date[];
      status: number[];
      sends: number[];
    }>(
      `select d.code, array_agg(a.at order by a.id) as at, array_agg(a.status_after order by a.id) as status,
              array_agg(coalesce(o.sends, 0) order by a.id) as sends
       from dossiers d join dossier_actions a on a.dossier_id = d.id
       left join dvcqg_outbox o on o.dossier_id = d.id and o.action_id = a.id
       group by d.code`,
    );
    let duplicated = 0;
    for (const log of logs) {
      const stored = s.portal.state.dossier(log.code);
      assert.ok(stored, `${log.code} reached the portal`);
      assert.equal(
        stored.versions.filter((v) => v.isUpdating === 'False').length,
        1,
        `${log.code} created once`,
      );
      assert.equal(stored.current.TrangThaiHoSo, String(log.status.at(-1)));
      // Each change at the portal at least once, in order, and more than once only where the
      // outbox says its progress call went again after a lost answer (`sends` is what may have
      // reached the portal: an attempt killed before its call went out counts too).
      const got = stored.progress.map((p) => `${p.entry.ThoiDiemXuLy}:${p.entry.TrangThai}`);
      const mine = log.at.map((at, i) => `${vnStamp(new Date(at))}:${log.status[i]}`);
      assert.deepEqual(
        got.filter((g, i) => got.indexOf(g) === i),
        mine.filter((g, i) => mine.indexOf(g) === i),
        `${log.code}: every change, in order`,
      );
      for (const [i, entry] of mine.entries()) {
        const times = got.filter((g) => g === entry).length;
        const allowed = Math.max(1, Number(log.sends[i]));
        assert.ok(times <= allowed, `${log.code} ${entry}: ${times} at the portal, ${allowed} sends counted`);
        if (times > 1) duplicated++;
      }
    }
    return { dossiers: logs.length, resent: duplicated };
  }

  it('when two instances work the same queue, then each change reaches the portal once', async () => {
    // Leases as long as production's order of magnitude: on a loaded machine a delivery can take
    // seconds, and a lease that runs out mid-delivery lets the other instance in (the case the kill
    // tests below make on purpose).
    const [a, b] = await Promise.all([startWorker('30'), startWorker('30')]);
    await fileAndReceive(120);
    await settled();
    const owners = await s.t.platform.database.query<{ by: string; n: number }>(
      'select delivered_by as by, count(*)::int as n from dvcqg_outbox group by 1 order by 1',
    );
    assert.deepEqual(owners.map((o) => o.by).sort(), [a.owner, b.owner].sort(), 'both took a share');
    const { dossiers, resent } = await assertPortalMatches();
    assert.equal(dossiers, 120);
    assert.equal(resent, 0, 'nothing sent twice');
    a.child.kill('SIGTERM');
    b.child.kill('SIGTERM');
  });

  it('when a worker is killed while the portal applies its sync call, then the next one finishes its work: nothing lost, nothing twice', async () => {
    await fileAndReceive(60);
    const first = await startWorker();
    let victim = '';
    onCall = (c) => {
      // The portal has applied this call; the worker dies before it reads the answer. The first
      // sync call: no progress call of this worker can have started yet, the test is exact.
      if (c.service === 'DongBoHoSoMC' && !victim) {
        victim = c.maHoSo[0] ?? '';
        first.child.kill('SIGKILL');
      }
    };
    await new Promise((resolve) => first.child.once('exit', resolve));
    onCall = undefined;
    const [left] = await s.t.platform.database.query<{ n: number }>(
      'select count(*)::int as n from dvcqg_outbox where delivered_at is null',
    );
    assert.ok(Number(left?.n) > 0, 'it died with work left');
    const second = await startWorker();
    await settled();
    const { dossiers, resent } = await assertPortalMatches();
    assert.equal(dossiers, 180);
    assert.equal(resent, 0, 'a lost sync answer costs a look-up, never a second dossier or entry');
    assert.deepEqual(
      s.portal.state.dossier(victim)?.versions.map((v) => v.isUpdating),
      ['False', 'True'],
      'created by the dead worker, updated (not created again) by the next',
    );
    second.child.kill('SIGTERM');
  });

  it('when a worker is killed while the portal records its progress call, then the entries are sent again and counted', async () => {
    await fileAndReceive(20);
    const first = await startWorker();
    let progress = 0;
    onCall = (c) => {
      if (c.service === 'CapNhatTienDoHoSoMC' && ++progress === 3) first.child.kill('SIGKILL');
    };
    await new Promise((resolve) => first.child.once('exit', resolve));
    onCall = undefined;
    const second = await startWorker();
    await settled();
    const { dossiers, resent } = await assertPortalMatches();
    assert.equal(dossiers, 200);
    // The third call's entries were recorded by the portal and sent again: the one case the
    // protocol gives no key to avoid (decision 033), marked on the outbox rows.
    assert.ok(resent >= 1, `${resent} entries sent twice`);
    second.child.kill('SIGTERM');
  });
});
