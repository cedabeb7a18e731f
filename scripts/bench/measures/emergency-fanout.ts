import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { connectAsync, type MqttClient } from 'mqtt';
import { UNITS } from '../bench-app.ts';
import { scratchDir } from '../cleanup.ts';
import { cpuProfiled } from '../cpu-profile.ts';
import { startDevices } from '../devices-client.ts';
import { compare, type Measure, median } from '../measure.ts';
import { startMosquitto } from '../mosquitto.ts';

const COMMUNE = '06541';
const DEVICES = Number(process.env.BENCH_DEVICES ?? 10_000);
const VILLAGES = 10;
const BARE_USERNAME = 'bench-bare';

function percentile(xs: number[], p: number) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] as number;
}

const now = () => performance.timeOrigin + performance.now();

/**
 * What is left running in this process when the measure starts (timers, sockets, child processes
 * of earlier measures), and how big the heap is: load that leaks from one measure into the next
 * shows here first.
 */
function inheritedLoad() {
  const resources: Record<string, number> = {};
  for (const r of process.getActiveResourcesInfo()) resources[r] = (resources[r] ?? 0) + 1;
  const m = process.memoryUsage();
  return { resources, heapUsedMB: Math.round(m.heapUsed / 1e6), rssMB: Math.round(m.rss / 1e6) };
}

/** Garbage collection and event-loop delay in this process while `fn` runs. */
async function watched<T>(fn: () => Promise<T>) {
  const gc = { count: 0, totalMs: 0, maxMs: 0 };
  const obs = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      gc.count++;
      gc.totalMs += e.duration;
      gc.maxMs = Math.max(gc.maxMs, e.duration);
    }
  });
  obs.observe({ entryTypes: ['gc'] });
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  try {
    const result = await fn();
    return {
      result,
      gc: { count: gc.count, totalMs: Math.round(gc.totalMs), maxMs: Math.round(gc.maxMs) },
      loopDelayMs: { p99: Math.round(delay.percentile(99) / 1e6), max: Math.round(delay.max / 1e6) },
    };
  } finally {
    delay.disable();
    obs.disconnect();
  }
}

/**
 * An emergency reaching BENCH_DEVICES (10,000) simulated speakers: from the operator's confirmation
 * (broadcastEmergency: CAP alert, command and one delivery row a device written, then published)
 * to each device receiving its command, p50 and p99. Baseline: the same number of messages published
 * by a bare MQTT client to the same broker, publish → receive. The devices run in a process of their
 * own (devices.ts); the app and, for `embedded`, the broker run in this one, as on a commune box;
 * `mosquitto` is the broker a province runs, a process of its own. The database is PGlite on a scratch
 * folder whatever DATABASE_URL says: the measure creates thousands of devices and must not leave them
 * in a real database.
 */
