import { randomUUID } from 'node:crypto';
import { recordAudit } from '#modules/audit/index.ts';
import { getPlaceByCode, type Place } from '#modules/places/index.ts';
import { actorLabel, requireStaff, scopeOf } from '#platform/auth/actor.ts';
import type { Ctx } from '#platform/context.ts';
import type { Db } from '#platform/db/client.ts';
import { Conflict, Invalid, NotFound } from '#platform/errors.ts';
import { type BroadcastDeps, checkBulletinText, speak } from './audio.ts';
import { getCommune, getCommuneById, requireOperator, requireView, VIEW_ROLES } from './broadcast.access.ts';
import * as q from './broadcast.queries.ts';
import type { EmergencyConfirm, EmergencyForm } from './broadcast.schemas.ts';
import { act, allowedActions, createBulletin, getBulletin } from './bulletins.service.ts';
import {
  buildCap,
  CAP_GEOCODE_NAME,
  type CapAlert,
  type CapInfo,
  capDateTime,
  capPlaceCodes,
  parseCap,
  pickInfo,
  spokenAlertText,
} from './cap.ts';

/**
 * Emergencies speak CAP 1.2. An operator's "Phát khẩn cấp" composes an alert; a province system
 * may post one. Either way the alert is kept as published, its instruction is spoken, and every
 * active cluster in its areas gets a play command that pre-empts whatever is playing, with one
 * delivery row per device.
 */

export const DEFAULT_REPEAT = 3;
export const REPEAT_PARAMETER = 'XASO_REPEAT';

const alertNotFound = () => new NotFound({ vi: 'Không tìm thấy cảnh báo này.', en: 'No such alert.' });

/** Target places: the commune itself or its villages, each within the operator's grants. */
async function resolveTargets(ctx: Ctx, commune: Place, codes: string[]) {
  const places: Place[] = [];
  for (const code of [...new Set(codes)]) {
    const place = await getPlaceByCode(ctx.db, code).catch(() => undefined);
    if (!place || place.validTo || !place.path.startsWith(commune.path)) {
      throw new Invalid([
        {
          field: 'targets',
          vi: `Mã ${code} không phải thôn, bản của ${commune.fullName}.`,
          en: `${code} is not a village of ${commune.fullName}.`,
        },
      ]);
    }
    requireOperator(ctx.actor, place.path);
    places.push(place);
  }
  return places;
}

/**
 * Step one of "Phát khẩn cấp": speak the text into an emergency draft so the operator hears it,
 * and count the speakers it would reach. Nothing plays yet.
 */
export async function prepareEmergency(
  ctx: Ctx,
  deps: BroadcastDeps,
  communeCode: string,
  input: EmergencyForm,
) {
  const commune = await getCommune(ctx.db, communeCode);
  requireOperator(ctx.actor, commune.path);
  const targets = await resolveTargets(ctx, commune, input.targets);
  const text = `${input.headline}. ${input.instruction}`;
  let bulletin: Awaited<ReturnType<typeof createBulletin>>;
  if (input.recordedBulletinId) {
    // An emergency draft made on the compose page, e.g. a recording in Dao or H'Mông: its audio is
    // what plays; the headline and instruction still go into the CAP alert.
    bulletin = await getBulletin(ctx, input.recordedBulletinId);
    if (
      bulletin.communeId !== commune.id ||
      bulletin.priority !== 'emergency' ||
      bulletin.status !== 'draft'
    ) {
      throw new Conflict({
        vi: 'Chỉ phát khẩn cấp được bản nháp khẩn cấp của xã này.',
        en: 'Only an emergency draft of this commune can be broadcast.',
      });
    }
    checkBulletinText(text, 'instruction', false);
  } else {
    checkBulletinText(text, 'instruction', true);
    bulletin = await createBulletin(ctx, deps, communeCode, {
      title: input.headline,
      body: text,
      priority: 'emergency',
      voice: input.voice,
    });
  }
  const clusters = await q.listActiveClustersUnderPaths(
    ctx.db,
    targets.map((t) => t.path),
  );
  return { bulletin, targets, clusters };
}

function senderFor(commune: Place, publicUrl: string) {
  return `loa.${commune.code}@${new URL(publicUrl).hostname}`;
}

