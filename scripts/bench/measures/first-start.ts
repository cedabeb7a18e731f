import { freePort, timeStart } from '../children.ts';
import { scratchDir } from '../cleanup.ts';
import { compare, databaseKind, type Measure, median } from '../measure.ts';
import { APP, appEnv, BARE, NODE_FLAGS } from './app-process.ts';

/** Start-up steps as main.ts logs them ('Xã Số is listening', `startup`: ms since the process began). */
function stepsOf(output: string): Record<string, number> | undefined {
  for (const line of output.split('\n')) {
    if (!line.includes('"startup"')) continue;
    try {
      const startup = (JSON.parse(line) as { startup?: Record<string, number> }).startup;
      if (!startup) continue;
      // Each step's own duration: the difference from the step before it.
      let before = 0;
      return Object.fromEntries(
        Object.entries(startup).map(([step, at]) => {
          const ms = at - before;
          before = at;
          return [step, ms];
        }),
      );
    } catch {}
  }
  return undefined;
}

/**
 * A commune box's first start: spawn → first 200 from /healthz for `tsx src/main.ts` on an empty
 * data folder (PGlite's initdb, the migrations, the country's 14,000 administrative units, the demo
 * commune), median of BENCH_STARTS, each on a new folder; with the time each step took, from the
 * app's own log. Baseline: the bare node:http server started the same way. Target: 10 s.
 */
export const firstStart: Measure = {
  name: 'first-start',
  description:
    'spawn → first 200 from /healthz for tsx src/main.ts on an empty data folder, median, with its steps',
  async run(s) {
    const kind = databaseKind();
    if (kind !== 'pglite') throw new Error('the first-start measure is for PGlite: unset DATABASE_URL');
    const appMs: number[] = [];
    const bareMs: number[] = [];
    const steps: Record<string, number>[] = [];
    const start = async (script: string) => {
      const scratch = await scratchDir('first-start');
      try {
        const port = await freePort();
        const env = appEnv({
          DATA_DIR: scratch.path,
          PORT: String(port),
          HOST: '127.0.0.1',
          LOG_LEVEL: 'info',
          MQTT_PORT: '0',
        });
        return await timeStart(script, env, port, Math.max(s.startTimeoutSeconds, 300), NODE_FLAGS);
      } finally {
        await scratch.remove();
      }
    };
    // One unmeasured start of each fills tsx's transform cache and the OS file cache, as the
    // installation would have before a box's first real start.
    await start(BARE);
    await start(APP);
    for (let i = 0; i < s.starts; i++) {
      bareMs.push((await start(BARE)).ms);
      const app = await start(APP);
      appMs.push(app.ms);
      const st = stepsOf(app.output);
      if (st) steps.push(st);
    }
    const stepMedians = Object.fromEntries(
      Object.keys(steps[0] ?? {}).map((k) => [k, median(steps.map((x) => x[k] ?? 0))]),
    );
    return compare({
      label: 'first start (pglite)',
      value: median(appMs),
      unit: 'ms',
      baseline: median(bareMs),
      baselineLabel: 'tsx + bare node http',
      higherIsBetter: false,
      details: {
        targetMs: 10_000,
        nodeFlags: NODE_FLAGS,
        appMs,
        baselineMs: bareMs,
        stepsMs: stepMedians,
        steps,
      },
    });
  },
};
