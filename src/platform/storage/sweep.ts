import type { SqlRunner } from '../db/client.ts';
import type { BlobEntry, BlobStore } from './index.ts';

/** What one sweep did, for the log and the operator. */
export interface SweepReport {
  /** Staged rows something now refers to: they left the staging area. */
  committed: number;
  /** Staged rows older than the grace period that nothing refers to: row and bytes removed. */
  removedRows: number;
  /** Objects in the store with no row, older than the grace period (crashed or refused writes). */
  removedBlobs: number;
  /** Bytes freed by both. */
  removedBytes: number;
  /** The storage keys removed (the first 1,000). */
  keys: string[];
}

/** Keys looked up in one statement while walking the store. */
const BATCH = 500;
const KEPT_KEYS = 1000;

/**
 * What refers to a file, read from the database's own foreign keys to `files (id)`: any module's
 * table that keeps a file says so with a foreign key, and the sweep needs no list of modules.
 */
export async function referencesOf(sql: SqlRunner): Promise<string> {
  const refs = await sql.query<{ tbl: string; col: string }>(
    `select c.conrelid::regclass::text as tbl, a.attname as col
     from pg_constraint c
     join pg_attribute a on a.attrelid = c.conrelid and a.attnum = c.conkey[1]
     where c.contype = 'f' and c.confrelid = 'files'::regclass
     order by 1, 2`,
  );
  const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;
  // regclass::text is already quoted where it needs to be.
  const clauses = refs.map((r) => `exists (select 1 from ${r.tbl} x where x.${quote(r.col)} = files.id)`);
  return clauses.length ? `(${clauses.join(' or ')})` : 'false';
}

/**
 * Deletes what uploads left behind (decision 034): staged `files` rows older than `graceMs` that no
 * foreign key refers to, with their bytes; then, walking the store, objects older than `graceMs`
 * that have no row at all (a write that crashed, a refused request whose clean-up failed). A staged
 * row something refers to is marked committed instead. `now` comes from the caller's clock.
 *
 * The row goes before its bytes: if removing the bytes fails, the next walk finds an object without
 * a row and removes it then. A row a concurrent write has just come to refer to cannot be deleted
 * (the foreign key refuses it, and the sweep fails and runs again next time); the grace period makes
 * that a file kept for a retry for longer than it.
 */
export async function sweepFiles(
  sql: SqlRunner,
  blobs: BlobStore,
  opts: { now: Date; graceMs: number },
): Promise<SweepReport> {
  const cutoff = new Date(opts.now.getTime() - opts.graceMs);
  const referenced = await referencesOf(sql);
  const report: SweepReport = { committed: 0, removedRows: 0, removedBlobs: 0, removedBytes: 0, keys: [] };
  const keep = (key: string) => {
    if (report.keys.length < KEPT_KEYS) report.keys.push(key);
  };

  const committed = await sql.query<{ id: string }>(
    `update files set staged_at = null where staged_at is not null and ${referenced} returning id`,
  );
  report.committed = committed.length;

  const gone = await sql.query<{ storage_key: string; size_bytes: string | number }>(
    `delete from files where staged_at < $1 and not ${referenced} returning storage_key, size_bytes`,
    [cutoff.toISOString()],
  );
  for (const row of gone) {
    await blobs.remove(row.storage_key).catch(() => {
      // Left for the walk below or the next sweep: an object without a row.
    });
    report.removedRows++;
    report.removedBytes += Number(row.size_bytes);
    keep(row.storage_key);
  }

  let batch: BlobEntry[] = [];
  const flush = async () => {
    const known = new Set(
      (
        await sql.query<{ storage_key: string }>(
          'select storage_key from files where storage_key = any($1::text[])',
          [batch.map((b) => b.key)],
        )
      ).map((r) => r.storage_key),
    );
    for (const b of batch) {
      if (known.has(b.key)) continue;
      await blobs.remove(b.key);
      report.removedBlobs++;
      report.removedBytes += b.sizeBytes;
      keep(b.key);
    }
    batch = [];
  };
  for await (const entry of blobs.list()) {
    if (entry.modifiedAt >= cutoff) continue;
    batch.push(entry);
    if (batch.length >= BATCH) await flush();
  }
  if (batch.length) await flush();
  return report;
}
