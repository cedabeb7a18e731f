import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { connect, type MqttClient } from 'mqtt';
import {
  type Ack,
  type AudioRef,
  Command,
  DOWN_TOPICS,
  HEARTBEAT_SECONDS,
  type Heartbeat,
  ManifestDoc,
  type PlayCommand,
  type PlayReport,
  PROTOCOL_VERSION,
  parseTopic,
  type ScheduleDoc,
  ScheduleDoc as ScheduleDocSchema,
  type ScheduleEntry,
  topicFor,
} from '../broadcast.protocol.ts';
import { comparePrecedence, REPEAT_GAP_MS } from '../broadcast.schedule.ts';
import { DiskCache } from './cache.ts';
import type { AudioSink, PlayResult } from './sinks.ts';

/**
 * The reference loudspeaker: what a cluster's controller does, in Node. It keeps its schedule and
 * audio on disk and plays from there whatever the network does; it adopts a new schedule only once
 * every file it needs is downloaded and verified; an emergency command stops anything that is not
 * an emergency at once; and every play (or skip) is reported, kept on disk until the broker has it.
 *
 * Rules (the same as resolveTimeline on the server): emergencies play in arrival order and are
 * never cut (except by a stop); anything else waits while one plays; when several scheduled plays
 * are due together the higher priority goes first; a play more than `lateGraceMs` late is skipped.
 */

export interface AgentOptions {
  code: string;
  password: string;
  brokerUrl: string;
  cacheDir: string;
  sink: AudioSink;
  heartbeatSeconds?: number;
  reconnectMs?: number;
  /** PEM of a private CA, for mqtts:// and https:// to servers whose certificate it signed. */
  ca?: Buffer;
  log?: (level: 'info' | 'warn' | 'error', message: string, data?: Record<string, unknown>) => void;
  agentName?: string;
}

interface Persisted {
  handled: string[];
  commands: string[];
  volume: number | null;
}

interface Playing {
  id: string;
  priority: PlayCommand['priority'];
  sha256: string;
  startedAt: string;
  commandId?: string;
  abort: AbortController;
  interruptedBy?: string;
}

const MAX_REMEMBERED_COMMANDS = 500;
const REPORT_BATCH = 100;
const RETRY_MS = 3_000;

export class SpeakerAgent extends EventEmitter {
  readonly cache: DiskCache;
  private client: MqttClient | undefined;
  private schedule: ScheduleDoc | undefined;
  private pending: ScheduleDoc | undefined;
  private manifest: ManifestDoc | undefined;
  private readonly urls = new Map<string, AudioRef>();
  private readonly cached = new Map<string, number>();
  private readonly downloads = new Map<string, Promise<boolean>>();
  private handled = new Set<string>();
  private commands: string[] = [];
  private readonly emergencies: PlayCommand[] = [];
  private readonly nowQueue: PlayCommand[] = [];
  private current: Playing | undefined;
  private playLoop: Promise<void> | undefined;
  private outbox: PlayReport[] = [];
  private volume = 70;
  private readonly startedAt = Date.now();
  private tickTimer: NodeJS.Timeout | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private flushing = false;
  private stopped = false;
  private writes: Promise<void> = Promise.resolve();

  constructor(private readonly o: AgentOptions) {
    super();
    this.cache = new DiskCache(o.cacheDir);
  }

  get connected() {
    return this.client?.connected ?? false;
  }

  get scheduleVersion() {
    return this.schedule?.version ?? 0;
  }

  get playing() {
    return this.current
      ? { id: this.current.id, priority: this.current.priority, sha256: this.current.sha256 }
      : undefined;
  }

  get pendingReports() {
    return this.outbox.length;
  }

  private log(level: 'info' | 'warn' | 'error', message: string, data?: Record<string, unknown>) {
    this.o.log?.(level, message, { device: this.o.code, ...data });
  }

  /** Loads the cache and starts playing from it, then connects; playing never waits for the network. */
  async start() {
    await this.cache.init();
    for (const f of await this.cache.listAudio()) this.cached.set(f.sha256, f.bytes);
    this.schedule = await this.cache.readJson<ScheduleDoc>('schedule.json');
    this.manifest = await this.cache.readJson<ManifestDoc>('manifest.json');
    for (const f of this.manifest?.files ?? []) this.urls.set(f.sha256, f);
    const state = await this.cache.readJson<Persisted>('state.json');
    this.handled = new Set(state?.handled ?? []);
    this.commands = state?.commands ?? [];
    this.volume = state?.volume ?? this.schedule?.volume ?? 70;
    this.outbox = (await this.cache.readJson<PlayReport[]>('outbox.json')) ?? [];
    this.tick();
    this.connect();
    this.heartbeatTimer = setInterval(
      () => this.heartbeat(),
      (this.o.heartbeatSeconds ?? HEARTBEAT_SECONDS) * 1000,
    );
  }

