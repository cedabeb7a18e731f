import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { atExit } from './cleanup.ts';
import { ROOT } from './measure.ts';
import type { ProbeAnswer, ProbeRequest } from './memory-probe.ts';

const POLL_MS = 20;
const STOP_GRACE_MS = 10_000;
const OUTPUT_TAIL = 16_000;

/**
 * tsx's launcher, run by the Node binary of this very run rather than by whatever `node` its
 * shebang finds on PATH, so children and the bench use the same Node.
 */
const TSX_CLI = fs.realpathSync(path.join(ROOT, 'node_modules/.bin/tsx'));

function killGroup(child: ChildProcess, signal: NodeJS.Signals) {
  if (child.pid === undefined) return;
  try {
    // Negative pid: the whole group, because tsx runs the script in a grandchild process.
    process.kill(-child.pid, signal);
  } catch {
    // Already gone.
  }
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** Status of GET url, or undefined when nothing answers yet. */
function probe(url: string): Promise<number | undefined> {
  return new Promise((resolve) => {
    const req = http.get(url, { agent: false, timeout: 2000 }, (res) => {
      res.resume();
      resolve(res.statusCode);
    });
    req.once('timeout', () => req.destroy());
    req.once('error', () => resolve(undefined));
  });
}

/**
 * Spawn `tsx <script>` and time it from spawn to the first 200 from /healthz; the child is stopped
 * (SIGTERM, then SIGKILL) before this returns or throws, so the next start finds the data folder free.
 */
export async function timeStart(
  script: string,
  env: NodeJS.ProcessEnv,
  port: number,
  timeoutSeconds: number,
  nodeFlags: string[] = [],
): Promise<{ ms: number; output: string }> {
  const url = `http://127.0.0.1:${port}/healthz`;
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-OUTPUT_TAIL);
  };
  const t0 = performance.now();
  const child = spawn(process.execPath, [TSX_CLI, ...nodeFlags, script], {
    cwd: ROOT,
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const forget = atExit(() => killGroup(child, 'SIGKILL'));
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  let exited: string | undefined;
  const exit = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      exited = signal ?? `code ${code}`;
      resolve();
    });
    child.once('error', (e) => {
      exited = e.message;
      resolve();
    });
  });
  try {
    const deadline = t0 + timeoutSeconds * 1000;
    for (;;) {
      const status = await probe(url);
      if (status === 200) return { ms: performance.now() - t0, output };
      if (exited) throw new Error(`${script} exited (${exited}) before answering 200:\n${output}`);
      if (performance.now() > deadline) {
        throw new Error(
          `${script}: no 200 from ${url} in ${timeoutSeconds}s (last: ${status ?? 'no answer'}):\n${output}`,
        );
      }
      await sleep(POLL_MS);
    }
  } finally {
    await stop(child, exit);
    forget();
  }
}

async function stop(child: ChildProcess, exit: Promise<void>) {
  if (child.exitCode === null && child.signalCode === null) {
    killGroup(child, 'SIGTERM');
    const stopped = await Promise.race([exit.then(() => true), sleep(STOP_GRACE_MS, false)]);
    if (!stopped) {
      killGroup(child, 'SIGKILL');
      await exit;
    }
  }
  // The launcher may be gone while the script it started is still closing its database.
  killGroup(child, 'SIGKILL');
}

/** A process under measure, started without tsx's launcher so that its pid is the server's own. */
export interface ProbedProcess {
  pid: number;
  origin: string;
  /** Milliseconds from spawn to the first 200 from /healthz. */
  startMs: number;
  /** The last few kilobytes the process printed. */
  output(): string;
  ask(kind: ProbeRequest['kind']): Promise<ProbeAnswer>;
  /** Resident set and its peak from /proc, in bytes, read from outside (no work for the process). */
  resident(): { rss: number; hwm: number };
  /**
   * CPU time used so far, in ms: the whole process, and its main thread (the event loop: the app's
   * JavaScript and PGlite). Unlike requests per second, it hardly moves when neighbours load the machine.
   */
  cpu(): { processMs: number; mainThreadMs: number };
  stop(): Promise<void>;
}

const PROBE = path.join(ROOT, 'scripts/bench/memory-probe.ts');

/**
 * Start `node <nodeFlags> --import tsx --import memory-probe.ts <script>` and wait for /healthz.
 * The probe answers memory questions over the IPC channel; see memory-probe.ts.
 */
export async function startProbed(
  script: string,
  opts: { env: NodeJS.ProcessEnv; nodeFlags: string[]; timeoutSeconds: number },
): Promise<ProbedProcess> {
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  let output = '';
  const t0 = performance.now();
  const child = spawn(process.execPath, [...opts.nodeFlags, '--import', 'tsx', '--import', PROBE, script], {
    cwd: ROOT,
    env: { ...opts.env, PORT: String(port), HOST: '127.0.0.1' },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  const forget = atExit(() => killGroup(child, 'SIGKILL'));
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-OUTPUT_TAIL);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  let exited: string | undefined;
  const exit = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      exited = signal ?? `code ${code}`;
      resolve();
    });
    child.once('error', (e) => {
      exited = e.message;
      resolve();
    });
  });
  const stopChild = async () => {
    await stop(child, exit);
    forget();
  };
  let startMs: number;
  try {
    const deadline = t0 + opts.timeoutSeconds * 1000;
    for (;;) {
      const status = await probe(`${origin}/healthz`);
      if (status === 200) {
        startMs = performance.now() - t0;
        break;
      }
      if (exited) throw new Error(`${script} exited (${exited}) before answering 200:\n${output}`);
      if (performance.now() > deadline)
        throw new Error(`${script}: no 200 from ${origin}/healthz in ${opts.timeoutSeconds}s:\n${output}`);
      await sleep(POLL_MS);
    }
  } catch (e) {
    await stopChild();
    throw e;
  }
  let next = 0;
  const pid = child.pid as number;
  return {
    pid,
    origin,
    startMs,
    output: () => output,
    ask(kind) {
      const id = ++next;
      return new Promise((resolve, reject) => {
        const onMessage = (m: ProbeAnswer) => {
          if (m.id !== id) return;
          child.off('message', onMessage);
          if (m.error) reject(new Error(`probe: ${m.error}`));
          else resolve(m);
        };
        child.on('message', onMessage);
        child.send({ id, kind } satisfies ProbeRequest);
      });
    },
    resident() {
      const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
      const kb = (name: string) =>
        Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0) * 1024;
      return { rss: kb('VmRSS'), hwm: kb('VmHWM') };
    },
    cpu() {
      const ticks = (file: string) => {
        // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
        const stat = fs.readFileSync(file, 'utf8');
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        return Number(fields[11]) + Number(fields[12]);
      };
      const tick = 1000 / 100; // USER_HZ: 100 on Linux
      return {
        processMs: ticks(`/proc/${pid}/stat`) * tick,
        mainThreadMs: ticks(`/proc/${pid}/task/${pid}/stat`) * tick,
      };
    },
    stop: stopChild,
  };
}
