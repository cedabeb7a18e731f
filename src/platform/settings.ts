import { randomBytes } from 'node:crypto';
import type { SqlRunner } from './db/client.ts';

/**
 * A secret generated once and kept in the database, so every instance on the same database signs
 * cookies with the same key without anyone having to configure it.
 */
export async function sharedSecret(sql: SqlRunner, name: string): Promise<string> {
  const fresh = randomBytes(32).toString('base64url');
  await sql.query('insert into settings (key, value) values ($1, $2) on conflict (key) do nothing', [
    `secret:${name}`,
    JSON.stringify(fresh),
  ]);
  const rows = await sql.query<{ value: string }>('select value from settings where key = $1', [
    `secret:${name}`,
  ]);
  const value = rows[0]?.value;
  if (typeof value !== 'string') throw new Error(`secret ${name} missing`);
  return value;
}
