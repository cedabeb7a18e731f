import { randomBytes, timingSafeEqual } from 'node:crypto';
import { Readable } from 'node:stream';
import { recordAudit } from '#modules/audit/index.ts';
import {
  addWorkingDays,
  createCalendar,
  toVietnamDate,
  type WorkingCalendar,
} from '#modules/calendar/index.ts';
import { listStaffFor } from '#modules/identity/index.ts';
import { enqueue, type NewNotification } from '#modules/notifications/index.ts';
import { findPlaceByCode, findPlaceById, findPlacesByIds, type Place } from '#modules/places/index.ts';
import { type Actor, actorLabel, hasRole, type Role, requireStaff } from '#platform/auth/actor.ts';
import type { Clock } from '#platform/clock.ts';
import type { Ctx } from '#platform/context.ts';
import { type Db, isUniqueViolation } from '#platform/db/client.ts';
import { Conflict, Forbidden, Invalid, NotFound } from '#platform/errors.ts';
import type { Events } from '#platform/events.ts';
import type { FileService } from '#platform/storage/index.ts';
import { PHOTOS_PER_REPORT, type PhotoProblem, preparePhoto, type Upload } from './feedback.photos.ts';
import * as q from './feedback.queries.ts';
import type { NewReport } from './feedback.schemas.ts';
import {
  type Action,
  type ActionType,
  type ActorKind,
  availableActions,
  type DerivedState,
  type Routing,
  stateFromActions,
} from './feedback.workflow.ts';

export type Report = q.ReportRow;
export type Category = q.CategoryRow;

/** What the use cases need beyond the request context. */
export interface FeedbackDeps {
  files: FileService;
  /** Absolute base for links in messages (the private link) and Open311 media_url. */
  publicUrl: string;
}

/**
 * The statutory calendar with its defaults (Mon–Fri, Vietnam's public holidays). When the
 * platform stores a province's yearly overrides, they are passed here.
 */
export const CALENDAR: WorkingCalendar = createCalendar();

/** Roles that may take a report at the counter for someone who came in person. */
export const COUNTER_ROLES: readonly Role[] = ['feedback_handler', 'receptionist'];

const reportNotFound = () => new NotFound({ vi: 'Không tìm thấy phản ánh này.', en: 'No such report.' });

export function privateLink(deps: FeedbackDeps, report: Report) {
  return `${deps.publicUrl.replace(/\/$/, '')}/phan-anh/theo-doi/${report.token}`;
}

// ---------------------------------------------------------------------------------------------
// Categories

export async function listCategories(db: Db, opts: { activeOnly?: boolean } = {}) {
  return q.listCategories(db, opts);
}

export async function getCategory(db: Db, code: string, opts: { activeOnly?: boolean; field?: string } = {}) {
  const c = await q.findCategoryByCode(db, code);
  if (!c || (opts.activeOnly && !c.active)) {
    throw new Invalid([
      {
        field: opts.field ?? 'category',
        vi: 'Vui lòng chọn lĩnh vực trong danh sách.',
        en: 'Please choose a category from the list.',
      },
    ]);
  }
  return c;
}

// ---------------------------------------------------------------------------------------------
// Where a report belongs

export interface ReportPlaces {
  place: Place;
  commune: Place;
  province: Place;
}

const badPlace = (field: string) =>
  new Invalid([
    {
      field,
      vi: 'Vui lòng chọn một xã, phường (và thôn, bản nếu biết) trong danh sách.',
      en: 'Please choose a commune (and a village if you know it) from the list.',
    },
  ]);

/** A current commune or village, with its commune and province. */
export async function resolvePlace(db: Db, code: string, field = 'commune'): Promise<ReportPlaces> {
  const place = await findPlaceByCode(db, code);
  if (!place || place.validTo || (place.level !== 'commune' && place.level !== 'village'))
    throw badPlace(field);
  const commune = place.level === 'commune' ? place : await findPlaceById(db, place.parentId ?? 0);
  if (commune?.level !== 'commune' || commune.validTo) throw badPlace(field);
  const province = await findPlaceById(db, commune.parentId ?? 0);
  if (province?.level !== 'province') throw badPlace(field);
  return { place, commune, province };
}

export function routeFor(category: Category, places: ReportPlaces, from: Date): Routing {
  const office = category.handlerLevel === 'province' ? places.province : places.commune;
  return {
    categoryId: category.id,
    role: category.handlerRole,
    level: category.handlerLevel,
    placeId: office.id,
    placePath: office.path,
    dueAt: addWorkingDays(from, category.deadlineDays, CALENDAR).toISOString(),
  };
}

