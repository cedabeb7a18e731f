import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Database } from './client.ts';

export const MIGRATIONS_DIR = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../../migrations',
);
const LOCK_KEY = 872_341_001;

/**
 * Applies every `migrations/*.sql` not yet applied, in name order, each in its own transaction.
 * An advisory lock makes instances that start together take turns.
 */
export async function migrate(database: Database, dir = MIGRATIONS_DIR): Promise<string[]> {
  const files = (await fs.readdir(dir)).filter((f) => f.endsWith('.sql')).sort();
  return database.withLock(LOCK_KEY, async (run) => {
    await run.exec(
      'create table if not exists schema_migrations (name text primary key, applied_at timestamptz not null default now())',
    );
    const done = new Set(
      (await run.query<{ name: string }>('select name from schema_migrations')).map((r) => r.name),
    );
    const applied: string[] = [];
    for (const file of files) {
      if (done.has(file)) continue;
      const text = await fs.readFile(path.join(dir, file), 'utf8');
      try {
        await run.exec(
          `begin;\n${text}\n;insert into schema_migrations(name) values ('${file.replace(/'/g, "''")}');\ncommit;`,
        );
      } catch (e) {
        await run.exec('rollback').catch(() => {});
        throw new Error(`Migration ${file} failed: ${(e as Error).message}`);
      }
      applied.push(file);
    }
    return applied;
  });
}
