import { recordAudit } from '#modules/audit/index.ts';
import { findPlacesByIds, getPlaceByCode, type Place } from '#modules/places/index.ts';
import { requireRole } from '#platform/auth/actor.ts';
import type { Ctx } from '#platform/context.ts';
import type { Db } from '#platform/db/client.ts';
import { Invalid, NotFound } from '#platform/errors.ts';
import { getCommune, getCommuneById, REGISTER_ROLES, requireView } from './broadcast.access.ts';
import * as clusterDb from './broadcast.clusters.queries.ts';
import { HEARTBEAT_SECONDS, MISSED_HEARTBEATS } from './broadcast.protocol.ts';
import type { ClusterUpdate, NewCluster } from './broadcast.schemas.ts';
import type { ClusterStatus } from './broadcast.tables.ts';
import { hashDevicePassword, newDevicePassword, verifyDevicePassword } from './mqtt/credentials.ts';

export type Cluster = clusterDb.ClusterRow;

/** A device is online while its heartbeats keep coming; three missed ones make it offline. */
export const OFFLINE_AFTER_MS = HEARTBEAT_SECONDS * MISSED_HEARTBEATS * 1000;

export function clusterStatus(c: Pick<Cluster, 'status' | 'lastSeenAt'>, now: Date): ClusterStatus {
  if (!c.lastSeenAt) return 'never';
  if (c.status === 'offline') return 'offline';
  return now.getTime() - c.lastSeenAt.getTime() > OFFLINE_AFTER_MS ? 'offline' : 'online';
}

const clusterNotFound = () =>
  new NotFound({ vi: 'Không tìm thấy cụm loa này.', en: 'No such loudspeaker cluster.' });

/** The commune a village or commune belongs to. */
async function communeOf(db: Db, place: Place): Promise<Place> {
  if (place.level === 'commune') return place;
  if (place.level === 'village' && place.parentId) return getCommuneById(db, place.parentId);
  throw new Invalid([
    {
      field: 'place',
      vi: 'Cụm loa phải thuộc một thôn, bản hoặc một xã, phường.',
      en: 'A cluster belongs to a village or a commune.',
    },
  ]);
}

/**
 * Registers a cluster in a village (or at the commune seat) and makes its MQTT credentials. The
 * password is returned once, to be typed into the device; only its hash is kept.
 */
export async function registerCluster(ctx: Ctx, input: NewCluster) {
  const place = await getPlaceByCode(ctx.db, input.placeCode);
  requireRole(ctx.actor, REGISTER_ROLES, place.path);
  if (place.validTo) {
    throw new Invalid([
      { field: 'placeCode', vi: 'Địa bàn này không còn hiệu lực.', en: 'This place no longer exists.' },
    ]);
  }
  const commune = await communeOf(ctx.db, place);
  const password = newDevicePassword();
  const hash = await hashDevicePassword(password);
  const cluster = await ctx.db.transaction(async (tx) => {
    const n = await clusterDb.nextClusterNumber(tx, place.id);
    const code = `${place.code}-${n}`;
    const row = await clusterDb.insertCluster(tx, {
      code,
      name: input.name,
      placeId: place.id,
      placePath: place.path,
      communeId: commune.id,
      latitude: input.latitude ?? null,
      longitude: input.longitude ?? null,
      languages: input.languages,
      volume: input.volume,
      mqttUsername: code,
      mqttPasswordHash: hash,
      status: 'never',
      pushedVersion: 0,
      ackedVersion: 0,
      createdBy: ctx.actor.kind === 'staff' ? ctx.actor.userId : null,
    });
    await recordAudit(tx, ctx.actor, ctx.meta, {
      action: 'broadcast.cluster.register',
      targetType: 'broadcast_cluster',
      targetId: row.id,
      place,
      details: { code, name: input.name },
    });
    return row;
  });
  await ctx.events.emit('broadcast.devices-changed', { clusterIds: [cluster.id] });
  return { cluster, password, place, commune };
}

/** For seeding: registers a cluster without an actor, unless the place already has one of that name. */
export async function registerClusterUnchecked(
  db: Db,
  place: Place,
  input: { name: string; volume?: number },
): Promise<{ cluster: Cluster; password: string | undefined }> {
  const existing = (await clusterDb.listClustersUnder(db, (await communeOf(db, place)).id)).find(
    (c) => c.placeId === place.id && c.name === input.name,
  );
  if (existing) return { cluster: existing, password: undefined };
  const commune = await communeOf(db, place);
  const password = newDevicePassword();
  const hash = await hashDevicePassword(password);
  const cluster = await db.transaction(async (tx) => {
    const code = `${place.code}-${await clusterDb.nextClusterNumber(tx, place.id)}`;
    return clusterDb.insertCluster(tx, {
      code,
      name: input.name,
      placeId: place.id,
      placePath: place.path,
      communeId: commune.id,
      languages: ['vi'],
      volume: input.volume ?? 70,
      mqttUsername: code,
      mqttPasswordHash: hash,
      status: 'never',
      pushedVersion: 0,
      ackedVersion: 0,
    });
  });
  return { cluster, password };
}

