import { connectAsync, type MqttClient } from 'mqtt';
import { UNITS } from '../bench-app.ts';
import { scratchDir } from '../cleanup.ts';
import { compare, type Measure, median } from '../measure.ts';

const COMMUNE = '06541';
const DEVICES = Number(process.env.BENCH_DEVICES ?? 1000);
const VILLAGES = 10;
const CONNECT_BATCH = 50;

function percentile(xs: number[], p: number) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] as number;
}

/**
 * An emergency reaching 1,000 simulated speakers: from the operator's confirmation
 * (broadcastEmergency: CAP alert, command and 1,000 delivery rows written, then published) to each
 * device receiving its command, p50 and p99. Baseline: the same 1,000 messages published by a bare
 * MQTT client to the same broker, publish → receive. Broker (embedded Aedes), app and devices share
 * this process and its two cores, on both sides alike. The database is an in-memory PGlite whatever
 * DATABASE_URL says: the measure creates 1,000 devices and must not leave them in a real database.
 */
export const emergencyFanout: Measure = {
  name: 'emergency-1k',
  description: `emergency command to ${DEVICES} simulated speakers, p99 ms, against bare MQTT publish→receive on the same broker`,
  async run(s) {
    const { bootPlatform, stopPlatform } = await import('#app/bootstrap.ts');
    const { loadConfig } = await import('#platform/config.ts');
    const { openDatabase } = await import('#platform/db/client.ts');
    const { sharedSecret } = await import('#platform/settings.ts');
    const { ensureUser } = await import('#modules/identity/index.ts');
    const { addVillageUnchecked, getPlaceByCode, importPlaces } = await import('#modules/places/index.ts');
    const broadcast = await import('#modules/broadcast/index.ts');
    const scratch = await scratchDir('emergency');
    const clients: MqttClient[] = [];
    const database = await openDatabase({});
    const config = loadConfig({
      DATA_DIR: scratch.path,
      JOBS: 'false',
      LOG_LEVEL: 'silent',
      DEMO_SEED: 'false',
      MQTT_HOST: '127.0.0.1',
      MQTT_PORT: '0',
      PUBLIC_URL: 'http://127.0.0.1:9',
    });
    const platform = await bootPlatform(config, { database });
    try {
      await importPlaces(database, { dir: UNITS });
      const commune = await getPlaceByCode(database.db, COMMUNE);
      const devices: { code: string; password: string }[] = [];
      for (let v = 1; v <= VILLAGES; v++) {
        const village = await addVillageUnchecked(database.db, commune, { type: 'thôn', name: `Thôn ${v}` });
        for (let i = 1; i <= DEVICES / VILLAGES; i++) {
          const r = await broadcast.registerClusterUnchecked(database.db, village, { name: `Loa ${v}.${i}` });
          devices.push({ code: r.cluster.code, password: r.password as string });
        }
      }
      const user = await ensureUser(database.db, {
        username: 'bench-op',
        displayName: 'Bench',
        password: 'bench-password-2026',
        role: 'radio_operator',
        place: commune,
      });
      await broadcast.startBroadcast(platform, { reconcileMs: 60_000 });
      const rt = broadcast.runtimeFor(platform);
      const url = `mqtt://127.0.0.1:${rt.broker?.port}`;

      // 1,000 devices, each listening on its own command topic and acknowledging as a speaker does.
      const received = new Map<string, number[]>();
      for (let i = 0; i < devices.length; i += CONNECT_BATCH) {
        const batch = await Promise.all(
          devices.slice(i, i + CONNECT_BATCH).map(async (d) => {
            const c = await connectAsync(url, {
              clientId: d.code,
              username: d.code,
              password: d.password,
              clean: true,
              reconnectPeriod: 0,
            });
            await c.subscribeAsync(`loa/${d.code}/cmd`, { qos: 1 });
            c.on('message', (_topic, payload) => {
              const at = performance.now();
              const id = (JSON.parse(payload.toString()) as { id: string }).id;
              const list = received.get(id) ?? [];
              list.push(at);
              received.set(id, list);
              c.publish(
                `loa/${d.code}/ack`,
                JSON.stringify({ v: 1, kind: 'command', id, status: 'ok', at: new Date().toISOString() }),
                { qos: 1 },
              );
            });
            return c;
          }),
        );
        clients.push(...batch);
      }
      const all = async (id: string) => {
        const deadline = Date.now() + 120_000;
        while ((received.get(id)?.length ?? 0) < devices.length) {
          if (Date.now() > deadline)
            throw new Error(`only ${received.get(id)?.length ?? 0} of ${devices.length} got ${id}`);
          await new Promise((r) => setTimeout(r, 5));
        }
        return received.get(id) as number[];
      };

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
      const bare = await connectAsync(url, {
        clientId: 'bench-bare',
        username: broadcast.PLATFORM_MQTT_USERNAME,
        password: await sharedSecret(database, 'mqtt-platform'),
        reconnectPeriod: 0,
      });
      clients.push(bare);

      const ours = { p50: [] as number[], p99: [] as number[] };
      const base = { p50: [] as number[], p99: [] as number[] };
      // Interleaved rounds, so drift in the machine's load falls on both sides alike.
      for (let round = 0; round < s.starts; round++) {
        // Bare: the same kind of message to every device topic, QoS 1, from one plain client.
        const bareId = crypto.randomUUID();
        const body = JSON.stringify({ v: 1, id: bareId, type: 'stop', issuedAt: new Date().toISOString() });
        const t0 = performance.now();
        await Promise.all(devices.map((d) => bare.publishAsync(`loa/${d.code}/cmd`, body, { qos: 1 })));
        const bareTimes = (await all(bareId)).map((t) => t - t0);
        base.p50.push(percentile(bareTimes, 50));
        base.p99.push(percentile(bareTimes, 99));
        await new Promise((r) => setTimeout(r, 1_000));
        await rt.sync?.flush();

        // Ours: the operator's confirmation of a prepared emergency, to every device's command.
        const prep = await broadcast.prepareEmergency(ctx, rt.deps, COMMUNE, form);
        const t1 = performance.now();
        const sent = await broadcast.broadcastEmergency(ctx, rt.deps, {
          ...form,
          bulletinId: prep.bulletin.id,
          confirm: 'yes',
        });
        if (sent.devices !== devices.length) throw new Error(`the alert targeted ${sent.devices} devices`);
        const times = (await all(sent.commandId)).map((t) => t - t1);
        ours.p50.push(percentile(times, 50));
        ours.p99.push(percentile(times, 99));
        // Let the acknowledgements and bookkeeping of this round finish before the next one.
        await rt.sync?.settle();
        await new Promise((r) => setTimeout(r, 1_000));
        await rt.sync?.flush();
      }
      return compare({
        label: `emergency→${devices.length} devices p99 (pglite)`,
        value: median(ours.p99),
        unit: 'ms',
        baseline: median(base.p99),
        baselineLabel: 'bare MQTT publish→receive p99',
        higherIsBetter: false,
        details: {
          devices: devices.length,
          rounds: s.starts,
          p50Ms: median(ours.p50),
          p99Ms: median(ours.p99),
          bareP50Ms: median(base.p50),
          bareP99Ms: median(base.p99),
          p50Ratio: median(ours.p50) / median(base.p50),
          samples: { ours, bare: base },
        },
      });
    } finally {
      await Promise.all(clients.map((c) => c.endAsync(true).catch(() => {})));
      await broadcast.stopBroadcast(platform).catch(() => {});
      await stopPlatform(platform).catch(() => {});
      await scratch.remove();
    }
  },
};
