import type { FastifyRateLimitOptions, FastifyRateLimitStore } from '@fastify/rate-limit';
import type { DatabaseKind, SqlRunner } from './db/client.ts';

export interface Hit {
  count: number;
  resetAt: Date;
}

interface Counted {
  key: string;
  windowMs: number;
}

/** A read that goes to the database with the hits: positional parameters, a name for its plan. */
export interface CountedRead {
  name: string;
  text: string;
  params: unknown[];
}

/** Where fixed-window counters live. A window that has ended starts again at 1. */
export interface CounterStore {
  /** One hit on each key, all at once; the counts after the hit, in the order given. */
  hitAll(keys: Counted[]): Promise<Hit[]>;
  /** `hitAll` and `read` together (one round trip where the counters are in the database). */
  hitAllWith<T>(keys: Counted[], read: CountedRead): Promise<{ hits: Hit[]; rows: T[] }>;
  reset(key: string): Promise<void>;
  purgeExpired(): Promise<void>;
  /** Keys with a live window, for operators and tests. */
  liveKeys(prefix: string): Promise<string[]>;
}

interface HitRow {
  key: string;
  count: number;
  reset_at: Date | string;
}

/** One hit on each key in $k (text[]) with its window in $k+1 (milliseconds, float8[]). */
const upsertHits = (k: number) =>
  `insert into rate_limits (key, count, reset_at)
   select k, 1, now() + make_interval(secs => w / 1000) from unnest($${k}::text[], $${k + 1}::float8[]) as t(k, w)
   on conflict (key) do update set
     count = case when rate_limits.reset_at <= now() then 1 else rate_limits.count + 1 end,
     reset_at = case when rate_limits.reset_at <= now() then excluded.reset_at else rate_limits.reset_at end
   returning key, count, reset_at`;

const keyParams = (keys: Counted[]) => [keys.map((c) => c.key), keys.map((c) => c.windowMs)];

function hitsInOrder(keys: Counted[], rows: HitRow[]): Hit[] {
  return keys.map(({ key }) => {
    const row = rows.find((r) => r.key === key);
    if (!row) throw new Error(`rate limit upsert returned nothing for ${key}`);
    return { count: row.count, resetAt: new Date(row.reset_at) };
  });
}

/**
 * Counters in PostgreSQL, so every app process on one server sees the same count: one statement,
 * one round trip, however many keys. The table is unlogged (migration 0006): a crash forgets counts
 * of a few minutes, which is harmless, and a hit never waits for the write-ahead log.
 */
export class SqlCounters implements CounterStore {
  constructor(private readonly sql: SqlRunner) {}

  async hitAll(keys: Counted[]) {
    const rows = await this.sql.query<HitRow>(upsertHits(1), keyParams(keys), 'rate_limits_hit');
    return hitsInOrder(keys, rows);
  }

  /**
   * The upsert rides in a data-modifying CTE of the read's statement: one round trip, one plan per
   * connection. The read is joined laterally to one row of counts, so its rows come back (or a row
   * saying there were none) with the counts on each.
   */
  async hitAllWith<T>(keys: Counted[], read: CountedRead) {
    const n = read.params.length;
    const rows = await this.sql.query<Record<string, unknown>>(
      `with hits as (${upsertHits(n + 1)})
       select h.rate_limit_hits, r.*
       from (select json_agg(json_build_object('key', key, 'count', count, 'reset_at', reset_at))
               as rate_limit_hits from hits) h
       left join lateral (select true as rate_limit_row, x.* from (${read.text}) x) r on true`,
      [...read.params, ...keyParams(keys)],
      `rate_limits_hit:${read.name}`,
    );
    const hits = hitsInOrder(keys, (rows[0]?.rate_limit_hits ?? []) as HitRow[]);
    const found = rows
      .filter((r) => r.rate_limit_row)
      .map(({ rate_limit_hits: _h, rate_limit_row: _r, ...rest }) => rest as T);
    return { hits, rows: found };
  }

  async reset(key: string) {
    await this.sql.query('delete from rate_limits where key = $1', [key]);
  }

  async purgeExpired() {
    await this.sql.query('delete from rate_limits where reset_at < now()');
  }

  async liveKeys(prefix: string) {
    const rows = await this.sql.query<{ key: string }>(
      'select key from rate_limits where starts_with(key, $1) and reset_at > now() order by key',
      [prefix],
    );
    return rows.map((r) => r.key);
  }
}

/**
 * Counters in this process's memory. For embedded PGlite only: its data folder belongs to one
 * process, so there is no other process to share a count with, and a hit costs no statement.
 */
