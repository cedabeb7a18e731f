/**
 * Shared set-up for the broadcast tests: a real app on a fresh database, listening on loopback so
 * speaker agents can download audio, with the real embedded broker (or a real Mosquitto), real
 * espeak-ng and ffmpeg (or the test voice, for tests about permissions), and staff of two communes.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { addVillageUnchecked, type Place } from '#modules/places/index.ts';
import type { Actor, Role } from '#platform/auth/actor.ts';
import type { Ctx } from '#platform/context.ts';
import { COMMUNE_A, COMMUNE_B, createTestApp, type TestApp } from '#test/support/app.ts';
import { SpeakerAgent } from './agent/agent.ts';
import { LogSink } from './agent/sinks.ts';
import { registerCluster } from './broadcast.clusters.service.ts';
import { broadcastEmergency, prepareEmergency } from './broadcast.emergency.service.ts';
import { runtimeFor, startBroadcast } from './broadcast.runtime.ts';
import { TtsError } from './tts/errors.ts';
import { runTool } from './tts/run-tool.ts';
import { createTestVoice } from './tts/test-voice.ts';

export const IN_CI = process.env.CI === 'true';

async function missing(tools: [string, string][]) {
  const out: string[] = [];
  for (const [tool, flag] of tools) {
    try {
      await runTool(tool, [flag], { timeoutMs: 10_000, installHint: '' });
    } catch (e) {
      if (e instanceof TtsError && e.code === 'tool-missing') out.push(tool);
      else if (!(e instanceof TtsError && e.code === 'tool-failed')) throw e;
    }
  }
  return out;
}

/**
 * Tests that need espeak-ng and ffmpeg are skipped (with the reason) where they are missing, and
 * fail in CI: speakers that silently stopped being tested end up playing nothing.
 */
export const missingAudioTools = await missing([
  ['espeak-ng', '--version'],
  ['ffmpeg', '-version'],
  ['ffprobe', '-version'],
]);
export const audioSkip =
  missingAudioTools.length > 0 && !IN_CI
    ? `not installed: ${missingAudioTools.join(', ')} (apt-get install espeak-ng ffmpeg); with CI=true this fails`
    : false;

export function requireAudioTools() {
  if (missingAudioTools.length)
    assert.fail(`CI needs ${missingAudioTools.join(', ')}: apt-get install espeak-ng ffmpeg`);
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs = 20_000,
  everyMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await probe();
      if (v !== undefined && v !== false) return v;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
}

export interface BroadcastTestApp extends TestApp {
  baseUrl: string;
  httpCutter: LinkCutter | undefined;
  villagesA: Place[];
  villageB: Place;
  /** A use-case context acting as this staff user. */
  ctx(username: string): Promise<Ctx>;
  scratch: string;
  /** Stops the HTTP server, MQTT, and the database. */
  shutdown(): Promise<void>;
}

/**
 * The app listening on loopback (devices fetch audio over HTTP), with op_a (radio operator of A),
 * leader_a (approver of A), admin_a, op_b and leader_b (B); A has `villages` villages, B one.
 * `mqtt`: 'embedded' starts the broker in process on a free port; a URL uses that broker instead.
 */
export async function startBroadcastApp(
  opts: {
    villages?: number;
    mqtt?: 'embedded' | { url: string };
    /** A fixed port for the embedded broker (to restart it where speakers expect it). */
    mqttPort?: number;
    /** Devices reach HTTP through a cuttable link (PUBLIC_URL points at it). */
    httpCutter?: boolean;
    reconcileMs?: number;
    start?: boolean;
    /**
     * 'test': the test voice (tts/test-voice.ts) instead of espeak-ng and ffmpeg, for tests about
     * who may do what, which then run wherever the programs are missing.
     */
    voice?: 'test';
  } = {},
): Promise<BroadcastTestApp> {
  const port = await freePort();
  const httpCutter = opts.httpCutter ? await LinkCutter.start(port) : undefined;
  const baseUrl = `http://127.0.0.1:${httpCutter?.port ?? port}`;
  const mqtt = opts.mqtt ?? 'embedded';
  const t = await createTestApp({
    env: {
      PUBLIC_URL: baseUrl,
      MQTT_HOST: '127.0.0.1',
      MQTT_PORT: String(opts.mqttPort ?? 0),
      ...(mqtt === 'embedded' ? {} : { MQTT_URL: mqtt.url }),
    },
  });
  if (opts.voice === 'test') runtimeFor(t.platform).deps.tts = createTestVoice();
  await t.app.listen({ host: '127.0.0.1', port });
  const db = t.platform.database.db;
  const villagesA: Place[] = [];
  for (let i = 1; i <= (opts.villages ?? 3); i++) {
    villagesA.push(await addVillageUnchecked(db, t.places.a, { type: 'thôn', name: `Thôn Thử ${i}` }));
  }
  const villageB = await addVillageUnchecked(db, t.places.b, { type: 'bản', name: 'Bản Khác' });
  const users: [string, Role, string][] = [
    ['op_a', 'radio_operator', COMMUNE_A],
    ['leader_a', 'approver', COMMUNE_A],
    ['admin_a', 'admin', COMMUNE_A],
    ['op_b', 'radio_operator', COMMUNE_B],
    ['leader_b', 'approver', COMMUNE_B],
  ];
  const ids = new Map<string, { id: number; role: Role; place: Place }>();
  for (const [name, role, code] of users) {
    ids.set(name, {
      id: await t.user(name, role, code),
      role,
      place: code === COMMUNE_A ? t.places.a : t.places.b,
    });
  }
  if (opts.start !== false) await startBroadcast(t.platform, { reconcileMs: opts.reconcileMs ?? 500 });
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'xaso-loa-'));
  return {
    ...t,
    baseUrl,
    httpCutter,
    villagesA,
    villageB,
    scratch,
    async ctx(username) {
      const u = ids.get(username);
      assert.ok(u, `no test user ${username}`);
      const actor: Actor = {
        kind: 'staff',
        userId: u.id,
        username,
        displayName: username,
        grants: [{ role: u.role, placeId: u.place.id, placePath: u.place.path, placeName: u.place.fullName }],
      };
      return {
        db,
        sql: t.platform.database,
        actor,
        meta: { ip: '127.0.0.1', userAgent: 'test' },
        clock: t.platform.clock,
        events: t.platform.events,
      };
    },
    async shutdown() {
      const { stopBroadcast } = await import('./broadcast.runtime.ts');
      await stopBroadcast(t.platform);
      await httpCutter?.close();
      await t.close();
      fs.rmSync(scratch, { recursive: true, force: true });
    },
  };
}

