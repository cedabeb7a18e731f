import { parse as parseCsv } from 'csv-parse/sync';
import { recordAudit } from '#modules/audit/index.ts';
import type { FeeLine } from '#modules/documents/index.ts';
import {
  announceChange,
  type DossierChange,
  type DossierRecord,
  getDossierRecord,
  syncPaymentMark,
} from '#modules/dossiers/index.ts';
import { requireStaff, scopeOf } from '#platform/auth/actor.ts';
import type { Ctx } from '#platform/context.ts';
import type { Db, SqlRunner } from '#platform/db/client.ts';
import { Forbidden, Invalid } from '#platform/errors.ts';
import { feesDue, type Moment } from './fees.ts';
import { amountInFigures, amountInWords } from './money.ts';
import { accountFor } from './payments.accounts.service.ts';
import * as q from './payments.queries.ts';
import { issueReceipt } from './payments.receipts.ts';
import type { Due, LineOutcome } from './payments.tables.ts';
import { type BankAccount, compact, descriptionNames, qrSvg, vietQrPayload } from './vietqr.ts';

export interface PaymentsDeps {
  /**
   * The installation's account from config: the fallback for a dossier whose unit and ancestors
   * have set none (`payment_accounts`); undefined and none set: only cash at the counter.
   */
  account: BankAccount | undefined;
  /** The site's address, for the tracking link in the "payment required" message. */
  publicUrl: string;
}

const owedBy = (dossierId: number) => (tx: Db) => q.totals(tx, dossierId);

// ---------------------------------------------------------------------------------------------
// Dues: created when the dossier reaches the moment its procedure says

/** The moments a dossier has reached, with when. */
export function momentsReached(d: DossierRecord): { moment: Moment; at: Date }[] {
  const out: { moment: Moment; at: Date }[] = [];
  if (d.validReceivedAt && d.status !== 3) out.push({ moment: 'receipt', at: d.validReceivedAt });
  const receivedAt = d.validReceivedAt?.getTime() ?? Number.POSITIVE_INFINITY;
  const supplement = d.actions.find((a) => a.type === 'supplement_received' && a.at.getTime() >= receivedAt);
  if (supplement) out.push({ moment: 'supplement', at: supplement.at });
  if (d.decision === 'approved' && d.decidedAt) out.push({ moment: 'return', at: d.decidedAt });
  return out;
}

/**
 * Write the fees the dossier owes by now (idempotent: one row per fee and moment), and in the same
 * transaction the dossier's payment mark (national status 6 while a fee is unpaid, through the
 * dossiers module's `syncPaymentMark`). Called when the dossier's status changes and whenever its
 * fees are shown, so a missed event heals itself.
 */
export async function syncDues(
  ctx: Pick<Ctx, 'db' | 'clock' | 'events'>,
  deps: Pick<PaymentsDeps, 'publicUrl'>,
  d: DossierRecord,
): Promise<void> {
  const rows = momentsReached(d).flatMap(({ moment, at }) =>
    feesDue(d.procedure, d.formData, d.channel, moment).map((l) => ({
      dossierId: d.id,
      dossierCode: d.code,
      unitPath: d.unitPath,
      feeId: l.feeId,
      feeName: l.name,
      moment,
      quantity: l.quantity,
      amount: l.amount,
      status: 'due' as const,
      dueAt: at,
    })),
  );
  // Dues only ever come from moments reached: with none owed now and no mark, none exist.
  if (rows.length === 0 && d.payment === null) return;
  const change = await ctx.db.transaction(async (tx) => {
    const added = await q.insertDues(tx, rows);
    // Without new fees and with the mark already matching what is owed, nothing to lock.
    const { unpaid } = await q.totals(tx, d.id);
    if (added === 0 && unpaid > 0 === (d.payment !== null)) return null;
    return syncPaymentMark(tx, ctx, deps, d.code, owedBy(d.id));
  });
  await announceChange(ctx, change);
}

/** `syncDues`, then the dossier's dues as they stand. */
export async function ensureDues(
  ctx: Pick<Ctx, 'db' | 'clock' | 'events'>,
  deps: Pick<PaymentsDeps, 'publicUrl'>,
  d: DossierRecord,
): Promise<Due[]> {
  await syncDues(ctx, deps, d);
  return q.listDues(ctx.db, d.id);
}