/** Creates the play command and one delivery per active cluster under the alert's areas. */
async function issuePlay(
  ctx: Ctx,
  tx: Db,
  o: {
    communeId: number;
    bulletinId: number;
    alertId: number;
    repeat: number;
    expiresAt: Date | null;
    paths: string[];
  },
) {
  const clusters = await q.listActiveClustersUnderPaths(tx, o.paths);
  const id = randomUUID();
  await q.insertCommand(
    tx,
    {
      id,
      communeId: o.communeId,
      type: 'play',
      priority: 'emergency',
      bulletinId: o.bulletinId,
      alertId: o.alertId,
      repeat: o.repeat,
      issuedBy: ctx.actor.kind === 'staff' ? ctx.actor.userId : null,
      issuedAt: ctx.clock.now(),
      expiresAt: o.expiresAt,
    },
    clusters.map((c) => c.id),
  );
  return { commandId: id, devices: clusters.length };
}

/**
 * Step two: the operator confirmed. The alert is written as CAP 1.2, logged as the bulletin's
 * broadcast, and the play command goes out to every targeted speaker at once.
 */
export async function broadcastEmergency(ctx: Ctx, deps: BroadcastDeps, input: EmergencyConfirm) {
  const bulletin = await getBulletin(ctx, input.bulletinId);
  const staff = requireOperator(ctx.actor, bulletin.communePath);
  if (bulletin.status === 'broadcast') {
    // The same confirmation sent again (a double tap, a retry on a bad link): the alert that went out.
    const existing = await q.findAlertByBulletin(ctx.db, bulletin.id);
    const play =
      existing && (await q.listCommandsForAlert(ctx.db, existing.id)).find((c) => c.type === 'play');
    if (existing && play) {
      return {
        alert: existing,
        commandId: play.id,
        devices: await q.countCommandDeliveries(ctx.db, play.id),
        duplicate: true,
      };
    }
  }
  if (bulletin.priority !== 'emergency' || !allowedActions(ctx, bulletin).includes('broadcast')) {
    throw new Conflict({
      vi: 'Bản tin này không phát khẩn cấp được.',
      en: 'This bulletin cannot be broadcast as an emergency.',
    });
  }
  const commune = await getCommuneById(ctx.db, bulletin.communeId);
  const targets = await resolveTargets(ctx, commune, input.targets);
  const now = ctx.clock.now();
  const expiresAt = new Date(now.getTime() + input.expiresMinutes * 60_000);
  const sent = capDateTime(now.getTime());
  const identifier = `XASO-${commune.code}-${sent.slice(0, 19).replace(/\D/g, '')}-${bulletin.id}`;
  const info: CapInfo = {
    language: 'vi-VN',
    category: [input.category],
    event: input.event,
    urgency: input.urgency,
    severity: input.severity,
    certainty: input.certainty,
    expires: capDateTime(expiresAt.getTime()),
    senderName: commune.fullName,
    headline: input.headline,
    instruction: input.instruction,
    parameter: [{ valueName: REPEAT_PARAMETER, value: String(input.repeat) }],
    resource: [
      {
        resourceDesc: 'Bản tin âm thanh',
        mimeType: (bulletin.audioMime ?? 'audio/ogg').split(';')[0] as string,
        size: bulletin.audioBytes ?? undefined,
        uri: `${deps.publicUrl.replace(/\/$/, '')}/loa/ban-tin/${bulletin.id}/am-thanh`,
        digest: bulletin.audioSha1 ?? undefined,
      },
    ],
    area: targets.map((t) => ({
      areaDesc: t.fullName,
      geocode: [{ valueName: CAP_GEOCODE_NAME, value: t.code }],
    })),
  };
  const cap: CapAlert = {
    identifier,
    sender: senderFor(commune, deps.publicUrl),
    sent,
    status: 'Actual',
    msgType: 'Alert',
    scope: 'Public',
    info: [stripEmpty(info)],
  };
  const xml = buildCap(cap);
  const check = parseCap(xml);
  if (!check.ok) throw new Error(`composed CAP alert is not valid: ${check.errors.join('; ')}`);

  const result = await ctx.db.transaction(async (tx) => {
    await act(ctx, tx, bulletin.id, 'broadcast');
    const alert = await q.insertAlert(
      tx,
      {
        identifier,
        sender: cap.sender,
        sent: now,
        status: 'Actual',
        msgType: 'Alert',
        scope: 'Public',
        language: 'vi-VN',
        category: input.category,
        event: input.event,
        urgency: input.urgency,
        severity: input.severity,
        certainty: input.certainty,
        headline: input.headline,
        instruction: input.instruction,
        expiresAt,
        repeat: input.repeat,
        source: 'composed',
        bulletinId: bulletin.id,
        xml,
        createdBy: staff.userId,
      },
      targets.map((t) => ({ placeId: t.id, placeCode: t.code, placePath: t.path, areaDesc: t.fullName })),
    );
    const issued = await issuePlay(ctx, tx, {
      communeId: commune.id,
      bulletinId: bulletin.id,
      alertId: alert.id,
      repeat: input.repeat,
      expiresAt,
      paths: targets.map((t) => t.path),
    });
    await recordAudit(tx, ctx.actor, ctx.meta, {
      action: 'broadcast.emergency',
      targetType: 'broadcast_alert',
      targetId: alert.id,
      place: commune,
      details: { identifier, bulletin: bulletin.id, targets: input.targets, devices: issued.devices },
    });
    return { alert, ...issued, duplicate: false };
  });
  await ctx.events.emit('broadcast.command-issued', { commandId: result.commandId });
  await ctx.events.emit('broadcast.alert-issued', {
    alertId: result.alert.id,
    identifier,
    communeIds: [commune.id],
    headline: input.headline,
  });
  return result;
}

