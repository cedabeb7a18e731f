import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from './children.ts';
import { atExit } from './cleanup.ts';

/** Debian's Mosquitto (apt-get install mosquitto), or one on PATH. */
export function findMosquitto(): string | undefined {
  const dirs = ['/usr/sbin', '/usr/bin', ...(process.env.PATH ?? '').split(':')];
  return dirs.map((d) => path.join(d, 'mosquitto')).find((p) => fs.existsSync(p));
}

/**
 * A Mosquitto on loopback with the files the broadcast module makes for a province's broker
 * (password file, ACL, configuration), in `dir`. Stopped by `stop`, or at exit.
 */
export async function startMosquitto(opts: {
  dir: string;
  conf: (o: { port: number; passwordFile: string; aclFile: string; user: string }) => string;
  passwords: string;
  acl: string;
}) {
  const binary = findMosquitto();
  if (!binary) throw new Error('mosquitto is not installed (apt-get install mosquitto)');
  const port = await freePort();
  const passwordFile = path.join(opts.dir, 'passwd');
  const aclFile = path.join(opts.dir, 'acl');
  const confFile = path.join(opts.dir, 'mosquitto.conf');
  fs.writeFileSync(passwordFile, opts.passwords, { mode: 0o600 });
  fs.writeFileSync(aclFile, opts.acl);
  fs.writeFileSync(confFile, opts.conf({ port, passwordFile, aclFile, user: os.userInfo().username }));
  const child = spawn(binary, ['-c', confFile], { stdio: ['ignore', 'pipe', 'pipe'] });
  const forget = atExit(() => child.kill('SIGKILL'));
  let log = '';
  const keep = (d: Buffer) => {
    log = (log + d).slice(-4000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      const stopped = await Promise.race([exited.then(() => true), sleep(5000, false)]);
      if (!stopped) child.kill('SIGKILL');
    }
    forget();
  };
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`mosquitto exited: ${log}`);
    const open = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, '127.0.0.1');
      s.once('connect', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (open) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`mosquitto did not listen on ${port}: ${log}`);
    }
    await sleep(50);
  }
  return { port, stop, log: () => log };
}
