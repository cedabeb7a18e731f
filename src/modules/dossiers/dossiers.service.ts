import { sql } from 'drizzle-orm';
import { recordAudit } from '#modules/audit/index.ts';
import {
  type CalendarConfig,
  checkYearOverride,
  createCalendar,
  toVietnamDate,
  type WorkingCalendar,
  type YearOverride,
} from '#modules/calendar/index.ts';
import { enqueue, enqueueStatement } from '#modules/notifications/index.ts';
import { findPlaceById, getPlaceByCode, type Place } from '#modules/places/index.ts';
import { type Actor, hasRole, requireStaff, scopeOf } from '#platform/auth/actor.ts';
import type { Ctx } from '#platform/context.ts';
import { type Db, isUniqueViolation } from '#platform/db/client.ts';
import { Conflict, type FieldError, Forbidden, Invalid, NotFound, Unauthorized } from '#platform/errors.ts';
import type { RateLimiter } from '#platform/rate-limit.ts';
import type { StoredBlob } from '#platform/storage/index.ts';
import { fieldErrors } from '#platform/validation.ts';
import { dbCache, SETTINGS_TTL_MS } from './dossiers.cache.ts';
import { dueAt } from './dossiers.clock.ts';
import {
  currentProcedure,
  eFormSchema,
  type ProcedureDefinition,
  procedureOf,
} from './dossiers.procedure.ts';
import * as q from './dossiers.queries.ts';
import {
  type ActionInput,
  Applicant,
  type Channel,
  type OverrideInput,
  type SmsTemplateKey,
} from './dossiers.schemas.ts';
import { CODE_MARK, DEFAULT_TEMPLATES, renderTemplate, templateFor } from './dossiers.sms.ts';
import type { ActionRow, DossierRow, StoredPayload } from './dossiers.tables.ts';
import {
  type ActionType,
  availableActions,
  type DossierState,
  type LoggedAction,
  mayView,
  type NationalStatus,
  nextState,
  RULES,
  type Step,
  statusFromActions,
  type WorkflowActor,
  workflowActor,
} from './dossiers.workflow.ts';

/** What the use cases need beyond the request context. */
export interface DossierDeps {
  limiter: RateLimiter;
  /** The site's public address, for tracking links in messages. */
  publicUrl: string;
}

const notFound = () => new NotFound({ vi: 'Không tìm thấy hồ sơ này.', en: 'No such dossier.' });

export const TRACK_LIMITS = {
  perIp: { max: 60, windowMs: 15 * 60_000 },
  perCode: { max: 30, windowMs: 60 * 60_000 },
};

// ---------------------------------------------------------------------------------------------
// Calendar

const calendars = dbCache<WorkingCalendar>(SETTINGS_TTL_MS);
const agencyCodes = dbCache<string>(SETTINGS_TTL_MS);
const placesByCode = dbCache<Place>(60_000);
const procedures = dbCache<Awaited<ReturnType<typeof currentProcedure>>>(SETTINGS_TTL_MS);
/** Procedure snapshots known to be stored (rows never change once written). */
const savedSnapshots = new WeakMap<object, Set<string>>();

/** The working calendar with the year overrides administrators have entered. */
export async function loadCalendar(db: Db): Promise<WorkingCalendar> {
  return calendars.get(db, 'calendar', async () => {
    const rows = await q.listOverrides(db);
    const config: CalendarConfig = { overrides: rows.map((r) => r.override as YearOverride) };
    return createCalendar(config);
  });
}

/** A place by code, remembered for a minute (units change a few times a decade). */
function placeByCode(db: Db, code: string): Promise<Place> {
  return placesByCode.get(db, code, () => getPlaceByCode(db, code));
}

/** Province-wide settings (holidays, SMS texts) belong to admins at province level or above. */
export function requireProvinceAdmin(actor: Actor) {
  const staff = requireStaff(actor);
  const ok = scopeOf(staff, 'admin').some((p) => p.split('/').filter(Boolean).length <= 2);
  if (!ok) throw new Forbidden();
  return staff;
}

export async function listCalendarOverrides(ctx: Ctx) {
  requireProvinceAdmin(ctx.actor);
  return (await q.listOverrides(ctx.db)).map((r) => r.override as YearOverride);
}

