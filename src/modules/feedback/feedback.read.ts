import { timingSafeEqual } from 'node:crypto';
import { listStaffFor } from '#modules/identity/index.ts';
import { findPlacesByIds, type Place } from '#modules/places/index.ts';
import { requireStaff } from '#platform/auth/actor.ts';
import type { Ctx } from '#platform/context.ts';
import type { Db } from '#platform/db/client.ts';
import { Forbidden, NotFound } from '#platform/errors.ts';
import { canHandle, canSee, handlesFeedback, queueScopes } from './feedback.access.ts';
import * as q from './feedback.queries.ts';
import { type FeedbackDeps, type Report, reportNotFound, stateOf } from './feedback.service.ts';
import { availableActions, type DerivedState, type Status } from './feedback.workflow.ts';

// What the pages and the API read: nothing here writes.

export async function listCategories(db: Db, opts: { activeOnly?: boolean } = {}) {
  return q.listCategories(db, opts);
}

/** Places by id, for showing names. */
export async function placeNames(db: Db, ids: number[]) {
  const rows = await findPlacesByIds(db, [...new Set(ids)]);
  return new Map(rows.map((p) => [p.id, p]));
}

export async function categoriesById(db: Db) {
  return new Map((await q.listCategories(db)).map((c) => [c.id, c]));
}

/** What a page needs to name reports: the categories, and the places the reports are at and handled by. */
export async function namesFor(db: Db, reports: Report[]) {
  const [categories, places] = await Promise.all([
    categoriesById(db),
    placeNames(
      db,
      reports.flatMap((r) => [r.placeId, r.communeId, r.handlingPlaceId]),
    ),
  ]);
  return { categories, places };
}

// ---------------------------------------------------------------------------------------------
// A signed-in citizen's own reports

/** One of a citizen's reports as their home page lists it: what, where it stands, the answer. */
export interface CitizenReport {
  code: string;
  category: { vi: string; en: string | null };
  status: Status;
  description: string;
  /** The handler's answer to the reporter, once given. */
  answer: string | null;
  answeredAt: Date | null;
  createdAt: Date;
  /** The reporter's private page (status, answer, history, rating). */
  href: string;
}

/**
 * The reports of the signed-in citizen, newest first: filed from the account, or leaving the phone
 * they signed in with (proved by the sign-in code). Read only; anyone else gets nothing.
 */
export async function listCitizenReports(ctx: Ctx, limit = 10): Promise<CitizenReport[]> {
  if (ctx.actor.kind !== 'citizen') return [];
  const rows = await q.listReportsOfReporter(ctx.db, ctx.actor.citizenId, ctx.actor.phone, limit);
  if (rows.length === 0) return [];
  const categories = await categoriesById(ctx.db);
  return rows.map((r) => {
    const c = categories.get(r.categoryId);
    return {
      code: r.serviceRequestId,
      category: { vi: c?.nameVi ?? '', en: c?.nameEn ?? null },
      status: r.status,
      description: r.description,
      answer: r.publicReply,
      answeredAt: r.answeredAt,
      createdAt: r.createdAt,
      href: `/phan-anh/theo-doi/${r.token}`,
    };
  });
}

// ---------------------------------------------------------------------------------------------
// One report, and its photos

export async function getReportByToken(db: Db, token: string) {
  const r = /^[A-Za-z0-9_-]{16,64}$/.test(token) ? await q.findReportByToken(db, token) : undefined;
  if (!r) throw reportNotFound();
  return r;
}

export async function findReportByCode(db: Db, code: string) {
  return q.findReportByCode(db, code);
}

export async function listPhotos(db: Db, reportId: number) {
  return q.listPhotos(db, reportId);
}