export class MemoryCounters implements CounterStore {
  private readonly windows = new Map<string, Hit>();

  constructor(private readonly sql: SqlRunner) {}

  async hitAll(keys: Counted[]) {
    const now = Date.now();
    return keys.map(({ key, windowMs }) => {
      const w = this.windows.get(key);
      const hit =
        w && w.resetAt.getTime() > now
          ? { count: w.count + 1, resetAt: w.resetAt }
          : { count: 1, resetAt: new Date(now + windowMs) };
      this.windows.set(key, hit);
      return { ...hit };
    });
  }

  async hitAllWith<T>(keys: Counted[], read: CountedRead) {
    const hits = await this.hitAll(keys);
    return { hits, rows: await this.sql.query<T>(read.text, read.params, read.name) };
  }

  async reset(key: string) {
    this.windows.delete(key);
  }

  async purgeExpired() {
    const now = Date.now();
    for (const [key, w] of this.windows) if (w.resetAt.getTime() <= now) this.windows.delete(key);
  }

  async liveKeys(prefix: string) {
    const now = Date.now();
    return [...this.windows]
      .filter(([key, w]) => key.startsWith(prefix) && w.resetAt.getTime() > now)
      .map(([key]) => key)
      .sort();
  }
}

/** One store per database: limiters made for the same embedded database share its counters. */
const memoryStores = new WeakMap<object, MemoryCounters>();

export function counterStoreFor(database: SqlRunner & { kind: DatabaseKind }): CounterStore {
  if (database.kind === 'postgres') return new SqlCounters(database);
  let store = memoryStores.get(database);
  if (!store) {
    store = new MemoryCounters(database);
    memoryStores.set(database, store);
  }
  return store;
}

/** Expired windows are swept at most this often, by whichever hit comes first. */
const PURGE_EVERY_MS = 10 * 60_000;

/**
 * Fixed-window rate limits (sign-in back-off, OTP limits, tracking lookups, HTTP limits), counted in
 * PostgreSQL on a server and in memory on embedded PGlite (see `counterStoreFor`).
 */
export class RateLimiter {
  private readonly store: CounterStore;
  private lastPurge = Date.now();

  constructor(database: SqlRunner & { kind: DatabaseKind }) {
    this.store = counterStoreFor(database);
  }

  async hit(key: string, windowMs: number): Promise<Hit> {
    const [h] = await this.hitAll([{ key, windowMs }]);
    if (!h) throw new Error('rate limit hit returned nothing');
    return h;
  }

  /** Count a hit; true while the count stays within `max`. */
  async allow(
    key: string,
    max: number,
    windowMs: number,
  ): Promise<{ allowed: boolean; retryAfterSeconds: number }> {
    return this.allowAll([{ key, max, windowMs }]);
  }

  /**
   * Count one hit on each key at once (one statement, one commit, not one per key); allowed only
   * when every key stays within its max. For limits that must all be counted on every request.
   */
  async allowAll(checks: Check[]) {
    return verdict(checks, await this.hitAll(checks));
  }

  /**
   * `allowAll` and a read in one go: on a server one statement, so a hot public read costs one
   * round trip, counted or not. The rows are the caller's to withhold when not allowed.
   */
  async allowAllWith<T>(checks: Check[], read: CountedRead) {
    this.purgeIfDue();
    const { hits, rows } = await this.store.hitAllWith<T>(checks, read);
    return { ...verdict(checks, hits), rows };
  }

  reset(key: string) {
    return this.store.reset(key);
  }

  purgeExpired() {
    this.lastPurge = Date.now();
    return this.store.purgeExpired();
  }

  liveKeys(prefix: string) {
    return this.store.liveKeys(prefix);
  }

  private hitAll(keys: Counted[]) {
    this.purgeIfDue();
    return this.store.hitAll(keys);
  }

  private purgeIfDue() {
    if (Date.now() - this.lastPurge > PURGE_EVERY_MS) {
      this.purgeExpired().catch(() => {
        // Best effort: the next sweep tries again.
      });
    }
  }
}

interface Check {
  key: string;
  max: number;
  windowMs: number;
}

/** Allowed only when every key stays within its max; else the longest wait among those refused. */
function verdict(checks: Check[], hits: Hit[]) {
  const refused = hits
    .filter((h, i) => h.count > (checks[i]?.max ?? 0))
    .map((h) => Math.max(1, Math.ceil((h.resetAt.getTime() - Date.now()) / 1000)));
  return { allowed: refused.length === 0, retryAfterSeconds: Math.max(0, ...refused) };
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
