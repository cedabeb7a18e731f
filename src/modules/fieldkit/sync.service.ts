import { createHash } from 'node:crypto';
import { findPlacesByIds, type Place } from '#modules/places/index.ts';
import { requireStaff } from '#platform/auth/actor.ts';
import type { Ctx } from '#platform/context.ts';
import { AppError, Forbidden, Invalid } from '#platform/errors.ts';
import type { Events } from '#platform/events.ts';
import { fieldErrors, parse } from '#platform/validation.ts';
import { AssistData, type AssistDeps, fileAssisted, kitCatalogue } from './assisted.service.ts';
import { checklistFor, provinceOf, toChecklistOut } from './checklist.service.ts';
import { kitHamlets } from './fieldkit.access.ts';
import * as q from './fieldkit.queries.ts';
import {
  COMMANDS,
  CommandEnvelope,
  type CommandResult,
  type CommandType,
  type HamletOut,
  MIN_PROTOCOL,
  PROTOCOL,
  type PullQuery,
  type PullResponse,
  PushRequest,
} from './fieldkit.schemas.ts';
import {
  type CommandSource,
  createHousehold,
  type DeleteReasonKey,
  deleteHousehold,
  toHouseholdOut,
  updateHousehold,
} from './households.service.ts';
import { recordVisit } from './visits.service.ts';

/** One pull sends at most this many households; the kit pulls again while `more` is true. */
export const PULL_PAGE = 500;

/**
 * Apply what one kit sent (decision 025). Each command is applied once per (client, command id),
 * in its own transaction, in the order sent; its answer is kept with it, so a command delivered
 * again (a lost answer, a retry after a restart) gets the same answer and changes nothing. A
 * command the server refuses (invalid, not allowed) is answered `rejected` with the reason and is
 * kept as refused: the kit shows it to the member, never drops it silently. Anything else (the
 * database went away) fails the request; the kit sends the rest again later.
 */
export async function push(ctx: Ctx, deps: AssistDeps, body: unknown): Promise<{ results: CommandResult[] }> {
  const staff = requireStaff(ctx.actor);
  const req = parse(PushRequest, body);
  const known = await q.findClient(ctx.db, req.clientId);
  if (known && known.userId !== staff.userId) {
    throw new Forbidden({
      vi: 'Bộ công cụ trên máy này thuộc tài khoản khác.',
      en: 'The kit on this device belongs to another account.',
    });
  }
  await q.upsertClient(ctx.db, {
    id: req.clientId,
    userId: staff.userId,
    appVersion: req.appVersion,
    at: ctx.clock.now(),
  });
  const results: CommandResult[] = [];
  for (const raw of req.commands) results.push(await applyCommand(ctx, deps, req.clientId, raw));
  return { results };
}

/**
 * Pages without JavaScript post the same commands: the form carries its command id (made when the
 * form was drawn), so a form sent twice (a double tap, a reload) is applied once. Their client is
 * one per person, named from the user id.
 */
