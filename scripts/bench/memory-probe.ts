/**
 * Preloaded into the app under test by the memory measure (`node --import tsx --import <this>`):
 * answers the bench over the IPC channel with the process's own memory figures, and, when
 * BENCH_HEAP_PROFILE names a file, runs V8's sampling heap profiler from before the app's first
 * import and writes its profile there on request. Nothing here runs in production.
 */
import fs from 'node:fs';
import inspector from 'node:inspector/promises';
import v8 from 'node:v8';

export interface MemoryReport {
  /** From /proc/self/status, in bytes: what the kernel counts against the box. */
  rss: number;
  rssAnon: number;
  rssFile: number;
  /** Peak resident set since start. */
  hwm: number;
  heapUsed: number;
  heapTotal: number;
  /** Memory held outside V8's heap by JS objects: Buffers, and WebAssembly memories (PGlite). */
  external: number;
  arrayBuffers: number;
  /** Code and metadata V8 keeps outside the heap (compiled WebAssembly among it). */
  codeAndMetadata: number;
  spaces: Record<string, number>;
}

export type ProbeRequest = { id: number; kind: 'memory' | 'gc' | 'profile' };
export type ProbeAnswer = { id: number; memory?: MemoryReport; profileFile?: string; error?: string };

function statusField(status: string, name: string) {
  const m = new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status);
  return m ? Number(m[1]) * 1024 : 0;
}

function memory(): MemoryReport {
  const status = fs.readFileSync('/proc/self/status', 'utf8');
  const m = process.memoryUsage();
  const code = v8.getHeapCodeStatistics();
  return {
    rss: statusField(status, 'VmRSS'),
    rssAnon: statusField(status, 'RssAnon'),
    rssFile: statusField(status, 'RssFile'),
    hwm: statusField(status, 'VmHWM'),
    heapUsed: m.heapUsed,
    heapTotal: m.heapTotal,
    external: m.external,
    arrayBuffers: m.arrayBuffers,
    codeAndMetadata: code.code_and_metadata_size + code.bytecode_and_metadata_size,
    spaces: Object.fromEntries(v8.getHeapSpaceStatistics().map((s) => [s.space_name, s.space_size])),
  };
}

const profileFile = process.env.BENCH_HEAP_PROFILE;
let session: inspector.Session | undefined;
if (profileFile) {
  session = new inspector.Session();
  session.connect();
  // One sample per 32 KB allocated on average: enough to name holders of a megabyte or more.
  await session.post('HeapProfiler.startSampling', { samplingInterval: 32 * 1024 });
}

async function answer(req: ProbeRequest): Promise<ProbeAnswer> {
  switch (req.kind) {
    case 'memory':
      return { id: req.id, memory: memory() };
    case 'gc':
      if (session) await session.post('HeapProfiler.collectGarbage');
      return { id: req.id, memory: memory() };
    case 'profile': {
      if (!session || !profileFile) return { id: req.id, error: 'BENCH_HEAP_PROFILE is not set' };
      await session.post('HeapProfiler.collectGarbage');
      const { profile } = await session.post('HeapProfiler.getSamplingProfile');
      await fs.promises.writeFile(profileFile, JSON.stringify(profile));
      return { id: req.id, profileFile };
    }
  }
}

if (process.send) {
  process.on('message', (req: ProbeRequest) => {
    answer(req).then(
      (a) => process.send?.(a),
      (e: Error) => process.send?.({ id: req.id, error: e.message }),
    );
  });
  // The channel must not keep a stopping app alive.
  process.channel?.unref();
}
