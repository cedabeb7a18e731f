import { bigint, boolean, date, doublePrecision, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

export const places = pgTable('places', {
  id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
  code: text('code').notNull(),
  level: text('level').$type<PlaceLevel>().notNull(),
  type: text('type').notNull(),
  name: text('name').notNull(),
  fullName: text('full_name').notNull(),
  nameEn: text('name_en'),
  parentId: bigint('parent_id', { mode: 'number' }),
  path: text('path').notNull(),
  validFrom: date('valid_from'),
  validTo: date('valid_to'),
  /** Optional centre point (WGS 84), both or neither. */
  centreLat: doublePrecision('centre_lat'),
  centreLng: doublePrecision('centre_lng'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

export const placeChanges = pgTable('place_changes', {
  id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
  placeId: bigint('place_id', { mode: 'number' }).notNull(),
  field: text('field').notNull(),
  oldValue: text('old_value'),
  newValue: text('new_value'),
  effectiveDate: date('effective_date').notNull(),
  legalBasis: text('legal_basis'),
});

export const placeSuccessions = pgTable('place_successions', {
  id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
  fromPlaceId: bigint('from_place_id', { mode: 'number' }).notNull(),
  toPlaceId: bigint('to_place_id', { mode: 'number' }).notNull(),
  effectiveDate: date('effective_date').notNull(),
  split: boolean('split').notNull().default(false),
  note: text('note'),
});

export const PLACE_LEVELS = ['country', 'province', 'district', 'commune', 'village'] as const;
export type PlaceLevel = (typeof PLACE_LEVELS)[number];
