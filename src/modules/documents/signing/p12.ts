import {
  createPrivateKey,
  generateKeyPairSync,
  randomBytes,
  sign as rsaSign,
  X509Certificate,
} from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type Forge from 'node-forge';
import { forge } from '../on-first-use.ts';
import {
  type CertificateSummary,
  padesSign,
  type Signer,
  type SignerIdentity,
  SigningUnavailable,
} from './signer.ts';

/**
 * The signer an operator configures: a PKCS#12 file (.p12 / .pfx) with the private key and its
 * certificate chain, as Vietnamese CAs deliver them for organisations. The file is read and
 * decrypted once per process, on first use.
 */

interface Loaded {
  key: ReturnType<typeof createPrivateKey>;
  /** Signer certificate first, then the rest of the chain (DER). */
  certificates: Buffer[];
}

/** Read a PKCS#12 with node-forge: the key and the certificate that matches it, then the chain. */
export function readP12(p12: Buffer, passphrase: string): Loaded {
  let parsed: Forge.pkcs12.Pkcs12Pfx;
  try {
    parsed = forge().pkcs12.pkcs12FromAsn1(forge().asn1.fromDer(p12.toString('binary')), false, passphrase);
  } catch (e) {
    throw new SigningUnavailable(
      `cannot open the PKCS#12 file (wrong passphrase or not a .p12): ${(e as Error).message}`,
    );
  }
  const oids = forge().pki.oids as Record<string, string>;
  const bagsOf = (type: string) => parsed.getBags({ bagType: type })[type] ?? [];
  const keyBag = [...bagsOf(oids.pkcs8ShroudedKeyBag as string), ...bagsOf(oids.keyBag as string)][0];
  const forgeKey = keyBag?.key as Forge.pki.rsa.PrivateKey | undefined;
  if (!forgeKey)
    throw new SigningUnavailable('the PKCS#12 file holds no private key (only RSA keys are supported)');
  const certs = bagsOf(oids.certBag as string).flatMap((b) => (b.cert ? [b.cert] : []));
  const mine = certs.find((c) => {
    const pub = c.publicKey as Forge.pki.rsa.PublicKey;
    return pub.n?.equals(forgeKey.n) && pub.e?.equals(forgeKey.e);
  });
  if (!mine) throw new SigningUnavailable('no certificate in the PKCS#12 file matches its private key');
  const der = (c: Forge.pki.Certificate) =>
    Buffer.from(forge().asn1.toDer(forge().pki.certificateToAsn1(c)).getBytes(), 'binary');
  return {
    key: createPrivateKey(forge().pki.privateKeyToPem(forgeKey)),
    certificates: [der(mine), ...certs.filter((c) => c !== mine).map(der)],
  };
}

export function summarise(certDer: Buffer): CertificateSummary {
  const x = new X509Certificate(certDer);
  return {
    subject: x.subject,
    issuer: x.issuer,
    serialNumber: x.serialNumber,
    validFrom: new Date(x.validFrom),
    validTo: new Date(x.validTo),
    fingerprint256: x.fingerprint256.replaceAll(':', '').toLowerCase(),
    selfSigned: x.subject === x.issuer && x.verify(x.publicKey),
  };
}

export class P12FileSigner implements Signer {
  private loaded: Promise<Loaded> | undefined;

  constructor(
    private readonly source:
      | { path: string; passphrase: string }
      | (() => Promise<{ p12: Buffer; passphrase: string }>),
  ) {}

  private load(): Promise<Loaded> {
    this.loaded ??= (async () => {
      const src =
        typeof this.source === 'function'
          ? await this.source()
          : { p12: await fs.readFile(this.source.path), passphrase: this.source.passphrase };
      return readP12(src.p12, src.passphrase);
    })();
    // A failed load (a missing file) is retried next time rather than remembered.
    this.loaded.catch(() => {
      this.loaded = undefined;
    });
    return this.loaded;
  }

  async describe() {
    const { certificates } = await this.load();
    return summarise(certificates[0] as Buffer);
  }

  async sign(pdf: Uint8Array, who: SignerIdentity, at: Date) {
    const { key, certificates } = await this.load();
    const cert = summarise(certificates[0] as Buffer);
    if (at < cert.validFrom || at > cert.validTo) {
      throw new SigningUnavailable(
        `the signing certificate is valid from ${cert.validFrom.toISOString()} to ${cert.validTo.toISOString()}`,
      );
    }
    return padesSign(pdf, who, at, {
      certificates,
      signAttributes: async (toBeSigned) => rsaSign('sha256', toBeSigned, key),
    });
  }
}

