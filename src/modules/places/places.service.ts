import { recordAudit } from '#modules/audit/index.ts';
import { type Actor, type Grant, requireRole } from '#platform/auth/actor.ts';
import type { Ctx } from '#platform/context.ts';
import type { Db } from '#platform/db/client.ts';
import { Conflict, Invalid, NotFound } from '#platform/errors.ts';
import { sortVietnamese } from '#platform/i18n/collation.ts';
import * as q from './places.queries.ts';
import type { NewVillage, PlaceOut, PlaceSearch } from './places.schemas.ts';

export type Place = q.PlaceRow;

export function toPlaceOut(p: Place): PlaceOut {
  return {
    id: p.id,
    code: p.code,
    level: p.level,
    type: p.type,
    name: p.name,
    fullName: p.fullName,
    nameEn: p.nameEn,
    parentId: p.parentId,
    validFrom: p.validFrom,
    validTo: p.validTo,
  };
}

const placeNotFound = () => new NotFound({ vi: 'Không tìm thấy địa bàn này.', en: 'No such place.' });

export async function getPlace(db: Db, id: number) {
  const p = await q.findPlaceById(db, id);
  if (!p) throw placeNotFound();
  return p;
}

export async function getPlaceByCode(db: Db, code: string) {
  const p = await q.findPlaceByCode(db, code);
  if (!p) throw placeNotFound();
  return p;
}

export const findPlaceByCode = q.findPlaceByCode;
export const findPlaceById = q.findPlaceById;
/** A place's children in Vietnamese alphabetical order (the database's byte order puts Đ and accented names last). */
export async function listChildren(db: Db, parentId: number) {
  return sortVietnamese(await q.listChildren(db, parentId), (p) => p.name);
}
export const listAncestors = q.listAncestors;

export async function searchPlaces(db: Db, s: PlaceSearch, limit = 20) {
  return q.searchPlaces(db, s.q, {
    ...(s.level ? { levels: [s.level] } : {}),
    includeLegacy: s.legacy === 'true',
    limit,
  });
}

/** Everything a place page shows: the unit, where it sits, what it contains and where it came from. */
export async function describePlace(db: Db, place: Place) {
  const [ancestors, children, changes, predecessors, successors] = await Promise.all([
    q.listAncestors(db, place),
    listChildren(db, place.id),
    q.listChanges(db, place.id),
    q.listPredecessors(db, place.id),
    q.listSuccessors(db, place.id),
  ]);
  return { place, ancestors, children, changes, predecessors, successors };
}

async function createVillage(db: Db, commune: Place, input: { type: string; name: string }, today: string) {
  const n = await q.nextVillageNumber(db, commune.id);
  return q.insertVillage(db, commune, {
    code: `${commune.code}.${String(n).padStart(2, '0')}`,
    type: input.type,
    name: input.name,
    validFrom: today,
  });
}

/** An admin of the commune (or of anything above it) adds a village or hamlet to it. */
export async function addVillage(ctx: Ctx, communeCode: string, input: NewVillage) {
  const commune = await getPlaceByCode(ctx.db, communeCode);
  requireRole(ctx.actor, 'admin', commune.path);
  if (commune.level !== 'commune' || commune.validTo) {
    throw new Invalid([
      {
        field: 'code',
        vi: 'Chỉ thêm thôn, bản vào một xã, phường hiện hành.',
        en: 'Villages can only be added to a current commune.',
      },
    ]);
  }
  return ctx.db.transaction(async (tx) => {
    if (await q.findVillageByName(tx, commune.id, input.name)) {
      throw new Conflict({
        vi: `${commune.fullName} đã có ${input.type} "${input.name}".`,
        en: `${commune.fullName} already has a village named "${input.name}".`,
      });
    }
    const village = await createVillage(tx, commune, input, ctx.clock.now().toISOString().slice(0, 10));
    await recordAudit(tx, ctx.actor, ctx.meta, {
      action: 'places.village.add',
      targetType: 'place',
      targetId: village.id,
      place: commune,
      details: { code: village.code, name: village.fullName },
    });
    return village;
  });
}

/** Seeding and imports: add the village unless the commune already has one of that name. */
export async function addVillageUnchecked(db: Db, commune: Place, input: { type: string; name: string }) {
  return db.transaction(async (tx) => {
    const existing = await q.findVillageByName(tx, commune.id, input.name);
    return existing ?? createVillage(tx, commune, input, new Date().toISOString().slice(0, 10));
  });
}

/**
 * The actor's admin grants that sit at a current province or at the country, widest first: what is
 * shared by every commune of the installation (the procedure catalogue, the indicator model) is
 * theirs to change. Reads the places, so a grant on a province that has since been merged away
 * no longer counts.
 */
export async function provinceAdminGrants(db: Db, actor: Actor): Promise<Grant[]> {
  if (actor.kind !== 'staff') return [];
  const admin = actor.grants.filter((g) => g.role === 'admin');
  if (admin.length === 0) return [];
  const places = await q.findPlacesByIds(
    db,
    admin.map((g) => g.placeId),
  );
  const high = new Set(
    places.filter((p) => (p.level === 'country' || p.level === 'province') && !p.validTo).map((p) => p.id),
  );
  return admin.filter((g) => high.has(g.placeId)).sort((a, b) => a.placePath.length - b.placePath.length);
}