  private connect() {
    const will = { v: PROTOCOL_VERSION, state: 'offline' as const };
    const client = connect(this.o.brokerUrl, {
      protocolVersion: 4,
      clientId: this.o.code,
      username: this.o.code,
      password: this.o.password,
      // A persistent session: commands sent while this speaker was unreachable wait at the broker.
      clean: false,
      keepalive: 30,
      reconnectPeriod: this.o.reconnectMs ?? 3_000,
      connectTimeout: 10_000,
      will: {
        topic: topicFor(this.o.code, 'status'),
        payload: Buffer.from(JSON.stringify(will)),
        qos: 1,
        retain: true,
      },
      ...(this.o.ca ? { ca: this.o.ca } : {}),
    });
    this.client = client;
    client.on('connect', () => {
      if (this.stopped) return;
      this.log('info', 'connected');
      void this.onConnected();
    });
    client.on('close', () => this.emit('disconnected'));
    client.on('error', (e) => this.log('warn', 'mqtt error', { error: e.message }));
    client.on('message', (topic, payload) => {
      const t = parseTopic(topic);
      if (!t || t.code !== this.o.code) return;
      let json: unknown;
      try {
        json = JSON.parse(payload.toString('utf8'));
      } catch {
        return this.log('warn', 'message is not JSON', { topic });
      }
      if (t.leaf === 'schedule') this.onSchedule(json);
      else if (t.leaf === 'manifest') this.onManifest(json);
      else if (t.leaf === 'cmd') this.onCommand(json);
    });
  }

  private async onConnected() {
    const client = this.client;
    if (!client) return;
    try {
      await client.subscribeAsync(
        DOWN_TOPICS.map((leaf) => topicFor(this.o.code, leaf)),
        { qos: 1 },
      );
      await client.publishAsync(
        topicFor(this.o.code, 'status'),
        JSON.stringify({ v: PROTOCOL_VERSION, state: 'online', at: new Date().toISOString() }),
        { qos: 1, retain: true },
      );
    } catch (e) {
      return this.log('warn', 'could not subscribe', { error: (e as Error).message });
    }
    this.emit('connected');
    this.heartbeat();
    // What was played while offline goes up now.
    void this.flush();
  }

  private publish(leaf: 'ack' | 'heartbeat' | 'played', body: unknown) {
    if (!this.client?.connected) return Promise.resolve(false);
    return this.client.publishAsync(topicFor(this.o.code, leaf), JSON.stringify(body), { qos: 1 }).then(
      () => true,
      () => false,
    );
  }

  private ack(a: Omit<Ack, 'v' | 'at'>) {
    void this.publish('ack', { v: PROTOCOL_VERSION, at: new Date().toISOString(), ...a });
  }

  /** Cache writes go one after another, so a later state never lands under an earlier one and stop() can wait for all. */
  private write(name: string, value: unknown): Promise<boolean> {
    const done = this.writes
      .then(() => this.cache.writeJson(name, value).then(() => true))
      .catch((e) => {
        this.log('error', 'cannot write the cache', { file: name, error: (e as Error).message });
        return false;
      });
    this.writes = done.then(() => {});
    return done;
  }

  private persist() {
    const state: Persisted = { handled: [...this.handled], commands: this.commands, volume: this.volume };
    void this.write('state.json', state);
    return this.write('outbox.json', [...this.outbox]);
  }

  // ── Schedule and audio ────────────────────────────────────────────────────────────────────

  private onManifest(json: unknown) {
    const doc = ManifestDoc.safeParse(json);
    if (!doc.success) return this.log('warn', 'manifest does not match the protocol');
    if (this.manifest && doc.data.version < this.manifest.version) return;
    this.manifest = doc.data;
    for (const f of doc.data.files) this.urls.set(f.sha256, f);
    void this.write('manifest.json', doc.data);
    // Fetch ahead of time: everything the coming days need is on disk before it is due.
    for (const f of doc.data.files) void this.ensureAudio(f.sha256);
    this.tryAdopt();
  }

  private onSchedule(json: unknown) {
    const doc = ScheduleDocSchema.safeParse(json);
    if (!doc.success) return this.log('warn', 'schedule does not match the protocol');
    const v = doc.data.version;
    if (this.schedule && v <= this.schedule.version) {
      // A retained copy seen again after reconnecting: confirm it again, nothing else.
      if (v === this.schedule.version) this.ack({ kind: 'schedule', version: v, status: 'ok' });
      return;
    }
    if (this.pending && v < this.pending.version) return;
    this.pending = doc.data;
    this.tryAdopt();
  }

