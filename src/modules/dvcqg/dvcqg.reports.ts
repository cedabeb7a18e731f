import { sql } from 'drizzle-orm';
import { getPlaceByCode, type Place } from '#modules/places/index.ts';
import { requireRole, requireStaff } from '#platform/auth/actor.ts';
import type { Ctx } from '#platform/context.ts';
import { type Db, rowsOf } from '#platform/db/client.ts';
import { Invalid } from '#platform/errors.ts';
import { parse } from '#platform/validation.ts';
import { PortalUnreachable } from './dvcqg.client.ts';
import type { DvcqgDeps } from './dvcqg.deps.ts';
import * as q from './dvcqg.queries.ts';
import { ReconcileForm } from './dvcqg.schemas.ts';
import type { ReconciliationDifference, ReconciliationRow } from './dvcqg.tables.ts';

/**
 * Reports: the monthly reconciliation of a place's dossiers with what the portal holds, and the share
 * of dossiers synced (Decision 766, transparency). Both read the dossiers module's published view
 * `dossier_facts` (every dossier, synced or not) beside this module's own tables.
 */

/** A month's bounds in Vietnam time ('2026-11' → 1 Nov 00:00 +07 to 1 Dec 00:00 +07). */
export function monthBounds(month: string): { from: Date; to: Date } {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const from = new Date(Date.UTC(y, m - 1, 1) - 7 * 3600_000);
  const to = new Date(Date.UTC(y, m, 1) - 7 * 3600_000);
  return { from, to };
}

/** The month before the one `now` falls in, in Vietnam time. */
export function previousMonth(now: Date): string {
  const vn = new Date(now.getTime() + 7 * 3600_000);
  const d = new Date(Date.UTC(vn.getUTCFullYear(), vn.getUTCMonth() - 1, 1));
  return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
}

interface HereRow {
  id: number;
  code: string;
  status: number;
  state: string | null;
  national: string | null;
  portal_has: boolean | null;
}

/** Every dossier of the place's subtree submitted in the month, with its sync state and its national status here. */
async function dossiersHere(db: Db, path: string, month: string): Promise<HereRow[]> {
  const { from, to } = monthBounds(month);
  return rowsOf<HereRow>(
    await db.execute(sql`
      select f.id, f.code, f.status, s.state, m.national, s.portal_has
      from dossier_facts f
      left join dvcqg_dossiers s on s.dossier_id = f.id
      left join dvcqg_status_map m on m.step = s.local_step and m.local_status = s.local_status
      where f.unit_path like ${path} || '%'
        and f.submitted_at >= ${from.toISOString()}::timestamptz and f.submitted_at < ${to.toISOString()}::timestamptz
      order by f.code`),
  ).map((r) => ({ ...r, id: Number(r.id), status: Number(r.status) }));
}

const count = (xs: (string | null)[]) => {
  const out: Record<string, number> = {};
  for (const x of xs) out[x ?? 'absent'] = (out[x ?? 'absent'] ?? 0) + 1;
  return out;
};

async function pool<T, R>(items: T[], width: number, run: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, items.length) }, async () => {
      for (let i = next++; i < items.length; i = next++) out[i] = await run(items[i] as T);
    }),
  );
  return out;
}

/**
 * Reconcile one place's month: counts by national status here and, when the portal answers, as
 * the portal reports them (`TraCuuHoSo`, one look-up per dossier: the adapter has no list call
 * for dossiers), and the dossiers that differ with the reason as far as this side knows. Kept, so
 * the page shows the last run.
 */
