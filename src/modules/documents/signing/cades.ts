import { createHash } from 'node:crypto';
import type Forge from 'node-forge';
import { forge } from '../on-first-use.ts';

/**
 * CMS SignedData for a PAdES baseline B-B signature (ETSI EN 319 142-1), built with node-forge's
 * ASN.1 writer: signed attributes content-type, message-digest and ESS signing-certificate-v2 (the
 * hash of the signer's certificate, so it cannot be swapped); no signing-time attribute — PAdES
 * puts the claimed time in the signature dictionary's /M. The signature itself comes from a
 * callback, so a key in a file, a token or a remote signing service can make it.
 */

// node-forge, loaded with the first signature (see on-first-use.ts).
const asn1 = () => forge().asn1;
const U = () => asn1().Class.UNIVERSAL;
const T = () => asn1().Type;

export const OIDS = {
  data: '1.2.840.113549.1.7.1',
  signedData: '1.2.840.113549.1.7.2',
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingTime: '1.2.840.113549.1.9.5',
  signingCertificateV2: '1.2.840.113549.1.9.16.2.47',
  sha256: '2.16.840.1.101.3.4.2.1',
  rsaEncryption: '1.2.840.113549.1.1.1',
} as const;

const oid = (o: string) => asn1().create(U(), T().OID, false, asn1().oidToDer(o).getBytes());
const octets = (b: Buffer) => asn1().create(U(), T().OCTETSTRING, false, b.toString('binary'));
const int = (n: number) => asn1().create(U(), T().INTEGER, false, String.fromCharCode(n));
const seq = (v: Forge.asn1.Asn1[]) => asn1().create(U(), T().SEQUENCE, true, v);
const set = (v: Forge.asn1.Asn1[]) => asn1().create(U(), T().SET, true, v);
const nul = () => asn1().create(U(), T().NULL, false, '');
const der = (node: Forge.asn1.Asn1) => Buffer.from(asn1().toDer(node).getBytes(), 'binary');
const fromDer = (b: Buffer) => asn1().fromDer(forge().util.createBuffer(b.toString('binary')));

function attribute(type: string, value: Forge.asn1.Asn1) {
  return seq([oid(type), set([value])]);
}

/** issuer and serialNumber, copied as encoded in the certificate (re-encoding could alter them). */
function issuerAndSerial(certDer: Buffer) {
  const cert = fromDer(certDer);
  const tbs = (cert.value as Forge.asn1.Asn1[])[0] as Forge.asn1.Asn1;
  const fields = tbs.value as Forge.asn1.Asn1[];
  // tbsCertificate: [0] version (present in v3), serialNumber, signature, issuer, …
  const first = fields[0] as Forge.asn1.Asn1;
  const at = first.tagClass === asn1().Class.CONTEXT_SPECIFIC ? 1 : 0;
  return seq([fields[at + 2] as Forge.asn1.Asn1, fields[at] as Forge.asn1.Asn1]);
}

/** DER SET OF: elements in ascending order of their encodings (X.690 §11.6). */
function derSetOf(nodes: Forge.asn1.Asn1[]) {
  const encoded = nodes.map((n) => ({ n, d: der(n) }));
  encoded.sort((a, b) => Buffer.compare(a.d, b.d));
  return encoded.map((e) => e.n);
}

export interface CadesInput {
  /** The bytes the signature covers: for a PDF, the two ByteRange pieces joined. */
  content: Buffer;
  /** The signer's certificate first, then any chain certificates to embed (DER). */
  certificates: Buffer[];
  /**
   * Sign the DER of the signed attributes (PKCS#1 v1.5 over SHA-256): the one step that needs the
   * private key, wherever it is kept.
   */
  signAttributes: (toBeSigned: Buffer) => Promise<Buffer>;
}

/** The DER-encoded ContentInfo with a detached SignedData, ready for the PDF's /Contents. */
export async function buildCades(input: CadesInput): Promise<Buffer> {
  const [signerCert] = input.certificates;
  if (!signerCert) throw new Error('a CAdES signature needs the signer certificate');
  const digest = createHash('sha256').update(input.content).digest();
  const certHash = createHash('sha256').update(signerCert).digest();
  const attrs = derSetOf([
    attribute(OIDS.contentType, oid(OIDS.data)),
    attribute(OIDS.messageDigest, octets(digest)),
    // SigningCertificateV2 ::= SEQUENCE { certs SEQUENCE OF ESSCertIDv2 }; ESSCertIDv2 with the
    // default hash algorithm (SHA-256) omitted, as DER requires.
    attribute(OIDS.signingCertificateV2, seq([seq([seq([octets(certHash)])])])),
  ]);
  // The signature covers the attributes encoded as a SET (tag 0x31); in the SignerInfo they are
  // written with the implicit [0] tag.
  const toBeSigned = der(set(attrs));
  const signature = await input.signAttributes(toBeSigned);
  const sha256 = seq([oid(OIDS.sha256), nul()]);
  const signerInfo = seq([
    int(1),
    issuerAndSerial(signerCert),
    sha256,
    asn1().create(asn1().Class.CONTEXT_SPECIFIC, 0, true, attrs),
    seq([oid(OIDS.rsaEncryption), nul()]),
    octets(signature),
  ]);
  const signedData = seq([
    int(1),
    set([seq([oid(OIDS.sha256), nul()])]),
    seq([oid(OIDS.data)]),
    asn1().create(
      asn1().Class.CONTEXT_SPECIFIC,
      0,
      true,
      input.certificates.map((c) => fromDer(c)),
    ),
    set([signerInfo]),
  ]);
  return der(
    seq([oid(OIDS.signedData), asn1().create(asn1().Class.CONTEXT_SPECIFIC, 0, true, [signedData])]),
  );
}
