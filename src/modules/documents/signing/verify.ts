import { createHash, verify as cryptoVerify, X509Certificate } from 'node:crypto';
import type Forge from 'node-forge';
import type { Bilingual } from '#platform/errors.ts';
import { forge } from '../on-first-use.ts';
import { OIDS } from './cades.ts';
import { chainsToAnchor } from './trust.ts';

/**
 * Check the signatures of a PDF the way a reader's software does, with nothing but the file: the
 * ByteRange must cover the whole file except the signature itself; the hash of those bytes must be
 * the message digest the signer signed; the signature over the signed attributes must verify with
 * the embedded certificate's public key; and the certificate must have been valid at the time
 * signed. Trust in the certificate's issuer is reported apart (`selfSigned`, `trusted`): whether
 * the document counts as valid also depends on where it was issued, which the service decides.
 */

// node-forge, loaded with the first check (see on-first-use.ts).
const asn1 = () => forge().asn1;
type Node = Forge.asn1.Asn1;

const DIGESTS: Record<string, string> = {
  '1.3.14.3.2.26': 'sha1',
  [OIDS.sha256]: 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
};

export interface SignerInfoReport {
  /** The certificate's common name, else its whole subject. */
  name: string;
  subject: string;
  issuer: string;
  serialNumber: string;
  validFrom: Date;
  validTo: Date;
  selfSigned: boolean;
  fingerprint256: string;
}

export interface SignatureReport {
  valid: boolean;
  problems: Bilingual[];
  signer: SignerInfoReport | null;
  /** The claimed signing time: the dictionary's /M, else the signing-time attribute. */
  signedAt: Date | null;
  subFilter: string | null;
  /** The ByteRange covers the whole file but the signature value. */
  coversWholeFile: boolean;
  /** The bytes hash to the digest that was signed. */
  digestMatches: boolean;
  /** The signature verifies with the certificate's key. */
  signatureVerifies: boolean;
  /** The certificate chains to one of the trust anchors given (the province's trust list). */
  trusted: boolean;
}

export interface VerifyReport {
  /** SHA-256 of the file as given, hex. */
  sha256: string;
  /**
   * At least one signature, and every one intact (bytes unchanged, signature verifies, certificate
   * valid when signed). Intact is not "issued here": see `VerifyOutcome.verdict`.
   */
  valid: boolean;
  signatures: SignatureReport[];
  /** A file-level problem (not a PDF, no signature). */
  problem: Bilingual | null;
}

const P = {
  notPdf: { vi: 'Tệp không phải là tài liệu PDF.', en: 'The file is not a PDF.' },
  unsigned: { vi: 'Tài liệu không có chữ ký số.', en: 'The document has no digital signature.' },
  byteRange: {
    vi: 'Vùng dữ liệu được ký (ByteRange) không hợp lệ.',
    en: 'The signed byte range is malformed.',
  },
  appended: {
    vi: 'Tài liệu đã bị thêm nội dung sau khi ký: phần thêm vào không được chữ ký bảo đảm.',
    en: 'Content was added after signing; the signature does not cover it.',
  },
  digest: {
    vi: 'Nội dung tài liệu đã bị thay đổi sau khi ký (giá trị băm không khớp).',
    en: 'The document was changed after signing (the hash does not match).',
  },
  signature: {
    vi: 'Chữ ký không khớp với khóa công khai của chứng thư số.',
    en: "The signature does not verify with the certificate's public key.",
  },
  cms: {
    vi: 'Không đọc được dữ liệu chữ ký (CMS/PKCS#7).',
    en: 'The signature data (CMS/PKCS#7) cannot be read.',
  },
  noCert: {
    vi: 'Không tìm thấy chứng thư số của người ký trong chữ ký.',
    en: "The signer's certificate is not in the signature.",
  },
  expired: {
    vi: 'Chứng thư số không còn hiệu lực tại thời điểm ký.',
    en: 'The certificate was not valid at the signing time.',
  },
  algorithm: {
    vi: 'Thuật toán băm hoặc ký không được hỗ trợ.',
    en: 'The hash or signature algorithm is not supported.',
  },
} satisfies Record<string, Bilingual>;

const der = (n: Node) => Buffer.from(asn1().toDer(n).getBytes(), 'binary');
const children = (n: Node | undefined) => (Array.isArray(n?.value) ? (n.value as Node[]) : []);
const oidOf = (n: Node | undefined) =>
  n && typeof n.value === 'string' && n.type === asn1().Type.OID ? asn1().derToOid(n.value) : undefined;

