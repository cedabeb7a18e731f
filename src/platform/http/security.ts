import type { FastifyHelmetOptions } from '@fastify/helmet';

/**
 * Browser features the pages may use: geolocation for this site only (forms offer "use my
 * position"); nothing else that reaches the phone's hardware or money.
 */
export const PERMISSIONS_POLICY = 'geolocation=(self), camera=(), microphone=(), payment=(), usb=()';

/**
 * Security headers for every response (`@fastify/helmet`). Pages carry no script of their own; any
 * script or style comes from this site's files (`script-src 'self'`, no inline script, no event
 * handler attributes). `style-src-attr 'unsafe-inline'` remains while some pages still carry
 * `style="…"` attributes (docs/decisions/018-platform-hardening.md); they can only restyle, never
 * run code. No page may be framed (`frame-ancestors 'none'`). HSTS only when the public address is
 * https, so a development machine on http is never pinned to https. `inlineStyles` are the hashes
 * (`'sha256-…'`) of the only `<style>` elements allowed: the stylesheet a first visit gets inline.
 */
export function helmetOptions(publicUrl: string, inlineStyles: string[] = []): FastifyHelmetOptions {
  const https = publicUrl.startsWith('https://');
  return {
    global: true,
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        objectSrc: ["'none'"],
        scriptSrc: ["'self'"],
        scriptSrcAttr: ["'none'"],
        styleSrc: ["'self'", ...inlineStyles],
        styleSrcAttr: ["'unsafe-inline'"],
        // data: for the empty favicon (`<link rel="icon" href="data:,">`) and the API docs' icons.
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'"],
        ...(https ? { upgradeInsecureRequests: [] } : {}),
      },
    },
    strictTransportSecurity: https ? { maxAge: 365 * 86400, includeSubDomains: false } : false,
    // Tracking links carry the proof (?so=…): never sent to another site.
    referrerPolicy: { policy: 'same-origin' },
    xFrameOptions: { action: 'deny' },
    crossOriginEmbedderPolicy: false,
  };
}
