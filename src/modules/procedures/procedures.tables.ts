import {
  bigint,
  boolean,
  doublePrecision,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
} from 'drizzle-orm/pg-core';
import type { COMPETENT_LEVELS, ONLINE_LEVELS, ProcedureDefinition } from './procedures.schemas.ts';

export const procedures = pgTable('procedures', {
  id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
  code: text('code').notNull(),
  name: text('name').notNull(),
  field: text('field').notNull(),
  onlineLevel: text('online_level').$type<(typeof ONLINE_LEVELS)[number]>().notNull(),
  days: doublePrecision('days').notNull(),
  competentLevel: text('competent_level').$type<(typeof COMPETENT_LEVELS)[number]>().notNull(),
  verified: boolean('verified').notNull().default(false),
  verifiedAt: timestamp('verified_at', { withTimezone: true }),
  verifiedBy: text('verified_by'),
  definition: jsonb('definition').$type<ProcedureDefinition>().notNull(),
  version: integer('version').notNull().default(1),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});