export function webClientId(userId: number) {
  const h = createHash('sha256').update(`xaso-fieldkit-web:${userId}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export async function applyFormCommand(ctx: Ctx, deps: AssistDeps, command: unknown): Promise<CommandResult> {
  const staff = requireStaff(ctx.actor);
  const clientId = webClientId(staff.userId);
  await q.upsertClient(ctx.db, {
    id: clientId,
    userId: staff.userId,
    appVersion: 'web',
    at: ctx.clock.now(),
  });
  return applyCommand(ctx, deps, clientId, command);
}

const rejected = (id: string, e: AppError): CommandResult => ({
  id,
  status: 'rejected',
  message: e.detail,
  ...(e instanceof Invalid ? { errors: e.fields } : {}),
});

export async function applyCommand(
  ctx: Ctx,
  deps: AssistDeps,
  clientId: string,
  raw: unknown,
): Promise<CommandResult> {
  const staff = requireStaff(ctx.actor);
  const envelope = CommandEnvelope.safeParse(raw);
  const rawId = String((raw as { id?: unknown } | null)?.id ?? '');
  if (!envelope.success) return rejected(rawId, new Invalid(fieldErrors(envelope.error)));
  const c = envelope.data;
  const now = ctx.clock.now();
  // Events wait for the commit (a listener must never see a change that may still be undone).
  const later: [string, unknown][] = [];
  const events = {
    emit: async (name: string, payload: unknown) => void later.push([name, payload]),
  } as unknown as Events;
  // The claim, the change and the answer commit together, or none of them does (a crash or a lost
  // connection mid-way leaves nothing, and the retry applies the command).
  const result = await ctx.db.transaction(async (tx) => {
    const first = await q.claimCommand(tx, {
      clientId,
      commandId: c.id,
      userId: staff.userId,
      type: c.type,
      protocol: c.protocol,
      at: now,
    });
    // A second delivery waited on the first one's claim until it committed: it gets its answer.
    if (!first) return replayOf({ ...ctx, db: tx }, clientId, c);
    let result: CommandResult;
    try {
      // A savepoint: a refused command leaves no trace but its answer.
      result = await tx.transaction((inner) =>
        run({ ...ctx, db: inner, events }, deps, c, { clientId, commandId: c.id }),
      );
    } catch (e) {
      if (!(e instanceof AppError) || e.status >= 500) throw e;
      result = rejected(c.id, e);
    }
    await q.saveCommandResult(tx, clientId, c.id, result);
    return result;
  });
  for (const [name, payload] of later)
    await ctx.events.emit(name as 'notifications.queued', payload as never);
  return result;
}

async function replayOf(ctx: Ctx, clientId: string, c: CommandEnvelope): Promise<CommandResult> {
  const row = await q.findCommand(ctx.db, clientId, c.id);
  const staff = requireStaff(ctx.actor);
  if (!row || row.userId !== staff.userId || row.type !== c.type) {
    return rejected(
      c.id,
      new Invalid([
        { field: 'id', vi: 'Mã thay đổi này đã được dùng.', en: 'This command id was already used.' },
      ]),
    );
  }
  return { ...(row.result as CommandResult), replayed: true };
}

async function run(
  ctx: Ctx,
  deps: AssistDeps,
  c: CommandEnvelope,
  source: CommandSource,
): Promise<CommandResult> {
  if (c.protocol < MIN_PROTOCOL || c.protocol > PROTOCOL) {
    const detail = {
      vi: `Phiên bản ứng dụng không còn được hỗ trợ (giao thức ${c.protocol}). Hãy cập nhật ứng dụng; thay đổi này được giữ lại.`,
      en: `This app version is no longer supported (protocol ${c.protocol}). Update the app; this change is kept.`,
    };
    throw new Invalid([{ field: 'protocol', ...detail }], detail);
  }
  if (!(c.type in COMMANDS)) {
    throw new Invalid([
      { field: 'type', vi: `Không rõ loại thay đổi "${c.type}".`, en: `Unknown command "${c.type}".` },
    ]);
  }
  const type = c.type as CommandType;
  switch (type) {
    case 'household.create': {
      const d = parse(COMMANDS[type], c.data);
      const h = await createHousehold(ctx, { id: d.id, hamletId: d.hamletId, fields: d.fields }, source);
      return {
        id: c.id,
        status: 'applied',
        household: { id: h.id, version: h.version, updateId: h.updateId },
      };
    }
    case 'household.update': {
      const d = parse(COMMANDS[type], c.data);
      const r = await updateHousehold(ctx, d, source);
      return outcome(c.id, r);
    }
    case 'household.delete': {
      const d = parse(COMMANDS[type], c.data);
      const r = await deleteHousehold(ctx, { ...d, reason: d.reason as DeleteReasonKey }, source);
      return outcome(c.id, r);
    }
    case 'visit.record': {
      const d = parse(COMMANDS[type], c.data);
      const r = await recordVisit(ctx, d, source);
      return outcome(c.id, r);
    }
    case 'dossier.assist': {
      const d = parse(AssistData, c.data);
      const r = await fileAssisted(ctx, deps, d, source);
      return { id: c.id, status: 'applied', dossierCode: r.code };
    }
  }
}

function outcome(
  id: string,
  r: { status: 'applied' | 'conflict'; household: q.HouseholdRow; conflictId?: number },
): CommandResult {
  const h = r.household;
  return {
    id,
    status: r.status,
    household: { id: h.id, version: h.version, updateId: h.updateId },
    ...(r.conflictId ? { conflictId: r.conflictId } : {}),
  };
}

// ---------------------------------------------------------------------------------------------
// Pull

function readCursor(since: string | undefined) {
  const map = new Map<number, number>();
  for (const pair of since ? since.split(',') : []) {
    const [h, u] = pair.split(':').map(Number);
    if (h && u !== undefined) map.set(h, u);
  }
  return map;
}

async function hamletOut(ctx: Ctx, places: Place[]): Promise<HamletOut[]> {
  const communes = new Map(
    (
      await findPlacesByIds(
        ctx.db,
        places.map((p) => p.parentId ?? 0),
      )
    ).map((c) => [c.id, c]),
  );
  return places.map((p) => ({
    id: p.id,
    code: p.code,
    name: p.fullName,
    commune: communes.get(p.parentId ?? 0)?.fullName ?? '',
  }));
}

/**
 * What changed in the member's hamlets since the cursor, oldest first, at most PULL_PAGE households
 * (deleted ones as tombstones). Only the member's own hamlets are read; hamlets no longer theirs
 * drop out of the cursor, and the kit erases what it held of them.
 */
export async function pull(ctx: Ctx, query: PullQuery): Promise<PullResponse> {
  const { synced, notSynced } = await kitHamlets(ctx.db, ctx.actor);
  const cursor = readCursor(query.since);
  const households: PullResponse['households'] = [];
  const next: string[] = [];
  let more = false;
  for (const hamlet of synced) {
    const since = cursor.get(hamlet.id) ?? 0;
    const room = PULL_PAGE - households.length;
    const rows = room > 0 ? await q.changedHouseholds(ctx.db, hamlet.id, since, room + 1) : [];
    if (room <= 0 || rows.length > room) more = true;
    const taken = rows.slice(0, Math.max(room, 0));
    households.push(...taken.map(toHouseholdOut));
    next.push(`${hamlet.id}:${taken.at(-1)?.updateId ?? since}`);
  }
  const first = synced[0];
  const checklist = first ? await checklistFor(ctx.db, (await provinceOf(ctx.db, first)).id) : undefined;
  return {
    hamlets: await hamletOut(ctx, synced),
    notSynced: await hamletOut(ctx, notSynced),
    households,
    cursor: next.join(','),
    more,
    ...(checklist && checklist.id !== query.checklist ? { checklist: toChecklistOut(checklist) } : {}),
    catalogue: (await kitCatalogue(ctx.db)).version,
  };
}