// ---------------------------------------------------------------------------------------------
// The demo certificate

// forge encodes UTF8String values itself: give it the JavaScript string.
const utf8 = (s: string) => ({
  value: s,
  valueTagClass: forge().asn1.Type.UTF8 as unknown as Forge.asn1.Class,
});

/**
 * A self-signed certificate for the demo commune, valid five years, as a PKCS#12 protected by
 * `passphrase`. The key pair comes from Node's crypto (native, fast); node-forge writes the
 * certificate and the PKCS#12.
 */
export function makeSelfSignedP12(opts: {
  commonName: string;
  organisation: string;
  passphrase: string;
  now?: Date;
}) {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const key = forge().pki.privateKeyFromPem(privateKey.export({ type: 'pkcs1', format: 'pem' }).toString());
  const cert = forge().pki.createCertificate();
  cert.publicKey = forge().pki.publicKeyFromPem(publicKey.export({ type: 'spki', format: 'pem' }).toString());
  // A positive serial: the top bit clear.
  cert.serialNumber = `01${randomBytes(15).toString('hex')}`;
  const now = opts.now ?? new Date();
  cert.validity.notBefore = new Date(now.getTime() - 24 * 3600_000);
  cert.validity.notAfter = new Date(now.getTime() + 5 * 365 * 24 * 3600_000);
  const name = [
    { shortName: 'CN', ...utf8(opts.commonName) },
    { shortName: 'O', ...utf8(opts.organisation) },
    { shortName: 'C', value: 'VN' },
  ];
  cert.setSubject(name);
  cert.setIssuer(name);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, nonRepudiation: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  cert.sign(key, forge().md.sha256.create());
  const p12 = forge().pkcs12.toPkcs12Asn1(key, [cert], opts.passphrase, { algorithm: '3des' });
  return Buffer.from(forge().asn1.toDer(p12).getBytes(), 'binary');
}

/**
 * The demo signer's files under `dir`: made on first use, kept for later starts. Two processes
 * starting together on one shared folder both write beside and link into place; the second
 * link fails and that process reads the first one's files.
 */
export async function ensureDemoP12(
  dir: string,
  who: { commonName: string; organisation: string; now?: Date },
) {
  const file = path.join(dir, 'demo-signer.p12');
  const passFile = path.join(dir, 'demo-signer.pass');
  const read = async () => ({
    p12: await fs.readFile(file),
    passphrase: (await fs.readFile(passFile, 'utf8')).trim(),
  });
  try {
    return await read();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  await fs.mkdir(dir, { recursive: true, mode: 0o700 });
  const passphrase = randomBytes(18).toString('base64url');
  const p12 = makeSelfSignedP12({ ...who, passphrase });
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
  await fs.writeFile(`${tmp}.pass`, passphrase, { mode: 0o600 });
  await fs.writeFile(tmp, p12, { mode: 0o600 });
  try {
    // The passphrase first: whoever sees the .p12 in place can read its passphrase.
    await fs.link(`${tmp}.pass`, passFile);
    await fs.link(tmp, file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  } finally {
    await fs.rm(tmp, { force: true });
    await fs.rm(`${tmp}.pass`, { force: true });
  }
  // Another process may have linked its passphrase and not yet its file.
  for (let i = 0; ; i++) {
    try {
      return await read();
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT' || i >= 50) throw e;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/**
 * Puts the demo signer's files out of use: moved into `dir/disabled-<time>/`, where nothing reads
 * them and from where an operator can still inspect them. The new folder, or undefined when there
 * was no demo certificate.
 */
export async function disableDemoP12(dir: string, now: Date): Promise<string | undefined> {
  const names = ['demo-signer.p12', 'demo-signer.pass'];
  const present = [];
  for (const n of names) {
    try {
      await fs.access(path.join(dir, n));
      present.push(n);
    } catch {
      // not there
    }
  }
  if (present.length === 0) return undefined;
  const aside = path.join(dir, `disabled-${now.toISOString().replace(/[:.]/g, '-')}`);
  await fs.mkdir(aside, { recursive: true, mode: 0o700 });
  for (const n of present) await fs.rename(path.join(dir, n), path.join(aside, n));
  return aside;
}
