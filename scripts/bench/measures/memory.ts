import fs from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { type ProbedProcess, startProbed } from '../children.ts';
import { scratchDir } from '../cleanup.ts';
import { type Holder, holders, type SamplingProfile } from '../heap-profile.ts';
import { compare, type Measure, ROOT } from '../measure.ts';
import type { MemoryReport } from '../memory-probe.ts';
import { fileDossier, runTraffic, signIn, staffAct } from '../traffic.ts';
import { appEnv, BARE, NODE_FLAGS } from './app-process.ts';

const MB = 1024 * 1024;
const mb = (n: number) => Math.round((n / MB) * 10) / 10;

/** Seconds of mixed traffic (the figure is 10 minutes; shorten for development). */
const TRAFFIC_SECONDS = Number(process.env.BENCH_MEMORY_SECONDS ?? 600);
/** Quiet seconds after a start or after the traffic before "idle" is read. */
const IDLE_SECONDS = Number(process.env.BENCH_MEMORY_IDLE_SECONDS ?? 10);
const CLIENTS = 4;
export const PROFILE_FILE = path.join(ROOT, '.data/bench/memory.heapprofile');

function breakdown(m: MemoryReport) {
  return {
    rssMB: mb(m.rss),
    anonMB: mb(m.rssAnon),
    fileMB: mb(m.rssFile),
    peakMB: mb(m.hwm),
    heapUsedMB: mb(m.heapUsed),
    heapTotalMB: mb(m.heapTotal),
    newSpaceMB: mb(m.spaces.new_space ?? 0),
    externalMB: mb(m.external),
    arrayBuffersMB: mb(m.arrayBuffers),
  };
}

async function idle(p: ProbedProcess) {
  await sleep(IDLE_SECONDS * 1000);
  return (await p.ask('memory')).memory as MemoryReport;
}

/**
 * Resident memory of one app process on PGlite (`src/main.ts`, as started in production, on a data
 * folder its first start filled): idle after a restart, then at the end of mixed traffic and at its
 * peak. Baseline: the bare node:http server started the same way, idle. With the app's idle figure
 * come V8's sampling heap profile of what is alive (written to .data/bench/memory.heapprofile, for
 * Chrome's DevTools) and its largest holders by package or module.
 */
export const memory: Measure = {
  name: 'memory',
  description: `resident memory of one app process on PGlite, idle after start and after ${TRAFFIC_SECONDS}s of mixed traffic (BENCH_MEMORY_SECONDS)`,
  async run(s) {
    if (process.env.DATABASE_URL) throw new Error('the memory measure is for PGlite: unset DATABASE_URL');
    const scratch = await scratchDir('memory');
    const started: ProbedProcess[] = [];
    const start = async (script: string, env: NodeJS.ProcessEnv) => {
      const p = await startProbed(script, {
        env,
        nodeFlags: NODE_FLAGS,
        timeoutSeconds: Math.max(s.startTimeoutSeconds, 300),
      });
      started.push(p);
      return p;
    };
    try {
      // Any free port for the embedded broker: on a shared machine 1883 may be taken, and the app
      // would then run without its broker (and without the memory the broker holds).
      const env = appEnv({ DATA_DIR: scratch.path, TRUST_PROXY: 'true', MQTT_PORT: '0' });
      // First start: migrations, the administrative units, the demo commune. Not measured here.
      const first = await start('src/main.ts', env);
      const firstPeak = first.resident().hwm;
      await first.stop();

      const bare = await start(BARE, env);
      const bareIdle = await idle(bare);
      await bare.stop();

      await fs.mkdir(path.dirname(PROFILE_FILE), { recursive: true });
      const app = await start('src/main.ts', { ...env, BENCH_HEAP_PROFILE: PROFILE_FILE });
      const startPeak = app.resident().hwm;
      const appIdle = await idle(app);

      // One dossier taken to approval, so the approver can preview its result (pdf-lib, fonts, QR).
      const staff = async (username: string) => signIn(app.origin, username, 'xaso-demo-2026');
      const staffCookie = await staff('lanhdao');
      const approved = await fileDossier(app.origin, `bench-memory-approved-${Date.now()}`);
      const desk = await staff('motcua');
      await staffAct(app.origin, desk, approved, 'receive');
      await staffAct(app.origin, desk, approved, 'assign');
      await staffAct(app.origin, await staff('chuyenvien'), approved, 'submit_for_approval');
      await staffAct(app.origin, staffCookie, approved, 'approve');
      let trafficPeak = 0;
      const cpuBefore = app.cpu();
      const traffic = await runTraffic({
        origin: app.origin,
        seconds: TRAFFIC_SECONDS,
        clients: CLIENTS,
        staffCookie,
        approved,
        tick: () => {
          trafficPeak = Math.max(trafficPeak, app.resident().rss);
        },
      });
      const cpuAfter = app.cpu();
      const loaded = (await app.ask('memory')).memory as MemoryReport;
      trafficPeak = Math.max(trafficPeak, loaded.rss);
      const afterIdle = await idle(app);
      await app.ask('profile');
      const profile = JSON.parse(await fs.readFile(PROFILE_FILE, 'utf8')) as SamplingProfile;
      const live = holders(profile);
      await app.stop();
      if (Object.keys(traffic.failures).length)
        throw new Error(`traffic failed: ${JSON.stringify(traffic.failures)}`);

      return compare({
        label: 'memory idle (pglite)',
        value: mb(appIdle.rss),
        unit: 'MB',
        baseline: mb(bareIdle.rss),
        baselineLabel: 'bare node http, idle',
        higherIsBetter: false,
        details: {
          target: { idleMB: 256, loadedMB: 384 },
          nodeFlags: NODE_FLAGS,
          idle: breakdown(appIdle),
          loaded: { ...breakdown(loaded), peakDuringTrafficMB: mb(trafficPeak) },
          idleAfterTraffic: breakdown(afterIdle),
          peakDuringStartMB: mb(startPeak),
          peakDuringFirstStartMB: mb(firstPeak),
          bare: breakdown(bareIdle),
          traffic: {
            seconds: TRAFFIC_SECONDS,
            clients: CLIENTS,
            ...traffic,
            // The app's CPU per request of the mix: what the flags and the memory settings cost.
            cpuMsPerRequest: {
              process: (cpuAfter.processMs - cpuBefore.processMs) / traffic.requests,
              mainThread: (cpuAfter.mainThreadMs - cpuBefore.mainThreadMs) / traffic.requests,
            },
          },
          heapProfile: {
            file: path.relative(ROOT, PROFILE_FILE),
            liveSampledMB: mb(live.total),
            holders: live.holders.map((h: Holder) => ({ holder: h.holder, MB: mb(h.bytes) })),
          },
        },
        more: [
          {
            label: 'memory after traffic (pglite)',
            value: mb(loaded.rss),
            unit: 'MB',
            baseline: mb(bareIdle.rss),
            baselineLabel: 'bare node http, idle',
            higherIsBetter: false,
          },
        ],
      });
    } finally {
      for (const p of started) await p.stop().catch(() => {});
      await scratch.remove();
    }
  },
};
