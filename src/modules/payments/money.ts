import { readNumber } from '#modules/broadcast/index.ts';

/**
 * An amount in words as receipts write it: "Hai mươi lăm nghìn đồng", with the first letter in
 * capitals; whole đồng only (fees have no smaller unit). Numbers are read by the broadcast module's
 * Vietnamese reader (Northern style: "nghìn", "mốt", "tư", "lăm", "linh").
 */
export function amountInWords(amount: number): string {
  if (!Number.isSafeInteger(amount) || amount < 0) throw new RangeError(`not an amount in đồng: ${amount}`);
  const words = `${readNumber(amount)} đồng`;
  return `${words[0]?.toLocaleUpperCase('vi')}${words.slice(1)}`;
}

const FIGURES = new Intl.NumberFormat('vi-VN', { maximumFractionDigits: 0 });

/** "25.000 đồng". */
export function amountInFigures(amount: number): string {
  return `${FIGURES.format(amount)} đồng`;
}
