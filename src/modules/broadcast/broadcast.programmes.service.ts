import { recordAudit } from '#modules/audit/index.ts';
import type { Ctx } from '#platform/context.ts';
import { Conflict, Invalid, NotFound } from '#platform/errors.ts';
import { getCommune, requireOperator, requireView } from './broadcast.access.ts';
import { allowedActions, getBulletin } from './broadcast.bulletins.service.ts';
import * as clusterDb from './broadcast.clusters.queries.ts';
import * as programmeDb from './broadcast.programmes.queries.ts';
import { DAY_MS, expandRules, localDate, resolveTimeline, type Timeline } from './broadcast.schedule.ts';
import type { ProgrammeForm, ScheduleForm } from './broadcast.schemas.ts';
import { LATE_GRACE_MS } from './broadcast.sync.service.ts';

const programmeNotFound = () =>
  new NotFound({ vi: 'Không tìm thấy chương trình này.', en: 'No such programme.' });

/** The clusters must all be the commune's, and the operator's (an operator of A never targets B). */
async function checkClusters(ctx: Ctx, communeId: number, clusterIds: number[]) {
  const rows = await clusterDb.listClustersByIds(ctx.db, [...new Set(clusterIds)]);
  if (rows.length !== new Set(clusterIds).size || rows.some((c) => c.communeId !== communeId)) {
    throw new Invalid([
      {
        field: 'clusterIds',
        vi: 'Có cụm loa không thuộc xã này.',
        en: 'Some clusters do not belong to this commune.',
      },
    ]);
  }
  for (const c of rows) requireOperator(ctx.actor, c.placePath);
  return rows;
}

export async function createProgramme(ctx: Ctx, communeCode: string, input: ProgrammeForm) {
  const commune = await getCommune(ctx.db, communeCode);
  const staff = requireOperator(ctx.actor, commune.path);
  await checkClusters(ctx, commune.id, input.clusterIds);
  return ctx.db.transaction(async (tx) => {
    if (await programmeDb.findProgrammeByName(tx, commune.id, input.name)) {
      throw new Conflict({
        vi: `Xã đã có chương trình "${input.name}".`,
        en: `The commune already has a programme named "${input.name}".`,
      });
    }
    const p = await programmeDb.insertProgramme(tx, {
      communeId: commune.id,
      communePath: commune.path,
      name: input.name,
      createdBy: staff.userId,
    });
    await programmeDb.setProgrammeClusters(tx, p.id, input.clusterIds);
    await recordAudit(tx, ctx.actor, ctx.meta, {
      action: 'broadcast.programme.create',
      targetType: 'broadcast_programme',
      targetId: p.id,
      place: commune,
      details: { name: p.name, clusters: input.clusterIds },
    });
    return p;
  });
}

export async function setProgrammeClusters(ctx: Ctx, programmeId: number, clusterIds: number[]) {
  const p = await programmeDb.findProgrammeById(ctx.db, programmeId);
  if (!p) throw programmeNotFound();
  requireOperator(ctx.actor, p.communePath);
  await checkClusters(ctx, p.communeId, clusterIds);
  const before = (await programmeDb.listProgrammeClusterIds(ctx.db, [p.id])).map((r) => r.clusterId);
  const touched = [...new Set([...before, ...clusterIds])];
  await ctx.db.transaction(async (tx) => {
    await programmeDb.setProgrammeClusters(tx, p.id, clusterIds);
    await clusterDb.bumpClusters(tx, touched);
    await recordAudit(tx, ctx.actor, ctx.meta, {
      action: 'broadcast.programme.clusters',
      targetType: 'broadcast_programme',
      targetId: p.id,
      place: { id: p.communeId, path: p.communePath },
      details: { clusters: clusterIds },
    });
  });
  await ctx.events.emit('broadcast.devices-changed', { clusterIds: touched });
}

export async function listProgrammes(ctx: Ctx, communeCode: string) {
  const commune = await getCommune(ctx.db, communeCode);
  requireView(ctx.actor, commune.path);
  const programmes = await programmeDb.listProgrammes(ctx.db, commune.id);
  const members = await programmeDb.listProgrammeClusterIds(
    ctx.db,
    programmes.map((p) => p.id),
  );
  return programmes.map((p) => ({
    ...p,
    clusterIds: members.filter((m) => m.programmeId === p.id).map((m) => m.clusterId),
  }));
}

