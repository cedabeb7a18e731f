/**
 * `npm run bench [-- name…]`: speed measured as ratios against a baseline taken in the same run on
 * the same machine, so figures from a laptop and from CI can be read side by side. Measures live in
 * scripts/bench/registry.ts; settings come from BENCH_* variables (see scripts/bench/measure.ts).
 */
import os from 'node:os';
import path from 'node:path';
import { collectGarbage } from './bench/gc.ts';
import { ROOT, readSettings } from './bench/measure.ts';
import { MEASURES } from './bench/registry.ts';
import { line, type Outcome, table, writeJson } from './bench/report.ts';

function usage() {
  const names = MEASURES.map((m) => `  ${m.name.padEnd(12)} ${m.description}`).join('\n');
  return `usage: npm run bench [-- <measure>…]\n\nmeasures:\n${names}\n\nenv: BENCH_SECONDS (5), BENCH_WARMUP_SECONDS (1), BENCH_CONNECTIONS (10), BENCH_STARTS (3), BENCH_START_TIMEOUT_SECONDS (60), BENCH_ROUNDS (3),\n     BENCH_DEVICES (10000), BENCH_MEMORY_SECONDS (600), BENCH_MEMORY_IDLE_SECONDS (10),\n     BENCH_NODE_FLAGS (the start script's), BENCH_CPU_PROFILE (unset: no .cpuprofile files),\n     BENCH_DOSSIERS, BENCH_STATS_DOSSIERS, BENCH_PROVINCE_DOSSIERS (1000000; 10000000 is the full run)\n\nsee scripts/bench/README.md`;
}

const args = process.argv.slice(2).filter((a) => a !== '--');
if (args.includes('-h') || args.includes('--help')) {
  console.log(usage());
  process.exit(0);
}
const unknown = args.filter((a) => !MEASURES.some((m) => m.name === a));
if (unknown.length) {
  console.error(`unknown measure: ${unknown.join(', ')}\n\n${usage()}`);
  process.exit(2);
}
const selected = args.length ? MEASURES.filter((m) => args.includes(m.name)) : MEASURES;

let settings: ReturnType<typeof readSettings>;
try {
  settings = readSettings();
} catch (e) {
  console.error((e as Error).message);
  process.exit(2);
}

const cores = os.availableParallelism();
console.log(
  `node ${process.version} (${process.execPath}) | ${cores} cores (${os.cpus()[0]?.model ?? 'unknown cpu'}) | ${os.platform()} ${os.arch()}`,
);
console.log(
  `load: ${settings.seconds}s after ${settings.warmupSeconds}s warm-up, ${settings.connections} connections | starts: median of ${settings.starts}`,
);

const startedAt = new Date();
const outcomes: Outcome[] = [];
for (const m of selected) {
  // What one measure left behind must not be collected in the next one's window.
  await collectGarbage();
  const t0 = performance.now();
  try {
    const result = await m.run(settings);
    const seconds = (performance.now() - t0) / 1000;
    outcomes.push({ name: m.name, ok: true, result, seconds });
    console.log(line(m.name, result));
  } catch (e) {
    const error = e instanceof Error ? (e.stack ?? e.message) : String(e);
    outcomes.push({ name: m.name, ok: false, error, seconds: (performance.now() - t0) / 1000 });
    console.error(`${m.name}: FAILED\n${error}`);
  }
}

console.log(`\n${table(outcomes)}`);
const file = await writeJson({
  startedAt: startedAt.toISOString(),
  finishedAt: new Date().toISOString(),
  node: process.version,
  cores,
  cpu: os.cpus()[0]?.model,
  platform: `${os.platform()} ${os.arch()}`,
  settings,
  results: outcomes.map((o) => (o.ok ? { name: o.name, seconds: o.seconds, ...o.result } : o)),
});
console.log(`\nwritten ${path.relative(ROOT, file)}`);
// Explicit exit: a failed measure may leave a handle (a pool, a socket) that would keep us hanging.
process.exit(outcomes.every((o) => o.ok) ? 0 : 1);
