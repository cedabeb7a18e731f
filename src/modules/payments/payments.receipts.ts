import { randomUUID } from 'node:crypto';
import { recordAudit } from '#modules/audit/index.ts';
import {
  heading,
  type Issuer,
  line,
  PdfWriter,
  signatures,
  title,
  vnDateTime,
} from '#modules/documents/index.ts';
import type { DossierRecord } from '#modules/dossiers/index.ts';
import { findPlaceById, getPlaceByCode, type Place } from '#modules/places/index.ts';
import { requireRole, requireStaff } from '#platform/auth/actor.ts';
import type { Ctx } from '#platform/context.ts';
import type { Db } from '#platform/db/client.ts';
import { Invalid, NotFound } from '#platform/errors.ts';
import { parse } from '#platform/validation.ts';
import { MOMENT_VI } from './fees.ts';
import { amountInFigures, amountInWords } from './money.ts';
import * as q from './payments.queries.ts';
import { ReceiptSeriesForm } from './payments.schemas.ts';
import type { Due, FeeReceipt, ReceiptSeriesRow } from './payments.tables.ts';

/**
 * Fee receipts (biên lai thu phí, lệ phí) with the fields of an electronic receipt under Decree
 * 123/2020/NĐ-CP and Circular 78/2021/TT-BTC (docs/rules.md § Payments and receipts): the receipt
 * template symbol and series symbol the commune announced to its tax office, a number in an
 * unbroken sequence per series, the collecting unit's name and tax code, the payer, each fee with
 * the instrument that sets it, the total in figures and in words. One receipt per payment.
 */

/** The place ids of a path, root first: '/1/25/300/' → [1, 25, 300]. */
const lastId = (path: string) => Number(path.split('/').filter(Boolean).at(-1));

/** Receipt numbers print with 7 digits ("0000042"), as receipt books do (the width: not confirmed). */
export const receiptNumber = (n: number) => String(n).padStart(7, '0');

const lowerFirst = (s: string) => (s ? `${s[0]?.toLocaleLowerCase('vi')}${s.slice(1)}` : s);
const defaultUnitName = (p: Place) => `Ủy ban nhân dân ${lowerFirst(p.fullName)}`;

// ---------------------------------------------------------------------------------------------
// The series a place declared (its admins, on the payments account page)

const collects = (p: Place) => (p.level === 'province' || p.level === 'commune') && !p.validTo;

async function placeToSet(ctx: Ctx, code: string) {
  const place = await getPlaceByCode(ctx.db, code);
  if (!collects(place))
    throw new NotFound({
      vi: 'Chỉ tỉnh và xã có biên lai thu phí, lệ phí.',
      en: 'Only provinces and communes issue fee receipts.',
    });
  requireRole(ctx.actor, 'admin', place.path);
  return place;
}

export async function findSeriesOf(db: Db, placeId: number) {
  return q.findActiveSeries(db, placeId);
}

/**
 * Declare (or switch to) the series a place issues receipts from. The same template and series
 * again only corrects the unit's name or tax code: its numbering goes on. Another series starts at
 * its first number and the previous one stops (kept, with the numbers it issued). Audited.
 */
