import { createHash, randomBytes } from 'node:crypto';
import { recordAudit } from '#modules/audit/index.ts';
import { getPlaceByCode, type Place } from '#modules/places/index.ts';
import { type Actor, isProvinceAdmin, requireRole, requireStaff, scopeOf } from '#platform/auth/actor.ts';
import type { Ctx } from '#platform/context.ts';
import type { Db } from '#platform/db/client.ts';
import { Conflict, Forbidden, NotFound, TooManyRequests } from '#platform/errors.ts';
import type { RateLimiter } from '#platform/rate-limit.ts';
import * as q from './feedback.queries.ts';
import type { ApiKeyForm, CategoryForm, ContactForm } from './feedback.schemas.ts';
import { NATIONAL_STAGE_DAYS } from './feedback.workflow.ts';

// ---------------------------------------------------------------------------------------------
// Categories

/**
 * The eight fields people report about. Routing defaults: the commune accepts or refuses within 2
 * working days, asks for more information within 5, answers within 15 and publishes the answer
 * within 2, as the national measure counts (decision 023; the first, second and last come from the
 * table's defaults); land disputes and public order often need the province's departments, but the
 * commune is where they start.
 */
export const DEFAULT_CATEGORIES: Omit<CategoryForm, 'active'>[] = [
  {
    code: 'roads',
    nameVi: 'Đường sá, cầu cống',
    nameEn: 'Roads and bridges',
    descriptionVi: 'Đường hỏng, sạt lở, cầu treo, cống tắc',
    descriptionEn: 'Broken roads, landslides, footbridges, blocked culverts',
    keywords: 'đường,sạt lở,cầu,cống',
    handlerRole: 'feedback_handler',
    handlerLevel: 'commune',
    deadlineDays: NATIONAL_STAGE_DAYS.answer,
    sortOrder: 10,
  },
  {
    code: 'electricity',
    nameVi: 'Điện',
    nameEn: 'Electricity',
    descriptionVi: 'Mất điện, cột điện nghiêng, dây điện đứt',
    descriptionEn: 'Power cuts, leaning poles, broken lines',
    keywords: 'điện,cột điện,mất điện',
    handlerRole: 'feedback_handler',
    handlerLevel: 'commune',
    deadlineDays: NATIONAL_STAGE_DAYS.answer,
    sortOrder: 20,
  },
  {
    code: 'water',
    nameVi: 'Nước sạch',
    nameEn: 'Water',
    descriptionVi: 'Vỡ ống nước, mất nước, nước bẩn',
    descriptionEn: 'Broken pipes, no water, dirty water',
    keywords: 'nước,ống nước',
    handlerRole: 'feedback_handler',
    handlerLevel: 'commune',
    deadlineDays: NATIONAL_STAGE_DAYS.answer,
    sortOrder: 30,
  },
  {
    code: 'environment',
    nameVi: 'Môi trường',
    nameEn: 'Environment',
    descriptionVi: 'Rác thải, ô nhiễm, chặt phá rừng',
    descriptionEn: 'Waste, pollution, illegal logging',
    keywords: 'rác,ô nhiễm,rừng',
    handlerRole: 'feedback_handler',
    handlerLevel: 'commune',
    deadlineDays: NATIONAL_STAGE_DAYS.answer,
    sortOrder: 40,
  },
  {
    code: 'land',
    nameVi: 'Đất đai',
    nameEn: 'Land',
    descriptionVi: 'Tranh chấp, lấn chiếm đất, xây dựng trái phép',
    descriptionEn: 'Disputes, encroachment, unlawful building',
    keywords: 'đất,tranh chấp,lấn chiếm',
    handlerRole: 'feedback_handler',
    handlerLevel: 'commune',
    deadlineDays: NATIONAL_STAGE_DAYS.answer,
    sortOrder: 50,
  },
  {
    code: 'security',
    nameVi: 'An ninh, trật tự',
    nameEn: 'Security and order',
    descriptionVi: 'Trộm cắp, gây rối, tệ nạn',
    descriptionEn: 'Theft, disturbances, social evils',
    keywords: 'an ninh,trật tự,trộm',
    handlerRole: 'feedback_handler',
    handlerLevel: 'commune',
    deadlineDays: NATIONAL_STAGE_DAYS.answer,
    sortOrder: 60,
  },
  {
    code: 'attitude',
    nameVi: 'Thái độ phục vụ của cán bộ',
    nameEn: 'Attitude of officials',
    descriptionVi: 'Cán bộ gây khó khăn, chậm trễ, thiếu tôn trọng',
    descriptionEn: 'Officials who obstruct, delay or are disrespectful',
    keywords: 'cán bộ,thái độ',
    handlerRole: 'feedback_handler',
    handlerLevel: 'commune',
    deadlineDays: NATIONAL_STAGE_DAYS.answer,
    sortOrder: 70,
  },
  {
    code: 'other',
    nameVi: 'Khác',
    nameEn: 'Other',
    descriptionVi: 'Những việc khác cần chính quyền biết',
    descriptionEn: 'Anything else the authorities should know',
    keywords: '',
    handlerRole: 'feedback_handler',
    handlerLevel: 'commune',
    deadlineDays: NATIONAL_STAGE_DAYS.answer,
    sortOrder: 90,
  },
];