function stripEmpty<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

export interface IngestResult {
  alert: q.AlertRow;
  outcome: 'broadcast' | 'stored' | 'cancelled';
  devices: number;
  cancelled: number;
}

function refsOf(references: string | undefined) {
  // "sender,identifier,sent" triples separated by spaces (CAP 1.2 §3.2.1).
  return (references ?? '')
    .split(/\s+/)
    .filter(Boolean)
    .map((r) => r.split(','))
    .filter((p) => p.length >= 2)
    .map(([sender, identifier]) => ({ sender: sender as string, identifier: identifier as string }));
}

/** Stops the devices still playing these alerts and marks them cancelled. */
async function stopAlerts(ctx: Ctx, tx: Db, alerts: q.AlertRow[]) {
  const commandIds: string[] = [];
  for (const a of alerts) {
    const plays = (await q.listCommandsForAlert(tx, a.id)).filter((c) => c.type === 'play');
    for (const play of plays) {
      const clusterIds = (await q.listCommandTargets(tx, play.id, false)).map((t) => t.clusterId);
      const id = randomUUID();
      await q.insertCommand(
        tx,
        {
          id,
          communeId: play.communeId,
          type: 'stop',
          alertId: a.id,
          repeat: 1,
          issuedBy: ctx.actor.kind === 'staff' ? ctx.actor.userId : null,
          issuedAt: ctx.clock.now(),
          expiresAt: play.expiresAt,
        },
        clusterIds,
      );
      commandIds.push(id);
    }
  }
  await q.cancelAlerts(
    tx,
    alerts.map((a) => a.id),
    ctx.clock.now(),
  );
  return commandIds;
}

/**
 * A CAP 1.2 document from elsewhere (the province, the weather service's relay). Valid Actual
 * alerts are spoken and broadcast to the clusters in their areas; Exercise, Test, System and Draft
 * alerts are stored, not played. Cancel stops and cancels the alerts it references; Update does
 * that and broadcasts itself. The poster must be a radio operator over every area.
 */
