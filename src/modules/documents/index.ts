import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { dossierDeps, systemCtx } from '#modules/dossiers/index.ts';
import type { SqlRunner } from '#platform/db/client.ts';
import type { Platform } from '#platform/platform.ts';
import { addStaffLink } from '#web/staff-menu.ts';
import { proofQuery, registerDocumentRoutes as registerRoutes } from './documents.routes.tsx';
import { type DocumentsDeps, issueApology } from './documents.service.ts';
import { dossiersWithActionSince } from './dossier-source.ts';
import type { FeeLine } from './forms/types.ts';
import { disableDemoP12, ensureDemoP12, P12FileSigner } from './signing/p12.ts';
import type { Signer } from './signing/signer.ts';
import { trustAnchorsFromFile } from './signing/trust.ts';

declare module '#platform/events.ts' {
  interface EventMap {
    /** An approver signed a dossier's result (emitted after commit). */
    'documents.result-signed': { dossierId: number; code: string; documentId: string; sha256: string };
  }
}

export { proofQuery } from './documents.routes.tsx';
export {
  accessDossier,
  approveAndSign,
  authorityIssuer,
  checkLinkToken,
  type DocumentsDeps,
  deskIssuer,
  linkToken,
  type Proof,
  resultDownloadUrl,
  signResult,
  trackingUrl,
  verifyIssued,
  verifyUpload,
} from './documents.service.ts';
// Who may see a dossier's papers (the dossier itself is read through the dossiers module's index).
export { isApplicant, staffMaySee } from './dossier-source.ts';
export { renderApology } from './forms/apology.ts';
export { heading, line, numbered, signatures, title } from './forms/common.ts';
export { renderReceiptSlip } from './forms/receipt.ts';
export { renderRefusal } from './forms/refusal.ts';
export { fillTemplate, renderResult } from './forms/result.ts';
export { renderSupplementRequest } from './forms/supplement.ts';
export { renderTrackingSheet } from './forms/tracking-sheet.ts';
export type * from './forms/types.ts';
export { placeAndDate, vnDate, vnDateTime, vnMoney, vnShort } from './pdf/vn-format.ts';
// The PDF layer, for other modules' papers (the payment receipt).
export { PdfWriter, type Run } from './pdf/writer.ts';
export { ensureDemoP12, makeSelfSignedP12, P12FileSigner } from './signing/p12.ts';
// Signing and verification.
export {
  type CertificateSummary,
  embedCms,
  padesSign,
  type Signer,
  type SignerIdentity,
  SigningUnavailable,
} from './signing/signer.ts';
export { type SignatureReport, type VerifyReport, verifyPdf } from './signing/verify.ts';

/** A dossier's papers page for its applicant; `phone4` is the tracking proof, checked there again. */
export function papersPath(code: string, phone4?: string) {
  return `/ho-so/${encodeURIComponent(code)}/giay-to${proofQuery({ so: phone4 })}`;
}

/** A dossier's papers page in the back office (forms, the result and its signature). */
export function staffPapersPath(code: string) {
  return `/quan-tri/ho-so/${encodeURIComponent(code)}/giay-to`;
}

/** The draft result, unsigned, for the approver to read before approving. */
export function resultPreviewPath(code: string) {
  return `/quan-tri/ho-so/${encodeURIComponent(code)}/ket-qua/xem-truoc.pdf`;
}

/** Where the approver's "approve and sign" form posts (`approveAndSign`). */
export function approveAndSignPath(code: string) {
  return `/quan-tri/ho-so/${encodeURIComponent(code)}/phe-duyet-ky`;
}

/** Whether results can be signed here: a certificate is configured (or the demo one may be made). */
export function signingAvailable(platform: Platform): () => boolean {
  const signer = signerFromConfig(platform.config, platform.clock);
  return () => signer() !== undefined;
}

/**
 * The signer from config: the operator's PKCS#12 file, or — with the demo seed on and none
 * configured — a self-signed demo certificate made under DATA_DIR/signing on first use.
 */
