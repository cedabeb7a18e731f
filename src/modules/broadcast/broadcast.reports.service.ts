import { findPlacesByIds } from '#modules/places/index.ts';
import type { Ctx } from '#platform/context.ts';
import type { Db } from '#platform/db/client.ts';
import { getCommune, requireView } from './broadcast.access.ts';
import * as bulletinDb from './broadcast.bulletins.queries.ts';
import * as playDb from './broadcast.plays.queries.ts';
import { DAY_MS, fromLocal } from './broadcast.schedule.ts';

/** What played where and when, between two local dates (both included), newest first. */
export async function listPlayReport(ctx: Ctx, communeCode: string, range: { from: string; to: string }) {
  const commune = await getCommune(ctx.db, communeCode);
  requireView(ctx.actor, commune.path);
  const rows = await playDb.listPlays(ctx.db, commune.id, {
    from: new Date(fromLocal(range.from, '00:00')),
    to: new Date(fromLocal(range.to, '00:00') + DAY_MS),
  });
  const names = await placeNames(
    ctx.db,
    rows.map((r) => r.placeId),
  );
  const plays = rows.map((r) => ({ ...r, placeName: names.get(r.placeId) ?? '' }));
  return { commune, plays };
}

/** Full names of places (villages, communes), read through the places module. */
export async function placeNames(db: Db, ids: number[]) {
  const places = await findPlacesByIds(db, [...new Set(ids)]);
  return new Map(places.map((p) => [p.id, p.fullName]));
}

export async function listCommunesWithPublicBulletins(db: Db, since: Date) {
  const ids = await bulletinDb.listCommuneIdsWithPublicBulletins(db, since);
  return (await findPlacesByIds(db, ids)).sort((a, b) => a.name.localeCompare(b.name, 'vi'));
}
