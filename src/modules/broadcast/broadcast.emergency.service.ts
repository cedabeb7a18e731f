import { recordAudit } from '#modules/audit/index.ts';
import { getPlaceByCode, type Place } from '#modules/places/index.ts';
import type { Ctx } from '#platform/context.ts';
import { Conflict, Invalid } from '#platform/errors.ts';
import { getCommune, getCommuneById, requireOperator } from './broadcast.access.ts';
import * as alertDb from './broadcast.alerts.queries.ts';
import { issuePlay, REPEAT_PARAMETER } from './broadcast.alerts.service.ts';
import { type BroadcastDeps, checkBulletinText } from './broadcast.audio.ts';
import {
  act,
  allowedActions,
  type Bulletin,
  createBulletin,
  getBulletin,
} from './broadcast.bulletins.service.ts';
import {
  buildCap,
  CAP_GEOCODE_NAME,
  type CapAlert,
  type CapInfo,
  capDateTime,
  dropUndefined,
  parseCap,
} from './broadcast.cap.ts';
import * as clusterDb from './broadcast.clusters.queries.ts';
import * as commandDb from './broadcast.commands.queries.ts';
import type { EmergencyConfirm, EmergencyForm } from './broadcast.schemas.ts';

/**
 * "Phát khẩn cấp": the operator writes the warning, hears it, sees how many speakers it will
 * reach, and confirms; the platform writes the CAP 1.2 alert and every targeted speaker plays it.
 */

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
  const clusters = await clusterDb.listActiveClustersUnderPaths(
    ctx.db,
    targets.map((t) => t.path),
  );
  return { bulletin, targets, clusters };
}

/** The CAP 1.2 alert for a confirmed emergency, checked against our own parser before it is stored. */
function composeAlert(o: {
  commune: Place;
  bulletin: Bulletin;
  targets: Place[];
  input: EmergencyConfirm;
  now: Date;
  publicUrl: string;
}) {
  const { commune, bulletin, input } = o;
  const expiresAt = new Date(o.now.getTime() + input.expiresMinutes * 60_000);
  const sent = capDateTime(o.now.getTime());
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
        uri: `${o.publicUrl.replace(/\/$/, '')}/loa/ban-tin/${bulletin.id}/am-thanh`,
        digest: bulletin.audioSha1 ?? undefined,
      },
    ],
    area: o.targets.map((t) => ({
      areaDesc: t.fullName,
      geocode: [{ valueName: CAP_GEOCODE_NAME, value: t.code }],
    })),
  };
  const cap: CapAlert = {
    identifier: `XASO-${commune.code}-${sent.slice(0, 19).replace(/\D/g, '')}-${bulletin.id}`,
    sender: `loa.${commune.code}@${new URL(o.publicUrl).hostname}`,
    sent,
    status: 'Actual',
    msgType: 'Alert',
    scope: 'Public',
    info: [dropUndefined(info)],
  };
  const xml = buildCap(cap);
  const check = parseCap(xml);
  if (!check.ok) throw new Error(`composed CAP alert is not valid: ${check.errors.join('; ')}`);
  return { cap, xml, expiresAt };
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
    const existing = await alertDb.findAlertByBulletin(ctx.db, bulletin.id);
    const play =
      existing && (await commandDb.listCommandsForAlert(ctx.db, existing.id)).find((c) => c.type === 'play');
    if (existing && play) {
      return {
        alert: existing,
        commandId: play.id,
        devices: await commandDb.countCommandDeliveries(ctx.db, play.id),
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
  const { cap, xml, expiresAt } = composeAlert({
    commune,
    bulletin,
    targets,
    input,
    now,
    publicUrl: deps.publicUrl,
  });
  const identifier = cap.identifier;

  const result = await ctx.db.transaction(async (tx) => {
    await act(ctx, tx, bulletin.id, 'broadcast');
    const alert = await alertDb.insertAlert(
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
