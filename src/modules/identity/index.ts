import type { FastifyInstance } from 'fastify';
import type { Platform } from '#platform/platform.ts';
import { registerIdentityApi } from './identity.api.ts';
import { deleteExpiredSessions } from './identity.queries.ts';
import { registerIdentityPages } from './identity.routes.tsx';

export {
  type AuthDeps,
  currentTotp,
  LOCK_THRESHOLD,
  requestCitizenCode,
  resolveActor,
  signInStaff,
  verifyCitizenCode,
} from './auth.service.ts';
export { listStaffFor } from './identity.queries.ts';
export { SESSION_COOKIE } from './identity.routes.tsx';
export { NewUser } from './identity.schemas.ts';
export { hashPassword } from './passwords.ts';
export { type DemoAccounts, disableDemoAccounts, ensureUser, findActiveDemoAccounts } from './seed.ts';
export { createUser, grantRole, listUsers } from './users.service.ts';

export function registerIdentityRoutes(app: FastifyInstance, platform: Platform) {
  const deps = { config: platform.config, limiter: platform.limiter, pepper: platform.secrets.pepper };
  registerIdentityPages(app, platform, deps);
  registerIdentityApi(app, deps);
}

export const SESSION_SWEEP_QUEUE = 'identity.sessions.sweep';
/** Every hour, at 23 past (Vietnam time): expired sessions would otherwise pile up for ever. */
export const SESSION_SWEEP_CRON = '23 * * * *';

/** The hourly sweep of expired web sessions and API tokens, on the job queue (one instance runs it). */
export async function startIdentityWorkers(platform: Platform) {
  const jobs = platform.jobs;
  if (!jobs) return;
  await jobs.work(SESSION_SWEEP_QUEUE, async () => {
    await deleteExpiredSessions(platform.database.db, platform.clock.now());
  });
  await jobs.schedule(SESSION_SWEEP_QUEUE, SESSION_SWEEP_CRON);
}
