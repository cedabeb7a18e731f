import { eFormSchema, getProcedure, type ProcedureDefinition } from '#modules/procedures/index.ts';
import type { Db } from '#platform/db/client.ts';
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
