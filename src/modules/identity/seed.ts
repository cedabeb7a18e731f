import type { Place } from '#modules/places/index.ts';
import type { Role } from '#platform/auth/actor.ts';
import type { Db } from '#platform/db/client.ts';
import * as q from './identity.queries.ts';
import { hashPassword, verifyPassword } from './passwords.ts';

/** Create a user with one grant unless the username exists (demo seed and test factories). */
export async function ensureUser(
  db: Db,
  u: { username: string; displayName: string; password: string; role: Role; place: Place; demo?: boolean },
): Promise<{ id: number; created: boolean }> {
  const existing = await q.findUserByUsername(db, u.username);
  if (existing) return { id: existing.id, created: false };
  const passwordHash = await hashPassword(u.password);
  return db.transaction(async (tx) => {
    const user = await q.insertUser(tx, {
      username: u.username,
      displayName: u.displayName,
      passwordHash,
      demo: u.demo ?? false,
    });
    await q.insertGrant(tx, {
      userId: user.id,
      role: u.role,
      placeId: u.place.id,
      placePath: u.place.path,
      grantedBy: null,
    });
    return { id: user.id, created: true };
  });
}

/** What makes an account a demo one: the seed's usernames and the password printed in the README. */
export interface DemoAccounts {
  usernames: string[];
  password: string;
}

/**
 * The active demo accounts: those the demo seed marked, and, among accounts bearing a demo username
 * (seeded before accounts were marked), those that still take the published password. An account
 * that merely shares a demo username but has its own password is a real one.
 */
export async function findActiveDemoAccounts(db: Db, demo: DemoAccounts) {
  const found: { id: number; username: string }[] = [];
  for (const u of await q.activeDemoCandidates(db, demo.usernames)) {
    if (u.demo || (await verifyPassword(u.passwordHash, demo.password))) found.push(u);
  }
  return found;
}

/** Disable every active demo account and end its sessions; the usernames disabled. */
export async function disableDemoAccounts(db: Db, demo: DemoAccounts): Promise<string[]> {
  const found = await findActiveDemoAccounts(db, demo);
  await q.disableUsers(
    db,
    found.map((u) => u.id),
    true,
  );
  return found.map((u) => u.username);
}
