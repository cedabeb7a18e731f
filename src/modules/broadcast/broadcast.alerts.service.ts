import { randomUUID } from 'node:crypto';
import { recordAudit } from '#modules/audit/index.ts';
import { type Actor, scopeOf } from '#platform/auth/actor.ts';
import type { Ctx } from '#platform/context.ts';
import type { Db } from '#platform/db/client.ts';
import { Forbidden, NotFound } from '#platform/errors.ts';
import { getCommune, requireOperator, requireView, VIEW_ROLES } from './broadcast.access.ts';
import * as alertDb from './broadcast.alerts.queries.ts';
import { buildCap, parseCap } from './broadcast.cap.ts';
import * as clusterDb from './broadcast.clusters.queries.ts';
import type { CommandInsert } from './broadcast.commands.queries.ts';
import * as commandDb from './broadcast.commands.queries.ts';

/**
 * Emergencies speak CAP 1.2. An operator's "Phát khẩn cấp" composes an alert
 * (broadcast.emergency.service.ts); a province system may post one (broadcast.cap.service.ts).
 * Either way the alert is kept as published, its instruction is spoken, and every active cluster
 * in its areas gets a play command that pre-empts whatever is playing, with one delivery row per
 * device. This file holds what both share: the play and stop commands, and reading and ending
 * alerts.
 */

export const DEFAULT_REPEAT = 3;
export const REPEAT_PARAMETER = 'XASO_REPEAT';

const alertNotFound = () => new NotFound({ vi: 'Không tìm thấy cảnh báo này.', en: 'No such alert.' });

/** Stores a command, issued now by the actor, with one delivery per cluster; returns its id. */
async function issueCommand(
  ctx: Ctx,
  tx: Db,
  values: Omit<CommandInsert, 'id' | 'issuedBy' | 'issuedAt'>,
  clusterIds: number[],
) {
  const id = randomUUID();
  const issuedBy = ctx.actor.kind === 'staff' ? ctx.actor.userId : null;
  await commandDb.insertCommand(tx, { ...values, id, issuedBy, issuedAt: ctx.clock.now() }, clusterIds);
  return id;
}

/** Creates the play command and one delivery per active cluster under the alert's areas. */
export async function issuePlay(
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
  const clusters = await clusterDb.listActiveClustersUnderPaths(tx, o.paths);
  const id = await issueCommand(
    ctx,
    tx,
    {
      communeId: o.communeId,
      type: 'play',
      priority: 'emergency',
      bulletinId: o.bulletinId,
      alertId: o.alertId,
      repeat: o.repeat,
      expiresAt: o.expiresAt,
    },
    clusters.map((c) => c.id),
  );
  return { commandId: id, devices: clusters.length };
}

/** Stops the devices still playing these alerts and marks them cancelled. */
export async function stopAlerts(ctx: Ctx, tx: Db, alerts: alertDb.AlertRow[]) {
  const commandIds: string[] = [];
  for (const a of alerts) {
    const plays = (await commandDb.listCommandsForAlert(tx, a.id)).filter((c) => c.type === 'play');
    for (const play of plays) {
      const clusterIds = (await commandDb.listCommandTargets(tx, play.id, false)).map((t) => t.clusterId);
      commandIds.push(
        await issueCommand(
          ctx,
          tx,
          { communeId: play.communeId, type: 'stop', alertId: a.id, repeat: 1, expiresAt: play.expiresAt },
          clusterIds,
        ),
      );
    }
  }
  await alertDb.cancelAlerts(
    tx,
    alerts.map((a) => a.id),
    ctx.clock.now(),
  );
  return commandIds;
}

/** The operator ends an alert early: it is cancelled and the speakers still playing it stop. */
export async function cancelAlert(ctx: Ctx, alertId: number) {
  const alert = await alertDb.findAlertById(ctx.db, alertId);
  if (!alert) throw alertNotFound();
  const areas = await alertDb.listAlertAreas(ctx.db, alert.id);
  for (const area of areas) requireOperator(ctx.actor, area.placePath);
  // No places (yet): it concerns the poster's scope, or nobody may end it from here.
  if (areas.length === 0) {
    if (!alert.awaitingScope?.length) throw new Forbidden();
    for (const path of alert.awaitingScope) requireOperator(ctx.actor, path);
  }
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

/** Whether the alert waits for its places and this actor may see it: a grant overlapping the poster's. */
export function awaitsPlacesFor(actor: Actor, alert: alertDb.AlertRow): boolean {
  if (!alert.awaitingScope || alert.placesChosenAt) return false;
  const mine = scopeOf(actor, 'radio_operator');
  return alert.awaitingScope.some((p) => mine.some((m) => m.startsWith(p) || p.startsWith(m)));
}

/** The alert, its areas, and per device: pushed, acknowledged, played — limited to the viewer's scope. */
export async function describeAlert(ctx: Ctx, alertId: number) {
  const alert = await alertDb.findAlertById(ctx.db, alertId);
  if (!alert) throw alertNotFound();
  const areas = await alertDb.listAlertAreas(ctx.db, alert.id);
  const scope = scopeOf(ctx.actor, VIEW_ROLES);
  const visible = areas.filter((a) =>
    scope.some((p) => a.placePath.startsWith(p) || p.startsWith(a.placePath)),
  );
  if (visible.length === 0 && !awaitsPlacesFor(ctx.actor, alert)) {
    requireView(ctx.actor, areas[0]?.placePath ?? '/none/');
  }
  const commands = await commandDb.listCommandsForAlert(ctx.db, alert.id);
  const deliveries = await commandDb.listCommandDeliveries(
    ctx.db,
    commands.filter((c) => c.type === 'play').map((c) => c.id),
  );
  // A province alert seen by a commune's operator: only that commune's speakers.
  const clusters = await clusterDb.listClustersByIds(
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
  return (await alertDb.listAlertsForCommune(ctx.db, commune.path)).map((r) => r.alert);
}

export const listActiveAlerts = alertDb.listActiveAlerts;

/**
 * The CAP document published for an alert: written by our writer from what the stored document
 * says, so what is served is always the platform's own writing (rows received before ingested
 * documents were re-written hold the input as it came). None if it does not read as CAP.
 */
export function capDocument(alert: alertDb.AlertRow): string | undefined {
  const parsed = parseCap(alert.xml);
  return parsed.ok ? buildCap(parsed.alert) : undefined;
}
