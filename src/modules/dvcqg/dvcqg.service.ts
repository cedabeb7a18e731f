import { recordAudit } from '#modules/audit/index.ts';
import { findPlaceById, getPlaceByCode, listChildren, type Place } from '#modules/places/index.ts';
import { listProcedures, requireCatalogueAdmin } from '#modules/procedures/index.ts';
import { requireRole, requireStaff, scopeOf } from '#platform/auth/actor.ts';
import type { Ctx } from '#platform/context.ts';
import type { Db } from '#platform/db/client.ts';
import { Forbidden, Invalid, NotFound } from '#platform/errors.ts';
import { parse } from '#platform/validation.ts';
import type { Answer } from './dvcqg.client.ts';
import type { DvcqgDeps } from './dvcqg.deps.ts';
import * as q from './dvcqg.queries.ts';
import { MappingForm, PlaceSyncForm, StatusMapForm } from './dvcqg.schemas.ts';
import type { SyncDossierRow } from './dvcqg.tables.ts';

/**
 * The admins' side of the connection: which communes send their dossiers and as which agency, the
 * status and procedure mappings, the queue and its dead letters. Commune settings belong to the
 * commune's admins (and those above); mappings are installation-wide, for the catalogue's admins
 * (province or national level), like the catalogue itself.
 */

// ---------------------------------------------------------------------------------------------
// Places

/** Provinces and communes receive dossiers; villages and the abolished districts do not. */
const receives = (p: Place) => (p.level === 'province' || p.level === 'commune') && !p.validTo;

export interface PlaceLine {
  place: Place;
  madonvi: string | null;
  enabled: boolean;
}

async function placeToSet(ctx: Ctx, code: string) {
  const place = await getPlaceByCode(ctx.db, code);
  if (!receives(place)) {
    throw new NotFound({
      vi: 'Chỉ tỉnh và xã đồng bộ hồ sơ với Cổng DVCQG.',
      en: 'Only provinces and communes send dossiers to the portal.',
    });
  }
  requireRole(ctx.actor, 'admin', place.path);
  return place;
}

/** The places an admin may set: where they are admin, and the communes below. */
export async function listPlaceLines(ctx: Ctx): Promise<PlaceLine[]> {
  const staff = requireStaff(ctx.actor);
  const roots = staff.grants.filter(
    (g, i, all) =>
      g.role === 'admin' && all.findIndex((o) => o.role === 'admin' && o.placeId === g.placeId) === i,
  );
  if (roots.length === 0) throw new Forbidden();
  const list: Place[] = [];
  for (const g of roots) {
    const root = await findPlaceById(ctx.db, g.placeId);
    if (!root) continue;
    if (receives(root)) list.push(root);
    for (const c of await listChildren(ctx.db, root.id)) if (receives(c)) list.push(c);
  }
  const unique = list.filter((p, i) => list.findIndex((o) => o.id === p.id) === i);
  const rows = new Map(
    (
      await q.listPlaceSettings(
        ctx.db,
        unique.map((p) => p.id),
      )
    ).map((r) => [r.placeId, r]),
  );
  return unique.map((place) => ({
    place,
    madonvi: rows.get(place.id)?.madonvi ?? null,
    enabled: rows.get(place.id)?.enabled ?? false,
  }));
}

export async function getPlaceLine(ctx: Ctx, code: string): Promise<PlaceLine> {
  const place = await placeToSet(ctx, code);
  const [row] = await q.listPlaceSettings(ctx.db, [place.id]);
  return { place, madonvi: row?.madonvi ?? null, enabled: row?.enabled ?? false };
}

/**
 * Switch a place's sync on or off and set its agency code. On, every later change of a dossier it
 * holds is queued; off, nothing more is (what was queued before is still delivered).
 */
export async function setPlaceSync(ctx: Ctx, code: string, input: unknown) {
  const place = await placeToSet(ctx, code);
  const data = parse(PlaceSyncForm, input);
  const staff = requireStaff(ctx.actor);
  return ctx.db.transaction(async (tx) => {
    const [before] = await q.listPlaceSettings(tx, [place.id]);
    const saved = await q.upsertPlaceSetting(tx, {
      placeId: place.id,
      placeCode: place.code,
      placePath: place.path,
      // Switching off keeps the code, so switching on again needs nothing retyped.
      madonvi: data.madonvi ?? before?.madonvi ?? null,
      enabled: data.enabled,
      updatedBy: staff.userId,
      updatedAt: ctx.clock.now(),
    });
    await recordAudit(tx, ctx.actor, ctx.meta, {
      action: 'dvcqg.place.set',
      targetType: 'place',
      targetId: place.code,
      place: { id: place.id, path: place.path },
      details: {
        before: before ? { madonvi: before.madonvi, enabled: before.enabled } : null,
        after: { madonvi: saved?.madonvi ?? null, enabled: data.enabled },
      },
    });
    return saved;
  });
}

