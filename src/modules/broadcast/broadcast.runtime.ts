import fs from 'node:fs';
import type { FastifyBaseLogger } from 'fastify';
import type { Platform } from '#platform/platform.ts';
import { sharedSecret } from '#platform/settings.ts';
import type { BroadcastDeps } from './broadcast.audio.ts';
import { authenticateDevice } from './broadcast.clusters.service.ts';
import { DeviceSync } from './broadcast.device-sync.ts';
import { PLATFORM_MQTT_USERNAME, type UpTopic } from './broadcast.protocol.ts';
import { type EmbeddedBroker, startEmbeddedBroker } from './mqtt/broker.ts';
import { PlatformBus } from './mqtt/bus.ts';
import { createTtsEngine, ttsConfigFromEnv } from './tts/index.ts';

/**
 * The module's per-process parts: the speech engine (configured at boot, so a wrong TTS_* setting
 * stops the process), the embedded broker or the link to an external one, and the device-sync
 * engine. One per Platform object.
 */
export interface BroadcastRuntime {
  deps: BroadcastDeps;
  log: FastifyBaseLogger;
  broker: EmbeddedBroker | undefined;
  bus: PlatformBus | undefined;
  sync: DeviceSync | undefined;
  /** The broker address devices are told to use. */
  deviceBrokerUrl: string | undefined;
}

const runtimes = new WeakMap<Platform, BroadcastRuntime>();

const silent: FastifyBaseLogger = {
  level: 'silent',
  fatal() {},
  error() {},
  warn() {},
  info() {},
  debug() {},
  trace() {},
  silent() {},
  child() {
    return silent;
  },
} as unknown as FastifyBaseLogger;

export function runtimeFor(platform: Platform): BroadcastRuntime {
  let rt = runtimes.get(platform);
  if (rt) return rt;
  const tts = createTtsEngine(
    ttsConfigFromEnv(platform.config as unknown as Record<string, string | undefined>),
  );
  rt = {
    deps: { tts, files: platform.files, publicUrl: platform.config.PUBLIC_URL },
    log: silent,
    broker: undefined,
    bus: undefined,
    sync: undefined,
    deviceBrokerUrl: platform.config.MQTT_DEVICE_URL,
  };
  runtimes.set(platform, rt);
  const current = rt;
  // Changes are pushed as soon as they commit; the timer catches what these miss.
  platform.events.on('broadcast.devices-changed', () => current.sync?.kick());
  platform.events.on('broadcast.command-issued', ({ commandId }) => {
    // Not awaited: the operator's request must not wait on the broker (or hang when it is down).
    current.sync
      ?.publishCommand(commandId)
      .catch((e) => current.log.error({ err: e, commandId }, 'broadcast: command publish failed'));
  });
  return rt;
}

/** The app's logger, once the HTTP app exists. */
export function useLogger(platform: Platform, log: FastifyBaseLogger) {
  runtimeFor(platform).log = log;
}

export interface StartOptions {
  reconcileMs?: number;
}

/**
 * Starts the embedded broker (unless MQTT_URL names an external one), connects the platform's
 * MQTT client and the device-sync engine. A port already taken does not stop the app: it runs
 * without devices and says so (several instances on one host need MQTT_URL).
 */
export async function startBroadcast(platform: Platform, opts: StartOptions = {}) {
  const rt = runtimeFor(platform);
  if (rt.bus) return rt;
  const c = platform.config;
  let url = c.MQTT_URL;
  let username: string | undefined;
  let password: string | undefined;
  if (!url) {
    password = await sharedSecret(platform.database, 'mqtt-platform');
    username = PLATFORM_MQTT_USERNAME;
    try {
      rt.broker = await startEmbeddedBroker({
        host: c.MQTT_HOST ?? c.HOST,
        port: c.MQTT_PORT,
        tls:
          c.MQTT_TLS_CERT && c.MQTT_TLS_KEY
            ? {
                port: c.MQTT_TLS_PORT,
                cert: fs.readFileSync(c.MQTT_TLS_CERT),
                key: fs.readFileSync(c.MQTT_TLS_KEY),
              }
            : undefined,
        platformPassword: password,
        authenticateDevice: async (u, p) => !!(await authenticateDevice(platform.database.db, u, p)),
        maxPacketBytes: c.MQTT_MAX_PACKET_BYTES,
        onClientError: (id, e) => rt.log.debug({ client: id, err: e.message }, 'mqtt client error'),
        onRefused: (address, why) => rt.log.debug({ address, why }, 'mqtt connection refused'),
      });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw e;
      rt.log.warn(
        { port: c.MQTT_PORT },
        'MQTT port in use: this instance runs without the embedded broker, so no loudspeaker can reach it. Several instances need a shared broker: set MQTT_URL.',
      );
      return rt;
    }
    url = `mqtt://127.0.0.1:${rt.broker.port}`;
    rt.deviceBrokerUrl ??= `mqtt://${new URL(c.PUBLIC_URL).hostname}:${rt.broker.port}`;
    rt.log.info({ port: rt.broker.port, tlsPort: rt.broker.tlsPort }, 'embedded MQTT broker listening');
  } else {
    rt.deviceBrokerUrl ??= c.MQTT_URL?.replace(/\/\/[^@/]*@/, '//');
  }
  // Uplinks that arrive before the engine exists (retained statuses at subscription) wait for it.
  const early: [string, UpTopic, Buffer][] = [];
  let engine: DeviceSync | undefined;
  rt.bus = PlatformBus.create(
    {
      url,
      username,
      password,
      ca: c.MQTT_CA ? fs.readFileSync(c.MQTT_CA) : undefined,
      durable: ['played'],
      maxPacketBytes: c.MQTT_MAX_PACKET_BYTES,
    },
    (code, leaf, payload) =>
      engine ? engine.onUplink(code, leaf, payload) : void early.push([code, leaf, payload]),
  );
  engine = new DeviceSync({
    database: platform.database,
    clock: platform.clock,
    publicUrl: c.PUBLIC_URL,
    bus: rt.bus,
    log: rt.log,
    ...(opts.reconcileMs ? { reconcileMs: opts.reconcileMs } : {}),
  });
  rt.sync = engine;
  for (const [code, leaf, payload] of early.splice(0)) await engine.onUplink(code, leaf, payload);
  engine.start();
  // The embedded broker is in this process: not reaching it is a bug. An external one may be
  // down at boot; the client keeps trying and pushes everything once it connects.
  if (!(await rt.bus.waitConnected(rt.broker ? 10_000 : 5_000))) {
    if (rt.broker) throw new Error('could not connect to the embedded MQTT broker');
    rt.log.warn({ url: rt.deviceBrokerUrl }, 'MQTT broker not reachable yet; loudspeakers wait until it is');
  }
  await engine.settle();
  return rt;
}

export async function stopBroadcast(platform: Platform) {
  const rt = runtimes.get(platform);
  if (!rt) return;
  await rt.sync?.stop().catch(() => {});
  await rt.bus?.close();
  await rt.broker?.close();
  rt.sync = undefined;
  rt.bus = undefined;
  rt.broker = undefined;
}
