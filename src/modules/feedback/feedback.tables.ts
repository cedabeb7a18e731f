import {
  bigint,
  boolean,
  integer,
  jsonb,
  numeric,
  pgTable,
  text,
  timestamp,
  uuid,
} from 'drizzle-orm/pg-core';
import type { Role } from '#platform/auth/actor.ts';
import type { ActionType, ActorKind, HandlingLevel, Status } from './feedback.workflow.ts';

const ts = (name: string) => timestamp(name, { withTimezone: true });
const id = () => bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity();
const ref = (name: string) => bigint(name, { mode: 'number' });

export const feedbackCategories = pgTable('feedback_categories', {
  id: id(),
  code: text('code').notNull(),
  nameVi: text('name_vi').notNull(),
  nameEn: text('name_en'),
  descriptionVi: text('description_vi'),
  descriptionEn: text('description_en'),
  keywords: text('keywords'),
  handlerRole: text('handler_role').$type<Role>().notNull(),
  handlerLevel: text('handler_level').$type<HandlingLevel>().notNull(),
  /** The answer's working days (the handling deadline); the other stages' below (decision 023). */
  deadlineDays: integer('deadline_days').notNull(),
  acceptDays: integer('accept_days').notNull().default(2),
  infoDays: integer('info_days').notNull().default(5),
  publishDays: integer('publish_days').notNull().default(2),
  active: boolean('active').notNull(),
  sortOrder: integer('sort_order').notNull(),
  createdAt: ts('created_at').notNull().defaultNow(),
  updatedAt: ts('updated_at').notNull().defaultNow(),
});

export const feedbackApiKeys = pgTable('feedback_api_keys', {
  id: id(),
  name: text('name').notNull(),
  keyPrefix: text('key_prefix').notNull(),
  keyHash: text('key_hash').notNull(),
  placeId: ref('place_id').notNull(),
  placePath: text('place_path').notNull(),
  requestsPerMinute: integer('requests_per_minute').notNull(),
  createdBy: ref('created_by'),
  createdAt: ts('created_at').notNull().defaultNow(),
  lastUsedAt: ts('last_used_at'),
  revokedAt: ts('revoked_at'),
});

export const feedbackCounters = pgTable('feedback_counters', {
  day: text('day').primaryKey(),
  last: integer('last').notNull(),
});

export const feedbackReports = pgTable('feedback_reports', {
  id: id(),
  serviceRequestId: text('service_request_id').notNull(),
  token: text('token').notNull(),
  idempotencyKey: text('idempotency_key'),
  categoryId: ref('category_id').notNull(),
  placeId: ref('place_id').notNull(),
  placePath: text('place_path').notNull(),
  communeId: ref('commune_id').notNull(),
  communePath: text('commune_path').notNull(),
  landmark: text('landmark'),
  lat: numeric('lat', { mode: 'number' }),
  long: numeric('long', { mode: 'number' }),
  description: text('description').notNull(),
  mediaUrl: text('media_url'),
  contactName: text('contact_name'),
  contactPhone: text('contact_phone'),
  contactEmail: text('contact_email'),
  channel: text('channel').$type<'web' | 'counter' | 'open311'>().notNull(),
  citizenId: ref('citizen_id'),
  filedByUserId: ref('filed_by_user_id'),
  apiKeyId: ref('api_key_id'),
  handlerRole: text('handler_role').$type<Role>().notNull(),
  handlingLevel: text('handling_level').$type<HandlingLevel>().notNull(),
  handlingPlaceId: ref('handling_place_id').notNull(),
  handlingPlacePath: text('handling_place_path').notNull(),
  dueAt: ts('due_at').notNull(),
  status: text('status').$type<Status>().notNull(),
  assigneeUserId: ref('assignee_user_id'),
  assigneeLabel: text('assignee_label'),
  publicReply: text('public_reply'),
  answeredAt: ts('answered_at'),
  publishedAt: ts('published_at'),
  publicDescription: text('public_description'),
  publicPhotos: boolean('public_photos').notNull(),
  mergedIntoId: ref('merged_into_id'),
  rating: integer('rating'),
  closedAt: ts('closed_at'),
  // Each stage's clock and when it was done (decision 023; the migration says what each means).
  acceptDueAt: ts('accept_due_at'),
  acceptLateAt: ts('accept_late_at'),
  acceptDoneAt: ts('accept_done_at'),
  refusedAt: ts('refused_at'),
  infoDueAt: ts('info_due_at'),
  infoLateAt: ts('info_late_at'),
  infoDoneAt: ts('info_done_at'),
  answerDueAt: ts('answer_due_at'),
  answerLateAt: ts('answer_late_at'),
  answerDoneAt: ts('answer_done_at'),
  publishDueAt: ts('publish_due_at'),
  publishLateAt: ts('publish_late_at'),
  nextDueAt: ts('next_due_at'),
  escalatedAt: ts('escalated_at'),
  complaints: integer('complaints').notNull(),
  createdAt: ts('created_at').notNull().defaultNow(),
  updatedAt: ts('updated_at').notNull().defaultNow(),
  /** The dossier a complaint is about (migration 20261205-1101); set only by its applicant. */
  dossierCode: text('dossier_code'),
});

export const feedbackPhotos = pgTable('feedback_photos', {
  id: id(),
  reportId: ref('report_id').notNull(),
  fileId: uuid('file_id').notNull(),
  width: integer('width').notNull(),
  height: integer('height').notNull(),
  sourceSha256: text('source_sha256').notNull(),
  addedBy: text('added_by').$type<'reporter' | 'staff' | 'open311'>().notNull(),
  createdAt: ts('created_at').notNull().defaultNow(),
});

export const feedbackActions = pgTable('feedback_actions', {
  id: id(),
  reportId: ref('report_id').notNull(),
  // The column keeps its first name; in TypeScript every workflow calls it `type` (ACTION_TYPES).
  type: text('kind').$type<ActionType>().notNull(),
  at: ts('at').notNull().defaultNow(),
  actorKind: text('actor_kind').$type<ActorKind>().notNull(),
  actorUserId: ref('actor_user_id'),
  actorLabel: text('actor_label').notNull(),
  body: text('body'),
  details: jsonb('details').$type<Record<string, unknown>>().notNull().default({}),
});

export const feedbackNotifyContacts = pgTable('feedback_notify_contacts', {
  id: id(),
  placeId: ref('place_id').notNull(),
  placePath: text('place_path').notNull(),
  channel: text('channel').$type<'sms' | 'email'>().notNull(),
  recipient: text('recipient').notNull(),
  createdAt: ts('created_at').notNull().defaultNow(),
});
