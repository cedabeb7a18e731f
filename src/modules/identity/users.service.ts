import { recordAudit } from '#modules/audit/index.ts';
import { getPlaceByCode } from '#modules/places/index.ts';
import { type Actor, requireRole, requireStaff, scopeOf } from '#platform/auth/actor.ts';
import type { Ctx } from '#platform/context.ts';
import { Conflict, Forbidden, NotFound } from '#platform/errors.ts';
import { grantsWithNames } from './auth.service.ts';
import * as q from './identity.queries.ts';
import type { NewGrant, NewUser } from './identity.schemas.ts';
import { hashPassword } from './passwords.ts';

const userNotFound = () => new NotFound({ vi: 'Không tìm thấy tài khoản.', en: 'No such user.' });

/** Staff an admin may see: those holding a role somewhere inside the admin's subtrees. */
export async function listUsers(ctx: Ctx) {
  requireStaff(ctx.actor);
  return q.listUsersInScope(ctx.db, scopeOf(ctx.actor, 'admin'));
}

export async function getUser(ctx: Ctx, userId: number) {
  requireStaff(ctx.actor);
  const scope = scopeOf(ctx.actor, 'admin');
  if (!(await q.userInScope(ctx.db, userId, scope))) throw userNotFound();
  const user = await q.findUserById(ctx.db, userId);
  if (!user) throw userNotFound();
  const grants = await grantsWithNames(ctx.db, userId);
  return {
    id: user.id,
    username: user.username,
    displayName: user.displayName,
    email: user.email,
    phone: user.phone,
    disabled: user.disabled,
    totpEnabled: user.totpEnabled,
    grants: grants.map((g) => ({ ...g, manageable: canManage(ctx.actor, g.placePath) })),
  };
}

function canManage(actor: Actor, placePath: string) {
  return scopeOf(actor, 'admin').some((p) => placePath.startsWith(p));
}

/** An admin creates an account with its first role, at a place inside the admin's subtree. */
export async function createUser(ctx: Ctx, input: NewUser) {
  const place = await getPlaceByCode(ctx.db, input.placeCode);
  const admin = requireRole(ctx.actor, 'admin', place.path);
  const passwordHash = await hashPassword(input.password);
  return ctx.db.transaction(async (tx) => {
    if (await q.findUserByUsername(tx, input.username)) {
      throw new Conflict({
        vi: `Tên đăng nhập "${input.username}" đã có người dùng.`,
        en: `Username "${input.username}" is taken.`,
      });
    }
    const user = await q.insertUser(tx, {
      username: input.username,
      displayName: input.displayName,
      passwordHash,
      email: input.email ?? null,
      phone: input.phone ?? null,
    });
    await q.insertGrant(tx, {
      userId: user.id,
      role: input.role,
      placeId: place.id,
      placePath: place.path,
      grantedBy: admin.userId,
    });
    await recordAudit(tx, ctx.actor, ctx.meta, {
      action: 'identity.user.create',
      targetType: 'user',
      targetId: user.id,
      place,
      details: { username: user.username, role: input.role },
    });
    return { id: user.id, username: user.username };
  });
}

export async function grantRole(ctx: Ctx, userId: number, input: NewGrant) {
  const place = await getPlaceByCode(ctx.db, input.placeCode);
  const admin = requireRole(ctx.actor, 'admin', place.path);
  if (!(await q.userInScope(ctx.db, userId, scopeOf(ctx.actor, 'admin')))) throw userNotFound();
  return ctx.db.transaction(async (tx) => {
    const grant = await q.insertGrant(tx, {
      userId,
      role: input.role,
      placeId: place.id,
      placePath: place.path,
      grantedBy: admin.userId,
    });
    if (!grant)
      throw new Conflict({
        vi: 'Người này đã có vai trò đó tại địa bàn đó.',
        en: 'The user already has that role there.',
      });
    await recordAudit(tx, ctx.actor, ctx.meta, {
      action: 'identity.grant.add',
      targetType: 'user',
      targetId: userId,
      place,
      details: { role: input.role, grantId: grant.id },
    });
    return grant;
  });
}

export async function revokeGrant(ctx: Ctx, userId: number, grantId: number) {
  requireStaff(ctx.actor);
  const grant = await q.findGrant(ctx.db, grantId);
  if (!grant || grant.userId !== userId) throw new NotFound();
  requireRole(ctx.actor, 'admin', grant.placePath);
  if (ctx.actor.kind === 'staff' && ctx.actor.userId === userId && grant.role === 'admin') {
    throw new Forbidden({
      vi: 'Không thể tự gỡ quyền quản trị của chính mình.',
      en: 'You cannot remove your own admin role.',
    });
  }
  await ctx.db.transaction(async (tx) => {
    await q.deleteGrant(tx, grantId);
    await recordAudit(tx, ctx.actor, ctx.meta, {
      action: 'identity.grant.revoke',
      targetType: 'user',
      targetId: userId,
      place: { id: grant.placeId, path: grant.placePath },
      details: { role: grant.role },
    });
  });
}
