/**
 * Time to usable on a 2G link, in Chromium: the first contentful paint of a page whose form (or main
 * content) is there, with the network throttled as Chromium's DevTools does it (CDP
 * Network.emulateNetworkConditions: each request waits the latency, bodies flow at the given rate).
 * Used by test/browser/two-g.test.ts (which asserts what must hold) and by the bench (which
 * reports the times).
 */
import { createServer } from 'node:http';
import type { BrowserContext, Page } from 'playwright-core';

/** The 2G: 500 ms latency, 50 kbps down, 20 kbps up. CDP takes bytes per second. */
export const TWO_G = { latency: 500, downloadThroughput: 50_000 / 8, uploadThroughput: 20_000 / 8 };

/** What TCP's first round trip carries (initial window of 10 segments of 1,460 bytes, RFC 6928). */
export const FIRST_ROUND_TRIP_BYTES = 14_600;

/** The citizen pages and the element that makes each usable. */
export const CITIZEN_PAGES = [
  { name: 'home', path: '/', usable: 'main h1' },
  { name: 'search', path: '/thu-tuc?q=dang+ky+khai+sinh', usable: 'main form[action="/thu-tuc"]' },
  { name: 'procedure', path: '/thu-tuc/1.001193', usable: 'main a[href^="/thu-tuc/1.001193/nop"]' },
  { name: 'submission', path: '/thu-tuc/1.001193/nop?xa=06541', usable: 'main form[method="post"]' },
  { name: 'tracking', path: '/tra-cuu', usable: 'main form' },
] as const;

export interface RequestSeen {
  url: string;
  type: string;
  /** Chromium's own verdict: Blocking, InBodyParserBlocking, NonBlocking, … */
  renderBlocking: string | undefined;
  /** Milliseconds from the document's request to the end of this one, when it came over the network. */
  finishedMs: number | undefined;
  /** Bytes over the wire, headers included; 0 when served from the browser's cache. */
  bytes: number;
  fromCache: boolean;
}

export interface Visit {
  url: string;
  /** First contentful paint, ms from the start of navigation: when the page can be used. */
  usableMs: number;
  /** The usable element was in the page when it was painted (the HTML came in one piece). */
  usablePresent: boolean;
  document: RequestSeen;
  /** Every other request the page made. */
  others: RequestSeen[];
  /** The page's own HTML as received. */
  html: string;
}

/**
 * Open `url` in `page` on the throttled link and report when it was first painted and what it
 * asked for. The browser's cache and cookies are the context's: a first visit needs a new context.
 */
export async function visit(page: Page, url: string, usable: string): Promise<Visit> {
  const cdp = await page.context().newCDPSession(page);
  const seen = new Map<string, RequestSeen & { startedAt: number }>();
  let documentId: string | undefined;
  let documentAt = 0;
  cdp.on('Network.requestWillBeSent', (e) => {
    if (e.type === 'Document' && !documentId) {
      documentId = e.requestId;
      documentAt = e.timestamp;
    }
    seen.set(e.requestId, {
      url: e.request.url,
      type: e.type ?? 'Other',
      renderBlocking: (e as { renderBlockingBehavior?: string }).renderBlockingBehavior,
      finishedMs: undefined,
      bytes: 0,
      fromCache: false,
      startedAt: e.timestamp,
    });
  });
  cdp.on('Network.requestServedFromCache', (e) => {
    const r = seen.get(e.requestId);
    if (r) r.fromCache = true;
  });
  cdp.on('Network.responseReceived', (e) => {
    const r = seen.get(e.requestId);
    if (r && (e.response.fromDiskCache || e.response.fromPrefetchCache)) r.fromCache = true;
  });
  cdp.on('Network.loadingFinished', (e) => {
    const r = seen.get(e.requestId);
    if (!r) return;
    r.bytes = r.fromCache ? 0 : e.encodedDataLength;
    if (!r.fromCache) r.finishedMs = (e.timestamp - documentAt) * 1000;
  });
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', {
    offline: false,
    connectionType: 'cellular2g',
    ...TWO_G,
  });
  try {
    const response = await page.goto(url, { waitUntil: 'load' });
    const html = (await response?.text()) ?? '';
    // Paint entries are recorded after the frame: wait for it rather than read too early. (A string:
    // the test's TypeScript transform would wrap a function's inner names in a helper the page lacks.)
    const paint = (await page.evaluate(`new Promise((resolve) => {
      const seen = (list) => {
        const fcp = list.getEntriesByName('first-contentful-paint')[0];
        if (fcp) resolve(fcp.startTime);
      };
      new PerformanceObserver(seen).observe({ type: 'paint', buffered: true });
      setTimeout(() => resolve(undefined), 5000);
    })`)) as number | undefined;
    if (paint === undefined) throw new Error(`${url}: no first contentful paint`);
    const all = [...seen.entries()].map(([id, { startedAt: _, ...r }]) => ({ id, ...r }));
    const document = all.find((r) => r.id === documentId);
    if (!document) throw new Error(`${url}: the document request was not seen`);
    return {
      url,
      usableMs: paint,
      usablePresent: (await page.locator(usable).count()) > 0,
      document,
      others: all.filter((r) => r.id !== documentId),
      html,
    };
  } finally {
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: 0,
      downloadThroughput: -1,
      uploadThroughput: -1,
    });
    await cdp.detach().catch(() => {});
  }
}

/** A first visit (fresh context: no cache, no cookies), then a later one in the same context. */
export async function firstAndLater(context: BrowserContext, url: string, usable: string) {
  const page = await context.newPage();
  const first = await visit(page, url, usable);
  const later = await visit(page, url, usable);
  await page.close();
  return { first, later };
}

/**
 * The floor on this link: a page of one heading from a bare node:http server, first visit. What one
 * round trip costs before any of our bytes.
 */
export async function bareFloor(context: BrowserContext): Promise<number> {
  const body = '<!doctype html><html lang="vi"><meta charset="utf-8"><title>Xã Số</title><h1>Xã Số</h1>';
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const address = server.address();
    if (!address || typeof address === 'string') throw new Error('not listening on TCP');
    const page = await context.newPage();
    const v = await visit(page, `http://127.0.0.1:${address.port}/`, 'h1');
    await page.close();
    return v.usableMs;
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}
