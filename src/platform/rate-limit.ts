import type { FastifyRateLimitOptions, FastifyRateLimitStore } from '@fastify/rate-limit';
import { LRUCache } from 'lru-cache';
import { type Clock, systemClock } from './clock.ts';
import type { DatabaseKind, SqlRunner } from './db/client.ts';

export interface Hit {
  count: number;
  resetAt: Date;
}

export interface Counted {
  key: string;
  windowMs: number;
}

interface Added extends Counted {
  /** Hits to add at once. */
  n: number;
}

/**
 * Where fixed-window counters live. A window that has ended starts again at 1. The time comes from
 * the caller (the limiter's clock), never from the store or the database, so tests move it.
 */
export interface CounterStore {
  /** One hit on each key, all at once at `now`; the counts after the hit, in the order given. */
  hitAll(keys: Counted[], now: Date): Promise<Hit[]>;
  /**
   * Takes back one hit on each key (one counted before its request knew whether it should count),
   * within the window it was counted in (live at `now`); a count never goes below 0.
   */
  giveBack(keys: Counted[], now: Date): Promise<void>;
  reset(key: string): Promise<void>;
  purgeExpired(now: Date): Promise<void>;
  /** Keys with a live window at `now`, for operators and tests. */
  liveKeys(prefix: string, now: Date): Promise<string[]>;
  /** Stop any timer; count what is still held. */
  close(): Promise<void>;
}

/**
 * `n` hits on each key at once at time $4; a key whose window has ended starts a new one with them.
 * The time is the app's clock, not the server's `now()`: the app's clock is the one tests move, and
 * instances of one installation keep their clocks in step (NTP) as they do for every other time.
 */
const ADD_HITS = `insert into rate_limits (key, count, reset_at)
  select k, n, $4::timestamptz + make_interval(secs => w / 1000)
  from unnest($1::text[], $2::float8[], $3::int[]) as t(k, w, n)
  on conflict (key) do update set
    count = case when rate_limits.reset_at <= $4::timestamptz then excluded.count else rate_limits.count + excluded.count end,
    reset_at = case when rate_limits.reset_at <= $4::timestamptz then excluded.reset_at else rate_limits.reset_at end
  returning key, count, reset_at`;

/** `n` hits taken back from each live key (never below 0); a key whose window ended is left alone. */
const TAKE_BACK = `update rate_limits set count = greatest(0, rate_limits.count - t.n)
  from unnest($1::text[], $2::int[]) as t(k, n)
  where rate_limits.key = t.k and rate_limits.reset_at > $3::timestamptz
  returning key, count, reset_at`;

/**
 * Counters in PostgreSQL, so every app process on one server sees the same count: one statement,
 * one round trip, however many keys. The table is unlogged (migration 0006): a crash forgets counts
 * of a few minutes, which is harmless, and a hit never waits for the write-ahead log.
 */
export class SqlCounters implements CounterStore {
  constructor(private readonly sql: SqlRunner) {}

  hitAll(keys: Counted[], now: Date) {
    return this.add(
      keys.map((k) => ({ ...k, n: 1 })),
      now,
    );
  }

  async giveBack(keys: Counted[], now: Date) {
    await this.takeBack(
      keys.map((k) => ({ ...k, n: 1 })),
      now,
    );
  }

  /** Takes `n` hits back from each key live at `now`; the counts after, by key (keys with no live window absent). */
  async takeBack(batch: Added[], now: Date): Promise<Map<string, Hit>> {
    const rows = await this.sql.query<{ key: string; count: number; reset_at: Date }>(
      TAKE_BACK,
      [batch.map((b) => b.key), batch.map((b) => b.n), now],
      'rate_limits_take_back',
    );
    return new Map(rows.map((r) => [r.key, { count: r.count, resetAt: new Date(r.reset_at) }]));
  }

  /** Adds `n` to each key (each key once) at `now`; the counts after, in the order given. */
  async add(batch: Added[], now: Date): Promise<Hit[]> {
    const rows = await this.sql.query<{ key: string; count: number; reset_at: Date }>(
      ADD_HITS,
      [batch.map((b) => b.key), batch.map((b) => b.windowMs), batch.map((b) => b.n), now],
      'rate_limits_add',
    );
    return batch.map(({ key }) => {
      const row = rows.find((r) => r.key === key);
      if (!row) throw new Error(`rate limit upsert returned nothing for ${key}`);
      return { count: row.count, resetAt: new Date(row.reset_at) };
    });
  }