function emergencyFanout(broker: 'embedded' | 'mosquitto'): Measure {
  return {
    name: broker === 'embedded' ? 'emergency' : 'emergency-mosquitto',
    description: `emergency command to ${DEVICES} simulated speakers through ${broker === 'embedded' ? 'the embedded broker' : 'Mosquitto'}, p99 ms, against bare MQTT publish→receive on the same broker (BENCH_DEVICES)`,
    async run(s) {
      const inherited = inheritedLoad();
      const { bootPlatform, stopPlatform } = await import('#app/bootstrap.ts');
      const { loadConfig } = await import('#platform/config.ts');
      const { analyzeGrown, openDatabase } = await import('#platform/db/client.ts');
      const { migrate } = await import('#platform/db/migrate.ts');
      const { sharedSecret } = await import('#platform/settings.ts');
      const { ensureUser } = await import('#modules/identity/index.ts');
      const { addVillageUnchecked, getPlaceByCode, importPlaces } = await import('#modules/places/index.ts');
      const broadcast = await import('#modules/broadcast/index.ts');
      const scratch = await scratchDir(`emergency-${broker}`);
      const devices = startDevices();
      const clients: MqttClient[] = [];
      let mosquitto: Awaited<ReturnType<typeof startMosquitto>> | undefined;
      // PGlite on a data folder, as a commune box runs it (in memory, its files would grow by copying).
      const database = await openDatabase({ dataDir: path.join(scratch.path, 'pglite') });
      const platformPassword = randomBytes(18).toString('base64url');
      const barePassword = randomBytes(18).toString('base64url');
      let mqttUrl: string | undefined;
      let platform: Awaited<ReturnType<typeof bootPlatform>> | undefined;
      try {
        // The devices exist before the platform boots: Mosquitto's password file is made from them,
        // and the platform's MQTT_URL names that Mosquitto.
        await migrate(database);
        await importPlaces(database, { dir: UNITS });
        const commune = await getPlaceByCode(database.db, COMMUNE);
        const t0 = performance.now();
        const credentials = await makeDevices(database, commune, addVillageUnchecked, broadcast);
        const setupMs: Record<string, number> = { devices: Math.round(performance.now() - t0) };

        if (broker === 'mosquitto') {
          const entries = await broadcast.mosquittoPasswordEntries(database.db, [
            { username: broadcast.PLATFORM_MQTT_USERNAME, password: platformPassword },
            { username: BARE_USERNAME, password: barePassword },
          ]);
          mosquitto = await startMosquitto({
            dir: scratch.path,
            passwords: broadcast.mosquittoPasswordFile(entries),
            acl: broadcast.mosquittoAclFile([broadcast.PLATFORM_MQTT_USERNAME, BARE_USERNAME]),
            conf: (o) =>
              broadcast.mosquittoConf({
                ...o,
                bindAddress: '127.0.0.1',
                maxPacketBytes: loadConfig({}).MQTT_MAX_PACKET_BYTES,
              }),
          });
          mqttUrl = `mqtt://${broadcast.PLATFORM_MQTT_USERNAME}:${platformPassword}@127.0.0.1:${mosquitto.port}`;
        }
        const config = loadConfig({
          DATA_DIR: scratch.path,
          JOBS: 'false',
          LOG_LEVEL: 'silent',
          DEMO_SEED: 'false',
          MQTT_HOST: '127.0.0.1',
          MQTT_PORT: '0',
          MQTT_URL: mqttUrl,
          PUBLIC_URL: 'http://127.0.0.1:9',
        });
        platform = await bootPlatform(config, { database });
        const user = await ensureUser(database.db, {
          username: 'bench-op',
          displayName: 'Bench',
          password: 'bench-password-2026',
          role: 'radio_operator',
          place: commune,
        });
        await broadcast.startBroadcast(platform, { reconcileMs: 60_000 });
        const rt = broadcast.runtimeFor(platform);
        const url = mosquitto ? `mqtt://127.0.0.1:${mosquitto.port}` : `mqtt://127.0.0.1:${rt.broker?.port}`;

        const t1 = performance.now();
        const connected = await devices.connect(url, credentials);
        if (connected !== credentials.length)
          throw new Error(`${connected} of ${credentials.length} connected`);
        setupMs.connect = Math.round(performance.now() - t1);
        const bare = await connectAsync(url, {
          clientId: BARE_USERNAME,
          username: mosquitto ? BARE_USERNAME : broadcast.PLATFORM_MQTT_USERNAME,
          password: mosquitto ? barePassword : await sharedSecret(database, 'mqtt-platform'),
          reconnectPeriod: 0,
        });
        clients.push(bare);

        const actor = {
          kind: 'staff' as const,
          userId: user.id,
          username: 'bench-op',
          displayName: 'Bench',
          grants: [
            {
              role: 'radio_operator' as const,
              placeId: commune.id,
              placePath: commune.path,
              placeName: commune.fullName,
            },
          ],
        };
        const ctx = {
          db: database.db,
          sql: database,
          actor,
          meta: { ip: '127.0.0.1', userAgent: 'bench' },
          clock: platform.clock,
          events: platform.events,
        };
        const form = {
          headline: 'Cảnh báo mưa đá',
          instruction: 'Bà con không ra ngoài, đưa trâu bò vào chuồng.',
          event: 'Mưa đá',
          category: 'Met' as const,
          severity: 'Severe' as const,
          urgency: 'Immediate' as const,
          certainty: 'Observed' as const,
          targets: [COMMUNE],
          repeat: 1,
          expiresMinutes: 60,
        };
        // A round's bookkeeping (storing ten thousand acknowledgements) must not run into the next
        // round's measured window: wait until the broker has every acknowledgement and the platform
        // has stored them (ours), or has had the time to take them (bare, which has no rows).
        // How many acknowledgements the platform stored for each of our commands, once settled: all of
        // them, unless the broker dropped some on their way to the platform.
        const acksStored: number[] = [];
        const settled = async (messageId: string, stored: boolean) => {
          await devices.acked(messageId);
          await sleep(500);
          const deadline = Date.now() + 30_000;
          for (;;) {
            await rt.sync?.settle();
            await rt.sync?.flush();
            if (!stored) return;
            const [r] = await database.query<{ n: number }>(
              `select count(*)::int as n from broadcast_deliveries
               where command_id = $1::uuid and acknowledged_at is not null`,
              [messageId],
            );
            const n = r?.n ?? 0;
            if (n >= credentials.length || Date.now() > deadline) {
              acksStored.push(n);
              return;
            }
            await sleep(250);
          }
        };
        const emergency = async () => {
          const prep = await broadcast.prepareEmergency(ctx, rt.deps, COMMUNE, form);
          const confirmedAt = now();
          const sent = await broadcast.broadcastEmergency(ctx, rt.deps, {
            ...form,
            bulletinId: prep.bulletin.id,
            confirm: 'yes',
          });
          if (sent.devices !== credentials.length)
            throw new Error(`the alert targeted ${sent.devices} devices`);
          return { commandId: sent.commandId, confirmedAt, confirmMs: now() - confirmedAt };
        };

        // An unmeasured first emergency, as a box in service has had: it warms the code, and gives the
        // deliveries table rows and, as the platform's analyze every minute would, statistics
        // (analyzeGrown, queued before the acknowledgements are stored).
        const t2 = performance.now();
        const warm = await emergency();
        await analyzeGrown(database);
        await devices.times(warm.commandId);
        await settled(warm.commandId, true);
        setupMs.warmUp = Math.round(performance.now() - t2);

        const ours = { p50: [] as number[], p99: [] as number[] };
        const base = { p50: [] as number[], p99: [] as number[] };
        const confirmMs: number[] = [];
        const { gc, loopDelayMs } = await watched(() =>
          cpuProfiled(`emergency-${broker}`, async () => {
            // Interleaved rounds, so drift in the machine's load falls on both sides alike.
            for (let round = 0; round < s.starts; round++) {
              // Bare: the same kind of message to every device topic, QoS 1, from one plain client.
              const bareId = crypto.randomUUID();
              const body = JSON.stringify({
                v: 1,
                id: bareId,
                type: 'stop',
                issuedAt: new Date().toISOString(),
              });
              const sentAt = now();
              await Promise.all(
                credentials.map((d) => bare.publishAsync(`loa/${d.code}/cmd`, body, { qos: 1 })),
              );
              const bareTimes = (await devices.times(bareId)).map((t) => t - sentAt);
              base.p50.push(percentile(bareTimes, 50));
              base.p99.push(percentile(bareTimes, 99));
              await settled(bareId, false);

              // Ours: the operator's confirmation of a prepared emergency, to every device's command.
              const e = await emergency();
              confirmMs.push(e.confirmMs);
              const times = (await devices.times(e.commandId)).map((t) => t - e.confirmedAt);
              ours.p50.push(percentile(times, 50));
              ours.p99.push(percentile(times, 99));
              await settled(e.commandId, true);
            }
          }),
        );
        return compare({
          label: `emergency→${credentials.length} devices p99 (${broker}, pglite)`,
          value: median(ours.p99),
          unit: 'ms',
          baseline: median(base.p99),
          baselineLabel: 'bare MQTT publish→receive p99',
          higherIsBetter: false,
          details: {
            broker,
            devices: credentials.length,
            target: { p99Ms: 2000 },
            rounds: s.starts,
            p50Ms: median(ours.p50),
            p99Ms: median(ours.p99),
            bareP50Ms: median(base.p50),
            bareP99Ms: median(base.p99),
            p50Ratio: median(ours.p50) / median(base.p50),
            samples: { ours, bare: base },
            // broadcastEmergency itself: the alert, the command and its deliveries written.
            confirmMs,
            // Acknowledgements stored within 30 s of the broker taking them (warm-up first).
            acksStored,
            setupMs,
            // In this process while the rounds ran (the devices have their own).
            gc,
            loopDelayMs,
            inherited,
          },
        });
      } finally {
        await Promise.all(clients.map((c) => c.endAsync(true).catch(() => {})));
        await devices.close();
        if (platform) {
          await broadcast.stopBroadcast(platform).catch(() => {});
          await stopPlatform(platform).catch(() => {});
        } else {
          await database.close().catch(() => {});
        }
        await mosquitto?.stop();
        await scratch.remove();
      }
    },
  };
}