/** The fee lines form 01 prints: those due at receipt, paid or not. */
export async function feeLinesFor(sql: SqlRunner, dossierId: number): Promise<FeeLine[]> {
  const rows = await sql.query<{ fee_name: string; amount: number; status: string }>(
    "select fee_name, amount, status from payment_dues where dossier_id = $1 and moment = 'receipt' order by id",
    [dossierId],
  );
  return rows.map((r) => ({ name: r.fee_name, amount: Number(r.amount), paid: r.status === 'paid' }));
}

export interface FeeView {
  dues: Due[];
  unpaid: number;
  paid: number;
  /** What the citizen pays now, in figures and in words. */
  figures: string;
  words: string;
  /** The VietQR for the unpaid total, into the unit's account (or the nearest one above it). */
  qr: { payload: string; svg: string; account: BankAccount } | null;
}

export async function feeView(ctx: Ctx, deps: PaymentsDeps, d: DossierRecord): Promise<FeeView> {
  const dues = await ensureDues(ctx, deps, d);
  const unpaid = dues.filter((x) => x.status === 'due').reduce((s, x) => s + x.amount, 0);
  const paid = dues.filter((x) => x.status === 'paid').reduce((s, x) => s + x.amount, 0);
  let qr: FeeView['qr'] = null;
  const to = unpaid > 0 ? await accountFor(ctx.db, deps.account, d.unitPath) : undefined;
  if (to) {
    const payload = vietQrPayload(to.account, unpaid, d.code);
    qr = { payload, svg: await qrSvg(payload), account: to.account };
  }
  return { dues, unpaid, paid, figures: amountInFigures(unpaid), words: amountInWords(unpaid), qr };
}

// ---------------------------------------------------------------------------------------------
// Confirming payments

function requireDesk(ctx: Ctx, unitPath: string) {
  const staff = requireStaff(ctx.actor);
  const ok = staff.grants.some(
    (g) => (g.role === 'receptionist' || g.role === 'admin') && unitPath.startsWith(g.placePath),
  );
  if (!ok) throw new Forbidden();
  return staff;
}

/** The desk records fees paid in cash (or a transfer it checked itself) for one dossier. */
export async function confirmPayment(
  ctx: Ctx,
  deps: Pick<PaymentsDeps, 'publicUrl'>,
  code: string,
  input: { dueIds: number[]; method: 'cash' | 'transfer'; reference?: string | undefined },
) {
  const d = await getDossierRecord(ctx.db, { code });
  const staff = requireDesk(ctx, d.unitPath);
  const dues = (await q.listDuesByIds(ctx.db, input.dueIds)).filter((x) => x.dossierId === d.id);
  if (dues.length === 0) {
    throw new Invalid([{ field: 'dueIds', vi: 'Chọn khoản phí đã thu.', en: 'Choose the fees collected.' }]);
  }
  const { paid, change } = await ctx.db.transaction(async (tx) => {
    const at = ctx.clock.now();
    const rows = await q.markPaid(
      tx,
      dues.map((x) => x.id),
      {
        method: input.method,
        reference: input.reference?.trim() || null,
        by: staff.userId,
        at,
      },
    );
    // The receipt and its number belong to this payment: they commit or roll back with it.
    const receipt = await issueReceipt(tx, d, rows, { method: input.method, at });
    await recordAudit(tx, ctx.actor, ctx.meta, {
      action: 'payments.confirm',
      targetType: 'dossier',
      targetId: d.code,
      details: {
        dues: rows.map((r) => ({ id: r.id, amount: r.amount })),
        method: input.method,
        reference: input.reference ?? null,
        receipt: receipt ? { id: receipt.id, series: receipt.series, number: receipt.number } : null,
      },
    });
    // Everything paid: the dossier leaves status 6, in this same transaction.
    const change = rows.length
      ? await syncPaymentMark(tx, ctx, deps, d.code, owedBy(d.id), { method: input.method })
      : null;
    return { paid: rows, change };
  });
  await announceChange(ctx, change);
  if (paid.length)
    await ctx.events.emit('payments.paid', { dossierId: d.id, code: d.code, dueIds: paid.map((p) => p.id) });
  return paid;
}

// ---------------------------------------------------------------------------------------------
// Bank statements

export interface StatementLine {
  lineNo: number;
  bookedAt: Date | null;
  amount: number;
  description: string;
  reference: string | null;
}