  async reset(key: string) {
    await this.sql.query('delete from rate_limits where key = $1', [key]);
  }

  async purgeExpired(now: Date) {
    await this.sql.query('delete from rate_limits where reset_at <= $1', [now]);
  }

  async liveKeys(prefix: string, now: Date) {
    const rows = await this.sql.query<{ key: string }>(
      'select key from rate_limits where starts_with(key, $1) and reset_at > $2 order by key',
      [prefix, now],
    );
    return rows.map((r) => r.key);
  }

  async close() {}
}

interface Held {
  windowMs: number;
  /** The shared count as the table last answered, this process's hits up to then included. */
  shared: number;
  /** Hits counted here since; below 0 when hits the table already holds were given back since. */
  pending: number;
  resetAt: number;
}

/** Flood counters are added to the shared table this often. */
const SYNC_EVERY_MS = 1000;
/** Keys a process keeps in memory for flood limits; the least recently hit go first. */
const HELD_KEYS = 100_000;

/**
 * Counters for floods on a server (tracking lookups, HTTP route limits). A hit is counted in this
 * process's memory, with no statement; every second the hits counted since are added to the shared
 * table in one statement, whose answer brings back the shared counts, other processes' hits
 * included. A flood then costs the database one statement a second per process, whatever its size,
 * instead of a write per request. In exchange: across N processes a key can take up to N times its
 * max in a window (each sees the others' hits a second late, or when it first meets the key), a
 * process that meets a key again after forgetting it (more than 100,000 keys since) starts it from
 * its own count, and a second of hits is lost if a process dies. Sign-in and OTP limits, where one
 * attempt more matters, stay counted hit by hit (`SqlCounters`).
 */
export class SyncedCounters implements CounterStore {
  private readonly held: LRUCache<string, Held>;
  /** Hits of keys forgotten before they were added to the table. */
  private orphans: Added[] = [];
  private readonly timer: NodeJS.Timeout;
  private syncing: Promise<void> = Promise.resolve();

  private readonly clock: Clock;

  /** `clock` dates the background syncs; a hit is dated by its caller. */
  constructor(
    private readonly shared: SqlCounters,
    opts: { everyMs?: number; keys?: number; clock?: Clock } = {},
  ) {
    this.clock = opts.clock ?? systemClock;
    this.held = new LRUCache<string, Held>({
      max: opts.keys ?? HELD_KEYS,
      dispose: (h, key, reason) => {
        if (reason === 'evict' && h.pending !== 0)
          this.orphans.push({ key, windowMs: h.windowMs, n: h.pending });
      },
    });
    this.timer = setInterval(() => {
      this.sync().catch(() => {
        // Kept: the hits stay pending and the next sync adds them.
      });
    }, opts.everyMs ?? SYNC_EVERY_MS);
    this.timer.unref();
  }

  async hitAll(keys: Counted[], at: Date) {
    const now = at.getTime();
    return keys.map(({ key, windowMs }) => {
      let h = this.held.get(key);
      if (!h || h.resetAt <= now) {
        h = { windowMs, shared: 0, pending: 0, resetAt: now + windowMs };
        this.held.set(key, h);
      }
      h.pending++;
      return { count: h.shared + h.pending, resetAt: new Date(h.resetAt) };
    });
  }

  /** In memory too: the next sync takes the hit back from the table if it had already added it. */
  async giveBack(keys: Counted[], at: Date) {
    const now = at.getTime();
    for (const { key } of keys) {
      const h = this.held.get(key);
      if (h && h.resetAt > now && h.shared + h.pending > 0) h.pending--;
    }
  }

  /** Adds the hits counted here since the last sync to the table and learns the shared counts. */
  sync(): Promise<void> {
    const run = this.syncing.then(() => this.syncOnce());
    // One sync at a time; a failed one does not stop the next.
    this.syncing = run.catch(() => {});
    return run;
  }