export async function saveCalendarOverride(ctx: Ctx, input: OverrideInput) {
  const admin = requireProvinceAdmin(ctx.actor);
  const override: YearOverride = {
    year: input.year,
    ...(input.replace?.length ? { replace: input.replace } : {}),
    ...(input.add.length ? { add: input.add } : {}),
    ...(input.remove.length ? { remove: input.remove } : {}),
    ...(input.workingDays.length ? { workingDays: input.workingDays } : {}),
    ...(input.note ? { note: input.note } : {}),
  };
  try {
    checkYearOverride(override);
  } catch (e) {
    throw new Invalid([
      {
        field: 'add',
        vi: `Lịch năm ${input.year} không hợp lệ: ${(e as Error).message}`,
        en: `The ${input.year} calendar is not valid: ${(e as Error).message}`,
      },
    ]);
  }
  const empty = Object.keys(override).length === 1;
  await ctx.db.transaction(async (tx) => {
    if (empty) await q.deleteOverride(tx, input.year);
    else await q.upsertOverride(tx, input.year, override, admin.userId);
    calendars.clear(ctx.db);
    await recordAudit(tx, ctx.actor, ctx.meta, {
      action: 'dossiers.calendar.override',
      targetType: 'calendar-year',
      targetId: input.year,
      details: { override },
    });
  });
  return override;
}

// ---------------------------------------------------------------------------------------------
// Agency codes and dossier codes

function pathIds(path: string): number[] {
  return path.split('/').filter(Boolean).map(Number);
}

/** The province (or the place itself, for a province) holding `place`. */
async function provinceOf(db: Db, place: Place): Promise<Place> {
  if (place.level === 'province') return place;
  const id = pathIds(place.path)[1];
  const province = id ? await findPlaceById(db, id) : undefined;
  if (!province) throw new Error(`no province above ${place.code}`);
  return province;
}

/** The code on dossiers received by `place`: set by an admin, or '{province code}.{commune code}'. */
export async function agencyCodeOf(db: Db, place: Place): Promise<string> {
  return agencyCodes.get(db, String(place.id), async () => {
    const set = await q.findAgencyCode(db, place.id);
    if (set) return set;
    if (place.level === 'province') return place.code;
    return `${(await provinceOf(db, place)).code}.${place.code}`;
  });
}

export async function setAgencyCode(ctx: Ctx, placeCode: string, agencyCode: string) {
  const place = await getPlaceByCode(ctx.db, placeCode);
  const staff = requireStaff(ctx.actor);
  if (!hasRole(staff, 'admin', place.path)) throw new Forbidden();
  await ctx.db.transaction(async (tx) => {
    try {
      await q.upsertAgencyCode(tx, place.id, agencyCode, staff.userId);
      agencyCodes.clear(ctx.db);
    } catch (e) {
      if (isUniqueViolation(e)) {
        throw new Conflict({
          vi: `Mã đơn vị ${agencyCode} đã được dùng cho đơn vị khác.`,
          en: `Agency code ${agencyCode} is used by another unit.`,
        });
      }
      throw e;
    }
    await recordAudit(tx, ctx.actor, ctx.meta, {
      action: 'dossiers.agency-code.set',
      targetType: 'place',
      targetId: place.id,
      place,
      details: { agencyCode },
    });
  });
}

export async function listAgencyCodes(ctx: Ctx) {
  requireStaff(ctx.actor);
  return q.listAgencyCodes(ctx.db);
}

/** 'yymmdd' of an instant in Vietnam. */
function yymmdd(at: Date) {
  return toVietnamDate(at).slice(2).replaceAll('-', '');
}

// ---------------------------------------------------------------------------------------------
// Submission

export interface DocumentFile {
  documentId: string;
  fileId: string;
  /**
   * Stored by this very request: known to exist and to belong to no dossier yet. A new dossier
   * writes its `files` row, if not there yet, in the dossier's statement.
   */
  stored?: StoredBlob | undefined;
}

/** Who may file "assisted" for someone: the desk, and the hamlet's community digital team. */
const ASSISTING_ROLES = ['receptionist', 'community_digital_member', 'community_digital_leader'] as const;

export interface SubmitInput {
  procedureCode: string;
  /** The commune the applicant files with (or whose province decides, for province procedures). */
  unitCode: string;
  applicant: unknown;
  form: unknown;
  files: DocumentFile[];
  idempotencyKey?: string | undefined;
  /** Staff filing at a counter or for a community team: the channel and where they helped. */
  channel?: Channel | undefined;
  helpedPlaceCode?: string | undefined;
  /** Filed for the applicant by a community digital team member (the fieldkit module). */
  assisted?: boolean | undefined;
  receiveNow?: boolean | undefined;
  /** Upload problems found while storing the files (wrong type, too big), shown with the rest. */
  uploadErrors?: FieldError[] | undefined;
}

export interface CheckedSubmission {
  procedure: ProcedureDefinition;
  version: string;
  unit: Place;
  applicant: Applicant;
  form: Record<string, unknown>;
  files: (DocumentFile & { name: string; sizeBytes: number; mimeType: string })[];
}

/**
 * Everything a submission must satisfy, checked at once so the form shows every problem together:
 * the applicant, the procedure's e-form (with the schema built from its definition), every
 * mandatory document, and files that exist and belong to no other dossier.
 */