/** The agency code catalogue calls are sent as: the widest configured place's, else the account name. */
export async function catalogueAgency(db: Db, deps: Pick<DvcqgDeps, 'client'>): Promise<string> {
  const rows = (await q.listPlaceSettings(db)).filter((r) => r.madonvi);
  rows.sort((a, b) => a.placePath.length - b.placePath.length);
  const code = rows[0]?.madonvi ?? deps.client?.settings.username;
  if (!code || !/^[A-Za-z0-9]+(\.[A-Za-z0-9]+)*$/.test(code)) {
    throw new Invalid([
      {
        field: 'madonvi',
        vi: 'Chưa có đơn vị nào có mã đơn vị trên Cổng DVCQG: hãy đặt mã cho tỉnh hoặc một xã trước.',
        en: 'No place has an agency code for the portal yet: set one for the province or a commune first.',
      },
    ]);
  }
  return code;
}

/** The admin's scope as the place settings inside it (null: every place, for the reports' system runs). */
export async function scopedPlaceIds(ctx: Ctx): Promise<number[]> {
  const scope = scopeOf(ctx.actor, 'admin');
  if (scope.length === 0) throw new Forbidden();
  const rows = await q.listPlaceSettings(ctx.db);
  return rows.filter((r) => scope.some((s) => r.placePath.startsWith(s))).map((r) => r.placeId);
}

// ---------------------------------------------------------------------------------------------
// The queue

export async function dashboard(ctx: Ctx) {
  const ids = await scopedPlaceIds(ctx);
  const [summary, troubled, failures] = await Promise.all([
    q.queueSummary(ctx.db, ids),
    q.listTroubled(ctx.db, ids),
    q.listFailures(ctx.db, ids),
  ]);
  return { summary, troubled, failures };
}

/** Send a dead letter again: an admin over the place that queued it. */
export async function resend(ctx: Ctx, dossierId: number): Promise<SyncDossierRow> {
  const row = await q.findSyncDossier(ctx.db, { id: dossierId });
  if (!row) throw new NotFound();
  const [place] = await q.listPlaceSettings(ctx.db, [row.placeId]);
  requireRole(ctx.actor, 'admin', place?.placePath ?? '/');
  return ctx.db.transaction(async (tx) => {
    const again = await q.resendDead(tx, dossierId, ctx.clock.now());
    if (!again) {
      throw new Invalid([
        {
          field: 'dossier',
          vi: 'Hồ sơ này không nằm trong danh sách gửi không thành công.',
          en: 'This dossier is not a dead letter.',
        },
      ]);
    }
    await recordAudit(tx, ctx.actor, ctx.meta, {
      action: 'dvcqg.resend',
      targetType: 'dossier',
      targetId: row.code,
      place: { id: row.placeId, path: place?.placePath ?? '/' },
      details: { lastError: row.lastError },
    });
    return again;
  });
}

// ---------------------------------------------------------------------------------------------
// Status mapping

/** Every staff admin may read it; a catalogue admin may change a line. */
export async function statusMap(ctx: Ctx) {
  if (scopeOf(ctx.actor, 'admin').length === 0) throw new Forbidden();
  return q.listStatusMap(ctx.db);
}

export async function setNationalStatus(ctx: Ctx, input: unknown) {
  const grant = await requireCatalogueAdmin(ctx.db, ctx.actor);
  const data = parse(StatusMapForm, input);
  const staff = requireStaff(ctx.actor);
  return ctx.db.transaction(async (tx) => {
    const [row] = await q.setStatusMap(tx, data.step, data.localStatus, data.national, staff.userId);
    if (!row) throw new NotFound();
    await recordAudit(tx, ctx.actor, ctx.meta, {
      action: 'dvcqg.status-map.set',
      targetType: 'status-map',
      targetId: `${data.step}:${data.localStatus}`,
      place: { id: grant.placeId, path: grant.placePath },
      details: { national: data.national },
    });
    return row;
  });
}

// ---------------------------------------------------------------------------------------------
// Procedure mapping

export interface ProcedureMappingLine {
  code: string;
  name: string;
  mapping: Awaited<ReturnType<typeof q.findProcedureMap>>;
  suggestions: { maTthc: string; tenTthc: string; score: number }[];
  /** Dossiers held because this procedure has no national code. */
  held: number;
}

export async function procedureMappings(ctx: Ctx): Promise<ProcedureMappingLine[]> {
  if (scopeOf(ctx.actor, 'admin').length === 0) throw new Forbidden();
  const local = await listProcedures(ctx.db);
  const [maps, suggestions, held] = await Promise.all([
    q.listProcedureMaps(ctx.db),
    q.suggestNational(
      ctx.db,
      local.map((p) => ({ code: p.code, name: p.name })),
      3,
    ),
    q.heldByProcedure(ctx.db),
  ]);
  const byCode = new Map(maps.map((m) => [m.procedureCode, m]));
  return local.map((p) => ({
    code: p.code,
    name: p.name,
    mapping: byCode.get(p.code),
    suggestions: suggestions
      .filter((s) => s.code === p.code)
      .map((s) => ({ maTthc: s.ma_tthc, tenTthc: s.ten_tthc, score: s.score })),
    held: held.get(p.code) ?? 0,
  }));
}

