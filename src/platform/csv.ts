import { parse as parseCsv } from 'csv-parse/sync';
import type { z } from 'zod';
import { type FieldError, Invalid } from './errors.ts';
import { fieldErrors } from './validation.ts';

/**
 * CSV files people make in a spreadsheet: imports of hamlets and households, exports of figures.
 * Headers are matched without case, diacritics or spacing ("Vĩ độ", "vi_do" and "VI DO" are one
 * column); a file saved with semicolons (some spreadsheet locales) is read as well as one with commas.
 */
export interface CsvColumn {
  /** The key the row gets, and the column's name in templates and messages. */
  name: string;
  /** Other headers accepted for it (Vietnamese with diacritics, English). */
  aliases?: readonly string[];
  required?: boolean;
}

export interface CsvRow {
  /** The line number a person sees in their spreadsheet (the header is line 1). */
  line: number;
  values: Record<string, string | undefined>;
}

const headerKey = (h: string) =>
  h
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/[đĐ]/g, 'd')
    .toLowerCase()
    .trim()
    .replace(/[\s-]+/g, '_');

function delimiterOf(text: string) {
  const header = text.slice(0, text.indexOf('\n') < 0 ? text.length : text.indexOf('\n'));
  return header.includes(';') && !header.includes(',') ? ';' : ',';
}

/**
 * Read a CSV text into rows keyed by column name. Throws `Invalid` (field `csv`) for a file that
 * cannot be read, lacks a required column, is empty or has more than `maxRows` rows; row values are
 * trimmed, and an empty cell is `undefined`.
 */
export function readCsv(text: string, columns: readonly CsvColumn[], opts: { maxRows: number }): CsvRow[] {
  const fail = (vi: string, en: string): never => {
    throw new Invalid([{ field: 'csv', vi, en }]);
  };
  let records: string[][];
  try {
    records = parseCsv(text.replace(/^\uFEFF/, ''), {
      delimiter: delimiterOf(text),
      relax_column_count: true,
      skip_empty_lines: true,
      trim: true,
    });
  } catch (e) {
    return fail(
      `Không đọc được tệp CSV: ${(e as Error).message}`,
      `The CSV file cannot be read: ${(e as Error).message}`,
    );
  }
  const [header, ...body] = records;
  if (!header) return fail('Tệp CSV trống.', 'The CSV file is empty.');
  const index = new Map<string, number>();
  header.forEach((h, i) => {
    const key = headerKey(h);
    const column = columns.find((c) => c.name === key || c.aliases?.some((a) => headerKey(a) === key));
    if (column && !index.has(column.name)) index.set(column.name, i);
  });
  const missing = columns.filter((c) => c.required && !index.has(c.name)).map((c) => c.name);
  if (missing.length) {
    fail(
      `Tệp CSV thiếu cột: ${missing.join(', ')}. Hãy dùng tệp mẫu.`,
      `The CSV file lacks the column(s): ${missing.join(', ')}. Use the template.`,
    );
  }
  if (body.length === 0) return fail('Tệp CSV không có dòng dữ liệu nào.', 'The CSV file has no data rows.');
  if (body.length > opts.maxRows) {
    fail(
      `Tệp có ${body.length} dòng; mỗi lần nhập tối đa ${opts.maxRows} dòng.`,
      `The file has ${body.length} rows; at most ${opts.maxRows} per import.`,
    );
  }
  return body.map((cells, i) => ({
    line: i + 2,
    values: Object.fromEntries(
      columns.map((c) => {
        const at = index.get(c.name);
        const v = at === undefined ? undefined : cells[at]?.trim();
        return [c.name, v ? v.normalize('NFC') : undefined];
      }),
    ),
  }));
}

/**
 * Parse every row with `schema` (its keys are the column names, or mapped by `fieldToColumn`) and
 * return the results, or throw one `Invalid` listing every problem as "line N, column c: …".
 */
export function parseRows<S extends z.ZodType>(
  rows: readonly CsvRow[],
  schema: S,
  toInput: (row: CsvRow) => unknown,
  fieldToColumn: (field: string) => string = (f) => f,
): { line: number; data: z.output<S> }[] {
  const errors: FieldError[] = [];
  const out: { line: number; data: z.output<S> }[] = [];
  for (const row of rows) {
    const r = schema.safeParse(toInput(row));
    if (r.success) out.push({ line: row.line, data: r.data });
    else errors.push(...fieldErrors(r.error).map((f) => lineError(row.line, fieldToColumn(f.field), f)));
  }
  if (errors.length) throw new Invalid(errors.slice(0, 50));
  return out;
}

/** A problem on one line of a file, in both languages. */
export function lineError(line: number, column: string, e: { vi: string; en: string }): FieldError {
  return {
    field: `line${line}.${column}`,
    vi: `Dòng ${line}, cột "${column}": ${e.vi}`,
    en: `Line ${line}, column "${column}": ${e.en}`,
  };
}

const cell = (v: unknown) => {
  const s = v === null || v === undefined ? '' : String(v);
  return /[",;\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

/** CSV text with a BOM, so spreadsheet programs read the Vietnamese right; CRLF line ends. */
export function toCsv(rows: readonly (readonly unknown[])[]): string {
  return `\uFEFF${rows.map((r) => r.map(cell).join(',')).join('\r\n')}\r\n`;
}