export async function checkSubmission(ctx: Ctx, input: SubmitInput): Promise<CheckedSubmission> {
  const errors: FieldError[] = [...(input.uploadErrors ?? [])];
  let procedure: ProcedureDefinition;
  let version: string;
  try {
    // The catalogue changes rarely; a submission may see an edit up to SETTINGS_TTL_MS late, and records
    // the version it used.
    ({ definition: procedure, version } = await procedures.get(ctx.db, input.procedureCode, () =>
      currentProcedure(ctx.db, input.procedureCode),
    ));
  } catch (e) {
    if (e instanceof NotFound) {
      throw new Invalid([
        {
          field: 'procedureCode',
          vi: `Không có thủ tục mã "${input.procedureCode}".`,
          en: `There is no procedure with code "${input.procedureCode}".`,
        },
      ]);
    }
    throw e;
  }
  const unit = await resolveUnit(ctx.db, input.unitCode, procedure, errors);

  const applicant = Applicant.safeParse(input.applicant ?? {});
  if (!applicant.success) {
    errors.push(...fieldErrors(applicant.error).map((f) => ({ ...f, field: `applicant.${f.field}` })));
  }
  const form = eFormSchema(procedure.form).safeParse(input.form ?? {});
  if (!form.success) errors.push(...fieldErrors(form.error).map((f) => ({ ...f, field: `form.${f.field}` })));

  const known = new Set(procedure.documents.map((d) => d.id));
  const files = input.files.filter((f) => known.has(f.documentId));
  // Files kept from an earlier attempt are looked up; those stored by this request are known.
  const earlier = files.filter((f) => !f.stored).map((f) => f.fileId);
  const byId = new Map<string, Omit<q.FileMeta, 'id'>>(
    (await q.findFiles(ctx.db, earlier)).map((m) => [m.id, m]),
  );
  for (const f of files) if (f.stored) byId.set(f.fileId, { ...f.stored, dossierId: null });
  const usable: CheckedSubmission['files'] = [];
  for (const f of files) {
    const m = byId.get(f.fileId);
    if (!m || m.dossierId !== null) {
      errors.push({
        field: `doc.${f.documentId}`,
        vi: 'Tệp này đã thuộc một hồ sơ khác hoặc không còn; vui lòng tải lên lại.',
        en: 'This file belongs to another dossier or is gone; please upload it again.',
      });
      continue;
    }
    usable.push({ ...f, name: m.originalName, sizeBytes: m.sizeBytes, mimeType: m.mimeType });
  }
  for (const d of procedure.documents) {
    const field = `doc.${d.id}`;
    if (d.mandatory && !usable.some((f) => f.documentId === d.id) && !errors.some((e) => e.field === field)) {
      errors.push({ field, vi: `Cần nộp: ${d.name.vi}.`, en: `Required: ${d.name.en ?? d.name.vi}.` });
    }
  }
  if (errors.length || !applicant.success || !form.success || !unit) throw new Invalid(errors);
  return { procedure, version, unit, applicant: applicant.data, form: form.data, files: usable };
}

async function resolveUnit(
  db: Db,
  code: string,
  procedure: ProcedureDefinition,
  errors: FieldError[],
): Promise<Place | undefined> {
  const bad = (vi: string, en: string) => {
    errors.push({ field: 'unitCode', vi, en });
    return undefined;
  };
  if (!code) return bad('Chọn xã, phường nộp hồ sơ.', 'Choose the commune you file with.');
  let place: Place;
  try {
    place = await placeByCode(db, code);
  } catch {
    return bad(`Không có xã, phường mã "${code}".`, `There is no commune with code "${code}".`);
  }
  if (place.validTo || (place.level !== 'commune' && place.level !== 'province')) {
    return bad(
      'Chỉ nộp hồ sơ cho một xã, phường hoặc tỉnh hiện hành.',
      'Dossiers go to a current commune or province.',
    );
  }
  if (procedure.competentLevel === 'province') return provinceOf(db, place);
  if (place.level !== 'commune') {
    return bad(
      'Thủ tục này do xã, phường giải quyết: chọn một xã.',
      'This procedure is decided by a commune.',
    );
  }
  return place;
}

export interface Submitted {
  dossier: DossierRow;
  /** True when the idempotency key had already made this dossier: nothing new was created. */
  replayed: boolean;
}

export function toLogged(a: ActionRow): LoggedAction {
  return {
    id: a.id,
    type: a.type,
    at: a.at,
    actorUserId: a.actorUserId,
    note: a.note,
    payload: q.storedPayload(a.payload),
  };
}

function projection(state: DossierState, due: Date | null): q.Projection {
  return {
    status: state.status,
    step: state.step,
    unitId: state.unit.id,
    unitPath: state.unit.path,
    assigneeId: state.assigneeId,
    validReceivedAt: state.validReceivedAt,
    dueAt: due,
    decidedAt: state.decidedAt,
    finishedAt: state.finishedAt,
    decision: state.decision,
    overdueAt: state.overdueAt,
    lastActionId: state.lastActionId,
  };
}

