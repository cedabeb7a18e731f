import { createHash, randomBytes, randomInt, randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import sharp from 'sharp';
import { z } from 'zod';
import { recordAudit } from '#modules/audit/index.ts';
import { type DossierDeps, submitDossier } from '#modules/dossiers/index.ts';
import { enqueue } from '#modules/notifications/index.ts';
import { findPlaceById } from '#modules/places/index.ts';
import { getProcedure, listProcedures } from '#modules/procedures/index.ts';
import { requireRole, requireStaff } from '#platform/auth/actor.ts';
import type { Ctx } from '#platform/context.ts';
import type { Db } from '#platform/db/client.ts';
import { AppError, Conflict, Forbidden, Invalid, NotFound, TooManyRequests } from '#platform/errors.ts';
import type { RateLimiter } from '#platform/rate-limit.ts';
import type { FileService } from '#platform/storage/index.ts';
import { msg, parse, phoneSchema } from '#platform/validation.ts';
import { FIELD_ROLES, requireRegister } from './fieldkit.access.ts';
import * as q from './fieldkit.queries.ts';
import type { CommandSource } from './households.service.ts';
import { getHamlet, getHousehold } from './households.service.ts';

/** What assisted filing needs beyond the request's context. */
export interface AssistDeps {
  files: FileService;
  limiter: RateLimiter;
  pepper: string;
  dossiers: DossierDeps;
}

// ---------------------------------------------------------------------------------------------
// The procedures the kit carries offline

export interface KitProcedure {
  code: string;
  name: { vi: string; en?: string | undefined };
  field: string;
  days: number;
  documents: {
    id: string;
    name: { vi: string; en?: string | undefined };
    mandatory: boolean;
    count: number;
  }[];
  form: unknown[];
}

/** At most this many procedures travel in the kit: the commune's own (decision 025). */
export const MAX_KIT_PROCEDURES = 60;

let catalogueCache: { at: number; value: { version: string; procedures: KitProcedure[] } } | undefined;

/**
 * The commune-level procedures with what filing needs (e-form, documents), for the kit to keep
 * offline. Its version is a hash of the content, so a kit fetches it again only when it changed.
 */
export async function kitCatalogue(db: Db) {
  if (catalogueCache && Date.now() - catalogueCache.at < 60_000) return catalogueCache.value;
  const summaries = await listProcedures(db, {});
  const procedures: KitProcedure[] = [];
  for (const s of summaries) {
    if (procedures.length >= MAX_KIT_PROCEDURES) break;
    const p = await getProcedure(db, s.code);
    if (p.competentLevel !== 'commune') continue;
    procedures.push({
      code: p.code,
      name: p.name,
      field: p.field,
      days: p.days,
      documents: p.documents.map((d) => ({ id: d.id, name: d.name, mandatory: d.mandatory, count: d.count })),
      form: p.form,
    });
  }
  const version = createHash('sha256').update(JSON.stringify(procedures)).digest('hex').slice(0, 12);
  catalogueCache = { at: Date.now(), value: { version, procedures } };
  return catalogueCache.value;
}

// ---------------------------------------------------------------------------------------------
// Consent by a one-time code sent to the citizen's phone (online only)

const CODE_TTL_MS = 10 * 60_000;
const CODE_TRIES = 5;
const hashOf = (deps: AssistDeps, phone: string, code: string) =>
  createHash('sha256').update(`${deps.pepper}:consent:${phone}:${code}`).digest('hex');

export const ConsentRequest = z.object({ phone: phoneSchema });
export const ConsentVerify = z.object({
  phone: phoneSchema,
  code: z
    .string()
    .trim()
    .regex(/^\d{6}$/, msg('Mã gồm 6 chữ số.', 'The code has 6 digits.')),
});

/** A member asks that a code be sent to the citizen; the citizen reads it back to agree. */
export async function requestConsentCode(ctx: Ctx, deps: AssistDeps, input: unknown) {
  const staff = requireStaff(ctx.actor);
  const field = staff.grants.find((g) => FIELD_ROLES.includes(g.role));
  if (!field) throw new Forbidden();
  const { phone } = parse(ConsentRequest, input);
  const limit = await deps.limiter.allowAll([
    { key: `fieldkit:consent:${phone}`, max: 3, windowMs: 15 * 60_000 },
    { key: `fieldkit:consent-member:${staff.userId}`, max: 30, windowMs: 60 * 60_000 },
  ]);
  if (!limit.allowed) throw new TooManyRequests(limit.retryAfterSeconds);
  const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
  const now = ctx.clock.now();
  await ctx.db.transaction(async (tx) => {
    const id = await q.insertConsentCode(tx, {
      phone,
      codeHash: hashOf(deps, phone, code),
      memberId: staff.userId,
      expiresAt: new Date(now.getTime() + CODE_TTL_MS),
      createdAt: now,
    });
    await enqueue(tx, {
      channel: 'sms',
      recipient: phone,
      body: `Ma dong y ${code}: ${staff.displayName} (to cong nghe so) de nghi nop ho so thay ban. Chi doc ma nay neu ban dong y.`,
      template: 'fieldkit.consent',
      dedupeKey: `fieldkit-consent:${id}`,
      // The member's hamlet: the development outbox shows it to that commune's admins.
      placePath: field.placePath,
    });
  });
  await ctx.events.emit('notifications.queued', {});
  return { expiresAt: new Date(now.getTime() + CODE_TTL_MS).toISOString() };
}

/** The code the citizen read back: a token the assisted filing carries as its proof of consent. */
export async function verifyConsentCode(ctx: Ctx, deps: AssistDeps, input: unknown) {
  const staff = requireStaff(ctx.actor);
  const { phone, code } = parse(ConsentVerify, input);
  const now = ctx.clock.now();
  return ctx.db.transaction(async (tx) => {
    const row = await q.latestConsentCode(tx, phone, staff.userId);
    const wrong = () =>
      new Invalid([{ field: 'code', vi: 'Mã không đúng hoặc đã hết hạn.', en: 'Wrong or expired code.' }]);
    if (!row || row.verifiedAt || row.expiresAt <= now || row.attempts >= CODE_TRIES) throw wrong();
    if (row.codeHash !== hashOf(deps, phone, code)) {
      await q.countConsentTry(tx, row.id);
      throw wrong();
    }
    const token = randomBytes(16).toString('hex');
    await q.verifyConsentCode(tx, row.id, token, now);
    return { token };
  });
}

// ---------------------------------------------------------------------------------------------
// Photographed papers: resumable uploads

/** A photographed page, resized on the phone: well under this. */
export const MAX_UPLOAD_BYTES = 400_000;
const IMAGE_TYPES = ['image/jpeg', 'image/png', 'image/webp'] as const;

export interface UploadState {
  id: string;
  received: number;
  total: number;
  complete: boolean;
}

class UploadGap extends Conflict {
  constructor(readonly received: number) {
    super({
      vi: 'Phần tải lên không liền mạch.',
      en: `Upload out of order: ${received} bytes received so far.`,
    });
  }
}

export { UploadGap };

/**
 * One piece of an upload at `offset`. A piece already received (a resend after a cut) adds only
 * what is new; a piece beyond what was received is refused with the received length, and the
 * kit resumes from there. When the last byte arrives the file is checked (real type) and stored.
 */
export async function receiveUpload(
  ctx: Ctx,
  deps: AssistDeps,
  input: { id: string; offset: number; total: number; bytes: Buffer; name: string },
): Promise<UploadState> {
  const staff = requireStaff(ctx.actor);
  if (input.total < 1 || input.total > MAX_UPLOAD_BYTES) {
    throw new Invalid([
      {
        field: 'total',
        vi: `Ảnh quá lớn (tối đa ${MAX_UPLOAD_BYTES / 1000} KB); hãy chụp lại.`,
        en: `The photo is too big (${MAX_UPLOAD_BYTES / 1000} KB at most); take it again.`,
      },
    ]);
  }
  const state = await ctx.db.transaction(async (tx) => {
    const row = await q.lockUpload(tx, { id: input.id, memberId: staff.userId, total: input.total });
    if (row.memberId !== staff.userId || row.totalBytes !== input.total) throw new NotFound();
    const received = row.received.length;
    if (row.fileId || received >= row.totalBytes) return { row, complete: true };
    if (input.offset > received) throw new UploadGap(received);
    const fresh = input.bytes.subarray(received - input.offset);
    const room = row.totalBytes - received;
    if (fresh.length > room) {
      throw new Invalid([
        { field: 'offset', vi: 'Dữ liệu vượt quá kích thước ảnh.', en: 'More bytes than the photo has.' },
      ]);
    }
    const updated = fresh.length ? await q.appendUpload(tx, row.id, fresh) : row;
    return { row: updated, complete: updated.received.length === updated.totalBytes };
  });
  let fileId = state.row.fileId;
  if (state.complete && !fileId) {
    const stored = await deps.files.save(Readable.from([Buffer.from(state.row.received)]), {
      originalName: input.name.slice(0, 100) || 'anh.jpg',
      field: 'photo',
      allowed: IMAGE_TYPES,
      maxBytes: MAX_UPLOAD_BYTES,
    });
    fileId = stored.id;
    await q.finishUpload(ctx.db, state.row.id, fileId);
  }
  return {
    id: input.id,
    received: fileId ? state.row.totalBytes : state.row.received.length,
    total: state.row.totalBytes,
    complete: Boolean(fileId),
  };
}

export async function uploadState(ctx: Ctx, id: string): Promise<UploadState> {
  const staff = requireStaff(ctx.actor);
  const row = await q.findUpload(ctx.db, id);
  if (!row || row.memberId !== staff.userId) return { id, received: 0, total: 0, complete: false };
  return {
    id,
    received: row.fileId ? row.totalBytes : row.received.length,
    total: row.totalBytes,
    complete: Boolean(row.fileId),
  };
}

/**
 * A photo taken without the kit (a page without JavaScript posts the camera's file): shrunk here as
 * the kit would on the phone (grey, at most 1,600 px, JPEG), stored, and registered as a complete
 * upload the filing can name.
 */
export async function storePhoto(ctx: Ctx, deps: AssistDeps, bytes: Buffer, name: string): Promise<string> {
  const staff = requireStaff(ctx.actor);
  let jpeg: Buffer;
  try {
    jpeg = await sharp(bytes, { limitInputPixels: 50_000_000, failOn: 'error' })
      .rotate()
      .resize(1600, 1600, { fit: 'inside', withoutEnlargement: true })
      .grayscale()
      .jpeg({ quality: 60, mozjpeg: true })
      .toBuffer();
  } catch {
    throw new Invalid([
      {
        field: 'files',
        vi: 'Không đọc được ảnh; hãy chụp lại.',
        en: 'The photo cannot be read; take it again.',
      },
    ]);
  }
  const stored = await deps.files.save(Readable.from([jpeg]), {
    originalName: name.slice(0, 100) || 'anh.jpg',
    field: 'photo',
    allowed: IMAGE_TYPES,
    maxBytes: MAX_UPLOAD_BYTES,
  });
  const id = randomUUID();
  await q.storedUpload(ctx.db, { id, memberId: staff.userId, total: jpeg.length, fileId: stored.id });
  return id;
}

// ---------------------------------------------------------------------------------------------
// The filing

/** A photo named by a filing is not all there yet: the push fails and the kit uploads again. */
export class UploadPending extends AppError {
  constructor() {
    super(503, 'upload-pending', {
      vi: 'Ảnh giấy tờ chưa tải lên xong; sẽ gửi lại.',
      en: 'A photographed paper is not fully uploaded yet; it will be sent again.',
    });
  }
}

export const AssistData = z.object({
  id: z.uuid(),
  householdId: z.uuid(),
  procedureCode: z.string().trim().max(40),
  applicant: z.record(z.string(), z.unknown()),
  form: z.record(z.string(), z.unknown()),
  files: z.array(z.object({ documentId: z.string().max(40), uploadId: z.uuid() })).max(40),
  consent: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('paper'), uploadId: z.uuid() }),
    z.object({ kind: z.literal('otp'), token: z.string().max(100) }),
  ]),
});
export type AssistData = z.infer<typeof AssistData>;

