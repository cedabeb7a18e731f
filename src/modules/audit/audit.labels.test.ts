import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ACTION_TYPES } from '#modules/dossiers/index.ts';
import { ACTION_FAMILIES, ACTION_LABELS, DOSSIER_STEP_LABELS, targetLabel } from './audit.labels.ts';

const SRC = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return sources(p);
    return /\.tsx?$/.test(e.name) && !/\.test\.tsx?$/.test(e.name) ? [p] : [];
  });
}

/**
 * Every `action:` a `recordAudit(` call passes, read from the source: the text from the call to its
 * closing parenthesis (balanced), then its `action:` value up to the end of the line.
 */
function recordedActions() {
  const found: { file: string; expr: string }[] = [];
  for (const file of sources(SRC)) {
    if (file.includes(`${path.sep}audit${path.sep}`)) continue;
    const text = fs.readFileSync(file, 'utf8');
    for (const m of text.matchAll(/recordAudit\(/g)) {
      let depth = 0;
      let end = m.index + 'recordAudit'.length;
      for (; end < text.length; end++) {
        if (text[end] === '(') depth++;
        else if (text[end] === ')' && --depth === 0) break;
      }
      const call = text.slice(m.index, end);
      const action = /\baction:\s*([^\n]+?),?\s*$/m.exec(call);
      if (action?.[1]) found.push({ file: path.relative(SRC, file), expr: action[1] });
    }
  }
  return found;
}

describe('audit action labels', () => {
  const found = recordedActions();

  it('when the source is scanned, then it finds the recorded actions (about 40 call sites)', () => {
    assert.ok(found.length >= 40, `only ${found.length} recordAudit actions found: is the scan broken?`);
  });

  it('when a module records an action, then the audit log has a Vietnamese and an English name for it', () => {
    const missing: string[] = [];
    for (const { file, expr } of found) {
      const keys: string[] = [];
      // Literals, including each side of a conditional: 'a' or `x ? 'a' : 'b'`.
      for (const lit of expr.matchAll(/'([^']+)'/g)) if (lit[1]?.includes('.')) keys.push(lit[1]);
      const template = /^`([^`]+)`$/.exec(expr.trim());
      if (template?.[1]) {
        const values = ACTION_FAMILIES[template[1]];
        if (!values) missing.push(`${file}: template ${template[1]} is not in ACTION_FAMILIES`);
        else keys.push(...values.map((v) => (template[1] as string).replace(/\$\{[^}]+\}/, v)));
      }
      if (keys.length === 0) missing.push(`${file}: cannot read the action of ${expr}`);
      for (const k of keys) {
        const label = ACTION_LABELS[k];
        if (!label?.vi || !label.en) missing.push(`${file}: ${k}`);
      }
    }
    assert.deepEqual(missing, []);
  });

  it('when a dossier step is shown, then every step of the workflow has a name', () => {
    assert.deepEqual(
      ACTION_TYPES.filter((s) => !DOSSIER_STEP_LABELS[s]),
      [],
      'a dossier action type without a label in DOSSIER_STEP_LABELS',
    );
  });

  it('when a target is shown, then it reads as words with the code, not type#id', () => {
    assert.equal(
      targetLabel({ targetType: 'feedback', targetId: '1', details: { code: 'PA-20261120-0001' } }, 'vi'),
      'phản ánh PA-20261120-0001',
    );
    assert.equal(
      targetLabel({ targetType: 'dossier', targetId: '20.06541-261120-0001' }, 'vi'),
      'hồ sơ 20.06541-261120-0001',
    );
    assert.equal(
      targetLabel({ targetType: 'dossier', targetId: '20.06541-261120-0001' }, 'en'),
      'dossier 20.06541-261120-0001',
    );
    assert.equal(
      targetLabel({ targetType: 'user', targetId: '7', details: { username: 'can_bo' } }, 'vi'),
      'tài khoản can_bo',
    );
    assert.equal(targetLabel({ targetType: 'place', targetId: '12' }, 'vi'), 'địa bàn #12');
    assert.equal(targetLabel({ targetType: null, targetId: null }, 'vi'), '');
  });
});
