import { and, asc, desc, eq, gt, inArray, isNull, like, or, sql } from 'drizzle-orm';
import type { Role } from '#platform/auth/actor.ts';
import type { Db } from '#platform/db/client.ts';
import { citizens, otpCodes, roleGrants, sessions, users } from './identity.tables.ts';

export type UserRow = typeof users.$inferSelect;

/**
 * Bumped after every write that could change what a session token resolves to (see
 * `resolveActor`): resolved actors from an older generation are not used again.
 */
let actorGeneration = 0;
export const actorsGeneration = () => actorGeneration;
function forgetActors() {
  actorGeneration++;
}

export async function findUserByUsername(db: Db, username: string) {
  const [u] = await db.select().from(users).where(sql`lower(${users.username}) = lower(${username})`);
  return u;
}

export async function findUserById(db: Db, id: number) {
  const [u] = await db.select().from(users).where(eq(users.id, id));
  return u;
}

export async function insertUser(db: Db, u: typeof users.$inferInsert) {
  const [row] = await db.insert(users).values(u).returning();
  if (!row) throw new Error('insert returned nothing');
  return row;
}

export async function updateUser(db: Db, id: number, set: Partial<typeof users.$inferInsert>) {
  await db
    .update(users)
    .set({ ...set, updatedAt: sql`now()` })
    .where(eq(users.id, id));
  forgetActors();
}

/** Count a failed sign-in and, past the threshold, lock with a doubling delay (1 min … 60 min). */
export async function recordFailedSignIn(db: Db, id: number, threshold: number) {
  const [row] = await db
    .update(users)
    .set({
      failedAttempts: sql`${users.failedAttempts} + 1`,
      lockedUntil: sql`case when ${users.failedAttempts} + 1 >= ${threshold}
        then now() + make_interval(mins => least(60, power(2, ${users.failedAttempts} + 1 - ${threshold})::int))
        else ${users.lockedUntil} end`,
    })
    .where(eq(users.id, id))
    .returning({ failedAttempts: users.failedAttempts, lockedUntil: users.lockedUntil });
  return row;
}

export async function grantsOf(db: Db, userId: number) {
  return db
    .select({
      id: roleGrants.id,
      role: roleGrants.role,
      placeId: roleGrants.placeId,
      placePath: roleGrants.placePath,
    })
    .from(roleGrants)
    .where(eq(roleGrants.userId, userId))
    .orderBy(asc(roleGrants.placePath), asc(roleGrants.role));
}

/** Staff holding `role` at a place whose subtree contains `placePath` (who may act there). */
export async function listStaffFor(db: Db, role: Role, placePath: string) {
  return db
    .selectDistinct({ userId: users.id, displayName: users.displayName })
    .from(roleGrants)
    .innerJoin(users, eq(users.id, roleGrants.userId))
    .where(
      and(
        eq(roleGrants.role, role),
        eq(users.disabled, false),
        sql`${placePath} like ${roleGrants.placePath} || '%'`,
      ),
    )
    .orderBy(users.id);
}

export async function findGrant(db: Db, grantId: number) {
  const [row] = await db.select().from(roleGrants).where(eq(roleGrants.id, grantId));
  return row;
}

export async function insertGrant(
  db: Db,
  g: { userId: number; role: Role; placeId: number; placePath: string; grantedBy: number | null },
) {
  const [row] = await db.insert(roleGrants).values(g).onConflictDoNothing().returning();
  forgetActors();
  return row;
}

export async function deleteGrant(db: Db, grantId: number) {
  await db.delete(roleGrants).where(eq(roleGrants.id, grantId));
  forgetActors();
}

/** Users holding any grant inside one of the given subtrees (all users when a root path is given). */
export async function listUsersInScope(db: Db, scope: string[]) {
  if (scope.length === 0) return [];
  const ids = db
    .selectDistinct({ id: roleGrants.userId })
    .from(roleGrants)
    .where(or(...scope.map((p) => like(roleGrants.placePath, `${p}%`))));
  return db
    .select({
      id: users.id,
      username: users.username,
      displayName: users.displayName,
      disabled: users.disabled,
      totpEnabled: users.totpEnabled,
    })
    .from(users)
    .where(inArray(users.id, ids))
    .orderBy(asc(users.username));
}

export async function userInScope(db: Db, userId: number, scope: string[]) {
  if (scope.length === 0) return false;
  const [row] = await db
    .select({ id: roleGrants.id })
    .from(roleGrants)
    .where(and(eq(roleGrants.userId, userId), or(...scope.map((p) => like(roleGrants.placePath, `${p}%`)))))
    .limit(1);
  return Boolean(row);
}

