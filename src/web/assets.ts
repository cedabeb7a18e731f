import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const STATIC_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'static');

const css = fs.readFileSync(path.join(STATIC_DIR, 'app.css'), 'utf8');

// The stylesheet's URL carries its hash, so browsers may cache it for a year and still see changes.
const cssHash = createHash('sha256').update(css).digest('hex').slice(0, 10);
export const CSS_HREF = `/static/app.css?v=${cssHash}`;

/**
 * A first visit gets the stylesheet inline, in the HTML's first round trip: on 2G a second request
 * before the first paint costs half a second of latency and more (decision 028). The whole file is
 * the critical CSS: it is 3 KB, about 1 KB compressed. The file itself is fetched after the first
 * paint, for the visits that follow.
 */
export const INLINE_CSS = css;

/**
 * The inline stylesheet as a Content-Security-Policy source: `style-src 'self' ${INLINE_CSS_SOURCE}`
 * allows exactly this stylesheet inline, and no other (computed here, at start, from the file).
 */
export const INLINE_CSS_SOURCE = `'sha256-${createHash('sha256').update(css).digest('base64')}'`;

/**
 * Set once the browser has been sent the stylesheet's file: its value is the version it got, so a
 * changed stylesheet is inlined again once.
 */
export const CSS_COOKIE = 'xs_css';
export const CSS_VERSION = cssHash;