/** New credentials for a device (lost or leaked); the old password stops working at once. */
export async function resetClusterPassword(ctx: Ctx, id: number) {
  const cluster = await clusterDb.findClusterById(ctx.db, id);
  if (!cluster) throw clusterNotFound();
  requireRole(ctx.actor, REGISTER_ROLES, cluster.placePath);
  const password = newDevicePassword();
  const hash = await hashDevicePassword(password);
  await ctx.db.transaction(async (tx) => {
    await clusterDb.updateCluster(tx, id, { mqttPasswordHash: hash });
    await recordAudit(tx, ctx.actor, ctx.meta, {
      action: 'broadcast.cluster.reset-password',
      targetType: 'broadcast_cluster',
      targetId: id,
      place: { id: cluster.placeId, path: cluster.placePath },
    });
  });
  return { cluster, password };
}

export async function updateCluster(ctx: Ctx, id: number, input: ClusterUpdate) {
  const cluster = await clusterDb.findClusterById(ctx.db, id);
  if (!cluster) throw clusterNotFound();
  requireRole(ctx.actor, REGISTER_ROLES, cluster.placePath);
  const updated = await ctx.db.transaction(async (tx) => {
    const row = await clusterDb.updateCluster(tx, id, {
      ...(input.name !== undefined ? { name: input.name } : {}),
      ...(input.volume !== undefined ? { volume: input.volume } : {}),
      ...(input.disabled !== undefined ? { disabledAt: input.disabled ? ctx.clock.now() : null } : {}),
    });
    // The volume travels in the retained schedule document, so a new push carries it.
    await clusterDb.bumpClusters(tx, [id]);
    await recordAudit(tx, ctx.actor, ctx.meta, {
      action: 'broadcast.cluster.update',
      targetType: 'broadcast_cluster',
      targetId: id,
      place: { id: cluster.placeId, path: cluster.placePath },
      details: { ...input },
    });
    return row;
  });
  await ctx.events.emit('broadcast.devices-changed', { clusterIds: [id] });
  return updated;
}

export interface ClusterView extends Cluster {
  liveStatus: ClusterStatus;
  placeCode: string;
  placeName: string;
}

/** A commune's clusters with their status now, for the operator. */
export async function listClusters(ctx: Ctx, communeCode: string): Promise<ClusterView[]> {
  const commune = await getCommune(ctx.db, communeCode);
  requireView(ctx.actor, commune.path);
  const rows = await clusterDb.listClustersUnder(ctx.db, commune.id);
  const now = ctx.clock.now();
  const places = new Map(
    (await findPlacesByIds(ctx.db, [...new Set(rows.map((r) => r.placeId))])).map((p) => [p.id, p]),
  );
  return rows.map((r) => ({
    ...r,
    liveStatus: clusterStatus(r, now),
    placeCode: places.get(r.placeId)?.code ?? '',
    placeName: places.get(r.placeId)?.fullName ?? '',
  }));
}

/** Clusters not heard from for more than `minutes` (or never), oldest silence first. */
export async function listOfflineClusters(ctx: Ctx, communeCode: string, minutes: number) {
  const all = await listClusters(ctx, communeCode);
  const cutoff = ctx.clock.now().getTime() - minutes * 60_000;
  return all
    .filter((c) => !c.disabledAt && (!c.lastSeenAt || c.lastSeenAt.getTime() < cutoff))
    .sort((a, b) => (a.lastSeenAt?.getTime() ?? 0) - (b.lastSeenAt?.getTime() ?? 0));
}

/** The broker's and the audio route's check of a device's username and password. */
export async function authenticateDevice(db: Db, username: string, password: string) {
  const cluster = await clusterDb.findClusterByUsername(db, username);
  if (!cluster || cluster.disabledAt) {
    // Same work either way, so a wrong username is not faster than a wrong password.
    await verifyDevicePassword('$7$101$AAAAAAAAAAAAAAAA$AAAA', password);
    return undefined;
  }
  return (await verifyDevicePassword(cluster.mqttPasswordHash, password)) ? cluster : undefined;
}

/** `username:hash` entries for Mosquitto's password file: every active device, plus the platform's own. */
export async function mosquittoPasswordEntries(
  db: Db,
  platformUsers: { username: string; password: string }[] = [],
) {
  const devices = await clusterDb.listMqttCredentials(db);
  const platform = await Promise.all(
    platformUsers.map(async (u) => ({ username: u.username, hash: await hashDevicePassword(u.password) })),
  );
  return [...platform, ...devices];
}
