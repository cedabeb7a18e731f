import { randomInt } from 'node:crypto';
import { Secret, TOTP } from 'otpauth';
import { recordAudit } from '#modules/audit/index.ts';
import { enqueue } from '#modules/notifications/index.ts';
import { findPlacesByIds } from '#modules/places/index.ts';
import {
  type Actor,
  anonymous,
  type Grant,
  pathDepth,
  type RequestMeta,
  requireStaff,
} from '#platform/auth/actor.ts';
import type { Config } from '#platform/config.ts';
import type { Ctx } from '#platform/context.ts';
import type { Db } from '#platform/db/client.ts';
import { Invalid, TooManyRequests, Unauthorized } from '#platform/errors.ts';
import type { RateLimiter } from '#platform/rate-limit.ts';
import * as q from './identity.queries.ts';
import type { StaffSignIn } from './identity.schemas.ts';
import { dummyHash, newToken, sameHash, sha256, verifyPassword } from './passwords.ts';

export const LOCK_THRESHOLD = 5;
// Per-address limits are generous on purpose: mobile carriers put thousands of phones behind one
// address (carrier-grade NAT), and a commune office signs all its staff in from one. The per-account
// lock and the per-phone limit are the real brakes; these stop one machine hammering.
export const SIGN_IN_PER_IP = { max: 100, windowMs: 15 * 60_000 };
export const OTP_PER_PHONE = { max: 3, windowMs: 15 * 60_000 };
export const OTP_PER_IP = { max: 60, windowMs: 60 * 60_000 };
const OTP_MAX_TRIES = 5;
const CITIZEN_SESSION_HOURS = 24 * 7;

export interface AuthDeps {
  config: Config;
  limiter: RateLimiter;
  /** Secret mixed into one-time-code hashes, so a database dump does not reveal live codes. */
  pepper: string;
}

export interface IssuedSession {
  token: string;
  expiresAt: Date;
}

/**
 * The one answer for an unknown username, a wrong password and a locked account: a lock-out that
 * answered differently would tell a stranger which usernames exist (five wrong tries, then see
 * whether the account "locks"). The summary says that accounts lock, for the official who is locked.
 */
const badCredentials = () =>
  new Invalid(
    [{ field: 'username', vi: 'Tên đăng nhập hoặc mật khẩu không đúng.', en: 'Wrong username or password.' }],
    {
      vi: 'Đăng nhập không thành công. Sau 5 lần sai liên tiếp, tài khoản tạm khóa một lúc.',
      en: 'Sign-in failed. After 5 failures in a row the account is locked for a while.',
    },
  );

async function issueSession(
  db: Db,
  who: { userId: number } | { citizenId: number },
  kind: 'web' | 'api',
  hours: number,
  meta: RequestMeta,
): Promise<IssuedSession> {
  const token = newToken();
  const expiresAt = new Date(Date.now() + hours * 3600_000);
  await q.insertSession(db, {
    tokenHash: sha256(token),
    kind,
    userId: 'userId' in who ? who.userId : null,
    citizenId: 'citizenId' in who ? who.citizenId : null,
    expiresAt,
    ip: meta.ip,
    userAgent: meta.userAgent?.slice(0, 300) ?? null,
  });
  return { token, expiresAt };
}

function totpFor(username: string, secret: string) {
  return new TOTP({
    issuer: 'Xã Số',
    label: username,
    secret: Secret.fromBase32(secret),
    digits: 6,
    period: 30,
  });
}

/**
 * Staff sign-in: argon2id password, TOTP when enabled, lock-out with a doubling delay after
 * repeated failures, and a per-address limit that no username rotation gets around.
 */
