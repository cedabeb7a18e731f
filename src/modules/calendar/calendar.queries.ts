import { and, asc, eq, sql } from 'drizzle-orm';
import type { Db } from '#platform/db/client.ts';
import { calendarOverrides } from './calendar.tables.ts';

export async function listOverrides(db: Db, provincePath: string) {
  return db
    .select()
    .from(calendarOverrides)
    .where(eq(calendarOverrides.provincePath, provincePath))
    .orderBy(asc(calendarOverrides.year));
}

export async function upsertOverride(
  db: Db,
  provincePath: string,
  year: number,
  override: unknown,
  userId: number,
) {
  await db
    .insert(calendarOverrides)
    .values({ provincePath, year, override, updatedBy: userId })
    .onConflictDoUpdate({
      target: [calendarOverrides.provincePath, calendarOverrides.year],
      set: { override, updatedBy: userId, updatedAt: sql`now()` },
    });
}

export async function deleteOverride(db: Db, provincePath: string, year: number) {
  await db
    .delete(calendarOverrides)
    .where(and(eq(calendarOverrides.provincePath, provincePath), eq(calendarOverrides.year, year)));
}