export async function setReceiptSeries(ctx: Ctx, code: string, input: unknown): Promise<ReceiptSeriesRow> {
  const place = await placeToSet(ctx, code);
  const data = parse(ReceiptSeriesForm, input);
  const staff = requireStaff(ctx.actor);
  return ctx.db.transaction(async (tx) => {
    const before = await q.findActiveSeries(tx, place.id);
    const same = await q.findSeries(tx, place.id, data.templateCode, data.series);
    const change = {
      taxCode: data.taxCode,
      unitName: data.unitName,
      updatedBy: staff.userId,
      updatedAt: ctx.clock.now(),
    };
    let row: ReceiptSeriesRow;
    if (same) {
      if (data.firstNumber !== undefined && data.firstNumber !== same.firstNumber) {
        throw new Invalid([
          {
            field: 'firstNumber',
            vi: `Ký hiệu ${same.templateCode} – ${same.series} đã bắt đầu từ số ${same.firstNumber}; không đổi được số bắt đầu.`,
            en: `Series ${same.templateCode} – ${same.series} started at number ${same.firstNumber}; its first number cannot change.`,
          },
        ]);
      }
      if (!same.active) await q.deactivateSeries(tx, place.id);
      row = await q.updateSeries(tx, same.id, { ...change, active: true });
    } else {
      await q.deactivateSeries(tx, place.id);
      const first = data.firstNumber ?? 1;
      row = await q.insertSeries(tx, {
        placeId: place.id,
        templateCode: data.templateCode,
        series: data.series,
        ...change,
        firstNumber: first,
        nextNumber: first,
      });
    }
    const view = (r: ReceiptSeriesRow | undefined) =>
      r && { templateCode: r.templateCode, series: r.series, taxCode: r.taxCode, unitName: r.unitName };
    await recordAudit(tx, ctx.actor, ctx.meta, {
      action: 'payments.receipt-series.set',
      targetType: 'place',
      targetId: place.code,
      place: { id: place.id, path: place.path },
      details: { before: view(before) ?? null, after: view(row) },
    });
    return row;
  });
}

// ---------------------------------------------------------------------------------------------
// Issuing: in the transaction that records the payment

export interface ReceiptPayer {
  id: number;
  code: string;
  unitPath: string;
  applicant: { name: string; address: string | null };
}

/**
 * The receipt for fees just paid, written in the caller's transaction: a number from the unit's
 * active series (none declared: no number), the fees pointed to it. If the payment's transaction
 * fails, the number goes back with it.
 */
export async function issueReceipt(
  tx: Db,
  d: ReceiptPayer,
  paid: Pick<Due, 'id' | 'amount'>[],
  p: { method: 'cash' | 'transfer'; at: Date },
): Promise<FeeReceipt | undefined> {
  if (paid.length === 0) return undefined;
  const placeId = lastId(d.unitPath);
  const taken = await q.takeReceiptNumber(tx, placeId);
  let unitName = taken?.series.unitName;
  if (!unitName) {
    const place = await findPlaceById(tx, placeId);
    unitName = place ? defaultUnitName(place) : 'Ủy ban nhân dân';
  }
  const receipt = await q.insertReceipt(tx, {
    id: randomUUID(),
    dossierId: d.id,
    dossierCode: d.code,
    placeId,
    seriesId: taken?.series.id ?? null,
    templateCode: taken?.series.templateCode ?? null,
    series: taken?.series.series ?? null,
    number: taken?.number ?? null,
    taxCode: taken?.series.taxCode ?? null,
    unitName,
    payerName: d.applicant.name,
    payerAddress: d.applicant.address,
    total: paid.reduce((s, x) => s + x.amount, 0),
    method: p.method,
    issuedAt: p.at,
  });
  await q.attachReceipt(
    tx,
    paid.map((x) => x.id),
    receipt.id,
  );
  return receipt;
}

// ---------------------------------------------------------------------------------------------
// The paper

const METHOD_VI = { cash: 'Tiền mặt tại Bộ phận một cửa', transfer: 'Chuyển khoản (VietQR)' } as const;

interface ReceiptPage {
  receipt: Pick<
    FeeReceipt,
    'templateCode' | 'series' | 'number' | 'taxCode' | 'unitName' | 'payerName' | 'payerAddress' | 'issuedAt'
  > | null;
  dues: Due[];
}

/**
 * Every receipt of a dossier, one page each. Fees paid before receipts were numbered (no receipt
 * row) print together on a page of their own, without a number, as they did then.
 */
export async function receiptPdf(ctx: Ctx, d: DossierRecord): Promise<Uint8Array> {
  const paid = (await q.listDues(ctx.db, d.id)).filter((x) => x.status === 'paid');
  if (paid.length === 0) {
    throw new Invalid([
      { field: 'receipt', vi: 'Hồ sơ chưa có khoản phí nào đã nộp.', en: 'No fee has been paid yet.' },
    ]);
  }
  const receipts = await q.listReceipts(ctx.db, d.id);
  const pages: ReceiptPage[] = receipts
    .map((r) => ({ receipt: r, dues: paid.filter((x) => x.receiptId === r.id) }))
    .filter((p) => p.dues.length > 0);
  const loose = paid.filter((x) => !x.receiptId);
  if (loose.length) pages.push({ receipt: null, dues: loose });

  const last = paid.reduce((m, x) => (x.paidAt && x.paidAt > m ? x.paidAt : m), new Date(0));
  const w = await PdfWriter.create({ title: `Biên lai thu phí, lệ phí – ${d.code}`, at: last });
  const unit = await findPlaceById(ctx.db, d.unitId);
  for (const [i, page] of pages.entries()) {
    if (i > 0) w.newPage();
    drawReceipt(w, d, page, unit);
  }
  return w.save();
}

