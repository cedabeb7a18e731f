import { bigint, pgTable, smallint, text, timestamp } from 'drizzle-orm/pg-core';

export const dossierRatings = pgTable('dossier_ratings', {
  dossierId: bigint('dossier_id', { mode: 'number' }).primaryKey(),
  dossierCode: text('dossier_code').notNull(),
  unitPath: text('unit_path').notNull(),
  score: smallint('score').$type<1 | 2 | 3 | 4>().notNull(),
  comment: text('comment'),
  source: text('source').$type<'web' | 'sms'>().notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});
export type Rating = typeof dossierRatings.$inferSelect;
