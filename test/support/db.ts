import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { type Database, openDatabase } from '#platform/db/client.ts';
import { migrate } from '#platform/db/migrate.ts';

const TEMPLATE = 'xaso_test_template';

/** The server the suite runs on, when DATABASE_URL is set; PGlite otherwise. */
export const serverUrl = process.env.DATABASE_URL || undefined;
export const dbKind = serverUrl ? 'postgres' : 'pglite';

function withDb(url: string, name: string) {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: withDb(serverUrl ?? '', 'postgres') });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/**
 * A fresh, migrated database for one test file. On PGlite: a new in-memory instance. On a server:
 * a new database cloned from a template migrated once per run (test files run in parallel, so the
 * template is built under an advisory lock).
 */
export async function createTestDatabase(): Promise<Database & { url?: string }> {
  if (!serverUrl) {
    const database = await openDatabase({});
    await migrate(database);
    return database;
  }
  const name = `xaso_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  await admin(async (c) => {
    await c.query('select pg_advisory_lock(4242)');
    try {
      const exists = await c.query('select 1 from pg_database where datname = $1', [TEMPLATE]);
      if (exists.rowCount === 0) {
        await c.query(`create database ${TEMPLATE}`);
        const t = await openDatabase({ url: withDb(serverUrl ?? '', TEMPLATE), poolSize: 1 });
        await migrate(t);
        await t.close();
      }
      await c.query(`create database ${name} template ${TEMPLATE}`);
    } finally {
      await c.query('select pg_advisory_unlock(4242)');
    }
  });
  const url = withDb(serverUrl, name);
  const database = await openDatabase({ url, poolSize: 5 });
  // New migrations since the template was made are applied here too.
  await migrate(database);
  const close = database.close;
  return Object.assign(database, {
    url,
    close: async () => {
      await close();
      await admin((c) => c.query(`drop database if exists ${name} with (force)`));
    },
  });
}

/** Drop the template so the next run rebuilds it from the current migrations. */
export async function dropTemplate() {
  if (serverUrl) await admin((c) => c.query(`drop database if exists ${TEMPLATE} with (force)`));
}
