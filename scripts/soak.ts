/**
 * `npm run soak`: mixed traffic for SOAK_MINUTES (10) on a throwaway PostgreSQL server with two app
 * instances, with PostgreSQL killed (-9) and restarted at 40 % of the run and one instance killed
 * (-9) and started again at 70 %. Prints and writes (.data/soak/latest.json) the requests by outcome
 * per kind, p95 latency before, during and 30 s after each fault, and the check that every
 * acknowledged write is in the database exactly once; exits 1 when one is missing or doubled.
 * Not part of `npm test`: it takes its minutes. See README, "Soak".
 */
import { rmSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { type Cluster, freePort, killServer, restartServer, SupervisedApp } from '#test/support/pg-faults.ts';
import { atExit, scratchDir } from './bench/cleanup.ts';
import { ROOT } from './bench/measure.ts';
// @ts-expect-error: plain JavaScript helper without types
import { serverAvailable, startCluster } from './pg-cluster.mjs';
import { checkAcknowledged } from './soak/check.ts';
import { KINDS, Recorder } from './soak/record.ts';
import { Traffic } from './soak/traffic.ts';

const REPORT = path.join(ROOT, '.data/soak/latest.json');
const WINDOW_MS = 30_000;
/** Users of each kind at once. */
const USERS = { submitters: 2, trackers: 2, desks: 1, reporters: 1 };

const minutes = Number(process.env.SOAK_MINUTES ?? 10);
if (!(minutes > 0)) {
  console.error(`SOAK_MINUTES=${process.env.SOAK_MINUTES}: expected a number of minutes above 0`);
  process.exit(2);
}
if (!serverAvailable()) {
  console.error(
    'the soak needs the PostgreSQL 15 server binaries (PG_BIN, default /usr/lib/postgresql/15/bin)',
  );
  process.exit(2);
}
const durationMs = minutes * 60_000;
const log = (s: string) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${s}`);

console.log(
  `soak: ${minutes} min | node ${process.version} | ${os.availableParallelism()} cores (${os.cpus()[0]?.model ?? '?'}) | load average ${os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}`,
);

// ── Set-up: one server, a database as durable as production's, two instances on shared files ─────
const cluster: Cluster = await startCluster();
atExit(() => {
  try {
    killServer(cluster);
  } catch {
    // not running
  }
  rmSync(cluster.dir, { recursive: true, force: true });
});
const admin = new pg.Client({ connectionString: cluster.url });
await admin.connect();
await admin.query('create database soak');
await admin.query('alter database soak set synchronous_commit = on');
await admin.end();
const url = cluster.url.replace(/\/postgres$/, '/soak');
const files = await scratchDir('soak');
const instanceEnv = { DEMO_SEED: 'true', MQTT_PORT: '0', LOG_LEVEL: 'error' };
const instances = [
  new SupervisedApp({ url, port: await freePort(), dataDir: files.path, env: instanceEnv }),
  new SupervisedApp({ url, port: await freePort(), dataDir: files.path, env: instanceEnv }),
];
atExit(() => {
  for (const i of instances) i.killNow();
});
const [a, b] = instances as [SupervisedApp, SupervisedApp];
log('starting two instances (migrations, administrative units, demo seed)');
await Promise.all(instances.map((i) => i.healthy()));
log(`instances at ${a.base} and ${b.base}`);

// ── Traffic and faults ───────────────────────────────────────────────────────────────────────────
const rec = new Recorder();
const traffic = new Traffic(rec, [a.base, b.base]);
const users: Promise<void>[] = [];
const run = (name: string, user: () => Promise<void>) =>
  users.push(
    user().catch((e) => {
      traffic.unexpected.push(`${name} stopped: ${(e as Error).message}`);
    }),
  );
for (let i = 0; i < USERS.submitters; i++) run('submitter', () => traffic.submitter());
for (let i = 0; i < USERS.trackers; i++) run('tracker', () => traffic.tracker());
for (let i = 0; i < USERS.desks; i++) run('desk', () => traffic.desk());
for (let i = 0; i < USERS.reporters; i++) run('reporter', () => traffic.reporter());

const until = async (ms: number) => {
  const wait = ms - rec.now();
  if (wait > 0) await sleep(wait);
};

interface Fault {
  name: string;
  startS: number;
  recoveredS: number;
}
const faults: Fault[] = [];
const fault = async (name: string, act: () => Promise<void>) => {
  const start = rec.now();
  log(`fault: ${name}`);
  await act();
  // Recovered when every instance answers again (one may have died with the database and been restarted).
  await Promise.all(instances.map((i) => i.healthy()));
  faults.push({ name, startS: start / 1000, recoveredS: rec.now() / 1000 });
  log(`recovered after ${((rec.now() - start) / 1000).toFixed(1)} s`);
};

await until(durationMs * 0.2);
log('emergency alert');
run('emergency', () => traffic.emergency());

await until(durationMs * 0.4);
await fault('PostgreSQL killed (-9) and restarted', async () => {
  const killed = killServer(cluster);
  await sleep(1500);
  await restartServer(cluster, killed);
});

await until(durationMs * 0.7);
await b.healthy();
await fault('instance B killed (-9) and started again', () => b.killAndRestart());

// The last fault's 30 s after recovery is measured even in a short run.
await until(Math.max(durationMs, ((faults.at(-1)?.recoveredS ?? 0) * 1000 + WINDOW_MS) * 1.02));
log('stopping the traffic; writes still being retried finish first');
traffic.stopping = true;
await Promise.all(users);
const endedS = rec.now() / 1000;
const unplannedRestarts = instances.map((i) => i.unplannedRestarts);
for (const i of instances) await i.stop();

// ── Report ───────────────────────────────────────────────────────────────────────────────────────
const db = new pg.Client({ connectionString: url });
await db.connect();
const check = await checkAcknowledged(db, traffic.acknowledged);
await db.end();
await cluster.stop();
await files.remove();

// In a short run a fault's 30 s after may reach the next fault: it stops there.
const windows = faults.map((f, i) => ({
  ...f,
  before: rec.window(f.startS * 1000 - WINDOW_MS, f.startS * 1000),
  during: rec.window(f.startS * 1000, f.recoveredS * 1000),
  after: rec.window(
    f.recoveredS * 1000,
    Math.min(f.recoveredS * 1000 + WINDOW_MS, (faults[i + 1]?.startS ?? Number.POSITIVE_INFINITY) * 1000),
  ),
}));
const ack = traffic.acknowledged;
const acknowledged = {
  dossiers: ack.dossiers.size,
  staffActions: [...ack.actions.values()].reduce((s, n) => s + n, 0),
  reports: ack.reports.size,
  alerts: ack.alerts.length,
};
const problems = Object.values(check.problems).flat();
const report = {
  startedAt: new Date(Date.now() - endedS * 1000).toISOString(),
  minutes,
  seconds: Math.round(endedS),
  node: process.version,
  cores: os.availableParallelism(),
  cpu: os.cpus()[0]?.model,
  users: USERS,
  outcomes: rec.outcomes(),
  overall: rec.window(0, endedS * 1000),
  faults: windows,
  unplannedRestarts,
  acknowledged,
  stored: check.stored,
  problems: check.problems,
  conflictsAfterRetry: traffic.conflictsAfterRetry,
  unresolved: traffic.unresolved,
  unexpected: traffic.unexpected,
  ok: problems.length === 0,
};
await fs.mkdir(path.dirname(REPORT), { recursive: true });
await fs.writeFile(REPORT, `${JSON.stringify(report, null, 2)}\n`);

const outcomeLine = (kind: string, row: Record<string, number>) =>
  `  ${kind.padEnd(9)} ${Object.entries(row)
    .sort(([x], [y]) => x.localeCompare(y))
    .map(([o, n]) => `${o}: ${n}`)
    .join(', ')}`;
console.log(`\nrequests by outcome (${rec.attempts.length} in ${Math.round(endedS)} s):`);
for (const kind of KINDS) {
  const row = report.outcomes[kind];
  if (row) console.log(outcomeLine(kind, row));
}
const ms = (w: { p95Ms: number | null; maxMs: number | null; answered: number; unanswered: number }) =>
  `p95 ${w.p95Ms ?? '—'} ms, max ${w.maxMs ?? '—'} ms (${w.answered} answered, ${w.unanswered} not)`;
console.log(`\nlatency of the requests answered, whole run: ${ms(report.overall)}`);
for (const f of windows) {
  console.log(
    `${f.name} at ${f.startS.toFixed(0)} s, recovered in ${(f.recoveredS - f.startS).toFixed(1)} s:`,
  );
  console.log(`  30 s before  ${ms(f.before)}`);
  console.log(`  during       ${ms(f.during)}`);
  console.log(`  ${`${(f.after.toS - f.after.fromS).toFixed(0)} s after`.padEnd(12)} ${ms(f.after)}`);
}
console.log(
  `unplanned restarts (instance died, supervisor started it): A ${unplannedRestarts[0]}, B ${unplannedRestarts[1]}`,
);
console.log(
  `\nacknowledged: ${acknowledged.dossiers} dossiers (201), ${acknowledged.staffActions} staff actions (200), ${acknowledged.reports} reports (303), ${acknowledged.alerts} emergency alert(s) (303)`,
);
console.log(
  `in the database: ${check.stored.dossiers} soak dossiers, ${check.stored.reports} web reports, ${check.stored.alerts} alert(s)`,
);
if (traffic.conflictsAfterRetry.length)
  console.log(`staff actions answered 409 after a lost answer: ${traffic.conflictsAfterRetry.length}`);
if (traffic.unresolved.length)
  console.log(`writes given up without an answer:\n  ${traffic.unresolved.slice(0, 10).join('\n  ')}`);
if (traffic.unexpected.length)
  console.log(
    `unexpected answers (${traffic.unexpected.length}):\n  ${traffic.unexpected.slice(0, 10).join('\n  ')}`,
  );
console.log(
  problems.length
    ? `\nFAILED: ${problems.length} acknowledged write(s) missing, doubled or misnumbered:\n  ${problems.slice(0, 20).join('\n  ')}`
    : '\nOK: every acknowledged write is in the database exactly once; daily dossier numbers have no gap and no repeat',
);
console.log(`written ${path.relative(ROOT, REPORT)}`);
process.exit(problems.length ? 1 : 0);
