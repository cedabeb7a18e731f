import { recordAudit } from '#modules/audit/index.ts';
import {
  findPlaceById,
  findPlacesByIds,
  getPlaceByCode,
  listChildren,
  type Place,
} from '#modules/places/index.ts';
import { requireRole, requireStaff, scopeOf } from '#platform/auth/actor.ts';
import type { Ctx } from '#platform/context.ts';
import type { Db } from '#platform/db/client.ts';
import { Forbidden, NotFound } from '#platform/errors.ts';
import { parse } from '#platform/validation.ts';
import * as q from './payments.queries.ts';
import { PaymentAccountForm } from './payments.schemas.ts';
import type { PaymentAccountRow } from './payments.tables.ts';
import type { BankAccount } from './vietqr.ts';

/**
 * Which bank account a dossier's fees are paid into. In a province installation each commune (and
 * the province itself) collects into its own account: the dossier's unit's, else the nearest
 * ancestor's that has one, else the installation's configured account (the fallback that keeps a
 * single-commune install and the demo working), else none (cash at the desk only).
 */
export interface ResolvedAccount {
  account: BankAccount;
  /** The place whose account it is; null: the installation's configuration. */
  placeId: number | null;
}

/** The place ids of a path, root first: '/1/25/300/' → [1, 25, 300] (see the places migration). */
const pathIds = (path: string) => path.split('/').filter(Boolean).map(Number);

const toAccount = (r: PaymentAccountRow): BankAccount => ({
  bin: r.bankBin,
  number: r.accountNumber,
  name: r.accountName,
});

/** The nearest account along `path` (the place itself first) among `rows`, else the fallback. */
export function resolveAccount(
  rows: PaymentAccountRow[],
  path: string,
  fallback: BankAccount | undefined,
): ResolvedAccount | undefined {
  for (const id of pathIds(path).reverse()) {
    const r = rows.find((x) => x.placeId === id);
    if (r) return { account: toAccount(r), placeId: id };
  }
  return fallback ? { account: fallback, placeId: null } : undefined;
}

/** The account for fees of a dossier decided at the unit with this path. */
export async function accountFor(
  db: Db,
  fallback: BankAccount | undefined,
  unitPath: string,
): Promise<ResolvedAccount | undefined> {
  return resolveAccount(await q.listAccounts(db, pathIds(unitPath)), unitPath, fallback);
}

// ---------------------------------------------------------------------------------------------
// Setting a place's account (its admins, or an admin of a place above it)

/** Provinces and communes collect fees; villages and the abolished districts do not. */
const collects = (p: Place) => (p.level === 'province' || p.level === 'commune') && !p.validTo;

async function placeToSet(ctx: Ctx, code: string) {
  const place = await getPlaceByCode(ctx.db, code);
  if (!collects(place))
    throw new NotFound({
      vi: 'Chỉ tỉnh và xã có tài khoản thu phí, lệ phí.',
      en: 'Only provinces and communes have an account for fees.',
    });
  requireRole(ctx.actor, 'admin', place.path);
  return place;
}

export interface AccountLine {
  place: Place;
  /** The place's own account, if it has set one: its fees go there. */
  own: PaymentAccountRow | null;
  /** What its fees go to without one (an ancestor's or the configured account), and whose it is. */
  inherited: (ResolvedAccount & { from: Place | null }) | undefined;
}

async function lines(db: Db, fallback: BankAccount | undefined, list: Place[]): Promise<AccountLine[]> {
  const ids = [...new Set(list.flatMap((p) => pathIds(p.path)))];
  const rows = await q.listAccounts(db, ids);
  const known = new Map(list.map((p) => [p.id, p]));
  const missing = rows.map((r) => r.placeId).filter((id) => !known.has(id));
  for (const p of await findPlacesByIds(db, missing)) known.set(p.id, p);
  return list.map((place) => {
    const inherited = resolveAccount(
      rows.filter((r) => r.placeId !== place.id),
      place.path,
      fallback,
    );
    return {
      place,
      own: rows.find((r) => r.placeId === place.id) ?? null,
      inherited: inherited && {
        ...inherited,
        from: inherited.placeId === null ? null : (known.get(inherited.placeId) ?? null),
      },
    };
  });
}

/** The places an admin may set an account for: where they are admin, and the communes below. */
export async function listAccountPlaces(ctx: Ctx, fallback: BankAccount | undefined) {
  const staff = requireStaff(ctx.actor);
  const scope = scopeOf(staff, 'admin');
  if (scope.length === 0) throw new Forbidden();
  const roots = staff.grants.filter((g, i, all) => {
    if (g.role !== 'admin' || !scope.includes(g.placePath)) return false;
    return all.findIndex((o) => o.role === 'admin' && o.placePath === g.placePath) === i;
  });
  const list: Place[] = [];
  for (const g of roots) {
    const root = await findPlaceById(ctx.db, g.placeId);
    if (!root) continue;
    if (collects(root)) list.push(root);
    for (const c of await listChildren(ctx.db, root.id)) if (collects(c)) list.push(c);
  }
  return lines(ctx.db, fallback, list);
}

/** One place's line, for its edit page (only for those who may set it). */
export async function getAccountLine(
  ctx: Ctx,
  fallback: BankAccount | undefined,
  code: string,
): Promise<AccountLine> {
  const place = await placeToSet(ctx, code);
  const [line] = await lines(ctx.db, fallback, [place]);
  return line as AccountLine;
}

/** Set (or replace) a place's account; audited with what it was before. */
export async function setPaymentAccount(ctx: Ctx, code: string, input: unknown) {
  const place = await placeToSet(ctx, code);
  const data = parse(PaymentAccountForm, input);
  const staff = requireStaff(ctx.actor);
  return ctx.db.transaction(async (tx) => {
    const [before] = await q.listAccounts(tx, [place.id]);
    const row = await q.upsertAccount(tx, {
      placeId: place.id,
      bankBin: data.bin,
      accountNumber: data.number,
      accountName: data.name,
      updatedBy: staff.userId,
      updatedAt: ctx.clock.now(),
    });
    await recordAudit(tx, ctx.actor, ctx.meta, {
      action: 'payments.account.set',
      targetType: 'place',
      targetId: place.code,
      place: { id: place.id, path: place.path },
      details: {
        before: before ? toAccount(before) : null,
        after: toAccount(row),
      },
    });
    return row;
  });
}

/** Remove a place's own account: its fees go to the nearest ancestor's (or the configured) again. */
export async function removePaymentAccount(ctx: Ctx, code: string) {
  const place = await placeToSet(ctx, code);
  return ctx.db.transaction(async (tx) => {
    const removed = await q.deleteAccount(tx, place.id);
    if (removed)
      await recordAudit(tx, ctx.actor, ctx.meta, {
        action: 'payments.account.remove',
        targetType: 'place',
        targetId: place.code,
        place: { id: place.id, path: place.path },
        details: { before: toAccount(removed) },
      });
    return removed ?? null;
  });
}
