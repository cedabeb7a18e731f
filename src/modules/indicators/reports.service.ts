import { recordAudit } from '#modules/audit/index.ts';
import { getPlaceByCode, listChildren, type Place } from '#modules/places/index.ts';
import { type Actor, actorLabel, hasRole, requireStaff } from '#platform/auth/actor.ts';
import type { Ctx } from '#platform/context.ts';
import type { Db } from '#platform/db/client.ts';
import { Conflict, type FieldError, Forbidden, Invalid } from '#platform/errors.ts';
import { parse } from '#platform/validation.ts';
import { findCollectedElement, listCollectors } from './collectors.ts';
import { refreshMonths } from './engine.ts';
import * as q from './indicators.queries.ts';
import { ApprovalInput, CATEGORY_OPTIONS } from './indicators.schemas.ts';
import {
  type DataSetRecord,
  type ElementRecord,
  elementVersions,
  getDataSet,
  loadModel,
  optionsOf,
} from './model.service.ts';
import { addDays, type Period, parsePeriod, periodsBetween, vnDate } from './periods.ts';
import {
  APPROVE_ROLES,
  availableSteps,
  ENTRY_ROLES,
  editable,
  type Relation,
  type ReportState,
  reportState,
  type Step,
  SUBMIT_ROLES,
  stepFits,
  stepNeeds,
} from './reports.ts';

const currentChildren = async (db: Db, place: Place, level?: string) =>
  (await listChildren(db, place.id)).filter((p) => !p.validTo && (!level || p.level === level));

function periodOrInvalid(id: string, ds: DataSetRecord): Period {
  const p = parsePeriod(id);
  if (!p || p.type !== ds.periodType)
    throw new Invalid([
      {
        field: 'period',
        vi: `Kỳ báo cáo của biểu ${ds.code} phải là một ${PERIOD_VI[ds.periodType]} (ví dụ ${EXAMPLE[ds.periodType]}).`,
        en: `A ${ds.code} period must be a ${ds.periodType} (e.g. ${EXAMPLE[ds.periodType]}).`,
      },
    ]);
  return p;
}

const PERIOD_VI = { week: 'tuần', month: 'tháng', quarter: 'quý', year: 'năm' } as const;
const EXAMPLE = { week: '2026W49', month: '202612', quarter: '2026Q4', year: '2026' } as const;

/** The day a report is due: `dueDays` after the period's last day. */
export const dueDate = (ds: DataSetRecord, p: Period) => addDays(p.end, ds.dueDays);

function relation(actor: Actor, place: Place): Relation {
  const approver =
    actor.kind === 'staff' &&
    actor.grants.some(
      (g) =>
        APPROVE_ROLES.includes(g.role) && place.path.startsWith(g.placePath) && g.placePath !== place.path,
    );
  return { reporter: hasRole(actor, SUBMIT_ROLES, place.path), approver };
}

async function reportPlace(ctx: Ctx, ds: DataSetRecord, placeCode: string) {
  const place = await getPlaceByCode(ctx.db, placeCode);
  if (place.level !== ds.level || place.validTo)
    throw new Invalid([
      {
        field: 'place',
        vi: `Biểu ${ds.code} do ${ds.level === 'commune' ? 'xã, phường' : 'thôn, bản'} hiện hành báo cáo.`,
        en: `Data set ${ds.code} is reported by current ${ds.level === 'commune' ? 'communes' : 'villages'}.`,
      },
    ]);
  return place;
}

// The entry form

export interface EntryCell {
  /** The form field's name. */
  name: string;
  /** Option or village the cell is for (none for an undivided element). */
  label?: { vi: string; en?: string | undefined };
  value: number | null;
  source: string | null;
  enteredBy: string | null;
  updatedAt: string | null;
  frozen: boolean;
}

export interface EntryItem {
  element: ElementRecord;
  collected: boolean;
  cells: EntryCell[];
  comment: string | null;
  /** Values written under an earlier version of the element (another disaggregation), read as they were entered. */
  older: { label: string; value: number; version: number }[];
}

