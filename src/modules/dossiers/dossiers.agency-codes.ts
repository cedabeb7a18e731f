import { recordAudit } from '#modules/audit/index.ts';
import { findPlaceByCode, getPlaceByCode, listChildren, type Place } from '#modules/places/index.ts';
import { hasRole, requireStaff, scopeOf } from '#platform/auth/actor.ts';
import type { Ctx } from '#platform/context.ts';
import { type Db, isUniqueViolation } from '#platform/db/client.ts';
import { Conflict, Forbidden } from '#platform/errors.ts';
import { dbCache, SETTINGS_TTL_MS } from './dossiers.cache.ts';
import { placesById, provinceOf } from './dossiers.places.ts';
import * as q from './dossiers.queries.ts';
import { atRiskDaysOf } from './dossiers.unit-settings.ts';

/**
 * Agency codes, the first part of a dossier code (`{agency}-{yymmdd}-{nnnn}`): the unit's electronic
 * identifier (mã định danh điện tử, Decision 20/2020/QĐ-TTg as amended by Decision 09/2025/QĐ-TTg;
 * docs/rules.md § Agency codes), which an admin of the unit sets. Until then the unit's dossiers
 * are numbered with a fallback derived from the province's and the unit's own administrative codes,
 * `{province}.{commune}`: not a real identifier, flagged on the admin page.
 */

const agencyCodes = dbCache<string>(SETTINGS_TTL_MS);

/** The fallback a unit without a set code numbers its dossiers with: '{province code}.{commune code}'. */
export async function derivedAgencyCode(db: Db, place: Place): Promise<string> {
  if (place.level === 'province') return place.code;
  return `${(await provinceOf(db, place)).code}.${place.code}`;
}

/** The code on dossiers received by `place`: set by an admin, or the fallback. */
export async function agencyCodeOf(db: Db, place: Place): Promise<string> {
  return agencyCodes.get(db, String(place.id), async () => {
    const set = await q.findAgencyCode(db, place.id);
    return set ?? derivedAgencyCode(db, place);
  });
}

/**
 * The current place whose fallback code is `code`, if any: a province's own code, or
 * '{province}.{commune}' of a commune (or ward) of that province.
 */
async function placeDeriving(db: Db, code: string): Promise<Place | undefined> {
  const parts = code.split('.');
  if (parts.length === 1) {
    const province = await findPlaceByCode(db, code, 'province');
    return province && !province.validTo ? province : undefined;
  }
  if (parts.length !== 2) return undefined;
  const [provinceCode, unitCode] = parts as [string, string];
  const province = await findPlaceByCode(db, provinceCode, 'province');
  if (!province || province.validTo) return undefined;
  const unit = await findPlaceByCode(db, unitCode, 'commune');
  return unit && !unit.validTo && unit.path.startsWith(province.path) ? unit : undefined;
}

/**
 * Sets a unit's code. Refused when another unit has it set, or numbers its dossiers with it as its
 * fallback (`{province}.{commune}`): two units on one code would share one daily sequence, and one
 * unit's dossiers would read as the other's.
 */
export async function setAgencyCode(ctx: Ctx, placeCode: string, agencyCode: string) {
  const place = await getPlaceByCode(ctx.db, placeCode);
  const staff = requireStaff(ctx.actor);
  if (!hasRole(staff, 'admin', place.path)) throw new Forbidden();
  const taken = (other: Place, how: 'set' | 'derived') =>
    new Conflict(
      how === 'set'
        ? {
            vi: `Mã đơn vị ${agencyCode} đã được dùng cho ${other.fullName}. Mỗi đơn vị một mã định danh riêng.`,
            en: `Agency code ${agencyCode} is used by ${other.fullName}. Each unit has its own identifier.`,
          }
        : {
            vi: `Mã ${agencyCode} là mã tạm (mã tỉnh.mã xã) mà ${other.fullName} đang dùng để đánh số hồ sơ; không thể đặt cho đơn vị khác. Hãy nhập mã định danh điện tử được cấp cho đơn vị này (Quyết định 20/2020/QĐ-TTg, sửa đổi bởi Quyết định 09/2025/QĐ-TTg).`,
            en: `${agencyCode} is the fallback code (province.commune) ${other.fullName} numbers its dossiers with; it cannot be given to another unit. Enter the electronic identifier issued to this unit (Decision 20/2020/QĐ-TTg, amended by Decision 09/2025/QĐ-TTg).`,
          },
    );
  const deriving = await placeDeriving(ctx.db, agencyCode);
  if (deriving && deriving.id !== place.id) throw taken(deriving, 'derived');
  const owner = (await q.listAgencyCodes(ctx.db)).find((r) => r.agencyCode === agencyCode);
  if (owner && owner.placeId !== place.id) {
    const other = (await placesById(ctx.db, [owner.placeId])).get(owner.placeId);
    if (other) throw taken(other, 'set');
  }
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

/** One receiving unit as the admin page lists it. */
export interface UnitCode {
  place: Place;
  /** The code set by an admin, or null: the unit numbers its dossiers with `fallback`. */
  agencyCode: string | null;
  fallback: string;
  /** Another unit has this unit's fallback as its set code (set before such codes were refused). */
  clash: Place | null;
  atRiskDays: number;
}

/**
 * The receiving units an admin looks after (a commune admin: the commune; a province admin: the
 * province and its communes; a country admin: those of the province asked for, or the first), with
 * their codes and whether each is still on the fallback.
 */
export async function unitCodes(ctx: Ctx, provinceCode?: string): Promise<UnitCode[]> {
  const staff = requireStaff(ctx.actor);
  const scope = scopeOf(staff, 'admin');
  if (scope.length === 0) throw new Forbidden();
  const units = new Map<number, Place>();
  const addProvince = async (province: Place) => {
    units.set(province.id, province);
    for (const c of await listChildren(ctx.db, province.id)) {
      if (c.level === 'commune' && !c.validTo) units.set(c.id, c);
    }
  };
  for (const path of scope) {
    const ids = path.split('/').filter(Boolean).map(Number);
    const own = (await placesById(ctx.db, [ids.at(-1)])).get(ids.at(-1) as number);
    if (!own) continue;
    if (own.level === 'commune' || own.level === 'province') {
      if (own.level === 'province') await addProvince(own);
      else units.set(own.id, own);
    } else if (own.level === 'country') {
      const provinces = (await listChildren(ctx.db, own.id)).filter(
        (p) => p.level === 'province' && !p.validTo,
      );
      const chosen = provinces.find((p) => p.code === provinceCode) ?? provinces[0];
      if (chosen) await addProvince(chosen);
    }
  }
  const set = new Map((await q.listAgencyCodes(ctx.db)).map((r) => [r.placeId, r.agencyCode]));
  const bySetCode = new Map([...set].map(([placeId, code]) => [code, placeId]));
  const out: UnitCode[] = [];
  for (const place of units.values()) {
    const fallback = await derivedAgencyCode(ctx.db, place);
    const clashId = bySetCode.get(fallback);
    const clash =
      clashId !== undefined && clashId !== place.id
        ? ((await placesById(ctx.db, [clashId])).get(clashId) ?? null)
        : null;
    out.push({
      place,
      agencyCode: set.get(place.id) ?? null,
      fallback,
      clash,
      atRiskDays: await atRiskDaysOf(ctx.db, place.id),
    });
  }
  // The province first, then its communes by name.
  return out.sort(
    (a, b) =>
      (a.place.level === 'province' ? 0 : 1) - (b.place.level === 'province' ? 0 : 1) ||
      a.place.name.localeCompare(b.place.name, 'vi'),
  );
}