/**
 * Puts an approved bulletin into a programme's daily or weekly slot. Every cluster of the
 * programme gets a new timeline pushed; the answer says how the first day resolves there, so the
 * operator sees at once if the bulletin will wait behind another or be dropped.
 */
export async function scheduleBulletin(ctx: Ctx, bulletinId: number, input: ScheduleForm) {
  const bulletin = await getBulletin(ctx, bulletinId);
  const staff = requireOperator(ctx.actor, bulletin.communePath);
  if (!allowedActions(ctx, bulletin).includes('schedule')) {
    throw new Conflict({
      vi: 'Chỉ xếp lịch được bản tin đã được lãnh đạo duyệt.',
      en: 'Only a bulletin approved by a leader can be scheduled.',
    });
  }
  const programme = await programmeDb.findProgrammeById(ctx.db, input.programmeId);
  if (!programme || programme.communeId !== bulletin.communeId) {
    throw new Invalid([
      {
        field: 'programmeId',
        vi: 'Chọn một chương trình của xã.',
        en: 'Choose one of the commune’s programmes.',
      },
    ]);
  }
  const clusterIds = (await programmeDb.listProgrammeClusterIds(ctx.db, [programme.id])).map(
    (r) => r.clusterId,
  );
  const entry = await ctx.db.transaction(async (tx) => {
    const e = await programmeDb.insertScheduleEntry(tx, {
      programmeId: programme.id,
      bulletinId: bulletin.id,
      startTime: input.startTime,
      weekdays: input.weekdays,
      startDate: input.startDate,
      endDate: input.endDate ?? null,
      repeat: input.repeat,
      createdBy: staff.userId,
    });
    await clusterDb.bumpClusters(tx, clusterIds);
    await recordAudit(tx, ctx.actor, ctx.meta, {
      action: 'broadcast.schedule.add',
      targetType: 'broadcast_schedule_entry',
      targetId: e.id,
      place: { id: bulletin.communeId, path: bulletin.communePath },
      details: { bulletin: bulletin.id, programme: programme.id, ...input },
    });
    return e;
  });
  await ctx.events.emit('broadcast.devices-changed', { clusterIds });
  return { entry, preview: await previewDay(ctx, clusterIds, input.startDate) };
}

export async function cancelScheduleEntry(ctx: Ctx, entryId: number) {
  const entry = await programmeDb.findScheduleEntry(ctx.db, entryId);
  if (!entry) throw new NotFound();
  const programme = await programmeDb.findProgrammeById(ctx.db, entry.programmeId);
  if (!programme) throw programmeNotFound();
  requireOperator(ctx.actor, programme.communePath);
  const clusterIds = (await programmeDb.listProgrammeClusterIds(ctx.db, [programme.id])).map(
    (r) => r.clusterId,
  );
  await ctx.db.transaction(async (tx) => {
    await programmeDb.cancelScheduleEntry(tx, entryId, ctx.clock.now());
    await clusterDb.bumpClusters(tx, clusterIds);
    await recordAudit(tx, ctx.actor, ctx.meta, {
      action: 'broadcast.schedule.cancel',
      targetType: 'broadcast_schedule_entry',
      targetId: entryId,
      place: { id: programme.communeId, path: programme.communePath },
    });
  });
  await ctx.events.emit('broadcast.devices-changed', { clusterIds });
  return entry;
}

/** How one local day resolves on each of these clusters (plays, delays, drops), for the operator. */
export async function previewDay(ctx: Ctx, clusterIds: number[], day: string) {
  const rules = await programmeDb.listRulesForClusters(ctx.db, clusterIds, day);
  const from = Date.parse(`${day}T00:00:00+07:00`);
  const out = new Map<number, Timeline>();
  for (const id of clusterIds) {
    const mine = rules.filter((r) => r.clusterId === id);
    out.set(id, resolveTimeline(expandRules(mine, from, from + DAY_MS), { maxDelayMs: LATE_GRACE_MS }));
  }
  return { day: localDate(from), timelines: out };
}