/** The staff grant that lets `staff` receive here: the narrowest receptionist grant covering the unit. */
function receivingGrant(actor: Actor, unitPath: string) {
  if (actor.kind !== 'staff') return undefined;
  return actor.grants
    .filter((g) => g.role === 'receptionist' && unitPath.startsWith(g.placePath))
    .sort((a, b) => b.placePath.length - a.placePath.length)[0];
}

function actorColumns(actor: Actor, asApplicant = false) {
  if (actor.kind === 'staff') {
    return {
      actorKind: 'staff' as const,
      actorUserId: actor.userId,
      actorCitizenId: null,
      actorName: actor.displayName,
    };
  }
  if (actor.kind === 'citizen') {
    return {
      actorKind: 'citizen' as const,
      actorUserId: null,
      actorCitizenId: actor.citizenId,
      actorName: actor.name ?? actor.phone,
    };
  }
  return {
    actorKind: asApplicant ? ('applicant' as const) : ('citizen' as const),
    actorUserId: null,
    actorCitizenId: null,
    actorName: 'Người nộp hồ sơ',
  };
}

interface Message {
  key: SmsTemplateKey;
  actionId: number;
}

/**
 * File a dossier: online by a citizen (signed in or not), or by staff at a counter or in a village.
 * A repeated idempotency key returns the dossier it first made, without making another.
 */
export async function submitDossier(ctx: Ctx, deps: DossierDeps, input: SubmitInput): Promise<Submitted> {
  const actor = ctx.actor;
  const isStaff = actor.kind === 'staff';
  if (
    !isStaff &&
    (input.channel !== undefined || input.helpedPlaceCode || input.receiveNow || input.assisted)
  ) {
    throw new Forbidden({
      vi: 'Chỉ cán bộ mới ghi nơi tiếp nhận và hình thức nộp.',
      en: 'Only staff record the channel and where a dossier was received.',
    });
  }
  let helped: Place | undefined;
  if (isStaff) {
    if (!input.helpedPlaceCode) {
      throw new Invalid([
        { field: 'helpedPlaceCode', vi: 'Chọn nơi hỗ trợ, tiếp nhận.', en: 'Choose where you are helping.' },
      ]);
    }
    helped = await placeByCode(ctx.db, input.helpedPlaceCode);
    // A community digital team member files for people in their hamlet (fieldkit's assisted filing).
    const roles = input.assisted ? ASSISTING_ROLES : (['receptionist'] as const);
    if (!hasRole(actor, roles, helped.path)) throw new Forbidden();
  }
  let checked: CheckedSubmission;
  try {
    checked = await checkSubmission(ctx, input);
  } catch (e) {
    // A replay may fail the checks (its files already belong to the dossier it made): it is
    // answered with that dossier. Looked up only then, not on every submission.
    const existing =
      e instanceof Invalid && input.idempotencyKey
        ? await q.findDossierByKey(ctx.db, input.idempotencyKey)
        : undefined;
    if (existing) return replay(existing, input);
    throw e;
  }
  const { unit, procedure } = checked;

  // Since Decree 118/2025 any centre of the province may receive; a village (a community team) only
  // helps file, and the commune's desk receives.
  let receivedAt: Place | undefined;
  if (input.receiveNow && helped) {
    const centre = helped.level === 'commune' || helped.level === 'province';
    const sameProvince = centre && unit.path.startsWith((await provinceOf(ctx.db, helped)).path);
    if (!(sameProvince || receivingGrant(actor, unit.path))) {
      throw new Invalid([
        {
          field: 'receiveNow',
          vi: 'Chỉ bộ phận một cửa của xã, phường hoặc tỉnh mới tiếp nhận hồ sơ.',
          en: 'Only a commune or province one-stop desk receives dossiers.',
        },
      ]);
    }
    receivedAt = helped;
  }
  const agencyPlace = receivedAt ?? (helped && helped.level !== 'village' ? helped : unit);
  const agency = await agencyCodeOf(ctx.db, agencyPlace);
  const channel: Channel = input.channel ?? (isStaff ? 1 : 2);
  const cal = await loadCalendar(ctx.db);
  // The procedure as it was, written once per version before the first dossier that refers to it
  // (one left by a refused submission is harmless: a later one uses it).
  let snapshots = savedSnapshots.get(ctx.db);
  if (!snapshots) {
    snapshots = new Set();
    savedSnapshots.set(ctx.db, snapshots);
  }
  const snapshotKey = `${procedure.code}@${checked.version}`;
  if (!snapshots.has(snapshotKey)) {
    await q.saveProcedureVersion(ctx.db, procedure.code, checked.version, procedure);
    snapshots.add(snapshotKey);
  }

  // Everything is computed here, then written in one statement; the database fills in the ids and
  // the day's number (the ids below are placeholders until then).
  const now = ctx.clock.now();
  const a = checked.applicant;
  const logged = (id: number, type: 'submit' | 'receive', payload: object): LoggedAction => ({
    id,
    type,
    at: now,
    actorUserId: isStaff ? actor.userId : null,
    note: null,
    payload: payload as StoredPayload,
  });
  const submit = logged(0, 'submit', {
    unit: { id: unit.id, path: unit.path },
    applicantPhone: a.phone,
    channel,
    ...(helped ? { unitName: helped.fullName } : {}),
    files: checked.files.map((f) => ({ documentId: f.documentId, fileId: f.fileId, name: f.name })),
  });
  const actions: q.NewAction[] = [{ ...submit, ...actorColumns(actor), unitId: unit.id, statusAfter: 1 }];
  let state = statusFromActions([submit]);
  if (receivedAt) {
    const due = dueAt({ ...state, validReceivedAt: now }, procedure.days, cal);
    const receive = logged(1, 'receive', {
      unitName: receivedAt.fullName,
      ...(due ? { dueAt: due.toISOString() } : {}),
    });
    state = nextState(state, receive);
    actions.push({ ...receive, ...actorColumns(actor), unitId: unit.id, statusAfter: state.status });
  }
  const due = dueAt(state, procedure.days, cal);
  const { lastActionId: _, ...projected } = projection(state, due);
  const dossier: Omit<DossierRow, 'id' | 'code' | 'lastActionId'> = {
    agencyCode: agency,
    procedureCode: procedure.code,
    procedureVersion: checked.version,
    procedureName: procedure.name.vi,
    applicantName: a.name,
    applicantIdNumber: a.idNumber,
    applicantPhone: a.phone,
    applicantAddress: a.address,
    applicantEmail: a.email ?? null,
    citizenId: actor.kind === 'citizen' ? actor.citizenId : null,
    formData: checked.form,
    channel,
    helpedPlaceId: helped?.id ?? null,
    helpedBy: isStaff ? actor.userId : null,
    assisted: input.assisted ?? false,
    submittedAt: now,
    idempotencyKey: input.idempotencyKey ?? null,
    createdAt: now,
    updatedAt: now,
    ...projected,
    receivedPlaceId: receivedAt?.id ?? null,
  };
  const key = templateFor(null, state, (actions[actions.length - 1] as q.NewAction).type);
  // The code is not known until the statement runs: the message holds a mark the statement replaces.
  const body = key
    ? await renderMessage(ctx.db, ctx.db, deps, { ...dossier, code: CODE_MARK }, key, { due })
    : undefined;
  const result = await fileOnce(ctx, input, async () => {
    const filed = await q.fileSubmission(ctx.db, {
      dossier,
      number: { day: toVietnamDate(now), codePrefix: `${agency}-${yymmdd(now)}-` },
      actions,
      files: checked.files,
      stored: input.files.flatMap((f) => (f.stored ? [f.stored] : [])),
      message:
        body === undefined
          ? undefined
          : (made) =>
              enqueueStatement({
                channel: 'sms',
                recipient: a.phone,
                body: sql`replace(${body}::text, ${CODE_MARK}::text, ${made.code})`,
                template: `dossiers.${key}`,
                dedupeKey: sql`${'dossier-action:'}::text || ${made.lastActionId} || ${':sms'}::text`,
              }),
    });
    const lastActionId = filed.actionIds[filed.actionIds.length - 1] as number;
    return { dossier: { ...dossier, id: filed.id, code: filed.code, lastActionId }, replayed: false };
  });
  if (!result.replayed) await afterChange(ctx, result.dossier, null, body !== undefined);
  return result;
}

