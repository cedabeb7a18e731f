import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function withoutTestContext(env: NodeJS.ProcessEnv) {
  const { NODE_TEST_CONTEXT: _, ...rest } = env;
  return rest;
}

describe('npm run test:unit', () => {
  it('when a test makes the code call console.error, then the run fails, as it does under npm test', () => {
    const run = spawnSync(
      'npm',
      ['run', '--silent', 'test:unit', '--', 'test/fixtures/console-error/logs-an-error.ts'],
      {
        cwd: ROOT,
        encoding: 'utf8',
        // Its own run, not a subtest of this one (node:test marks its children with NODE_TEST_CONTEXT).
        env: { ...withoutTestContext(process.env), DATABASE_URL: '' },
      },
    );
    assert.match(run.stdout, /(ℹ|#) pass 1/, 'the test itself passes');
    assert.match(run.stderr + run.stdout, /console\.error was called during a test/);
    assert.notEqual(run.status, 0);
  });
});