export async function signInStaff(
  ctx: Ctx,
  deps: AuthDeps,
  input: StaffSignIn,
  kind: 'web' | 'api',
): Promise<IssuedSession & { userId: number }> {
  const perIp = await deps.limiter.allow(
    `signin:ip:${ctx.meta.ip}`,
    SIGN_IN_PER_IP.max,
    SIGN_IN_PER_IP.windowMs,
  );
  if (!perIp.allowed) throw new TooManyRequests(perIp.retryAfterSeconds);

  const user = await q.findUserByUsername(ctx.db, input.username);
  if (!user || user.disabled) {
    await verifyPassword(await dummyHash(), input.password);
    throw badCredentials();
  }
  if (user.lockedUntil && user.lockedUntil.getTime() > Date.now()) {
    // Refused whatever the password, at the cost of a check, in the words an unknown name gets.
    await verifyPassword(user.passwordHash, input.password);
    await recordAudit(ctx.db, { kind: 'anonymous' }, ctx.meta, {
      action: 'identity.signin.failed',
      targetType: 'user',
      targetId: user.id,
      place: await homePlace(ctx.db, user.id),
      details: { username: user.username, attempts: user.failedAttempts, locked: true },
    });
    throw badCredentials();
  }
  const passwordOk = await verifyPassword(user.passwordHash, input.password);
  let totpOk = true;
  if (passwordOk && user.totpEnabled && user.totpSecret) {
    if (!input.totp) {
      throw new Invalid([
        {
          field: 'totp',
          vi: 'Tài khoản này cần mã xác thực 6 số từ ứng dụng.',
          en: 'This account needs the 6-digit code from your app.',
        },
      ]);
    }
    totpOk = totpFor(user.username, user.totpSecret).validate({ token: input.totp, window: 1 }) !== null;
  }
  if (!passwordOk || !totpOk) {
    await ctx.db.transaction(async (tx) => {
      const r = await q.recordFailedSignIn(tx, user.id, LOCK_THRESHOLD);
      await recordAudit(tx, { kind: 'anonymous' }, ctx.meta, {
        action: 'identity.signin.failed',
        targetType: 'user',
        targetId: user.id,
        place: await homePlace(tx, user.id),
        details: { username: user.username, attempts: r?.failedAttempts, locked: Boolean(r?.lockedUntil) },
      });
    });
    if (!totpOk) {
      throw new Invalid([
        { field: 'totp', vi: 'Mã xác thực không đúng hoặc đã hết hạn.', en: 'Wrong or expired code.' },
      ]);
    }
    throw badCredentials();
  }
  return ctx.db.transaction(async (tx) => {
    await q.updateUser(tx, user.id, { failedAttempts: 0, lockedUntil: null });
    const session = await issueSession(
      tx,
      { userId: user.id },
      kind,
      deps.config.SESSION_TTL_HOURS,
      ctx.meta,
    );
    await recordAudit(
      tx,
      { kind: 'staff', userId: user.id, username: user.username, displayName: user.displayName, grants: [] },
      ctx.meta,
      {
        action: kind === 'api' ? 'identity.token.issued' : 'identity.signin',
        targetType: 'user',
        targetId: user.id,
        place: await homePlace(tx, user.id),
      },
    );
    return { ...session, userId: user.id };
  });
}

/**
 * Where a staff member's sign-ins are recorded: the place of their widest grant, so the admin of
 * that place sees them in the audit log (none without a grant: only the country's admins do).
 */
async function homePlace(db: Db, userId: number) {
  const grants = await q.grantsOf(db, userId);
  const widest = grants.sort((a, b) => pathDepth(a.placePath) - pathDepth(b.placePath))[0];
  return widest ? { id: widest.placeId, path: widest.placePath } : undefined;
}

export async function signOut(db: Db, token: string) {
  await q.deleteSession(db, sha256(token));
}

/** The actor behind a session cookie or bearer token; anonymous when there is none or it expired. */
/**
 * Actors resolved from a session token, kept a few seconds: a desk filing dossiers all day sends
 * the same token with every request, and resolving it costs three statements. Every write in this
 * module that could change an actor (sign-out, a user disabled or changed, a grant added or taken)
 * moves `actorsGeneration` on, which forgets them all at once in this process; another app process sees such a change within
 * ACTOR_TTL_MS. Only sessions that exist are kept, never a miss.
 */
const ACTOR_TTL_MS = 5_000;
const ACTORS_MAX = 10_000;
const actorCache = new WeakMap<object, Map<string, { actor: Actor; until: number; generation: number }>>();

export async function resolveActor(db: Db, token: string | undefined, kind: 'web' | 'api'): Promise<Actor> {
  if (!token || token.length > 100) return anonymous;
  const tokenHash = sha256(token);
  const key = `${kind}:${tokenHash}`;
  let cache = actorCache.get(db);
  const hit = cache?.get(key);
  const now = Date.now();
  if (hit && hit.until > now && hit.generation === q.actorsGeneration()) return hit.actor;
  const generation = q.actorsGeneration();
  const s = await q.findLiveSession(db, tokenHash, kind);
  if (!s) return anonymous;
  const actor = await actorOf(db, s, tokenHash);
  if (actor.kind !== 'anonymous') {
    if (!cache) {
      cache = new Map();
      actorCache.set(db, cache);
    }
    if (cache.size >= ACTORS_MAX) cache.clear();
    const until = Math.min(now + ACTOR_TTL_MS, s.expiresAt.getTime());
    cache.set(key, { actor, until, generation });
  }
  return actor;
}

async function actorOf(
  db: Db,
  s: NonNullable<Awaited<ReturnType<typeof q.findLiveSession>>>,
  tokenHash: string,
): Promise<Actor> {
  // Write last-seen at most every five minutes: a page view should not always cost a write.
  if (Date.now() - s.lastSeenAt.getTime() > 5 * 60_000) await q.touchSession(db, tokenHash);
  if (s.citizenId && s.phone)
    return { kind: 'citizen', citizenId: s.citizenId, phone: s.phone, name: s.citizenName };
  if (!s.userId || s.disabled || !s.username) return anonymous;
  return {
    kind: 'staff',
    userId: s.userId,
    username: s.username,
    displayName: s.displayName ?? s.username,
    grants: await grantsWithNames(db, s.userId),
  };
}