export interface EntryForm {
  dataSet: DataSetRecord;
  place: Place;
  period: Period;
  due: string;
  /** Past the due day and not yet sent. */
  late: boolean;
  state: ReportState;
  editable: boolean;
  canEdit: boolean;
  steps: Step[];
  items: EntryItem[];
}

const fieldName = (code: string, part?: string) => (part ? `v_${code}__${part}` : `v_${code}`);

export async function entryForm(
  ctx: Ctx,
  dataSetCode: string,
  placeCode: string,
  periodId: string,
): Promise<EntryForm> {
  const staff = requireStaff(ctx.actor);
  const model = await loadModel(ctx.db);
  const ds = getDataSet(model, dataSetCode);
  const period = periodOrInvalid(periodId, ds);
  const place = await reportPlace(ctx, ds, placeCode);
  if (!staff.grants.some((g) => place.path.startsWith(g.placePath))) throw new Forbidden();
  const villages = await currentChildren(ctx.db, place, 'village');
  const rows = await q.valuesAt(ctx.db, {
    elements: ds.elements,
    placeIds: [place.id, ...villages.map((v) => v.id)],
    period: period.id,
  });
  const state = reportState(
    await q.approvalActions(ctx.db, { dataSet: ds.code, placeId: place.id, period: period.id }),
  );
  const versions = await elementVersions(ctx.db, ds.elements);
  const items: EntryItem[] = ds.elements.map((code) => {
    const element = model.elements.get(code) as ElementRecord;
    const mine = rows.filter((r) => r.element === code);
    const cell = (name: string, placeId: number, option: string, label?: EntryCell['label']): EntryCell => {
      const r = mine.find((x) => x.placeId === placeId && x.option === option);
      return {
        name,
        ...(label ? { label } : {}),
        value: r?.value ?? null,
        source: r?.source ?? null,
        enteredBy: r?.enteredBy ?? null,
        updatedAt: r?.updatedAt ?? null,
        frozen: r?.frozen ?? false,
      };
    };
    let cells: EntryCell[];
    if (element.disaggregation === 'hamlet')
      cells = villages.map((v) => cell(fieldName(code, `@${v.code}`), v.id, '', { vi: v.fullName }));
    else if (element.disaggregation === 'sex' || element.disaggregation === 'ethnicity')
      cells = CATEGORY_OPTIONS[element.disaggregation].map((o) =>
        cell(fieldName(code, o.code), place.id, o.code, o.name),
      );
    else cells = [cell(fieldName(code), place.id, '')];
    const current = new Set(
      element.disaggregation === 'hamlet'
        ? villages.map((v) => `${v.id}|`)
        : optionsOf(element).length
          ? optionsOf(element).map((o) => `${place.id}|${o.code}`)
          : [`${place.id}|`],
    );
    const older = mine
      .filter((r) => r.elementVersion !== element.version && !current.has(`${r.placeId}|${r.option}`))
      .map((r) => {
        const then = versions.get(code)?.get(r.elementVersion);
        const opt =
          then && (then.disaggregation === 'sex' || then.disaggregation === 'ethnicity')
            ? CATEGORY_OPTIONS[then.disaggregation].find((o) => o.code === r.option)?.name.vi
            : undefined;
        const where = r.placeId !== place.id ? villages.find((v) => v.id === r.placeId)?.fullName : undefined;
        return {
          label: [where, opt ?? (r.option || undefined)].filter(Boolean).join(' · ') || '—',
          value: r.value,
          version: r.elementVersion,
        };
      });
    return {
      element,
      collected: element.source !== null,
      cells,
      comment: mine.find((r) => r.comment)?.comment ?? null,
      older,
    };
  });
  const due = dueDate(ds, period);
  return {
    dataSet: ds,
    place,
    period,
    due,
    late: state.firstSubmittedAt === null && vnDate(ctx.clock.now()) > due,
    state,
    editable: editable(state),
    canEdit: hasRole(ctx.actor, ENTRY_ROLES, place.path),
    steps: availableSteps(state, relation(ctx.actor, place)),
    items,
  };
}

