/** Every request the soak makes, timed, and the figures read from them. */
import { percentile } from '../bench/measures/dossier-common.ts';

export const KINDS = ['submit', 'track', 'staff', 'feedback', 'alert'] as const;
export type Kind = (typeof KINDS)[number];

export interface Attempt {
  kind: Kind;
  /** Milliseconds since the soak began, when the request was sent. */
  at: number;
  ms: number;
  /** The HTTP status, or how it failed without one: refused, reset, timeout. */
  outcome: string;
}

/** An HTTP answer, or none (`status` 0) when the request failed without one. */
export interface Answer {
  status: number;
  body: string;
  headers: Headers;
  outcome: string;
}

const REQUEST_TIMEOUT_MS = 20_000;

function failureOf(e: unknown): string {
  if (e instanceof DOMException && e.name === 'TimeoutError') return 'timeout';
  const code = (e as { cause?: { code?: string } }).cause?.code;
  if (code === 'ECONNREFUSED') return 'refused';
  if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET' || code === 'EPIPE') return 'reset';
  return `error:${code ?? (e as Error).message}`;
}

export class Recorder {
  readonly attempts: Attempt[] = [];
  readonly t0 = performance.now();

  now() {
    return performance.now() - this.t0;
  }

  /** One request, timed to its last byte; never throws for a network failure. */
  async call(kind: Kind, url: string, init: RequestInit = {}): Promise<Answer> {
    const at = this.now();
    try {
      const res = await fetch(url, {
        redirect: 'manual',
        ...init,
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      const body = await res.text();
      const outcome = String(res.status);
      this.attempts.push({ kind, at, ms: this.now() - at, outcome });
      return { status: res.status, body, headers: res.headers, outcome };
    } catch (e) {
      const outcome = failureOf(e);
      this.attempts.push({ kind, at, ms: this.now() - at, outcome });
      return { status: 0, body: '', headers: new Headers(), outcome };
    }
  }

  /** Requests by outcome, per kind. */
  outcomes() {
    const table: Partial<Record<Kind, Record<string, number>>> = {};
    for (const a of this.attempts) {
      const row = table[a.kind] ?? {};
      row[a.outcome] = (row[a.outcome] ?? 0) + 1;
      table[a.kind] = row;
    }
    return table;
  }

  /**
   * Latency of the requests that ended in [from, to) with an HTTP answer: a request caught in flight
   * by a fault counts where the wait ended, and a refused connection (answered in a millisecond) would
   * only flatter the figure, so the ones without an answer are counted apart.
   */
  window(from: number, to: number) {
    const inside = this.attempts.filter((a) => a.at + a.ms >= from && a.at + a.ms < to);
    const answered = inside.filter((a) => /^\d+$/.test(a.outcome));
    const byKind: Partial<Record<Kind, { requests: number; p95Ms: number }>> = {};
    for (const kind of KINDS) {
      const mine = answered.filter((a) => a.kind === kind);
      if (mine.length) byKind[kind] = { requests: mine.length, p95Ms: p95(mine.map((a) => a.ms)) };
    }
    return {
      fromS: round(from / 1000),
      toS: round(to / 1000),
      requests: inside.length,
      answered: answered.length,
      unanswered: inside.length - answered.length,
      errors5xx: answered.filter((a) => a.outcome.startsWith('5')).length,
      p95Ms: answered.length ? p95(answered.map((a) => a.ms)) : null,
      maxMs: answered.length ? round(Math.max(...answered.map((a) => a.ms))) : null,
      byKind,
    };
  }
}

const p95 = (xs: number[]) => round(percentile(xs, 95));

const round = (n: number) => Math.round(n * 10) / 10;