function sameToken(a: string, b: string) {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * A photo's bytes, for whoever may see it: anyone once the handler published the report with its
 * photos; before that the reporter (private link) and the staff who see the report.
 */
export async function openPhoto(ctx: Ctx, deps: FeedbackDeps, id: number, token: string | undefined) {
  const photo = await q.findPhoto(ctx.db, id);
  const report = photo ? await q.findReportById(ctx.db, photo.reportId) : undefined;
  if (!photo || !report) throw new NotFound();
  const isPublic = report.publishedAt !== null && report.publicPhotos;
  if (!isPublic && !(token && sameToken(token, report.token)) && !canSee(ctx.actor, report))
    throw new NotFound();
  const opened = await deps.files.open(photo.fileId);
  if (!opened) throw new NotFound();
  return { ...opened, isPublic };
}

// ---------------------------------------------------------------------------------------------
// Public pages

export async function listPublished(db: Db, communeId: number, page: number, pageSize: number) {
  const { rows, total } = await q.listPublished(db, communeId, pageSize, (page - 1) * pageSize);
  const photos = await Promise.all(
    rows.map((r) => (r.publicPhotos ? q.listPhotos(db, r.id) : Promise.resolve([]))),
  );
  return { items: rows.map((r, i) => ({ report: r, photos: photos[i] ?? [] })), total };
}

export async function communesWithAnswers(db: Db, limit = 30) {
  const counts = await q.countPublishedByCommune(db, limit);
  const names = await placeNames(
    db,
    counts.map((c) => c.communeId),
  );
  return counts
    .map((c) => ({ commune: names.get(c.communeId), count: c.n }))
    .filter((c): c is { commune: Place; count: number } => c.commune !== undefined);
}

// ---------------------------------------------------------------------------------------------
// The staff queue

export async function listQueue(
  ctx: Ctx,
  opts: { statuses?: DerivedState['status'][]; overdue?: boolean; page: number; pageSize: number },
) {
  const staff = requireStaff(ctx.actor);
  if (!(await handlesFeedback(ctx.db, staff))) throw new Forbidden();
  return q.listQueue(ctx.db, queueScopes(staff), {
    ...(opts.statuses ? { statuses: opts.statuses } : {}),
    ...(opts.overdue ? { overdueBefore: ctx.clock.now() } : {}),
    limit: opts.pageSize,
    offset: (opts.page - 1) * opts.pageSize,
  });
}

export type StaffReport = Awaited<ReturnType<typeof getReportForStaff>>;

/** A report as staff see it; 404 outside their scope, so other communes' reports stay unknown. */
export async function getReportForStaff(ctx: Ctx, id: number) {
  const staff = requireStaff(ctx.actor);
  const report = await q.findReportById(ctx.db, id);
  if (!report || !canSee(staff, report)) throw reportNotFound();
  const [{ log, state }, photos, assignable, mergedInto] = await Promise.all([
    stateOf(ctx.db, id),
    q.listPhotos(ctx.db, id),
    listStaffFor(ctx.db, report.handlerRole, report.handlingPlacePath),
    report.mergedIntoId ? q.findReportById(ctx.db, report.mergedIntoId) : Promise.resolve(undefined),
  ]);
  const actions = canHandle(staff, report) ? availableActions(state, 'handler', ctx.clock.now()) : [];
  return { report, log, state, photos, assignable, actions, mergedInto };
}

// ---------------------------------------------------------------------------------------------
// The reporter's private page

export function reporterActions(state: DerivedState, now: Date) {
  return availableActions(state, 'reporter', now);
}

/** What the reporter's private page shows: the steps and public replies, never internal notes. */
export function publicTimeline(log: q.ActionRow[]) {
  return log
    .filter((a) => a.type !== 'note' && a.type !== 'assign')
    .map((a) => ({
      type: a.type,
      at: a.at,
      // What was written for the reporter, or by them: never a note or a colleague's reopening reason.
      body:
        ['reply', 'refuse', 'request_info', 'supplement'].includes(a.type) ||
        (a.type === 'reopen' && a.actorKind !== 'staff')
          ? a.body
          : null,
      rating: a.type === 'rate' ? (a.details.rating as number) : null,
      intoCode: a.type === 'merge' ? (a.details.intoCode as string) : null,
    }));
}
