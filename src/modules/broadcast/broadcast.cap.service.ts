import { recordAudit } from '#modules/audit/index.ts';
import { getPlaceByCode, type Place } from '#modules/places/index.ts';
import { type Actor, actorLabel, hasRole, requireStaff, scopeOf } from '#platform/auth/actor.ts';
import type { Ctx } from '#platform/context.ts';
import type { Db } from '#platform/db/client.ts';
import { Conflict, Forbidden, Invalid, NotFound } from '#platform/errors.ts';
import { getCommuneById, requireOperator } from './broadcast.access.ts';
import * as alertDb from './broadcast.alerts.queries.ts';
import {
  awaitsPlacesFor,
  DEFAULT_REPEAT,
  issuePlay,
  REPEAT_PARAMETER,
  stopAlerts,
} from './broadcast.alerts.service.ts';
import {
  audioColumns,
  type BroadcastDeps,
  checkBulletinText,
  type StoredAudio,
  speak,
} from './broadcast.audio.ts';
import * as bulletinDb from './broadcast.bulletins.queries.ts';
import {
  buildCap,
  CAP_GEOCODE_NAME,
  type CapAlert,
  type CapInfo,
  capPlaceCodes,
  infoLanguage,
  isDrawn,
  parseCap,
  pickInfo,
  spokenAlertText,
} from './broadcast.cap.ts';

type Staff = Extract<Actor, { kind: 'staff' }>;

