import type { FastifyBaseLogger } from 'fastify';
import type { Clock } from '#platform/clock.ts';
import type { Database } from '#platform/db/client.ts';
import * as clusterDb from './broadcast.clusters.queries.ts';
import { OFFLINE_AFTER_MS } from './broadcast.clusters.service.ts';
import * as commandDb from './broadcast.commands.queries.ts';
import * as deviceDb from './broadcast.devices.queries.ts';
import { Ack, Heartbeat, PlayedBatch, StatusMessage, type UpTopic } from './broadcast.protocol.ts';
import {
  buildCommand,
  buildDeviceDocs,
  REFRESH_BEFORE_MS,
  recordAcks,
  recordHeartbeats,
  recordPlays,
  recordStatuses,
} from './broadcast.sync.service.ts';
import type { PlatformBus } from './mqtt/bus.ts';

/**
 * Keeps devices in step with the database. On start it republishes every device's retained
 * documents and re-sends every live, unacknowledged command (an embedded broker forgets both on
 * restart); then it pushes what changed when told
 * (events) and on a timer (changes made by another instance, windows running out, commands that
 * found the broker down), and it stores what devices report.
 */
export interface DeviceSyncOptions {
  database: Database;
  clock: Clock;
  publicUrl: string;
  bus: PlatformBus;
  log: FastifyBaseLogger;
  reconcileMs?: number;
  batchMs?: number;
}

const PUSH_BATCH = 200;

export class DeviceSync {
  private timer: NodeJS.Timeout | undefined;
  private flushTimer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  /** The broker may have lost retained documents (a restart): republish every device's. */
  private full = false;
  private stopped = false;
  private seq = 0;
  /** Commands being published: storing device reports waits, so it does not hold up the fan-out. */
  private publishing = 0;
  private heartbeats: { code: string; hb: Heartbeat; seq: number }[] = [];
  private acks: { code: string; ack: Ack }[] = [];
  private statuses: { code: string; state: 'online' | 'offline'; seq: number }[] = [];

  constructor(private readonly o: DeviceSyncOptions) {}

  get db() {
    return this.o.database.db;
  }

  /** Pushes everything at each (re)connection, then reconciles on a timer and when kicked. */
  start() {
    this.o.bus.onConnected(() => {
      this.full = true;
      this.kick();
    });
    this.timer = setInterval(() => this.kick(), this.o.reconcileMs ?? 5_000);
    this.timer.unref();
  }

  async stop() {
    this.stopped = true;
    clearInterval(this.timer);
    clearTimeout(this.flushTimer);
    await this.running;
    await this.flush();
  }

  /** Run a reconciliation soon; calls while one runs fold into one more run. */
  kick() {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.reconcile()
      .catch((e) => this.o.log.error({ err: e }, 'broadcast: reconciliation failed'))
      .finally(() => {
        this.running = undefined;
        if (this.again) {
          this.again = false;
          this.kick();
        }
      });
  }

  /** Wait for any reconciliation under way (tests, shutdown). */
  async settle() {
    while (this.running) await this.running;
  }

  private async reconcile() {
    if (!this.o.bus.connected) return;
    const now = this.o.clock.now();
    if (this.full) {
      this.full = false;
      await this.pushAll();
      const requeued = await commandDb.requeueUnacknowledgedCommands(this.db);
      if (requeued)
        this.o.log.info({ requeued }, 'broadcast: commands sent again after the broker (re)connected');
    }
    await deviceDb.bumpExpiringHorizons(this.db, now, REFRESH_BEFORE_MS);
    for (;;) {
      const due = await deviceDb.listClustersToPush(this.db, PUSH_BATCH);
      if (due.length === 0) break;
      await this.push(due);
      if (due.length < PUSH_BATCH) break;
    }
    for (const id of await commandDb.listUnpushedCommandIds(this.db, 100)) await this.publishCommand(id);
    await deviceDb.markSilentOffline(this.db, new Date(now.getTime() - OFFLINE_AFTER_MS));
  }

  /** Every active device's documents, whatever was pushed before. */
  async pushAll() {
    const ids = await clusterDb.listAllActiveClusterIds(this.db);
    for (let i = 0; i < ids.length; i += PUSH_BATCH) {
      await this.push(await clusterDb.listClustersByIds(this.db, ids.slice(i, i + PUSH_BATCH)));
    }
  }

