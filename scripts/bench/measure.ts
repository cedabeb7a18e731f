import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Knobs shared by every measure, read once from the environment. */
export interface BenchSettings {
  /** Length of one load run (autocannon), per side. */
  seconds: number;
  /** Unmeasured load before each measured run, so both sides are compared with a warm JIT. */
  warmupSeconds: number;
  connections: number;
  /** Measured process starts per side; the median is reported. */
  starts: number;
  /** Longest wait for one process to answer /healthz before the measure fails. */
  startTimeoutSeconds: number;
  /** Rounds of baseline-then-measure for the load measures (see `alternate`); medians reported. */
  rounds: number;
}

/** One figure against its baseline, measured in the same run. */
export interface Figure {
  value: number;
  unit: string;
  baseline: number;
  baselineLabel: string;
  /** value / baseline, whatever the direction; `higherIsBetter` says which way is good. */
  ratio: number;
  higherIsBetter: boolean;
  /** Shown instead of the name when the figure depends on the set-up (e.g. the database kind). */
  label?: string;
}

export interface MeasureResult extends Figure {
  /** Anything else worth keeping in the JSON report (latencies, raw samples). */
  details?: Record<string, unknown>;
  /** Further figures of the same run, each reported on its own line. */
  more?: Figure[];
}

export interface Measure {
  name: string;
  description: string;
  run(settings: BenchSettings): Promise<MeasureResult>;
}

type Uncompared = Omit<Figure, 'ratio'>;

function ratioOf(r: Uncompared): Figure {
  if (!(r.baseline > 0)) throw new Error(`baseline "${r.baselineLabel}" measured ${r.baseline}: no ratio`);
  return { ...r, ratio: r.value / r.baseline };
}

export function compare(
  r: Uncompared & { details?: Record<string, unknown>; more?: Uncompared[] },
): MeasureResult {
  const { more, ...main } = r;
  return { ...ratioOf(main), ...(more ? { more: more.map(ratioOf) } : {}) };
}

export function median(xs: number[]): number {
  if (!xs.length) throw new Error('median of nothing');
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

/**
 * The baseline, then the measure, `rounds` times over. These machines have neighbours: a few slow
 * seconds then fall on both sides of one round instead of on one side of the ratio. The round with
 * the median ratio is reported (the lower of the two middle ones when the count is even), both of
 * its sides from the same round; every round is kept for the report.
 */
export async function alternate<B, V>(
  s: BenchSettings,
  sides: { baseline: () => Promise<B>; value: () => Promise<V> },
  rate: (r: B | V) => number,
) {
  const rounds: { baseline: B; value: V; ratio: number }[] = [];
  for (let i = 0; i < s.rounds; i++) {
    const baseline = await sides.baseline();
    const value = await sides.value();
    rounds.push({ baseline, value, ratio: rate(value) / rate(baseline) });
  }
  const byRatio = [...rounds].sort((a, b) => a.ratio - b.ratio);
  const middle = byRatio[(byRatio.length - 1) >> 1];
  if (!middle) throw new Error('no rounds: BENCH_ROUNDS must be at least 1');
  return { baseline: rate(middle.baseline), value: rate(middle.value), rounds };
}

function setting(
  env: NodeJS.ProcessEnv,
  name: string,
  fallback: number,
  opts: { integer?: boolean; allowZero?: boolean } = {},
): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  const ok =
    Number.isFinite(n) && (opts.allowZero ? n >= 0 : n > 0) && (!opts.integer || Number.isInteger(n));
  if (!ok) {
    const what = `${opts.integer ? 'whole ' : ''}number ${opts.allowZero ? '0 or above' : 'above 0'}`;
    throw new Error(`${name}=${raw}: expected a ${what}`);
  }
  return n;
}

export function readSettings(env: NodeJS.ProcessEnv = process.env): BenchSettings {
  return {
    seconds: setting(env, 'BENCH_SECONDS', 5),
    warmupSeconds: setting(env, 'BENCH_WARMUP_SECONDS', 1, { allowZero: true }),
    connections: setting(env, 'BENCH_CONNECTIONS', 10, { integer: true }),
    starts: setting(env, 'BENCH_STARTS', 3, { integer: true }),
    startTimeoutSeconds: setting(env, 'BENCH_START_TIMEOUT_SECONDS', 60),
    rounds: setting(env, 'BENCH_ROUNDS', 3, { integer: true }),
  };
}

/** The database the app under test talks to; figures on PGlite and on PostgreSQL do not compare. */
export function databaseKind(env: NodeJS.ProcessEnv = process.env): 'pglite' | 'postgres' {
  return env.DATABASE_URL ? 'postgres' : 'pglite';
}
