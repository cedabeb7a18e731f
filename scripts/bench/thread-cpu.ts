import fs from 'node:fs';

/**
 * CPU time this process's main thread has used, in ms (Linux: /proc). The app under an in-process
 * measure runs on the main thread and autocannon in a worker, so differences of this over a run are
 * the app's own work. Unlike requests per second, it hardly moves when neighbours load the machine.
 */
export function mainThreadCpuMs(): number {
  const stat = fs.readFileSync(`/proc/${process.pid}/task/${process.pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** `fn`'s result with the main thread's CPU ms per request it reports. */
export async function withCpu<T extends { totalRequests: number }>(fn: () => Promise<T>) {
  const before = mainThreadCpuMs();
  const r = await fn();
  return { ...r, cpuMsPerRequest: (mainThreadCpuMs() - before) / r.totalRequests };
}