export async function ingestCap(ctx: Ctx, deps: BroadcastDeps, xml: string): Promise<IngestResult> {
  const staff = requireStaff(ctx.actor);
  const parsed = parseCap(xml);
  if (!parsed.ok) {
    throw new Invalid(parsed.errors.map((e) => ({ field: `cap.${e.split(':')[0]}`, vi: e, en: e })));
  }
  const cap = parsed.alert;
  const sent = new Date(Date.parse(cap.sent));
  if (await q.findAlertByKey(ctx.db, cap.sender, cap.identifier, sent)) {
    throw new Conflict({ vi: 'Cảnh báo này đã được nhận.', en: 'This alert was already received.' });
  }
  const referenced = await q.findAlertsBySenderIdentifier(ctx.db, refsOf(cap.references));
  for (const r of referenced) {
    for (const area of await q.listAlertAreas(ctx.db, r.id)) requireOperator(staff, area.placePath);
  }
  const info = pickInfo(cap) as CapInfo;
  const codes = capPlaceCodes(cap);
  const places: Place[] = [];
  for (const code of codes) {
    const place = await getPlaceByCode(ctx.db, code).catch(() => undefined);
    if (!place || place.validTo) {
      throw new Invalid([
        {
          field: 'cap.area.geocode',
          vi: `Mã địa bàn ${code} không có hoặc không còn hiệu lực.`,
          en: `Place code ${code} is unknown or no longer valid.`,
        },
      ]);
    }
    if (place.level !== 'commune' && place.level !== 'village') {
      throw new Invalid([
        {
          field: 'cap.area.geocode',
          vi: `Mã ${code} không phải xã hay thôn: loa được nhắm theo xã, phường hoặc thôn, bản.`,
          en: `${code} is not a commune or village: speakers are targeted by commune or village.`,
        },
      ]);
    }
    requireOperator(staff, place.path);
    places.push(place);
  }
  const isCancel = cap.msgType === 'Cancel';
  if (!isCancel && places.length === 0 && cap.msgType !== 'Ack' && cap.msgType !== 'Error') {
    throw new Invalid([
      {
        field: 'cap.area.geocode',
        vi: `Cảnh báo không có vùng nào mang mã ${CAP_GEOCODE_NAME} của Xã Số.`,
        en: `The alert has no area with a ${CAP_GEOCODE_NAME} geocode.`,
      },
    ]);
  }
  const playable = cap.status === 'Actual' && (cap.msgType === 'Alert' || cap.msgType === 'Update');
  const spoken = spokenAlertText(info);
  if (playable) {
    if (!info.language.toLowerCase().startsWith('vi')) {
      throw new Invalid([
        {
          field: 'cap.info.language',
          vi: 'Cảnh báo cần một khối <info> tiếng Việt (vi-VN) để đọc trên loa.',
          en: 'The alert needs a Vietnamese <info> block (vi-VN) to be spoken.',
        },
      ]);
    }
    checkBulletinText(spoken, 'cap.info.instruction', true);
  }
  const repeatParam = info.parameter?.find((p) => p.valueName === REPEAT_PARAMETER)?.value;
  const repeat = Math.min(10, Math.max(1, Number.parseInt(repeatParam ?? '', 10) || DEFAULT_REPEAT));
  const expiresAt = info.expires ? new Date(Date.parse(info.expires)) : null;
  const audio = playable ? await speak(ctx.db, deps, spoken, undefined) : undefined;
  // One bulletin and one command per commune: bulletins and device groups belong to a commune.
  const communes = new Map<number, { commune: Place; places: Place[] }>();
  for (const p of places) {
    const commune =
      p.level === 'commune' ? p : await getCommuneById(ctx.db, p.parentId ?? 0).catch(() => undefined);
    if (!commune) continue;
    const group = communes.get(commune.id) ?? { commune, places: [] };
    group.places.push(p);
    communes.set(commune.id, group);
  }

  const result = await ctx.db.transaction(async (tx) => {
    const stops = isCancel || cap.msgType === 'Update' ? await stopAlerts(ctx, tx, referenced) : [];
    let firstBulletin: number | null = null;
    const bulletinIds = new Map<number, number>();
    if (audio) {
      for (const { commune } of communes.values()) {
        const b = await q.insertBulletin(tx, {
          communeId: commune.id,
          communePath: commune.path,
          title: (info.headline ?? info.event).slice(0, 200),
          body: spoken,
          language: 'vi',
          priority: 'emergency',
          status: 'broadcast',
          audioSource: audio.source,
          audioFileId: audio.fileId,
          audioSha256: audio.sha256,
          audioSha1: audio.sha1,
          audioBytes: audio.bytes,
          audioDurationMs: audio.durationMs,
          audioFormat: audio.format,
          audioMime: audio.mime,
          audioKbps: audio.kbps,
          spokenText: audio.spokenText,
          voice: audio.voice,
          createdBy: staff.userId,
        });
        for (const action of ['create', 'broadcast'] as const) {
          await q.insertAction(tx, {
            bulletinId: b.id,
            action,
            actorUserId: staff.userId,
            actorLabel: actorLabel(staff),
            note: `CAP ${cap.identifier}`,
          });
        }
        bulletinIds.set(commune.id, b.id);
        firstBulletin ??= b.id;
      }
    }
    const alert = await q.insertAlert(
      tx,
      {
        identifier: cap.identifier,
        sender: cap.sender,
        sent,
        status: cap.status,
        msgType: cap.msgType,
        scope: cap.scope,
        refs: cap.references ?? null,
        language: info.language,
        category: info.category.join(' '),
        event: info.event,
        urgency: info.urgency,
        severity: info.severity,
        certainty: info.certainty,
        headline: info.headline ?? null,
        description: info.description ?? null,
        instruction: info.instruction ?? null,
        expiresAt,
        repeat,
        source: 'ingested',
        bulletinId: firstBulletin,
        xml,
        createdBy: staff.userId,
      },
      places.map((p) => ({
        placeId: p.id,
        placeCode: p.code,
        placePath: p.path,
        areaDesc:
          cap.info.flatMap((i) => i.area).find((a) => a.geocode.some((g) => g.value === p.code))?.areaDesc ??
          p.fullName,
      })),
    );
    const plays: string[] = [];
    let devices = 0;
    for (const { commune, places: mine } of communes.values()) {
      const bulletinId = bulletinIds.get(commune.id);
      if (!bulletinId) continue;
      const issued = await issuePlay(ctx, tx, {
        communeId: commune.id,
        bulletinId,
        alertId: alert.id,
        repeat,
        expiresAt,
        paths: mine.map((p) => p.path),
      });
      plays.push(issued.commandId);
      devices += issued.devices;
    }
    await recordAudit(tx, ctx.actor, ctx.meta, {
      action: 'broadcast.cap.ingest',
      targetType: 'broadcast_alert',
      targetId: alert.id,
      place: places[0],
      details: {
        identifier: cap.identifier,
        sender: cap.sender,
        msgType: cap.msgType,
        status: cap.status,
        devices,
      },
    });
    return { alert, commandIds: [...stops, ...plays], devices };
  });
  for (const commandId of result.commandIds) await ctx.events.emit('broadcast.command-issued', { commandId });
  if (audio) {
    await ctx.events.emit('broadcast.alert-issued', {
      alertId: result.alert.id,
      identifier: cap.identifier,
      communeIds: [...communes.keys()],
      headline: info.headline ?? info.event,
    });
  }
  return {
    alert: result.alert,
    outcome: isCancel ? 'cancelled' : audio ? 'broadcast' : 'stored',
    devices: result.devices,
    cancelled: isCancel || cap.msgType === 'Update' ? referenced.length : 0,
  };
}

