import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ROLES, requireStaff } from '#platform/auth/actor.ts';
import { type AuthDeps, signInStaff, signOut } from './auth.service.ts';
import { NewGrant, NewUser, StaffSignIn, TokenOut } from './identity.schemas.ts';
import { createUser, getUser, grantRole, listUsers, revokeGrant } from './users.service.ts';

const Problem = z
  .object({ type: z.string(), title: z.string().optional(), status: z.number(), detail: z.string() })
  .loose();
const bearer = [{ bearer: [] }];
const UserSummary = z.object({
  id: z.number(),
  username: z.string(),
  displayName: z.string(),
  disabled: z.boolean(),
  totpEnabled: z.boolean(),
});
const GrantOut = z.object({
  id: z.number(),
  role: z.enum(ROLES),
  placeId: z.number(),
  placeCode: z.string(),
  placeName: z.string(),
});

export function registerIdentityApi(root: FastifyInstance, deps: AuthDeps) {
  const app = root.withTypeProvider<ZodTypeProvider>();

  app.post(
    '/api/v1/auth/login',
    {
      schema: {
        tags: ['auth'],
        summary: 'Exchange a staff username and password (and TOTP code if enabled) for a bearer token',
        body: StaffSignIn,
        response: { 200: TokenOut, 400: Problem, 429: Problem },
      },
      config: { rateLimit: { max: 60, timeWindow: 15 * 60_000 } },
    },
    async (req) => {
      const s = await signInStaff(req.ctx(), deps, req.body, 'api');
      return { token: s.token, tokenType: 'Bearer' as const, expiresAt: s.expiresAt.toISOString() };
    },
  );

  app.post(
    '/api/v1/auth/logout',
    { schema: { tags: ['auth'], summary: 'Revoke the bearer token used for this call', security: bearer } },
    async (req, reply) => {
      const auth = req.headers.authorization;
      if (auth?.startsWith('Bearer ')) await signOut(req.ctx().db, auth.slice(7));
      return reply.code(204).send();
    },
  );

  app.get(
    '/api/v1/me',
    {
      schema: {
        tags: ['auth'],
        summary: 'Who the bearer token belongs to, with their roles',
        security: bearer,
        response: {
          200: z.object({
            id: z.number(),
            username: z.string(),
            displayName: z.string(),
            grants: z.array(z.object({ role: z.enum(ROLES), placeId: z.number(), placeName: z.string() })),
          }),
          401: Problem,
        },
      },
    },
    async (req) => {
      const me = requireStaff(req.actor);
      return {
        id: me.userId,
        username: me.username,
        displayName: me.displayName,
        grants: me.grants.map((g) => ({ role: g.role, placeId: g.placeId, placeName: g.placeName })),
      };
    },
  );

  app.get(
    '/api/v1/users',
    {
      schema: {
        tags: ['users'],
        summary: 'Staff accounts inside the caller’s admin subtrees',
        security: bearer,
        response: { 200: z.object({ items: z.array(UserSummary) }), 401: Problem },
      },
    },
    async (req) => ({ items: await listUsers(req.ctx()) }),
  );

  app.post(
    '/api/v1/users',
    {
      schema: {
        tags: ['users'],
        summary: 'Create a staff account with a first role at a place (admin of that place)',
        security: bearer,
        body: NewUser,
        response: {
          201: z.object({ id: z.number(), username: z.string() }),
          400: Problem,
          403: Problem,
          409: Problem,
        },
      },
    },
    async (req, reply) => reply.code(201).send(await createUser(req.ctx(), req.body)),
  );

  app.get(
    '/api/v1/users/:id',
    {
      schema: {
        tags: ['users'],
        security: bearer,
        params: z.object({ id: z.coerce.number().int().positive() }),
        response: {
          200: UserSummary.extend({
            email: z.string().nullable(),
            phone: z.string().nullable(),
            grants: z.array(GrantOut),
          }),
          404: Problem,
        },
      },
    },
    async (req) => {
      const u = await getUser(req.ctx(), req.params.id);
      return {
        ...u,
        grants: u.grants.map(({ id, role, placeId, placeCode, placeName }) => ({
          id,
          role,
          placeId,
          placeCode,
          placeName,
        })),
      };
    },
  );

  app.post(
    '/api/v1/users/:id/grants',
    {
      schema: {
        tags: ['users'],
        summary: 'Grant a role at a place; it holds for the whole subtree',
        security: bearer,
        params: z.object({ id: z.coerce.number().int().positive() }),
        body: NewGrant,
        response: {
          201: z.object({ id: z.number() }),
          400: Problem,
          403: Problem,
          404: Problem,
          409: Problem,
        },
      },
    },
    async (req, reply) => {
      const g = await grantRole(req.ctx(), req.params.id, req.body);
      return reply.code(201).send({ id: g.id });
    },
  );

  app.delete(
    '/api/v1/users/:id/grants/:grantId',
    {
      schema: {
        tags: ['users'],
        security: bearer,
        params: z.object({
          id: z.coerce.number().int().positive(),
          grantId: z.coerce.number().int().positive(),
        }),
        response: { 204: z.null(), 403: Problem, 404: Problem },
      },
    },
    async (req, reply) => {
      await revokeGrant(req.ctx(), req.params.id, req.params.grantId);
      return reply.code(204).send(null);
    },
  );
}
