import { and, asc, desc, eq, inArray, isNull, like, or, sql } from 'drizzle-orm';
import type { Db } from '#platform/db/client.ts';
import { alertAreas, alerts } from './broadcast.tables.ts';

/** CAP alerts as published, and the places they target. */

export type AlertRow = typeof alerts.$inferSelect;
export async function insertAlert(
  db: Db,
  values: typeof alerts.$inferInsert,
  areas: { placeId: number; placeCode: string; placePath: string; areaDesc: string }[],
) {
  const [row] = await db.insert(alerts).values(values).returning();
  const alert = row as AlertRow;
  if (areas.length) await db.insert(alertAreas).values(areas.map((a) => ({ ...a, alertId: alert.id })));
  return alert;
}

export async function findAlertByKey(db: Db, sender: string, identifier: string, sent: Date) {
  const [row] = await db
    .select()
    .from(alerts)
    .where(
      and(
        eq(alerts.sender, sender),
        eq(alerts.identifier, identifier),
        sql`${alerts.sent} = ${sent.toISOString()}::timestamptz`,
      ),
    );
  return row;
}

export async function findAlertsBySenderIdentifier(db: Db, pairs: { sender: string; identifier: string }[]) {
  if (pairs.length === 0) return [];
  return db
    .select()
    .from(alerts)
    .where(or(...pairs.map((p) => and(eq(alerts.sender, p.sender), eq(alerts.identifier, p.identifier)))));
}

export async function findAlertById(db: Db, id: number) {
  const [row] = await db.select().from(alerts).where(eq(alerts.id, id));
  return row;
}

export async function findAlertByBulletin(db: Db, bulletinId: number) {
  const [row] = await db.select().from(alerts).where(eq(alerts.bulletinId, bulletinId)).limit(1);
  return row;
}

export async function cancelAlerts(db: Db, ids: number[], at: Date) {
  if (ids.length === 0) return;
  await db
    .update(alerts)
    .set({ cancelledAt: at })
    .where(and(inArray(alerts.id, ids), isNull(alerts.cancelledAt)));
}

export async function listAlertAreas(db: Db, alertId: number) {
  return db
    .select()
    .from(alertAreas)
    .where(eq(alertAreas.alertId, alertId))
    .orderBy(asc(alertAreas.placeCode));
}

/** Alerts in force: actual, not cancelled, not expired. */
export async function listActiveAlerts(db: Db, now: Date, scope?: string[]) {
  return db
    .select()
    .from(alerts)
    .where(
      and(
        eq(alerts.status, 'Actual'),
        inArray(alerts.msgType, ['Alert', 'Update']),
        isNull(alerts.cancelledAt),
        sql`(${alerts.expiresAt} is null or ${alerts.expiresAt} > ${now.toISOString()}::timestamptz)`,
        scope
          ? sql`exists (select 1 from broadcast_alert_areas where broadcast_alert_areas.alert_id = ${alerts.id}
                and (${or(...scope.map((path) => like(alertAreas.placePath, `${path}%`)))}))`
          : undefined,
      ),
    )
    .orderBy(desc(alerts.sent));
}

export async function listAlertsForCommune(db: Db, communePath: string, limit = 20) {
  return db
    .selectDistinct({ alert: alerts })
    .from(alerts)
    .innerJoin(alertAreas, eq(alertAreas.alertId, alerts.id))
    .where(
      or(
        like(alertAreas.placePath, `${communePath}%`),
        sql`${communePath} like ${alertAreas.placePath} || '%'`,
      ),
    )
    .orderBy(desc(alerts.sent))
    .limit(limit);
}

/** The alert row, locked for the rest of the transaction (one confirmation of its places wins). */
export async function lockAlert(db: Db, id: number) {
  const [row] = await db.select().from(alerts).where(eq(alerts.id, id)).for('update');
  return row;
}

export async function insertAlertAreas(
  db: Db,
  alertId: number,
  areas: { placeId: number; placeCode: string; placePath: string; areaDesc: string }[],
) {
  if (areas.length) await db.insert(alertAreas).values(areas.map((a) => ({ ...a, alertId })));
}

export async function markPlacesChosen(
  db: Db,
  id: number,
  o: { bulletinId: number | null; by: number; at: Date },
) {
  await db
    .update(alerts)
    .set({ bulletinId: o.bulletinId, placesChosenBy: o.by, placesChosenAt: o.at })
    .where(eq(alerts.id, id));
}
