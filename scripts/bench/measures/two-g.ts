import { compare, type Measure, median } from '../measure.ts';

/**
 * Time to usable on 2G (500 ms latency, 50 kbps down, 20 kbps up, as Chromium emulates it) for the
 * citizen pages, first visits and later ones: the first contentful paint, median of BENCH_STARTS
 * visits each. Baseline: the same for a one-heading page from a bare node:http server, the floor of
 * one round trip on this link. Target: each page at most 1.5 s on a first visit.
 */
export const twoG: Measure = {
  name: 'two-g',
  description:
    'citizen pages, first contentful paint on emulated 2G, first and later visits, against a bare page',
  async run(s) {
    const { launchBrowser, newContext, startServer } = await import('#test/browser/support.ts');
    const { bareFloor, CITIZEN_PAGES, firstAndLater } = await import('#test/browser/two-g.ts');
    const browser = await launchBrowser();
    const server = await startServer();
    try {
      const fresh = () => newContext(browser, { baseURL: server.url });
      const floor: number[] = [];
      const pages = CITIZEN_PAGES.map((p) => ({
        ...p,
        first: [] as number[],
        later: [] as number[],
        bytes: 0,
      }));
      for (let i = 0; i < s.starts; i++) {
        const c = await fresh();
        floor.push(await bareFloor(c));
        await c.close();
        for (const p of pages) {
          const context = await fresh();
          const { first, later } = await firstAndLater(context, `${server.url}${p.path}`, p.usable);
          p.first.push(first.usableMs);
          p.later.push(later.usableMs);
          p.bytes = first.document.bytes;
          await context.close();
        }
      }
      const baseline = median(floor);
      const figures = pages.flatMap((p) => [
        {
          label: `2G ${p.name}, first visit`,
          value: median(p.first),
          unit: 'ms',
          baseline,
          baselineLabel: 'bare page, first visit',
          higherIsBetter: false,
        },
        {
          label: `2G ${p.name}, later visit`,
          value: median(p.later),
          unit: 'ms',
          baseline,
          baselineLabel: 'bare page, first visit',
          higherIsBetter: false,
        },
      ]);
      const slowest = pages.reduce((a, b) => (median(b.first) > median(a.first) ? b : a));
      return compare({
        label: `2G slowest first visit (${slowest.name})`,
        value: median(slowest.first),
        unit: 'ms',
        baseline,
        baselineLabel: 'bare page, first visit',
        higherIsBetter: false,
        details: {
          targetMs: 1500,
          visits: s.starts,
          floorMs: floor,
          pages: pages.map((p) => ({
            name: p.name,
            path: p.path,
            documentBytes: p.bytes,
            firstMs: p.first,
            laterMs: p.later,
          })),
        },
        more: figures,
      });
    } finally {
      await browser.close();
      await server.stop();
    }
  },
};
