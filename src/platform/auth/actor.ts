import { Forbidden, Unauthorized } from '../errors.ts';

export const ROLES = [
  'admin',
  'receptionist',
  'specialist',
  'approver',
  'radio_operator',
  'feedback_handler',
  // Community digital teams (fieldkit module): granted at a hamlet; the leader resolves conflicts.
  'community_digital_member',
  'community_digital_leader',
] as const;
export type Role = (typeof ROLES)[number];

/** A role held at a place; it holds for every place whose path starts with `placePath`. */
export interface Grant {
  role: Role;
  placeId: number;
  placePath: string;
  placeName: string;
}

export type Actor =
  | { kind: 'staff'; userId: number; username: string; displayName: string; grants: Grant[] }
  | { kind: 'citizen'; citizenId: number; phone: string; name: string | null }
  | { kind: 'anonymous' };

/** Where a request came from, for the audit log. */
export interface RequestMeta {
  ip: string;
  userAgent: string | undefined;
}

export const anonymous: Actor = { kind: 'anonymous' };

export function actorLabel(actor: Actor): string {
  if (actor.kind === 'staff') return actor.username;
  if (actor.kind === 'citizen') return `citizen:${actor.citizenId}`;
  return 'anonymous';
}

export function hasRole(actor: Actor, roles: Role | readonly Role[], placePath: string): boolean {
  if (actor.kind !== 'staff') return false;
  const wanted: readonly Role[] = typeof roles === 'string' ? [roles] : roles;
  return actor.grants.some((g) => wanted.includes(g.role) && placePath.startsWith(g.placePath));
}

export function requireStaff(actor: Actor): Extract<Actor, { kind: 'staff' }> {
  if (actor.kind !== 'staff') throw new Unauthorized();
  return actor;
}

export function requireRole(actor: Actor, roles: Role | readonly Role[], placePath: string) {
  const staff = requireStaff(actor);
  if (!hasRole(staff, roles, placePath)) throw new Forbidden();
  return staff;
}

/** How deep a place path is: 1 the country, 2 a province, 3 a commune, 4 a village. */
export function pathDepth(placePath: string) {
  return placePath.split('/').filter(Boolean).length;
}

/**
 * An admin of a province or of the whole country. What belongs to no commune (citizens' sign-in
 * codes, province-wide settings) is theirs.
 */
export function isProvinceAdmin(actor: Actor): boolean {
  return scopeOf(actor, 'admin').some((p) => pathDepth(p) <= 2);
}

/** The staff member, when an admin of a province or of the whole country (403 otherwise). */
export function requireProvinceAdmin(actor: Actor) {
  const staff = requireStaff(actor);
  if (!isProvinceAdmin(staff)) throw new Forbidden();
  return staff;
}

/** The subtree roots in which the actor holds any of `roles` (none for non-staff). */
export function scopeOf(actor: Actor, roles: Role | readonly Role[]): string[] {
  if (actor.kind !== 'staff') return [];
  const wanted: readonly Role[] = typeof roles === 'string' ? [roles] : roles;
  const paths = actor.grants.filter((g) => wanted.includes(g.role)).map((g) => g.placePath);
  // Drop paths already covered by a shorter one.
  return paths.filter((p) => !paths.some((q) => q !== p && p.startsWith(q)));
}