/**
 * One dossier per idempotency key, held by the key's unique index: a retry that reaches the insert
 * after the first attempt committed is refused there (its statement, daily number included, is
 * undone) and answered with the first attempt's dossier. Concurrent attempts queue on the day's number.
 */
async function fileOnce(ctx: Ctx, input: SubmitInput, file: () => Promise<Submitted>): Promise<Submitted> {
  try {
    return await file();
  } catch (e) {
    if (!input.idempotencyKey || !isUniqueViolation(e, 'dossiers_idempotency_key_key')) throw e;
    const existing = await q.findDossierByKey(ctx.db, input.idempotencyKey);
    if (!existing) throw e;
    return replay(existing, input);
  }
}

/** A replayed key must describe the same submission; another one under the same key is a conflict. */
function replay(existing: DossierRow, input: SubmitInput): Submitted {
  const phone = (input.applicant as { phone?: unknown } | undefined)?.phone;
  const normalised = typeof phone === 'string' ? phone.replace(/[\s.-]/g, '').replace(/^(\+?84)/, '0') : '';
  if (
    existing.procedureCode !== input.procedureCode ||
    (normalised && normalised !== existing.applicantPhone)
  ) {
    throw new Conflict({
      vi: 'Khoá chống gửi trùng này đã được dùng cho một hồ sơ khác.',
      en: 'This idempotency key was already used for a different dossier.',
    });
  }
  return { dossier: existing, replayed: true };
}

