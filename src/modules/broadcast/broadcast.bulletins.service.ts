import { recordAudit } from '#modules/audit/index.ts';
import { actorLabel, requireStaff } from '#platform/auth/actor.ts';
import type { Ctx } from '#platform/context.ts';
import type { Db } from '#platform/db/client.ts';
import { Conflict, Forbidden, Invalid, NotFound } from '#platform/errors.ts';
import {
  canApprove,
  canOperate,
  getCommune,
  getCommuneById,
  requireOperator,
  requireView,
} from './broadcast.access.ts';
import {
  audioColumns,
  type BroadcastDeps,
  checkBulletinText,
  type StoredAudio,
  speak,
  transcodeUpload,
} from './broadcast.audio.ts';
import * as bulletinDb from './broadcast.bulletins.queries.ts';
import * as clusterDb from './broadcast.clusters.queries.ts';
import * as programmeDb from './broadcast.programmes.queries.ts';
import type { NewBulletin } from './broadcast.schemas.ts';
import type { ActionType } from './broadcast.tables.ts';
import { availableActions, statusFromActions } from './broadcast.workflow.ts';

export type Bulletin = bulletinDb.BulletinRow;

const bulletinNotFound = () => new NotFound({ vi: 'Không tìm thấy bản tin này.', en: 'No such bulletin.' });

export interface BulletinInput extends NewBulletin {
  /** An uploaded recording; when present it is what the speakers play, and the text is its transcript. */
  upload?: Buffer | undefined;
}

/** Speech from the text, or the uploaded recording; the text is checked for one language either way. */
async function produce(db: Db, deps: BroadcastDeps, input: BulletinInput): Promise<StoredAudio> {
  const body = input.body?.trim();
  if (!body && !input.upload) {
    throw new Invalid([
      {
        field: 'body',
        vi: 'Nhập nội dung bản tin hoặc tải lên bản ghi âm.',
        en: 'Type the bulletin or upload a recording.',
      },
    ]);
  }
  if (body) checkBulletinText(body, 'body', !input.upload);
  return input.upload
    ? transcodeUpload(db, deps, input.upload)
    : speak(db, deps, body as string, input.voice);
}

/** A radio operator writes a bulletin; it is spoken (or transcoded) at once so it can be heard before anything else. */
export async function createBulletin(
  ctx: Ctx,
  deps: BroadcastDeps,
  communeCode: string,
  input: BulletinInput,
) {
  const commune = await getCommune(ctx.db, communeCode);
  const staff = requireOperator(ctx.actor, commune.path);
  const audio = await produce(ctx.db, deps, input);
  return ctx.db.transaction(async (tx) => {
    const b = await bulletinDb.insertBulletin(tx, {
      communeId: commune.id,
      communePath: commune.path,
      title: input.title,
      body: input.body?.trim() || null,
      language: 'vi',
      priority: input.priority,
      status: 'draft',
      ...audioColumns(audio),
      createdBy: staff.userId,
    });
    await bulletinDb.insertAction(tx, {
      bulletinId: b.id,
      type: 'create',
      actorUserId: staff.userId,
      actorLabel: actorLabel(staff),
    });
    await recordAudit(tx, ctx.actor, ctx.meta, {
      action: 'broadcast.bulletin.create',
      targetType: 'broadcast_bulletin',
      targetId: b.id,
      place: commune,
      details: { title: b.title, priority: b.priority, audio: audio.source, sha256: audio.sha256 },
    });
    return b;
  });
}

export async function getBulletin(ctx: Ctx, id: number) {
  const b = await bulletinDb.findBulletinById(ctx.db, id);
  if (!b) throw bulletinNotFound();
  requireView(ctx.actor, b.communePath);
  return b;
}

function workflowActor(ctx: Ctx, b: Bulletin) {
  const staff = requireStaff(ctx.actor);
  return {
    staff,
    actor: {
      userId: staff.userId,
      operator: canOperate(staff, b.communePath),
      approver: canApprove(staff, b.communePath),
    },
  };
}

export function allowedActions(ctx: Ctx, b: Bulletin) {
  if (ctx.actor.kind !== 'staff') return [];
  const { actor } = workflowActor(ctx, b);
  return availableActions(
    { status: b.status, priority: b.priority, hasAudio: b.audioSha256 !== null, authorUserId: b.createdBy },
    actor,
  );
}

/**
 * Appends one action to the log inside a transaction that holds the bulletin's row lock, checks
 * that it is allowed for this actor now, and stores the status the log replays to.
 */