  private async syncOnce() {
    const orphans = this.orphans;
    this.orphans = [];
    const taken = new Map<string, number>();
    const batch: Added[] = [...orphans];
    for (const [key, h] of this.held.entries()) {
      if (h.pending === 0) continue;
      taken.set(key, h.pending);
      batch.push({ key, windowMs: h.windowMs, n: h.pending });
    }
    const merged = mergeByKey(batch).filter((b) => b.n !== 0);
    if (merged.length === 0) return;
    // Hits given back after the last sync added them are taken back from the table: rare (a hit
    // and its return usually fall between two syncs and cancel out), so a second statement only then.
    const added = merged.filter((b) => b.n > 0);
    const returned = merged.filter((b) => b.n < 0).map((b) => ({ ...b, n: -b.n }));
    const counts = new Map<string, Hit>();
    try {
      const now = this.clock.now();
      const [plus, minus] = await Promise.all([
        added.length ? this.shared.add(added, now) : Promise.resolve([]),
        returned.length ? this.shared.takeBack(returned, now) : Promise.resolve(new Map<string, Hit>()),
      ]);
      added.forEach((b, i) => {
        const count = plus[i];
        if (count) counts.set(b.key, count);
      });
      for (const [key, count] of minus) counts.set(key, count);
    } catch (e) {
      // Nothing is known to be added: held keys keep their pending hits, orphans wait for the next sync.
      this.orphans.unshift(...orphans);
      throw e;
    }
    for (const b of merged) {
      const h = this.held.peek(b.key);
      if (!h) continue;
      // Hits counted (or given back) while the statement ran stay pending.
      h.pending -= taken.get(b.key) ?? 0;
      const count = counts.get(b.key);
      if (count) {
        h.shared = count.count;
        h.resetAt = count.resetAt.getTime();
      } else {
        h.shared = Math.max(0, h.shared + (taken.get(b.key) ?? 0));
      }
    }
  }

  async reset(key: string) {
    this.held.delete(key);
    await this.shared.reset(key);
  }

  async purgeExpired(at: Date) {
    const now = at.getTime();
    for (const [key, h] of this.held.entries())
      if (h.resetAt <= now && h.pending === 0) this.held.delete(key);
    await this.shared.purgeExpired(at);
  }

  async liveKeys(prefix: string, now: Date) {
    await this.sync();
    return this.shared.liveKeys(prefix, now);
  }

  async close() {
    clearInterval(this.timer);
    await this.sync();
  }
}

/** One entry per key (an orphan and a held key can share one), their hits summed. */
function mergeByKey(batch: Added[]): Added[] {
  const byKey = new Map<string, Added>();
  for (const b of batch) {
    const seen = byKey.get(b.key);
    if (seen) seen.n += b.n;
    else byKey.set(b.key, { ...b });
  }
  return [...byKey.values()];
}

/**
 * Counters in this process's memory. For embedded PGlite only: its data folder belongs to one
 * process, so there is no other process to share a count with, and a hit costs no statement.
 */
export class MemoryCounters implements CounterStore {
  private readonly windows = new Map<string, Hit>();

  async hitAll(keys: Counted[], at: Date) {
    const now = at.getTime();
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

  async giveBack(keys: Counted[], at: Date) {
    const now = at.getTime();
    for (const { key } of keys) {
      const w = this.windows.get(key);
      if (w && w.resetAt.getTime() > now && w.count > 0) this.windows.set(key, { ...w, count: w.count - 1 });
    }
  }

  async reset(key: string) {
    this.windows.delete(key);
  }

  async purgeExpired(at: Date) {
    const now = at.getTime();
    for (const [key, w] of this.windows) if (w.resetAt.getTime() <= now) this.windows.delete(key);
  }

  async liveKeys(prefix: string, at: Date) {
    const now = at.getTime();
    return [...this.windows]
      .filter(([key, w]) => key.startsWith(prefix) && w.resetAt.getTime() > now)
      .map(([key]) => key)
      .sort();
  }

  async close() {}
}

/** One store per database: limiters made for the same embedded database share its counters. */
const memoryStores = new WeakMap<object, MemoryCounters>();

function memoryStoreFor(database: object) {
  let store = memoryStores.get(database);
  if (!store) {
    store = new MemoryCounters();
    memoryStores.set(database, store);
  }
  return store;
}

/**
 * Where a limiter counts. Embedded PGlite: in memory, whatever the limit. A server: hit by hit in
 * the shared table, or, for flood limits, in memory synced to that table every second.
 */
function counterStoreFor(
  database: SqlRunner & { kind: DatabaseKind },
  floods: boolean,
  clock: Clock,
): CounterStore {
  if (database.kind !== 'postgres') return memoryStoreFor(database);
  const shared = new SqlCounters(database);
  return floods ? new SyncedCounters(shared, { clock }) : shared;
}

/** Expired windows are swept at most this often, by whichever hit comes first. */
const PURGE_EVERY_MS = 10 * 60_000;

/**
 * Fixed-window rate limits, counted in PostgreSQL on a server and in memory on embedded PGlite (see
 * `counterStoreFor`). A limiter for floods (`{ floods: true }`: tracking lookups, HTTP route
 * limits) spares the database a write per request; the default one (sign-in back-off, OTP limits)
 * counts every hit in the shared table before answering. Windows follow `clock` (the platform's):
 * tests move it instead of waiting.
 */
export class RateLimiter {
  private readonly store: CounterStore;
  readonly clock: Clock;
  private lastPurge: number;

