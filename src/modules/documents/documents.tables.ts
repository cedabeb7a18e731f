import {
  bigint,
  boolean,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uuid,
} from 'drizzle-orm/pg-core';
import type { ResultTemplate } from './forms/types.ts';

const ts = (name: string) => timestamp(name, { withTimezone: true });

export const ISSUED_KINDS = ['result', 'apology', 'payment_receipt'] as const;
export type IssuedKind = (typeof ISSUED_KINDS)[number];

export const issuedDocuments = pgTable('issued_documents', {
  id: uuid('id').primaryKey(),
  dossierId: bigint('dossier_id', { mode: 'number' }).notNull(),
  dossierCode: text('dossier_code').notNull(),
  kind: text('kind').$type<IssuedKind>().notNull(),
  number: text('number'),
  fileId: uuid('file_id').notNull(),
  sha256: text('sha256').notNull(),
  signed: boolean('signed').notNull().default(false),
  signerName: text('signer_name'),
  signerUserId: bigint('signer_user_id', { mode: 'number' }),
  certificateSubject: text('certificate_subject'),
  certificateFingerprint: text('certificate_fingerprint'),
  signedAt: ts('signed_at'),
  createdBy: bigint('created_by', { mode: 'number' }),
  createdAt: ts('created_at').notNull().defaultNow(),
  revokedAt: ts('revoked_at'),
});
export type IssuedDocument = typeof issuedDocuments.$inferSelect;

export const documentSequences = pgTable(
  'document_sequences',
  {
    placeId: bigint('place_id', { mode: 'number' }).notNull(),
    kind: text('kind').notNull(),
    year: integer('year').notNull(),
    lastValue: integer('last_value').notNull(),
  },
  (t) => [primaryKey({ columns: [t.placeId, t.kind, t.year] })],
);

export const resultTemplates = pgTable('result_templates', {
  procedureCode: text('procedure_code').primaryKey(),
  template: jsonb('template').$type<ResultTemplate>().notNull(),
  updatedBy: bigint('updated_by', { mode: 'number' }),
  updatedAt: ts('updated_at').notNull().defaultNow(),
});
