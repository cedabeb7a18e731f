import { findPlacesByIds } from '#modules/places/index.ts';
import type { Ctx } from '#platform/context.ts';
import type { Db } from '#platform/db/client.ts';
import { getCommune, requireView } from './broadcast.access.ts';
import * as q from './broadcast.queries.ts';
import { DAY_MS, fromLocal } from './schedule.ts';

/** What played where and when, between two local dates (both included), newest first. */
export async function listPlayReport(ctx: Ctx, communeCode: string, range: { from: string; to: string }) {
  const commune = await getCommune(ctx.db, communeCode);
  requireView(ctx.actor, commune.path);
  const plays = await q.listPlays(ctx.db, commune.id, {
    from: new Date(fromLocal(range.from, '00:00')),
    to: new Date(fromLocal(range.to, '00:00') + DAY_MS),
  });
  return { commune, plays };
}

export async function listCommunesWithPublicBulletins(db: Db, since: Date) {
  const ids = await q.listCommuneIdsWithPublicBulletins(db, since);
  return (await findPlacesByIds(db, ids)).sort((a, b) => a.name.localeCompare(b.name, 'vi'));
}
