import { freePort, timeStart } from '../children.ts';
import { scratchDir } from '../cleanup.ts';
import { compare, databaseKind, type Measure, median } from '../measure.ts';
import { APP, appEnv, BARE, NODE_FLAGS } from './app-process.ts';

export const coldStart: Measure = {
  name: 'cold-start',
  description: 'spawn → first 200 from /healthz for tsx src/main.ts on an existing data folder, median',
  async run(s) {
    const kind = databaseKind();
    const scratch = await scratchDir('start');
    const dataDir = scratch.path;
    try {
      const start = async (script: string, timeoutSeconds = s.startTimeoutSeconds) => {
        const port = await freePort();
        const env = appEnv({ DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1' });
        return (await timeStart(script, env, port, timeoutSeconds, NODE_FLAGS)).ms;
      };

      // Unmeasured first starts: the app's fills the data folder (migrations, the country's
      // administrative units, the demo commune), hence its longer allowance; both fill tsx's transform
      // cache and the OS file cache, which the measured starts then reuse, as a restart in production would.
      const firstStartMs = await start(APP, Math.max(s.startTimeoutSeconds, 300));
      await start(BARE);

      // Interleaved, so drift in the machine's load falls on both sides alike.
      const appMs: number[] = [];
      const bareMs: number[] = [];
      for (let i = 0; i < s.starts; i++) {
        bareMs.push(await start(BARE));
        appMs.push(await start(APP));
      }

      return compare({
        label: `cold-start (${kind})`,
        value: median(appMs),
        unit: 'ms',
        baseline: median(bareMs),
        baselineLabel: 'tsx + bare node http',
        higherIsBetter: false,
        details: {
          database: kind,
          nodeFlags: NODE_FLAGS,
          starts: s.starts,
          appMs,
          baselineMs: bareMs,
          firstStartMs,
        },
      });
    } finally {
      await scratch.remove();
    }
  },
};