export async function grantsWithNames(
  db: Db,
  userId: number,
): Promise<(Grant & { id: number; placeCode: string })[]> {
  const grants = await q.grantsOf(db, userId);
  const places = await findPlacesByIds(db, [...new Set(grants.map((g) => g.placeId))]);
  return grants.map((g) => {
    const p = places.find((x) => x.id === g.placeId);
    return { ...g, placeName: p?.fullName ?? '?', placeCode: p?.code ?? '?' };
  });
}

// Citizens: phone number and a one-time code sent by SMS through the outbox.

function codeHash(deps: AuthDeps, phone: string, code: string) {
  return sha256(`${deps.pepper}:${phone}:${code}`);
}

export async function requestCitizenCode(ctx: Ctx, deps: AuthDeps, phone: string) {
  const byPhone = await deps.limiter.allow(`otp:phone:${phone}`, OTP_PER_PHONE.max, OTP_PER_PHONE.windowMs);
  const byIp = await deps.limiter.allow(`otp:ip:${ctx.meta.ip}`, OTP_PER_IP.max, OTP_PER_IP.windowMs);
  if (!byPhone.allowed || !byIp.allowed) {
    throw new TooManyRequests(
      Math.max(byPhone.allowed ? 0 : byPhone.retryAfterSeconds, byIp.allowed ? 0 : byIp.retryAfterSeconds),
      {
        vi: 'Đã gửi mã quá nhiều lần. Vui lòng chờ ít phút rồi thử lại.',
        en: 'Too many codes requested. Please wait a few minutes and try again.',
      },
    );
  }
  const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
  const minutes = Math.round(deps.config.OTP_TTL_SECONDS / 60);
  await ctx.db.transaction(async (tx) => {
    await q.insertOtp(tx, {
      phone,
      codeHash: codeHash(deps, phone, code),
      ttlSeconds: deps.config.OTP_TTL_SECONDS,
    });
    await enqueue(tx, {
      channel: 'sms',
      recipient: phone,
      template: 'identity.otp',
      // Kept within one UCS-2 segment (70 characters) with its diacritics.
      body: `Mã đăng nhập Xã Số: ${code}, hết hạn sau ${minutes} phút. Không đưa mã cho ai.`,
    });
  });
  await ctx.events.emit('notifications.queued', {});
}

export async function verifyCitizenCode(
  ctx: Ctx,
  deps: AuthDeps,
  phone: string,
  code: string,
): Promise<IssuedSession> {
  const wrong = () =>
    new Invalid([{ field: 'code', vi: 'Mã không đúng hoặc đã hết hạn.', en: 'Wrong or expired code.' }]);
  const result = await ctx.db.transaction(async (tx) => {
    const otp = await q.findLiveOtp(tx, phone);
    if (!otp || otp.attempts >= OTP_MAX_TRIES) return 'wrong' as const;
    if (!sameHash(otp.codeHash, codeHash(deps, phone, code))) {
      await q.countOtpAttempt(tx, otp.id);
      return 'wrong' as const;
    }
    await q.consumeOtp(tx, otp.id);
    const citizen = await q.upsertCitizen(tx, phone);
    const session = await issueSession(tx, { citizenId: citizen.id }, 'web', CITIZEN_SESSION_HOURS, ctx.meta);
    await recordAudit(tx, { kind: 'citizen', citizenId: citizen.id, phone, name: null }, ctx.meta, {
      action: 'identity.citizen.signin',
      targetType: 'citizen',
      targetId: citizen.id,
    });
    return session;
  });
  if (result === 'wrong') throw wrong();
  return result;
}

// Two-step verification for staff.

export async function startTotpEnrolment(ctx: Ctx) {
  const staff = requireStaff(ctx.actor);
  const user = await q.findUserById(ctx.db, staff.userId);
  if (!user) throw new Unauthorized();
  let secret = user.totpSecret;
  if (!secret || !user.totpEnabled) {
    secret = secret ?? new Secret({ size: 20 }).base32;
    await q.updateUser(ctx.db, user.id, { totpSecret: secret });
  }
  return { enabled: user.totpEnabled, secret, uri: totpFor(user.username, secret).toString() };
}

export async function confirmTotp(ctx: Ctx, code: string) {
  const staff = requireStaff(ctx.actor);
  const user = await q.findUserById(ctx.db, staff.userId);
  if (!user?.totpSecret) throw new Unauthorized();
  if (totpFor(user.username, user.totpSecret).validate({ token: code, window: 1 }) === null) {
    throw new Invalid([
      {
        field: 'code',
        vi: 'Mã không đúng. Kiểm tra giờ trên điện thoại.',
        en: 'Wrong code. Check the time on your phone.',
      },
    ]);
  }
  await ctx.db.transaction(async (tx) => {
    await q.updateUser(tx, user.id, { totpEnabled: true });
    await recordAudit(tx, ctx.actor, ctx.meta, {
      action: 'identity.totp.enabled',
      targetType: 'user',
      targetId: user.id,
    });
  });
}

/** Exposed for tests and the demo seed: the code an authenticator app would show now. */
export function currentTotp(username: string, secret: string) {
  return totpFor(username, secret).generate();
}
