import { recordAudit } from '#modules/audit/index.ts';
import { getProcedure, requireCatalogueAdmin, saveProcedure } from '#modules/procedures/index.ts';
import { requireStaff, scopeOf } from '#platform/auth/actor.ts';
import type { Ctx } from '#platform/context.ts';
import { Conflict, Forbidden, NotFound } from '#platform/errors.ts';
import type { DvcqgDeps } from './dvcqg.deps.ts';
import { applyDifference, differences } from './dvcqg.diff.ts';
import * as q from './dvcqg.queries.ts';
import {
  catalogueAgency,
  fetchNationalProcedure,
  nationalNames,
  notConfigured,
  portalSaidNo,
} from './dvcqg.service.ts';
import type { CatalogueDiffRow } from './dvcqg.tables.ts';

/**
 * The national catalogue brought in: `LayDanhSachTTHC` lists every national procedure (kept for the
 * mapping's suggestions), `LayThuTuc` reads the full record of each procedure mapped here, and the
 * differences with the local record wait for an admin to accept (written through the procedures
 * module, as any catalogue edit) or reject, one by one. A rejected difference is not proposed again
 * while the national record says the same.
 */

export interface ImportSummary {
  national: number;
  read: number;
  differences: number;
  missing: string[];
}

export async function importNationalCatalogue(
  ctx: Ctx,
  deps: Pick<DvcqgDeps, 'client'>,
): Promise<ImportSummary> {
  const grant = await requireCatalogueAdmin(ctx.db, ctx.actor);
  if (!deps.client) throw notConfigured();
  const agency = await catalogueAgency(ctx.db, deps);
  const listed = await deps.client.call('share', 'LayDanhSachTTHC', agency);
  if (listed.error_code !== 0) throw portalSaidNo(listed);
  const items = (Array.isArray(listed.result) ? (listed.result as Record<string, unknown>[]) : [])
    .map((r) => ({ maTthc: String(r.MATTHC ?? '').trim(), tenTthc: String(r.TENTTHC ?? '').trim() }))
    .filter((r) => r.maTthc && r.tenTthc);
  await q.upsertNationalProcedures(ctx.db, items, ctx.clock.now());

  const summary: ImportSummary = { national: items.length, read: 0, differences: 0, missing: [] };
  for (const m of await q.listProcedureMaps(ctx.db)) {
    const detail = await fetchNationalProcedure(ctx, deps, m.maTthc);
    if (!detail) {
      summary.missing.push(m.maTthc);
      continue;
    }
    summary.read++;
    const local = await getProcedure(ctx.db, m.procedureCode).catch(() => undefined);
    if (!local) continue;
    const found = differences(local, detail);
    const kept: CatalogueDiffRow['aspect'][] = [];
    for (const d of found) {
      const rejected = await q.lastRejected(ctx.db, m.procedureCode, d.aspect);
      if (rejected && JSON.stringify(rejected.national) === JSON.stringify(d.national)) continue;
      await q.openDiff(ctx.db, {
        procedureCode: m.procedureCode,
        maTthc: m.maTthc,
        aspect: d.aspect,
        local: d.local,
        national: d.national,
        proposed: d.proposed,
        localVersion: local.version,
        foundAt: ctx.clock.now(),
      });
      kept.push(d.aspect);
      summary.differences++;
    }
    // What no longer differs (someone fixed it by hand, or the portal changed) is not shown any more.
    await q.closeStaleDiffs(ctx.db, m.procedureCode, kept);
    // The portal's names may have changed: the mapping sends what it says now.
    const names = nationalNames(detail);
    if (names.tenTthc && names.maLinhVuc && names.tenLinhVuc) {
      await q.upsertProcedureMap(ctx.db, { ...m, ...names });
    }
  }
  await ctx.db.transaction((tx) =>
    recordAudit(tx, ctx.actor, ctx.meta, {
      action: 'dvcqg.catalogue.import',
      targetType: 'catalogue',
      targetId: 'dvcqg',
      place: { id: grant.placeId, path: grant.placePath },
      details: { ...summary },
    }),
  );
  return summary;
}

export async function openDifferences(ctx: Ctx) {
  if (scopeOf(ctx.actor, 'admin').length === 0) throw new Forbidden();
  return q.listDiffs(ctx.db, 'open');
}

const gone = () =>
  new Conflict({
    vi: 'Khác biệt này đã được xử lý.',
    en: 'This difference has been dealt with already.',
  });

/**
 * Accept one difference: the local record takes the proposed content, saved through the procedures
 * module (its checks, its version, its audit entry). Refused when the record changed since the
 * import: the difference was computed against what the admin saw then.
 */
export async function acceptDifference(ctx: Ctx, id: number) {
  await requireCatalogueAdmin(ctx.db, ctx.actor);
  const staff = requireStaff(ctx.actor);
  const diff = await q.findDiff(ctx.db, id);
  if (!diff) throw new NotFound();
  if (diff.state !== 'open') throw gone();
  const current = await getProcedure(ctx.db, diff.procedureCode);
  if (current.version !== diff.localVersion) {
    throw new Conflict({
      vi: `Thủ tục ${diff.procedureCode} đã được sửa sau lần nhập danh mục; hãy nhập lại để xem khác biệt mới.`,
      en: `Procedure ${diff.procedureCode} changed after the import; import again to see the differences now.`,
    });
  }
  const { version, updatedAt: _u, verifiedAt: _a, verifiedBy: _b, ...definition } = current;
  const next = applyDifference(definition, diff.aspect, diff.proposed);
  const saved = await saveProcedure(ctx, next, { expectedVersion: version });
  const decided = await q.decideDiff(ctx.db, id, 'accepted', staff.userId, ctx.clock.now());
  if (!decided) throw gone();
  // Other open differences of the procedure were computed against the old version: same content, new version.
  for (const other of await q.listDiffs(ctx.db, 'open')) {
    if (other.procedureCode === diff.procedureCode) {
      await q.openDiff(ctx.db, {
        procedureCode: other.procedureCode,
        maTthc: other.maTthc,
        aspect: other.aspect,
        local: other.local,
        national: other.national,
        proposed: other.proposed,
        localVersion: saved.procedure.version,
        foundAt: other.foundAt,
      });
    }
  }
  return saved.procedure;
}

export async function rejectDifference(ctx: Ctx, id: number) {
  const grant = await requireCatalogueAdmin(ctx.db, ctx.actor);
  const staff = requireStaff(ctx.actor);
  return ctx.db.transaction(async (tx) => {
    const decided = await q.decideDiff(tx, id, 'rejected', staff.userId, ctx.clock.now());
    if (!decided) throw gone();
    await recordAudit(tx, ctx.actor, ctx.meta, {
      action: 'dvcqg.catalogue.reject',
      targetType: 'procedure',
      targetId: decided.procedureCode,
      place: { id: grant.placeId, path: grant.placePath },
      details: { aspect: decided.aspect, national: decided.national },
    });
    return decided;
  });
}
