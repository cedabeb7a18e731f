import { findPlacesByIds, type Place } from '#modules/places/index.ts';
import { type Actor, hasRole, type Role, requireRole, requireStaff, scopeOf } from '#platform/auth/actor.ts';
import type { Db } from '#platform/db/client.ts';
import { Forbidden } from '#platform/errors.ts';

/** Who may do what with the households of a hamlet. A grant holds for its place's subtree. */
export const MEMBER: Role = 'community_digital_member';
export const LEADER: Role = 'community_digital_leader';
/** The team: they visit, record and edit households, and file for people. */
export const FIELD_ROLES: readonly Role[] = [MEMBER, LEADER];
/** Read and edit the register: the team, and the admins of the commune or province. */
export const REGISTER_ROLES: readonly Role[] = [MEMBER, LEADER, 'admin'];
/** Delete households, import the register, resolve conflicts. */
export const REVIEW_ROLES: readonly Role[] = [LEADER, 'admin'];
/** Figures without personal data: the leader, the commune and province admins and leaders. */
export const DASHBOARD_ROLES: readonly Role[] = [LEADER, 'admin', 'approver'];

/**
 * The hard cap on what one member's kit holds (decision 025): the hamlets where they hold a team
 * role at the hamlet itself (a grant at a commune does not sync the commune), at most
 * MAX_KIT_HAMLETS of them; a hamlet's register holds at most MAX_HOUSEHOLDS_PER_HAMLET households
 * (import and registration refuse more), so a kit holds at most 5 × 1,500 = 7,500 households.
 */
export const MAX_KIT_HAMLETS = 5;
export const MAX_HOUSEHOLDS_PER_HAMLET = 1500;

export function canRead(actor: Actor, hamletPath: string) {
  return hasRole(actor, REGISTER_ROLES, hamletPath);
}

export function requireRegister(actor: Actor, hamletPath: string) {
  return requireRole(actor, REGISTER_ROLES, hamletPath);
}

export function requireReview(actor: Actor, hamletPath: string) {
  return requireRole(actor, REVIEW_ROLES, hamletPath);
}

export function canReview(actor: Actor, hamletPath: string) {
  return hasRole(actor, REVIEW_ROLES, hamletPath);
}

/** Where the actor may read registers (subtree roots). */
export function registerScope(actor: Actor) {
  return scopeOf(actor, REGISTER_ROLES);
}

export function reviewScope(actor: Actor) {
  return scopeOf(actor, REVIEW_ROLES);
}

export interface KitHamlets {
  synced: Place[];
  /** Hamlets beyond the cap: the member is told, and an admin should move a grant. */
  notSynced: Place[];
}

/** The hamlets the actor's kit syncs, by code; refused for anyone without a team role at a hamlet. */
export async function kitHamlets(db: Db, actor: Actor): Promise<KitHamlets> {
  const staff = requireStaff(actor);
  const ids = [...new Set(staff.grants.filter((g) => FIELD_ROLES.includes(g.role)).map((g) => g.placeId))];
  const places = (await findPlacesByIds(db, ids))
    .filter((p) => p.level === 'village' && !p.validTo)
    .sort((a, b) => a.code.localeCompare(b.code));
  if (places.length === 0) {
    throw new Forbidden({
      vi: 'Bạn chưa là thành viên tổ công nghệ số của thôn, bản nào.',
      en: 'You are not a member of any hamlet’s community digital team.',
    });
  }
  return { synced: places.slice(0, MAX_KIT_HAMLETS), notSynced: places.slice(MAX_KIT_HAMLETS) };
}
