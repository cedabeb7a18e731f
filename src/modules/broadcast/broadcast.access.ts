import { findPlaceById, getPlaceByCode, type Place } from '#modules/places/index.ts';
import { type Actor, hasRole, type Role, requireRole, scopeOf } from '#platform/auth/actor.ts';
import type { Db } from '#platform/db/client.ts';
import { NotFound } from '#platform/errors.ts';
import * as clusterDb from './broadcast.clusters.queries.ts';

/**
 * Who may do what with a commune's loudspeakers. A grant holds for its subtree, so a province
 * radio operator reaches every commune of the province; an operator of commune A never reaches B.
 */
export const VIEW_ROLES: readonly Role[] = ['radio_operator', 'approver', 'admin'];
export const REGISTER_ROLES: readonly Role[] = ['radio_operator', 'admin'];

export async function getCommune(db: Db, code: string): Promise<Place> {
  const place = await getPlaceByCode(db, code);
  if (place.level !== 'commune' || place.validTo) {
    throw new NotFound({ vi: 'Không tìm thấy xã, phường này.', en: 'No such commune.' });
  }
  return place;
}

export async function getCommuneById(db: Db, id: number): Promise<Place> {
  const place = await findPlaceById(db, id);
  if (!place) throw new NotFound({ vi: 'Không tìm thấy xã, phường này.', en: 'No such commune.' });
  return place;
}

export const requireView = (actor: Actor, path: string) => requireRole(actor, VIEW_ROLES, path);
export const requireOperator = (actor: Actor, path: string) => requireRole(actor, 'radio_operator', path);
export const canOperate = (actor: Actor, path: string) => hasRole(actor, 'radio_operator', path);
export const canApprove = (actor: Actor, path: string) => hasRole(actor, 'approver', path);

/** The communes whose loudspeakers this actor may see: their own, or those with clusters under a wider grant. */
export async function communesInScope(db: Db, actor: Actor): Promise<Place[]> {
  if (actor.kind !== 'staff') return [];
  const out = new Map<number, Place>();
  const wider: string[] = [];
  for (const g of actor.grants) {
    if (!VIEW_ROLES.includes(g.role)) continue;
    const place = await findPlaceById(db, g.placeId);
    if (!place || place.validTo) continue;
    if (place.level === 'commune') out.set(place.id, place);
    else if (place.level !== 'village') wider.push(place.path);
  }
  if (wider.length) {
    for (const id of await clusterDb.listCommuneIdsWithClusters(db, scopeOf(actor, VIEW_ROLES))) {
      const place = await findPlaceById(db, id);
      if (place && !place.validTo) out.set(id, place);
    }
  }
  return [...out.values()].sort((a, b) => a.name.localeCompare(b.name, 'vi'));
}