const HEADERS: Record<'date' | 'amount' | 'description' | 'reference', string[]> = {
  date: ['ngay', 'ngay giao dich', 'ngay gd', 'ngay hach toan', 'date', 'transaction date', 'thoi gian'],
  amount: ['so tien', 'so tien ghi co', 'ghi co', 'co', 'phat sinh co', 'credit', 'amount', 'so tien (vnd)'],
  description: [
    'noi dung',
    'dien giai',
    'mo ta',
    'noi dung giao dich',
    'description',
    'narrative',
    'details',
  ],
  reference: [
    'so tham chieu',
    'ma giao dich',
    'so giao dich',
    'so ct',
    'reference',
    'ref',
    'transaction id',
    'ma gd',
  ],
};

function headerKey(h: string) {
  return h
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[đĐ]/g, 'd')
    .toLowerCase()
    .replace(/[^a-z0-9() ]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** "25.000", "25,000", "25000 VND", "+25.000,00" → 25000; debits (negative) → negative. */
export function parseAmount(raw: string): number | undefined {
  let s = raw.replace(/[^\d.,-]/g, '');
  if (!s) return undefined;
  const negative = s.startsWith('-');
  s = s.replace(/-/g, '');
  // A trailing ",00" or ".00" is minor units; the other separators group thousands.
  s = s.replace(/[.,]\d{1,2}$/, '').replace(/[.,]/g, '');
  const n = Number(s);
  if (!Number.isSafeInteger(n)) return undefined;
  return negative ? -n : n;
}

/** "22/11/2026 09:15", "2026-11-22", "22-11-2026" in Vietnam time. */
export function parseBankDate(raw: string): Date | null {
  const s = raw.trim();
  let m = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?/.exec(s);
  if (m) {
    const [, d, mo, y, h = '0', mi = '0', se = '0'] = m;
    return new Date(
      `${y}-${mo?.padStart(2, '0')}-${d?.padStart(2, '0')}T${h.padStart(2, '0')}:${mi}:${se.padStart(2, '0')}+07:00`,
    );
  }
  m = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2}))?)?/.exec(s);
  if (m) {
    const [, y, mo, d, h = '00', mi = '00', se = '00'] = m;
    return new Date(`${y}-${mo}-${d}T${h}:${mi}:${se}+07:00`);
  }
  return null;
}

/**
 * A bank's statement export as CSV (comma or semicolon, UTF-8 with or without BOM): the columns are
 * found by their Vietnamese or English headings; lines without a credit amount are skipped.
 */
export function parseStatement(csv: string): StatementLine[] {
  const text = csv.replace(/^\uFEFF/, '');
  const first = text.split(/\r?\n/, 1)[0] ?? '';
  const delimiter = (first.match(/;/g)?.length ?? 0) > (first.match(/,/g)?.length ?? 0) ? ';' : ',';
  let records: string[][];
  try {
    records = parseCsv(text, { delimiter, relax_column_count: true, skip_empty_lines: true, trim: true });
  } catch (e) {
    throw new Invalid([
      {
        field: 'file',
        vi: `Tệp CSV không đọc được: ${(e as Error).message}`,
        en: `Unreadable CSV: ${(e as Error).message}`,
      },
    ]);
  }
  // The heading row may follow a few lines of bank letterhead.
  const headerAt = records.findIndex((r) => {
    const keys = r.map(headerKey);
    return HEADERS.amount.some((h) => keys.includes(h)) && HEADERS.description.some((h) => keys.includes(h));
  });
  if (headerAt < 0) {
    throw new Invalid([
      {
        field: 'file',
        vi: 'Không tìm thấy dòng tiêu đề có cột "Số tiền" và "Nội dung" trong tệp sao kê.',
        en: 'No heading row with "amount" and "description" columns was found.',
      },
    ]);
  }
  const keys = (records[headerAt] ?? []).map(headerKey);
  const col = (k: keyof typeof HEADERS) => keys.findIndex((h) => HEADERS[k].includes(h));
  const [ci, ai, di, ri] = [col('date'), col('amount'), col('description'), col('reference')];
  const out: StatementLine[] = [];
  for (const [i, r] of records.slice(headerAt + 1).entries()) {
    const amount = parseAmount(r[ai] ?? '');
    if (amount === undefined || amount <= 0) continue;
    out.push({
      lineNo: headerAt + 2 + i,
      bookedAt: ci >= 0 ? parseBankDate(r[ci] ?? '') : null,
      amount,
      description: (r[di] ?? '').normalize('NFC'),
      reference: ri >= 0 && r[ri]?.trim() ? (r[ri]?.trim() ?? null) : null,
    });
  }
  return out;
}