type Broadcast = typeof import('#modules/broadcast/index.ts');
type Places = typeof import('#modules/places/index.ts');

/**
 * DEVICES loudspeaker clusters in VILLAGES villages of the commune. The first of each village is
 * registered as an operator would (code, password hash); the others are copies of it in one
 * statement, with their own codes and usernames and its password: registering one at a time lists
 * the commune's clusters each time, which at ten thousand takes minutes.
 */
async function makeDevices(
  database: Awaited<ReturnType<typeof import('#platform/db/client.ts').openDatabase>>,
  commune: Awaited<ReturnType<Places['getPlaceByCode']>>,
  addVillage: Places['addVillageUnchecked'],
  broadcast: Broadcast,
) {
  const perVillage = Math.ceil(DEVICES / VILLAGES);
  const passwords = new Map<number, string>();
  for (let v = 1; v <= VILLAGES; v++) {
    const village = await addVillage(database.db, commune, { type: 'thôn', name: `Thôn ${v}` });
    const r = await broadcast.registerClusterUnchecked(database.db, village, { name: `Loa ${v}.1` });
    passwords.set(r.cluster.id, r.password as string);
  }
  await database.query(
    `insert into broadcast_clusters (code, name, place_id, place_path, commune_id, languages, volume,
       mqtt_username, mqtt_password_hash, status)
     select regexp_replace(c.code, '-1$', '-' || n), regexp_replace(c.name, '\\.1$', '.' || n), c.place_id,
       c.place_path, c.commune_id, c.languages, c.volume, regexp_replace(c.code, '-1$', '-' || n),
       c.mqtt_password_hash, c.status
     from broadcast_clusters c, generate_series(2, $2::int) n
     where c.id = any($1::bigint[])`,
    [[...passwords.keys()], perVillage],
  );
  const rows = await database.query<{ code: string; template: number }>(
    `select c.code, t.id as template from broadcast_clusters c
     join broadcast_clusters t on t.place_id = c.place_id and t.id = any($1::bigint[])
     order by c.id`,
    [[...passwords.keys()]],
  );
  return rows.map((r) => ({ code: r.code, password: passwords.get(Number(r.template)) as string }));
}

export const emergencyEmbedded = emergencyFanout('embedded');
export const emergencyMosquitto = emergencyFanout('mosquitto');
