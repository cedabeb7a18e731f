import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { type Allowance, checkBoundaries } from './check-boundaries.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const FIXTURE = path.join(ROOT, 'test/fixtures/boundaries');

/** What the fixture's files say they break: `// VIOLATION <rule> (line N)`. */
function marked(): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.ts')) {
        const rel = path.relative(FIXTURE, p).split(path.sep).join('/');
        for (const m of fs.readFileSync(p, 'utf8').matchAll(/VIOLATION ([\w-]+) \(line (\d+)\)/g))
          out.push(`${rel}:${m[2]}:${m[1]}`);
      }
    }
  };
  walk(path.join(FIXTURE, 'src'));
  return out.sort();
}

describe('module boundary check', () => {
  it('when a fixture breaks each boundary, then every violation is reported at its line and nothing else', () => {
    const expected = marked();
    assert.equal(expected.length, 11, 'the fixture marks its violations');
    const found = checkBoundaries(FIXTURE, { allowed: [] })
      .map((v) => `${v.file}:${v.line}:${v.rule}`)
      .sort();
    assert.deepEqual(found, expected);
  });

  it('when the fixture breaks a boundary, then the command exits 1 and names the file and the rule', () => {
    const run = spawnSync(process.execPath, [path.join(ROOT, 'scripts/check-boundaries.mjs'), FIXTURE], {
      encoding: 'utf8',
    });
    assert.equal(run.status, 1);
    assert.match(run.stderr, /src\/modules\/alpha\/alpha\.service\.ts:2 {2}module-entry/);
    assert.match(run.stderr, /SQL names 'beta_rows', a table of the beta module/);
  });

  it('when an allow-list entry names the file, rule and table, then that use passes; when it matches nothing, it is reported', () => {
    const allowed: Allowance[] = [
      { file: 'src/modules/alpha/alpha.queries.ts', rule: 'sql', table: 'beta_rows', reason: 'test' },
      { file: 'src/modules/alpha/gone.ts', rule: 'sql', table: 'beta_rows', reason: 'test' },
    ];
    const found = checkBoundaries(FIXTURE, { allowed }).map((v) => `${v.file}:${v.rule}`);
    assert.ok(!found.includes('src/modules/alpha/alpha.queries.ts:foreign-table'));
    assert.ok(found.includes('src/modules/alpha/gone.ts:stale-allowance'));
  });

  it('when the project itself is checked, then it keeps every boundary', () => {
    assert.deepEqual(checkBoundaries(ROOT), []);
  });
});
