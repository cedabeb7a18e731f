import { sql } from 'drizzle-orm';
import { type Db, rowsOf, type SqlRunner } from '#platform/db/client.ts';
import type { FactQuery, FactRow } from './collectors.ts';
import type { Kind } from './indicators.schemas.ts';
import type { Period } from './periods.ts';

/**
 * Every statement of the module. The module owns indicator_model(_history), indicator_values,
 * indicator_approvals and indicator_collectors; it reads other modules only through the views and
 * functions their collectors name (collectors/*.ts).
 */

const run = async <T>(db: Db, q: ReturnType<typeof sql>) => rowsOf<T>(await db.execute(q));

// The model

export interface ModelRow {
  kind: Kind;
  code: string;
  version: number;
  definition: unknown;
  published: boolean;
  updatedBy: string;
  updatedAt: string;
}

/** A timestamp as ISO 8601 text in UTC, which every JavaScript engine parses the same way. */
const iso = (column: string) =>
  sql.raw(`to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`);

const MODEL_COLUMNS = sql`kind, code, version, definition, published, updated_by as "updatedBy", ${iso('updated_at')} as "updatedAt"`;

export function listModel(db: Db) {
  return run<ModelRow>(db, sql`select ${MODEL_COLUMNS} from indicator_model order by kind, code`);
}

export async function findModelRow(db: Db, kind: Kind, code: string, lock = false) {
  const [row] = await run<ModelRow>(
    db,
    sql`select ${MODEL_COLUMNS} from indicator_model where kind = ${kind} and code = ${code} ${lock ? sql`for update` : sql``}`,
  );
  return row;
}

/** Write a new version and keep it in the history, in the caller's transaction. */
export async function writeModelRow(
  tx: Db,
  r: {
    kind: Kind;
    code: string;
    version: number;
    definition: unknown;
    published: boolean;
    by: string;
    at: Date;
  },
) {
  const json = JSON.stringify(r.definition);
  await tx.execute(sql`
    insert into indicator_model (kind, code, version, definition, published, updated_by, updated_at)
    values (${r.kind}, ${r.code}, ${r.version}, ${json}::jsonb, ${r.published}, ${r.by}, ${r.at.toISOString()})
    on conflict (kind, code) do update set version = excluded.version, definition = excluded.definition,
      published = excluded.published, updated_by = excluded.updated_by, updated_at = excluded.updated_at`);
  await tx.execute(sql`
    insert into indicator_model_history (kind, code, version, definition, changed_by, changed_at)
    values (${r.kind}, ${r.code}, ${r.version}, ${json}::jsonb, ${r.by}, ${r.at.toISOString()})`);
}

/** Every version an element has had (for reading values entered under an older one). */
export function elementHistory(db: Db, codes: string[]) {
  if (codes.length === 0) return Promise.resolve([]);
  return run<{ code: string; version: number; definition: unknown }>(
    db,
    sql`select code, version, definition from indicator_model_history
         where kind = 'element' and code in (${sql.join(
           codes.map((c) => sql`${c}`),
           sql`, `,
         )}) order by code, version`,
  );
}

// Values

export interface ValueRow {
  element: string;
  option: string;
  placeId: number;
  period: string;
  value: number;
  comment: string | null;
  source: string;
  enteredBy: string | null;
  updatedAt: string;
  frozen: boolean;
  elementVersion: number;
  disaggregation: string;
}

export async function valuesAt(db: Db, q: { elements: string[]; placeIds: number[]; period: string }) {
  if (q.elements.length === 0 || q.placeIds.length === 0) return [];
  const rows = await run<ValueRow & { value: string }>(
    db,
    sql`select element, option, place_id::int as "placeId", period, value::text as value, comment, source,
               entered_by as "enteredBy", ${iso('updated_at')} as "updatedAt", frozen,
               element_version as "elementVersion", disaggregation
          from indicator_values
         where period = ${q.period}
           and element in (select json_array_elements_text(${JSON.stringify(q.elements)}::json))
           and place_id in (select (json_array_elements_text(${JSON.stringify(q.placeIds)}::json))::bigint)`,
  );
  return rows.map((r) => ({ ...r, value: Number(r.value) }));
}

export interface TypedValue {
  element: string;
  option: string;
  placeId: number;
  placePath: string;
  period: Period;
  value: number;
  comment: string | null;
  elementVersion: number;
  disaggregation: string;
  enteredBy: string;
}

