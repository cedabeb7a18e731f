import { stripDiacritics } from '#modules/notifications/index.ts';
import { pdfLib, signpdf, signpdfPlaceholder } from '../on-first-use.ts';
import { buildCades } from './cades.ts';

/**
 * # The signing adapter
 *
 * A `Signer` turns PDF bytes and the identity of the person signing into a PAdES-signed PDF
 * (baseline B-B: SubFilter ETSI.CAdES.detached, ESS signing-certificate-v2, the time in /M). The
 * documents module never touches a key itself; it calls `signer.sign(pdf, who, at)` and stores
 * what comes back.
 *
 * Two ways to implement it:
 * - `P12FileSigner` (./p12.ts): a PKCS#12 file the operator configures (SIGNING_P12_PATH and
 *   SIGNING_P12_PASSPHRASE); the key is read once per process.
 * - A remote signing service (the national ones, a provincial HSM, a CA's cloud signing with the
 *   official's phone confirming): implement `describe()` from the certificate the service reports,
 *   and `sign()` as `padesSign(pdf, who, at, { certificates, signAttributes })` where
 *   `signAttributes(toBeSigned)` sends SHA-256(toBeSigned) — the hash of the CMS signed attributes,
 *   never the document — to the service and returns the RSA signature it gives back. The service
 *   thus sees a 32-byte hash, and `who.userId` says whose key to use. A service that returns a
 *   whole CMS instead can call `embedCms(pdf, who, at, (content) => …)`.
 *
 * `sign()` may take seconds (a remote service waits for the official's confirmation): callers run
 * it outside database transactions.
 */
export interface SignerIdentity {
  /** The official who signs, as printed: "Vi Văn Duyệt". */
  name: string;
  /** Their user id here, for a service that holds one key per official. */
  userId?: number | undefined;
  /** "Chủ tịch UBND xã Mẫu Sơn". */
  title?: string | undefined;
  /** Where: "Xã Mẫu Sơn, Lạng Sơn". */
  location: string;
  /** Why: "Ký kết quả giải quyết hồ sơ 20.06541-261122-0007". */
  reason: string;
}

export interface CertificateSummary {
  subject: string;
  issuer: string;
  serialNumber: string;
  validFrom: Date;
  validTo: Date;
  /** SHA-256 of the certificate (DER), hex. */
  fingerprint256: string;
  /** True for a self-signed certificate (the demo one). */
  selfSigned: boolean;
}

export interface Signer {
  /** The certificate signatures will carry. */
  describe(): Promise<CertificateSummary>;
  /** PDF bytes in, the same document PAdES-signed out, claiming signing time `at`. */
  sign(pdf: Uint8Array, who: SignerIdentity, at: Date): Promise<Uint8Array>;
}

export class SigningUnavailable extends Error {}

/** signpdf takes only its own kind of signer: one that asks `make` for the CMS. */
function cmsCallbackClass() {
  return class CmsCallback extends signpdf().Signer {
    constructor(private readonly make: (content: Buffer) => Promise<Buffer>) {
      super();
    }
    override async sign(content: Buffer): Promise<Buffer> {
      return this.make(content);
    }
  };
}
/** Made with the first signature, once signpdf is loaded (see on-first-use.ts). */
let CmsCallback: ReturnType<typeof cmsCallbackClass> | undefined;

/** The PDF dictionary's text strings are PDFDocEncoding: Vietnamese goes without its marks there. */
function ascii(s: string) {
  return stripDiacritics(s).replace(/[^\u0020-\u007e]/g, '?');
}

/**
 * Add a signature field and a placeholder to `pdf`, then fill it with the CMS `makeCms` returns for
 * the ByteRange content. `room` is the placeholder's size in bytes (certificates plus margin).
 */
export async function embedCms(
  pdf: Uint8Array,
  who: SignerIdentity,
  at: Date,
  makeCms: (content: Buffer) => Promise<Buffer>,
  room = 8192,
): Promise<Uint8Array> {
  const doc = await pdfLib().PDFDocument.load(pdf, { updateMetadata: false });
  signpdfPlaceholder().pdflibAddPlaceholder({
    pdfDoc: doc,
    reason: ascii(who.reason),
    contactInfo: ascii(who.title ?? ''),
    name: ascii(who.name),
    location: ascii(who.location),
    signingTime: at,
    // The placeholder is a hex string: two characters per byte.
    signatureLength: room * 2,
    subFilter: 'ETSI.CAdES.detached',
    appName: 'Xa So',
  });
  const withPlaceholder = Buffer.from(await doc.save({ useObjectStreams: false }));
  CmsCallback ??= cmsCallbackClass();
  const signed = await new (signpdf().SignPdf)().sign(withPlaceholder, new CmsCallback(makeCms));
  return new Uint8Array(signed);
}

/** Sign with a CAdES-BES (PAdES B-B) CMS; only `signAttributes` needs the key. */
export function padesSign(
  pdf: Uint8Array,
  who: SignerIdentity,
  at: Date,
  key: { certificates: Buffer[]; signAttributes: (toBeSigned: Buffer) => Promise<Buffer> },
): Promise<Uint8Array> {
  const certBytes = key.certificates.reduce((n, c) => n + c.length, 0);
  return embedCms(
    pdf,
    who,
    at,
    (content) => buildCades({ content, ...key }),
    // Signed attributes, signature and structure fit in 2 KB beside the certificates (RSA ≤ 4096).
    certBytes + 2048,
  );
}
