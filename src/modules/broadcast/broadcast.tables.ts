import {
  bigint,
  boolean,
  date,
  doublePrecision,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  real,
  smallint,
  text,
  time,
  timestamp,
  uuid,
} from 'drizzle-orm/pg-core';

export const PRIORITIES = ['normal', 'priority', 'emergency'] as const;
export type Priority = (typeof PRIORITIES)[number];

export const BULLETIN_STATUSES = [
  'draft',
  'pending',
  'approved',
  'rejected',
  'withdrawn',
  'broadcast',
] as const;
export type BulletinStatus = (typeof BULLETIN_STATUSES)[number];

/** What a bulletin's log records; the status is replayed from these (broadcast.workflow.ts). */
export const ACTION_TYPES = [
  'create',
  'edit',
  'submit',
  'approve',
  'reject',
  'withdraw',
  'broadcast',
] as const;
export type ActionType = (typeof ACTION_TYPES)[number];

export type ClusterStatus = 'never' | 'online' | 'offline';
export type PlayOutcome = 'completed' | 'interrupted' | 'skipped' | 'failed';

const ts = (name: string) => timestamp(name, { withTimezone: true });
const id = (name: string) => bigint(name, { mode: 'number' });

export const clusters = pgTable('broadcast_clusters', {
  id: id('id').primaryKey().generatedAlwaysAsIdentity(),
  code: text('code').notNull(),
  name: text('name').notNull(),
  placeId: id('place_id').notNull(),
  placePath: text('place_path').notNull(),
  communeId: id('commune_id').notNull(),
  latitude: doublePrecision('latitude'),
  longitude: doublePrecision('longitude'),
  languages: text('languages').array().notNull().default(['vi']),
  volume: smallint('volume').notNull().default(70),
  mqttUsername: text('mqtt_username').notNull(),
  mqttPasswordHash: text('mqtt_password_hash').notNull(),
  status: text('status').$type<ClusterStatus>().notNull().default('never'),
  lastSeenAt: ts('last_seen_at'),
  lastHeartbeat: jsonb('last_heartbeat').$type<Record<string, unknown>>(),
  disabledAt: ts('disabled_at'),
  syncVersion: id('sync_version').notNull().default(0),
  pushedVersion: id('pushed_version').notNull().default(0),
  pushedAt: ts('pushed_at'),
  ackedVersion: id('acked_version').notNull().default(0),
  ackedAt: ts('acked_at'),
  horizonUntil: ts('horizon_until'),
  createdBy: id('created_by'),
  createdAt: ts('created_at').notNull().defaultNow(),
  updatedAt: ts('updated_at').notNull().defaultNow(),
});

export const bulletins = pgTable('broadcast_bulletins', {
  id: id('id').primaryKey().generatedAlwaysAsIdentity(),
  communeId: id('commune_id').notNull(),
  communePath: text('commune_path').notNull(),
  title: text('title').notNull(),
  body: text('body'),
  language: text('language').notNull(),
  priority: text('priority').$type<Priority>().notNull(),
  status: text('status').$type<BulletinStatus>().notNull(),
  voice: text('voice'),
  spokenText: text('spoken_text'),
  audioSource: text('audio_source').$type<'tts' | 'upload'>(),
  audioFileId: uuid('audio_file_id'),
  audioSha256: text('audio_sha256'),
  audioSha1: text('audio_sha1'),
  audioBytes: integer('audio_bytes'),
  audioDurationMs: integer('audio_duration_ms'),
  audioFormat: text('audio_format').$type<'opus' | 'mp3'>(),
  audioMime: text('audio_mime'),
  audioKbps: real('audio_kbps'),
  createdBy: id('created_by'),
  createdAt: ts('created_at').notNull().defaultNow(),
  updatedAt: ts('updated_at').notNull().defaultNow(),
});

export const bulletinActions = pgTable('broadcast_bulletin_actions', {
  id: id('id').primaryKey().generatedAlwaysAsIdentity(),
  bulletinId: id('bulletin_id').notNull(),
  type: text('action').$type<ActionType>().notNull(),
  actorUserId: id('actor_user_id'),
  actorLabel: text('actor_label').notNull(),
  note: text('note'),
  at: ts('at').notNull().defaultNow(),
});

export const programmes = pgTable('broadcast_programmes', {
  id: id('id').primaryKey().generatedAlwaysAsIdentity(),
  communeId: id('commune_id').notNull(),
  communePath: text('commune_path').notNull(),
  name: text('name').notNull(),
  active: boolean('active').notNull().default(true),
  createdBy: id('created_by'),
  createdAt: ts('created_at').notNull().defaultNow(),
});

