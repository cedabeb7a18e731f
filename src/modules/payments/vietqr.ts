import QRCode from 'qrcode';
import { QRPay } from 'vietnam-qr-pay';

/**
 * VietQR (Napas, EMVCo merchant-presented) payloads for fees, built and read with vietnam-qr-pay:
 * the commune's account (bank BIN + account number), the amount, and the dossier code as the
 * purpose of transaction, which the bank statement then shows in its description.
 */

export interface BankAccount {
  /** Napas bank identification number, 6 digits (970405 Agribank, 970415 VietinBank…). */
  bin: string;
  number: string;
  /** The account holder's name, shown beside the code (bank apps show the bank's own record). */
  name: string;
}

/** EMVCo limits the purpose of transaction (field 62, sub-field 08) to 25 characters. */
const PURPOSE_MAX = 25;

/** Letters and digits only, upper case: how a code is compared with a bank's description. */
export function compact(s: string) {
  return s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[đĐ]/g, 'D')
    .toUpperCase()
    .replace(/[^A-Z0-9]/g, '');
}

/**
 * The purpose written into the QR: the dossier code as it is when it fits, else its letters and
 * digits (bank apps drop punctuation anyway), else their last 25 — still unique per agency and day.
 */
export function paymentPurpose(code: string): string {
  if (code.length <= PURPOSE_MAX && /^[A-Za-z0-9.\- ]+$/.test(code)) return code;
  const c = compact(code);
  return c.length <= PURPOSE_MAX ? c : c.slice(-PURPOSE_MAX);
}

/** Whether a bank description names this dossier code (with or without its punctuation). */
export function descriptionNames(description: string, code: string): boolean {
  const d = compact(description);
  const c = compact(code);
  return d.includes(c) || (c.length > PURPOSE_MAX && d.includes(c.slice(-PURPOSE_MAX)));
}

/** The VietQR payload for paying `amount` đồng on dossier `code`. */
export function vietQrPayload(account: BankAccount, amount: number, code: string): string {
  if (!Number.isSafeInteger(amount) || amount <= 0) throw new RangeError(`not an amount to pay: ${amount}`);
  return QRPay.initVietQR({
    bankBin: account.bin,
    bankNumber: account.number,
    amount: String(amount),
    purpose: paymentPurpose(code),
  }).build();
}

export interface DecodedQr {
  valid: boolean;
  bin: string | undefined;
  account: string | undefined;
  amount: number | undefined;
  purpose: string | undefined;
  currency: string | undefined;
  /** The CRC in the payload and the one computed over it. */
  crc: string | undefined;
  computedCrc: string;
}

/** Read a payload back (the round trip the tests make): fields and whether its CRC is right. */
export function decodeVietQr(payload: string): DecodedQr {
  const qr = new QRPay(payload);
  return {
    valid: qr.isValid,
    bin: qr.consumer.bankBin,
    account: qr.consumer.bankNumber,
    amount: qr.amount === undefined ? undefined : Number(qr.amount),
    purpose: qr.additionalData.purpose,
    currency: qr.currency,
    crc: qr.crc,
    computedCrc: QRPay.genCRCCode(payload.slice(0, -4)),
  };
}

/** The QR code as SVG, drawn on the server: no script, a few kilobytes, sharp on any screen. */
export function qrSvg(payload: string): Promise<string> {
  return QRCode.toString(payload, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
}