// ---------------------------------------------------------------------------------------------
// The log and its cache

function toAction(a: q.ActionRow): Action {
  return {
    type: a.type,
    at: a.at,
    actorUserId: a.actorUserId,
    actorLabel: a.actorLabel,
    body: a.body,
    details: a.details,
  };
}

/** The report columns that are a cache of the log (see the migration). */
function cacheOf(s: DerivedState) {
  return {
    status: s.status,
    categoryId: s.routing.categoryId,
    handlerRole: s.routing.role,
    handlingLevel: s.routing.level,
    handlingPlaceId: s.routing.placeId,
    handlingPlacePath: s.routing.placePath,
    dueAt: new Date(s.routing.dueAt),
    assigneeUserId: s.assigneeUserId,
    assigneeLabel: s.assigneeLabel,
    publicReply: s.publicReply,
    answeredAt: s.answeredAt,
    publishedAt: s.publishedAt,
    publicDescription: s.publicDescription,
    publicPhotos: s.publicPhotos,
    mergedIntoId: s.mergedIntoId,
    rating: s.rating,
    closedAt: s.closedAt,
  };
}

export async function stateOf(db: Db, reportId: number) {
  const log = await q.listActions(db, reportId);
  return { log, state: stateFromActions(log.map(toAction)) };
}

interface NewAction {
  type: ActionType;
  at: Date;
  actorKind: ActorKind;
  actorUserId?: number | null;
  actorLabel: string;
  body?: string | null;
  details?: Record<string, unknown>;
}

async function append(tx: Db, report: Report, a: NewAction) {
  const action = await q.insertAction(tx, { ...a, reportId: report.id, details: a.details ?? {} });
  const { state } = await stateOf(tx, report.id);
  const updated = await q.updateReport(tx, report.id, cacheOf(state));
  return { action, report: updated, state };
}

function actorOf(actor: Actor): { actorKind: ActorKind; actorUserId: number | null; actorLabel: string } {
  if (actor.kind === 'staff')
    return { actorKind: 'staff', actorUserId: actor.userId, actorLabel: actorLabel(actor) };
  if (actor.kind === 'citizen')
    return { actorKind: 'citizen', actorUserId: null, actorLabel: actorLabel(actor) };
  return { actorKind: 'reporter', actorUserId: null, actorLabel: 'reporter' };
}

// ---------------------------------------------------------------------------------------------
// Reporting

export interface Door {
  channel: 'web' | 'counter' | 'open311';
  apiKey?: q.ApiKeyRow;
}

/** Whether this actor files at the counter for someone else. */
export function filesAtCounter(actor: Actor) {
  return actor.kind === 'staff' && actor.grants.some((g) => COUNTER_ROLES.includes(g.role));
}

function yymmdd(now: Date) {
  return toVietnamDate(now).slice(2).replaceAll('-', '');
}

/**
 * Make a report (or find the one a retried request already made). Routed at once: the category says
 * which role at which level, the place says which commune or province, the calendar says by when.
 */