export interface ImportResult {
  statementId: number;
  lines: (StatementLine & { outcome: LineOutcome; dossierCode: string | null })[];
  matched: number;
}

/**
 * Match a statement's credits to open fees by the dossier code in the description: a credit equal
 * to all that the dossier owes pays all of it, one equal to a single fee pays that fee; anything
 * else is listed for a person to look at. A transaction seen before (same bank reference) is not
 * counted twice.
 */
export async function importStatement(
  ctx: Ctx,
  deps: Pick<PaymentsDeps, 'publicUrl'>,
  fileName: string,
  csv: string,
): Promise<ImportResult> {
  const staff = requireStaff(ctx.actor);
  const scope = scopeOf(staff, ['receptionist', 'admin']);
  if (scope.length === 0) throw new Forbidden();
  const lines = parseStatement(csv);
  const open = await q.listOpen(ctx.db, scope, 100_000);
  const byCode = new Map<string, Due[]>();
  for (const d of open) byCode.set(d.dossierCode, [...(byCode.get(d.dossierCode) ?? []), d]);
  const codes = [...byCode.keys()].sort((a, b) => compact(b).length - compact(a).length);

  const changes: (DossierChange | null)[] = [];
  const result = await ctx.db.transaction(async (tx) => {
    const st = await q.insertStatement(tx, {
      fileName,
      importedBy: staff.userId,
      lineCount: lines.length,
      matchedCount: 0,
    });
    const out: ImportResult['lines'] = [];
    let matched = 0;
    for (const l of lines) {
      const code = codes.find((c) => descriptionNames(l.description, c)) ?? null;
      let outcome: LineOutcome;
      let pay: Due[] = [];
      const dues = code ? (byCode.get(code) ?? []).filter((d) => d.status === 'due') : [];
      if (l.reference && (await q.referenceMatched(tx, l.reference))) outcome = 'duplicate';
      else if (!code) outcome = 'no_code';
      else if (dues.length === 0) outcome = 'no_due';
      else {
        const total = dues.reduce((s, d) => s + d.amount, 0);
        const one = dues.find((d) => d.amount === l.amount);
        pay = l.amount === total ? dues : one ? [one] : [];
        outcome = pay.length ? 'matched' : 'amount_mismatch';
      }
      const row = await q.insertLine(tx, {
        statementId: st.id,
        lineNo: l.lineNo,
        bookedAt: l.bookedAt,
        amount: l.amount,
        description: l.description,
        reference: l.reference,
        dossierCode: code,
        outcome,
      });
      if (pay.length) {
        const paidAt = l.bookedAt ?? ctx.clock.now();
        const paidRows = await q.markPaid(
          tx,
          pay.map((d) => d.id),
          {
            method: 'transfer',
            reference: l.reference,
            by: staff.userId,
            at: paidAt,
            lineId: row.id,
          },
        );
        const payer = await getDossierRecord(tx, { id: (pay[0] as Due).dossierId });
        await issueReceipt(tx, payer, paidRows, { method: 'transfer', at: paidAt });
        for (const d of pay) d.status = 'paid';
        matched++;
        const first = pay[0] as Due;
        changes.push(
          await syncPaymentMark(tx, ctx, deps, first.dossierCode, owedBy(first.dossierId), {
            method: 'transfer',
          }),
        );
      }
      out.push({ ...l, outcome, dossierCode: code });
    }
    await q.setStatementCounts(tx, st.id, lines.length, matched);
    await recordAudit(tx, ctx.actor, ctx.meta, {
      action: 'payments.statement.import',
      targetType: 'bank-statement',
      targetId: st.id,
      details: { fileName, lines: lines.length, matched },
    });
    return { statementId: st.id, lines: out, matched };
  });
  for (const change of changes) await announceChange(ctx, change);
  const paidCodes = [
    ...new Set(result.lines.filter((l) => l.outcome === 'matched').map((l) => l.dossierCode as string)),
  ];
  for (const code of paidCodes) {
    const dues = byCode.get(code) ?? [];
    const first = dues[0];
    if (first)
      await ctx.events.emit('payments.paid', {
        dossierId: first.dossierId,
        code,
        dueIds: dues.map((d) => d.id),
      });
  }
  return result;
}

export async function listOpenDues(ctx: Ctx) {
  const staff = requireStaff(ctx.actor);
  const scope = scopeOf(staff, ['receptionist', 'admin']);
  if (scope.length === 0) throw new Forbidden();
  return q.listOpen(ctx.db, scope);
}