/** "D:20261126100000+07'00'" → a Date. */
export function parsePdfDate(s: string): Date | null {
  const m = /^D:(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?(Z|[+-]\d{2}'?\d{2}'?)?/.exec(s);
  if (!m) return null;
  const [, y, mo = '01', d = '01', h = '00', mi = '00', se = '00', tz] = m;
  let offset = '+00:00';
  if (tz && tz !== 'Z') offset = `${tz.slice(0, 3)}:${tz.replaceAll("'", '').slice(3, 5) || '00'}`;
  const date = new Date(`${y}-${mo}-${d}T${h}:${mi}:${se}${offset}`);
  return Number.isNaN(date.getTime()) ? null : date;
}

function cn(subject: string) {
  return /(?:^|\n)CN=([^\n]+)/.exec(subject)?.[1] ?? subject;
}

interface Located {
  byteRange: number[];
  /** The signature dictionary's text, to read /M and /SubFilter from. */
  dict: string;
}

/** Every signature dictionary in the file, found by its ByteRange. */
function locate(pdf: Buffer): Located[] {
  const out: Located[] = [];
  let at = pdf.indexOf('/ByteRange');
  while (at >= 0) {
    const end = pdf.indexOf(']', at);
    const numbers = /\/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]/.exec(
      pdf.subarray(at, end + 1).toString('latin1'),
    );
    if (numbers) {
      const start = Math.max(pdf.lastIndexOf('obj', at), 0);
      const close = pdf.indexOf('endobj', at);
      const window = pdf
        .subarray(start, close < 0 ? Math.min(pdf.length, at + 65536) : close)
        .toString('latin1');
      out.push({
        byteRange: numbers.slice(1, 5).map(Number),
        dict: window.replace(/<[0-9a-fA-F\s]{64,}>/g, '<…>'),
      });
    }
    at = pdf.indexOf('/ByteRange', at + 10);
  }
  return out;
}