export const programmeClusters = pgTable(
  'broadcast_programme_clusters',
  {
    programmeId: id('programme_id').notNull(),
    clusterId: id('cluster_id').notNull(),
  },
  (t) => [primaryKey({ columns: [t.programmeId, t.clusterId] })],
);

export const scheduleEntries = pgTable('broadcast_schedule_entries', {
  id: id('id').primaryKey().generatedAlwaysAsIdentity(),
  programmeId: id('programme_id').notNull(),
  bulletinId: id('bulletin_id').notNull(),
  startTime: time('start_time').notNull(),
  weekdays: smallint('weekdays').notNull(),
  startDate: date('start_date').notNull(),
  endDate: date('end_date'),
  repeat: smallint('repeat').notNull(),
  cancelledAt: ts('cancelled_at'),
  createdBy: id('created_by'),
  createdAt: ts('created_at').notNull().defaultNow(),
});

export const alerts = pgTable('broadcast_alerts', {
  id: id('id').primaryKey().generatedAlwaysAsIdentity(),
  identifier: text('identifier').notNull(),
  sender: text('sender').notNull(),
  sent: ts('sent').notNull(),
  status: text('status').notNull(),
  msgType: text('msg_type').notNull(),
  scope: text('scope').notNull(),
  refs: text('refs'),
  language: text('language').notNull(),
  category: text('category').notNull(),
  event: text('event').notNull(),
  urgency: text('urgency').notNull(),
  severity: text('severity').notNull(),
  certainty: text('certainty').notNull(),
  headline: text('headline'),
  description: text('description'),
  instruction: text('instruction'),
  expiresAt: ts('expires_at'),
  repeat: smallint('repeat').notNull(),
  source: text('source').$type<'composed' | 'ingested'>().notNull(),
  bulletinId: id('bulletin_id'),
  xml: text('xml').notNull(),
  createdBy: id('created_by'),
  createdAt: ts('created_at').notNull().defaultNow(),
  cancelledAt: ts('cancelled_at'),
  /** The poster's radio-operator scope while the alert waits for its places (drawn areas only). */
  awaitingScope: text('awaiting_scope').array(),
  placesChosenAt: ts('places_chosen_at'),
  placesChosenBy: id('places_chosen_by'),
});

export const alertAreas = pgTable(
  'broadcast_alert_areas',
  {
    alertId: id('alert_id').notNull(),
    placeId: id('place_id').notNull(),
    placeCode: text('place_code').notNull(),
    placePath: text('place_path').notNull(),
    areaDesc: text('area_desc').notNull(),
  },
  (t) => [primaryKey({ columns: [t.alertId, t.placeId] })],
);

export const commands = pgTable('broadcast_commands', {
  id: uuid('id').primaryKey(),
  communeId: id('commune_id').notNull(),
  type: text('type').$type<'play' | 'stop' | 'volume'>().notNull(),
  priority: text('priority').$type<Priority>(),
  bulletinId: id('bulletin_id'),
  alertId: id('alert_id'),
  repeat: smallint('repeat').notNull(),
  volume: smallint('volume'),
  issuedBy: id('issued_by'),
  issuedAt: ts('issued_at').notNull().defaultNow(),
  expiresAt: ts('expires_at'),
});

export const deliveries = pgTable('broadcast_deliveries', {
  id: id('id').primaryKey().generatedAlwaysAsIdentity(),
  clusterId: id('cluster_id').notNull(),
  kind: text('kind').$type<'schedule' | 'command'>().notNull(),
  version: id('version'),
  commandId: uuid('command_id'),
  payloadSha256: text('payload_sha256'),
  entries: integer('entries'),
  createdAt: ts('created_at').notNull().defaultNow(),
  pushedAt: ts('pushed_at'),
  pushCount: integer('push_count').notNull().default(0),
  acknowledgedAt: ts('acknowledged_at'),
  ackStatus: text('ack_status').$type<'ok' | 'error' | 'expired'>(),
  ackDetail: text('ack_detail'),
});

export const plays = pgTable('broadcast_plays', {
  id: id('id').primaryKey().generatedAlwaysAsIdentity(),
  uid: uuid('uid').notNull(),
  clusterId: id('cluster_id').notNull(),
  entryKey: text('entry_key'),
  commandId: uuid('command_id'),
  bulletinId: id('bulletin_id'),
  alertId: id('alert_id'),
  audioSha256: text('audio_sha256').notNull(),
  priority: text('priority').$type<Priority>().notNull(),
  scheduledAt: ts('scheduled_at'),
  startedAt: ts('started_at').notNull(),
  endedAt: ts('ended_at').notNull(),
  outcome: text('outcome').$type<PlayOutcome>().notNull(),
  interruptedBy: text('interrupted_by'),
  offline: boolean('offline').notNull(),
  reportedAt: ts('reported_at').notNull().defaultNow(),
});