/**
 * The status event goes out when the national status or the step changed: while a fee keeps a
 * dossier at 6, its approval changes only the step, and the payments module must still hear of it
 * (the fee due at the return falls due then).
 */
async function afterChange(
  ctx: Ctx,
  d: DossierRow,
  from: NationalStatus | null,
  queued: boolean,
  fromStep: Step | null = null,
) {
  if (from !== d.status || (fromStep !== null && fromStep !== d.step)) {
    await ctx.events.emit('dossiers.status-changed', {
      dossierId: d.id,
      code: d.code,
      from,
      to: d.status,
      step: d.step,
    });
  }
  if (queued) await ctx.events.emit('notifications.queued', {});
}

function formatDue(due: Date | null) {
  if (!due) return '';
  const local = new Date(due.getTime() + 7 * 3_600_000).toISOString();
  return `${local.slice(11, 16)} ${local.slice(8, 10)}/${local.slice(5, 7)}/${local.slice(0, 4)}`;
}

export function trackingUrl(deps: Pick<DossierDeps, 'publicUrl'>, code: string) {
  return `${deps.publicUrl.replace(/\/$/, '')}/tra-cuu?ma=${encodeURIComponent(code)}`;
}

/** Queue the status messages in the transaction that made the change (the outbox delivers them). */
const templates = dbCache<Map<string, { body: string; plain: boolean }>>(SETTINGS_TTL_MS);

/** Admin edits to the SMS texts are seen at once here, within SETTINGS_TTL_MS on other instances. */
export function forgetTemplates(db: Db) {
  templates.clear(db);
}

/** A status message's text: the template as the admin edited it (or the default), filled in. */
async function renderMessage(
  db: Db,
  cacheDb: Db,
  deps: Pick<DossierDeps, 'publicUrl'>,
  d: Pick<DossierRow, 'code' | 'procedureName'>,
  key: SmsTemplateKey,
  extra: { due: Date | null; note?: string | null },
) {
  const edited = await templates.get(cacheDb, 'all', async () => {
    return new Map((await q.listTemplates(db)).map((t) => [t.key, t]));
  });
  const t = edited.get(key);
  const vars = {
    ma_ho_so: d.code,
    thu_tuc: d.procedureName,
    ngay_hen: formatDue(extra.due),
    ly_do: extra.note ?? '',
    tra_cuu: trackingUrl(deps, d.code),
  };
  return renderTemplate(t?.body ?? DEFAULT_TEMPLATES[key], vars, t?.plain ?? false);
}

async function sendMessages(
  tx: Db,
  cacheDb: Db,
  deps: Pick<DossierDeps, 'publicUrl'>,
  d: Pick<DossierRow, 'code' | 'procedureName' | 'applicantPhone'>,
  messages: Message[],
  extra: { due: Date | null; note?: string | null },
) {
  for (const m of messages) {
    await enqueue(tx, {
      channel: 'sms',
      recipient: d.applicantPhone,
      body: await renderMessage(tx, cacheDb, deps, d, m.key, extra),
      template: `dossiers.${m.key}`,
      dedupeKey: `dossier-action:${m.actionId}:sms`,
    });
  }
}

// ---------------------------------------------------------------------------------------------
// Actions

export interface ActOptions {
  /** The applicant proved by the tracking proof (code + last phone digits) rather than a session. */
  asApplicant?: boolean;
  /** Files brought with a supplement. */
  files?: DocumentFile[];
  /** The system (the daily sweep). */
  system?: boolean;
}

export interface ActResult {
  dossier: DossierRow;
  state: DossierState;
  available: Exclude<ActionType, 'submit'>[];
}

function refusal(state: DossierState, type: Exclude<ActionType, 'submit'>, who: WorkflowActor) {
  const rule = RULES[type];
  const stepAllows = rule.from.includes(state.step) && (!rule.when || rule.when(state));
  if (!stepAllows) {
    return new Conflict({
      vi: `Hồ sơ đang ở bước "${state.step}", không thể thực hiện thao tác này.`,
      en: `The dossier is at step "${state.step}"; this action is not possible now.`,
    });
  }
  return who.kind === 'staff' || who.kind === 'applicant' ? new Forbidden() : new Unauthorized();
}

/**
 * Take one workflow action. The dossier row is locked, the log read and folded, the action checked
 * against `availableActions` (the one place the rules live), appended, and the projection, the
 * clock and the status message written in the same transaction.
 */
