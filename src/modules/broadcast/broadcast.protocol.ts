import { z } from 'zod';

/**
 * The wire contract between the platform and loudspeaker devices over MQTT (3.1.1, QoS 1). Shared
 * by the server and the reference speaker agent, so both sides parse with the same schemas.
 * Payloads are JSON (UTF-8); times are ISO 8601 in UTC; every payload carries `v` (protocol version).
 *
 *   loa/{code}/schedule   platform → device  retained  the resolved timeline for the next days
 *   loa/{code}/manifest   platform → device  retained  the audio files the timeline needs
 *   loa/{code}/cmd        platform → device            play now (emergency), stop, volume
 *   loa/{code}/ack        device → platform            "stored schedule v", "got command id"
 *   loa/{code}/heartbeat  device → platform            every HEARTBEAT_SECONDS
 *   loa/{code}/played     device → platform            proof of play, batched, incl. offline plays
 *   loa/{code}/status     device → platform  retained  "online" on connect; "offline" as last will
 */

export const PROTOCOL_VERSION = 1;
export const TOPIC_ROOT = 'loa';
export const PLATFORM_MQTT_USERNAME = 'xaso-platform';
export const HEARTBEAT_SECONDS = 30;
/** Missing this many heartbeats in a row marks a device offline. */
export const MISSED_HEARTBEATS = 3;

export const DOWN_TOPICS = ['schedule', 'manifest', 'cmd'] as const;
export const UP_TOPICS = ['ack', 'heartbeat', 'played', 'status'] as const;
export type DownTopic = (typeof DOWN_TOPICS)[number];
export type UpTopic = (typeof UP_TOPICS)[number];

/** Device codes are MQTT usernames, client ids and topic levels at once. */
export const DEVICE_CODE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export function topicFor(code: string, leaf: DownTopic | UpTopic): string {
  return `${TOPIC_ROOT}/${code}/${leaf}`;
}

/** `loa/{code}/{leaf}` → its parts, or undefined for anything else. */
export function parseTopic(topic: string): { code: string; leaf: DownTopic | UpTopic } | undefined {
  const parts = topic.split('/');
  if (parts.length !== 3 || parts[0] !== TOPIC_ROOT) return undefined;
  const [, code, leaf] = parts as [string, string, string];
  if (!DEVICE_CODE.test(code)) return undefined;
  if (
    !(DOWN_TOPICS as readonly string[]).includes(leaf) &&
    !(UP_TOPICS as readonly string[]).includes(leaf)
  ) {
    return undefined;
  }
  return { code, leaf: leaf as DownTopic | UpTopic };
}

const iso = z.iso.datetime({ offset: true });
const sha256 = z.string().regex(/^[0-9a-f]{64}$/);
const priority = z.enum(['normal', 'priority', 'emergency']);

export const AudioRef = z.object({
  sha256,
  /** HTTP(S) URL; the device authenticates with HTTP Basic using its MQTT username and password. */
  url: z.url(),
  bytes: z.number().int().positive(),
  durationMs: z.number().int().positive(),
  mimeType: z.string(),
});
export type AudioRef = z.infer<typeof AudioRef>;

export const ManifestDoc = z.object({
  v: z.literal(PROTOCOL_VERSION),
  version: z.number().int().nonnegative(),
  generatedAt: iso,
  files: z.array(AudioRef),
});
export type ManifestDoc = z.infer<typeof ManifestDoc>;

export const ScheduleEntry = z.object({
  /** Stable key of this play (rule, local date and time, repeat number). */
  id: z.string().min(1).max(120),
  bulletinId: z.number().int(),
  sha256,
  start: iso,
  durationMs: z.number().int().positive(),
  priority,
  title: z.string().max(200),
});
export type ScheduleEntry = z.infer<typeof ScheduleEntry>;

