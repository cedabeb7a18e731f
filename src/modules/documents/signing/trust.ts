import { X509Certificate } from 'node:crypto';
import fs from 'node:fs/promises';

/**
 * The province's trust list: CA certificates (PEM, one file) an operator names in
 * `SIGNING_TRUST_ANCHORS`. A signature whose certificate chains to one of them counts as valid on
 * the verify page even when the document was not issued by this platform (a paper signed by the
 * province's other systems with a certificate of a licensed CA). Why a file and not an admin page:
 * decision 029.
 */

const PEM = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/** Every certificate in a PEM bundle; a bundle with none is a configuration mistake. */
export function parseTrustAnchors(pem: string, source = 'the trust list'): X509Certificate[] {
  const blocks = pem.match(PEM) ?? [];
  if (blocks.length === 0) throw new Error(`${source} holds no PEM certificate`);
  return blocks.map((b, i) => {
    try {
      return new X509Certificate(b);
    } catch (e) {
      throw new Error(`${source}: certificate ${i + 1} cannot be read: ${(e as Error).message}`);
    }
  });
}

/** The anchors from config, read once per process (an unset path: none). */
export function trustAnchorsFromFile(path: string | undefined): () => Promise<X509Certificate[]> {
  let loaded: Promise<X509Certificate[]> | undefined;
  return () => {
    if (!path) return Promise.resolve([]);
    loaded ??= fs
      .readFile(path, 'utf8')
      .then((pem) => parseTrustAnchors(pem, `SIGNING_TRUST_ANCHORS (${path})`));
    return loaded;
  };
}

const validAt = (c: X509Certificate, at: Date) => at >= new Date(c.validFrom) && at <= new Date(c.validTo);

/**
 * Whether `leaf` chains to one of `anchors` at time `at`: each link's signature verifies with the
 * next certificate's key, every certificate was valid at `at`, and every issuer on the way is a CA.
 * Intermediates come from `pool` (the certificates the signature carries). The leaf itself being on
 * the list also counts (a province may list a system's own signing certificate).
 */
export function chainsToAnchor(
  leaf: X509Certificate,
  pool: readonly X509Certificate[],
  anchors: readonly X509Certificate[],
  at: Date,
): boolean {
  if (anchors.length === 0 || !validAt(leaf, at)) return false;
  const isAnchor = (c: X509Certificate) => anchors.some((a) => a.fingerprint256 === c.fingerprint256);
  const issues = (issuer: X509Certificate, c: X509Certificate) =>
    issuer.ca && c.checkIssued(issuer) && c.verify(issuer.publicKey) && validAt(issuer, at);
  let current = leaf;
  const seen = new Set<string>();
  for (let depth = 0; depth < 8; depth++) {
    if (isAnchor(current)) return true;
    if (anchors.some((a) => issues(a, current))) return true;
    seen.add(current.fingerprint256);
    const next = pool.find((c) => !seen.has(c.fingerprint256) && issues(c, current));
    if (!next) return false;
    current = next;
  }
  return false;
}
