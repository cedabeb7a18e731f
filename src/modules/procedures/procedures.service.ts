import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { recordAudit } from '#modules/audit/index.ts';
import { provinceAdminGrants } from '#modules/places/index.ts';
import { type Actor, actorLabel, type Grant, requireStaff } from '#platform/auth/actor.ts';
import type { Ctx } from '#platform/context.ts';
import type { Db } from '#platform/db/client.ts';
import { Conflict, type FieldError, Forbidden, Invalid, NotFound } from '#platform/errors.ts';
import { fieldErrors, parse } from '#platform/validation.ts';
import * as q from './procedures.queries.ts';
import { ProcedureDefinition, type ProcedureSearch } from './procedures.schemas.ts';

export const CATALOGUE_FILE = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../../data/procedures/catalogue.json',
);

/** A catalogue entry: its definition, plus the bookkeeping the catalogue keeps about it. */
export type Procedure = ProcedureDefinition & {
  version: number;
  updatedAt: Date;
  verifiedAt: Date | null;
  verifiedBy: string | null;
};

export type ProcedureSummary = Awaited<ReturnType<typeof q.searchSummaries>>[number];

/** Every string in Unicode NFC, so "Hòa" typed on a phone that sends NFD is stored and found as one. */
function nfcDeep(value: unknown): unknown {
  if (typeof value === 'string') return value.normalize('NFC');
  if (Array.isArray(value)) return value.map(nfcDeep);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, nfcDeep(v)]));
  }
  return value;
}

/**
 * Stored definitions are read through the schema again: when the schema gains a field with a
 * default (widened before narrowed), old rows come back complete, in the schema's key order.
 */
function toDefinition(row: q.ProcedureRow): ProcedureDefinition {
  return ProcedureDefinition.parse({ ...row.definition, verified: row.verified });
}

function toProcedure(row: q.ProcedureRow): Procedure {
  return {
    ...toDefinition(row),
    version: row.version,
    updatedAt: row.updatedAt,
    verifiedAt: row.verifiedAt,
    verifiedBy: row.verifiedBy,
  };
}

/** Validate a definition from anywhere (API, admin form, import): bilingual field errors. */
export function parseDefinition(input: unknown): ProcedureDefinition {
  return parse(ProcedureDefinition, nfcDeep(input));
}

const notFound = (code: string) =>
  new NotFound({
    vi: `Không tìm thấy thủ tục mã ${code}.`,
    en: `No procedure with code ${code}.`,
  });

export async function findProcedure(db: Db, code: string): Promise<Procedure | undefined> {
  const row = await q.findByCode(db, code);
  return row ? toProcedure(row) : undefined;
}

export async function getProcedure(db: Db, code: string): Promise<Procedure> {
  const p = await findProcedure(db, code);
  if (!p) throw notFound(code);
  return p;
}

/** Search by name (with or without diacritics) or code, and/or filter by field. */
export async function listProcedures(db: Db, s: ProcedureSearch = {}): Promise<ProcedureSummary[]> {
  return q.searchSummaries(db, s);
}

/** Fields (lĩnh vực) with how many procedures each has, the fullest first. */
export const listFields = q.listFields;

// Who may edit the catalogue: it is shared by every commune (national codes, national law), so an
// admin at a province or the country; a commune admin would change what other communes' citizens
// are told to bring and pay.

export async function canEditCatalogue(db: Db, actor: Actor) {
  return (await provinceAdminGrants(db, actor)).length > 0;
}

export async function requireCatalogueAdmin(db: Db, actor: Actor): Promise<Grant> {
  requireStaff(actor);
  const [grant] = await provinceAdminGrants(db, actor);
  if (!grant) {
    throw new Forbidden({
      vi: 'Chỉ quản trị viên cấp tỉnh hoặc cấp trung ương mới được sửa danh mục thủ tục.',
      en: 'Only a provincial or national administrator may change the procedure catalogue.',
    });
  }
  return grant;
}

// Changes

export interface SaveResult {
  procedure: Procedure;
  created: boolean;
  /** False when the definition was already exactly this: nothing was written. */
  changed: boolean;
}

const stale = (code: string) =>
  new Conflict({
    vi: `Thủ tục ${code} vừa được người khác sửa. Mở lại trang để xem bản mới; những gì bạn đã gõ vẫn còn ở dưới.`,
    en: `Someone else has just changed procedure ${code}. Reload to see their version; what you typed is kept below.`,
  });

