import { type Actor, hasRole, type Role } from '#platform/auth/actor.ts';
import type { Db } from '#platform/db/client.ts';
import * as q from './feedback.queries.ts';
import type { Report } from './feedback.service.ts';

// Who sees and handles which report (README, "Who sees what"): a report routed to role R at place P
// is seen by holders of R at P or above and at the report's own commune, handled only at P or above.

/** Roles that may take a report at the counter for someone who came in person. */
export const COUNTER_ROLES: readonly Role[] = ['feedback_handler', 'receptionist'];

/** Whether this actor files at the counter for someone else. */
export function filesAtCounter(actor: Actor) {
  return actor.kind === 'staff' && actor.grants.some((g) => COUNTER_ROLES.includes(g.role));
}

export type Staff = Extract<Actor, { kind: 'staff' }>;

/** Grants that see reports: a report routed to role R is seen by holders of R. */
export function queueScopes(actor: Actor): q.GrantScope[] {
  if (actor.kind !== 'staff') return [];
  return actor.grants.map((g) => ({ role: g.role, placePath: g.placePath }));
}

export function canSee(actor: Actor, report: Report) {
  return queueScopes(actor).some(
    (s) =>
      s.role === report.handlerRole &&
      (report.handlingPlacePath.startsWith(s.placePath) || report.placePath.startsWith(s.placePath)),
  );
}

export function canHandle(actor: Actor, report: Report) {
  return hasRole(actor, report.handlerRole, report.handlingPlacePath);
}

/** Staff with a role some category routes to: they get the feedback queue. */
export async function handlesFeedback(db: Db, actor: Actor) {
  if (actor.kind !== 'staff') return false;
  const roles = new Set((await q.listCategories(db)).map((c) => c.handlerRole));
  roles.add('feedback_handler');
  return actor.grants.some((g) => roles.has(g.role));
}
