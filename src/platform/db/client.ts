import fs from 'node:fs';
import path from 'node:path';
import { PGlite, type Results, type Transaction, types } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { unaccent } from '@electric-sql/pglite/contrib/unaccent';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import pg from 'pg';

export type Db = PgDatabase<PgQueryResultHKT>;
export type DatabaseKind = 'pglite' | 'postgres';

/** Plain SQL access, for migrations, pg-boss and the few queries a builder cannot say well. */
export interface SqlRunner {
  /**
   * `name` makes it a named prepared statement on a server: each connection parses and plans it
   * once (for hot paths; one name, one text). PGlite, one connection in this process, ignores it.
   */
  query<T = Record<string, unknown>>(text: string, params?: unknown[], name?: string): Promise<T[]>;
  /** Several statements, no parameters (migration files). */
  exec(text: string): Promise<void>;
}

export interface Database extends SqlRunner {
  kind: DatabaseKind;
  db: Db;
  /** Run `fn` holding a session-level advisory lock, on one connection. */
  withLock<T>(key: number, fn: (runner: SqlRunner) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/**
 * Errors that say the database server is out of reach rather than that the statement is wrong:
 * refused or broken connections, and the server shutting down or starting (SQLSTATE classes 08 and
 * 57P). The statement did not commit, so the request may be sent again.
 */
export function isDatabaseUnavailable(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  if (typeof code === 'string') {
    if (['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT'].includes(code)) return true;
    if (code.startsWith('08') || code === '57P01' || code === '57P02' || code === '57P03') return true;
  }
  const message = e instanceof Error ? e.message : '';
  return /^Connection terminated|timeout exceeded when trying to connect/.test(message);
}

// pg returns bigint (int8) as string by default; our ids and counts fit in a JS number.
pg.types.setTypeParser(20, (v) => Number.parseInt(v, 10));

export interface OpenOptions {
  url?: string | undefined;
  /** PGlite data folder; undefined means in memory. */
  dataDir?: string | undefined;
  /** PGlite: start from a dump made by `dumpDataDir` (tests use a migrated template). */
  loadDataDir?: Blob | File | undefined;
  poolSize?: number;
}

export async function openDatabase(opts: OpenOptions): Promise<Database> {
  if (opts.url) return openPostgres(opts.url, opts.poolSize ?? 10);
  return openPglite(opts.dataDir, opts.loadDataDir);
}

async function openPostgres(url: string, max: number): Promise<Database> {
  const pool = new pg.Pool({ connectionString: url, max });
  // A dropped connection must not crash the process: the pool replaces idle ones, and a query on a
  // checked-out one fails with its own error. Without these listeners the 'error' event is fatal.
  pool.on('error', () => {});
  pool.on('connect', (client) => client.on('error', () => {}));
  const db = drizzlePg(pool) as unknown as Db;
  return {
    kind: 'postgres',
    db,
    async query<T>(text: string, params?: unknown[], name?: string) {
      const r = await pool.query({ text, values: params as unknown[], ...(name ? { name } : {}) });
      return r.rows as T[];
    },
    async exec(text: string) {
      await pool.query(text);
    },
    async withLock(key, fn) {
      const client = await pool.connect();
      try {
        await client.query('select pg_advisory_lock($1)', [key]);
        try {
          return await fn({
            query: async <T>(t: string, p?: unknown[]) => (await client.query(t, p as unknown[])).rows as T[],
            exec: async (t) => {
              await client.query(t);
            },
          });
        } finally {
          await client.query('select pg_advisory_unlock($1)', [key]);
        }
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
}

/**
 * Drizzle asks PGlite to leave these types as text (it parses them itself), by passing its parsers
 * with every query; PGlite then copies its whole parser table for each query, a cost on every
 * statement (about 0.13 ms, a third of a simple lookup). So the client is made with these parsers
 * once, Drizzle's per-query copies are dropped, and plain SQL gets dates parsed as PGlite would.
 */
const DRIZZLE_TEXT_TYPES = [
  types.TIMESTAMP,
  types.TIMESTAMPTZ,
  types.INTERVAL,
  types.DATE,
  1231, // numeric[]
  1115, // timestamp[]
  1185, // timestamptz[]
  1187, // interval[]
  1182, // date[]
];
const asText = (v: string) => v;
/** What PGlite itself would return for date types, for plain SQL (element type of each array). */
const DATE_TYPES = new Map<number, number | undefined>([
  [types.DATE, undefined],
  [types.TIMESTAMP, undefined],
  [types.TIMESTAMPTZ, undefined],
  [1182, types.DATE],
  [1115, types.TIMESTAMP],
  [1185, types.TIMESTAMPTZ],
]);

/** Dates in plain-SQL results as PGlite's default parsers give them (the client keeps them as text). */
export function pgliteDates<T>(results: Results<T>): Results<T> {
  const fields = results.fields.filter((f) => DATE_TYPES.has(f.dataTypeID));
  if (fields.length === 0) return results;
  for (const row of results.rows as Record<string, unknown>[]) {
    for (const f of fields) {
      const value = row[f.name];
      if (typeof value !== 'string') continue;
      const element = DATE_TYPES.get(f.dataTypeID);
      row[f.name] =
        element === undefined
          ? types.parseType(value, f.dataTypeID)
          : types.arrayParser(value, (x: string) => types.parseType(x, element), f.dataTypeID);
    }
  }
  return results;
}

type Queryable = Pick<PGlite, 'query'>;
const dropParsers = (o: unknown) => (o ? { ...(o as object), parsers: undefined } : o);
function forDrizzle<T extends Queryable>(q: T, wrapTransactions: boolean): T {
  return new Proxy(q, {
    get(target, prop) {
      if (prop === 'query')
        return (text: string, params?: unknown[], o?: unknown) =>
          target.query(text, params, dropParsers(o) as never);
      if (prop === 'transaction' && wrapTransactions)
        return <R>(fn: (tx: Transaction) => Promise<R>) =>
          (target as unknown as PGlite).transaction((tx) => fn(forDrizzle(tx, false)));
      const v = Reflect.get(target, prop, target);
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
}

const MB = 1024 * 1024;

/**
 * PGlite's buffer pool, sized to the data it holds: a quarter of it, from 16 MB up to 64 MB.
 * PostgreSQL's default (128 MB, which initdb writes into the folder) lives inside the WebAssembly
 * memory and is touched as it fills, so it became most of a commune box's memory while the box's
 * data fit in 40 MB. Pages beyond the pool are read through the operating system's file cache,
 * which the box shares with everything else. Read at each start: a growing commune gets more.
 * (Decision 028.)
 */
export function sharedBuffersMb(dataBytes: number): number {
  return Math.min(64, Math.max(16, Math.ceil(dataBytes / 4 / (8 * MB)) * 8));
}

/** Bytes of table and index files in a PGlite data folder (its `base`), 0 for a new one. */
function dataBytes(dataDir: string): number {
  const base = path.join(dataDir, 'base');
  if (!fs.existsSync(base)) return 0;
  let bytes = 0;
  for (const e of fs.readdirSync(base, { recursive: true, withFileTypes: true }))
    if (e.isFile()) bytes += fs.statSync(path.join(e.parentPath, e.name)).size;
  return bytes;
}

async function openPglite(
  dataDir: string | undefined,
  loadDataDir: Blob | File | undefined,
): Promise<Database> {
  if (dataDir) fs.mkdirSync(path.dirname(path.resolve(dataDir)), { recursive: true });
  const client = await PGlite.create({
    ...(dataDir ? { dataDir } : {}),
    ...(loadDataDir ? { loadDataDir } : {}),
    extensions: { unaccent, pg_trgm },
    startParams: [
      ...PGlite.defaultStartParams,
      '-c',
      `shared_buffers=${sharedBuffersMb(dataDir ? dataBytes(dataDir) : 0)}MB`,
    ],
    parsers: Object.fromEntries(DRIZZLE_TEXT_TYPES.map((t) => [t, asText])),
  });
  const db = drizzlePglite(forDrizzle(client, true)) as unknown as Db;
  const runner: SqlRunner = {
    async query<T>(text: string, params?: unknown[]) {
      return pgliteDates(await client.query<T>(text, params)).rows;
    },
    async exec(text: string) {
      await client.exec(text);
    },
  };
  const maintenance = setInterval(() => {
    analyzeGrown(runner).catch(() => {});
  }, ANALYZE_EVERY_MS);
  maintenance.unref();
  return {
    kind: 'pglite',
    db,
    ...runner,
    // One connection: the lock is trivially held; keep the call shape the same as on a server.
    withLock: (_key, fn) => fn(runner),
    close: () => {
      clearInterval(maintenance);
      return client.close();
    },
    get pglite() {
      return client;
    },
  } as Database;
}

const ANALYZE_EVERY_MS = 60_000;

/**
 * PGlite runs PostgreSQL in single-user mode: no autovacuum, and no activity statistics to tell it
 * what changed. So tables were never analyzed, the planner guessed their contents, and a guess
 * could turn a 50 ms statement into 9 s of the event loop (decision 028: acknowledging an emergency
 * on 1,000 speakers). Every minute, what autovacuum's analyze would do: the tables with data and no
 * statistics, or grown by a fifth (and 64 KB) since their last analyze, are analyzed, one by one.
 * Each takes milliseconds on a commune's data; a big table grows by a fifth rarely.
 */
export async function analyzeGrown(runner: SqlRunner): Promise<string[]> {
  const grown = await runner.query<{ name: string }>(
    `select format('%I.%I', n.nspname, c.relname) as name
     from pg_class c join pg_namespace n on n.oid = c.relnamespace
     where c.relkind = 'r' and n.nspname not in ('pg_catalog', 'information_schema')
       and pg_relation_size(c.oid) > 0
       and (c.reltuples < 0 or pg_relation_size(c.oid) / 8192 > c.relpages * 1.2 + 8)`,
  );
  for (const { name } of grown) await runner.exec(`analyze ${name}`);
  return grown.map((t) => t.name);
}

/** The PGlite client behind a Database, for adapters that need it (pg-boss, dumps). */
export function pgliteOf(database: Database): PGlite | undefined {
  return (database as Database & { pglite?: PGlite }).pglite;
}

/**
 * A unique constraint refused the write (SQLSTATE 23505), from either driver, raw or wrapped by
 * Drizzle; with `constraint`, only a violation of that one.
 */
export function isUniqueViolation(e: unknown, constraint?: string): boolean {
  const err = e as { code?: string; constraint?: string; cause?: { code?: string; constraint?: string } };
  const db = err?.code === '23505' ? err : err?.cause?.code === '23505' ? err.cause : undefined;
  return db !== undefined && (constraint === undefined || db.constraint === constraint);
}

/** Rows of a `db.execute(sql\`…\`)` result, whichever driver produced it. */
export function rowsOf<T>(result: unknown): T[] {
  return ((result as { rows?: T[] }).rows ?? (result as T[])) as T[];
}