export async function act(ctx: Ctx, tx: Db, id: number, type: Exclude<ActionType, 'create'>, note?: string) {
  if (!(await bulletinDb.lockBulletin(tx, id))) throw bulletinNotFound();
  const b = (await bulletinDb.findBulletinById(tx, id)) as Bulletin;
  requireView(ctx.actor, b.communePath);
  const { staff, actor } = workflowActor(ctx, b);
  const allowed = availableActions(
    { status: b.status, priority: b.priority, hasAudio: b.audioSha256 !== null, authorUserId: b.createdBy },
    actor,
  );
  if (!allowed.includes(type)) {
    if (type === 'approve' && b.createdBy === staff.userId && b.status === 'pending') {
      throw new Forbidden({
        vi: 'Người soạn bản tin không tự phê duyệt được; cần một lãnh đạo khác duyệt.',
        en: 'The author cannot approve their own bulletin; another leader must.',
      });
    }
    if (!actor.operator && !actor.approver) throw new Forbidden();
    throw new Conflict({
      vi: 'Bản tin đang ở trạng thái không cho phép thao tác này.',
      en: 'The bulletin’s state does not allow this action.',
    });
  }
  await bulletinDb.insertAction(tx, {
    bulletinId: id,
    type,
    actorUserId: staff.userId,
    actorLabel: actorLabel(staff),
    note,
  });
  const status = statusFromActions(await bulletinDb.listActions(tx, id));
  const updated = await bulletinDb.updateBulletin(tx, id, { status });
  await recordAudit(tx, ctx.actor, ctx.meta, {
    action: `broadcast.bulletin.${type}`,
    targetType: 'broadcast_bulletin',
    targetId: id,
    place: { id: b.communeId, path: b.communePath },
    details: note ? { note } : {},
  });
  return updated;
}

export async function submitBulletin(ctx: Ctx, id: number) {
  return ctx.db.transaction((tx) => act(ctx, tx, id, 'submit'));
}

export async function approveBulletin(ctx: Ctx, id: number) {
  return ctx.db.transaction((tx) => act(ctx, tx, id, 'approve'));
}

export async function rejectBulletin(ctx: Ctx, id: number, note: string) {
  return ctx.db.transaction((tx) => act(ctx, tx, id, 'reject', note));
}

/** Withdrawn bulletins leave every device's timeline at the next push. */
export async function withdrawBulletin(ctx: Ctx, id: number) {
  const { bulletin, clusterIds } = await ctx.db.transaction(async (tx) => {
    const bulletin = await act(ctx, tx, id, 'withdraw');
    const clusterIds = await programmeDb.clusterIdsForBulletin(tx, id);
    await clusterDb.bumpClusters(tx, clusterIds);
    return { bulletin, clusterIds };
  });
  await ctx.events.emit('broadcast.devices-changed', { clusterIds });
  return bulletin;
}

export async function listBulletins(ctx: Ctx, communeCode: string) {
  const commune = await getCommune(ctx.db, communeCode);
  requireView(ctx.actor, commune.path);
  return { commune, bulletins: await bulletinDb.listBulletins(ctx.db, commune.id, { limit: 100 }) };
}

export async function describeBulletin(ctx: Ctx, id: number) {
  const bulletin = await getBulletin(ctx, id);
  const [actions, entries, commune] = await Promise.all([
    bulletinDb.listActions(ctx.db, id),
    programmeDb.listEntriesForBulletin(ctx.db, id),
    getCommuneById(ctx.db, bulletin.communeId),
  ]);
  return { bulletin, actions, entries, commune, allowed: allowedActions(ctx, bulletin) };
}

/** Audio for a staff member's preview (any state), or for the public page (approved or broadcast only). */
export async function bulletinAudio(ctx: Ctx, id: number, audience: 'staff' | 'public') {
  const b = await bulletinDb.findBulletinById(ctx.db, id);
  if (!b?.audioFileId) throw bulletinNotFound();
  if (audience === 'staff') requireView(ctx.actor, b.communePath);
  else if (b.status !== 'approved' && b.status !== 'broadcast') throw bulletinNotFound();
  return {
    fileId: b.audioFileId,
    mime: b.audioMime ?? 'application/octet-stream',
    bytes: b.audioBytes ?? 0,
    bulletin: b,
  };
}

/** What the public page shows: bulletins the commune has approved or broadcast recently. */
export async function listPublicBulletins(db: Db, communeCode: string, since: Date) {
  const commune = await getCommune(db, communeCode);
  return {
    commune,
    bulletins: await bulletinDb.listBulletins(db, commune.id, {
      statuses: ['approved', 'broadcast'],
      since,
      limit: 50,
    }),
  };
}
