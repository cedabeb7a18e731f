import { createHash } from 'node:crypto';
import type { Db } from '#platform/db/client.ts';
import * as bulletinDb from './broadcast.bulletins.queries.ts';
import type * as clusterDb from './broadcast.clusters.queries.ts';
import * as commandDb from './broadcast.commands.queries.ts';
import * as deviceDb from './broadcast.devices.queries.ts';
import * as playDb from './broadcast.plays.queries.ts';
import * as programmeDb from './broadcast.programmes.queries.ts';
import {
  type Ack,
  type AudioRef,
  type Command,
  type Heartbeat,
  type ManifestDoc,
  type PlayReport,
  PROTOCOL_VERSION,
  type ScheduleDoc,
} from './broadcast.protocol.ts';
import { DAY_MS, expandRules, localDate, resolveTimeline } from './broadcast.schedule.ts';

/**
 * Store and forward: what each device should hold is derived from the database, pushed as retained
 * MQTT documents, and confirmed by the device. Nothing here talks to MQTT; the device-sync engine
 * publishes what these functions build and feeds them what devices send back.
 */

/** Devices get this much timeline ahead; a fresh one is pushed a day before it runs out. */
export const HORIZON_MS = 7 * DAY_MS;
export const REFRESH_BEFORE_MS = 6 * DAY_MS;
/** A play may start this late (behind another bulletin, after an emergency, after a reboot); later, it is skipped. */
export const LATE_GRACE_MS = 15 * 60_000;
/** Candidates that started this long ago are still laid out, so collisions resolve the same way on every push. */
const LOOKBACK_MS = 2 * 60 * 60_000;

export function audioUrl(publicUrl: string, sha256: string) {
  return `${publicUrl.replace(/\/$/, '')}/device/audio/${sha256}`;
}

export interface DeviceDocs {
  clusterId: number;
  code: string;
  version: number;
  manifest: ManifestDoc;
  schedule: ScheduleDoc;
  payloadSha256: string;
  horizonUntil: Date;
}

/** The schedule and manifest documents for these clusters, at their current desired version. */
export async function buildDeviceDocs(
  db: Db,
  clusters: clusterDb.ClusterRow[],
  now: Date,
  publicUrl: string,
): Promise<DeviceDocs[]> {
  const t = now.getTime();
  const rules = await programmeDb.listRulesForClusters(
    db,
    clusters.map((c) => c.id),
    localDate(t - LOOKBACK_MS),
  );
  const generatedAt = now.toISOString();
  const until = t + HORIZON_MS;
  return clusters.map((c) => {
    const mine = rules.filter((r) => r.clusterId === c.id);
    const timeline = resolveTimeline(expandRules(mine, t - LOOKBACK_MS, until), {
      maxDelayMs: LATE_GRACE_MS,
    });
    const byBulletin = new Map(mine.map((r) => [r.bulletinId, r]));
    // Plays already over are left out; one that is under way stays, and the device decides.
    const plays = timeline.plays.filter((p) => p.endsAt > t);
    const entries = plays.map((p) => {
      const r = byBulletin.get(p.bulletinId) as programmeDb.RuleRow;
      return {
        id: p.key,
        bulletinId: p.bulletinId,
        sha256: r.sha256,
        start: new Date(p.at).toISOString(),
        durationMs: p.durationMs,
        priority: p.priority,
        title: r.title.slice(0, 200),
      };
    });
    const files = new Map<string, AudioRef>();
    for (const e of entries) {
      const r = byBulletin.get(e.bulletinId) as programmeDb.RuleRow;
      files.set(e.sha256, {
        sha256: e.sha256,
        url: audioUrl(publicUrl, e.sha256),
        bytes: r.bytes,
        durationMs: r.durationMs,
        mimeType: r.mime,
      });
    }
    const version = c.syncVersion;
    const schedule: ScheduleDoc = {
      v: PROTOCOL_VERSION,
      version,
      generatedAt,
      timezone: 'Asia/Ho_Chi_Minh',
      from: generatedAt,
      until: new Date(until).toISOString(),
      volume: c.volume,
      lateGraceMs: LATE_GRACE_MS,
      entries,
    };
    const manifest: ManifestDoc = { v: PROTOCOL_VERSION, version, generatedAt, files: [...files.values()] };
    const payloadSha256 = createHash('sha256').update(JSON.stringify(schedule.entries)).digest('hex');
    return {
      clusterId: c.id,
      code: c.mqttUsername,
      version,
      manifest,
      schedule,
      payloadSha256,
      horizonUntil: new Date(until),
    };
  });
}