export async function reconcilePlace(
  db: Db,
  deps: Pick<DvcqgDeps, 'client'>,
  place: Pick<Place, 'id' | 'path'>,
  month: string,
  at: Date,
  by: number | null,
): Promise<ReconciliationRow> {
  const rows = await dossiersHere(db, place.path, month);
  const here = rows.map((r) => r.national ?? String(r.status));
  const [setting] = await q.listPlaceSettings(db, [place.id]);
  let portal: (string | null)[] | null = null;
  if (deps.client && setting?.madonvi) {
    const client = deps.client;
    const madonvi = setting.madonvi;
    try {
      portal = await pool(rows, 8, async (r) => {
        const answer = await client.call('integration', 'TraCuuHoSo', madonvi, { mahoso: r.code });
        if (answer.error_code !== 0) throw new PortalUnreachable('TraCuuHoSo', String(answer.message));
        const found = (answer.result as Record<string, unknown>[] | undefined)?.[0];
        return found ? String(found.TrangThaiHoSo ?? '') : null;
      });
    } catch (e) {
      if (!(e instanceof PortalUnreachable)) throw e;
      portal = null;
    }
  }
  const differences: ReconciliationDifference[] = [];
  rows.forEach((r, i) => {
    const mine = r.state === null ? null : (here[i] as string);
    const theirs = portal ? (portal[i] ?? null) : undefined;
    const local =
      r.state === null
        ? ('not_sent' as const)
        : r.state === 'held' || r.state === 'dead' || r.state === 'pending'
          ? (r.state as 'held' | 'dead' | 'pending')
          : undefined;
    if (theirs === undefined) {
      if (local) differences.push({ code: r.code, here: mine, portal: null, reason: local });
      return;
    }
    if (theirs === mine && local !== 'not_sent') return;
    if (theirs === null && local === 'not_sent') {
      differences.push({ code: r.code, here: null, portal: null, reason: 'not_sent' });
      return;
    }
    differences.push({
      code: r.code,
      here: mine,
      portal: theirs,
      reason: local ?? (theirs === null ? 'missing_at_portal' : 'status_differs'),
    });
  });
  const saved = await q.saveReconciliation(db, {
    placeId: place.id,
    month,
    ranAt: at,
    ranBy: by,
    portalReachable: portal !== null,
    here: count(here),
    portal: portal ? count(portal) : null,
    differences,
  });
  if (!saved) throw new Error('reconciliation not saved');
  return saved;
}

/** An admin of the place runs it from the page. */
export async function reconcile(ctx: Ctx, deps: Pick<DvcqgDeps, 'client'>, input: unknown) {
  const data = parse(ReconcileForm, input);
  const place = await getPlaceByCode(ctx.db, data.place).catch(() => {
    throw new Invalid([{ field: 'place', vi: 'Không có đơn vị này.', en: 'No such place.' }]);
  });
  requireRole(ctx.actor, 'admin', place.path);
  const staff = requireStaff(ctx.actor);
  return reconcilePlace(ctx.db, deps, place, data.month, ctx.clock.now(), staff.userId);
}

export async function lastReconciliation(ctx: Ctx, placeCode: string, month: string) {
  const place = await getPlaceByCode(ctx.db, placeCode);
  requireRole(ctx.actor, 'admin', place.path);
  return q.lastReconciliation(ctx.db, place.id, month);
}

/**
 * The share of dossiers synced to the national portal (Decision 766, transparency): of the dossiers
 * submitted in [from, to) in the place's subtree, those the portal holds with every change queued
 * for it delivered. A dossier of a commune whose sync is off counts as not synced.
 */
export async function syncedShare(
  ctx: Pick<Ctx, 'db'>,
  placePath: string,
  from: Date,
  to: Date,
): Promise<{ total: number; synced: number; share: number | null }> {
  const [row] = rowsOf<{ total: number | string; synced: number | string }>(
    await ctx.db.execute(sql`
      select count(*) as total,
             count(*) filter (where s.portal_has and s.delivered_through >= s.queued_through) as synced
      from dossier_facts f
      left join dvcqg_dossiers s on s.dossier_id = f.id
      where f.unit_path like ${placePath} || '%'
        and f.submitted_at >= ${from.toISOString()}::timestamptz and f.submitted_at < ${to.toISOString()}::timestamptz`),
  );
  const total = Number(row?.total ?? 0);
  const synced = Number(row?.synced ?? 0);
  return { total, synced, share: total ? synced / total : null };
}
