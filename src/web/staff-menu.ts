import type { Actor, Role } from '#platform/auth/actor.ts';
import type { Bilingual } from '#platform/errors.ts';

/**
 * Links on the staff home page (/quan-tri). Each module adds its own when it registers its routes,
 * so the identity module does not need to know what other modules exist.
 */
export interface StaffLink {
  href: string;
  label: Bilingual;
  /** Shown to staff holding any of these roles anywhere. */
  roles: readonly Role[];
}

const links: StaffLink[] = [];

export function addStaffLink(link: StaffLink) {
  if (!links.some((l) => l.href === link.href)) links.push(link);
}

export function staffLinksFor(actor: Actor): StaffLink[] {
  if (actor.kind !== 'staff') return [];
  return links.filter((l) => actor.grants.some((g) => l.roles.includes(g.role)));
}