/** "12,5" or "12.5" for numbers; "1.234" or "1 234" read as 1234 for whole numbers. */
export function readNumber(raw: string, valueType: ElementRecord['valueType']): number | undefined {
  const s = raw.replace(/\s/g, '');
  if (valueType === 'integer') {
    if (!/^-?\d{1,3}([.,]\d{3})*$|^-?\d+$/.test(s)) return undefined;
    return Number(s.replace(/[.,]/g, ''));
  }
  if (!/^-?\d+([.,]\d+)?$/.test(s)) return undefined;
  return Number(s.replace(',', '.'));
}

function checkValue(
  e: ElementRecord,
  raw: string,
  field: string,
  label: string,
): { value?: number; error?: FieldError } {
  const n = readNumber(raw, e.valueType);
  const bad = (vi: string, en: string): { error: FieldError } => ({
    error: { field, vi: `${label}: ${vi}`, en: `${label}: ${en}` },
  });
  if (n === undefined || !Number.isFinite(n))
    return e.valueType === 'integer'
      ? bad('phải là một số nguyên (ví dụ 120).', 'must be a whole number (e.g. 120).')
      : bad('phải là một số (ví dụ 12,5).', 'must be a number (e.g. 12.5).');
  const min = e.min ?? (e.valueType === 'number' ? undefined : 0);
  const max = e.valueType === 'percent' ? Math.min(e.max ?? 100, 100) : e.max;
  if (min !== undefined && n < min) return bad(`không được nhỏ hơn ${min}.`, `must be ${min} or more.`);
  if (max !== undefined && n > max) return bad(`không được lớn hơn ${max}.`, `must be ${max} or less.`);
  return { value: n };
}

/**
 * Save the typed values of a report from the form (fields `v_CODE`, `v_CODE__option`,
 * `v_CODE__@villageCode`; comments `c_CODE`). Every field is checked first; one bad field saves
 * nothing and is reported beside the others. A blank field removes the value. Refused once the
 * report is sent or approved (and by the database itself once approved).
 */
export async function saveEntry(
  ctx: Ctx,
  dataSetCode: string,
  placeCode: string,
  periodId: string,
  body: Record<string, unknown>,
) {
  const staff = requireStaff(ctx.actor);
  const model = await loadModel(ctx.db);
  const ds = getDataSet(model, dataSetCode);
  const period = periodOrInvalid(periodId, ds);
  const place = await reportPlace(ctx, ds, placeCode);
  if (!hasRole(staff, ENTRY_ROLES, place.path)) throw new Forbidden();
  const villages = await currentChildren(ctx.db, place, 'village');
  const str = (k: string) => {
    const v = body[k];
    return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
  };
  const errors: FieldError[] = [];
  const writes: q.TypedValue[] = [];
  const keeps = new Map<string, { placeId: number; option: string }[]>();
  let fields = 0;
  for (const code of ds.elements) {
    const e = model.elements.get(code) as ElementRecord;
    if (e.source !== null) continue;
    const comment = str(`c_${code}`)?.slice(0, 1000) ?? null;
    const targets: { name: string; place: Place; option: string; label: string }[] =
      e.disaggregation === 'hamlet'
        ? villages.map((v) => ({
            name: fieldName(code, `@${v.code}`),
            place: v,
            option: '',
            label: `${e.name.vi} – ${v.fullName}`,
          }))
        : e.disaggregation === 'sex' || e.disaggregation === 'ethnicity'
          ? CATEGORY_OPTIONS[e.disaggregation].map((o) => ({
              name: fieldName(code, o.code),
              place,
              option: o.code,
              label: `${e.name.vi} – ${o.name.vi}`,
            }))
          : [{ name: fieldName(code), place, option: '', label: e.name.vi }];
    const keep: { placeId: number; option: string }[] = [];
    for (const t of targets) {
      const raw = str(t.name);
      if (raw === undefined) continue;
      fields++;
      const r = checkValue(e, raw, t.name, t.label);
      if (r.error) errors.push(r.error);
      else {
        keep.push({ placeId: t.place.id, option: t.option });
        writes.push({
          element: code,
          option: t.option,
          placeId: t.place.id,
          placePath: t.place.path,
          period,
          value: r.value as number,
          comment,
          elementVersion: e.version,
          disaggregation: e.disaggregation,
          enteredBy: actorLabel(staff),
        });
      }
    }
    keeps.set(code, keep);
  }
  if (errors.length) throw new Invalid(errors);
  await ctx.db.transaction(async (tx) => {
    const key = { dataSet: ds.code, placeId: place.id, period: period.id };
    await q.lockReport(tx, key);
    const state = reportState(await q.approvalActions(tx, key));
    if (!editable(state))
      throw new Conflict(
        state.status === 'approved'
          ? {
              vi: 'Báo cáo kỳ này đã được phê duyệt: số liệu đã khóa. Muốn sửa, cấp tỉnh phải mở lại báo cáo.',
              en: 'This report is approved and its values are frozen. The province must reopen it before any change.',
            }
          : {
              vi: 'Báo cáo kỳ này đã gửi, đang chờ cấp trên duyệt: chưa sửa được.',
              en: 'This report has been sent and awaits approval: it cannot be changed now.',
            },
      );
    const placeIds = [place.id, ...villages.map((v) => v.id)];
    for (const [element, keep] of keeps)
      await q.deleteTypedValues(tx, { element, placeIds, period: period.id, keep });
    await q.upsertTypedValues(tx, writes, ctx.clock.now());
    await recordAudit(tx, ctx.actor, ctx.meta, {
      action: 'indicators.values.save',
      targetType: 'indicator_report',
      targetId: `${ds.code}/${place.code}/${period.id}`,
      place,
      details: { values: fields },
    });
  });
  return { dataSet: ds, place, period };
}

