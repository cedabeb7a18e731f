import { recordAudit } from '#modules/audit/index.ts';
import { type Actor, type Grant, requireRole } from '#platform/auth/actor.ts';
import type { Ctx } from '#platform/context.ts';
import { type CsvColumn, lineError, parseRows, readCsv } from '#platform/csv.ts';
import type { Db } from '#platform/db/client.ts';
import { Conflict, Invalid, NotFound } from '#platform/errors.ts';
import { sortVietnamese } from '#platform/i18n/collation.ts';
import * as q from './places.queries.ts';
import { NewVillage, type PlaceOut, type PlaceSearch, type VillageCentre } from './places.schemas.ts';

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
    centre: p.centreLat === null || p.centreLng === null ? null : { lat: p.centreLat, lng: p.centreLng },
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

async function createVillage(
  db: Db,
  commune: Place,
  input: { type: string; name: string; lat?: number | undefined; lng?: number | undefined },
  today: string,
) {
  const n = await q.nextVillageNumber(db, commune.id);
  return q.insertVillage(db, commune, {
    code: `${commune.code}.${String(n).padStart(2, '0')}`,
    type: input.type,
    name: input.name,
    validFrom: today,
    lat: input.lat,
    lng: input.lng,
  });
}

/** The commune a hamlet is added to: current, and the actor an admin there (or above). */
async function communeForVillages(ctx: Ctx, communeCode: string) {
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
  return commune;
}

const today = (ctx: Ctx) => ctx.clock.now().toISOString().slice(0, 10);

/** An admin of the commune (or of anything above it) adds a village or hamlet to it. */
export async function addVillage(ctx: Ctx, communeCode: string, input: NewVillage) {
  const commune = await communeForVillages(ctx, communeCode);
  return ctx.db.transaction(async (tx) => {
    if (await q.findVillageByName(tx, commune.id, input.name)) {
      throw new Conflict({
        vi: `${commune.fullName} đã có ${input.type} "${input.name}".`,
        en: `${commune.fullName} already has a village named "${input.name}".`,
      });
    }
    const village = await createVillage(tx, commune, input, today(ctx));
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

/** The columns of the hamlet import file, in the template's order. */
export const VILLAGE_CSV_COLUMNS: readonly CsvColumn[] = [
  { name: 'loai', aliases: ['loại', 'type'] },
  { name: 'ten', aliases: ['tên', 'name', 'tên thôn', 'ten thon'], required: true },
  { name: 'vi_do', aliases: ['vĩ độ', 'lat', 'latitude'] },
  { name: 'kinh_do', aliases: ['kinh độ', 'lng', 'lon', 'longitude'] },
];
export const VILLAGE_IMPORT_MAX_ROWS = 300;

/** The template offered for download: the header and two example rows. */
export const VILLAGE_CSV_TEMPLATE = [
  VILLAGE_CSV_COLUMNS.map((c) => c.name),
  ['thôn', 'Khuổi Tào', '21.8537', '106.9950'],
  ['bản', 'Nà Pàn', '', ''],
];

const COLUMN_OF_FIELD: Record<string, string> = { type: 'loai', name: 'ten', lat: 'vi_do', lng: 'kinh_do' };

export interface VillageImportResult {
  added: Place[];
  /** Names already in the commune, left as they are: importing a file twice adds nothing. */
  present: string[];
}

/**
 * An admin of the commune adds its hamlets from a CSV file (columns: loai, ten, vi_do, kinh_do).
 * Every row is checked first and every problem reported with its line; then all rows are added in
 * one transaction, or none. A name the commune already has is left as it is.
 */
export async function importVillages(
  ctx: Ctx,
  communeCode: string,
  csv: string,
): Promise<VillageImportResult> {
  const commune = await communeForVillages(ctx, communeCode);
  const rows = readCsv(csv, VILLAGE_CSV_COLUMNS, { maxRows: VILLAGE_IMPORT_MAX_ROWS });
  const parsed = parseRows(
    rows,
    NewVillage,
    ({ values: v }) => ({ type: v.loai?.toLowerCase(), name: v.ten, lat: v.vi_do, lng: v.kinh_do }),
    (field) => COLUMN_OF_FIELD[field] ?? field,
  );
  const seen = new Map<string, number>();
  const duplicates = parsed.flatMap(({ line, data }) => {
    const key = data.name.normalize('NFD').replace(/\p{M}/gu, '').replace(/đ/gi, 'd').toLowerCase();
    const first = seen.get(key);
    seen.set(key, first ?? line);
    return first === undefined
      ? []
      : [
          lineError(line, 'ten', {
            vi: `trùng tên với dòng ${first}.`,
            en: `the same name as line ${first}.`,
          }),
        ];
  });
  if (duplicates.length) throw new Invalid(duplicates);
  return ctx.db.transaction(async (tx) => {
    const result: VillageImportResult = { added: [], present: [] };
    for (const { data } of parsed) {
      if (await q.findVillageByName(tx, commune.id, data.name)) result.present.push(data.name);
      else result.added.push(await createVillage(tx, commune, data, today(ctx)));
    }
    await recordAudit(tx, ctx.actor, ctx.meta, {
      action: 'places.village.import',
      targetType: 'place',
      targetId: commune.id,
      place: commune,
      details: { added: result.added.map((v) => v.code), present: result.present.length },
    });
    return result;
  });
}

/** An admin of the hamlet's commune (or above) sets or clears its centre point. */
export async function setVillageCentre(ctx: Ctx, villageId: number, centre: VillageCentre) {
  const village = await getPlace(ctx.db, villageId);
  requireRole(ctx.actor, 'admin', village.path);
  if (village.level !== 'village') {
    throw new Invalid([
      { field: 'lat', vi: 'Chỉ đặt tâm cho thôn, bản.', en: 'Only a hamlet takes a centre point here.' },
    ]);
  }
  return ctx.db.transaction(async (tx) => {
    const updated = await q.updateCentre(tx, village.id, centre);
    await recordAudit(tx, ctx.actor, ctx.meta, {
      action: 'places.village.centre',
      targetType: 'place',
      targetId: village.id,
      place: village,
      details: { lat: centre.lat ?? null, lng: centre.lng ?? null },
    });
    return updated ?? village;
  });
}

/** Seeding and imports: add the village unless the commune already has one of that name. */
export async function addVillageUnchecked(
  db: Db,
  commune: Place,
  input: { type: string; name: string; lat?: number; lng?: number },
) {
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