function checkOne(pdf: Buffer, found: Located, anchors: readonly X509Certificate[]): SignatureReport {
  const problems: Bilingual[] = [];
  const report: SignatureReport = {
    valid: false,
    problems,
    signer: null,
    signedAt: null,
    subFilter: /\/SubFilter\s*\/([^\s/>]+)/.exec(found.dict)?.[1] ?? null,
    coversWholeFile: false,
    digestMatches: false,
    signatureVerifies: false,
    trusted: false,
  };
  const m = /\/M\s*\((D:[^)]*)\)/.exec(found.dict);
  if (m?.[1]) report.signedAt = parsePdfDate(m[1]);

  const [b0, b1, b2, b3] = found.byteRange as [number, number, number, number];
  const sane =
    b0 === 0 && b1 > 0 && b2 > b1 && b2 + b3 <= pdf.length && pdf[b1] === 0x3c && pdf[b2 - 1] === 0x3e;
  if (!sane) {
    problems.push(P.byteRange);
    return report;
  }
  const tail = pdf.subarray(b2 + b3);
  report.coversWholeFile = tail.every((c) => c === 0x0a || c === 0x0d || c === 0x20);
  if (!report.coversWholeFile) problems.push(P.appended);

  const hex = pdf
    .subarray(b1 + 1, b2 - 1)
    .toString('latin1')
    .replace(/\s/g, '');
  let signerInfo: Node | undefined;
  let certificates: X509Certificate[] = [];
  let certNodes: Node[] = [];
  try {
    // The placeholder is zero-padded: the DER's own length says where it ends.
    // forge takes an options object here (its typings say a boolean).
    const contentInfo = asn1().fromDer(forge().util.hexToBytes(hex), {
      parseAllBytes: false,
      strict: false,
    } as unknown as boolean);
    const signedData = children(children(contentInfo)[1])[0];
    const fields = children(signedData);
    certNodes = children(fields.find((f) => f.tagClass === asn1().Class.CONTEXT_SPECIFIC && f.type === 0));
    certificates = certNodes.map((c) => new X509Certificate(der(c)));
    signerInfo = children(fields[fields.length - 1])[0];
  } catch {
    problems.push(P.cms);
    return report;
  }
  const si = children(signerInfo);
  const sid = si[1];
  const digestOid = oidOf(children(si[2])[0]);
  const attrsNode = si.find((f) => f.tagClass === asn1().Class.CONTEXT_SPECIFIC && f.type === 0);
  const sigNode = si.find((f) => f.tagClass === asn1().Class.UNIVERSAL && f.type === asn1().Type.OCTETSTRING);

  // The signer's certificate: the one whose issuer and serial number the SignerInfo names.
  let cert: X509Certificate | undefined;
  if (sid && sid.tagClass === asn1().Class.UNIVERSAL) {
    const [issuer, serial] = children(sid);
    const serialHex = Buffer.from(String(serial?.value ?? ''), 'binary')
      .toString('hex')
      .replace(/^(00)+/, '')
      .toUpperCase();
    const issuerDer = issuer ? der(issuer) : Buffer.alloc(0);
    cert = certificates.find((c, i) => {
      const tbs = children(children(certNodes[i])[0]);
      const at = tbs[0]?.tagClass === asn1().Class.CONTEXT_SPECIFIC ? 1 : 0;
      const certIssuer = tbs[at + 2];
      return (
        c.serialNumber.replace(/^(00)+/, '').toUpperCase() === serialHex &&
        certIssuer !== undefined &&
        der(certIssuer).equals(issuerDer)
      );
    });
  }
  cert ??= certificates.length === 1 ? certificates[0] : undefined;
  if (!cert) {
    problems.push(P.noCert);
    return report;
  }
  report.signer = {
    name: cn(cert.subject),
    subject: cert.subject,
    issuer: cert.issuer,
    serialNumber: cert.serialNumber,
    validFrom: new Date(cert.validFrom),
    validTo: new Date(cert.validTo),
    selfSigned: cert.subject === cert.issuer && cert.verify(cert.publicKey),
    fingerprint256: cert.fingerprint256.replaceAll(':', '').toLowerCase(),
  };

  const hash = digestOid ? DIGESTS[digestOid] : undefined;
  if (!hash || !sigNode) {
    problems.push(P.algorithm);
    return report;
  }
  const content = Buffer.concat([pdf.subarray(b0, b0 + b1), pdf.subarray(b2, b2 + b3)]);
  const digest = createHash(hash).update(content).digest();
  const signature = Buffer.from(String(sigNode.value), 'binary');
  try {
    if (attrsNode) {
      let messageDigest: Buffer | undefined;
      for (const attr of children(attrsNode)) {
        const [type, values] = children(attr);
        const value = children(values)[0];
        if (oidOf(type) === OIDS.messageDigest)
          messageDigest = Buffer.from(String(value?.value ?? ''), 'binary');
        if (oidOf(type) === OIDS.signingTime && !report.signedAt && value) {
          report.signedAt =
            value.type === asn1().Type.UTCTIME
              ? asn1().utcTimeToDate(String(value.value))
              : asn1().generalizedTimeToDate(String(value.value));
        }
      }
      report.digestMatches = messageDigest?.equals(digest) ?? false;
      // Signed over the attributes as a SET OF (tag 0x31), not with their [0] tag.
      const toBeSigned = der(attrsNode);
      toBeSigned[0] = 0x31;
      report.signatureVerifies = cryptoVerify(hash, toBeSigned, cert.publicKey, signature);
    } else {
      // No signed attributes (old adbe.pkcs7 signers): the signature is over the content itself.
      report.digestMatches = true;
      report.signatureVerifies = cryptoVerify(hash, content, cert.publicKey, signature);
    }
  } catch {
    problems.push(P.algorithm);
    return report;
  }
  if (!report.digestMatches) problems.push(P.digest);
  if (!report.signatureVerifies) problems.push(P.signature);
  const when = report.signedAt ?? new Date();
  if (when < report.signer.validFrom || when > report.signer.validTo) problems.push(P.expired);
  report.valid = problems.length === 0;
  report.trusted = report.valid && chainsToAnchor(cert, certificates, anchors, when);
  return report;
}

export function verifyPdf(
  bytes: Uint8Array,
  opts: { trustAnchors?: readonly X509Certificate[] } = {},
): VerifyReport {
  const pdf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const sha256 = createHash('sha256').update(pdf).digest('hex');
  if (!pdf.subarray(0, 1024).includes('%PDF-'))
    return { sha256, valid: false, signatures: [], problem: P.notPdf };
  const found = locate(pdf);
  if (found.length === 0) return { sha256, valid: false, signatures: [], problem: P.unsigned };
  const signatures = found.map((f) => checkOne(pdf, f, opts.trustAnchors ?? []));
  return { sha256, valid: signatures.every((s) => s.valid), signatures, problem: null };
}