  /** Switches to the pending schedule once all its audio is on disk; until then the old one plays. */
  private tryAdopt() {
    const p = this.pending;
    if (!p || this.stopped) return;
    const missing = [...new Set(p.entries.map((e) => e.sha256))].filter((sha) => !this.cached.has(sha));
    if (missing.length > 0) {
      void Promise.all(missing.map((sha) => this.ensureAudio(sha))).then((ok) => {
        if (ok.every(Boolean)) this.tryAdopt();
        else this.retryLater();
      });
      return;
    }
    this.pending = undefined;
    this.schedule = p;
    this.volume = p.volume;
    const ids = new Set(p.entries.map((e) => e.id));
    this.handled = new Set([...this.handled].filter((id) => ids.has(id)));
    void this.write('schedule.json', p).then((written) => {
      if (!written) return;
      this.ack({ kind: 'schedule', version: p.version, status: 'ok' });
      this.emit('adopted', p.version);
    });
    void this.persist();
    void this.collectGarbage();
    this.tick();
  }

  private retryLater() {
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => this.tryAdopt(), RETRY_MS);
  }

  private ensureAudio(sha256: string): Promise<boolean> {
    if (this.cached.has(sha256)) return Promise.resolve(true);
    const running = this.downloads.get(sha256);
    if (running) return running;
    const ref = this.urls.get(sha256);
    if (!ref) return Promise.resolve(false);
    const job = (async () => {
      try {
        const res = await fetch(ref.url, {
          headers: {
            authorization: `Basic ${Buffer.from(`${this.o.code}:${this.o.password}`).toString('base64')}`,
          },
          signal: AbortSignal.timeout(60_000),
        });
        if (!res.ok) throw new Error(`HTTP ${res.status}`);
        const data = Buffer.from(await res.arrayBuffer());
        await this.cache.putAudio(sha256, data);
        this.cached.set(sha256, data.length);
        this.tick();
        return true;
      } catch (e) {
        this.log('warn', 'audio download failed', {
          sha256: sha256.slice(0, 12),
          error: (e as Error).message,
        });
        return false;
      } finally {
        this.downloads.delete(sha256);
      }
    })();
    this.downloads.set(sha256, job);
    return job;
  }

  private async collectGarbage() {
    const keep = new Set<string>([
      ...(this.schedule?.entries ?? []).map((e) => e.sha256),
      ...(this.pending?.entries ?? []).map((e) => e.sha256),
      ...(this.manifest?.files ?? []).map((f) => f.sha256),
      ...this.emergencies.map((c) => c.audio.sha256),
      ...this.nowQueue.map((c) => c.audio.sha256),
    ]);
    for (const sha of [...this.cached.keys()]) {
      if (keep.has(sha)) continue;
      this.cached.delete(sha);
      await this.cache.removeAudio(sha);
    }
  }

  // ── Commands ──────────────────────────────────────────────────────────────────────────────

  private onCommand(json: unknown) {
    const parsed = Command.safeParse(json);
    if (!parsed.success) return this.log('warn', 'command does not match the protocol');
    const cmd = parsed.data;
    if (this.commands.includes(cmd.id)) return this.ack({ kind: 'command', id: cmd.id, status: 'ok' });
    this.commands = [...this.commands, cmd.id].slice(-MAX_REMEMBERED_COMMANDS);
    void this.persist();
    this.emit('command', cmd);
    if (cmd.type === 'volume') {
      this.volume = cmd.volume;
      void this.persist();
      return this.ack({ kind: 'command', id: cmd.id, status: 'ok' });
    }
    if (cmd.type === 'stop') {
      const drop = (q: PlayCommand[]) => {
        for (let i = q.length - 1; i >= 0; i--) if (!cmd.target || q[i]?.id === cmd.target) q.splice(i, 1);
      };
      drop(this.emergencies);
      drop(this.nowQueue);
      if (this.current && (!cmd.target || this.current.commandId === cmd.target)) this.interrupt(cmd.id);
      return this.ack({ kind: 'command', id: cmd.id, status: 'ok' });
    }
    if (cmd.expiresAt && Date.parse(cmd.expiresAt) < Date.now()) {
      return this.ack({ kind: 'command', id: cmd.id, status: 'expired' });
    }
    this.ack({ kind: 'command', id: cmd.id, status: 'ok' });
    this.urls.set(cmd.audio.sha256, cmd.audio);
    if (cmd.priority === 'emergency') {
      // Pre-emption happens here, on receipt, not when the audio is ready: silence beats a
      // normal bulletin talking over an emergency that is still downloading.
      if (this.current && this.current.priority !== 'emergency') this.interrupt(cmd.id);
      this.emergencies.push(cmd);
    } else {
      this.nowQueue.push(cmd);
    }
    void this.ensureAudio(cmd.audio.sha256).then((ok) => {
      if (!ok) this.retryCommandAudio(cmd);
    });
    this.tick();
  }

  private retryCommandAudio(cmd: PlayCommand) {
    setTimeout(() => {
      if (this.stopped || ![...this.emergencies, ...this.nowQueue].includes(cmd)) return;
      void this.ensureAudio(cmd.audio.sha256).then((ok) => (ok ? this.tick() : this.retryCommandAudio(cmd)));
    }, RETRY_MS);
  }

  private interrupt(by: string) {
    if (!this.current) return;
    this.current.interruptedBy = by;
    this.current.abort.abort();
  }

  // ── Playing ───────────────────────────────────────────────────────────────────────────────

  /** Decides what plays next. Synchronous, so two events can never start two plays. */
  private tick() {
    clearTimeout(this.tickTimer);
    if (this.stopped || this.current) return;
    const now = Date.now();
    for (const queue of [this.emergencies, this.nowQueue]) {
      const cmd = queue[0];
      if (!cmd) continue;
      // Waiting for its audio: nothing else may start meanwhile.
      if (!this.cached.has(cmd.audio.sha256)) return;
      queue.shift();
      return this.begin(this.playCommand(cmd), {
        id: cmd.id,
        priority: cmd.priority,
        sha256: cmd.audio.sha256,
        commandId: cmd.id,
      });
    }
    const schedule = this.schedule;
    if (!schedule) return;
    const due = schedule.entries
      .filter((e) => !this.handled.has(e.id) && Date.parse(e.start) <= now)
      .sort((a, b) => comparePrecedence(candidate(a), candidate(b)));
    for (const e of due) {
      this.handled.add(e.id);
      if (now - Date.parse(e.start) > schedule.lateGraceMs || !this.cached.has(e.sha256)) {
        this.report(e, {
          startedAt: now,
          endedAt: now,
          outcome: this.cached.has(e.sha256) ? 'skipped' : 'failed',
          offline: !this.connected,
        });
        continue;
      }
      void this.persist();
      return this.begin(this.playEntry(e), { id: e.id, priority: e.priority, sha256: e.sha256 });
    }
    void this.persist();
    const next = schedule.entries
      .filter((e) => !this.handled.has(e.id))
      .map((e) => Date.parse(e.start))
      .filter((t) => t > now)
      .sort((a, b) => a - b)[0];
    if (next !== undefined) this.tickTimer = setTimeout(() => this.tick(), Math.min(next - now, 60_000));
  }

  private begin(run: (playing: Playing) => Promise<void>, what: Omit<Playing, 'abort' | 'startedAt'>) {
    const playing: Playing = { ...what, startedAt: new Date().toISOString(), abort: new AbortController() };
    this.current = playing;
    this.playLoop = run(playing)
      .catch((e) => this.log('error', 'playback failed', { error: (e as Error).message }))
      .finally(() => {
        if (this.current === playing) this.current = undefined;
        this.tick();
      });
  }

  private async playOnce(
    p: Playing,
    id: string,
    sha256: string,
    durationMs: number,
    priority: PlayCommand['priority'],
  ) {
    const startedAt = Date.now();
    const online = this.connected;
    this.emit('play', { id, sha256, priority });
    let outcome: PlayResult;
    try {
      outcome = await this.o.sink.play({
        file: this.cache.audioPath(sha256),
        durationMs,
        volume: this.volume,
        id,
        sha256,
        priority,
        signal: p.abort.signal,
      });
    } catch {
      outcome = 'failed';
    }
    return { startedAt, endedAt: Date.now(), outcome, offline: !online || !this.connected };
  }

  private playEntry(e: ScheduleEntry) {
    return async (p: Playing) => {
      const r = await this.playOnce(p, e.id, e.sha256, e.durationMs, e.priority);
      this.report(e, { ...r, interruptedBy: r.outcome === 'interrupted' ? p.interruptedBy : undefined });
    };
  }

  private playCommand(cmd: PlayCommand) {
    return async (p: Playing) => {
      for (let i = 1; i <= cmd.repeat; i++) {
        if (p.abort.signal.aborted) break;
        const r = await this.playOnce(
          p,
          `${cmd.id}#${i}`,
          cmd.audio.sha256,
          cmd.audio.durationMs,
          cmd.priority,
        );
        this.queueReport({
          uid: randomUUID(),
          commandId: cmd.id,
          ...(cmd.bulletinId !== undefined ? { bulletinId: cmd.bulletinId } : {}),
          ...(cmd.alertId !== undefined ? { alertId: cmd.alertId } : {}),
          sha256: cmd.audio.sha256,
          priority: cmd.priority,
          startedAt: new Date(r.startedAt).toISOString(),
          endedAt: new Date(r.endedAt).toISOString(),
          outcome: r.outcome,
          ...(r.outcome === 'interrupted' && p.interruptedBy ? { interruptedBy: p.interruptedBy } : {}),
          offline: r.offline,
        });
        if (r.outcome !== 'completed') break;
        if (i < cmd.repeat) await abortableWait(REPEAT_GAP_MS, p.abort.signal);
      }
    };
  }

  private report(
    e: ScheduleEntry,
    r: {
      startedAt: number;
      endedAt: number;
      outcome: PlayReport['outcome'];
      offline: boolean;
      interruptedBy?: string | undefined;
    },
  ) {
    this.queueReport({
      uid: randomUUID(),
      entryId: e.id,
      bulletinId: e.bulletinId,
      sha256: e.sha256,
      priority: e.priority,
      scheduledAt: e.start,
      startedAt: new Date(r.startedAt).toISOString(),
      endedAt: new Date(r.endedAt).toISOString(),
      outcome: r.outcome,
      ...(r.interruptedBy ? { interruptedBy: r.interruptedBy } : {}),
      offline: r.offline,
    });
  }

  private queueReport(report: PlayReport) {
    this.outbox.push(report);
    this.emit('played', report);
    void this.persist().then(() => this.flush());
  }

  /** Sends kept reports in batches; each batch leaves the disk only when the broker acknowledged it. */
  async flush() {
    if (this.flushing) return;
    this.flushing = true;
    try {
      while (this.outbox.length > 0 && this.connected && !this.stopped) {
        const batch = this.outbox.slice(0, REPORT_BATCH);
        if (!(await this.publish('played', { v: PROTOCOL_VERSION, plays: batch }))) break;
        const sent = new Set(batch.map((b) => b.uid));
        this.outbox = this.outbox.filter((r) => !sent.has(r.uid));
        await this.persist();
        this.emit('reported', batch);
      }
    } finally {
      this.flushing = false;
    }
  }

  private heartbeat() {
    if (!this.connected) return;
    const hb: Heartbeat = {
      v: PROTOCOL_VERSION,
      at: new Date().toISOString(),
      uptimeSeconds: Math.round((Date.now() - this.startedAt) / 1000),
      volume: this.volume,
      scheduleVersion: this.scheduleVersion,
      cachedFiles: this.cached.size,
      cacheBytes: [...this.cached.values()].reduce((a, b) => a + b, 0),
      pendingReports: this.outbox.length,
      playing: this.current
        ? {
            id: this.current.id,
            sha256: this.current.sha256,
            priority: this.current.priority,
            startedAt: this.current.startedAt,
          }
        : null,
      agent: this.o.agentName ?? 'xaso-speaker/1',
    };
    void this.publish('heartbeat', hb);
  }

  /** Stops playing (reported as interrupted), says goodbye to the broker, writes the cache. */
  async stop() {
    this.stopped = true;
    clearTimeout(this.tickTimer);
    clearTimeout(this.retryTimer);
    clearInterval(this.heartbeatTimer);
    this.interrupt('shutdown');
    await this.playLoop;
    await this.persist();
    const client = this.client;
    if (client?.connected) {
      await client
        .publishAsync(
          topicFor(this.o.code, 'status'),
          JSON.stringify({ v: PROTOCOL_VERSION, state: 'offline' }),
          {
            qos: 1,
            retain: true,
          },
        )
        .catch(() => {});
    }
    await client?.endAsync(false).catch(() => client.end(true));
  }

  /** Drops the connection without a goodbye, as a cut cable would (tests, simulations). */
  killConnection() {
    this.client?.stream.destroy();
  }
}

function candidate(e: ScheduleEntry) {
  return {
    key: e.id,
    entryId: 0,
    bulletinId: e.bulletinId,
    priority: e.priority,
    start: Date.parse(e.start),
    durationMs: e.durationMs,
    order: 0,
  };
}

function abortableWait(ms: number, signal: AbortSignal) {
  return new Promise<void>((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
}
