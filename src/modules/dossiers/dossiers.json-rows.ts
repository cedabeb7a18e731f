import { type Column, getTableColumns, type Table } from 'drizzle-orm';

/**
 * Rows that PostgreSQL turned into JSON (`row_to_json`, `json_agg`: the tracking read
 * `dossier_tracking` sends a dossier and its log as one row), read back into the shapes a Drizzle
 * select of the same table gives: the column's name in the JSON, its property name in the result,
 * and its value decoded as Drizzle decodes what the driver returns (a timestamp's text to a `Date`).
 *
 * The decoding is `Column.mapFromDriverValue`: the decoder Drizzle applies to a selected column, and
 * the one `sql\`…\`.mapWith(column)` takes. It is public in Drizzle's types but documented only
 * through `mapWith`, so this is the one place that calls it, and dossiers.json-rows.test.ts compares
 * this reading with a Drizzle select of the same rows, on both databases: a Drizzle upgrade that
 * changes either fails there.
 */

const columnLists = new Map<Table, [string, Column][]>();

function columnsOf(table: Table) {
  let list = columnLists.get(table);
  if (!list) {
    list = Object.entries(getTableColumns(table));
    columnLists.set(table, list);
  }
  return list;
}

/** JSON arrives parsed (node-postgres, PGlite for json) or as text (for a function's json result). */
const parsed = (v: unknown) => (typeof v === 'string' ? JSON.parse(v) : v);

/** One row of `table` from its JSON (as an object or as text). Columns missing from the JSON are left out. */
export function fromJsonRow(table: Table, json: unknown): Record<string, unknown> {
  const raw = parsed(json) as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [key, column] of columnsOf(table)) {
    const value = raw[column.name];
    if (value !== undefined) out[key] = value === null ? null : column.mapFromDriverValue(value);
  }
  return out;
}

/** A JSON array of rows of `table`. */
export function fromJsonRows(table: Table, json: unknown): Record<string, unknown>[] {
  return (parsed(json) as unknown[]).map((row) => fromJsonRow(table, row));
}