/** Write typed values (source 'entry'); a frozen row makes the trigger refuse the statement. */
export async function upsertTypedValues(tx: Db, rows: TypedValue[], at: Date) {
  if (rows.length === 0) return;
  const json = JSON.stringify(
    rows.map((r) => ({
      element: r.element,
      option: r.option,
      place_id: r.placeId,
      place_path: r.placePath,
      period: r.period.id,
      period_type: r.period.type,
      period_start: r.period.start,
      period_end: r.period.end,
      value: r.value,
      element_version: r.elementVersion,
      disaggregation: r.disaggregation,
      entered_by: r.enteredBy,
      comment: r.comment,
    })),
  );
  await tx.execute(sql`
    insert into indicator_values (element, option, place_id, place_path, period, period_type, period_start,
      period_end, rollup, value, element_version, disaggregation, source, entered_by, comment, updated_at)
    select r.element, r.option, r.place_id, r.place_path, r.period, r.period_type, r.period_start, r.period_end,
           true, r.value, r.element_version, r.disaggregation, 'entry', r.entered_by, r.comment, ${at.toISOString()}
      from json_to_recordset(${json}::json) as r(element text, option text, place_id bigint, place_path text,
           period text, period_type text, period_start date, period_end date, value numeric, element_version int,
           disaggregation text, entered_by text, comment text)
    on conflict (element, option, place_id, period) do update set
      value = excluded.value, element_version = excluded.element_version,
      disaggregation = excluded.disaggregation, source = 'entry', entered_by = excluded.entered_by,
      comment = excluded.comment, updated_at = excluded.updated_at
    where (indicator_values.value, indicator_values.comment, indicator_values.element_version)
      is distinct from (excluded.value, excluded.comment, excluded.element_version)`);
}

/** Remove typed values of an element at places for a period except the options kept. */
export async function deleteTypedValues(
  tx: Db,
  q: { element: string; placeIds: number[]; period: string; keep: { placeId: number; option: string }[] },
) {
  if (q.placeIds.length === 0) return;
  const keep = JSON.stringify(q.keep.map((k) => `${k.placeId}|${k.option}`));
  await tx.execute(sql`
    delete from indicator_values
     where element = ${q.element} and period = ${q.period} and source = 'entry'
       and place_id in (select (json_array_elements_text(${JSON.stringify(q.placeIds)}::json))::bigint)
       and (place_id::text || '|' || option) not in (select json_array_elements_text(${keep}::json))`);
}

/** Freeze (approve) or unfreeze (reopen) the values of elements under a place for one period. */
export async function setFrozen(
  tx: Db,
  q: { elements: string[]; path: string; period: string; frozen: boolean },
) {
  const rows = await run<{ n: number }>(
    tx,
    sql`with u as (
          update indicator_values set frozen = ${q.frozen}
           where period = ${q.period} and place_path like ${`${q.path}%`} and frozen <> ${q.frozen}
             and element in (select json_array_elements_text(${JSON.stringify(q.elements)}::json))
          returning 1)
        select count(*)::int as n from u`,
  );
  return rows[0]?.n ?? 0;
}

/**
 * Before approval, collected elements with nothing counted get an explicit 0, so the approved
 * figure is a row that can be frozen (a later count in that period must not appear in it).
 */
export async function writeCollectedZeros(
  tx: Db,
  q: { elements: { code: string; source: string }[]; placeId: number; placePath: string; period: Period },
) {
  if (q.elements.length === 0) return;
  await tx.execute(sql`
    insert into indicator_values (element, option, place_id, place_path, period, period_type, period_start,
      period_end, rollup, value, element_version, disaggregation, source)
    select e.code, '', ${q.placeId}, ${q.placePath}, ${q.period.id}, ${q.period.type}, ${q.period.start}::date,
           ${q.period.end}::date, true, 0, 1, 'none', e.source
      from json_to_recordset(${JSON.stringify(q.elements)}::json) as e(code text, source text)
    on conflict (element, option, place_id, period) do nothing`);
}

// Approvals

export interface ApprovalRow {
  id: number;
  dataSet: string;
  placeId: number;
  placePath: string;
  period: string;
  action: 'submit' | 'approve' | 'return' | 'reopen';
  comment: string | null;
  actorLabel: string;
  at: Date;
}

const APPROVAL_COLUMNS = sql`id::int as id, data_set as "dataSet", place_id::int as "placeId", place_path as "placePath",
  period, action, comment, actor_label as "actorLabel", ${iso('at')} as at`;

const withDates = (rows: (Omit<ApprovalRow, 'at'> & { at: string })[]): ApprovalRow[] =>
  rows.map((r) => ({ ...r, at: new Date(r.at) }));

/** Serialise steps on one report (data set, place, period) until the transaction ends. */
export async function lockReport(tx: Db, key: { dataSet: string; placeId: number; period: string }) {
  await tx.execute(
    sql`select pg_advisory_xact_lock(hashtext(${`indicators:${key.dataSet}:${key.placeId}:${key.period}`}))`,
  );
}

