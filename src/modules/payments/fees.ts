import type { Fee, ProcedureDefinition } from '#modules/procedures/index.ts';

export type Moment = Fee['dueAt'];

/** National portal codes for when a fee is collected (DOMAIN.md): 1 at receipt, 2 at supplement, 4 at return. */
export const MOMENT_CODES: Record<Moment, 1 | 2 | 4> = { receipt: 1, supplement: 2, return: 4 };

export const MOMENT_VI: Record<Moment, string> = {
  receipt: 'khi tiếp nhận hồ sơ',
  supplement: 'khi bổ sung hồ sơ',
  return: 'khi nhận kết quả',
};

export interface DueLine {
  feeId: string;
  name: string;
  moment: Moment;
  quantity: number;
  /** In đồng: unit price × quantity. */
  amount: number;
}

function count(form: Record<string, unknown>, names: string[]): number | undefined {
  for (const n of names) {
    const v = Number(form[n]);
    if (Number.isInteger(v) && v > 0) return v;
  }
  return undefined;
}

/**
 * How many units of a fee a dossier owes, from its e-form answers: copies (`copyCount`, `soBan`),
 * signatures (`signatureCount`), pages × copies for certified copies. Circular 226/2016/TT-BTC
 * prices certified copies 2,000 đ a page for the first two pages and 1,000 đ from the third; the
 * catalogue models that as two fees, `firstTwoPages` and `furtherPages`. Anything else: one.
 */
export function feeQuantity(fee: Pick<Fee, 'id' | 'per'>, form: Record<string, unknown>): number {
  const copies = count(form, ['copyCount', 'soBan', 'copies']) ?? 1;
  switch (fee.per) {
    case 'copy':
      return copies;
    case 'signature':
      return count(form, ['signatureCount', 'soChuKy']) ?? 1;
    // One paper is one case, however many signatures it carries (Circular 226/2016/TT-BTC).
    case 'case':
      return count(form, ['documentCount', 'soGiayTo']) ?? 1;
    case 'page': {
      const pages = count(form, ['pageCount', 'soTrang']) ?? 1;
      if (fee.id === 'firstTwoPages') return Math.min(pages, 2) * copies;
      if (fee.id === 'furtherPages') return Math.max(pages - 2, 0) * copies;
      return pages * copies;
    }
    default:
      return 1;
  }
}

/**
 * The fees a dossier owes at `moment`: the procedure's fees due then, at the online price when
 * it was filed online and the procedure has one, times the quantity; free ones are left out.
 */
export function feesDue(
  procedure: Pick<ProcedureDefinition, 'fees'>,
  form: Record<string, unknown>,
  channel: 1 | 2 | 3,
  moment: Moment,
): DueLine[] {
  return procedure.fees
    .filter((f) => (f.dueAt ?? 'receipt') === moment)
    .map((f) => {
      const unit = channel === 2 && f.onlineAmount !== undefined ? f.onlineAmount : f.amount;
      const quantity = feeQuantity(f, form);
      return { feeId: f.id, name: f.name.vi, moment, quantity, amount: unit * quantity };
    })
    .filter((l) => l.amount > 0);
}