export interface IngestResult {
  alert: alertDb.AlertRow;
  /** `awaiting`: the areas are only drawn, a radio operator chooses the places (`choosePlaces`). */
  outcome: 'broadcast' | 'stored' | 'cancelled' | 'awaiting';
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

/** The alert's areas as places: communes or villages that exist, each within the poster's grants. */
async function resolveAreas(ctx: Ctx, staff: Staff, cap: CapAlert): Promise<Place[]> {
  const places: Place[] = [];
  for (const code of capPlaceCodes(cap)) {
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
  return places;
}

/** One bulletin and one command per commune: bulletins and device groups belong to a commune. */
async function groupByCommune(ctx: Ctx, places: Place[]) {
  const communes = new Map<number, { commune: Place; places: Place[] }>();
  for (const p of places) {
    const commune =
      p.level === 'commune' ? p : await getCommuneById(ctx.db, p.parentId ?? 0).catch(() => undefined);
    if (!commune) continue;
    const group = communes.get(commune.id) ?? { commune, places: [] };
    group.places.push(p);
    communes.set(commune.id, group);
  }
  return communes;
}

/** The spoken alert as a broadcast bulletin of each commune, logged as created and broadcast at once. */
async function insertAlertBulletins(
  tx: Db,
  staff: Staff,
  cap: CapAlert,
  info: CapInfo,
  audio: StoredAudio,
  communes: Iterable<Place>,
) {
  const ids = new Map<number, number>();
  for (const commune of communes) {
    const b = await bulletinDb.insertBulletin(tx, {
      communeId: commune.id,
      communePath: commune.path,
      title: (info.headline ?? info.event).slice(0, 200),
      body: spokenAlertText(info),
      language: 'vi',
      priority: 'emergency',
      status: 'broadcast',
      ...audioColumns(audio),
      createdBy: staff.userId,
    });
    for (const type of ['create', 'broadcast'] as const) {
      await bulletinDb.insertAction(tx, {
        bulletinId: b.id,
        type,
        actorUserId: staff.userId,
        actorLabel: actorLabel(staff),
        note: `CAP ${cap.identifier}`,
      });
    }
    ids.set(commune.id, b.id);
  }
  return ids;
}

function alertRow(
  cap: CapAlert,
  info: CapInfo,
  o: {
    repeat: number;
    expiresAt: Date | null;
    bulletinId: number | null;
    xml: string;
    createdBy: number;
    awaitingScope: string[] | null;
  },
) {
  return {
    identifier: cap.identifier,
    sender: cap.sender,
    sent: new Date(Date.parse(cap.sent)),
    status: cap.status,
    msgType: cap.msgType,
    scope: cap.scope,
    refs: cap.references ?? null,
    language: infoLanguage(info),
    category: info.category.join(' '),
    event: info.event,
    urgency: info.urgency,
    severity: info.severity,
    certainty: info.certainty,
    headline: info.headline ?? null,
    description: info.description ?? null,
    instruction: info.instruction ?? null,
    expiresAt: o.expiresAt,
    repeat: o.repeat,
    source: 'ingested' as const,
    bulletinId: o.bulletinId,
    xml: o.xml,
    createdBy: o.createdBy,
    awaitingScope: o.awaitingScope,
  };
}

/** An Actual Alert or Update with Vietnamese text is spoken; its text is checked first. */
function checkPlayable(cap: CapAlert, info: CapInfo): boolean {
  const playable = cap.status === 'Actual' && (cap.msgType === 'Alert' || cap.msgType === 'Update');
  if (!playable) return false;
  if (!infoLanguage(info).toLowerCase().startsWith('vi')) {
    throw new Invalid([
      {
        field: 'cap.info.language',
        vi: 'Cảnh báo cần một khối <info> tiếng Việt (vi-VN) để đọc trên loa.',
        en: 'The alert needs a Vietnamese <info> block (vi-VN) to be spoken.',
      },
    ]);
  }
  checkBulletinText(spokenAlertText(info), 'cap.info.instruction', true);
  return true;
}

/**
 * A CAP 1.2 document from elsewhere (the province, the weather service's relay). Valid Actual
 * alerts are spoken and broadcast to the clusters in their areas; Exercise, Test, System and Draft
 * alerts are stored, not played. Cancel stops and cancels the alerts it references; Update does
 * that and broadcasts itself. Whatever its type, the poster must be a radio operator over every
 * place it concerns: the areas it names and those of the alerts it references; a message that
 * concerns none of ours is refused. What is kept, and later published, is the document as our
 * writer re-writes it from what was read, never the input itself.
 */
export async function ingestCap(ctx: Ctx, deps: BroadcastDeps, xml: string): Promise<IngestResult> {
  const staff = requireStaff(ctx.actor);
  // One check for every message type: a radio operator, over every place it concerns (below).
  if (scopeOf(staff, 'radio_operator').length === 0) throw new Forbidden();
  const parsed = parseCap(xml);
  if (!parsed.ok) {
    throw new Invalid(parsed.errors.map((e) => ({ field: `cap.${e.split(':')[0]}`, vi: e, en: e })));
  }
  const cap = parsed.alert;
  const sent = new Date(Date.parse(cap.sent));
  if (await alertDb.findAlertByKey(ctx.db, cap.sender, cap.identifier, sent)) {
    throw new Conflict({ vi: 'Cảnh báo này đã được nhận.', en: 'This alert was already received.' });
  }
  const referenced = await alertDb.findAlertsBySenderIdentifier(ctx.db, refsOf(cap.references));
  const referencedAreas = (
    await Promise.all(referenced.map((r) => alertDb.listAlertAreas(ctx.db, r.id)))
  ).flat();
  for (const area of referencedAreas) requireOperator(staff, area.placePath);
  // An alert still waiting for its places concerns its poster's scope: only an operator over all
  // of it may cancel or update it.
  const referencedScopes = referenced.flatMap((r) => (r.placesChosenAt ? [] : (r.awaitingScope ?? [])));
  for (const path of referencedScopes) requireOperator(staff, path);
  const info = pickInfo(cap) as CapInfo;
  const places = await resolveAreas(ctx, staff, cap);
  const isCancel = cap.msgType === 'Cancel';
  // Alert and Update name their own areas; Cancel, Ack and Error may instead name alerts of ours.
  const ownAreasNeeded = cap.msgType === 'Alert' || cap.msgType === 'Update';
  // Areas only drawn (polygon or circle; geocode is optional in CAP 1.2 §3.2.4) name no place of
  // ours: the alert is kept and waits for a radio operator within the poster's scope to choose.
  const awaiting =
    places.length === 0 && ownAreasNeeded && cap.info.some((i) => i.area.some(isDrawn))
      ? scopeOf(staff, 'radio_operator')
      : null;
  const referencesOurs = referencedAreas.length + referencedScopes.length > 0;
  if (places.length === 0 && !awaiting && (ownAreasNeeded || !referencesOurs)) {
    throw new Invalid([
      {
        field: 'cap.area.geocode',
        vi: `Cảnh báo không có vùng nào mang mã ${CAP_GEOCODE_NAME} của Xã Số.`,
        en: `The alert has no area with a ${CAP_GEOCODE_NAME} geocode.`,
      },
    ]);
  }
  const playable = checkPlayable(cap, info);
  const repeatParam = info.parameter?.find((p) => p.valueName === REPEAT_PARAMETER)?.value;
  const repeat = Math.min(10, Math.max(1, Number.parseInt(repeatParam ?? '', 10) || DEFAULT_REPEAT));
  const expiresAt = info.expires ? new Date(Date.parse(info.expires)) : null;
  const audio =
    playable && !awaiting ? await speak(ctx.db, deps, spokenAlertText(info), undefined) : undefined;
  const communes = await groupByCommune(ctx, places);

  const result = await ctx.db.transaction(async (tx) => {
    const stops = isCancel || cap.msgType === 'Update' ? await stopAlerts(ctx, tx, referenced) : [];
    const bulletinIds = audio
      ? await insertAlertBulletins(
          tx,
          staff,
          cap,
          info,
          audio,
          [...communes.values()].map((g) => g.commune),
        )
      : new Map<number, number>();
    const alert = await alertDb.insertAlert(
      tx,
      alertRow(cap, info, {
        repeat,
        expiresAt,
        bulletinId: bulletinIds.values().next().value ?? null,
        xml: buildCap(cap),
        createdBy: staff.userId,
        awaitingScope: awaiting,
      }),
      places.map((p) => ({
        placeId: p.id,
        placeCode: p.code,
        placePath: p.path,
        areaDesc:
          cap.info.flatMap((i) => i.area).find((a) => a.geocode?.some((g) => g.value === p.code))?.areaDesc ??
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
    outcome: isCancel ? 'cancelled' : audio ? 'broadcast' : awaiting && playable ? 'awaiting' : 'stored',
    devices: result.devices,
    cancelled: isCancel || cap.msgType === 'Update' ? referenced.length : 0,
  };
}

const noPlaces = (vi: string, en: string) => new Invalid([{ field: 'places', vi, en }]);

/**
 * The radio operator chooses where an alert with only drawn areas plays (CAP 1.2 allows an area
 * with no geocode): communes or villages within both the operator's grants and the poster's scope.
 * Then it is spoken and broadcast as if it had named them. Once: a second confirmation conflicts.
 */
export async function choosePlaces(ctx: Ctx, deps: BroadcastDeps, alertId: number, codes: string[]) {
  const staff = requireStaff(ctx.actor);
  const found = await alertDb.findAlertById(ctx.db, alertId);
  if (!found) throw new NotFound({ vi: 'Không tìm thấy cảnh báo này.', en: 'No such alert.' });
  if (!awaitsPlacesFor(staff, { ...found, placesChosenAt: null })) throw new Forbidden();
  if (found.placesChosenAt || !found.awaitingScope) {
    throw new Conflict({
      vi: 'Nơi phát của cảnh báo này đã được chọn.',
      en: 'The places of this alert were already chosen.',
    });
  }
  const now = ctx.clock.now();
  if (found.cancelledAt || (found.expiresAt && found.expiresAt <= now) || found.status !== 'Actual') {
    throw new Conflict({
      vi: 'Cảnh báo này đã bị hủy, hết hiệu lực hoặc không phải cảnh báo thật (Actual): không phát.',
      en: 'This alert is cancelled, expired or not an Actual alert: it is not broadcast.',
    });
  }
  const scope = found.awaitingScope;
  const unique = [...new Set(codes.map((c) => c.trim()).filter(Boolean))];
  if (unique.length === 0) {
    throw noPlaces(
      'Chọn ít nhất một xã hoặc thôn, bản để phát cảnh báo.',
      'Choose at least one commune or village to broadcast the alert to.',
    );
  }
  const places: Place[] = [];
  for (const code of unique) {
    const place = await getPlaceByCode(ctx.db, code).catch(() => undefined);
    const ok =
      place &&
      !place.validTo &&
      (place.level === 'commune' || place.level === 'village') &&
      scope.some((p) => place.path.startsWith(p)) &&
      hasRole(staff, 'radio_operator', place.path);
    if (!ok) {
      throw noPlaces(
        `Mã ${code} không phải xã hay thôn mà bạn được phát cảnh báo này.`,
        `${code} is not a commune or village where you may broadcast this alert.`,
      );
    }
    places.push(place);
  }
  const parsed = parseCap(found.xml);
  if (!parsed.ok)
    throw new Conflict({
      vi: 'Không đọc được bản CAP đã lưu.',
      en: 'The stored CAP document does not read.',
    });
  const cap = parsed.alert;
  const info = pickInfo(cap) as CapInfo;
  checkPlayable(cap, info);
  const audio = await speak(ctx.db, deps, spokenAlertText(info), undefined);
  const communes = await groupByCommune(ctx, places);
  const drawn = cap.info.flatMap((i) => i.area).map((a) => a.areaDesc);

  const result = await ctx.db.transaction(async (tx) => {
    const alert = await alertDb.lockAlert(tx, alertId);
    if (!alert || alert.placesChosenAt) {
      throw new Conflict({
        vi: 'Nơi phát của cảnh báo này đã được chọn.',
        en: 'The places of this alert were already chosen.',
      });
    }
    const bulletinIds = await insertAlertBulletins(
      tx,
      staff,
      cap,
      info,
      audio,
      [...communes.values()].map((g) => g.commune),
    );
    await alertDb.insertAlertAreas(
      tx,
      alert.id,
      places.map((p) => ({ placeId: p.id, placeCode: p.code, placePath: p.path, areaDesc: p.fullName })),
    );
    await alertDb.markPlacesChosen(tx, alert.id, {
      bulletinId: bulletinIds.values().next().value ?? null,
      by: staff.userId,
      at: now,
    });
    const plays: string[] = [];
    let devices = 0;
    for (const { commune, places: mine } of communes.values()) {
      const bulletinId = bulletinIds.get(commune.id);
      if (!bulletinId) continue;
      const issued = await issuePlay(ctx, tx, {
        communeId: commune.id,
        bulletinId,
        alertId: alert.id,
        repeat: alert.repeat,
        expiresAt: alert.expiresAt,
        paths: mine.map((p) => p.path),
      });
      plays.push(issued.commandId);
      devices += issued.devices;
    }
    await recordAudit(tx, ctx.actor, ctx.meta, {
      action: 'broadcast.cap.places',
      targetType: 'broadcast_alert',
      targetId: alert.id,
      place: places[0],
      details: { identifier: alert.identifier, places: places.map((p) => p.code), drawn, devices },
    });
    return { alert, commandIds: plays, devices };
  });
  for (const commandId of result.commandIds) await ctx.events.emit('broadcast.command-issued', { commandId });
  await ctx.events.emit('broadcast.alert-issued', {
    alertId: result.alert.id,
    identifier: cap.identifier,
    communeIds: [...communes.keys()],
    headline: info.headline ?? info.event,
  });
  return { alert: result.alert, devices: result.devices };
}