async function fileOf(db: Db, uploadId: string, memberId: number) {
  const u = await q.findUpload(db, uploadId);
  if (!u || u.memberId !== memberId) {
    throw new Invalid([
      { field: 'files', vi: 'Không tìm thấy ảnh đã chụp.', en: 'The photo was not found.' },
    ]);
  }
  if (!u.fileId) throw new UploadPending();
  return u.fileId;
}

/**
 * A member files a dossier for someone of a household in their hamlet, with the person's consent:
 * the dossiers module files it like any other (same code, SMS, tracking), marked assisted, helped
 * by the member at the hamlet; the team keeps its own record for the dashboards.
 */
export async function fileAssisted(ctx: Ctx, deps: AssistDeps, data: AssistData, source?: CommandSource) {
  const staff = requireStaff(ctx.actor);
  const household = await getHousehold(ctx, data.householdId);
  const hamlet = await getHamlet(ctx.db, household.hamletId);
  requireRole(ctx.actor, FIELD_ROLES, hamlet.path);
  requireRegister(ctx.actor, hamlet.path);
  const commune = hamlet.parentId ? await findPlaceById(ctx.db, hamlet.parentId) : undefined;
  if (!commune) throw new NotFound();
  let consentFileId: string | null = null;
  if (data.consent.kind === 'paper') {
    consentFileId = await fileOf(ctx.db, data.consent.uploadId, staff.userId);
  } else {
    const used = await q.useConsentToken(ctx.db, data.consent.token, staff.userId, ctx.clock.now());
    const phone = String(data.applicant.phone ?? '')
      .replace(/[\s.-]/g, '')
      .replace(/^(\+?84)/, '0');
    if (!used || used.phone !== phone) {
      throw new Invalid([
        {
          field: 'consent',
          vi: 'Mã đồng ý không hợp lệ cho số điện thoại này.',
          en: 'The consent code does not match this phone number.',
        },
      ]);
    }
  }
  const files = [];
  for (const f of data.files)
    files.push({ documentId: f.documentId, fileId: await fileOf(ctx.db, f.uploadId, staff.userId) });
  const { dossier } = await submitDossier(ctx, deps.dossiers, {
    procedureCode: data.procedureCode,
    unitCode: commune.code,
    applicant: data.applicant,
    form: data.form,
    files,
    idempotencyKey: `fieldkit-${data.id}`,
    channel: 2,
    helpedPlaceCode: hamlet.code,
    assisted: true,
  });
  await q.insertAssisted(ctx.db, {
    id: data.id,
    householdId: household.id,
    hamletId: hamlet.id,
    hamletPath: hamlet.path,
    memberId: staff.userId,
    memberName: staff.displayName,
    procedureCode: data.procedureCode,
    dossierCode: dossier.code,
    consentKind: data.consent.kind,
    consentFileId,
    createdAt: ctx.clock.now(),
    filedAt: ctx.clock.now(),
  });
  await recordAudit(ctx.db, ctx.actor, ctx.meta, {
    action: 'fieldkit.assisted.file',
    targetType: 'dossier',
    targetId: dossier.code,
    place: hamlet,
    details: { household: household.id, consent: data.consent.kind, ...(source ?? {}) },
  });
  return { code: dossier.code };
}
