import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import { type Db, rowsOf } from '#platform/db/client.ts';
import { p } from './broadcast.queries.ts';
import { clusters, commands, deliveries } from './broadcast.tables.ts';

/** Commands (play now, stop, volume) and their delivery to each device. */

export type CommandRow = typeof commands.$inferSelect;
export type CommandInsert = typeof commands.$inferInsert;
export async function insertCommand(db: Db, values: typeof commands.$inferInsert, clusterIds: number[]) {
  const [row] = await db.insert(commands).values(values).returning();
  if (clusterIds.length) {
    await db.execute(sql`
      insert into broadcast_deliveries (cluster_id, kind, command_id)
      select id, 'command', ${values.id}::uuid from unnest(${p(clusterIds)}::bigint[]) as id`);
  }
  return row as CommandRow;
}

export async function findCommand(db: Db, id: string) {
  const [row] = await db.select().from(commands).where(eq(commands.id, id));
  return row;
}

export interface CommandTarget {
  deliveryId: number;
  clusterId: number;
  code: string;
}

export async function listCommandTargets(db: Db, commandId: string, onlyUnpushed: boolean) {
  return rowsOf<CommandTarget>(
    await db.execute(sql`
      select d.id as "deliveryId", c.id as "clusterId", c.mqtt_username as code
      from broadcast_deliveries d join broadcast_clusters c on c.id = d.cluster_id
      where d.kind = 'command' and d.command_id = ${commandId}::uuid
        ${onlyUnpushed ? sql`and d.pushed_at is null` : sql``}
      order by c.id`),
  );
}

/**
 * After the broker may have lost what it held for offline devices (the embedded broker keeps its
 * sessions in memory), commands still in force and not yet acknowledged are marked unpushed, so
 * they go out again: all of them when the platform (re)connects, a device's own when it comes
 * online. Devices act on a command id once. A play of an alert since cancelled is not sent again.
 */
export async function requeueUnacknowledgedCommands(db: Db, deviceCode?: string) {
  const rows = rowsOf<{ id: number }>(
    await db.execute(sql`
      update broadcast_deliveries d set pushed_at = null
      from broadcast_commands m
      where m.id = d.command_id and d.kind = 'command'
        and d.pushed_at is not null and d.acknowledged_at is null
        and (m.expires_at is null or m.expires_at > now())
        and not (m.type = 'play' and m.alert_id is not null and exists (
          select 1 from broadcast_alerts a where a.id = m.alert_id and a.cancelled_at is not null))
        ${
          deviceCode === undefined
            ? sql``
            : sql`and d.cluster_id = (select id from broadcast_clusters where mqtt_username = ${deviceCode})`
        }
      returning d.id`),
  );
  return rows.length;
}

export async function listUnpushedCommandIds(db: Db, limit: number) {
  const rows = rowsOf<{ id: string }>(
    await db.execute(sql`
      select distinct d.command_id as id from broadcast_deliveries d
      join broadcast_commands m on m.id = d.command_id
      where d.kind = 'command' and d.pushed_at is null
        and (m.expires_at is null or m.expires_at > now())
      limit ${limit}`),
  );
  return rows.map((r) => r.id);
}

export async function markCommandPushed(db: Db, deliveryIds: number[], at: Date) {
  if (deliveryIds.length === 0) return;
  await db
    .update(deliveries)
    .set({ pushedAt: at, pushCount: sql`${deliveries.pushCount} + 1` })
    .where(inArray(deliveries.id, deliveryIds));
}

export async function listCommandDeliveries(db: Db, commandIds: string[]) {
  if (commandIds.length === 0) return [];
  return db
    .select({
      commandId: deliveries.commandId,
      clusterId: clusters.id,
      code: clusters.code,
      name: clusters.name,
      pushedAt: deliveries.pushedAt,
      acknowledgedAt: deliveries.acknowledgedAt,
      ackStatus: deliveries.ackStatus,
    })
    .from(deliveries)
    .innerJoin(clusters, eq(clusters.id, deliveries.clusterId))
    .where(and(eq(deliveries.kind, 'command'), inArray(deliveries.commandId, commandIds)))
    .orderBy(asc(clusters.code));
}

export async function countCommandDeliveries(db: Db, commandId: string) {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(deliveries)
    .where(and(eq(deliveries.kind, 'command'), eq(deliveries.commandId, commandId)));
  return row?.n ?? 0;
}

export async function listCommandsForAlert(db: Db, alertId: number) {
  return db.select().from(commands).where(eq(commands.alertId, alertId)).orderBy(asc(commands.issuedAt));
}
