import type { Place } from '#modules/places/index.ts';
import type { Role } from '#platform/auth/actor.ts';
import type { Db } from '#platform/db/client.ts';
import * as q from './identity.queries.ts';
import { hashPassword } from './passwords.ts';

/** Create a user with one grant unless the username exists (demo seed and test factories). */
export async function ensureUser(
  db: Db,
  u: { username: string; displayName: string; password: string; role: Role; place: Place },
): Promise<{ id: number; created: boolean }> {
  const existing = await q.findUserByUsername(db, u.username);
  if (existing) return { id: existing.id, created: false };
  const passwordHash = await hashPassword(u.password);
  return db.transaction(async (tx) => {
    const user = await q.insertUser(tx, { username: u.username, displayName: u.displayName, passwordHash });
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
