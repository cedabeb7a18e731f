import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/**
 * A package loaded the first time a paper is drawn, signed or checked, not when the app starts:
 * pdf-lib with its font engine, the QR encoder, node-forge and signpdf are some 10 MB of a process's
 * heap and a second of its start, and most processes draw no paper for hours (decision 028).
 * Loaded synchronously (all are CommonJS), so the functions that use them keep their signatures.
 */
export function onFirstUse<T>(name: string): () => T {
  let loaded: T | undefined;
  return () => {
    loaded ??= require(name) as T;
    return loaded;
  };
}

export const pdfLib = onFirstUse<typeof import('pdf-lib')>('pdf-lib');
export const fontkit = onFirstUse<typeof import('@pdf-lib/fontkit')>('@pdf-lib/fontkit');
export const qrcode = onFirstUse<typeof import('qrcode')>('qrcode');
export const forge = onFirstUse<typeof import('node-forge')>('node-forge');
export const signpdf = onFirstUse<typeof import('@signpdf/signpdf')>('@signpdf/signpdf');
export const signpdfPlaceholder = onFirstUse<typeof import('@signpdf/placeholder-pdf-lib')>(
  '@signpdf/placeholder-pdf-lib',
);