/** The command as a device receives it. */
export async function buildCommand(
  db: Db,
  commandId: string,
  publicUrl: string,
): Promise<Command | undefined> {
  const cmd = await commandDb.findCommand(db, commandId);
  if (!cmd) return undefined;
  const base = { v: PROTOCOL_VERSION, id: cmd.id, issuedAt: cmd.issuedAt.toISOString() } as const;
  if (cmd.type === 'volume') return { ...base, type: 'volume', volume: cmd.volume ?? 70 };
  if (cmd.type === 'stop') {
    return {
      ...base,
      type: 'stop',
      ...(cmd.alertId ? { target: await targetOf(db, cmd.alertId, cmd.id) } : {}),
    };
  }
  const b = cmd.bulletinId ? await bulletinDb.findBulletinById(db, cmd.bulletinId) : undefined;
  if (!b?.audioSha256) return undefined;
  return {
    ...base,
    type: 'play',
    ...(cmd.expiresAt ? { expiresAt: cmd.expiresAt.toISOString() } : {}),
    priority: cmd.priority ?? 'emergency',
    repeat: cmd.repeat,
    title: b.title.slice(0, 200),
    bulletinId: b.id,
    ...(cmd.alertId ? { alertId: cmd.alertId } : {}),
    audio: {
      sha256: b.audioSha256,
      url: audioUrl(publicUrl, b.audioSha256),
      bytes: b.audioBytes ?? 1,
      durationMs: b.audioDurationMs ?? 1,
      mimeType: b.audioMime ?? 'application/octet-stream',
    },
  };
}

/** A stop for a cancelled alert targets the alert's first play command. */
async function targetOf(db: Db, alertId: number, self: string) {
  const cmds = await commandDb.listCommandsForAlert(db, alertId);
  return cmds.find((c) => c.type === 'play' && c.id !== self)?.id;
}

export async function recordHeartbeats(db: Db, items: { code: string; hb: Heartbeat }[], at: Date) {
  // One row per device per batch: the latest heartbeat wins.
  const latest = new Map(items.map((i) => [i.code, i.hb]));
  await deviceDb.applyHeartbeats(
    db,
    [...latest].map(([code, hb]) => ({
      code,
      heartbeat: hb as Record<string, unknown>,
      scheduleVersion: hb.scheduleVersion,
    })),
    at,
  );
}

export async function recordAcks(db: Db, items: { code: string; ack: Ack }[], at: Date) {
  await deviceDb.applyAcks(
    db,
    items.map(({ code, ack }) => ({
      code,
      kind: ack.kind,
      version: ack.version,
      commandId: ack.id,
      status: ack.status,
      detail: ack.detail,
    })),
    at,
  );
}

export async function recordStatuses(
  db: Db,
  items: { code: string; state: 'online' | 'offline' }[],
  at: Date,
) {
  const latest = new Map(items.map((i) => [i.code, i.state]));
  await deviceDb.applyStatuses(
    db,
    [...latest].map(([code, state]) => ({ code, state })),
    at,
  );
}

/** Proof of play; a report sent twice (the device never heard our ack) is kept once. */
export async function recordPlays(db: Db, code: string, plays: PlayReport[], at: Date) {
  return playDb.insertPlays(
    db,
    plays.map((p) => ({
      uid: p.uid,
      code,
      entryKey: p.entryId ?? null,
      commandId: p.commandId ?? null,
      bulletinId: p.bulletinId ?? null,
      alertId: p.alertId ?? null,
      sha256: p.sha256,
      priority: p.priority,
      scheduledAt: p.scheduledAt ?? null,
      startedAt: p.startedAt,
      endedAt: p.endedAt,
      outcome: p.outcome,
      interruptedBy: p.interruptedBy ?? null,
      offline: p.offline,
    })),
    at,
  );
}
