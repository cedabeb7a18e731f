import type { z } from 'zod';
import { recordAudit } from '#modules/audit/index.ts';
import { provinceAdminGrants } from '#modules/places/index.ts';
import { type Actor, actorLabel, type Grant, requireStaff } from '#platform/auth/actor.ts';
import type { Ctx } from '#platform/context.ts';
import type { Db } from '#platform/db/client.ts';
import { Conflict, type FieldError, Forbidden, Invalid, NotFound } from '#platform/errors.ts';
import { fieldErrors, parse } from '#platform/validation.ts';
import { findCollectedElement, listCollectors } from './collectors.ts';
import { type Expr, parseExpression, references } from './expression.ts';
import * as q from './indicators.queries.ts';
import {
  CATEGORY_OPTIONS,
  DataSetDefinition,
  ElementDefinition,
  IndicatorDefinition,
  type Kind,
  MODEL_FORMAT,
  ModelFile,
} from './indicators.schemas.ts';

export interface ElementRecord extends ElementDefinition {
  version: number;
  /** The collector that fills it, or null when people type it. */
  source: string | null;
}

export interface IndicatorRecord extends IndicatorDefinition {
  version: number;
  numeratorExpr: Expr;
  denominatorExpr: Expr;
}

export interface DataSetRecord extends DataSetDefinition {
  version: number;
}

export interface Model {
  elements: Map<string, ElementRecord>;
  indicators: Map<string, IndicatorRecord>;
  dataSets: Map<string, DataSetRecord>;
}

const SCHEMAS = {
  element: ElementDefinition,
  indicator: IndicatorDefinition,
  data_set: DataSetDefinition,
} as const;

function collectedElements(): ElementRecord[] {
  return listCollectors().flatMap((c) =>
    c.elements.map(
      (e): ElementRecord => ({
        code: e.code,
        name: e.name,
        ...(e.description ? { description: e.description } : {}),
        valueType: e.valueType,
        aggregation: 'sum',
        disaggregation: 'none',
        version: 1,
        source: c.source,
      }),
    ),
  );
}

function indicatorRecord(def: IndicatorDefinition, version: number): IndicatorRecord {
  return {
    ...def,
    version,
    numeratorExpr: parseExpression(def.numerator),
    denominatorExpr: parseExpression(def.denominator),
  };
}

/** The whole model: what people defined (read back through the schemas) and what collectors fill. */
export async function loadModel(db: Db): Promise<Model> {
  const model: Model = { elements: new Map(), indicators: new Map(), dataSets: new Map() };
  for (const e of collectedElements()) model.elements.set(e.code, e);
  for (const row of await q.listModel(db)) {
    if (row.kind === 'element') {
      const def = ElementDefinition.parse(row.definition);
      model.elements.set(def.code, { ...def, version: row.version, source: null });
    } else if (row.kind === 'indicator') {
      const def = IndicatorDefinition.parse(row.definition);
      model.indicators.set(def.code, indicatorRecord(def, row.version));
    } else {
      const def = DataSetDefinition.parse(row.definition);
      model.dataSets.set(def.code, { ...def, version: row.version });
    }
  }
  return model;
}

export function getIndicator(model: Model, code: string) {
  const i = model.indicators.get(code);
  if (!i) throw new NotFound({ vi: `Không có chỉ số ${code}.`, en: `No indicator ${code}.` });
  return i;
}

export function getDataSet(model: Model, code: string) {
  const d = model.dataSets.get(code);
  if (!d) throw new NotFound({ vi: `Không có biểu báo cáo ${code}.`, en: `No data set ${code}.` });
  return d;
}

/** The options a reference may name for an element (none for an undivided element or one divided by hamlet). */
export function optionsOf(e: Pick<ElementDefinition, 'disaggregation'>) {
  return e.disaggregation === 'sex' || e.disaggregation === 'ethnicity'
    ? CATEGORY_OPTIONS[e.disaggregation]
    : [];
}