/** The operator ends an alert early: it is cancelled and the speakers still playing it stop. */
export async function cancelAlert(ctx: Ctx, alertId: number) {
  const alert = await q.findAlertById(ctx.db, alertId);
  if (!alert) throw alertNotFound();
  for (const area of await q.listAlertAreas(ctx.db, alert.id)) requireOperator(ctx.actor, area.placePath);
  if (alert.cancelledAt) return alert;
  const commandIds = await ctx.db.transaction(async (tx) => {
    const ids = await stopAlerts(ctx, tx, [alert]);
    await recordAudit(tx, ctx.actor, ctx.meta, {
      action: 'broadcast.alert.cancel',
      targetType: 'broadcast_alert',
      targetId: alert.id,
    });
    return ids;
  });
  for (const commandId of commandIds) await ctx.events.emit('broadcast.command-issued', { commandId });
  return alert;
}

/** The alert, its areas, and per device: pushed, acknowledged, played — limited to the viewer's scope. */
export async function describeAlert(ctx: Ctx, alertId: number) {
  const alert = await q.findAlertById(ctx.db, alertId);
  if (!alert) throw alertNotFound();
  const areas = await q.listAlertAreas(ctx.db, alert.id);
  const scope = scopeOf(ctx.actor, VIEW_ROLES);
  const visible = areas.filter((a) =>
    scope.some((p) => a.placePath.startsWith(p) || p.startsWith(a.placePath)),
  );
  if (visible.length === 0) {
    requireView(ctx.actor, areas[0]?.placePath ?? '/none/');
  }
  const commands = await q.listCommandsForAlert(ctx.db, alert.id);
  const deliveries = await q.listCommandDeliveries(
    ctx.db,
    commands.filter((c) => c.type === 'play').map((c) => c.id),
  );
  // A province alert seen by a commune's operator: only that commune's speakers.
  const clusters = await q.listClustersByIds(
    ctx.db,
    deliveries.map((d) => d.clusterId),
  );
  const inScope = new Set(
    clusters.filter((c) => scope.some((p) => c.placePath.startsWith(p))).map((c) => c.id),
  );
  return { alert, areas: visible, deliveries: deliveries.filter((d) => inScope.has(d.clusterId)) };
}

export async function listAlerts(ctx: Ctx, communeCode: string) {
  const commune = await getCommune(ctx.db, communeCode);
  requireView(ctx.actor, commune.path);
  return (await q.listAlertsForCommune(ctx.db, commune.path)).map((r) => r.alert);
}

export const listActiveAlerts = q.listActiveAlerts;
