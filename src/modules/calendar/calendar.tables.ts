import { bigint, integer, jsonb, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * One `YearOverride` per province and year, as a province admin entered it (days the province keeps
 * differently from the official notice). Created by migration 20261122-0200 while the dossiers module
 * held it, one set per installation; per province since 20261204-0210 (the province's path).
 */
export const calendarOverrides = pgTable(
  'calendar_overrides',
  {
    provincePath: text('province_path').notNull(),
    year: integer('year').notNull(),
    override: jsonb('override').notNull(),
    updatedBy: bigint('updated_by', { mode: 'number' }),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.provincePath, t.year] })],
);
