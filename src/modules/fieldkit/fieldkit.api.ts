import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AssistDeps } from './assisted.service.ts';
import { CommandResult, HouseholdOut, PullQuery, PullResponse, PushRequest } from './fieldkit.schemas.ts';
import { getHamlet, getHousehold, listHouseholdsOf, toHouseholdOut } from './households.service.ts';
import { pull, push } from './sync.service.ts';

const Problem = z.object({ type: z.string(), status: z.number(), detail: z.string() }).loose();
const errors = { 400: Problem, 401: Problem, 403: Problem, 404: Problem };

/**
 * The kit's JSON API for clients with a bearer token (another app, a script). The browser kit uses
 * the same use cases through `/to-cong-nghe/dong-bo/*` with its session cookie (fieldkit.sync.ts).
 */
export function registerFieldkitApi(root: FastifyInstance, deps: AssistDeps) {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const tags = ['fieldkit'];
  const security = [{ bearer: [] }];

  app.get(
    '/api/v1/fieldkit/pull',
    {
      schema: {
        tags,
        security,
        summary:
          'What changed in the member’s hamlets since the cursor (households, tombstones, the checklist); pull again while `more`',
        querystring: PullQuery,
        response: { 200: PullResponse, ...errors },
      },
    },
    async (req) => pull(req.ctx(), req.query),
  );

  app.post(
    '/api/v1/fieldkit/push',
    {
      bodyLimit: 512 * 1024,
      schema: {
        tags,
        security,
        summary:
          'Apply the kit’s commands, each once per (clientId, command id), in order; each answered applied, conflict or rejected',
        body: PushRequest,
        response: { 200: z.object({ results: z.array(CommandResult) }), ...errors },
      },
    },
    async (req) => push(req.ctx(), deps, req.body),
  );

  app.get(
    '/api/v1/fieldkit/households/:id',
    {
      schema: {
        tags,
        security,
        summary: 'One household of a hamlet the caller may read',
        params: z.object({ id: z.uuid() }),
        response: { 200: HouseholdOut, ...errors },
      },
    },
    async (req) => toHouseholdOut(await getHousehold(req.ctx(), req.params.id)),
  );

  app.get(
    '/api/v1/fieldkit/hamlets/:id/households',
    {
      schema: {
        tags,
        security,
        summary: 'The households of a hamlet (search with or without diacritics)',
        params: z.object({ id: z.coerce.number().int().positive() }),
        querystring: z.object({
          q: z.string().trim().max(100).optional(),
          page: z.coerce.number().int().min(1).max(1000).default(1),
        }),
        response: { 200: z.object({ items: z.array(HouseholdOut) }), ...errors },
      },
    },
    async (req) => {
      const ctx = req.ctx();
      const hamlet = await getHamlet(ctx.db, req.params.id);
      const rows = await listHouseholdsOf(ctx, hamlet, { q: req.query.q, page: req.query.page });
      return { items: rows.map(toHouseholdOut) };
    },
  );
}
