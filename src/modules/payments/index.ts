import type { FastifyInstance } from 'fastify';
import { documentsDeps, proofQuery } from '#modules/documents/index.ts';
import { findDossierRecord, systemCtx } from '#modules/dossiers/index.ts';
import type { Platform } from '#platform/platform.ts';
import { addStaffLink } from '#web/staff-menu.ts';
import { registerAccountPages } from './payments.accounts.routes.tsx';
import { registerPaymentPages } from './payments.routes.tsx';
import { feeLinesFor, type PaymentsDeps, syncDues } from './payments.service.ts';

declare module '#platform/events.ts' {
  interface EventMap {
    /** Fees of a dossier were recorded paid (at the desk, or matched from a bank statement). */
    'payments.paid': { dossierId: number; code: string; dueIds: number[] };
  }
}

export { type DueLine, feeQuantity, feesDue, MOMENT_CODES, MOMENT_VI, type Moment } from './fees.ts';
export { amountInFigures, amountInWords } from './money.ts';
export {
  accountFor,
  type ResolvedAccount,
  removePaymentAccount,
  setPaymentAccount,
} from './payments.accounts.service.ts';
export {
  issueReceipt,
  receiptNumber,
  receiptPdf,
  setReceiptSeries,
} from './payments.receipts.ts';
export {
  confirmPayment,
  ensureDues,
  feeLinesFor,
  feeView,
  importStatement,
  momentsReached,
  type PaymentsDeps,
  parseStatement,
} from './payments.service.ts';
export {
  type BankAccount,
  decodeVietQr,
  descriptionNames,
  paymentPurpose,
  qrSvg,
  vietQrPayload,
} from './vietqr.ts';

/** A dossier's fees page; `phone4` is the tracking proof, checked there again. */
export function feesPath(code: string, phone4?: string) {
  return `/ho-so/${encodeURIComponent(code)}/le-phi${proofQuery({ so: phone4 })}`;
}

/**
 * The installation's account from config, the fallback for places that have set none of their own
 * (`payment_accounts`); with the demo seed and none configured, a clearly fake one.
 */
export function paymentsDeps(platform: Platform): PaymentsDeps {
  const c = platform.config;
  const publicUrl = c.PUBLIC_URL;
  if (c.PAYMENT_BANK_BIN && c.PAYMENT_ACCOUNT_NUMBER && c.PAYMENT_ACCOUNT_NAME) {
    return {
      account: { bin: c.PAYMENT_BANK_BIN, number: c.PAYMENT_ACCOUNT_NUMBER, name: c.PAYMENT_ACCOUNT_NAME },
      publicUrl,
    };
  }
  if (c.DEMO_SEED) {
    // Agribank's BIN (most rural branches); the number is not a real account.
    return {
      account: { bin: '970405', number: '0000000000000', name: 'UBND XA MAU SON (THU NGHIEM)' },
      publicUrl,
    };
  }
  return { account: undefined, publicUrl };
}

/**
 * Pages (/ho-so/:code/le-phi, /quan-tri/le-phi, /quan-tri/le-phi/tai-khoan) and the listener that writes a dossier's fees when
 * it reaches the moment its procedure says (receipt, supplement, return).
 */
export function registerPaymentRoutes(app: FastifyInstance, platform: Platform) {
  addStaffLink({
    href: '/quan-tri/le-phi',
    label: { vi: 'Phí, lệ phí và đối chiếu sao kê', en: 'Fees and bank statements' },
    roles: ['receptionist', 'admin'],
  });
  const deps = paymentsDeps(platform);
  registerPaymentPages(app, deps, documentsDeps(platform, { fees: feeLinesFor }));
  registerAccountPages(app, deps);
  platform.events.on('dossiers.status-changed', async ({ dossierId, step }) => {
    // Nothing falls due before the desk has received the dossier (fees are at receipt or later).
    if (step === 'submitted') return;
    const d = await findDossierRecord(platform.database.db, { id: dossierId });
    if (d) await syncDues(systemCtx(platform), deps, d);
  });
}