/** Top-level keys whose content differs: what the audit entry says was edited. */
function changedKeys(before: ProcedureDefinition, after: ProcedureDefinition) {
  return (Object.keys(after) as (keyof ProcedureDefinition)[]).filter(
    (k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]),
  );
}

/** Insert or update one definition inside a transaction; the caller audits. */
async function upsert(
  tx: Db,
  def: ProcedureDefinition,
  at: Date,
  by: string,
  opts: { expectedVersion?: number | undefined; create?: boolean | undefined },
): Promise<SaveResult & { keys: string[] }> {
  const current = await q.findByCode(tx, def.code);
  if (!current) {
    if (opts.expectedVersion !== undefined) throw notFound(def.code);
    const row = await q.insertProcedure(tx, def, at, by);
    if (!row) throw stale(def.code);
    return { procedure: toProcedure(row), created: true, changed: true, keys: [] };
  }
  if (opts.create) {
    throw new Conflict({
      vi: `Đã có thủ tục mã ${def.code}. Hãy sửa thủ tục đó thay vì tạo mới.`,
      en: `Procedure ${def.code} already exists; edit it instead.`,
    });
  }
  if (opts.expectedVersion !== undefined && opts.expectedVersion !== current.version) throw stale(def.code);
  const keys = changedKeys(toDefinition(current), def);
  if (keys.length === 0) return { procedure: toProcedure(current), created: false, changed: false, keys };
  const row = await q.updateProcedure(tx, current, def, at, by);
  if (!row) throw stale(def.code);
  return { procedure: toProcedure(row), created: false, changed: true, keys };
}

/**
 * Create or edit a procedure (a catalogue admin only). Whoever saves states whether the record is
 * verified: the schema's default is `false`, so an edit that does not say so un-verifies it.
 * `expectedVersion`: the version the editor started from (409 if it moved on); `create`: refuse to
 * overwrite an existing code.
 */
export async function saveProcedure(
  ctx: Ctx,
  input: unknown,
  opts: { expectedVersion?: number | undefined; create?: boolean | undefined } = {},
): Promise<SaveResult> {
  const grant = await requireCatalogueAdmin(ctx.db, ctx.actor);
  const def = parseDefinition(input);
  const by = actorLabel(ctx.actor);
  return ctx.db.transaction(async (tx) => {
    const { keys, ...result } = await upsert(tx, def, ctx.clock.now(), by, opts);
    if (result.changed) {
      await recordAudit(tx, ctx.actor, ctx.meta, {
        action: result.created ? 'procedures.create' : 'procedures.update',
        targetType: 'procedure',
        targetId: def.code,
        place: { id: grant.placeId, path: grant.placePath },
        details: {
          version: result.procedure.version,
          verified: def.verified,
          ...(keys.length ? { changed: keys } : {}),
        },
      });
    }
    return result;
  });
}

/** Mark a procedure as checked against the legal texts (or no longer so). */
export async function setVerified(ctx: Ctx, code: string, verified: boolean): Promise<Procedure> {
  const grant = await requireCatalogueAdmin(ctx.db, ctx.actor);
  return ctx.db.transaction(async (tx) => {
    const current = await q.findByCode(tx, code);
    if (!current) throw notFound(code);
    if (current.verified === verified) return toProcedure(current);
    const row = await q.updateProcedure(
      tx,
      current,
      { ...toDefinition(current), verified },
      ctx.clock.now(),
      actorLabel(ctx.actor),
    );
    if (!row) throw stale(code);
    await recordAudit(tx, ctx.actor, ctx.meta, {
      action: verified ? 'procedures.verify' : 'procedures.unverify',
      targetType: 'procedure',
      targetId: code,
      place: { id: grant.placeId, path: grant.placePath },
      details: { version: row.version },
    });
    return toProcedure(row);
  });
}

/** The whole catalogue as definitions, by code: what `importCatalogue` takes back unchanged. */
export async function exportCatalogue(db: Db): Promise<ProcedureDefinition[]> {
  return (await q.listRows(db)).map(toDefinition);
}

/** Everything, with its bookkeeping, for the admin list. */
export async function listCatalogue(db: Db): Promise<Procedure[]> {
  return (await q.listRows(db)).map(toProcedure);
}