// Sessions

export async function insertSession(db: Db, s: typeof sessions.$inferInsert) {
  await db.insert(sessions).values(s);
}

export async function findLiveSession(db: Db, tokenHash: string, kind: 'web' | 'api') {
  const [row] = await db
    .select({
      tokenHash: sessions.tokenHash,
      userId: sessions.userId,
      citizenId: sessions.citizenId,
      lastSeenAt: sessions.lastSeenAt,
      expiresAt: sessions.expiresAt,
      username: users.username,
      displayName: users.displayName,
      disabled: users.disabled,
      phone: citizens.phone,
      citizenName: citizens.fullName,
    })
    .from(sessions)
    .leftJoin(users, eq(users.id, sessions.userId))
    .leftJoin(citizens, eq(citizens.id, sessions.citizenId))
    .where(
      and(eq(sessions.tokenHash, tokenHash), eq(sessions.kind, kind), gt(sessions.expiresAt, sql`now()`)),
    );
  return row;
}

export async function touchSession(db: Db, tokenHash: string) {
  await db.update(sessions).set({ lastSeenAt: sql`now()` }).where(eq(sessions.tokenHash, tokenHash));
}

export async function deleteSession(db: Db, tokenHash: string) {
  await db.delete(sessions).where(eq(sessions.tokenHash, tokenHash));
  forgetActors();
}

/** Active accounts made by the demo seed, or bearing one of the demo usernames. */
export async function activeDemoCandidates(db: Db, usernames: string[]) {
  return db
    .select({ id: users.id, username: users.username, demo: users.demo, passwordHash: users.passwordHash })
    .from(users)
    .where(
      and(
        eq(users.disabled, false),
        or(
          eq(users.demo, true),
          inArray(
            sql`lower(${users.username})`,
            usernames.map((u) => u.toLowerCase()),
          ),
        ),
      ),
    )
    .orderBy(users.username);
}

/** Disable accounts and end their sessions and API tokens. */
export async function disableUsers(db: Db, ids: number[], demo: boolean) {
  if (ids.length === 0) return;
  await db.transaction(async (tx) => {
    await tx
      .update(users)
      .set({ disabled: true, ...(demo ? { demo: true } : {}), updatedAt: sql`now()` })
      .where(inArray(users.id, ids));
    await tx.delete(sessions).where(inArray(sessions.userId, ids));
  });
  forgetActors();
}

/** Sessions and API tokens that expired at or before `now` (they no longer sign anyone in). */
export async function deleteExpiredSessions(db: Db, now: Date) {
  const gone = await db
    .delete(sessions)
    .where(sql`${sessions.expiresAt} <= ${now}`)
    .returning({ tokenHash: sessions.tokenHash });
  return gone.length;
}

// Citizens and one-time codes

export async function upsertCitizen(db: Db, phone: string) {
  const [row] = await db
    .insert(citizens)
    .values({ phone, lastSignInAt: sql`now()` })
    .onConflictDoUpdate({ target: citizens.phone, set: { lastSignInAt: sql`now()` } })
    .returning();
  if (!row) throw new Error('upsert returned nothing');
  return row;
}

export async function insertOtp(db: Db, o: { phone: string; codeHash: string; ttlSeconds: number }) {
  // A new code replaces any earlier one for the phone.
  await db
    .update(otpCodes)
    .set({ consumedAt: sql`now()` })
    .where(and(eq(otpCodes.phone, o.phone), isNull(otpCodes.consumedAt)));
  await db.insert(otpCodes).values({
    phone: o.phone,
    codeHash: o.codeHash,
    expiresAt: sql`now() + make_interval(secs => ${o.ttlSeconds})`,
  });
}

export async function findLiveOtp(db: Db, phone: string) {
  const [row] = await db
    .select()
    .from(otpCodes)
    .where(and(eq(otpCodes.phone, phone), isNull(otpCodes.consumedAt), gt(otpCodes.expiresAt, sql`now()`)))
    .orderBy(desc(otpCodes.id))
    .limit(1)
    .for('update');
  return row;
}

export async function countOtpAttempt(db: Db, id: number) {
  await db
    .update(otpCodes)
    .set({ attempts: sql`${otpCodes.attempts} + 1` })
    .where(eq(otpCodes.id, id));
}

export async function consumeOtp(db: Db, id: number) {
  await db.update(otpCodes).set({ consumedAt: sql`now()` }).where(eq(otpCodes.id, id));
}