/** Checks across objects: references resolve, one period type per element, codes do not collide. */
export function validateModel(model: Model): FieldError[] {
  const errors: FieldError[] = [];
  const err = (field: string, vi: string, en: string) => errors.push({ field, vi, en });
  for (const i of model.indicators.values()) {
    if (model.elements.has(i.code))
      err(
        `indicators.${i.code}.code`,
        `Mã ${i.code} đã là mã của một chỉ tiêu dữ liệu.`,
        `${i.code} is already a data element's code.`,
      );
    for (const part of ['numerator', 'denominator'] as const) {
      for (const r of references(part === 'numerator' ? i.numeratorExpr : i.denominatorExpr)) {
        const e = model.elements.get(r.code);
        if (!e) {
          err(
            `indicators.${i.code}.${part}`,
            `Chỉ số ${i.code}: không có chỉ tiêu dữ liệu ${r.code}.`,
            `Indicator ${i.code}: there is no data element ${r.code}.`,
          );
        } else if (r.option !== undefined && !optionsOf(e).some((o) => o.code === r.option)) {
          err(
            `indicators.${i.code}.${part}`,
            `Chỉ số ${i.code}: ${r.code} không có nhóm "${r.option}".`,
            `Indicator ${i.code}: ${r.code} has no option "${r.option}".`,
          );
        }
      }
    }
  }
  const periodTypeOf = new Map<string, string>();
  for (const d of model.dataSets.values()) {
    d.elements.forEach((code, n) => {
      const e = model.elements.get(code);
      if (!e) {
        err(
          `dataSets.${d.code}.elements.${n}`,
          `Biểu ${d.code}: không có chỉ tiêu dữ liệu ${code}.`,
          `Data set ${d.code}: there is no data element ${code}.`,
        );
        return;
      }
      const other = periodTypeOf.get(code);
      if (other && other !== d.periodType)
        err(
          `dataSets.${d.code}.elements.${n}`,
          `${code} đã nằm trong một biểu có kỳ khác: một chỉ tiêu chỉ báo cáo theo một loại kỳ, để không cộng trùng.`,
          `${code} is already in a data set of another period type: an element is reported for one period type, so nothing is counted twice.`,
        );
      periodTypeOf.set(code, d.periodType);
      if (e.source !== null && d.periodType !== 'month' && d.periodType !== 'week')
        err(
          `dataSets.${d.code}.elements.${n}`,
          `${code} được đếm theo tháng và tuần: chỉ đưa vào biểu tháng hoặc tuần (quý, năm được cộng từ tháng).`,
          `${code} is counted by month and week: it belongs in a monthly or weekly data set (quarters and years add the months).`,
        );
      if (e.disaggregation === 'hamlet' && d.level !== 'commune')
        err(
          `dataSets.${d.code}.elements.${n}`,
          `${code} chia theo thôn, bản nên chỉ nằm trong biểu cấp xã.`,
          `${code} is broken down by hamlet, so it belongs in a commune-level data set.`,
        );
    });
  }
  return errors;
}

// Who may edit: the model is shared by every commune of the installation, so an admin at a province
// or the country (as for the procedure catalogue, decision 010).

export async function canEditModel(db: Db, actor: Actor) {
  return (await provinceAdminGrants(db, actor)).length > 0;
}

export async function requireModelAdmin(db: Db, actor: Actor): Promise<Grant> {
  requireStaff(actor);
  const [grant] = await provinceAdminGrants(db, actor);
  if (!grant)
    throw new Forbidden({
      vi: 'Chỉ quản trị viên cấp tỉnh hoặc trung ương mới được sửa danh mục chỉ tiêu, chỉ số và biểu báo cáo.',
      en: 'Only a provincial or national administrator may change the elements, indicators and data sets.',
    });
  return grant;
}

// Changes

export interface SaveResult {
  kind: Kind;
  code: string;
  version: number;
  created: boolean;
  changed: boolean;
}

const canonical = (kind: Kind, def: unknown) => JSON.stringify(SCHEMAS[kind].parse(def));

