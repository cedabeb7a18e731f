// A throwaway PostgreSQL cluster for the test suite: initdb into a temp folder, listen on a free
// loopback port, trust auth, durability off (it is thrown away). Plain JavaScript so it runs before
// dependencies are installed, on any Node.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

const BIN = process.env.PG_BIN ?? '/usr/lib/postgresql/15/bin';

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** initdb refuses to run as root; run the server as the postgres user then. */
function asServerUser(cmd, args) {
  const root = process.getuid?.() === 0;
  return root ? ['runuser', ['-u', 'postgres', '--', cmd, ...args]] : [cmd, args];
}

export function serverAvailable() {
  return fs.existsSync(path.join(BIN, 'postgres')) && fs.existsSync(path.join(BIN, 'initdb'));
}

export async function startCluster() {
  if (!serverAvailable()) throw new Error(`PostgreSQL server binaries not found in ${BIN}`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xaso-pg-'));
  const data = path.join(dir, 'data');
  if (process.getuid?.() === 0) execFileSync('chown', ['postgres', dir]);
  const [initCmd, initArgs] = asServerUser(path.join(BIN, 'initdb'), [
    '-D',
    data,
    '-U',
    'postgres',
    '--auth=trust',
    '-E',
    'UTF8',
    '--locale=C.UTF-8',
  ]);
  execFileSync(initCmd, initArgs, { stdio: 'ignore' });
  const port = await freePort();
  const [cmd, args] = asServerUser(path.join(BIN, 'postgres'), [
    '-D',
    data,
    '-p',
    String(port),
    '-k',
    dir,
    '-c',
    'listen_addresses=127.0.0.1',
    '-c',
    'fsync=off',
    '-c',
    'synchronous_commit=off',
    '-c',
    'full_page_writes=off',
    '-c',
    'max_connections=300',
    '-c',
    'shared_buffers=256MB',
  ]);
  const child = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr.on('data', (d) => {
    log = (log + d).slice(-4000);
  });
  const url = `postgresql://postgres@127.0.0.1:${port}/postgres`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    const ok = await new Promise((resolve) => {
      const sock = net.connect(port, '127.0.0.1', () => {
        sock.end();
        resolve(true);
      });
      sock.on('error', () => resolve(false));
    });
    if (ok) break;
    if (child.exitCode !== null || Date.now() > deadline)
      throw new Error(`PostgreSQL did not start:\n${log}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  // Accepting TCP is not yet accepting queries; give the startup process a moment.
  await new Promise((r) => setTimeout(r, 300));
  return {
    url,
    port,
    dir,
    pid: child.pid,
    async stop() {
      // Killing the runuser wrapper does not always reach postgres itself: ask the server to stop.
      const [ctl, ctlArgs] = asServerUser(path.join(BIN, 'pg_ctl'), [
        'stop',
        '-D',
        data,
        '-m',
        'fast',
        '-w',
        '-t',
        '20',
      ]);
      spawnSync(ctl, ctlArgs, { stdio: 'ignore' });
      if (child.exitCode === null) {
        child.kill('SIGINT');
        await new Promise((r) => {
          const t = setTimeout(() => {
            child.kill('SIGKILL');
            r();
          }, 10_000);
          child.once('exit', () => {
            clearTimeout(t);
            r();
          });
        });
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

// `node scripts/pg-cluster.mjs` starts one and prints its URL until interrupted.
if (import.meta.url === `file://${process.argv[1]}`) {
  const c = await startCluster();
  console.log(c.url);
  const stop = async () => {
    await c.stop();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
