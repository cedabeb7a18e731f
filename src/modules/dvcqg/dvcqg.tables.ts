import { bigint, boolean, integer, jsonb, pgTable, smallint, text, timestamp } from 'drizzle-orm/pg-core';

const ts = (name: string) => timestamp(name, { withTimezone: true });

export const dvcqgPlaces = pgTable('dvcqg_places', {
  placeId: bigint('place_id', { mode: 'number' }).primaryKey(),
  placeCode: text('place_code').notNull(),
  placePath: text('place_path').notNull(),
  madonvi: text('madonvi'),
  enabled: boolean('enabled').notNull().default(false),
  updatedBy: bigint('updated_by', { mode: 'number' }),
  updatedAt: ts('updated_at').notNull().defaultNow(),
});

export const SYNC_STATES = ['pending', 'synced', 'held', 'dead'] as const;
export type SyncState = (typeof SYNC_STATES)[number];

export const dvcqgDossiers = pgTable('dvcqg_dossiers', {
  dossierId: bigint('dossier_id', { mode: 'number' }).primaryKey(),
  code: text('code').notNull(),
  procedureCode: text('procedure_code').notNull(),
  placeId: bigint('place_id', { mode: 'number' }).notNull(),
  localStep: text('local_step').notNull(),
  localStatus: smallint('local_status').notNull(),
  state: text('state').$type<SyncState>().notNull(),
  queuedThrough: bigint('queued_through', { mode: 'number' }).notNull(),
  deliveredThrough: bigint('delivered_through', { mode: 'number' }),
  portalHas: boolean('portal_has').notNull(),
  portalStatus: text('portal_status'),
  attempts: integer('attempts').notNull(),
  nextAttemptAt: ts('next_attempt_at'),
  leaseOwner: text('lease_owner'),
  leaseUntil: ts('lease_until'),
  holdReason: text('hold_reason'),
  lastError: text('last_error'),
  lastErrorAt: ts('last_error_at'),
  progressSentThrough: bigint('progress_sent_through', { mode: 'number' }),
  firstQueuedAt: ts('first_queued_at').notNull(),
  lastChangeAt: ts('last_change_at').notNull(),
  lastSuccessAt: ts('last_success_at'),
});
export type SyncDossierRow = typeof dvcqgDossiers.$inferSelect;

export const dvcqgOutbox = pgTable('dvcqg_outbox', {
  id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
  dossierId: bigint('dossier_id', { mode: 'number' }).notNull(),
  actionId: bigint('action_id', { mode: 'number' }).notNull(),
  actionType: text('action_type').notNull(),
  queuedAt: ts('queued_at').notNull(),
  deliveredAt: ts('delivered_at'),
  deliveredBy: text('delivered_by'),
  sends: smallint('sends').notNull(),
});
export type OutboxRow = typeof dvcqgOutbox.$inferSelect;

export const FAILURE_KINDS = ['unreachable', 'refused', 'held', 'dead'] as const;
export type FailureKind = (typeof FAILURE_KINDS)[number];

export const dvcqgFailures = pgTable('dvcqg_failures', {
  id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
  dossierId: bigint('dossier_id', { mode: 'number' }).notNull(),
  code: text('code').notNull(),
  at: ts('at').notNull(),
  service: text('service').notNull(),
  kind: text('kind').$type<FailureKind>().notNull(),
  errorCode: integer('error_code'),
  message: text('message').notNull(),
  attempt: integer('attempt').notNull(),
});
export type FailureRow = typeof dvcqgFailures.$inferSelect;

export const dvcqgStatusMap = pgTable('dvcqg_status_map', {
  step: text('step').notNull(),
  localStatus: smallint('local_status').notNull(),
  national: text('national').notNull(),
  updatedBy: bigint('updated_by', { mode: 'number' }),
  updatedAt: ts('updated_at').notNull().defaultNow(),
});
export type StatusMapRow = typeof dvcqgStatusMap.$inferSelect;

export const dvcqgNationalProcedures = pgTable('dvcqg_national_procedures', {
  maTthc: text('ma_tthc').primaryKey(),
  tenTthc: text('ten_tthc').notNull(),
  detail: jsonb('detail').$type<Record<string, unknown>>(),
  fetchedAt: ts('fetched_at').notNull(),
});
export type NationalProcedureRow = typeof dvcqgNationalProcedures.$inferSelect;

export const dvcqgProcedureMap = pgTable('dvcqg_procedure_map', {
  procedureCode: text('procedure_code').primaryKey(),
  maTthc: text('ma_tthc').notNull(),
  tenTthc: text('ten_tthc').notNull(),
  maLinhVuc: text('ma_linh_vuc').notNull(),
  tenLinhVuc: text('ten_linh_vuc').notNull(),
  confirmedBy: bigint('confirmed_by', { mode: 'number' }),
  confirmedAt: ts('confirmed_at').notNull(),
});
export type ProcedureMapRow = typeof dvcqgProcedureMap.$inferSelect;

export const ASPECTS = ['days', 'fees', 'documents', 'legal_basis'] as const;
export type Aspect = (typeof ASPECTS)[number];

export const dvcqgCatalogueDiffs = pgTable('dvcqg_catalogue_diffs', {
  id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
  procedureCode: text('procedure_code').notNull(),
  maTthc: text('ma_tthc').notNull(),
  aspect: text('aspect').$type<Aspect>().notNull(),
  local: jsonb('local').notNull(),
  national: jsonb('national').notNull(),
  proposed: jsonb('proposed').notNull(),
  localVersion: integer('local_version').notNull(),
  state: text('state').$type<'open' | 'accepted' | 'rejected'>().notNull(),
  foundAt: ts('found_at').notNull(),
  decidedBy: bigint('decided_by', { mode: 'number' }),
  decidedAt: ts('decided_at'),
});
export type CatalogueDiffRow = typeof dvcqgCatalogueDiffs.$inferSelect;

export const dvcqgReconciliations = pgTable('dvcqg_reconciliations', {
  id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
  placeId: bigint('place_id', { mode: 'number' }).notNull(),
  month: text('month').notNull(),
  ranAt: ts('ran_at').notNull(),
  ranBy: bigint('ran_by', { mode: 'number' }),
  portalReachable: boolean('portal_reachable').notNull(),
  here: jsonb('here').$type<Record<string, number>>().notNull(),
  portal: jsonb('portal').$type<Record<string, number> | null>(),
  differences: jsonb('differences').$type<ReconciliationDifference[]>().notNull(),
});
export type ReconciliationRow = typeof dvcqgReconciliations.$inferSelect;

export interface ReconciliationDifference {
  code: string;
  /** National status here (after the mapping), or null when never queued. */
  here: string | null;
  /** What the portal holds, or null when it has no such dossier. */
  portal: string | null;
  /** Why they differ, as far as this side knows. */
  reason: 'not_sent' | 'pending' | 'held' | 'dead' | 'missing_at_portal' | 'status_differs';
}