function put(model: Model, kind: Kind, def: unknown, version: number) {
  if (kind === 'element') {
    const d = def as ElementDefinition;
    model.elements.set(d.code, { ...d, version, source: null });
  } else if (kind === 'indicator') {
    const d = def as IndicatorDefinition;
    model.indicators.set(d.code, indicatorRecord(d, version));
  } else {
    const d = def as DataSetDefinition;
    model.dataSets.set(d.code, { ...d, version });
  }
}

function refuseCollected(kind: Kind, code: string, field: string) {
  const hit = kind === 'element' ? findCollectedElement(code) : undefined;
  if (hit)
    throw new Invalid([
      {
        field,
        vi: `${code} do mô-đun "${hit.collector.name.vi}" tự điền; không sửa bằng tay được.`,
        en: `${code} is filled by the ${hit.collector.name.en ?? hit.collector.name.vi} module; it cannot be edited by hand.`,
      },
    ]);
}

/**
 * Save one element, indicator or data set. An identical definition writes nothing; a change
 * writes version + 1 (kept in the history). With `expectedVersion`, a stale form is refused (409).
 */
export async function saveModelObject(
  ctx: Ctx,
  kind: Kind,
  input: unknown,
  expectedVersion?: number,
): Promise<SaveResult> {
  const grant = await requireModelAdmin(ctx.db, ctx.actor);
  const def = parse(SCHEMAS[kind] as z.ZodType, input) as { code: string; published?: boolean };
  refuseCollected(kind, def.code, 'code');
  return ctx.db.transaction(async (tx) => {
    const current = await q.findModelRow(tx, kind, def.code, true);
    if (expectedVersion !== undefined && (current?.version ?? 0) !== expectedVersion)
      throw new Conflict({
        vi: `${def.code} vừa được người khác sửa (phiên bản ${current?.version ?? 0}); hãy mở lại và sửa tiếp.`,
        en: `${def.code} was just changed by someone else (version ${current?.version ?? 0}); open it again and redo your change.`,
      });
    if (current && canonical(kind, current.definition) === JSON.stringify(def))
      return { kind, code: def.code, version: current.version, created: false, changed: false };
    const model = await loadModel(tx);
    const version = (current?.version ?? 0) + 1;
    put(model, kind, def, version);
    const problems = validateModel(model);
    if (problems.length) throw new Invalid(problems);
    await q.writeModelRow(tx, {
      kind,
      code: def.code,
      version,
      definition: def,
      published: def.published ?? false,
      by: actorLabel(ctx.actor),
      at: ctx.clock.now(),
    });
    await recordAudit(tx, ctx.actor, ctx.meta, {
      action: `indicators.${kind}.save`,
      targetType: `indicator_${kind}`,
      targetId: def.code,
      place: { id: grant.placeId, path: grant.placePath },
      details: { version },
    });
    return { kind, code: def.code, version, created: !current, changed: true };
  });
}

// Export and import

export async function exportModel(db: Db) {
  const rows = await q.listModel(db);
  const of = (kind: Kind) =>
    rows
      .filter((r) => r.kind === kind)
      .sort((a, b) => (a.code < b.code ? -1 : 1))
      .map((r) => SCHEMAS[kind].parse(r.definition));
  return {
    format: MODEL_FORMAT,
    version: 1 as const,
    elements: of('element'),
    indicators: of('indicator'),
    dataSets: of('data_set'),
  };
}

/** The export as a file: 2-space JSON with a final newline; export → import → export is byte-identical. */
export async function exportModelJson(db: Db) {
  return `${JSON.stringify(await exportModel(db), null, 2)}\n`;
}

export interface ImportResult {
  created: number;
  updated: number;
  unchanged: number;
}

/**
 * Import a model file: every object is checked first (errors name the list, the index and the
 * code), then checked together with what is already defined; all is written in one transaction,
 * or nothing. Objects not in the file are left as they are.
 */
export async function importModel(ctx: Ctx, json: unknown): Promise<ImportResult> {
  const grant = await requireModelAdmin(ctx.db, ctx.actor);
  const parsed = parseImport(json);
  return ctx.db.transaction(async (tx) => {
    const result = await applyImport(tx, parsed, actorLabel(ctx.actor), ctx.clock.now());
    await recordAudit(tx, ctx.actor, ctx.meta, {
      action: 'indicators.model.import',
      targetType: 'indicator_model',
      place: { id: grant.placeId, path: grant.placePath },
      details: { ...result },
    });
    return result;
  });
}