export const MAX_IMPORT = 2000;

export interface ImportResult {
  created: string[];
  updated: string[];
  unchanged: number;
}

/**
 * Check every record first and report each problem by record (0-based index in the field path,
 * counted from 1 in the message, with the code when it can be read); write nothing unless all are
 * valid, then write all in one transaction. Codes not in the file are left as they are.
 */
export async function importCatalogue(ctx: Ctx, json: unknown): Promise<ImportResult> {
  const grant = await requireCatalogueAdmin(ctx.db, ctx.actor);
  if (!Array.isArray(json) || json.length === 0 || json.length > MAX_IMPORT) {
    throw new Invalid([
      {
        field: '_',
        vi: `Dữ liệu nhập phải là một danh sách JSON gồm 1 đến ${MAX_IMPORT} thủ tục, như tệp xuất ra.`,
        en: `The import must be a JSON array of 1 to ${MAX_IMPORT} procedures, as produced by the export.`,
      },
    ]);
  }
  const errors: FieldError[] = [];
  const defs: ProcedureDefinition[] = [];
  const seen = new Map<string, number>();
  json.forEach((record, i) => {
    const code = typeof record?.code === 'string' ? record.code : undefined;
    const label = {
      vi: `Thủ tục thứ ${i + 1}${code ? ` (${code})` : ''}`,
      en: `Procedure ${i + 1}${code ? ` (${code})` : ''}`,
    };
    const r = ProcedureDefinition.safeParse(nfcDeep(record));
    if (!r.success) {
      for (const e of fieldErrors(r.error)) {
        errors.push({
          field: e.field === '_' ? String(i) : `${i}.${e.field}`,
          vi: `${label.vi}: ${e.vi}`,
          en: `${label.en}: ${e.en}`,
        });
      }
      return;
    }
    const first = seen.get(r.data.code);
    if (first !== undefined) {
      errors.push({
        field: `${i}.code`,
        vi: `${label.vi}: mã này đã có ở thủ tục thứ ${first + 1}.`,
        en: `${label.en}: the same code as procedure ${first + 1}.`,
      });
      return;
    }
    seen.set(r.data.code, i);
    defs.push(r.data);
  });
  if (errors.length > 0) {
    const bad = new Set(errors.map((e) => e.field.split('.')[0])).size;
    throw new Invalid(errors, {
      vi: `${bad} thủ tục có lỗi; chưa nhập thủ tục nào. Sửa các lỗi dưới đây rồi nhập lại.`,
      en: `${bad} procedure(s) have errors; nothing was imported. Fix them and import again.`,
    });
  }
  const at = ctx.clock.now();
  const by = actorLabel(ctx.actor);
  return ctx.db.transaction(async (tx) => {
    const result: ImportResult = { created: [], updated: [], unchanged: 0 };
    for (const def of defs) {
      const r = await upsert(tx, def, at, by, {});
      if (r.created) result.created.push(def.code);
      else if (r.changed) result.updated.push(def.code);
      else result.unchanged++;
    }
    await recordAudit(tx, ctx.actor, ctx.meta, {
      action: 'procedures.import',
      targetType: 'procedure',
      place: { id: grant.placeId, path: grant.placePath },
      details: { ...result },
    });
    return result;
  });
}

/**
 * First start: load the shipped catalogue when the table is empty. Later starts (or a second
 * instance starting at the same moment) find rows and change nothing.
 */
export async function ensureCatalogue(db: Db, file = CATALOGUE_FILE): Promise<{ loaded: number }> {
  if ((await q.countRows(db)) > 0) return { loaded: 0 };
  const records: unknown = JSON.parse(await fs.readFile(file, 'utf8'));
  if (!Array.isArray(records)) throw new Error(`${file}: expected a JSON array of procedures`);
  const defs = records.map((r, i) => {
    const parsed = ProcedureDefinition.safeParse(nfcDeep(r));
    if (!parsed.success) {
      const first = fieldErrors(parsed.error)[0];
      throw new Error(
        `${file}: record ${i} (${String(r?.code)}) is invalid at ${first?.field}: ${first?.en}`,
      );
    }
    return parsed.data;
  });
  const at = new Date();
  return db.transaction(async (tx) => {
    let loaded = 0;
    for (const def of defs) if (await q.insertProcedure(tx, def, at, null)) loaded++;
    return { loaded };
  });
}