export async function act(
  ctx: Ctx,
  deps: DossierDeps,
  code: string,
  input: ActionInput | { type: 'overdue'; note?: string | undefined; expected?: undefined },
  opts: ActOptions = {},
): Promise<ActResult> {
  const messages: Message[] = [];
  let before: NationalStatus | null = null;
  let beforeStep: Step | null = null;
  const cal = await loadCalendar(ctx.db);
  const out = await ctx.db.transaction(async (tx) => {
    const d = await q.lockDossier(tx, code);
    if (!d) throw notFound();
    const log = (await q.listActions(tx, d.id)).map(toLogged);
    const state = statusFromActions(log);
    before = state.status;
    beforeStep = state.step;
    const who: WorkflowActor = opts.system
      ? { kind: 'system' }
      : opts.asApplicant
        ? { kind: 'applicant' }
        : workflowActor(ctx.actor, state);
    if (!opts.system && ctx.actor.kind === 'staff' && !mayView(ctx.actor, d)) throw new Forbidden();
    if (!availableActions(state, who).includes(input.type)) throw refusal(state, input.type, who);
    if (input.expected !== undefined && input.expected !== state.lastActionId) {
      throw new Conflict({
        vi: 'Hồ sơ vừa được người khác cập nhật. Vui lòng xem lại trước khi thao tác.',
        en: 'Someone else has just updated this dossier. Please look again before acting.',
      });
    }
    // Immutable: cached under the base database, read through the transaction on a miss (PGlite has
    // one connection, and a read outside the open transaction would wait for it forever).
    const procedure = await procedureOf(tx, d, ctx.db);
    const payload: StoredPayload = {};
    let note = input.note ?? null;
    const staffInput = input as ActionInput;
    if (input.type === 'assign') {
      const specialists = await q.findSpecialists(tx, state.unit.path);
      const who = specialists.find((s) => s.id === staffInput.assigneeId);
      if (!who) {
        throw new Invalid([
          {
            field: 'assigneeId',
            vi: 'Cán bộ này không có vai trò chuyên viên tại đơn vị giải quyết.',
            en: 'This person is not a specialist at the deciding unit.',
          },
        ]);
      }
      payload.assigneeId = who.id;
      payload.assigneeName = who.displayName;
    }
    if (input.type === 'forward') {
      const target = await getPlaceByCode(tx, staffInput.unitCode ?? '').catch(() => undefined);
      if (
        !target ||
        target.validTo ||
        (target.level !== 'commune' && target.level !== 'province') ||
        target.id === state.unit.id
      ) {
        throw new Invalid([
          {
            field: 'unitCode',
            vi: 'Nhập mã một xã, phường hoặc tỉnh hiện hành, khác đơn vị đang giữ hồ sơ.',
            en: 'Enter the code of another current commune or province.',
          },
        ]);
      }
      payload.unit = { id: target.id, path: target.path };
      payload.unitName = target.fullName;
    }
    if (input.type === 'request_supplement') {
      const known = new Set(procedure.documents.map((x) => x.id));
      const docs = (staffInput.documents ?? []).filter((x) => known.has(x));
      payload.documents = docs;
      if (!note && docs.length === 0) {
        throw new Invalid([{ field: 'note', vi: 'Ghi rõ giấy tờ cần bổ sung.', en: 'Say what is missing.' }]);
      }
    }
    let files: (DocumentFile & { name: string })[] = [];
    if (input.type === 'supplement_received' && opts.files?.length) {
      const meta = new Map(
        (
          await q.findFiles(
            tx,
            opts.files.map((f) => f.fileId),
          )
        ).map((m) => [m.id, m]),
      );
      const known = new Set(procedure.documents.map((x) => x.id));
      files = opts.files.flatMap((f) => {
        const m = meta.get(f.fileId);
        return m && m.dossierId === null && known.has(f.documentId) ? [{ ...f, name: m.originalName }] : [];
      });
      payload.files = files.map((f) => ({ documentId: f.documentId, fileId: f.fileId, name: f.name }));
    }
    const now = ctx.clock.now();
    const receivingPlace = input.type === 'receive' ? receivingGrant(ctx.actor, state.unit.path) : undefined;
    if (receivingPlace) payload.unitName = receivingPlace.placeName;
    if (input.type === 'overdue' && !note) note = `Quá hạn từ ${formatDue(d.dueAt)}`;
    const actorCols = opts.system
      ? { actorKind: 'system' as const, actorUserId: null, actorCitizenId: null, actorName: 'Hệ thống' }
      : actorColumns(ctx.actor, opts.asApplicant);
    // The log row is append-only: its status_after (and the due time it announces) come from folding
    // the action in first.
    const provisional = nextState(state, {
      id: 0,
      type: input.type,
      at: now,
      actorUserId: actorCols.actorUserId,
      note,
      payload,
    });
    const due = dueAt(provisional, procedure.days, cal);
    if ((input.type === 'receive' || input.type === 'supplement_received') && due)
      payload.dueAt = due.toISOString();
    const row = await q.insertAction(tx, {
      dossierId: d.id,
      type: input.type,
      at: now,
      ...actorCols,
      unitId: state.unit.id,
      note,
      payload,
      statusAfter: provisional.status,
    });
    const after = nextState(state, toLogged(row));
    await q.insertDossierFiles(
      tx,
      files.map((f) => ({ dossierId: d.id, fileId: f.fileId, documentId: f.documentId, actionId: row.id })),
    );
    const proj = {
      ...projection(after, due),
      ...(receivingPlace ? { receivedPlaceId: receivingPlace.placeId } : {}),
    };
    await q.saveProjection(tx, d.id, proj);
    const key = templateFor(state.status, after, input.type);
    if (key) messages.push({ key, actionId: row.id });
    const dossier = { ...d, ...proj };
    await sendMessages(tx, ctx.db, deps, dossier, messages, { due, note });
    return { dossier, state: after, who };
  });
  await afterChange(ctx, out.dossier, before, messages.length > 0, beforeStep);
  return { dossier: out.dossier, state: out.state, available: availableActions(out.state, out.who) };
}

