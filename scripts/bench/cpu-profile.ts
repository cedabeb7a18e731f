import fs from 'node:fs/promises';
import inspector from 'node:inspector/promises';
import path from 'node:path';
import { ROOT } from './measure.ts';

/**
 * With BENCH_CPU_PROFILE set, a CPU profile of this process's main thread while `fn` runs, written
 * to .data/bench/<name>.cpuprofile (Chrome's DevTools opens it). The load generators run in worker
 * threads or other processes, so what it shows is the app's own work. Without the setting, `fn`
 * runs as it is.
 */
export async function cpuProfiled<T>(name: string, fn: () => Promise<T>): Promise<T> {
  if (!process.env.BENCH_CPU_PROFILE) return fn();
  const session = new inspector.Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 200 });
  await session.post('Profiler.start');
  try {
    return await fn();
  } finally {
    const { profile } = await session.post('Profiler.stop');
    const file = path.join(ROOT, '.data/bench', `${name}.cpuprofile`);
    await fs.mkdir(path.dirname(file), { recursive: true });
    await fs.writeFile(file, JSON.stringify(profile));
    session.disconnect();
    console.log(`CPU profile of ${name}: ${path.relative(ROOT, file)}`);
  }
}
