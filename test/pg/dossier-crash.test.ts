/**
 * Crash safety of online submission. A load of clients files dossiers through the API, each with
 * its own Idempotency-Key; in the middle the PostgreSQL server is killed with SIGKILL and restarted,
 * and later the app process too. Clients retry every unanswered request with the same key. At the
 * end every submission that got a 201 is in the database with the code it was given, none twice,
 * and the daily numbers run 1…N without a gap or a repeat.
 *
 * The throwaway cluster of scripts/pg-cluster.mjs turns durability off for speed; this test turns
 * `synchronous_commit` back on for its database, as a production server has it, since a commit
 * reported before its WAL is written is exactly what a crash test must not forgive.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { numberingProblems, submissionForm, submissionProblems } from '#test/support/acknowledged.ts';
import { type Cluster, freePort, killServer, restartServer, SupervisedApp } from '#test/support/pg-faults.ts';
// @ts-expect-error: plain JavaScript helper without types
import { serverAvailable, startCluster } from '../../scripts/pg-cluster.mjs';

const SUBMISSIONS = 120;
const CLIENTS = 8;

async function submitOnce(base: string, key: string, i: number) {
  const res = await fetch(`${base}/api/v1/dossiers`, {
    method: 'POST',
    headers: { 'idempotency-key': key, 'x-forwarded-for': `10.9.${i >> 8}.${i & 255}` },
    body: submissionForm(i),
    signal: AbortSignal.timeout(20_000),
  });
  return { status: res.status, body: await res.text() };
}

describe('submissions survive a killed database and a killed app', {
  skip: !serverAvailable() && process.env.CI !== 'true' && 'needs PostgreSQL server binaries',
}, () => {
  let cluster: Cluster;
  let url: string;
  let app: SupervisedApp;
  let dataDir: string;

  before(async () => {
    cluster = await startCluster();
    const admin = new pg.Client({ connectionString: cluster.url });
    await admin.connect();
    await admin.query('create database crash');
    await admin.query('alter database crash set synchronous_commit = on');
    await admin.end();
    url = cluster.url.replace(/\/postgres$/, '/crash');
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'xaso-crash-'));
    // A supervisor (systemd, a container runtime) restarts the app if it dies on its own: the platform's
    // pg client can crash the process when the database vanishes under a checked-out connection. Such
    // restarts are counted and reported; what is tested is that no submission is lost or doubled.
    app = new SupervisedApp({ url, port: await freePort(), dataDir });
    await app.healthy();
  });

  after(async () => {
    await app?.stop();
    await cluster?.stop();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('when PostgreSQL and then the app are killed mid-load, then every 201 is in the database once, with its code, numbered without gaps', async () => {
    const base = app.base;
    const keys = Array.from(
      { length: SUBMISSIONS },
      (_, i) => `crash-${i}-${Math.random().toString(36).slice(2, 12)}`,
    );
    const answered = new Map<string, string[]>();
    let done = 0;
    let failures = 0;
    let next = 0;
    let stop = false;
    const client = async () => {
      for (;;) {
        if (stop) return;
        const i = next++;
        if (i >= keys.length) return;
        const key = keys[i] as string;
        const deadline = Date.now() + 150_000;
        for (;;) {
          try {
            const r = await submitOnce(base, key, i);
            if (r.status === 201) {
              answered.set(key, [...(answered.get(key) ?? []), JSON.parse(r.body).code]);
              done++;
              break;
            }
            assert.ok(r.status >= 500 || r.status === 429, `unexpected ${r.status}: ${r.body}`);
          } catch (e) {
            if (e instanceof assert.AssertionError) throw e;
            // Connection refused or reset, a timeout: the server is down; retry with the same key.
          }
          failures++;
          if (stop) return;
          if (Date.now() > deadline)
            throw new Error(`${key}: no 201 within 150 s. App log:\n${app.app.log()}`);
          await sleep(200);
        }
      }
    };
    const load = Promise.all(
      Array.from({ length: CLIENTS }, () =>
        client().catch((e) => {
          stop = true;
          throw e;
        }),
      ),
    );
    // Crash points wait on progress; a load that fails stops them waiting.
    load.catch(() => {});
    const progress = async (share: number) => {
      while (done < SUBMISSIONS * share) {
        if (stop) await load;
        await sleep(20);
      }
    };

    // 1. Kill the database server in the middle of the load, and bring it back.
    await progress(0.3);
    const killed = killServer(cluster);
    await sleep(1500);
    await restartServer(cluster, killed);

    // 2. Kill the app process itself, and start it again on the same port and data.
    await progress(0.65);
    await app.killAndRestart();

    await load;
    await app.stop();
    assert.ok(failures > 0, 'the crashes were felt by the clients');
    assert.equal(answered.size, SUBMISSIONS);

    const db = new pg.Client({ connectionString: url });
    await db.connect();
    try {
      const { rows } = await db.query<{ n: number }>(
        "select count(*)::int as n from dossiers where idempotency_key like 'crash-%'",
      );
      assert.equal(rows[0]?.n, SUBMISSIONS, 'one dossier per key, none twice');
      // Each key is in the database once, with the code every 201 gave it, logged, stored and texted once.
      assert.deepEqual(await submissionProblems(db, answered, 'crash-'), []);
      assert.deepEqual(await numberingProblems(db), [], 'the daily sequence has no gap and no repeat');
      console.log(
        `crash test: ${SUBMISSIONS} dossiers, ${failures} failed attempts retried, ${app.unplannedRestarts} unplanned app restart(s) after the database was killed`,
      );
    } finally {
      await db.end();
    }
  });
});
