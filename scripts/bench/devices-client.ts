import { spawn } from 'node:child_process';
import path from 'node:path';
import { atExit } from './cleanup.ts';
import type { DeviceAnswer, DeviceRequest } from './devices.ts';
import { ROOT } from './measure.ts';

type Ask<K extends DeviceRequest['kind']> = Omit<Extract<DeviceRequest, { kind: K }>, 'id'>;

/** The simulated loudspeakers' process (devices.ts); stopped by `close`, or at exit. */
export function startDevices() {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'scripts/bench/devices.ts')], {
    cwd: ROOT,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const forget = atExit(() => child.kill('SIGKILL'));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let next = 0;
  const ask = <K extends DeviceRequest['kind']>(req: Ask<K>): Promise<DeviceAnswer> => {
    const id = ++next;
    return new Promise((resolve, reject) => {
      const onMessage = (m: DeviceAnswer) => {
        if (m.id !== id) return;
        child.off('message', onMessage);
        child.off('exit', onExit);
        if (m.error) reject(new Error(`devices: ${m.error}`));
        else resolve(m);
      };
      const onExit = () => reject(new Error('the devices process exited'));
      child.on('message', onMessage);
      child.once('exit', onExit);
      child.send({ ...req, id } as DeviceRequest);
    });
  };
  return {
    async connect(url: string, devices: { code: string; password: string }[]) {
      return (await ask<'connect'>({ kind: 'connect', url, devices })).connected ?? 0;
    },
    /** When each device got `messageId`, in ms since the epoch. */
    async times(messageId: string, timeoutMs = 120_000) {
      return (await ask<'times'>({ kind: 'times', messageId, timeoutMs })).times ?? [];
    },
    /** Once the broker has taken every device's acknowledgement of `messageId`. */
    async acked(messageId: string, timeoutMs = 120_000) {
      return (await ask<'acked'>({ kind: 'acked', messageId, timeoutMs })).acked ?? 0;
    },
    async close() {
      if (child.exitCode === null) await ask<'close'>({ kind: 'close' }).catch(() => {});
      child.disconnect();
      const stopped = await Promise.race([
        exited.then(() => true),
        new Promise((r) => setTimeout(r, 5000, false)),
      ]);
      if (!stopped) child.kill('SIGKILL');
      forget();
    },
  };
}
