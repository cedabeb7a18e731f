import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { recordAudit } from '#modules/audit/index.ts';
import { provinceCalendar, toVietnamDate } from '#modules/calendar/index.ts';
import { findDossierRecord } from '#modules/dossiers/index.ts';
import type { Ctx } from '#platform/context.ts';
import { type Db, isUniqueViolation } from '#platform/db/client.ts';
import { Conflict, Forbidden, Invalid } from '#platform/errors.ts';
import { PHOTOS_PER_REPORT, type PhotoProblem, preparePhoto, type Upload } from './feedback.photos.ts';
import * as q from './feedback.queries.ts';
import { getCategory, resolvePlace, routeFor } from './feedback.routing.ts';
import type { NewReport } from './feedback.schemas.ts';
import { actorOf, cacheOf, type FeedbackDeps, type Report } from './feedback.service.ts';
import { type Action, stateFromActions } from './feedback.workflow.ts';

// Making a report (web form, counter, Open311) and attaching its photos.

export interface Door {
  channel: 'web' | 'counter' | 'open311';
  apiKey?: q.ApiKeyRow;
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
  const dossierCode = input.dossierCode ? await complainedDossier(ctx.db, input) : null;
  if (door.apiKey && !places.place.path.startsWith(door.apiKey.placePath)) {
    throw new Forbidden({
      vi: 'Khóa API này không được gửi phản ánh cho địa bàn đó.',
      en: 'This API key may not post reports for that place.',
    });
  }
  const now = ctx.clock.now();
  const routing = routeFor(category, places, now, await provinceCalendar(ctx.db, places.province));
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
        communePath: places.commune.path,
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
        dossierCode,
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

/**
 * The dossier a complaint is about, named by its code: accepted only from its applicant, whose
 * contact phone must be the one the dossier was filed with (anyone else could lower a commune's
 * index by naming its dossiers). The answer does not say which of the two did not match.
 */
async function complainedDossier(db: Db, input: NewReport): Promise<string> {
  const code = input.dossierCode?.trim().toUpperCase() ?? '';
  const d = code ? await findDossierRecord(db, { code }) : undefined;
  if (!d || !input.contactPhone || d.applicant.phone !== input.contactPhone) {
    throw new Invalid([
      {
        field: 'dossierCode',
        vi: 'Không có hồ sơ mang mã này được nộp bằng số điện thoại liên hệ đã nhập. Nhập đúng mã hồ sơ và số điện thoại đã dùng khi nộp hồ sơ.',
        en: 'No dossier with this code was filed with the contact phone given. Enter the dossier code and the phone used to file it.',
      },
    ]);
  }
  return d.code;
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
