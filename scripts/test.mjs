// `npm test`: the whole suite, first on embedded PGlite, then on a throwaway PostgreSQL 15 server.
// Plain JavaScript, so it can run before dependencies are installed and install them itself.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { serverAvailable, startCluster } from './pg-cluster.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
process.chdir(root);
const CI = process.env.CI === 'true';

if (!fs.existsSync('node_modules/.bin/tsx')) {
  console.log('Installing dependencies (npm ci)…');
  if (spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { stdio: 'inherit' }).status !== 0) process.exit(1);
}

const deps = spawnSync('bash', ['scripts/system-deps.sh'], { stdio: 'inherit' });
if (deps.status !== 0) {
  if (CI) process.exit(1);
  console.log(
    'Some system packages are missing: the tests that need them will be skipped (in CI they fail).',
  );
}

// Run on the project's pinned Node, whatever `node` started this script.
const node = fs.existsSync('node_modules/.bin/node')
  ? path.resolve('node_modules/.bin/node')
  : process.execPath;
const tsx = path.resolve('node_modules/tsx/dist/cli.mjs');
const args = process.argv.slice(2);
const only = args.length ? args : null;

function run(label, globs, env) {
  console.log(`\n=== ${label} ===`);
  return new Promise((resolve) => {
    const child = spawn(
      node,
      [
        tsx,
        '--test',
        '--test-concurrency=2',
        '--test-timeout=300000',
        '--import',
        './test/setup.ts',
        ...(only ?? globs),
      ],
      { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, ...env } },
    );
    let out = '';
    child.stdout.on('data', (d) => {
      process.stdout.write(d);
      out += d;
    });
    child.on('exit', (code) => {
      const count = (k) => Number(new RegExp(`ℹ ${k} (\\d+)`).exec(out.slice(-3000))?.[1] ?? 0);
      // The reporter lists failures with their errors at the end; kept to be repeated last of all,
      // where a truncated log still shows them.
      const at = out.lastIndexOf('✖ failing tests:');
      const failures = at < 0 ? '' : `${label}\n${out.slice(at, at + 8000)}`;
      resolve({ code: code ?? 1, pass: count('pass'), fail: count('fail'), failures });
    });
  });
}

const results = [];
// The whole suite also checks lint, formatting, module boundaries and types; a run of chosen files
// does not.
if (!only) {
  console.log('\n=== lint and types ===');
  const bin = (name) => path.resolve('node_modules/.bin', name);
  const lint = spawnSync(node, [bin('biome'), 'check', '.'], { stdio: 'inherit' });
  const boundaries = spawnSync(node, ['scripts/check-boundaries.mjs'], { stdio: 'inherit' });
  const types = spawnSync(node, [bin('tsc'), '--noEmit', '-p', '.'], { stdio: 'inherit' });
  const ok = lint.status === 0 && boundaries.status === 0 && types.status === 0;
  console.log(ok ? 'lint and types: ok' : 'lint and types: FAILED');
  results.push({ code: ok ? 0 : 1, pass: ok ? 1 : 0, fail: ok ? 0 : 1 });
}
const { DATABASE_URL: givenUrl, ...envWithoutDb } = process.env;
results.push(
  // scripts/**: tests of developer tools (the mock national portal) that use no database, so once is enough.
  await run(
    'PGlite (embedded)',
    ['src/**/*.test.ts', 'src/**/*.test.tsx', 'test/browser/**/*.test.ts', 'scripts/**/*.test.ts'],
    {
      ...envWithoutDb,
      DATABASE_URL: '',
    },
  ),
);

let cluster;
try {
  let url = givenUrl;
  if (!url) {
    if (!serverAvailable()) {
      if (CI) throw new Error('PostgreSQL server binaries are missing (CI needs them)');
      console.log('\nNo PostgreSQL server binaries: the server pass is skipped (in CI it fails).');
    } else {
      cluster = await startCluster();
      url = cluster.url;
    }
  }
  if (url) {
    results.push(
      await run(
        `PostgreSQL server (${url.replace(/\/\/[^@]*@/, '//')})`,
        ['src/**/*.test.ts', 'src/**/*.test.tsx', 'test/pg/**/*.test.ts'],
        { DATABASE_URL: url },
      ),
    );
  }
} catch (e) {
  console.log(String(e?.message ?? e));
  results.push({ code: 1, pass: 0, fail: 1 });
} finally {
  await cluster?.stop();
}

const pass = results.reduce((n, r) => n + r.pass, 0);
const fail = results.reduce((n, r) => n + r.fail, 0);
const failed = results.some((r) => r.code !== 0);
for (const r of results) if (r.failures) console.log(`\n=== failures again: ${r.failures}`);
console.log(`\ntotal: ${pass} passed, ${fail} failed`);
process.exit(failed || fail > 0 ? 1 : 0);