// Approval

/**
 * One step on a report: a commune sends it; a province approves it (its values freeze) or
 * returns it with a comment; an approved report is reopened only from above, with a reason. Each
 * step is appended to the log and audited in the same transaction.
 */
export async function stepReport(
  ctx: Ctx,
  dataSetCode: string,
  placeCode: string,
  periodId: string,
  input: unknown,
) {
  const staff = requireStaff(ctx.actor);
  const { action, comment } = parse(ApprovalInput, input);
  const model = await loadModel(ctx.db);
  const ds = getDataSet(model, dataSetCode);
  const period = periodOrInvalid(periodId, ds);
  const place = await reportPlace(ctx, ds, placeCode);
  const who = relation(staff, place);
  if (!who[stepNeeds(action)])
    throw new Forbidden(
      stepNeeds(action) === 'approver'
        ? {
            vi: 'Chỉ cấp trên của địa bàn này (cấp tỉnh) mới được phê duyệt, trả lại hoặc mở lại báo cáo.',
            en: 'Only the level above this place (the province) may approve, return or reopen its report.',
          }
        : {
            vi: 'Chỉ lãnh đạo hoặc quản trị của địa bàn mới được gửi báo cáo.',
            en: "Only the place's leaders or administrators may send its report.",
          },
    );
  const collected = ds.elements
    .map((code) => ({ code, hit: findCollectedElement(code) }))
    .filter((x) => x.hit)
    .map((x) => ({ code: x.code, source: x.hit?.collector.source as string }));
  await ctx.db.transaction(async (tx) => {
    const key = { dataSet: ds.code, placeId: place.id, period: period.id };
    await q.lockReport(tx, key);
    const state = reportState(await q.approvalActions(tx, key));
    if (!stepFits(state, action))
      throw new Conflict({
        vi: `Báo cáo đang ở trạng thái "${STATUS_VI[state.status]}": không thể ${STEP_VI[action]}.`,
        en: `The report is ${state.status}: it cannot be ${STEP_EN[action]} now.`,
      });
    if (action === 'approve') {
      await q.writeCollectedZeros(tx, {
        elements: collected,
        placeId: place.id,
        placePath: place.path,
        period,
      });
      await q.setFrozen(tx, { elements: ds.elements, path: place.path, period: period.id, frozen: true });
    } else if (action === 'reopen') {
      await q.setFrozen(tx, { elements: ds.elements, path: place.path, period: period.id, frozen: false });
    }
    await q.appendApproval(tx, {
      dataSet: ds.code,
      placeId: place.id,
      placePath: place.path,
      period: period.id,
      action,
      comment: comment ?? null,
      actorLabel: actorLabel(staff),
      actorUserId: staff.userId,
      at: ctx.clock.now(),
    });
    await recordAudit(tx, ctx.actor, ctx.meta, {
      action: `indicators.report.${action}`,
      targetType: 'indicator_report',
      targetId: `${ds.code}/${place.code}/${period.id}`,
      place,
      details: comment ? { comment } : {},
    });
  });
  // Reopened: the live counts of the period come back (the frozen ones may be out of date).
  if (action === 'reopen') {
    const sources = new Set(collected.map((c) => c.source));
    const months = periodsBetween('month', period.start, period.end);
    for (const c of listCollectors())
      if (sources.has(c.source)) await refreshMonths(ctx.db, ctx.sql, c, place.path, months);
  }
  return { dataSet: ds, place, period, action };
}

