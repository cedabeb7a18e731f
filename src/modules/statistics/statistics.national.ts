import type { Period } from './statistics.queries.ts';

/**
 * What only the national systems can say: which dossiers reached the national portal (1.4, and the
 * sync rate 3.3 multiplies by), which procedures' fees it holds (3.5), which dossiers are linked to
 * the citizen's store there (4.4) and which were filed with an account verified by VNeID or with
 * population data (4.5a, 4.5b). Xã Số sends nothing to the portal and has no VNeID sign-in yet, so
 * each of these is **0**: not a proxy, the true count today. The sync module (issue 15, being built
 * on its own branch) will publish the synced dossiers; read them through its index.ts here then.
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

/** 0 for every figure until the sync and the VNeID sign-in exist (see above). */
export async function nationalFigures(_period: Period): Promise<NationalFigures> {
  return {
    syncedDossiers: 0,
    syncedFeeProcedures: 0,
    personalStoreDossiers: 0,
    populationDataDossiers: 0,
    populationDataProcedures: 0,
  };
}
