import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import sharp from 'sharp';
import {
  bundleScript,
  type ClientAsset,
  compressedSize,
  sendPrecompressed,
  staticAsset,
} from './client-assets.ts';

/**
 * An installable web app over server-rendered pages (decision 024): a manifest, icons and a
 * service worker served under the app's scope. The service worker is a small entry of the app's
 * own (built on `src/web/client/sw-core.ts`) bundled with its precache list and version, so its
 * bytes change whenever anything it caches changes, and browsers see the update.
 */
export interface PwaOptions {
  /** The path the app controls, with a trailing slash: `/to-cong-nghe/`. */
  scope: string;
  name: string;
  shortName: string;
  description: string;
  lang: string;
  startUrl: string;
  themeColor: string;
  /** The service worker's TypeScript entry. */
  serviceWorker: string;
  /** URLs to cache at install (hashed assets, the app shell). */
  precache: string[];
  /** The page served for the app's own navigations when the network is not asked (its shell). */
  shell: string;
  /** Regular expressions (as text) for the paths whose navigations get the shell. */
  shellRoutes: string[];
}

export interface Pwa {
  manifestUrl: string;
  swUrl: string;
  icon: ClientAsset;
  serviceWorker: ClientAsset;
  /** What the service worker caches, for budgets: URL → bytes as sent (brotli). */
  version: string;
}

async function icon(size: number, color: string) {
  // A house under a roof, drawn with shapes only (no font to depend on).
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}" viewBox="0 0 100 100">
<rect width="100" height="100" rx="18" fill="${color}"/>
<path d="M50 18 L84 48 L74 48 L74 82 L26 82 L26 48 L16 48 Z" fill="#fff"/>
<rect x="42" y="58" width="16" height="24" fill="${color}"/></svg>`;
  return sharp(Buffer.from(svg)).png({ compressionLevel: 9, palette: true }).toBuffer();
}

const pwas = new Map<string, Promise<Pwa & { manifest: ClientAsset; icon512: ClientAsset }>>();

function prepare(opts: PwaOptions) {
  const key = JSON.stringify(opts);
  let p = pwas.get(key);
  if (!p) {
    p = (async () => {
      const icon192 = staticAsset(
        `icon-192-${opts.themeColor.slice(1)}`,
        'png',
        'image/png',
        await icon(192, opts.themeColor),
      );
      const icon512 = staticAsset(
        `icon-512-${opts.themeColor.slice(1)}`,
        'png',
        'image/png',
        await icon(512, opts.themeColor),
      );
      const manifestBody = Buffer.from(
        JSON.stringify({
          name: opts.name,
          short_name: opts.shortName,
          description: opts.description,
          lang: opts.lang,
          start_url: opts.startUrl,
          scope: opts.scope,
          display: 'standalone',
          background_color: '#fafaf7',
          theme_color: opts.themeColor,
          icons: [
            { src: icon192.url, sizes: '192x192', type: 'image/png', purpose: 'any maskable' },
            { src: icon512.url, sizes: '512x512', type: 'image/png', purpose: 'any maskable' },
          ],
        }),
      );
      const manifest = staticAsset(
        `manifest-${opts.shortName.replace(/\W+/g, '')}`,
        'webmanifest',
        'application/manifest+json',
        manifestBody,
      );
      const precache = [...new Set([opts.shell, manifest.url, icon192.url, ...opts.precache])];
      const version = createHash('sha256').update(JSON.stringify(precache)).digest('hex').slice(0, 12);
      const serviceWorker = await bundleScript(`sw-${version}`, opts.serviceWorker, {
        format: 'iife',
        define: {
          __SW_CONFIG__: JSON.stringify({
            version,
            scope: opts.scope,
            precache,
            shell: opts.shell,
            shellRoutes: opts.shellRoutes,
          }),
        },
      });
      return {
        manifestUrl: manifest.url,
        swUrl: `${opts.scope}sw.js`,
        icon: icon192,
        icon512,
        manifest,
        serviceWorker,
        version,
      };
    })();
    pwas.set(key, p);
  }
  return p;
}

/**
 * Serve the app's service worker at `<scope>sw.js` (revalidated on every check, so an update is
 * seen at once) and build its manifest and icons. Returns what pages link to.
 */
export async function registerPwa(app: FastifyInstance, opts: PwaOptions): Promise<Pwa> {
  const pwa = await prepare(opts);
  app.get(`${opts.scope}sw.js`, { schema: { hide: true } }, async (req, reply) =>
    sendPrecompressed(req, reply, pwa.serviceWorker, 'no-cache'),
  );
  return pwa;
}

/** Bytes a list of assets costs over the network (brotli), for budgets. */
export function sentBytes(assets: ClientAsset[]) {
  return assets.map((a) => ({ label: a.url, bytes: a.br.length }));
}

export { compressedSize };