export async function createReport(
  ctx: Ctx,
  input: NewReport,
  door: Door,
): Promise<{ report: Report; created: boolean }> {
  if (input.idempotencyKey) {
    const existing = await q.findReportByIdempotencyKey(ctx.db, input.idempotencyKey);
    if (existing) return { report: existing, created: false };
  }
  const placeField =
    door.channel === 'open311' ? 'jurisdiction_id' : input.placeCode.includes('.') ? 'village' : 'commune';
  const category = await getCategory(ctx.db, input.categoryCode, {
    activeOnly: true,
    field: door.channel === 'open311' ? 'service_code' : 'category',
  });
  const places = await resolvePlace(ctx.db, input.placeCode, placeField);
  if (door.apiKey && !places.place.path.startsWith(door.apiKey.placePath)) {
    throw new Forbidden({
      vi: 'Khóa API này không được gửi phản ánh cho địa bàn đó.',
      en: 'This API key may not post reports for that place.',
    });
  }
  const now = ctx.clock.now();
  const routing = routeFor(category, places, now);
  const who =
    door.channel === 'open311'
      ? { actorKind: 'api' as const, actorUserId: null, actorLabel: `api:${door.apiKey?.name ?? '?'}` }
      : actorOf(ctx.actor);
  const submit: Action = {
    type: 'submit',
    at: now,
    actorLabel: who.actorLabel,
    details: { routing, channel: door.channel },
  };
  try {
    const report = await ctx.db.transaction(async (tx) => {
      const n = await q.nextDailyNumber(tx, toVietnamDate(now));
      const report = await q.insertReport(tx, {
        serviceRequestId: `PA-${yymmdd(now)}-${String(n).padStart(4, '0')}`,
        token: randomBytes(16).toString('base64url'),
        idempotencyKey: input.idempotencyKey ?? null,
        placeId: places.place.id,
        placePath: places.place.path,
        communeId: places.commune.id,
        landmark: input.landmark ?? null,
        lat: input.lat ?? null,
        long: input.long ?? null,
        description: input.description,
        mediaUrl: input.mediaUrl ?? null,
        contactName: input.contactName ?? null,
        contactPhone: input.contactPhone ?? null,
        contactEmail: input.contactEmail ?? null,
        channel: door.channel,
        citizenId: ctx.actor.kind === 'citizen' ? ctx.actor.citizenId : null,
        filedByUserId: door.channel === 'counter' && ctx.actor.kind === 'staff' ? ctx.actor.userId : null,
        apiKeyId: door.apiKey?.id ?? null,
        ...cacheOf(stateFromActions([submit])),
        createdAt: now,
        updatedAt: now,
      });
      await q.insertAction(tx, {
        ...who,
        reportId: report.id,
        type: 'submit',
        at: now,
        details: submit.details,
      });
      if (door.channel === 'counter') {
        await recordAudit(tx, ctx.actor, ctx.meta, {
          action: 'feedback.counter',
          targetType: 'feedback',
          targetId: report.id,
          place: places.commune,
          details: { code: report.serviceRequestId },
        });
      }
      return report;
    });
    await ctx.events.emit('feedback.submitted', {
      reportId: report.id,
      code: report.serviceRequestId,
      communeId: report.communeId,
      handlingPlaceId: report.handlingPlaceId,
    });
    return { report, created: true };
  } catch (e) {
    // Two copies of one retried request raced; the other one made the report.
    if (input.idempotencyKey && isUniqueViolation(e)) {
      const existing = await q.findReportByIdempotencyKey(ctx.db, input.idempotencyKey);
      if (existing) return { report: existing, created: false };
    }
    throw e;
  }
}

export async function getReportByToken(db: Db, token: string) {
  const r = /^[A-Za-z0-9_-]{16,64}$/.test(token) ? await q.findReportByToken(db, token) : undefined;
  if (!r) throw reportNotFound();
  return r;
}

export async function findReportByCode(db: Db, code: string) {
  return q.findReportByCode(db, code);
}

export interface PhotoResult {
  added: number;
  problems: { filename: string; problem: PhotoProblem }[];
}

/**
 * Attach photos to a report. Each photo stands alone: one that is too big, not an image or cut off
 * by a dropped link is reported back and the others are kept; the same photo sent twice is kept once.
 */