export const ScheduleDoc = z.object({
  v: z.literal(PROTOCOL_VERSION),
  version: z.number().int().nonnegative(),
  generatedAt: iso,
  timezone: z.literal('Asia/Ho_Chi_Minh'),
  /** The window this timeline covers; the platform pushes a fresh one before it runs out. */
  from: iso,
  until: iso,
  volume: z.number().int().min(0).max(100),
  /** How late an entry may still start (after an outage or an emergency); later ones are skipped. */
  lateGraceMs: z.number().int().nonnegative(),
  entries: z.array(ScheduleEntry),
});
export type ScheduleDoc = z.infer<typeof ScheduleDoc>;

export const PlayCommand = z.object({
  v: z.literal(PROTOCOL_VERSION),
  id: z.uuid(),
  type: z.literal('play'),
  issuedAt: iso,
  /** A device that gets the command after this (it was offline) acknowledges "expired" and does not play. */
  expiresAt: iso.optional(),
  priority,
  repeat: z.number().int().min(1).max(10),
  title: z.string().max(200),
  bulletinId: z.number().int().optional(),
  alertId: z.number().int().optional(),
  audio: AudioRef,
});
export const StopCommand = z.object({
  v: z.literal(PROTOCOL_VERSION),
  id: z.uuid(),
  type: z.literal('stop'),
  issuedAt: iso,
  /** Stop only this command's playback (e.g. a cancelled alert); absent = stop whatever plays. */
  target: z.uuid().optional(),
});
export const VolumeCommand = z.object({
  v: z.literal(PROTOCOL_VERSION),
  id: z.uuid(),
  type: z.literal('volume'),
  issuedAt: iso,
  volume: z.number().int().min(0).max(100),
});
export const Command = z.discriminatedUnion('type', [PlayCommand, StopCommand, VolumeCommand]);
export type Command = z.infer<typeof Command>;
export type PlayCommand = z.infer<typeof PlayCommand>;

export const Ack = z.object({
  v: z.literal(PROTOCOL_VERSION),
  kind: z.enum(['schedule', 'command']),
  version: z.number().int().nonnegative().optional(),
  id: z.uuid().optional(),
  status: z.enum(['ok', 'error', 'expired']),
  detail: z.string().max(500).optional(),
  at: iso,
});
export type Ack = z.infer<typeof Ack>;

export const Heartbeat = z.object({
  v: z.literal(PROTOCOL_VERSION),
  at: iso,
  uptimeSeconds: z.number().nonnegative(),
  volume: z.number().int().min(0).max(100),
  scheduleVersion: z.number().int().nonnegative(),
  cachedFiles: z.number().int().nonnegative(),
  cacheBytes: z.number().int().nonnegative(),
  pendingReports: z.number().int().nonnegative(),
  playing: z.object({ id: z.string(), sha256, priority, startedAt: iso }).nullable().optional(),
  agent: z.string().max(100),
});
export type Heartbeat = z.infer<typeof Heartbeat>;

export const PlayReport = z.object({
  /** Made by the device; reports are resent until acknowledged, the platform keeps each uid once. */
  uid: z.uuid(),
  entryId: z.string().max(120).optional(),
  commandId: z.uuid().optional(),
  bulletinId: z.number().int().optional(),
  alertId: z.number().int().optional(),
  sha256,
  priority,
  scheduledAt: iso.optional(),
  startedAt: iso,
  endedAt: iso,
  outcome: z.enum(['completed', 'interrupted', 'skipped', 'failed']),
  interruptedBy: z.string().max(120).optional(),
  /** Played while the device could not reach the broker. */
  offline: z.boolean(),
});
export type PlayReport = z.infer<typeof PlayReport>;

export const PlayedBatch = z.object({
  v: z.literal(PROTOCOL_VERSION),
  plays: z.array(PlayReport).min(1).max(200),
});
export type PlayedBatch = z.infer<typeof PlayedBatch>;

export const StatusMessage = z.object({
  v: z.literal(PROTOCOL_VERSION),
  state: z.enum(['online', 'offline']),
  at: iso.optional(),
});
export type StatusMessage = z.infer<typeof StatusMessage>;
