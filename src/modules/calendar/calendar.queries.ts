import { asc, eq, sql } from 'drizzle-orm';
import type { Db } from '#platform/db/client.ts';
import { calendarOverrides } from './calendar.tables.ts';

export async function listOverrides(db: Db) {
  return db.select().from(calendarOverrides).orderBy(asc(calendarOverrides.year));
}

export async function upsertOverride(db: Db, year: number, override: unknown, userId: number) {
  await db
    .insert(calendarOverrides)
    .values({ year, override, updatedBy: userId })
    .onConflictDoUpdate({
      target: calendarOverrides.year,
      set: { override, updatedBy: userId, updatedAt: sql`now()` },
    });
}

export async function deleteOverride(db: Db, year: number) {
  await db.delete(calendarOverrides).where(eq(calendarOverrides.year, year));
}
