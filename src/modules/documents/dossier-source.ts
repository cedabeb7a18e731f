import { provinceCalendar } from '#modules/calendar/index.ts';
import {
  type DossierAction,
  type DossierClock,
  type DossierRecord,
  dossierClock,
  dossiersWithActionSince,
  findDossierRecord,
  getDossierRecord,
  type LoggedAction,
  stateFromActions,
} from '#modules/dossiers/index.ts';
import { type Actor, hasRole } from '#platform/auth/actor.ts';
import type { Ctx } from '#platform/context.ts';

/**
 * The seam with the dossiers module: the dossier, its log and procedure snapshot come from its
 * exported read (`getDossierRecord`), the fold and the clock are its exported `stateFromActions`
 * and `dossierClock` (on the calendar of the dossier's province). Nothing here touches the dossiers'
 * tables.
 */
export type { DossierAction, DossierRecord };
export { dossiersWithActionSince, findDossierRecord, getDossierRecord };

/** Staff who may see a dossier: a workflow role or admin at a place covering its unit (as dossiers rule). */
export function staffMaySee(actor: Actor, d: Pick<DossierRecord, 'unitPath'>) {
  return hasRole(actor, ['receptionist', 'specialist', 'approver', 'admin'], d.unitPath);
}

/** The applicant: a signed-in citizen whose phone is the dossier's. */
export function isApplicant(actor: Actor, d: Pick<DossierRecord, 'applicant'>) {
  return actor.kind === 'citizen' && actor.phone === d.applicant.phone;
}

function logged(d: DossierRecord): LoggedAction[] {
  return d.actions.map((a) => ({
    id: a.id,
    type: a.type,
    at: a.at,
    actorUserId: a.actorUserId,
    note: a.note,
    payload: a.payload as LoggedAction['payload'],
  }));
}

/** The statutory clock of the dossier now, from the dossiers module's own pure functions. */
export async function clockOf(ctx: Ctx, d: DossierRecord): Promise<DossierClock> {
  const state = stateFromActions(logged(d));
  const calendar = await provinceCalendar(ctx.db, { path: d.unitPath });
  return dossierClock(state, logged(d), d.procedure, calendar, ctx.clock.now());
}
