import assert from 'node:assert/strict';
import fs from 'node:fs';
import { describe, it } from 'node:test';
import { CODE_LIST_NAMES, renderCodes, renderTable, TABLE_IDS } from './doc-tables.ts';
import { TABLES, tableSchema } from './fields.ts';

/**
 * docs/integrations/dvcqg.md and the mock's field definitions must say the same thing: every field
 * table and code list in the document equals what fields.ts prints, and nothing is in one only.
 */
const DOC = fs.readFileSync(new URL('../../docs/integrations/dvcqg.md', import.meta.url), 'utf8');

function blocks(kind: 'fields' | 'codes'): Map<string, string> {
  const found = new Map<string, string>();
  const pattern = new RegExp(`<!-- ${kind}:(.+?) -->[\\s\\S]*?<!-- /${kind} -->`, 'g');
  for (const m of DOC.matchAll(pattern)) {
    const id = m[1] ?? '';
    assert.ok(!found.has(id), `${kind}:${id} appears twice in the document`);
    found.set(id, m[0]);
  }
  return found;
}

describe('docs/integrations/dvcqg.md and fields.ts', () => {
  it('when the document shows a field table, then it equals the mock’s table, and every table is shown', () => {
    const shown = blocks('fields');
    assert.deepEqual([...shown.keys()].sort(), [...TABLE_IDS].sort());
    for (const id of TABLE_IDS) {
      assert.equal(shown.get(id), renderTable(id), `table ${id} differs: run doc-tables.ts and paste it`);
    }
  });

  it('when the document shows a code list, then it equals the mock’s list, and every list is shown', () => {
    const shown = blocks('codes');
    assert.deepEqual([...shown.keys()].sort(), [...CODE_LIST_NAMES].sort());
    for (const name of CODE_LIST_NAMES)
      assert.equal(shown.get(name), renderCodes(name), `codes ${name} differ`);
  });

  it('when a table names another table or a code list, then it exists, and every schema builds', () => {
    for (const id of TABLE_IDS) {
      for (const field of TABLES[id].fields) {
        if (field.type.kind === 'array')
          assert.ok(field.type.of in TABLES, `${id}.${field.name} → ${field.type.of}`);
        assert.ok(field.source.trim(), `${id}.${field.name} has no source`);
      }
      assert.doesNotThrow(() => tableSchema(id));
    }
  });

  it('when the national status list is read, then it is DOMAIN.md’s 1 to 10', () => {
    assert.match(DOC, /<!-- codes:TrangThaiHoSo -->/);
    assert.deepEqual(
      renderCodes('TrangThaiHoSo')
        .split('\n')
        .filter((l) => l.startsWith('| `'))
        .map((l) => /`(\d+)`/.exec(l)?.[1]),
      ['1', '2', '3', '4', '5', '6', '7', '8', '9', '10'],
    );
  });
});
