/**
 * One round trip on 2G (issue 19): each citizen page is usable after the first round trip of a first
 * visit. Its HTML carries the CSS it needs (inline, in its head) and fits in TCP's first window, and
 * nothing else holds back the first paint; the stylesheet comes along after it, and later visits
 * take it from the cache instead of the inline copy. The times are printed, not asserted: on a
 * shared machine they drift; `npm run bench -- two-g` reports them against a bare page.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext } from 'playwright-core';
import { browserSkipReason, launchBrowser, newContext, type RunningServer, startServer } from './support.ts';
import { CITIZEN_PAGES, FIRST_ROUND_TRIP_BYTES, firstAndLater, type Visit } from './two-g.ts';

/**
 * Chromium's verdict for a request that holds back rendering. The stylesheet link at the end of the
 * body is reported InBodyParserBlocking: it stops the parser there, after all the content; the test
 * checks that the paint did not wait for it.
 */
const BLOCKING = new Set(['Blocking']);

/**
 * Styles that only the stylesheet sets, read from the page as painted; with `inlineOnly`, the
 * stylesheet file is refused, so only the inline copy can have styled it.
 */
async function looks(context: BrowserContext, url: string, inlineOnly = false) {
  const page = await context.newPage();
  if (inlineOnly) await page.route('**/static/app.css*', (route) => route.abort());
  await page.goto(url);
  // A string: the test's TypeScript transform would wrap inner function names in a helper the page lacks.
  const r = (await page.evaluate(`(() => {
    const style = (selector, props) => {
      const el = document.querySelector(selector);
      if (!el) return null;
      const s = getComputedStyle(el);
      return props.map((p) => s.getPropertyValue(p)).join(' | ');
    };
    return {
      header: style('header.top', ['background-color', 'display', 'padding']),
      main: style('main', ['max-width', 'padding']),
      body: style('body', ['font-family', 'background-color']),
    };
  })()`)) as Record<'header' | 'main' | 'body', string | null>;
  await page.close();
  return r;
}

describe('one round trip on 2G', { skip: browserSkipReason() }, () => {
  let browser: Browser;
  let server: RunningServer;
  const contexts: BrowserContext[] = [];
  const context = async () => {
    const c = await newContext(browser, { baseURL: server.url });
    contexts.push(c);
    return c;
  };

  before(async () => {
    browser = await launchBrowser();
    server = await startServer();
  });
  after(async () => {
    for (const c of contexts) await c.close().catch(() => {});
    await browser?.close();
    if (server) assert.equal(await server.stop(), 0, `the server did not stop cleanly:\n${server.output()}`);
  });

  for (const p of CITIZEN_PAGES) {
    it(`when the ${p.name} page is first opened, then its HTML with its CSS fits the first round trip and nothing else blocks the first paint; a later visit takes the stylesheet from the cache`, async () => {
      const { first, later } = await firstAndLater(await context(), `${server.url}${p.path}`, p.usable);
      console.log(
        `${p.name}: usable after ${Math.round(first.usableMs)} ms on a first visit (document ${first.document.bytes} bytes), ${Math.round(later.usableMs)} ms later`,
      );
      const head = first.html.slice(0, first.html.indexOf('</head>'));
      assert.match(head, /<style>[^<]*\.top\s*\{/, 'the first visit has its CSS inline in the head');
      assert.doesNotMatch(head, /<link rel="stylesheet"/, 'and no stylesheet to wait for in the head');
      assert.ok(
        first.document.bytes <= FIRST_ROUND_TRIP_BYTES,
        `the HTML took ${first.document.bytes} bytes: more than the first round trip carries (${FIRST_ROUND_TRIP_BYTES})`,
      );
      assert.ok(first.usablePresent, `${p.usable} is on the page`);
      const blocking = first.others.filter((r) => BLOCKING.has(r.renderBlocking ?? ''));
      assert.deepEqual(
        blocking.map((r) => `${r.url} (${r.renderBlocking})`),
        [],
        'no request holds back the first paint',
      );
      const before = first.others.filter((r) => r.finishedMs !== undefined && r.finishedMs < first.usableMs);
      assert.deepEqual(
        before.map((r) => `${r.url} at ${Math.round(r.finishedMs ?? 0)} ms`),
        [],
        `the page was painted (at ${Math.round(first.usableMs)} ms) before anything else arrived`,
      );
      assert.ok(
        first.others.some((r) => r.type === 'Stylesheet' && r.bytes > 0),
        'the stylesheet is fetched on the first visit, for the next ones',
      );

      assertLater(later);
    });
  }

  it('when a page is styled inline on a first visit, then it looks as it does with the stylesheet', async () => {
    const c = await context();
    const inline = await looks(c, '/tra-cuu', true);
    const linked = await looks(c, '/tra-cuu');
    assert.ok(inline.header && inline.main && inline.body, 'the elements are there');
    assert.deepEqual(inline, linked);
  });
});

function assertLater(later: Visit) {
  const head = later.html.slice(0, later.html.indexOf('</head>'));
  assert.match(
    head,
    /<link rel="stylesheet" href="\/static\/app\.css\?v=/,
    'a later visit links the stylesheet',
  );
  assert.doesNotMatch(later.html, /<style>/, 'and has no inline copy');
  const sheet = later.others.find((r) => r.type === 'Stylesheet');
  assert.ok(sheet?.fromCache, `the stylesheet came from the cache: ${JSON.stringify(sheet)}`);
}
