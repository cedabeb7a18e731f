import autocannon from 'autocannon';
import type { BenchSettings } from './measure.ts';

export interface LoadResult {
  requestsPerSecond: number;
  totalRequests: number;
  latencyMs: { average: number; p50: number; p99: number };
}

async function fire(url: string, connections: number, seconds: number) {
  return autocannon({
    url,
    connections,
    duration: seconds,
    // The load generator gets its own thread: on the same event loop as the server under test it
    // would take CPU from it, and the measure would mostly show autocannon's own cost.
    workers: 1,
  });
}

/**
 * Requests per second on `url` at the configured connections and duration, after a warm-up run.
 * Any error or non-2xx answer fails the measure: a rate of failures compares nothing.
 */
export async function measureLoad(url: string, s: BenchSettings): Promise<LoadResult> {
  if (s.warmupSeconds > 0) await fire(url, s.connections, s.warmupSeconds);
  const r = await fire(url, s.connections, s.seconds);
  if (r.errors || r.timeouts || r.non2xx) {
    throw new Error(
      `${url}: ${r.errors} errors, ${r.timeouts} timeouts, ${r.non2xx} non-2xx answers in ${r.requests.total} requests`,
    );
  }
  if (!r.requests.total) throw new Error(`${url}: no answer at all in ${s.seconds}s`);
  return {
    requestsPerSecond: r.requests.total / r.duration,
    totalRequests: r.requests.total,
    latencyMs: { average: r.latency.average, p50: r.latency.p50, p99: r.latency.p99 },
  };
}

/**
 * autocannon with `[<id>]` replaced by a fresh id in every request (headers and body), so each POST
 * is a new submission with its own Idempotency-Key. Any error or non-2xx answer fails the measure.
 */
export async function measureRequests(
  opts: {
    url: string;
    method: 'GET' | 'POST';
    headers?: Record<string, string>;
    /** Text: autocannon's worker takes a string or a Buffer, and a Buffer does not survive the hand-over. */
    body?: string;
    requests?: { path: string; headers?: Record<string, string> }[];
  },
  s: BenchSettings,
): Promise<LoadResult> {
  const fire = (duration: number) =>
    autocannon({
      url: opts.url,
      method: opts.method,
      ...(opts.headers ? { headers: opts.headers } : {}),
      ...(opts.body ? { body: opts.body } : {}),
      ...(opts.requests ? { requests: opts.requests.map((r) => ({ method: opts.method, ...r })) } : {}),
      // `[<id>]` in a body becomes a fresh id per request (e.g. an Idempotency-Key: a new dossier each).
      ...(opts.body !== undefined ? { idReplacement: true } : {}),
      connections: s.connections,
      duration,
      workers: 1,
    });
  if (s.warmupSeconds > 0) await fire(s.warmupSeconds);
  const r = await fire(s.seconds);
  if (r.errors || r.timeouts || r.non2xx) {
    throw new Error(
      `${opts.url}: ${r.errors} errors, ${r.timeouts} timeouts, ${r.non2xx} non-2xx answers (4xx: ${r['4xx']}, 5xx: ${r['5xx']}) in ${r.requests.total} requests`,
    );
  }
  if (!r.requests.total) throw new Error(`${opts.url}: no answer at all in ${s.seconds}s`);
  return {
    requestsPerSecond: r.requests.total / r.duration,
    totalRequests: r.requests.total,
    latencyMs: { average: r.latency.average, p50: r.latency.p50, p99: r.latency.p99 },
  };
}