export async function approvalActions(db: Db, key: { dataSet: string; placeId: number; period: string }) {
  return withDates(
    await run(
      db,
      sql`select ${APPROVAL_COLUMNS} from indicator_approvals
           where data_set = ${key.dataSet} and period = ${key.period} and place_id = ${key.placeId} order by id`,
    ),
  );
}

export async function appendApproval(
  tx: Db,
  a: Omit<ApprovalRow, 'id' | 'at'> & { actorUserId: number | null; at: Date },
) {
  await tx.execute(sql`
    insert into indicator_approvals (data_set, place_id, place_path, period, action, comment, actor_user_id, actor_label, at)
    values (${a.dataSet}, ${a.placeId}, ${a.placePath}, ${a.period}, ${a.action}, ${a.comment}, ${a.actorUserId},
            ${a.actorLabel}, ${a.at.toISOString()})`);
}

/** Every step on a data set's reports for a period at places under a path. */
export async function approvalsUnder(db: Db, q: { dataSet: string; period: string; path: string }) {
  return withDates(
    await run(
      db,
      sql`select ${APPROVAL_COLUMNS} from indicator_approvals
           where data_set = ${q.dataSet} and period = ${q.period} and place_path like ${`${q.path}%`} order by id`,
    ),
  );
}

// Collected values

/**
 * Replace a collector's monthly and weekly values under a subtree for whole periods inside
 * [from, to), in one statement: facts → sums per month and per ISO week → upsert, and delete what
 * is no longer counted. Frozen (approved) values are neither changed nor deleted. An advisory lock
 * per (source, subtree) orders concurrent refreshes, so the last to commit read the newest facts.
 */
export async function refreshCollected(
  db: Db,
  sqlRunner: SqlRunner,
  q: FactQuery & { source: string; facts: string | ((sql: SqlRunner, q: FactQuery) => Promise<FactRow[]>) },
) {
  const given = typeof q.facts === 'string' ? undefined : await q.facts(sqlRunner, q);
  const facts =
    typeof q.facts === 'string'
      ? sql.raw(
          `select element::text, place_path::text, day::date, value::numeric from (${bindFacts(q.facts, q)}) f`,
        )
      : sql`select * from json_to_recordset(${JSON.stringify(
          (given ?? []).map((r) => ({
            element: r.element,
            place_path: r.placePath,
            day: r.day,
            value: r.value,
          })),
        )}::json) as f(element text, place_path text, day date, value numeric)`;
  const statement = sql`
    with params as (select ${q.path}::text as path, ${q.from}::date as d_from, ${q.to}::date as d_to),
    facts as (${facts}),
    agg as (
      select element, place_path, 'month' as ptype, to_char(day, 'YYYYMM') as period,
             date_trunc('month', day::timestamp)::date as s,
             (date_trunc('month', day::timestamp) + interval '1 month - 1 day')::date as e,
             true as rollup, sum(value) as value
        from facts group by 1, 2, 4, 5, 6
      union all
      select element, place_path, 'week', to_char(day, 'IYYY') || 'W' || to_char(day, 'IW')::int,
             date_trunc('week', day::timestamp)::date, (date_trunc('week', day::timestamp) + interval '6 days')::date,
             false, sum(value)
        from facts group by 1, 2, 4, 5, 6),
    fresh as (
      select a.* from agg a, params p where a.s >= p.d_from and a.e < p.d_to and a.value <> 0),
    gone as (
      delete from indicator_values v using params p
       where v.source = ${q.source} and v.place_path like p.path || '%' and not v.frozen
         and v.period_type in ('month', 'week') and v.period_start >= p.d_from and v.period_end < p.d_to
         and not exists (select 1 from fresh f
                          where f.element = v.element and f.place_path = v.place_path and f.period = v.period)
      returning 1)
    insert into indicator_values (element, option, place_id, place_path, period, period_type, period_start,
      period_end, rollup, value, element_version, disaggregation, source)
    select element, '', (regexp_match(place_path, '(\\d+)/$'))[1]::bigint, place_path, period, ptype, s, e, rollup,
           value, 1, 'none', ${q.source}
      from fresh
    on conflict (element, option, place_id, period) do update set value = excluded.value, updated_at = now()
      where not indicator_values.frozen and indicator_values.value is distinct from excluded.value`;
  await db.transaction(async (tx) => {
    await tx.execute(
      sql`select pg_advisory_xact_lock(hashtext(${`indicators:collect:${q.source}:${q.path}`}))`,
    );
    await tx.execute(statement);
  });
}

