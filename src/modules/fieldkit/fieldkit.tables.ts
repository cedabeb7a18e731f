import {
  bigint,
  boolean,
  customType,
  doublePrecision,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uuid,
} from 'drizzle-orm/pg-core';
import type { ChecklistItem, ConflictField, LastVisit } from './fieldkit.schemas.ts';

const ts = (name: string) => timestamp(name, { withTimezone: true });
const id = (name: string) => bigint(name, { mode: 'number' });

export const teams = pgTable('fieldkit_teams', {
  hamletId: id('hamlet_id').primaryKey(),
  hamletPath: text('hamlet_path').notNull(),
  createdAt: ts('created_at').notNull().defaultNow(),
});

export const households = pgTable('fieldkit_households', {
  id: uuid('id').primaryKey(),
  hamletId: id('hamlet_id').notNull(),
  hamletPath: text('hamlet_path').notNull(),
  headName: text('head_name'),
  members: integer('members').notNull(),
  phones: text('phones').array().notNull(),
  address: text('address').notNull(),
  lat: doublePrecision('lat'),
  lng: doublePrecision('lng'),
  consent: boolean('consent').notNull(),
  version: integer('version').notNull(),
  updateId: id('update_id').notNull(),
  needsReview: boolean('needs_review').notNull(),
  visitCount: integer('visit_count').notNull(),
  lastVisit: jsonb('last_visit').$type<LastVisit>(),
  deletedAt: ts('deleted_at'),
  deletedBy: id('deleted_by'),
  deleteReason: text('delete_reason'),
  createdAt: ts('created_at').notNull(),
  createdBy: id('created_by'),
  updatedAt: ts('updated_at').notNull(),
  updatedBy: id('updated_by'),
});

export const checklists = pgTable('fieldkit_checklists', {
  id: id('id').primaryKey().generatedAlwaysAsIdentity(),
  provinceId: id('province_id').notNull(),
  items: jsonb('items').$type<ChecklistItem[]>().notNull(),
  createdAt: ts('created_at').notNull().defaultNow(),
  createdBy: id('created_by'),
});

export const visits = pgTable('fieldkit_visits', {
  id: uuid('id').primaryKey(),
  householdId: uuid('household_id').notNull(),
  hamletId: id('hamlet_id').notNull(),
  hamletPath: text('hamlet_path').notNull(),
  memberId: id('member_id').notNull(),
  memberName: text('member_name').notNull(),
  startedAt: ts('started_at').notNull(),
  endedAt: ts('ended_at').notNull(),
  lat: doublePrecision('lat'),
  lng: doublePrecision('lng'),
  accuracyM: doublePrecision('accuracy_m'),
  checklistId: id('checklist_id').notNull(),
  answers: jsonb('answers').$type<Record<string, unknown>>().notNull(),
  smartphone: boolean('smartphone'),
  vneidAdults: integer('vneid_adults'),
  cashless: boolean('cashless'),
  publicServiceAccount: boolean('public_service_account'),
  afterDelete: boolean('after_delete').notNull(),
  receivedAt: ts('received_at').notNull().defaultNow(),
});

export const clients = pgTable('fieldkit_clients', {
  id: uuid('id').primaryKey(),
  userId: id('user_id').notNull(),
  appVersion: text('app_version').notNull(),
  createdAt: ts('created_at').notNull().defaultNow(),
  lastSeenAt: ts('last_seen_at').notNull().defaultNow(),
});

export const commands = pgTable(
  'fieldkit_commands',
  {
    clientId: uuid('client_id').notNull(),
    commandId: uuid('command_id').notNull(),
    userId: id('user_id').notNull(),
    type: text('type').notNull(),
    protocol: integer('protocol').notNull(),
    receivedAt: ts('received_at').notNull().defaultNow(),
    result: jsonb('result').$type<Record<string, unknown>>().notNull(),
  },
  (t) => [primaryKey({ columns: [t.clientId, t.commandId] })],
);

export const CONFLICT_KINDS = ['edit', 'deleted', 'visit-after-delete', 'delete-stale'] as const;
export type ConflictKind = (typeof CONFLICT_KINDS)[number];
export const RESOLUTIONS = ['server', 'client', 'restored', 'kept-deleted', 'deleted', 'noted'] as const;
export type Resolution = (typeof RESOLUTIONS)[number];

export const conflicts = pgTable('fieldkit_conflicts', {
  id: id('id').primaryKey().generatedAlwaysAsIdentity(),
  householdId: uuid('household_id').notNull(),
  hamletId: id('hamlet_id').notNull(),
  hamletPath: text('hamlet_path').notNull(),
  kind: text('kind').$type<ConflictKind>().notNull(),
  fields: jsonb('fields').$type<ConflictField[]>().notNull(),
  clientRecord: jsonb('client_record').$type<Record<string, unknown>>(),
  baseVersion: integer('base_version'),
  serverVersion: integer('server_version').notNull(),
  userId: id('user_id').notNull(),
  memberName: text('member_name').notNull(),
  clientId: uuid('client_id'),
  commandId: uuid('command_id'),
  createdAt: ts('created_at').notNull().defaultNow(),
  resolvedAt: ts('resolved_at'),
  resolvedBy: id('resolved_by'),
  resolution: text('resolution').$type<Resolution>(),
});

const bytea = customType<{ data: Buffer; driverData: Buffer | Uint8Array }>({
  dataType: () => 'bytea',
  fromDriver: (v) => Buffer.from(v),
});

export const assisted = pgTable('fieldkit_assisted', {
  id: uuid('id').primaryKey(),
  householdId: uuid('household_id').notNull(),
  hamletId: id('hamlet_id').notNull(),
  hamletPath: text('hamlet_path').notNull(),
  memberId: id('member_id').notNull(),
  memberName: text('member_name').notNull(),
  procedureCode: text('procedure_code').notNull(),
  dossierCode: text('dossier_code'),
  consentKind: text('consent_kind').$type<'otp' | 'paper'>().notNull(),
  consentFileId: uuid('consent_file_id'),
  createdAt: ts('created_at').notNull(),
  filedAt: ts('filed_at'),
});

export const consentCodes = pgTable('fieldkit_consent_codes', {
  id: id('id').primaryKey().generatedAlwaysAsIdentity(),
  phone: text('phone').notNull(),
  codeHash: text('code_hash').notNull(),
  memberId: id('member_id').notNull(),
  attempts: integer('attempts').notNull().default(0),
  expiresAt: ts('expires_at').notNull(),
  token: text('token'),
  verifiedAt: ts('verified_at'),
  usedAt: ts('used_at'),
  createdAt: ts('created_at').notNull().defaultNow(),
});

export const uploads = pgTable('fieldkit_uploads', {
  id: uuid('id').primaryKey(),
  memberId: id('member_id').notNull(),
  totalBytes: integer('total_bytes').notNull(),
  received: bytea('received').notNull(),
  fileId: uuid('file_id'),
  createdAt: ts('created_at').notNull().defaultNow(),
});
