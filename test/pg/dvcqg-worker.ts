/**
 * A delivery worker for the national portal in a process of its own, as an app instance runs it:
 * the platform booted on DATABASE_URL (no job queue: the loop below stands for the schedule), then
 * passes until it is killed. Prints "ready" once it is about to claim its first dossiers, and one
 * line per pass that delivered something. Started by dvcqg-workers.test.ts.
 */
import { bootPlatform, stopPlatform } from '#app/bootstrap.ts';
import { deliveryDeps, drain } from '#modules/dvcqg/index.ts';
import { loadConfig } from '#platform/config.ts';

const platform = await bootPlatform(loadConfig({ ...process.env, JOBS: 'false' }));
const deps = deliveryDeps(platform);
let stopping = false;
process.on('SIGTERM', () => {
  stopping = true;
});
process.stdout.write(`ready ${deps.owner}\n`);
while (!stopping) {
  const r = await drain(deps, 5_000);
  if (r.changes) process.stdout.write(`delivered ${r.changes}\n`);
  // Nothing due: look again shortly (the app's schedule runs every minute, kicked by changes).
  if (r.claimed === 0) await new Promise((resolve) => setTimeout(resolve, 25));
}
await stopPlatform(platform);