/** First start and tests: add the default categories that are missing; never overwrite an edit. */
export async function ensureDefaultCategories(db: Db) {
  for (const c of DEFAULT_CATEGORIES) await q.insertCategory(db, { ...c, active: true });
}

/**
 * Categories are one list for the whole installation (usually one province), so changing them is
 * for an admin of a province or of the country, not of one commune.
 */
export function canEditCategories(actor: Actor) {
  return isProvinceAdmin(actor);
}

function requireCategoryAdmin(actor: Actor) {
  requireStaff(actor);
  if (!canEditCategories(actor)) {
    throw new Forbidden({
      vi: 'Chỉ quản trị viên cấp tỉnh được sửa danh mục lĩnh vực.',
      en: 'Only a province administrator may edit the categories.',
    });
  }
}

function categoryValues(input: CategoryForm) {
  return {
    nameVi: input.nameVi,
    nameEn: input.nameEn ?? null,
    descriptionVi: input.descriptionVi ?? null,
    descriptionEn: input.descriptionEn ?? null,
    keywords: input.keywords ?? null,
    handlerRole: input.handlerRole,
    handlerLevel: input.handlerLevel,
    acceptDays: input.acceptDays ?? NATIONAL_STAGE_DAYS.accept,
    infoDays: input.infoDays ?? NATIONAL_STAGE_DAYS.info,
    deadlineDays: input.deadlineDays,
    publishDays: input.publishDays ?? NATIONAL_STAGE_DAYS.publish,
    active: input.active === 'on',
    sortOrder: input.sortOrder,
  };
}

/** Create a category, or change the one with that code (its code, the Open311 service_code, stays). */
export async function saveCategory(ctx: Ctx, input: CategoryForm) {
  requireCategoryAdmin(ctx.actor);
  return ctx.db.transaction(async (tx) => {
    const existing = await q.findCategoryByCode(tx, input.code);
    const row = existing
      ? await q.updateCategory(tx, input.code, categoryValues(input))
      : await q.insertCategory(tx, { code: input.code, ...categoryValues(input) });
    if (!row) throw new Conflict({ vi: 'Mã lĩnh vực đã có.', en: 'That category code exists.' });
    await recordAudit(tx, ctx.actor, ctx.meta, {
      action: existing ? 'feedback.category.update' : 'feedback.category.create',
      targetType: 'feedback_category',
      targetId: row.id,
      details: {
        code: row.code,
        role: row.handlerRole,
        level: row.handlerLevel,
        days: {
          accept: row.acceptDays,
          info: row.infoDays,
          answer: row.deadlineDays,
          publish: row.publishDays,
        },
        active: row.active,
      },
    });
    return row;
  });
}

// ---------------------------------------------------------------------------------------------
// API keys for third-party Open311 clients

function hashKey(key: string) {
  return createHash('sha256').update(key).digest('hex');
}

/** Make a key for `place` without a permission check (seeding, the bench); returns the key once. */
export async function issueApiKey(
  db: Db,
  k: { name: string; place: Place; requestsPerMinute: number; createdBy: number | null },
) {
  const key = `xs311_${randomBytes(24).toString('base64url')}`;
  const row = await q.insertApiKey(db, {
    name: k.name,
    keyPrefix: key.slice(0, 10),
    keyHash: hashKey(key),
    placeId: k.place.id,
    placePath: k.place.path,
    requestsPerMinute: k.requestsPerMinute,
    createdBy: k.createdBy,
  });
  return { key, row };
}

