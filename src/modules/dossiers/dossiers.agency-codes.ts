import { recordAudit } from '#modules/audit/index.ts';
import { getPlaceByCode, type Place } from '#modules/places/index.ts';
import { hasRole, requireStaff } from '#platform/auth/actor.ts';
import type { Ctx } from '#platform/context.ts';
import { type Db, isUniqueViolation } from '#platform/db/client.ts';
import { Conflict, Forbidden } from '#platform/errors.ts';
import { dbCache, SETTINGS_TTL_MS } from './dossiers.cache.ts';
import { provinceOf } from './dossiers.places.ts';
import * as q from './dossiers.queries.ts';

/**
 * Agency codes, the first part of a dossier code (`{agency}-{yymmdd}-{nnnn}`): set by an admin for
 * a unit, or derived from the province's and the unit's own codes.
 */

const agencyCodes = dbCache<string>(SETTINGS_TTL_MS);

/** The code on dossiers received by `place`: set by an admin, or '{province code}.{commune code}'. */
export async function agencyCodeOf(db: Db, place: Place): Promise<string> {
  return agencyCodes.get(db, String(place.id), async () => {
    const set = await q.findAgencyCode(db, place.id);
    if (set) return set;
    if (place.level === 'province') return place.code;
    return `${(await provinceOf(db, place)).code}.${place.code}`;
  });
}

export async function setAgencyCode(ctx: Ctx, placeCode: string, agencyCode: string) {
  const place = await getPlaceByCode(ctx.db, placeCode);
  const staff = requireStaff(ctx.actor);
  if (!hasRole(staff, 'admin', place.path)) throw new Forbidden();
  await ctx.db.transaction(async (tx) => {
    try {
      await q.upsertAgencyCode(tx, place.id, agencyCode, staff.userId);
      agencyCodes.clear(ctx.db);
    } catch (e) {
      if (isUniqueViolation(e)) {
        throw new Conflict({
          vi: `Mã đơn vị ${agencyCode} đã được dùng cho đơn vị khác.`,
          en: `Agency code ${agencyCode} is used by another unit.`,
        });
      }
      throw e;
    }
    await recordAudit(tx, ctx.actor, ctx.meta, {
      action: 'dossiers.agency-code.set',
      targetType: 'place',
      targetId: place.id,
      place,
      details: { agencyCode },
    });
  });
}

export async function listAgencyCodes(ctx: Ctx) {
  requireStaff(ctx.actor);
  return q.listAgencyCodes(ctx.db);
}
