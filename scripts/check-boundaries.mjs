// The module boundaries STYLE.md asks for, checked over the source tree (run by `npm run lint` and by
// the lint step of `npm test`). Biome's restricted imports see `#modules/x/internal.ts` but not a
// relative path into another module, and nothing in Biome reads SQL; this does both:
//   1. a module file imports another module only through its `index.ts` (`#modules/…` or relative);
//   2. a module file that is not a test imports nothing from the composition root (`#app/*`);
//   3. raw SQL in a module file that is not a test names no other module's table. A table belongs to
//      the module whose `*.tables.ts` declares it; views created by migrations are published for
//      reports (`dossier_facts`) and anyone may read them.
// Plain JavaScript with no dependency, so it runs before anything is installed or compiled.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Known exceptions, each with the file and the reason. An entry that no longer matches anything is
 * itself reported, so the list only shrinks.
 */
export const ALLOWED = [];

const SOURCE = /\.(ts|tsx|mts|mjs|js)$/;
const TEST = /\.test(-support)?\.(ts|tsx)$/;

function walk(dir) {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' ? [] : walk(p);
    return SOURCE.test(e.name) ? [p] : [];
  });
}

/** Which module owns each table: `pgTable('name', …)` in a module's `*.tables.ts`. */
export function tableOwners(root) {
  const owners = new Map();
  const modulesDir = path.join(root, 'src/modules');
  if (!fs.existsSync(modulesDir)) return owners;
  for (const mod of fs.readdirSync(modulesDir, { withFileTypes: true })) {
    if (!mod.isDirectory()) continue;
    for (const file of walk(path.join(modulesDir, mod.name))) {
      if (!file.endsWith('.tables.ts')) continue;
      const src = fs.readFileSync(file, 'utf8');
      for (const m of src.matchAll(/pgTable\(\s*['"]([A-Za-z_][\w]*)['"]/g)) owners.set(m[1], mod.name);
    }
  }
  return owners;
}

/** Views the migrations create: published read models, open to every module. */
export function publishedViews(root) {
  const views = new Set();
  const dir = path.join(root, 'migrations');
  if (!fs.existsSync(dir)) return views;
  for (const f of fs.readdirSync(dir)) {
    if (!f.endsWith('.sql')) continue;
    const sql = fs.readFileSync(path.join(dir, f), 'utf8').replace(/--.*$/gm, '');
    const re = /create\s+(?:or\s+replace\s+)?(?:materialized\s+)?view\s+(?:if\s+not\s+exists\s+)?"?(\w+)"?/gi;
    for (const m of sql.matchAll(re)) views.add(m[1].toLowerCase());
  }
  return views;
}

const REGEX_BEFORE = new Set([...'(,=:[!&|?{};+-*%<>~^']);
const REGEX_AFTER_WORD = /\b(return|typeof|case|in|of|delete|void|throw|new|yield|await|else|do)$/;

/**
 * The string and template literals of a TypeScript file, with the code just before each (to tell an
 * import's specifier from any other string) and the tag of a tagged template. A small lexer rather
 * than a parser: comments, regular expressions and `${…}` inside templates are followed well enough
 * for this purpose; a quote in JSX text ends at its line and harms nothing.
 */
export function literals(src) {
  const out = [];
  let i = 0;
  let line = 1;
  let code = ''; // code since the previous literal
  const stack = []; // brace depths of the `${` we are inside
  let depth = 0;
  const lastSignificant = () => code.trimEnd();

  const readQuoted = (q) => {
    const startLine = line;
    let text = '';
    i++;
    while (i < src.length) {
      const c = src[i];
      if (c === '\\') {
        text += src.slice(i, i + 2);
        if (src[i + 1] === '\n') line++;
        i += 2;
        continue;
      }
      if (c === q) {
        i++;
        break;
      }
      if (c === '\n') break; // unterminated (JSX text): stop at the line's end
      text += c;
      i++;
    }
    return { text, line: startLine };
  };

  /** Reads template text from i (just after ` or the } closing a `${`), up to ` or `${`. */
  const readTemplateChunk = () => {
    let text = '';
    while (i < src.length) {
      const c = src[i];
      if (c === '\\') {
        text += src.slice(i, i + 2);
        i += 2;
        continue;
      }
      if (c === '`') {
        i++;
        return { text, open: false };
      }
      if (c === '$' && src[i + 1] === '{') {
        i += 2;
        return { text, open: true };
      }
      if (c === '\n') line++;
      text += c;
      i++;
    }
    return { text, open: false };
  };

  // A template being read: its parts so far, its start line, the code and tag before it.
  const templates = [];

  const continueTemplate = () => {
    const t = templates[templates.length - 1];
    const chunk = readTemplateChunk();
    t.text += chunk.text;
    if (chunk.open) {
      t.text += ' ? '; // where an expression was
      stack.push(depth);
      depth = 0;
    } else {
      templates.pop();
      out.push({ kind: 'template', text: t.text, line: t.line, before: t.before, tag: t.tag });
    }
  };

  while (i < src.length) {
    const c = src[i];
    const n = src[i + 1];
    if (c === '\n') {
      line++;
      code += c;
      i++;
    } else if (c === '/' && n === '/') {
      while (i < src.length && src[i] !== '\n') i++;
    } else if (c === '/' && n === '*') {
      const end = src.indexOf('*/', i + 2);
      const stop = end < 0 ? src.length : end + 2;
      for (let k = i; k < stop; k++) if (src[k] === '\n') line++;
      i = stop;
      code += ' ';
    } else if (c === "'" || c === '"') {
      const before = lastSignificant();
      const s = readQuoted(c);
      out.push({ kind: 'string', text: s.text, line: s.line, before });
      code = '';
    } else if (c === '`') {
      const before = lastSignificant();
      const tag = /([A-Za-z_$][\w$]*)\s*$/.exec(before)?.[1];
      templates.push({ text: '', line, before, tag });
      i++;
      continueTemplate();
      code = '';
    } else if (c === '{') {
      depth++;
      code += c;
      i++;
    } else if (c === '}') {
      if (depth === 0 && stack.length && templates.length) {
        depth = stack.pop();
        i++;
        continueTemplate();
        code = '';
      } else {
        depth = Math.max(0, depth - 1);
        code += c;
        i++;
      }
    } else if (c === '/') {
      const prev = lastSignificant();
      const last = prev.at(-1);
      if (last === undefined || REGEX_BEFORE.has(last) || REGEX_AFTER_WORD.test(prev)) {
        // A regular expression literal: skip it (classes may hold a slash).
        i++;
        let inClass = false;
        while (i < src.length && src[i] !== '\n') {
          const r = src[i];
          if (r === '\\') {
            i += 2;
            continue;
          }
          if (r === '[') inClass = true;
          else if (r === ']') inClass = false;
          else if (r === '/' && !inClass) break;
          i++;
        }
        i++;
        code += ' /re/ ';
      } else {
        code += c;
        i++;
      }
    } else {
      code += c;
      i++;
    }
  }
  if (templates.length) out.unclosed = templates[templates.length - 1].line;
  return out;
}

const IMPORT_BEFORE = /(?:\bfrom|\bimport|\bimport\s*\(|\brequire\s*\(|\bdeclare\s+module)$/;

/** SQL, as opposed to any other text: the shape of a statement or a join. */
const LOOKS_LIKE_SQL =
  /\b(select\b[\s\S]*\bfrom|insert\s+into|update\s+"?\w+"?\s+set|delete\s+from|join|create\s+(table|view|index)|alter\s+table|truncate)\b/i;

function lineOf(text, re) {
  const m = re.exec(text);
  return m ? text.slice(0, m.index).split('\n').length - 1 : 0;
}

/**
 * Every boundary violation under `root` (a project folder with `src/modules` and `migrations`), as
 * `{ file, line, rule, message }` with paths relative to `root`, plus allow-list entries that no
 * longer match anything.
 */
export function checkBoundaries(dir, { allowed = ALLOWED } = {}) {
  const root = path.resolve(dir);
  const owners = tableOwners(root);
  const views = publishedViews(root);
  const modulesDir = path.join(root, 'src/modules');
  const appDir = path.join(root, 'src/app');
  const violations = [];
  const used = new Set();
  const rel = (p) => path.relative(root, p).split(path.sep).join('/');
  const moduleOf = (abs) => {
    const r = path.relative(modulesDir, abs);
    if (r.startsWith('..') || path.isAbsolute(r)) return undefined;
    return r.split(path.sep)[0];
  };
  const isAllowed = (file, rule, detail) => {
    const i = allowed.findIndex((a) => a.file === file && a.rule === rule && a.table === detail);
    if (i >= 0) used.add(i);
    return i >= 0;
  };

  for (const abs of walk(modulesDir)) {
    const file = rel(abs);
    const own = moduleOf(abs);
    const isTest = TEST.test(abs);
    const src = fs.readFileSync(abs, 'utf8');
    const lits = literals(src);
    if (lits.unclosed) {
      violations.push({
        file,
        line: lits.unclosed,
        rule: 'unreadable',
        message: 'the checker lost track of a template literal opened here: simplify the code around it',
      });
    }
    for (const lit of lits) {
      if (lit.kind === 'string' && IMPORT_BEFORE.test(lit.before)) {
        const spec = lit.text;
        let target; // absolute path, or a marker for the app
        if (spec.startsWith('#modules/')) target = path.join(modulesDir, spec.slice('#modules/'.length));
        else if (spec.startsWith('#app/')) target = path.join(appDir, spec.slice('#app/'.length));
        else if (spec.startsWith('./') || spec.startsWith('../'))
          target = path.resolve(path.dirname(abs), spec);
        else continue;
        const other = moduleOf(target);
        if (other && other !== own) {
          const entry = path.join(modulesDir, other, 'index.ts');
          if (target !== entry) {
            violations.push({
              file,
              line: lit.line,
              rule: 'module-entry',
              message: `imports '${spec}': another module is imported only through its index.ts (#modules/${other}/index.ts)`,
            });
          }
        }
        const inApp = !path.relative(appDir, target).startsWith('..');
        if (inApp && !isTest) {
          violations.push({
            file,
            line: lit.line,
            rule: 'app-import',
            message: `imports '${spec}': modules never import the composition root (#app/*); take what you need from #platform/*`,
          });
        }
        continue;
      }
      if (isTest) continue;
      const isSqlTag = lit.kind === 'template' && lit.tag === 'sql';
      if (!isSqlTag && !LOOKS_LIKE_SQL.test(lit.text)) continue;
      for (const [table, owner] of owners) {
        if (owner === own || views.has(table)) continue;
        const re = new RegExp(`(?<![\\w.$/-])"?${table}"?(?![\\w$/-])`, 'i');
        if (!re.test(lit.text)) continue;
        if (isAllowed(file, 'sql', table)) continue;
        violations.push({
          file,
          line: lit.line + lineOf(lit.text, re),
          rule: 'foreign-table',
          message: `SQL names '${table}', a table of the ${owner} module: read it through a view it publishes or a function of its index.ts`,
        });
      }
    }
  }
  allowed.forEach((a, i) => {
    if (!used.has(i)) {
      violations.push({
        file: a.file,
        line: 0,
        rule: 'stale-allowance',
        message: `the allow-list entry for '${a.table}' (${a.rule}) matches nothing any more: remove it from scripts/check-boundaries.mjs`,
      });
    }
  });
  return violations;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = path.resolve(process.argv[2] ?? path.join(path.dirname(fileURLToPath(import.meta.url)), '..'));
  const violations = checkBoundaries(root);
  for (const v of violations) console.error(`${v.file}:${v.line}  ${v.rule}  ${v.message}`);
  if (violations.length) {
    console.error(`\nmodule boundaries: ${violations.length} violation(s) (STYLE.md, docs/module-guide.md)`);
    process.exit(1);
  }
  console.log('module boundaries: ok');
}
