import { syncedShare } from '#modules/dvcqg/index.ts';
import type { Ctx } from '#platform/context.ts';
import type { Period } from './statistics.queries.ts';

/**
 * What only the national systems can say: which dossiers reached the national portal (1.4, and the
 * sync rate 3.3 multiplies by), which procedures' fees it holds (3.5), which dossiers are linked to
 * the citizen's store there (4.4) and which were filed with an account verified by VNeID or with
 * population data (4.5a, 4.5b). The synced dossiers come from the sync module (`syncedShare`: the
 * dossiers submitted in the period that the portal holds with every change delivered); the others
 * are **0**: Xã Số sends no fee data or store links and has no VNeID sign-in yet — not a proxy, the
 * true count today.
 */
export interface NationalFigures {
  /** Dossiers received in the period that the portal holds. */
  syncedDossiers: number;
  /** Procedures with fees whose fee data the portal holds from a dossier of the period. */
  syncedFeeProcedures: number;
  /** Dossiers with a component from, or a result pushed to, the citizen's store on the portal. */
  personalStoreDossiers: number;
  /** Dossiers filed with a VNeID-verified account or population data. */
  populationDataDossiers: number;
  /** Procedures with such a dossier. */
  populationDataProcedures: number;
}

/** Every figure 0: the inputs of an index computed without any national system. */
export const NO_NATIONAL_FIGURES: NationalFigures = {
  syncedDossiers: 0,
  syncedFeeProcedures: 0,
  personalStoreDossiers: 0,
  populationDataDossiers: 0,
  populationDataProcedures: 0,
};

export async function nationalFigures(ctx: Pick<Ctx, 'db'>, period: Period): Promise<NationalFigures> {
  const { synced } = await syncedShare(ctx, period.path, period.from, period.to);
  return { ...NO_NATIONAL_FIGURES, syncedDossiers: synced };
}