export function brokerUrlOf(t: BroadcastTestApp) {
  const rt = runtimeFor(t.platform);
  assert.ok(rt.broker, 'the embedded broker is not running');
  return `mqtt://127.0.0.1:${rt.broker.port}`;
}

/** Registers a cluster in a village as op_a, returning its credentials. */
export async function addCluster(t: BroadcastTestApp, village: Place, name: string, as = 'op_a') {
  const r = await registerCluster(await t.ctx(as), {
    placeCode: village.code,
    name,
    languages: ['vi'],
    volume: 70,
  });
  return { cluster: r.cluster, password: r.password };
}

export interface TestSpeaker {
  agent: SpeakerAgent;
  sink: LogSink;
  code: string;
  dir: string;
}

export async function startSpeaker(
  t: BroadcastTestApp,
  creds: { cluster: { code: string }; password: string },
  brokerUrl: string,
  opts: { dir?: string; heartbeatSeconds?: number } = {},
): Promise<TestSpeaker> {
  const dir = opts.dir ?? path.join(t.scratch, creds.cluster.code);
  const sink = new LogSink(path.join(dir, 'plays.jsonl'));
  fs.mkdirSync(dir, { recursive: true });
  const agent = new SpeakerAgent({
    code: creds.cluster.code,
    password: creds.password,
    brokerUrl,
    cacheDir: path.join(dir, 'cache'),
    sink,
    heartbeatSeconds: opts.heartbeatSeconds ?? 2,
    reconnectMs: 300,
  });
  await agent.start();
  return { agent, sink, code: creds.cluster.code, dir };
}

/** "HH:MM:SS" local (Vietnam) time of an instant, for schedule entries seconds ahead. */
export function vnTime(epochMs: number) {
  return new Date(epochMs + 7 * 3_600_000).toISOString().slice(11, 19);
}

export function vnDate(epochMs: number) {
  return new Date(epochMs + 7 * 3_600_000).toISOString().slice(0, 10);
}

/** Where Debian puts the broker; PATH otherwise. */
export function findMosquitto(): string | undefined {
  for (const p of ['/usr/sbin/mosquitto', '/usr/bin/mosquitto']) if (fs.existsSync(p)) return p;
  for (const dir of (process.env.PATH ?? '').split(':')) {
    const p = path.join(dir, 'mosquitto');
    if (dir && fs.existsSync(p)) return p;
  }
  return undefined;
}

/**
 * A loopback TCP relay in front of a broker, to cut one speaker's link as a broken 4G link would
 * (open connections reset, new ones refused) and to restore it.
 */
export class LinkCutter {
  private readonly sockets = new Set<net.Socket>();
  private up = true;

  private constructor(
    private readonly server: net.Server,
    readonly port: number,
  ) {}

  static async start(targetPort: number): Promise<LinkCutter> {
    let cutter: LinkCutter | undefined;
    const server = net.createServer((client) => cutter?.accept(client, targetPort));
    const port = await new Promise<number>((resolve) =>
      server.listen(0, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port)),
    );
    cutter = new LinkCutter(server, port);
    return cutter;
  }

  private accept(client: net.Socket, targetPort: number) {
    if (!this.up) {
      client.destroy();
      return;
    }
    const upstream = net.connect(targetPort, '127.0.0.1');
    for (const s of [client, upstream]) {
      this.sockets.add(s);
      s.on('error', () => {});
      s.on('close', () => {
        this.sockets.delete(s);
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream).pipe(client);
  }

  cut() {
    this.up = false;
    for (const s of this.sockets) s.destroy();
  }

  restore() {
    this.up = true;
  }

  async close() {
    this.cut();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

/**
 * An emergency as commune A's operator sends it: prepared (spoken), then confirmed. `sentAt` is
 * taken after the speech is made, when the operator confirms.
 */
export async function sendEmergency(t: BroadcastTestApp, form: Parameters<typeof prepareEmergency>[3]) {
  const op = await t.ctx('op_a');
  const deps = runtimeFor(t.platform).deps;
  const prep = await prepareEmergency(op, deps, COMMUNE_A, form);
  const sentAt = Date.now();
  const sent = await broadcastEmergency(op, deps, { ...form, bulletinId: prep.bulletin.id, confirm: 'yes' });
  return { op, prep, sent, sentAt };
}
