import { bigint, integer, jsonb, pgTable, timestamp } from 'drizzle-orm/pg-core';

/**
 * One `YearOverride` per year, as an administrator entered it (the government's Tết days, swaps,
 * worked Saturdays). Created by migration 20261122-0200 while the dossiers module held it; the table
 * kept its name when the calendar module took it over, so no migration was needed.
 */
export const calendarOverrides = pgTable('calendar_overrides', {
  year: integer('year').primaryKey(),
  override: jsonb('override').notNull(),
  updatedBy: bigint('updated_by', { mode: 'number' }),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});