/** The national record's names, as DongBoHoSoMC wants them (read with LayThuTuc). */
export function nationalNames(detail: Record<string, unknown>) {
  const field = (detail.LINHVUCTHUCHIEN as Record<string, unknown>[] | undefined)?.[0];
  return {
    tenTthc: String(detail.TENTTHC ?? ''),
    maLinhVuc: String(field?.MALINHVUC ?? ''),
    tenLinhVuc: String(field?.TENLINHVUC ?? ''),
  };
}

/** LayThuTuc for one code: the national record, or undefined when the portal has none. */
export async function fetchNationalProcedure(
  ctx: Ctx,
  deps: Pick<DvcqgDeps, 'client'>,
  maTthc: string,
): Promise<Record<string, unknown> | undefined> {
  if (!deps.client) throw notConfigured();
  const answer: Answer = await deps.client.call(
    'integration',
    'LayThuTuc',
    await catalogueAgency(ctx.db, deps),
    {
      maTTHC: maTthc,
    },
  );
  if (answer.error_code !== 0) throw portalSaidNo(answer);
  const detail = (answer.result as Record<string, unknown>[] | undefined)?.[0];
  if (detail) {
    await q.upsertNationalProcedures(
      ctx.db,
      [{ maTthc, tenTthc: String(detail.TENTTHC ?? maTthc), detail }],
      ctx.clock.now(),
    );
  }
  return detail;
}

export const notConfigured = () =>
  new Invalid([
    {
      field: 'portal',
      vi: 'Chưa cấu hình kết nối Cổng DVCQG (DVCQG_URL, DVCQG_USERNAME, DVCQG_PASSWORD).',
      en: 'The portal connection is not configured (DVCQG_URL, DVCQG_USERNAME, DVCQG_PASSWORD).',
    },
  ]);

export const portalSaidNo = (answer: Answer) =>
  new Invalid([
    {
      field: 'portal',
      vi: `Cổng DVCQG trả lời lỗi ${answer.error_code}: ${String(answer.message ?? '')}`,
      en: `The portal answered error ${answer.error_code}: ${String(answer.message ?? '')}`,
    },
  ]);

/**
 * Confirm a local procedure's national code. The names are the portal's (LayThuTuc, read now
 * unless the catalogue import read them already). Dossiers held for want of it go back to the queue.
 */
export async function confirmMapping(
  ctx: Ctx,
  deps: Pick<DvcqgDeps, 'client'>,
  procedureCode: string,
  input: unknown,
) {
  const grant = await requireCatalogueAdmin(ctx.db, ctx.actor);
  const { maTthc } = parse(MappingForm, input);
  const local = (await listProcedures(ctx.db)).find((p) => p.code === procedureCode);
  if (!local) throw new NotFound();
  const known = await q.findNationalProcedure(ctx.db, maTthc);
  const detail = known?.detail ?? (await fetchNationalProcedure(ctx, deps, maTthc));
  const names = detail ? nationalNames(detail) : undefined;
  if (!names?.tenTthc || !names.maLinhVuc || !names.tenLinhVuc) {
    throw new Invalid([
      {
        field: 'maTthc',
        vi: `Cổng DVCQG không có thủ tục ${maTthc} (hoặc thiếu lĩnh vực).`,
        en: `The portal has no procedure ${maTthc} (or it has no field).`,
      },
    ]);
  }
  const staff = requireStaff(ctx.actor);
  return ctx.db.transaction(async (tx) => {
    const before = await q.findProcedureMap(tx, procedureCode);
    const saved = await q.upsertProcedureMap(tx, {
      procedureCode,
      maTthc,
      ...names,
      confirmedBy: staff.userId,
      confirmedAt: ctx.clock.now(),
    });
    const released = await q.releaseHeld(tx, { procedureCode }, ctx.clock.now());
    await recordAudit(tx, ctx.actor, ctx.meta, {
      action: 'dvcqg.procedure-map.confirm',
      targetType: 'procedure',
      targetId: procedureCode,
      place: { id: grant.placeId, path: grant.placePath },
      details: { before: before?.maTthc ?? null, after: maTthc, released: released.length },
    });
    return { mapping: saved, released: released.length };
  });
}

export async function removeMapping(ctx: Ctx, procedureCode: string) {
  const grant = await requireCatalogueAdmin(ctx.db, ctx.actor);
  return ctx.db.transaction(async (tx) => {
    const removed = await q.deleteProcedureMap(tx, procedureCode);
    if (removed) {
      await recordAudit(tx, ctx.actor, ctx.meta, {
        action: 'dvcqg.procedure-map.remove',
        targetType: 'procedure',
        targetId: procedureCode,
        place: { id: grant.placeId, path: grant.placePath },
        details: { before: removed.maTthc },
      });
    }
    return removed ?? null;
  });
}