/**
 * A collector's facts text is written with $1 (path prefix), $2 (first day) and $3 (day after the
 * last). Drizzle numbers the statement's parameters itself, so these three are written in as
 * literals, after checking that each is exactly a path or a date (nothing else can be quoted in).
 */
function bindFacts(text: string, q: FactQuery) {
  if (!/^\/(\d+\/)*$/.test(q.path)) throw new Error(`not a place path: ${q.path}`);
  for (const d of [q.from, q.to]) if (!/^\d{4}-\d{2}-\d{2}$/.test(d)) throw new Error(`not a date: ${d}`);
  return text
    .replaceAll('$1', `'${q.path}%'`)
    .replaceAll('$2', `date '${q.from}'`)
    .replaceAll('$3', `date '${q.to}'`);
}

export async function collectorFilled(db: Db, source: string) {
  const [row] = await run<{ filledAt: string }>(
    db,
    sql`select filled_at::text as "filledAt" from indicator_collectors where source = ${source}`,
  );
  return row?.filledAt;
}

export async function markCollectorFilled(db: Db, source: string, at: Date) {
  await db.execute(sql`insert into indicator_collectors (source, filled_at) values (${source}, ${at.toISOString()})
    on conflict (source) do update set filled_at = excluded.filled_at`);
}

// Reading along the tree

export interface AggregateRow {
  /** The id of the child of the root the values lie under; '' for values at the root itself. */
  rk: string;
  element: string;
  option: string;
  pid: string;
  sum: number;
  /** How many values were added (an average is sum ÷ n). */
  n: number;
}

const RANK = { week: 0, month: 1, quarter: 2, year: 3 } as const;

/**
 * Element values under a root place, per child of the root, per requested period (all of one
 * type): values of that period, and of finer periods that roll into it (a week by its Thursday, a
 * month into its quarter and year), each value mapped to its period in the scan itself, so there is
 * no join. `last` elements keep each place's latest period inside the requested one. The caller
 * adds the children up for the total: sums and counts add, so an average of the province is the
 * average of all its leaves' values, not an average of averages.
 */
export async function aggregate(
  runner: SqlRunner,
  q: {
    path: string;
    elements: string[];
    lastElements: string[];
    periods: Period[];
    /** Public reading: typed values only once approved; collected values always. */
    approvedOnly: boolean;
  },
): Promise<AggregateRow[]> {
  const type = q.periods[0]?.type;
  if (q.elements.length === 0 || !type) return [];
  if (q.periods.some((p) => p.type !== type)) throw new Error('periods of one type at a time');
  const depth = q.path.split('/').filter(Boolean).length;
  const minStart = q.periods.reduce((m, p) => (p.start < m ? p.start : m), '9999-12-31');
  const maxEnd = q.periods.reduce((m, p) => (p.end > m ? p.end : m), '0000-01-01');
  const finer = (['week', 'month', 'quarter'] as const).filter((t) => RANK[t] < RANK[type]);
  const format = { week: '', month: 'YYYYMM', quarter: 'YYYY"Q"Q', year: 'YYYY' }[type];
  return runner.query<AggregateRow>(
    `with v as (
       select element, option, place_path, period_start, value,
              case when period_type = $3 then period
                   else to_char(case when period_type = 'week' then period_start + 3 else period_start end, $4)
              end as pid
         from indicator_values
        where place_path like $1 and element = any($2::text[])
          and period_start >= $5::date - 6 and period_end <= $6::date + 6
          and (period_type = $3 or (rollup and period_type = any($7::text[])))
          and ($8 = false or source <> 'entry' or frozen)),
     l as (
       select element, option, place_path, pid, value from v
        where pid = any($9::text[]) and not (element = any($10::text[]))
       union all
       (select distinct on (element, option, place_path, pid) element, option, place_path, pid, value from v
         where pid = any($9::text[]) and element = any($10::text[])
         order by element, option, place_path, pid, period_start desc))
     select split_part(place_path, '/', $11) as rk, element, option, pid,
            sum(value)::float8 as sum, count(*)::int as n
       from l group by 1, 2, 3, 4`,
    [
      `${q.path}%`,
      q.elements,
      type,
      format,
      minStart,
      maxEnd,
      finer,
      q.approvedOnly,
      q.periods.map((p) => p.id),
      q.lastElements,
      depth + 2,
    ],
  );
}

/** Provinces (children of the root) that hold any value, for the public page's choice of place. */
export async function placesWithValues(runner: SqlRunner) {
  const rows = await runner.query<{ id: string }>(
    `select distinct split_part(place_path, '/', 3) as id from indicator_values where split_part(place_path, '/', 3) <> ''`,
  );
  return rows.map((r) => Number(r.id)).filter((n) => Number.isFinite(n) && n > 0);
}
