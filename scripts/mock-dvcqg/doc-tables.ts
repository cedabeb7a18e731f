/**
 * Prints the field tables and code lists of fields.ts as the Markdown blocks that
 * docs/integrations/dvcqg.md carries (`npx tsx scripts/mock-dvcqg/doc-tables.ts`). The document's
 * blocks must equal this output: doc-tables.test.ts checks it.
 */
import { pathToFileURL } from 'node:url';
import { CODE_LISTS, type CodeListName, requiredLabel, TABLES, type TableId, typeLabel } from './fields.ts';

const cell = (text: string) => text.replaceAll('|', '\\|');

export function renderTable(id: TableId): string {
  const table = TABLES[id];
  const rows = table.fields.map(
    (f) =>
      `| \`${f.name}\` | ${cell(typeLabel(f.type))} | ${cell(requiredLabel(f.required))} | ${cell(f.meaning)} | ${cell(f.source)} |`,
  );
  const open = 'open' in table && table.open ? ' Other keys may appear.' : '';
  return [
    `<!-- fields:${id} -->`,
    `*${table.title}.*${open}`,
    '',
    '| Field | Type | Required | Meaning | Source |',
    '| --- | --- | --- | --- | --- |',
    ...rows,
    '<!-- /fields -->',
  ].join('\n');
}

export function renderCodes(name: CodeListName): string {
  const rows = CODE_LISTS[name].map((c) => `| \`${c.code}\` | ${cell(c.meaning)} | ${cell(c.source)} |`);
  return [
    `<!-- codes:${name} -->`,
    '| Code | Meaning | Source |',
    '| --- | --- | --- |',
    ...rows,
    '<!-- /codes -->',
  ].join('\n');
}

export const TABLE_IDS = Object.keys(TABLES) as TableId[];
export const CODE_LIST_NAMES = Object.keys(CODE_LISTS) as CodeListName[];

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  for (const id of TABLE_IDS) console.log(`${renderTable(id)}\n`);
  for (const name of CODE_LIST_NAMES) console.log(`#### ${name}\n\n${renderCodes(name)}\n`);
}