function drawReceipt(w: PdfWriter, d: DossierRecord, page: ReceiptPage, unit: Place | undefined) {
  const r = page.receipt;
  const at =
    r?.issuedAt ?? page.dues.reduce((m, x) => (x.paidAt && x.paidAt > m ? x.paidAt : m), new Date(0));
  const unitName = r?.unitName ?? (unit ? defaultUnitName(unit) : 'Ủy ban nhân dân');
  const issuer: Issuer = { authority: unitName, office: unitName, placeName: unit?.name ?? '' };
  heading(w, issuer, at);
  title(w, 'Biên lai thu phí, lệ phí', r?.number ? '(Bản thể hiện của biên lai điện tử)' : undefined);
  if (r?.number && r.templateCode && r.series) {
    w.columns([
      { width: 0.36, draw: () => line(w, 'Ký hiệu mẫu số', r.templateCode) },
      { width: 0.32, draw: () => line(w, 'Ký hiệu', r.series) },
      { width: 0.32, draw: () => line(w, 'Số', receiptNumber(r.number as number)) },
    ]);
  } else {
    w.text(
      'Chưa phải biên lai điện tử: đơn vị chưa khai báo ký hiệu mẫu số và ký hiệu biên lai đã thông báo phát hành với cơ quan thuế. Giấy này xác nhận số tiền đã nộp.',
      { size: 9.5, style: 'italic', after: 4 },
    );
  }
  line(w, 'Tên đơn vị thu phí, lệ phí', unitName);
  line(w, 'Mã số thuế', r?.taxCode);
  w.gap(4);
  line(w, 'Họ tên người nộp', r?.payerName ?? d.applicant.name);
  line(w, 'Địa chỉ', r ? r.payerAddress : d.applicant.address);
  line(w, 'Mã hồ sơ', d.code);
  line(w, 'Thủ tục', d.procedure.name.vi);
  w.gap(4);
  const basisOf = (x: Due) => d.procedure.fees.find((f) => f.id === x.feeId)?.basis;
  w.table(
    [
      { header: 'TT', width: 0.06, align: 'center' },
      { header: 'Tên loại phí, lệ phí và căn cứ thu', width: 0.4 },
      { header: 'Thời điểm thu', width: 0.18, align: 'center' },
      { header: 'Hình thức', width: 0.18, align: 'center' },
      { header: 'Số tiền (đồng)', width: 0.18, align: 'right' },
    ],
    page.dues.map((x, i) => [
      String(i + 1),
      `${x.feeName}${x.quantity > 1 ? ` (${x.quantity} đơn vị)` : ''} – thu ${MOMENT_VI[x.moment]}. Căn cứ: ${basisOf(x) ?? 'chưa ghi trong danh mục thủ tục'}`,
      x.paidAt ? vnDateTime(x.paidAt).replace(', ngày', ',') : '',
      METHOD_VI[x.method ?? 'cash'],
      amountInFigures(x.amount).replace(' đồng', ''),
    ]),
  );
  const total = page.dues.reduce((s, x) => s + x.amount, 0);
  w.gap(6);
  line(w, 'Tổng số tiền', amountInFigures(total));
  line(w, 'Bằng chữ', `${amountInWords(total)}.`);
  signatures(w, [
    { title: 'NGƯỜI NỘP TIỀN', hint: '(Ký và ghi rõ họ tên)', name: r?.payerName ?? d.applicant.name },
    { title: 'NGƯỜI THU TIỀN', hint: '(Ký và ghi rõ họ tên)' },
  ]);
}
