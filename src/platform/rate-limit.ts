import type { FastifyRateLimitOptions, FastifyRateLimitStore } from '@fastify/rate-limit';
import type { SqlRunner } from './db/client.ts';

export interface Hit {
  count: number;
  resetAt: Date;
}

/**
 * Fixed-window counters kept in PostgreSQL, so every app process sees the same count.
 * One statement: a window that has ended starts again at 1.
 */
export class RateLimiter {
  constructor(private readonly sql: SqlRunner) {}

  async hit(key: string, windowMs: number): Promise<Hit> {
    const rows = await this.sql.query<{ count: number; reset_at: Date }>(
      `insert into rate_limits (key, count, reset_at)
       values ($1, 1, now() + make_interval(secs => $2::float8 / 1000))
       on conflict (key) do update set
         count = case when rate_limits.reset_at <= now() then 1 else rate_limits.count + 1 end,
         reset_at = case when rate_limits.reset_at <= now() then excluded.reset_at else rate_limits.reset_at end
       returning count, reset_at`,
      [key, windowMs],
    );
    const row = rows[0];
    if (!row) throw new Error('rate limit upsert returned nothing');
    return { count: row.count, resetAt: new Date(row.reset_at) };
  }

  /** Count a hit; true while the count stays within `max`. */
  async allow(
    key: string,
    max: number,
    windowMs: number,
  ): Promise<{ allowed: boolean; retryAfterSeconds: number }> {
    const h = await this.hit(key, windowMs);
    return {
      allowed: h.count <= max,
      retryAfterSeconds: Math.max(1, Math.ceil((h.resetAt.getTime() - Date.now()) / 1000)),
    };
  }

  /**
   * Count one hit on each key in one statement (one commit, not one per key); allowed only when
   * every key stays within its max. For limits that must all be counted on every request.
   */
  async allowAll(checks: { key: string; max: number; windowMs: number }[]) {
    const rows = await this.sql.query<{ key: string; count: number; reset_at: Date }>(
      `insert into rate_limits (key, count, reset_at)
       select k, 1, now() + make_interval(secs => w / 1000) from unnest($1::text[], $2::float8[]) as t(k, w)
       on conflict (key) do update set
         count = case when rate_limits.reset_at <= now() then 1 else rate_limits.count + 1 end,
         reset_at = case when rate_limits.reset_at <= now() then excluded.reset_at else rate_limits.reset_at end
       returning key, count, reset_at`,
      [checks.map((c) => c.key), checks.map((c) => c.windowMs)],
    );
    const refused = checks
      .map((c) => ({ c, row: rows.find((r) => r.key === c.key) }))
      .filter(({ c, row }) => row && row.count > c.max)
      .map(({ row }) => Math.max(1, Math.ceil((new Date(row?.reset_at ?? 0).getTime() - Date.now()) / 1000)));
    return { allowed: refused.length === 0, retryAfterSeconds: Math.max(0, ...refused) };
  }

  async reset(key: string) {
    await this.sql.query('delete from rate_limits where key = $1', [key]);
  }

  async purgeExpired() {
    await this.sql.query('delete from rate_limits where reset_at < now()');
  }
}

/** The same counters behind @fastify/rate-limit. */
export function fastifyRateLimitStore(limiter: RateLimiter, prefix = 'http') {
  class PgStore implements FastifyRateLimitStore {
    constructor(
      _options?: FastifyRateLimitOptions,
      private readonly scope = prefix,
    ) {}
    incr(
      key: string,
      callback: (error: Error | null, result?: { current: number; ttl: number }) => void,
      timeWindow: number,
    ) {
      limiter.hit(`${this.scope}:${key}`, timeWindow).then(
        (h) => callback(null, { current: h.count, ttl: Math.max(0, h.resetAt.getTime() - Date.now()) }),
        (e: Error) => callback(e),
      );
    }
    child(routeOptions: { path: string; prefix: string }) {
      return new PgStore(undefined, `${this.scope}:${routeOptions.prefix}${routeOptions.path}`);
    }
  }
  return PgStore;
}