export function signerFromConfig(
  config: Platform['config'],
  clock: Platform['clock'],
): () => Signer | undefined {
  let signer: Signer | undefined;
  return () => {
    if (signer) return signer;
    if (config.SIGNING_P12_PATH) {
      signer = new P12FileSigner({
        path: config.SIGNING_P12_PATH,
        passphrase: config.SIGNING_P12_PASSPHRASE ?? '',
      });
    } else if (config.DEMO_SEED) {
      signer = new P12FileSigner(() =>
        ensureDemoP12(path.join(config.dataDir, 'signing'), {
          commonName: 'Xã Số – chứng thư số thử nghiệm',
          organisation: 'Xã Số (bản trình diễn)',
          // Made on the platform's clock, so a test's fixed clock falls within its validity.
          now: clock.now(),
        }),
      );
    }
    return signer;
  };
}

/**
 * With the demo seed off, the demo certificate must sign nothing more: its files are moved aside
 * (`DATA_DIR/signing/disabled-<time>/`). Where they went, or undefined when there was none.
 */
export function disableDemoSigner(config: Platform['config'], clock: Platform['clock']) {
  return disableDemoP12(path.join(config.dataDir, 'signing'), clock.now());
}

export function documentsDeps(
  platform: Platform,
  opts: { fees?: (sql: SqlRunner, dossierId: number) => Promise<FeeLine[]> } = {},
): DocumentsDeps {
  return {
    files: platform.files,
    publicUrl: platform.config.PUBLIC_URL,
    signer: signerFromConfig(platform.config, platform.clock),
    dossiers: dossierDeps(platform),
    fees: opts.fees,
    linkSecret: platform.secrets.cookie,
    trustAnchors: trustAnchorsFromFile(platform.config.SIGNING_TRUST_ANCHORS),
  };
}

/**
 * Pages (/ho-so/:code/giay-to, /quan-tri/ho-so/:code/giay-to, /quan-tri/mau-ket-qua/:procedure,
 * /xac-thuc-van-ban) and the listener that issues form 04 when a dossier goes late.
 */
const CATCH_UP_QUEUE = 'documents.catch-up';

/**
 * Every morning at 06:30, after the dossiers module's overdue sweep: issue form 04 for any dossier
 * extended or marked late in the last two days that has none (the event listener runs in the process that
 * marked it; this redoes what a stop between commit and event lost). Idempotent.
 */
export async function startDocumentWorkers(platform: Platform) {
  const jobs = platform.jobs;
  if (!jobs) return;
  await jobs.work(CATCH_UP_QUEUE, async () => {
    await catchUpApologies(platform);
  });
  await jobs.schedule(CATCH_UP_QUEUE, '30 6 * * *');
}

/** The catch-up itself: the codes it issued an apology for. */
export async function catchUpApologies(platform: Platform): Promise<string[]> {
  const deps = documentsDeps(platform);
  const ctx = systemCtx(platform);
  const since = new Date(ctx.clock.now().getTime() - 2 * 86_400_000);
  const issued: string[] = [];
  const codes = new Set([
    ...(await dossiersWithActionSince(platform.database.db, 'extension_approved', since)),
    ...(await dossiersWithActionSince(platform.database.db, 'overdue', since)),
  ]);
  for (const code of codes) {
    if (await issueApology(ctx, deps, code)) issued.push(code);
  }
  return issued;
}

export function registerDocumentRoutes(
  app: FastifyInstance,
  platform: Platform,
  opts: { fees?: (sql: SqlRunner, dossierId: number) => Promise<FeeLine[]> } = {},
) {
  const deps = documentsDeps(platform, opts);
  addStaffLink({
    href: '/xac-thuc-van-ban',
    label: { vi: 'Xác thực văn bản điện tử', en: 'Verify an electronic document' },
    roles: ['admin', 'approver', 'receptionist', 'specialist'],
  });
  registerRoutes(app, deps);
  platform.events.on('dossiers.overdue', async ({ code }) => {
    await issueApology(systemCtx(platform), deps, code);
  });
  // Form 04 with the new date, once the approver has signed the extension before the due time.
  platform.events.on('dossiers.extended', async ({ code }) => {
    await issueApology(systemCtx(platform), deps, code);
  });
}
