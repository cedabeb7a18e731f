import { bigint, boolean, integer, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import type { Moment } from './fees.ts';

const ts = (name: string) => timestamp(name, { withTimezone: true });

export const paymentDues = pgTable('payment_dues', {
  id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
  dossierId: bigint('dossier_id', { mode: 'number' }).notNull(),
  dossierCode: text('dossier_code').notNull(),
  unitPath: text('unit_path').notNull(),
  feeId: text('fee_id').notNull(),
  feeName: text('fee_name').notNull(),
  moment: text('moment').$type<Moment>().notNull(),
  quantity: integer('quantity').notNull(),
  amount: bigint('amount', { mode: 'number' }).notNull(),
  status: text('status').$type<'due' | 'paid' | 'waived'>().notNull(),
  dueAt: ts('due_at').notNull(),
  paidAt: ts('paid_at'),
  method: text('method').$type<'cash' | 'transfer'>(),
  reference: text('reference'),
  confirmedBy: bigint('confirmed_by', { mode: 'number' }),
  statementLineId: bigint('statement_line_id', { mode: 'number' }),
  receiptId: uuid('receipt_id'),
  createdAt: ts('created_at').notNull().defaultNow(),
});
export type Due = typeof paymentDues.$inferSelect;

export const bankStatements = pgTable('bank_statements', {
  id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
  fileName: text('file_name').notNull(),
  importedBy: bigint('imported_by', { mode: 'number' }).notNull(),
  importedAt: ts('imported_at').notNull().defaultNow(),
  lineCount: integer('line_count').notNull(),
  matchedCount: integer('matched_count').notNull(),
});

export const LINE_OUTCOMES = ['matched', 'no_code', 'no_due', 'amount_mismatch', 'duplicate'] as const;
export type LineOutcome = (typeof LINE_OUTCOMES)[number];

export const bankStatementLines = pgTable('bank_statement_lines', {
  id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
  statementId: bigint('statement_id', { mode: 'number' }).notNull(),
  lineNo: integer('line_no').notNull(),
  bookedAt: ts('booked_at'),
  amount: bigint('amount', { mode: 'number' }).notNull(),
  description: text('description').notNull(),
  reference: text('reference'),
  dossierCode: text('dossier_code'),
  outcome: text('outcome').$type<LineOutcome>().notNull(),
});

/** The account a place collects fees into; a place without one uses its nearest ancestor's. */
export const paymentAccounts = pgTable('payment_accounts', {
  placeId: bigint('place_id', { mode: 'number' }).primaryKey(),
  bankBin: text('bank_bin').notNull(),
  accountNumber: text('account_number').notNull(),
  accountName: text('account_name').notNull(),
  updatedBy: bigint('updated_by', { mode: 'number' }),
  updatedAt: ts('updated_at').notNull().defaultNow(),
});
export type PaymentAccountRow = typeof paymentAccounts.$inferSelect;

/** A receipt series a place declared to its tax office; numbers come from `nextNumber`. */
export const receiptSeries = pgTable('receipt_series', {
  id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
  placeId: bigint('place_id', { mode: 'number' }).notNull(),
  templateCode: text('template_code').notNull(),
  series: text('series').notNull(),
  taxCode: text('tax_code').notNull(),
  unitName: text('unit_name').notNull(),
  firstNumber: integer('first_number').notNull(),
  nextNumber: integer('next_number').notNull(),
  active: boolean('active').notNull().default(true),
  updatedBy: bigint('updated_by', { mode: 'number' }),
  updatedAt: ts('updated_at').notNull().defaultNow(),
});
export type ReceiptSeriesRow = typeof receiptSeries.$inferSelect;

/** One receipt per payment; its fees point to it (`payment_dues.receipt_id`). */
export const feeReceipts = pgTable('fee_receipts', {
  id: uuid('id').primaryKey(),
  dossierId: bigint('dossier_id', { mode: 'number' }).notNull(),
  dossierCode: text('dossier_code').notNull(),
  placeId: bigint('place_id', { mode: 'number' }).notNull(),
  seriesId: bigint('series_id', { mode: 'number' }),
  templateCode: text('template_code'),
  series: text('series'),
  number: integer('number'),
  taxCode: text('tax_code'),
  unitName: text('unit_name').notNull(),
  payerName: text('payer_name').notNull(),
  payerAddress: text('payer_address'),
  total: bigint('total', { mode: 'number' }).notNull(),
  method: text('method').$type<'cash' | 'transfer'>().notNull(),
  issuedAt: ts('issued_at').notNull(),
  createdAt: ts('created_at').notNull().defaultNow(),
});
export type FeeReceipt = typeof feeReceipts.$inferSelect;
