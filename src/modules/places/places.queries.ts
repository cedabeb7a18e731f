import { and, asc, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { Db } from '#platform/db/client.ts';
import { type PlaceLevel, placeChanges, placeSuccessions, places } from './places.tables.ts';

export type PlaceRow = typeof places.$inferSelect;

const current = isNull(places.validTo);

export async function findPlaceById(db: Db, id: number) {
  const [row] = await db.select().from(places).where(eq(places.id, id));
  return row;
}

/** The unit that holds `code` today; a legacy unit only when no current one has it. */
export async function findPlaceByCode(db: Db, code: string, level?: PlaceLevel) {
  const rows = await db
    .select()
    .from(places)
    .where(and(eq(places.code, code), level ? eq(places.level, level) : undefined))
    .orderBy(sql`${places.validTo} desc nulls first`, asc(places.id))
    .limit(1);
  return rows[0];
}

export async function findPlacesByIds(db: Db, ids: number[]) {
  if (ids.length === 0) return [];
  return db.select().from(places).where(inArray(places.id, ids));
}

export async function listChildren(db: Db, parentId: number) {
  return db.select().from(places).where(eq(places.parentId, parentId)).orderBy(asc(places.name));
}

/**
 * Name search that ignores diacritics and tone-mark placement ("lang son", "Lạng Sơn", "Hoà"/"Hòa").
 * Uses the trigram index on search_key(full_name); exact and prefix matches rank first.
 */
export async function searchPlaces(
  db: Db,
  q: string,
  opts: { levels?: PlaceLevel[]; includeLegacy?: boolean; limit: number },
) {
  const key = sql`search_key(${q})`;
  const name = sql`search_key(${places.fullName})`;
  return db
    .select()
    .from(places)
    .where(
      and(
        sql`${name} like '%' || ${key} || '%'`,
        opts.includeLegacy ? undefined : current,
        opts.levels?.length ? inArray(places.level, opts.levels) : undefined,
      ),
    )
    .orderBy(
      sql`(search_key(${places.name}) = ${key}) desc`,
      sql`(${name} like ${key} || '%') desc`,
      sql`array_position(array['country','province','commune','village','district']::text[], ${places.level})`,
      asc(places.fullName),
    )
    .limit(opts.limit);
}

export async function listChanges(db: Db, placeId: number) {
  return db
    .select()
    .from(placeChanges)
    .where(eq(placeChanges.placeId, placeId))
    .orderBy(asc(placeChanges.effectiveDate));
}

export async function listPredecessors(db: Db, placeId: number) {
  return db
    .select({ place: places, split: placeSuccessions.split, effectiveDate: placeSuccessions.effectiveDate })
    .from(placeSuccessions)
    .innerJoin(places, eq(places.id, placeSuccessions.fromPlaceId))
    .where(eq(placeSuccessions.toPlaceId, placeId))
    .orderBy(asc(places.fullName));
}

export async function listSuccessors(db: Db, placeId: number) {
  return db
    .select({ place: places, split: placeSuccessions.split, effectiveDate: placeSuccessions.effectiveDate })
    .from(placeSuccessions)
    .innerJoin(places, eq(places.id, placeSuccessions.toPlaceId))
    .where(eq(placeSuccessions.fromPlaceId, placeId))
    .orderBy(asc(places.fullName));
}

export async function insertVillage(
  db: Db,
  commune: PlaceRow,
  v: {
    code: string;
    type: string;
    name: string;
    validFrom: string;
    lat?: number | undefined;
    lng?: number | undefined;
  },
) {
  const [row] = await db
    .insert(places)
    .values({
      code: v.code,
      level: 'village',
      type: v.type,
      name: v.name,
      fullName: `${v.type[0]?.toUpperCase()}${v.type.slice(1)} ${v.name}`,
      parentId: commune.id,
      path: '',
      validFrom: v.validFrom,
      centreLat: v.lat ?? null,
      centreLng: v.lng ?? null,
    })
    .returning();
  if (!row) throw new Error('insert returned nothing');
  const [withPath] = await db
    .update(places)
    .set({ path: `${commune.path}${row.id}/` })
    .where(eq(places.id, row.id))
    .returning();
  return withPath ?? row;
}

export async function updateCentre(
  db: Db,
  placeId: number,
  centre: { lat?: number | undefined; lng?: number | undefined },
) {
  const [row] = await db
    .update(places)
    .set({ centreLat: centre.lat ?? null, centreLng: centre.lng ?? null, updatedAt: sql`now()` })
    .where(eq(places.id, placeId))
    .returning();
  return row;
}

/** Next free village number in a commune: codes are `{commune code}.{nn}`. */
export async function nextVillageNumber(db: Db, communeId: number) {
  const [row] = await db
    .select({ n: sql<number>`coalesce(max(nullif(split_part(${places.code}, '.', 2), '')::int), 0)::int` })
    .from(places)
    .where(and(eq(places.parentId, communeId), eq(places.level, 'village')));
  return (row?.n ?? 0) + 1;
}

export async function findVillageByName(db: Db, communeId: number, name: string) {
  const [row] = await db
    .select()
    .from(places)
    .where(
      and(
        eq(places.parentId, communeId),
        eq(places.level, 'village'),
        current,
        sql`search_key(${places.name}) = search_key(${name})`,
      ),
    );
  return row;
}

/** Ancestors from the root down, read off the path. */
export async function listAncestors(db: Db, place: PlaceRow) {
  const ids = place.path
    .split('/')
    .filter(Boolean)
    .map(Number)
    .filter((id) => id !== place.id);
  const rows = await findPlacesByIds(db, ids);
  return ids.map((id) => rows.find((r) => r.id === id)).filter((r): r is PlaceRow => Boolean(r));
}
