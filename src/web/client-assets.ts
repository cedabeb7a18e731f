import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/**
 * Scripts and styles for the installable apps (the community teams' kit, the citizen's app): small
 * TypeScript entries bundled with esbuild when the server starts, named by their content's hash
 * (`/static/c/kit.3f9a0c1d2e.js`) so browsers and service workers may keep them for good, and
 * compressed once (brotli and gzip) instead of on every request. Decision 024.
 */
export interface ClientAsset {
  name: string;
  /** Where it is served: `/static/c/<name>.<hash>.<ext>`. */
  url: string;
  type: string;
  hash: string;
  body: Buffer;
  gzip: Buffer;
  br: Buffer;
}

const PREFIX = '/static/c/';
const assets = new Map<string, ClientAsset>();
const builds = new Map<string, Promise<ClientAsset>>();

/** What the bundles run on: the Chromium of cheap Android phones from about 2019, Firefox of 2020, Safari of iOS 15 (esbuild cannot lower destructuring for older Safari). */
export const BROWSER_TARGETS = ['chrome79', 'firefox78', 'safari15'];

function compress(body: Buffer) {
  return {
    gzip: gzipSync(body, { level: 9 }),
    br: brotliCompressSync(body, {
      params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: body.length },
    }),
  };
}

function remember(name: string, ext: string, type: string, body: Buffer): ClientAsset {
  const hash = createHash('sha256').update(body).digest('hex').slice(0, 10);
  const asset: ClientAsset = {
    name,
    url: `${PREFIX}${name}.${hash}.${ext}`,
    type,
    hash,
    body,
    ...compress(body),
  };
  assets.set(asset.url, asset);
  return asset;
}

/**
 * Bundle a TypeScript entry for browsers (minified; Preact JSX). `define` replaces globals at build
 * time (a service worker's precache list). Built once per process for the same entry and defines.
 */
export function bundleScript(
  name: string,
  entry: string,
  opts: { define?: Record<string, string>; format?: 'esm' | 'iife' } = {},
): Promise<ClientAsset> {
  const key = JSON.stringify([name, entry, opts]);
  let pending = builds.get(key);
  if (!pending) {
    pending = build({
      entryPoints: [entry],
      bundle: true,
      write: false,
      minify: true,
      format: opts.format ?? 'esm',
      platform: 'browser',
      target: BROWSER_TARGETS,
      jsx: 'automatic',
      jsxImportSource: 'preact',
      legalComments: 'none',
      charset: 'utf8',
      define: opts.define ?? {},
      logLevel: 'silent',
    }).then((r) => {
      const out = r.outputFiles[0];
      if (!out) throw new Error(`esbuild produced nothing for ${entry}`);
      return remember(name, 'js', 'text/javascript; charset=utf-8', Buffer.from(out.contents));
    });
    pending.catch(() => builds.delete(key));
    builds.set(key, pending);
  }
  return pending;
}

/** A stylesheet, minified. */
export function bundleStyle(name: string, file: string): Promise<ClientAsset> {
  const key = JSON.stringify([name, file]);
  let pending = builds.get(key);
  if (!pending) {
    pending = fs.readFile(file, 'utf8').then(async (css) => {
      const r = await build({
        stdin: { contents: css, loader: 'css' },
        write: false,
        minify: true,
        target: BROWSER_TARGETS,
        logLevel: 'silent',
      });
      return remember(name, 'css', 'text/css; charset=utf-8', Buffer.from(r.outputFiles[0]?.contents ?? ''));
    });
    builds.set(key, pending);
  }
  return pending;
}

/** Any other bytes served the same way (icons). */
export function staticAsset(name: string, ext: string, type: string, body: Buffer): ClientAsset {
  return remember(name, ext, type, body);
}

/** The encoding to send: brotli when the browser takes it, else gzip, else none. */
export function pickEncoding(acceptEncoding: string | undefined): 'br' | 'gzip' | undefined {
  const accepted = (acceptEncoding ?? '').toLowerCase();
  if (/\bbr\b/.test(accepted)) return 'br';
  if (/\bgzip\b/.test(accepted)) return 'gzip';
  return undefined;
}

/** Send bytes compressed ahead of time, as the browser asked. */
export function sendPrecompressed(
  req: FastifyRequest,
  reply: FastifyReply,
  a: { type: string; body: Buffer; gzip: Buffer; br: Buffer },
  cacheControl: string,
) {
  const encoding = pickEncoding(req.headers['accept-encoding']);
  reply
    .header('content-type', a.type)
    .header('cache-control', cacheControl)
    .header('vary', 'accept-encoding');
  if (encoding) reply.header('content-encoding', encoding);
  return reply.send(encoding === 'br' ? a.br : encoding === 'gzip' ? a.gzip : a.body);
}

const registered = new WeakSet<FastifyInstance>();

/** Serve every bundle at its hashed URL, for a year, immutable. Once per app. */
export function registerClientAssets(app: FastifyInstance) {
  if (registered.has(app)) return;
  registered.add(app);
  app.get(`${PREFIX}:file`, { schema: { hide: true } }, async (req, reply) => {
    const asset = assets.get(req.url.split('?')[0] ?? '');
    if (!asset) return reply.code(404).type('text/plain').send('Not found');
    return sendPrecompressed(req, reply, asset, 'public, max-age=31536000, immutable');
  });
}

// ---------------------------------------------------------------------------------------------
// Byte budgets (decision 024)

export interface BudgetLine {
  label: string;
  /** Bytes as sent over the network, compressed (brotli unless stated). */
  bytes: number;
}

export interface BudgetReport {
  lines: BudgetLine[];
  total: number;
  limit: number;
  ok: boolean;
  /** One line per item and the total, for test output and the decision record. */
  text: string;
}

/** Bytes of `body` once compressed as a browser would receive it. */
export function compressedSize(body: Buffer | string, encoding: 'br' | 'gzip' = 'br') {
  const b = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  return encoding === 'br' ? compress(b).br.length : gzipSync(b, { level: 6 }).length;
}

/** Add up what a first load costs and compare it with its budget. */
export function checkBudget(lines: BudgetLine[], limit: number): BudgetReport {
  const total = lines.reduce((n, l) => n + l.bytes, 0);
  const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
  const text = [
    ...lines.map((l) => `  ${l.label.padEnd(40)} ${kb(l.bytes).padStart(9)}`),
    `  ${'total'.padEnd(40)} ${kb(total).padStart(9)}  (budget ${kb(limit)})`,
  ].join('\n');
  return { lines, total, limit, ok: total <= limit, text };
}
