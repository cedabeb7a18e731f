import { type SQL, sql } from 'drizzle-orm';
import type { Db } from '#platform/db/client.ts';
import type { ActionType, NationalStatus, Step } from './dossiers.workflow.ts';

/**
 * Statements other modules run inside a dossier's change, in its own transaction or statement, so
 * that what they record commits or rolls back with the change (decision 033). The dossiers module
 * knows nothing of them: a module registers a builder at composition, and every writer of the
 * action log (the submission, `act`, the payment marks) runs what the builders give.
 *
 * The submission is one statement (decision 017), so the dossier's id, code and action ids exist
 * there only as SQL: every builder gets them as SQL expressions, and returns data-modifying
 * statements that are embedded as CTEs (as `enqueueStatement` is). Siblings in one WITH share a
 * snapshot, so each statement must stand alone: none may read what another writes.
 */
export interface DossierChangeFacts {
  /** bigint */
  dossierId: SQL;
  /** text */
  code: SQL;
  /** bigint[]: the log rows this change appended, in order. */
  actionIds: SQL;
  /** Their types, in the same order. */
  actionTypes: readonly ActionType[];
  procedureCode: string;
  /** The unit that holds the dossier after the change. */
  unitPath: string;
  /** The state after the change. */
  step: Step;
  status: NationalStatus;
  at: Date;
}

export type DossierChangeStatements = (change: DossierChangeFacts) => SQL[];

const builders = new Map<string, DossierChangeStatements>();

/** Register (or replace, by name) a builder. Called by the composition root. */
export function onDossierChange(name: string, build: DossierChangeStatements) {
  builders.set(name, build);
}

/** Every registered statement for this change, named `change_0`, `change_1`… as CTEs. */
export function changeCtes(facts: DossierChangeFacts): SQL[] {
  return [...builders.values()]
    .flatMap((build) => build(facts))
    .map((statement, i) => sql`${sql.raw(`change_${i}`)} as (${statement})`);
}

/** In a writer's transaction: every registered statement, in one round trip (none when none). */
export async function runChangeStatements(tx: Db, facts: DossierChangeFacts) {
  const ctes = changeCtes(facts);
  if (ctes.length) await tx.execute(sql`with ${sql.join(ctes, sql`, `)} select 1`);
}
