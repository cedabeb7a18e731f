import type { Actor, RequestMeta } from './auth/actor.ts';
import type { Clock } from './clock.ts';
import type { Db, SqlRunner } from './db/client.ts';
import type { Events } from './events.ts';

/** What every use case receives: plain data in, plain data out, no HTTP objects. */
export interface Ctx {
  db: Db;
  sql: SqlRunner;
  actor: Actor;
  meta: RequestMeta;
  clock: Clock;
  events: Events;
}