const STATUS_VI = {
  open: 'đang nhập',
  submitted: 'đã gửi',
  approved: 'đã phê duyệt',
  returned: 'bị trả lại',
};
const STEP_VI = { submit: 'gửi', approve: 'phê duyệt', return: 'trả lại', reopen: 'mở lại' };
const STEP_EN = { submit: 'sent', approve: 'approved', return: 'returned', reopen: 'reopened' };

// Completeness and timeliness

export interface ReportingRow {
  place: Place;
  state: ReportState;
  onTime: boolean;
}

export interface Reporting {
  dataSet: DataSetRecord;
  parent: Place;
  period: Period;
  due: string;
  rows: ReportingRow[];
  expected: number;
  reported: number;
  onTime: number;
  /** reported / expected, null when nothing is expected. */
  completeness: number | null;
  timeliness: number | null;
}

/**
 * Completeness (places that sent their report / places that owe one) and timeliness (sent by the
 * due day / owed), as DHIS2 reports them, for the places of the data set's level under `parent`.
 */
export async function reporting(
  ctx: Ctx,
  dataSetCode: string,
  parentCode: string,
  periodId: string,
): Promise<Reporting> {
  const staff = requireStaff(ctx.actor);
  const model = await loadModel(ctx.db);
  const ds = getDataSet(model, dataSetCode);
  const period = periodOrInvalid(periodId, ds);
  const parent = await getPlaceByCode(ctx.db, parentCode);
  if (!staff.grants.some((g) => parent.path.startsWith(g.placePath))) throw new Forbidden();
  let places: Place[];
  if (parent.level === ds.level) places = [parent];
  else {
    places = [];
    let frontier = [parent];
    for (let depth = 0; depth < 4 && frontier.length; depth++) {
      const next: Place[] = [];
      for (const p of frontier)
        for (const c of await currentChildren(ctx.db, p)) (c.level === ds.level ? places : next).push(c);
      frontier = next;
    }
  }
  const log = await q.approvalsUnder(ctx.db, { dataSet: ds.code, period: period.id, path: parent.path });
  const due = dueDate(ds, period);
  const rows = places.map((place) => {
    const state = reportState(log.filter((a) => a.placeId === place.id));
    return { place, state, onTime: state.firstSubmittedAt !== null && vnDate(state.firstSubmittedAt) <= due };
  });
  const reported = rows.filter((r) => r.state.firstSubmittedAt !== null).length;
  const onTime = rows.filter((r) => r.onTime).length;
  return {
    dataSet: ds,
    parent,
    period,
    due,
    rows,
    expected: rows.length,
    reported,
    onTime,
    completeness: rows.length ? reported / rows.length : null,
    timeliness: rows.length ? onTime / rows.length : null,
  };
}

/** Periods of a data set to offer on the entry page: the last few up to the current one. */
export function recentPeriods(ds: DataSetRecord, now: Date, count = 6): Period[] {
  const today = vnDate(now);
  const all = periodsBetween(ds.periodType, addDays(today, -400), today);
  return all.slice(-count).reverse();
}
