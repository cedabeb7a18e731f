import {
  bigint,
  boolean,
  date,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  smallint,
  text,
  timestamp,
  uuid,
} from 'drizzle-orm/pg-core';
import type { ActionPayload, ActionType, NationalStatus, Step } from './dossiers.workflow.ts';

const ts = (name: string) => timestamp(name, { withTimezone: true });

export const dossiers = pgTable('dossiers', {
  id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
  code: text('code').notNull(),
  agencyCode: text('agency_code').notNull(),
  procedureCode: text('procedure_code').notNull(),
  procedureVersion: text('procedure_version').notNull(),
  procedureName: text('procedure_name').notNull(),
  applicantName: text('applicant_name').notNull(),
  applicantIdNumber: text('applicant_id_number'),
  applicantPhone: text('applicant_phone').notNull(),
  applicantAddress: text('applicant_address'),
  applicantEmail: text('applicant_email'),
  citizenId: bigint('citizen_id', { mode: 'number' }),
  formData: jsonb('form_data').$type<Record<string, unknown>>().notNull(),
  channel: smallint('channel').$type<1 | 2 | 3>().notNull(),
  unitId: bigint('unit_id', { mode: 'number' }).notNull(),
  unitPath: text('unit_path').notNull(),
  receivedPlaceId: bigint('received_place_id', { mode: 'number' }),
  helpedPlaceId: bigint('helped_place_id', { mode: 'number' }),
  helpedBy: bigint('helped_by', { mode: 'number' }),
  /** Filed for the applicant by a community digital team member (fieldkit, migration 20261205-1204). */
  assisted: boolean('assisted').notNull().default(false),
  submittedAt: ts('submitted_at').notNull(),
  validReceivedAt: ts('valid_received_at'),
  dueAt: ts('due_at'),
  decidedAt: ts('decided_at'),
  finishedAt: ts('finished_at'),
  status: smallint('status').$type<NationalStatus>().notNull(),
  step: text('step').$type<Step>().notNull(),
  assigneeId: bigint('assignee_id', { mode: 'number' }),
  decision: text('decision').$type<'approved' | 'rejected'>(),
  overdueAt: ts('overdue_at'),
  /** Supplement requests after receipt (migration 20261204-0211): the on-time rules allow one. */
  supplementRequests: smallint('supplement_requests').notNull().default(0),
  lastActionId: bigint('last_action_id', { mode: 'number' }),
  idempotencyKey: text('idempotency_key'),
  createdAt: ts('created_at').notNull().defaultNow(),
  updatedAt: ts('updated_at').notNull().defaultNow(),
});

export const dossierActions = pgTable('dossier_actions', {
  id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
  dossierId: bigint('dossier_id', { mode: 'number' }).notNull(),
  type: text('type').$type<ActionType>().notNull(),
  at: ts('at').notNull(),
  actorKind: text('actor_kind').$type<'staff' | 'citizen' | 'applicant' | 'system'>().notNull(),
  actorUserId: bigint('actor_user_id', { mode: 'number' }),
  actorCitizenId: bigint('actor_citizen_id', { mode: 'number' }),
  actorName: text('actor_name').notNull(),
  unitId: bigint('unit_id', { mode: 'number' }).notNull(),
  note: text('note'),
  payload: jsonb('payload').$type<StoredPayload>().notNull(),
  statusAfter: smallint('status_after').$type<NationalStatus>().notNull(),
});

/** The workflow payload plus what the pages show (names are copied: the log must read alone). */
export interface StoredPayload extends ActionPayload {
  assigneeName?: string;
  unitName?: string;
  channel?: 1 | 2 | 3;
  /** receive, supplement_received: the due time announced to the applicant then. */
  dueAt?: string;
  /** payment_received: cash at the desk or a bank transfer. */
  method?: 'cash' | 'transfer';
  /** result_ready: the result was signed and issued here, for the applicant to download. */
  delivery?: 'online';
  /** A supplement or submission: the files it brought, by required-document id. */
  files?: { documentId: string; fileId: string; name: string }[];
}

export const dossierFiles = pgTable('dossier_files', {
  id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
  dossierId: bigint('dossier_id', { mode: 'number' }).notNull(),
  fileId: uuid('file_id').notNull(),
  documentId: text('document_id').notNull(),
  actionId: bigint('action_id', { mode: 'number' }),
  createdAt: ts('created_at').notNull().defaultNow(),
});

export const dossierProcedureVersions = pgTable(
  'dossier_procedure_versions',
  {
    procedureCode: text('procedure_code').notNull(),
    version: text('version').notNull(),
    definition: jsonb('definition').notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.procedureCode, t.version] })],
);

export const dossierAgencyCodes = pgTable('dossier_agency_codes', {
  placeId: bigint('place_id', { mode: 'number' }).primaryKey(),
  agencyCode: text('agency_code').notNull(),
  updatedBy: bigint('updated_by', { mode: 'number' }),
  updatedAt: ts('updated_at').notNull().defaultNow(),
});

/** Per-unit one-stop settings (migration 20261204-0212): the at-risk window before the due time. */
export const dossierUnitSettings = pgTable('dossier_unit_settings', {
  placeId: bigint('place_id', { mode: 'number' }).primaryKey(),
  atRiskDays: smallint('at_risk_days').notNull().default(1),
  updatedBy: bigint('updated_by', { mode: 'number' }),
  updatedAt: ts('updated_at').notNull().defaultNow(),
});

export const dossierSequences = pgTable(
  'dossier_sequences',
  {
    agencyCode: text('agency_code').notNull(),
    day: date('day').notNull(),
    lastValue: integer('last_value').notNull(),
  },
  (t) => [primaryKey({ columns: [t.agencyCode, t.day] })],
);

export const dossierSmsTemplates = pgTable('dossier_sms_templates', {
  key: text('key').primaryKey(),
  body: text('body').notNull(),
  plain: boolean('plain').notNull().default(false),
  updatedBy: bigint('updated_by', { mode: 'number' }),
  updatedAt: ts('updated_at').notNull().defaultNow(),
});

export type DossierRow = typeof dossiers.$inferSelect;
export type ActionRow = typeof dossierActions.$inferSelect;
