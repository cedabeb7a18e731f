import type { FastifyInstance } from 'fastify';
import type { Platform } from '#platform/platform.ts';
import { registerIdentityApi } from './identity.api.ts';
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
export { ensureUser } from './seed.ts';
export { createUser, grantRole, listUsers } from './users.service.ts';

export function registerIdentityRoutes(app: FastifyInstance, platform: Platform) {
  const deps = { config: platform.config, limiter: platform.limiter, pepper: platform.secrets.pepper };
  registerIdentityPages(app, platform, deps);
  registerIdentityApi(app, deps);
}