  constructor(database: SqlRunner & { kind: DatabaseKind }, opts: { floods?: boolean; clock?: Clock } = {}) {
    this.clock = opts.clock ?? systemClock;
    this.store = counterStoreFor(database, opts.floods ?? false, this.clock);
    this.lastPurge = this.clock.now().getTime();
  }

  async hit(key: string, windowMs: number): Promise<Hit> {
    const [h] = await this.hitAll([{ key, windowMs }], this.clock.now());
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
  async allowAll(checks: { key: string; max: number; windowMs: number }[]) {
    const now = this.clock.now();
    const hits = await this.hitAll(checks, now);
    const refused = hits
      .filter((h, i) => h.count > (checks[i]?.max ?? 0))
      .map((h) => Math.max(1, Math.ceil((h.resetAt.getTime() - now.getTime()) / 1000)));
    return { allowed: refused.length === 0, retryAfterSeconds: Math.max(0, ...refused) };
  }

  /**
   * Count one hit on each key and return the counts, for a caller that decides itself what they
   * allow (a limit that depends on another key's count). Same store, same cost as `allowAll`.
   */
  countAll(keys: Counted[]): Promise<Hit[]> {
    return this.hitAll(keys, this.clock.now());
  }

  /**
   * Take back one hit on each key: for a hit counted before the request knew whether it should
   * count (a tracking guess, counted first so that parallel requests cannot all pass the check, and
   * given back when the proof was right). In memory for flood limits, like the hit itself.
   */
  giveBack(keys: Counted[]): Promise<void> {
    return this.store.giveBack(keys, this.clock.now());
  }

  reset(key: string) {
    return this.store.reset(key);
  }

  purgeExpired() {
    const now = this.clock.now();
    this.lastPurge = now.getTime();
    return this.store.purgeExpired(now);
  }

  liveKeys(prefix: string) {
    return this.store.liveKeys(prefix, this.clock.now());
  }

  /** Stops the flood limiter's sync timer after adding what it still holds. */
  close() {
    return this.store.close();
  }

  private hitAll(keys: Counted[], now: Date) {
    if (now.getTime() - this.lastPurge > PURGE_EVERY_MS) {
      this.purgeExpired().catch(() => {
        // Best effort: the next sweep tries again.
      });
    }
    return this.store.hitAll(keys, now);
  }
}

/** What @fastify/rate-limit (11) hands a store's `child()`: the route's merged limit options. */
interface RouteLimitOptions {
  routeInfo?: { method?: string | string[]; url?: string };
}

/**
 * The same counters behind @fastify/rate-limit. Each limited route gets its own counters (its
 * method and URL in the key), so a flood of one route never refuses another.
 */
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
        (h) =>
          callback(null, {
            current: h.count,
            ttl: Math.max(0, h.resetAt.getTime() - limiter.clock.now().getTime()),
          }),
        (e: Error) => callback(e),
      );
    }
    // Typed by the plugin as the route's options with `path` and `prefix`, but version 11 passes
    // the merged limit options with the route under `routeInfo` (and `{}` for `rateLimit()` hooks).
    child(options: object) {
      const route = (options as RouteLimitOptions).routeInfo;
      const method = [route?.method ?? ''].flat().join(',');
      return new PgStore(undefined, `${this.scope}:${method} ${route?.url ?? ''}`);
    }
  }
  return PgStore;
}