export async function createApiKey(ctx: Ctx, input: ApiKeyForm) {
  const place = await getPlaceByCode(ctx.db, input.placeCode);
  const admin = requireRole(ctx.actor, 'admin', place.path);
  return ctx.db.transaction(async (tx) => {
    const issued = await issueApiKey(tx, {
      name: input.name,
      place,
      requestsPerMinute: input.requestsPerMinute,
      createdBy: admin.userId,
    });
    await recordAudit(tx, ctx.actor, ctx.meta, {
      action: 'feedback.apikey.create',
      targetType: 'feedback_api_key',
      targetId: issued.row.id,
      place,
      details: { name: input.name, prefix: issued.row.keyPrefix },
    });
    return issued;
  });
}

export async function listApiKeys(ctx: Ctx) {
  requireStaff(ctx.actor);
  return q.listApiKeys(ctx.db, scopeOf(ctx.actor, 'admin'));
}

export async function revokeApiKey(ctx: Ctx, id: number) {
  requireStaff(ctx.actor);
  const key = await q.findApiKey(ctx.db, id);
  if (!key || !scopeOf(ctx.actor, 'admin').some((p) => key.placePath.startsWith(p))) throw new NotFound();
  await ctx.db.transaction(async (tx) => {
    await q.revokeApiKey(tx, id);
    await recordAudit(tx, ctx.actor, ctx.meta, {
      action: 'feedback.apikey.revoke',
      targetType: 'feedback_api_key',
      targetId: id,
      place: { id: key.placeId, path: key.placePath },
    });
  });
}

export class BadApiKey extends Forbidden {
  constructor() {
    super({ vi: 'api_key không hợp lệ hoặc đã bị thu hồi.', en: 'Invalid or revoked api_key.' });
  }
}

/** The live key behind `key`, counted against its per-minute allowance. */
export async function authenticateApiKey(db: Db, limiter: RateLimiter, key: string | undefined) {
  if (!key) throw new BadApiKey();
  const row = await q.findLiveApiKey(db, hashKey(key));
  if (!row) throw new BadApiKey();
  const { allowed, retryAfterSeconds } = await limiter.allow(
    `open311:key:${row.id}`,
    row.requestsPerMinute,
    60_000,
  );
  if (!allowed) throw new TooManyRequests(retryAfterSeconds);
  // "Last used" is for spotting dead keys: a write a minute per key is plenty.
  if (!row.lastUsedAt || Date.now() - row.lastUsedAt.getTime() > 60_000) await q.touchApiKey(db, row.id);
  return row;
}

// ---------------------------------------------------------------------------------------------
// Where an office hears about escalations

export async function listContacts(ctx: Ctx) {
  requireStaff(ctx.actor);
  return q.listContactsInScope(ctx.db, scopeOf(ctx.actor, 'admin'));
}

export async function addContact(ctx: Ctx, input: ContactForm) {
  const place = await getPlaceByCode(ctx.db, input.placeCode);
  requireRole(ctx.actor, 'admin', place.path);
  return ctx.db.transaction(async (tx) => {
    const row = await q.insertContact(tx, {
      placeId: place.id,
      placePath: place.path,
      channel: input.channel,
      recipient: input.recipient,
    });
    if (!row) throw new Conflict({ vi: 'Địa chỉ này đã có.', en: 'That address is already listed.' });
    await recordAudit(tx, ctx.actor, ctx.meta, {
      action: 'feedback.contact.add',
      targetType: 'feedback_contact',
      targetId: row.id,
      place,
      details: { channel: row.channel },
    });
    return row;
  });
}

export async function removeContact(ctx: Ctx, id: number) {
  requireStaff(ctx.actor);
  const c = await q.findContact(ctx.db, id);
  if (!c) throw new NotFound();
  requireRole(ctx.actor, 'admin', c.placePath);
  await ctx.db.transaction(async (tx) => {
    await q.deleteContact(tx, id);
    await recordAudit(tx, ctx.actor, ctx.meta, {
      action: 'feedback.contact.remove',
      targetType: 'feedback_contact',
      targetId: id,
      place: { id: c.placeId, path: c.placePath },
    });
  });
}
