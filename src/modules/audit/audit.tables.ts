import { bigint, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

export const auditLog = pgTable('audit_log', {
  id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
  at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
  actorUserId: bigint('actor_user_id', { mode: 'number' }),
  actorCitizenId: bigint('actor_citizen_id', { mode: 'number' }),
  actorLabel: text('actor_label').notNull(),
  /** The staff member's display name (or the citizen's name) at the time; null before 20261205-0301. */
  actorName: text('actor_name'),
  action: text('action').notNull(),
  targetType: text('target_type'),
  targetId: text('target_id'),
  placeId: bigint('place_id', { mode: 'number' }),
  placePath: text('place_path'),
  ip: text('ip'),
  userAgent: text('user_agent'),
  details: jsonb('details').$type<Record<string, unknown>>().notNull().default({}),
});
