import { eFormSchema, getProcedure, type ProcedureDefinition } from '#modules/procedures/index.ts';
import type { Db } from '#platform/db/client.ts';
import { dbCache, SETTINGS_TTL_MS } from './dossiers.cache.ts';
import * as q from './dossiers.queries.ts';

export { eFormSchema, type ProcedureDefinition };

/**
 * The procedure catalogue as the dossiers module reads it. A dossier keeps the version it was filed
 * under (dossier_procedure_versions), so later edits to the catalogue do not change the documents,
 * days or workflow it is judged by.
 */
export interface CurrentProcedure {
  definition: ProcedureDefinition;
  version: string;
}

export async function currentProcedure(db: Db, code: string): Promise<CurrentProcedure> {
  const {
    version,
    updatedAt: _u,
    verifiedAt: _va,
    verifiedBy: _vb,
    ...definition
  } = await getProcedure(db, code);
  return { definition, version: String(version) };
}

const current = dbCache<CurrentProcedure>(SETTINGS_TTL_MS);

/**
 * The current definition, as a submission files it. The catalogue changes rarely: a submission may
 * see an edit up to SETTINGS_TTL_MS late, and records the version it used.
 */
export function procedureToFile(db: Db, code: string): Promise<CurrentProcedure> {
  return current.get(db, code, () => currentProcedure(db, code));
}

/** Procedure snapshots known to be stored, per database (rows never change once written). */
const savedSnapshots = new WeakMap<object, Set<string>>();

/**
 * The procedure as it was, written once per version before the first dossier that refers to it
 * (one left by a refused submission is harmless: a later one uses it).
 */
export async function saveSnapshotOnce(db: Db, procedure: ProcedureDefinition, version: string) {
  let saved = savedSnapshots.get(db);
  if (!saved) {
    saved = new Set();
    savedSnapshots.set(db, saved);
  }
  const key = `${procedure.code}@${version}`;
  if (saved.has(key)) return;
  await q.saveProcedureVersion(db, procedure.code, version, procedure);
  saved.add(key);
}

/**
 * Snapshots never change once written (the key is code and version), so each process keeps the ones
 * it has read, per database.
 */
const snapshots = new WeakMap<Db, Map<string, ProcedureDefinition>>();
const MAX_CACHED = 2000;

/** The definition a dossier was filed under (validated when it was stored). */
export async function procedureOf(
  db: Db,
  dossier: { procedureCode: string; procedureVersion: string },
  cacheDb: Db = db,
): Promise<ProcedureDefinition> {
  const key = `${dossier.procedureCode}@${dossier.procedureVersion}`;
  let cache = snapshots.get(cacheDb);
  const hit = cache?.get(key);
  if (hit) return hit;
  const stored = await q.findProcedureVersion(db, dossier.procedureCode, dossier.procedureVersion);
  if (!stored) throw new Error(`no snapshot of ${key}`);
  if (!cache) {
    cache = new Map();
    snapshots.set(cacheDb, cache);
  }
  if (cache.size >= MAX_CACHED) cache.clear();
  cache.set(key, stored as ProcedureDefinition);
  return stored as ProcedureDefinition;
}