// ---------------------------------------------------------------------------------------------
// Payment marks (the payments module's system actions)

/** A change made inside another module's transaction, to announce once that transaction commits. */
export interface DossierChange {
  dossierId: number;
  code: string;
  type: 'payment_requested' | 'payment_received';
  from: NationalStatus;
  to: NationalStatus;
  fromStep: Step;
  step: Step;
  /** A status message was queued (the outbox should be woken). */
  queued: boolean;
}

const money = (n: number) => `${new Intl.NumberFormat('vi-VN').format(n)} đồng`;

/**
 * Bring the dossier's payment mark in line with what it owes, inside the caller's transaction `tx`
 * (the payments module, in the transaction that wrote its fees or marked them paid). The dossier
 * row is locked first and `owed` is asked only then, so two payments of one dossier at once cannot
 * both miss the last unpaid fee. Appends `payment_requested` when something is owed and no request
 * is open, `payment_received` when nothing is owed and one is; otherwise nothing (idempotent, so
 * it may run whenever fees are looked at). The status message is queued in `tx`; the returned
 * change must be passed to `announceChange` after commit.
 */
export async function syncPaymentMark(
  tx: Db,
  ctx: Pick<Ctx, 'db' | 'clock'>,
  deps: Pick<DossierDeps, 'publicUrl'>,
  code: string,
  owed: (tx: Db) => Promise<{ unpaid: number; paid: number }>,
  /** payment_received: how the last fee was paid. */
  details: { method?: 'cash' | 'transfer' | undefined } = {},
): Promise<DossierChange | null> {
  const d = await q.lockDossier(tx, code);
  if (!d) throw notFound();
  const log = (await q.listActions(tx, d.id)).map(toLogged);
  const state = statusFromActions(log);
  const { unpaid: amount, paid } = await owed(tx);
  const type =
    amount > 0 && state.payment === null
      ? ('payment_requested' as const)
      : amount <= 0 && state.payment !== null
        ? ('payment_received' as const)
        : null;
  // A closed dossier (or one not received yet) takes no payment marks: the fee stays in the
  // payments module's books only.
  if (!type || !availableActions(state, { kind: 'system' }).includes(type)) return null;
  const payload: StoredPayload =
    type === 'payment_requested'
      ? { amount }
      : {
          ...(paid > 0 ? { amount: paid } : {}),
          ...(details.method ? { method: details.method } : {}),
        };
  const note =
    type === 'payment_requested' ? `Phí, lệ phí phải nộp: ${money(amount)}.` : 'Đã nộp đủ phí, lệ phí.';
  const now = ctx.clock.now();
  const row = await q.insertAction(tx, {
    dossierId: d.id,
    type,
    at: now,
    actorKind: 'system',
    actorUserId: null,
    actorCitizenId: null,
    actorName: 'Hệ thống',
    unitId: state.unit.id,
    note,
    payload,
    statusAfter: nextState(state, { id: 0, type, at: now, actorUserId: null, note, payload }).status,
  });
  const after = nextState(state, toLogged(row));
  // The statutory clock does not stop for a fee: the due time stays as it was.
  const proj = projection(after, d.dueAt);
  await q.saveProjection(tx, d.id, proj);
  const messages: Message[] = [];
  const key = templateFor(state.status, after, type);
  if (key) messages.push({ key, actionId: row.id });
  await sendMessages(tx, ctx.db, deps, d, messages, { due: d.dueAt, note });
  return {
    dossierId: d.id,
    code: d.code,
    type,
    from: state.status,
    to: after.status,
    fromStep: state.step,
    step: after.step,
    queued: messages.length > 0,
  };
}

/** After the transaction that made `change` commits: the status event and the outbox wake-up. */
export async function announceChange(ctx: Pick<Ctx, 'events'>, change: DossierChange | null) {
  if (!change) return;
  if (change.from !== change.to || change.fromStep !== change.step) {
    await ctx.events.emit('dossiers.status-changed', {
      dossierId: change.dossierId,
      code: change.code,
      from: change.from,
      to: change.to,
      step: change.step,
    });
  }
  if (change.queued) await ctx.events.emit('notifications.queued', {});
}