/** Seeding: import without a person (the starter model on first start). */
export async function importModelUnchecked(db: Db, json: unknown, by: string, at: Date) {
  const parsed = parseImport(json);
  return db.transaction((tx) => applyImport(tx, parsed, by, at));
}

type Parsed = { kind: Kind; def: { code: string; published?: boolean } }[];

function parseImport(json: unknown): Parsed {
  const file = parse(ModelFile, json);
  const lists: [Kind, 'elements' | 'indicators' | 'dataSets'][] = [
    ['element', 'elements'],
    ['indicator', 'indicators'],
    ['data_set', 'dataSets'],
  ];
  const errors: FieldError[] = [];
  const parsed: Parsed = [];
  for (const [kind, list] of lists) {
    const seen = new Set<string>();
    file[list].forEach((item, n) => {
      const r = SCHEMAS[kind].safeParse(item);
      const code = (item as { code?: unknown })?.code;
      const label = typeof code === 'string' ? ` (${code})` : '';
      if (!r.success) {
        for (const f of fieldErrors(r.error))
          errors.push({
            ...f,
            field: `${list}.${n}.${f.field}`,
            vi: `${list}[${n}]${label}: ${f.vi}`,
            en: `${list}[${n}]${label}: ${f.en}`,
          });
        return;
      }
      const def = r.data as { code: string };
      if (seen.has(def.code))
        errors.push({
          field: `${list}.${n}.code`,
          vi: `${list}[${n}]: mã ${def.code} lặp lại trong tệp.`,
          en: `${list}[${n}]: code ${def.code} appears twice in the file.`,
        });
      seen.add(def.code);
      if (kind === 'element' && findCollectedElement(def.code))
        errors.push({
          field: `${list}.${n}.code`,
          vi: `${list}[${n}]: ${def.code} do một mô-đun tự điền, không nhập được.`,
          en: `${list}[${n}]: ${def.code} is filled by a module and cannot be imported.`,
        });
      parsed.push({ kind, def });
    });
  }
  if (errors.length) throw new Invalid(errors);
  return parsed;
}

async function applyImport(tx: Db, parsed: Parsed, by: string, at: Date): Promise<ImportResult> {
  const model = await loadModel(tx);
  const existing = new Map((await q.listModel(tx)).map((r) => [`${r.kind}:${r.code}`, r]));
  const writes: {
    kind: Kind;
    def: { code: string; published?: boolean };
    version: number;
    created: boolean;
  }[] = [];
  let unchanged = 0;
  for (const p of parsed) {
    const current = existing.get(`${p.kind}:${p.def.code}`);
    if (current && canonical(p.kind, current.definition) === JSON.stringify(p.def)) {
      unchanged++;
      continue;
    }
    const version = (current?.version ?? 0) + 1;
    put(model, p.kind, p.def, version);
    writes.push({ ...p, version, created: !current });
  }
  const problems = validateModel(model);
  if (problems.length) throw new Invalid(problems);
  for (const w of writes)
    await q.writeModelRow(tx, {
      kind: w.kind,
      code: w.def.code,
      version: w.version,
      definition: w.def,
      published: w.def.published ?? false,
      by,
      at,
    });
  return {
    created: writes.filter((w) => w.created).length,
    updated: writes.filter((w) => !w.created).length,
    unchanged,
  };
}

/**
 * Every version an element has had, by version: values keep the version they were written under,
 * so a value typed before a change of disaggregation is shown with the options it had then.
 */
export async function elementVersions(db: Db, codes: string[]) {
  const out = new Map<string, Map<number, ElementDefinition>>();
  for (const r of await q.elementHistory(db, codes)) {
    const byVersion = out.get(r.code) ?? new Map<number, ElementDefinition>();
    byVersion.set(r.version, ElementDefinition.parse(r.definition));
    out.set(r.code, byVersion);
  }
  return out;
}