export async function addPhotos(
  db: Db,
  deps: FeedbackDeps,
  report: Report,
  uploads: Upload[],
  addedBy: 'reporter' | 'staff' | 'open311',
): Promise<PhotoResult> {
  const result: PhotoResult = { added: 0, problems: [] };
  if (uploads.length === 0) return result;
  if (report.status === 'closed') {
    throw new Conflict({
      vi: 'Phản ánh đã đóng, không thể thêm ảnh.',
      en: 'The report is closed; no more photos can be added.',
    });
  }
  let count = (await q.listPhotos(db, report.id)).length;
  for (const upload of uploads) {
    if (count >= PHOTOS_PER_REPORT) {
      result.problems.push({ filename: upload.filename, problem: 'too-many' });
      continue;
    }
    const photo = await preparePhoto(upload);
    if (typeof photo === 'string') {
      result.problems.push({ filename: upload.filename, problem: photo });
      continue;
    }
    if (await q.findPhotoBySource(db, report.id, photo.sourceSha256)) continue;
    const file = await deps.files.save(Readable.from([photo.jpeg]), {
      originalName: `${report.serviceRequestId}-${count + 1}.jpg`,
      field: 'photos',
      allowed: ['image/jpeg'],
    });
    const row = await q.insertPhoto(db, {
      reportId: report.id,
      fileId: file.id,
      width: photo.width,
      height: photo.height,
      sourceSha256: photo.sourceSha256,
      addedBy,
    });
    if (row) {
      result.added++;
      count++;
    }
  }
  return result;
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
// Who sees and handles what

export type Staff = Extract<Actor, { kind: 'staff' }>;

/** Grants that see reports: a report routed to role R is seen by holders of R. */
export function queueScopes(actor: Actor): q.GrantScope[] {
  if (actor.kind !== 'staff') return [];
  return actor.grants.map((g) => ({ role: g.role, placePath: g.placePath }));
}

export function canSee(actor: Actor, report: Report) {
  return queueScopes(actor).some(
    (s) =>
      s.role === report.handlerRole &&
      (report.handlingPlacePath.startsWith(s.placePath) || report.placePath.startsWith(s.placePath)),
  );
}

export function canHandle(actor: Actor, report: Report) {
  return hasRole(actor, report.handlerRole, report.handlingPlacePath);
}

/** Staff with a role some category routes to: they get the feedback queue. */
export async function handlesFeedback(db: Db, actor: Actor) {
  if (actor.kind !== 'staff') return false;
  const roles = new Set((await q.listCategories(db)).map((c) => c.handlerRole));
  roles.add('feedback_handler');
  return actor.grants.some((g) => roles.has(g.role));
}

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
// Handling

export type HandlerCommand =
  | { type: 'acknowledge'; category?: string | undefined }
  | { type: 'assign'; assignee: 'me' | number }
  | { type: 'note'; body: string }
  | { type: 'reply'; body: string }
  | { type: 'merge'; into: string }
  | { type: 'publish'; description?: string | undefined; photos: boolean }
  | { type: 'close' }
  | { type: 'reopen'; body?: string | undefined };

const ACTION_NAMES: Record<ActionType, { vi: string; en: string }> = {
  submit: { vi: 'gửi', en: 'submit' },
  acknowledge: { vi: 'tiếp nhận', en: 'acknowledge' },
  assign: { vi: 'giao xử lý', en: 'assign' },
  note: { vi: 'ghi chú', en: 'add a note' },
  reply: { vi: 'trả lời', en: 'reply' },
  merge: { vi: 'gộp', en: 'merge' },
  publish: { vi: 'công khai', en: 'publish' },
  close: { vi: 'đóng', en: 'close' },
  reopen: { vi: 'mở lại', en: 'reopen' },
  rate: { vi: 'đánh giá', en: 'rate' },
  escalate: { vi: 'chuyển cấp', en: 'escalate' },
};

function notNow(type: ActionType) {
  return new Conflict({
    vi: `Không thể ${ACTION_NAMES[type].vi} phản ánh ở trạng thái hiện tại.`,
    en: `The report cannot ${ACTION_NAMES[type].en} in its current state.`,
  });
}

function vnDate(d: Date) {
  const [y, m, day] = toVietnamDate(d).split('-');
  return `${day}/${m}/${y}`;
}

/** Messages to the person who reported, if they left a phone number or an email address. */
function messagesToReporter(
  deps: FeedbackDeps,
  report: Report,
  type: 'acknowledge' | 'reply',
  actionId: number,
) {
  const link = privateLink(deps, report);
  const code = report.serviceRequestId;
  const text =
    type === 'acknowledge'
      ? `Xã Số: phản ánh ${code} đã được tiếp nhận, hạn trả lời ${vnDate(report.dueAt)}. Theo dõi: ${link}`
      : `Xã Số: phản ánh ${code} đã có trả lời. Xem và đánh giá: ${link}`;
  const subject =
    type === 'acknowledge' ? `Phản ánh ${code} đã được tiếp nhận` : `Phản ánh ${code} đã có trả lời`;
  const out: NewNotification[] = [];
  if (report.contactPhone) {
    out.push({
      channel: 'sms',
      recipient: report.contactPhone,
      body: text,
      template: `feedback.${type}`,
      dedupeKey: `feedback:${actionId}:sms`,
    });
  }
  if (report.contactEmail) {
    const body = type === 'reply' && report.publicReply ? `${text}\n\nTrả lời:\n${report.publicReply}` : text;
    out.push({
      channel: 'email',
      recipient: report.contactEmail,
      subject,
      body,
      template: `feedback.${type}`,
      dedupeKey: `feedback:${actionId}:email`,
    });
  }
  return out;
}

export async function handleReport(ctx: Ctx, deps: FeedbackDeps, id: number, cmd: HandlerCommand) {
  const staff = requireStaff(ctx.actor);
  const now = ctx.clock.now();
  let queued = 0;
  const result = await ctx.db.transaction(async (tx) => {
    const report = await q.lockReport(tx, id);
    if (!report || !canSee(staff, report)) throw reportNotFound();
    if (!canHandle(staff, report)) throw new Forbidden();
    const { state } = await stateOf(tx, id);
    if (!availableActions(state, 'handler', now).includes(cmd.type)) throw notNow(cmd.type);
    const who = actorOf(staff);
    let body: string | null = null;
    const details: Record<string, unknown> = {};
    switch (cmd.type) {
      case 'acknowledge': {
        if (cmd.category) {
          const category = await getCategory(tx, cmd.category, { activeOnly: true });
          if (category.id !== state.routing.categoryId) {
            // Triage: another category may mean another office and another deadline.
            const places = await resolvePlace(tx, (await findPlaceById(tx, report.placeId))?.code ?? '');
            details.routing = routeFor(category, places, report.createdAt);
          }
        }
        break;
      }
      case 'assign': {
        if (cmd.assignee === 'me') {
          details.userId = staff.userId;
          details.label = staff.displayName;
        } else {
          const target = (await listStaffFor(tx, report.handlerRole, report.handlingPlacePath)).find(
            (h) => h.userId === cmd.assignee,
          );
          if (!target) {
            throw new Invalid([
              {
                field: 'assignee',
                vi: 'Người này không xử lý phản ánh ở địa bàn này.',
                en: 'This person does not handle feedback here.',
              },
            ]);
          }
          details.userId = target.userId;
          details.label = target.displayName;
        }
        break;
      }
      case 'note':
      case 'reply':
        body = cmd.body;
        break;
      case 'reopen':
        body = cmd.body ?? null;
        details.routing = { ...state.routing, dueAt: await newDueAt(tx, state.routing, now) };
        break;
      case 'merge': {
        const target = await q.findReportByCode(tx, cmd.into);
        const fail = (vi: string, en: string) => new Invalid([{ field: 'into', vi, en }]);
        if (!target || !canHandle(staff, target))
          throw fail(
            'Không tìm thấy phản ánh đó trong phạm vi của bạn.',
            'No such report within your scope.',
          );
        if (target.id === report.id)
          throw fail('Không thể gộp phản ánh vào chính nó.', 'A report cannot be merged into itself.');
        if (target.mergedIntoId !== null || target.status === 'closed') {
          throw fail('Phản ánh đích đã đóng hoặc đã được gộp.', 'The target report is closed or merged.');
        }
        details.into = target.id;
        details.intoCode = target.serviceRequestId;
        break;
      }
      case 'publish':
        if (cmd.description && cmd.description !== report.description) details.description = cmd.description;
        details.photos = cmd.photos;
        break;
      case 'close':
        break;
    }
    const done = await append(tx, report, { type: cmd.type, at: now, ...who, body, details });
    if (cmd.type === 'acknowledge' || cmd.type === 'reply') {
      for (const m of messagesToReporter(deps, done.report, cmd.type, done.action.id)) {
        if (await enqueue(tx, m)) queued++;
      }
    }
    await recordAudit(tx, ctx.actor, ctx.meta, {
      action: `feedback.${cmd.type}`,
      targetType: 'feedback',
      targetId: id,
      place: { id: done.report.handlingPlaceId, path: done.report.handlingPlacePath },
      details: { code: report.serviceRequestId, ...(cmd.type === 'merge' ? { into: details.intoCode } : {}) },
    });
    return done;
  });
  if (queued) await ctx.events.emit('notifications.queued', {});
  if (cmd.type === 'reply') {
    await ctx.events.emit('feedback.answered', { reportId: id, code: result.report.serviceRequestId });
  }
  return result.report;
}

async function newDueAt(db: Db, routing: Routing, from: Date) {
  const [category] = await q.findCategoriesByIds(db, [routing.categoryId]);
  return addWorkingDays(from, category?.deadlineDays ?? 10, CALENDAR).toISOString();
}

// ---------------------------------------------------------------------------------------------
// The reporter, holding the private link

export type ReporterCommand = { type: 'rate'; rating: number } | { type: 'reopen'; body: string };

export function reporterActions(state: DerivedState, now: Date) {
  return availableActions(state, 'reporter', now);
}

export async function actAsReporter(ctx: Ctx, token: string, cmd: ReporterCommand) {
  const found = await getReportByToken(ctx.db, token);
  const now = ctx.clock.now();
  return ctx.db.transaction(async (tx) => {
    const report = await q.lockReport(tx, found.id);
    if (!report) throw reportNotFound();
    const { state } = await stateOf(tx, report.id);
    if (!availableActions(state, 'reporter', now).includes(cmd.type)) throw notNow(cmd.type);
    const who =
      ctx.actor.kind === 'citizen'
        ? actorOf(ctx.actor)
        : { actorKind: 'reporter' as const, actorUserId: null, actorLabel: 'reporter' };
    const done =
      cmd.type === 'rate'
        ? await append(tx, report, { type: 'rate', at: now, ...who, details: { rating: cmd.rating } })
        : await append(tx, report, {
            type: 'reopen',
            at: now,
            ...who,
            body: cmd.body,
            details: { routing: { ...state.routing, dueAt: await newDueAt(tx, state.routing, now) } },
          });
    return done.report;
  });
}

/** What the reporter's private page shows: the steps and public replies, never internal notes. */
export function publicTimeline(log: q.ActionRow[]) {
  return log
    .filter((a) => a.type !== 'note' && a.type !== 'assign')
    .map((a) => ({
      type: a.type,
      at: a.at,
      body: a.type === 'reply' || (a.type === 'reopen' && a.actorKind !== 'staff') ? a.body : null,
      rating: a.type === 'rate' ? (a.details.rating as number) : null,
      intoCode: a.type === 'merge' ? (a.details.intoCode as string) : null,
    }));
}

// ---------------------------------------------------------------------------------------------
// Escalation

/**
 * Reports past their deadline at the commune go to the province, with a new deadline and a message
 * to both offices' notification addresses. Safe to run from several instances at once: each report
 * is locked and re-checked before it moves.
 */
export async function escalateOverdue(db: Db, events: Events, clock: Clock, batch = 100): Promise<string[]> {
  const now = clock.now();
  const escalated: { id: number; code: string; from: number; to: number }[] = [];
  let queued = 0;
  for (const { id } of await q.listOverdue(db, now, batch)) {
    await db.transaction(async (tx) => {
      const report = await q.lockReport(tx, id);
      if (!report || report.dueAt.getTime() >= now.getTime()) return;
      const { state } = await stateOf(tx, id);
      if (!availableActions(state, 'system', now).includes('escalate')) return;
      const commune = await findPlaceById(tx, report.communeId);
      const province = commune?.parentId ? await findPlaceById(tx, commune.parentId) : undefined;
      if (!commune || !province) return;
      const routing: Routing = {
        ...state.routing,
        level: 'province',
        placeId: province.id,
        placePath: province.path,
        dueAt: await newDueAt(tx, state.routing, now),
      };
      const done = await append(tx, report, {
        type: 'escalate',
        at: now,
        actorKind: 'system',
        actorLabel: 'system',
        details: {
          routing,
          from: { placeId: state.routing.placeId, level: state.routing.level, dueAt: state.routing.dueAt },
        },
      });
      const [category] = await q.findCategoriesByIds(tx, [state.routing.categoryId]);
      const text = `Xã Số: phản ánh ${report.serviceRequestId} (${category?.nameVi ?? ''}) quá hạn ở ${commune.fullName}, đã chuyển lên ${province.fullName}, hạn mới ${vnDate(done.report.dueAt)}.`;
      for (const c of await q.listContactsAt(tx, [commune.id, province.id])) {
        const ok = await enqueue(tx, {
          channel: c.channel,
          recipient: c.recipient,
          body: text,
          ...(c.channel === 'email'
            ? { subject: `Phản ánh ${report.serviceRequestId} quá hạn, đã chuyển cấp` }
            : {}),
          template: 'feedback.escalated',
          dedupeKey: `feedback:${done.action.id}:${c.id}`,
        });
        if (ok) queued++;
      }
      escalated.push({ id, code: report.serviceRequestId, from: commune.id, to: province.id });
    });
  }
  if (queued) await events.emit('notifications.queued', {});
  for (const e of escalated) {
    await events.emit('feedback.escalated', {
      reportId: e.id,
      code: e.code,
      fromPlaceId: e.from,
      toPlaceId: e.to,
    });
  }
  return escalated.map((e) => e.code);
}

// ---------------------------------------------------------------------------------------------
// Names for display

export async function placeNames(db: Db, ids: number[]) {
  const rows = await findPlacesByIds(db, [...new Set(ids)]);
  return new Map(rows.map((p) => [p.id, p]));
}

export async function categoriesById(db: Db) {
  return new Map((await q.listCategories(db)).map((c) => [c.id, c]));
}