  private async push(clusters: clusterDb.ClusterRow[]) {
    if (clusters.length === 0) return;
    const now = this.o.clock.now();
    const docs = await buildDeviceDocs(this.db, clusters, now, this.o.publicUrl);
    const done: Parameters<typeof deviceDb.markPushed>[1] = [];
    await Promise.all(
      docs.map(async (d) => {
        try {
          // The manifest first, so a device that reads the schedule can already fetch its files.
          await this.o.bus.publish(d.code, 'manifest', d.manifest, true);
          await this.o.bus.publish(d.code, 'schedule', d.schedule, true);
          done.push({
            clusterId: d.clusterId,
            version: d.version,
            horizonUntil: d.horizonUntil,
            payloadSha256: d.payloadSha256,
            entries: d.schedule.entries.length,
          });
        } catch (e) {
          this.o.log.warn({ err: e, device: d.code }, 'broadcast: schedule push failed; will retry');
        }
      }),
    );
    await deviceDb.markPushed(this.db, done, now);
  }

  /** Publishes a command to every device that has not had it yet. */
  async publishCommand(commandId: string) {
    if (!this.o.bus.connected) return;
    const targets = await commandDb.listCommandTargets(this.db, commandId, true);
    if (targets.length === 0) return;
    const command = await buildCommand(this.db, commandId, this.o.publicUrl);
    if (!command) return;
    const body = JSON.stringify(command);
    const sent: number[] = [];
    this.publishing++;
    try {
      await Promise.all(
        targets.map(async (t) => {
          try {
            await this.o.bus.publish(t.code, 'cmd', body);
            sent.push(t.deliveryId);
          } catch (e) {
            this.o.log.warn({ err: e, device: t.code }, 'broadcast: command push failed; will retry');
          }
        }),
      );
    } finally {
      this.publishing--;
    }
    await commandDb.markCommandPushed(this.db, sent, this.o.clock.now());
  }

  /** What devices send. Proof of play is stored before it is acknowledged; the rest is batched. */
  async onUplink(code: string, leaf: UpTopic, payload: Buffer) {
    let json: unknown;
    try {
      json = JSON.parse(payload.toString('utf8'));
    } catch {
      this.o.log.warn({ device: code, topic: leaf }, 'broadcast: uplink is not JSON; dropped');
      return;
    }
    switch (leaf) {
      case 'played': {
        const batch = PlayedBatch.safeParse(json);
        if (!batch.success) return this.invalid(code, leaf);
        await recordPlays(this.db, code, batch.data.plays, this.o.clock.now());
        return;
      }
      case 'heartbeat': {
        const hb = Heartbeat.safeParse(json);
        if (!hb.success) return this.invalid(code, leaf);
        this.heartbeats.push({ code, hb: hb.data, seq: ++this.seq });
        break;
      }
      case 'ack': {
        const ack = Ack.safeParse(json);
        if (!ack.success) return this.invalid(code, leaf);
        this.acks.push({ code, ack: ack.data });
        break;
      }
      case 'status': {
        const s = StatusMessage.safeParse(json);
        if (!s.success) return this.invalid(code, leaf);
        this.statuses.push({ code, state: s.data.state, seq: ++this.seq });
        // Back online: whatever was meant for it and never acknowledged may have died with a
        // broker restart; send it again now that it is subscribed.
        if (s.data.state === 'online' && (await commandDb.requeueUnacknowledgedCommands(this.db, code)) > 0)
          this.kick();
        break;
      }
    }
    this.scheduleFlush();
  }

  private scheduleFlush() {
    this.flushTimer ??= setTimeout(() => {
      this.flushTimer = undefined;
      if (this.publishing > 0) return this.scheduleFlush();
      this.flush().catch((e) => this.o.log.error({ err: e }, 'broadcast: storing device reports failed'));
    }, this.o.batchMs ?? 100);
  }

  private invalid(code: string, leaf: string) {
    this.o.log.warn({ device: code, topic: leaf }, 'broadcast: uplink does not match the protocol; dropped');
  }

  async flush() {
    const [heartbeats, acks, statuses] = [this.heartbeats, this.acks, this.statuses];
    this.heartbeats = [];
    this.acks = [];
    this.statuses = [];
    const now = this.o.clock.now();
    // In arrival order per device: a heartbeat means online; a later will ("offline") overrides it.
    const lastBeat = new Map(heartbeats.map((h) => [h.code, h.seq]));
    await recordHeartbeats(this.db, heartbeats, now);
    await recordStatuses(
      this.db,
      statuses.filter((s) => s.seq > (lastBeat.get(s.code) ?? 0)),
      now,
    );
    await recordAcks(this.db, acks, now);
  }
}
