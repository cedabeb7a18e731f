import { findPlaceById, findPlacesByIds, getPlaceByCode, type Place } from '#modules/places/index.ts';
import type { Db } from '#platform/db/client.ts';
import { dbCache } from './dossiers.cache.ts';

/**
 * Places as this module reads them, remembered for a minute per database: units are renamed a few
 * times a decade (xã → phường), and the tracking page and the submission then need no query for them.
 */
export const PLACE_TTL_MS = 60_000;
const byCode = dbCache<Place>(PLACE_TTL_MS);
const byId = dbCache<Place>(PLACE_TTL_MS, 10_000);

/** A place by code (NotFound if there is none). */
export function placeByCode(db: Db, code: string): Promise<Place> {
  return byCode.get(db, code, () => getPlaceByCode(db, code));
}

/** Places by id, for names on pages; unknown ids are left out. */
export async function placesById(db: Db, ids: (number | null | undefined)[]): Promise<Map<number, Place>> {
  const unique = [...new Set(ids.filter((i): i is number => typeof i === 'number'))];
  const cache = byId.of(db);
  const out = new Map<number, Place>();
  const missing: number[] = [];
  for (const id of unique) {
    const hit = cache.get(String(id));
    if (hit) out.set(id, hit);
    else missing.push(id);
  }
  if (missing.length) {
    for (const p of await findPlacesByIds(db, missing)) {
      cache.set(String(p.id), p);
      out.set(p.id, p);
    }
  }
  return out;
}

/** The province (or the place itself, for a province) holding `place`. */
export async function provinceOf(db: Db, place: Place): Promise<Place> {
  if (place.level === 'province') return place;
  const id = place.path.split('/').filter(Boolean).map(Number)[1];
  const province = id ? await findPlaceById(db, id) : undefined;
  if (!province) throw new Error(`no province above ${place.code}`);
  return province;
}
