/**
 * Faults on real processes, for the crash test (test/pg/dossier-crash.test.ts) and the soak
 * (scripts/soak.ts): the app started as a child process the way an operator runs it, a supervisor
 * that starts it again when it dies, and SIGKILL of the app or of the PostgreSQL server by pid
 * (never by name: other servers may share the machine).
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const BIN = process.env.PG_BIN ?? '/usr/lib/postgresql/15/bin';
const TSX_CLI = path.join(ROOT, 'node_modules/tsx/dist/cli.mjs');
const LOG_TAIL = 8000;

/** What scripts/pg-cluster.mjs's `startCluster` returns. */
export interface Cluster {
  url: string;
  port: number;
  dir: string;
  stop(): Promise<void>;
}

export const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });

function asServerUser(cmd: string, args: string[]): [string, string[]] {
  return process.getuid?.() === 0 ? ['runuser', ['-u', 'postgres', '--', cmd, ...args]] : [cmd, args];
}

/** The postmaster's pid and its children's, read from the data folder and /proc. */
export function serverPids(dataDir: string): number[] {
  const postmaster = Number(fs.readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  const children = fs
    .readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .filter((d) => {
      try {
        const stat = fs.readFileSync(`/proc/${d}/stat`, 'utf8');
        return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === postmaster;
      } catch {
        return false;
      }
    })
    .map(Number);
  return [postmaster, ...children];
}

/** SIGKILL the cluster's server and its backends; returns their pids (reparented once the postmaster is gone). */
export function killServer(cluster: Cluster): number[] {
  const pids = serverPids(path.join(cluster.dir, 'data'));
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  return pids;
}

/**
 * Start the killed server again on its port and data. Without the throwaway cluster's speed
 * settings: from here on it is durable, as a production server is.
 */
export async function restartServer(cluster: Cluster, killed: number[]) {
  const data = path.join(cluster.dir, 'data');
  // A new postmaster refuses to start while an old backend still holds the shared memory.
  const deadline = Date.now() + 20_000;
  while (killed.some((pid) => fs.existsSync(`/proc/${pid}`))) {
    if (Date.now() > deadline) throw new Error(`old server processes still alive: ${killed}`);
    await sleep(50);
  }
  const log = path.join(cluster.dir, 'restart.log');
  const [cmd, args] = asServerUser(path.join(BIN, 'pg_ctl'), [
    'start',
    '-D',
    data,
    '-w',
    '-t',
    '60',
    '-l',
    log,
    '-o',
    `-p ${cluster.port} -k ${cluster.dir} -c listen_addresses=127.0.0.1 -c max_connections=300`,
  ]);
  try {
    execFileSync(cmd, args, { stdio: 'pipe' });
  } catch (e) {
    throw new Error(
      `restart failed: ${(e as Error).message}\n${fs.existsSync(log) ? fs.readFileSync(log, 'utf8') : ''}`,
    );
  }
}

export interface AppProcess {
  child: ChildProcess;
  base: string;
  /** The end of its standard error. */
  log(): string;
}

export interface AppOptions {
  url: string;
  port: number;
  dataDir: string;
  /** Added to (or overriding) the defaults below. */
  env?: Record<string, string>;
}

/**
 * `src/main.ts` as its own process group (tsx runs the script in a grandchild, and a kill must reach
 * it), with only the environment given: nothing of the caller's DATABASE_URL or settings leaks in.
 */
export function startApp(o: AppOptions): AppProcess {
  const child = spawn(process.execPath, [TSX_CLI, 'src/main.ts'], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      DATABASE_URL: o.url,
      PORT: String(o.port),
      HOST: '127.0.0.1',
      DATA_DIR: o.dataDir,
      LOG_LEVEL: 'fatal',
      DEMO_SEED: 'false',
      // Clients send their own X-Forwarded-For, so per-address limits are not what is tested.
      TRUST_PROXY: 'true',
      ...o.env,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
    detached: true,
  });
  let log = '';
  child.stderr?.on('data', (d) => {
    log = (log + d).slice(-LOG_TAIL);
  });
  return { child, base: `http://127.0.0.1:${o.port}`, log: () => log };
}

export async function waitHealthy(app: AppProcess, timeoutMs = 180_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (app.child.exitCode !== null || app.child.signalCode !== null)
      throw new Error(`the app exited: ${app.log()}`);
    const ok = await fetch(`${app.base}/healthz`, { signal: AbortSignal.timeout(5_000) }).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await sleep(250);
  }
  throw new Error(`the app was not healthy: ${app.log()}`);
}

/** SIGKILL the app's process group and wait until it is gone. */
export async function killApp(app: AppProcess) {
  if (app.child.exitCode !== null || app.child.signalCode !== null) return;
  const exited = new Promise((r) => app.child.once('exit', r));
  if (app.child.pid) {
    try {
      process.kill(-app.child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  await exited;
}

/**
 * One app instance under a supervisor, as systemd or a container runtime runs it: if the process
 * dies on its own (the pg client can crash it when the database vanishes under a checked-out
 * connection), it is started again on the same port and data, and the restart is counted.
 */
export class SupervisedApp {
  app: AppProcess;
  unplannedRestarts = 0;
  private supervising = true;

  constructor(private readonly options: AppOptions) {
    this.app = this.launch();
  }

  get base() {
    return this.app.base;
  }

  private launch(): AppProcess {
    const app = startApp(this.options);
    app.child.once('exit', () => {
      if (!this.supervising || app !== this.app) return;
      this.unplannedRestarts++;
      this.app = this.launch();
    });
    return app;
  }

  healthy(timeoutMs?: number) {
    return waitHealthy(this.app, timeoutMs);
  }

  /** kill -9 the instance, start it again at once, and wait until it answers. */
  async killAndRestart() {
    await this.healthy();
    this.supervising = false;
    await killApp(this.app);
    this.app = this.launch();
    this.supervising = true;
    await this.healthy();
  }

  /** Stop supervising and kill the process. */
  async stop() {
    this.supervising = false;
    await killApp(this.app);
  }

  /** The pid group to kill synchronously when the caller exits abruptly. */
  killNow() {
    this.supervising = false;
    if (this.app.child.pid && this.app.child.exitCode === null) {
      try {
        process.kill(-this.app.child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
}
