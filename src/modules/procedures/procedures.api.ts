import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { Invalid } from '#platform/errors.ts';
import {
  ImportOut,
  ProcedureDefinition,
  ProcedureListItem,
  ProcedureOut,
  ProcedureSearch,
} from './procedures.schemas.ts';
import {
  exportCatalogue,
  getProcedure,
  importCatalogue,
  listProcedures,
  MAX_IMPORT,
  requireCatalogueAdmin,
  saveProcedure,
} from './procedures.service.ts';

const Problem = z.object({ type: z.string(), status: z.number(), detail: z.string() }).loose();
const Code = z.object({ code: z.string().trim().min(1).max(40) });
const IMPORT_LIMIT = 12 * 1024 * 1024;

/** Admin endpoints answer 401/403 before looking at a body that may be large or invalid. */
const catalogueAdmin = async (req: FastifyRequest) => {
  await requireCatalogueAdmin(req.ctx().db, req.actor);
};

/** Service errors name fields inside the body; the API names them from the request, as the validator does. */
function inBody(e: unknown): never {
  if (e instanceof Invalid) {
    throw new Invalid(
      e.fields.map((f) => ({ ...f, field: f.field === '_' ? 'body' : `body.${f.field}` })),
      e.detail,
    );
  }
  throw e;
}

export function registerProcedureApi(root: FastifyInstance) {
  const app = root.withTypeProvider<ZodTypeProvider>();

  app.get(
    '/api/v1/procedures',
    {
      schema: {
        tags: ['procedures'],
        summary: 'Search the procedure catalogue by name (with or without diacritics) or code, or by field',
        querystring: ProcedureSearch,
        response: { 200: z.object({ items: z.array(ProcedureListItem) }), 400: Problem },
      },
    },
    async (req) => ({
      items: (await listProcedures(req.ctx().db, req.query)).map((p) => ({
        code: p.code,
        name: p.name,
        field: p.field,
        days: p.days,
        onlineLevel: p.onlineLevel,
        verified: p.verified,
      })),
    }),
  );

  app.get(
    '/api/v1/procedures/export',
    {
      preValidation: catalogueAdmin,
      schema: {
        tags: ['procedures'],
        summary: 'The whole catalogue as definitions, by code (catalogue admins: province or country)',
        security: [{ bearer: [] }],
        response: { 200: z.array(ProcedureDefinition), 401: Problem, 403: Problem },
      },
    },
    async (req) => exportCatalogue(req.ctx().db),
  );

  app.get(
    '/api/v1/procedures/:code',
    {
      schema: {
        tags: ['procedures'],
        summary: 'A procedure’s full definition: documents, e-form, fees, days, workflow, legal basis',
        params: Code,
        response: { 200: ProcedureOut, 404: Problem },
      },
    },
    async (req) => getProcedure(req.ctx().db, req.params.code),
  );

  app.put(
    '/api/v1/procedures/:code',
    {
      preValidation: catalogueAdmin,
      schema: {
        tags: ['procedures'],
        summary:
          'Create or replace a procedure (catalogue admins). `verified` defaults to false: a save that does not say it is verified un-verifies it.',
        security: [{ bearer: [] }],
        params: Code,
        body: ProcedureDefinition,
        response: {
          200: ProcedureOut,
          201: ProcedureOut,
          400: Problem,
          401: Problem,
          403: Problem,
          409: Problem,
        },
      },
    },
    async (req, reply) => {
      if (req.body.code !== req.params.code) {
        throw new Invalid([
          {
            field: 'body.code',
            vi: 'Mã trong nội dung phải trùng với mã trên đường dẫn.',
            en: 'The code in the body must match the code in the URL.',
          },
        ]);
      }
      const r = await saveProcedure(req.ctx(), req.body).catch(inBody);
      return reply.code(r.created ? 201 : 200).send(r.procedure);
    },
  );

  app.post(
    '/api/v1/procedures/import',
    {
      preValidation: catalogueAdmin,
      bodyLimit: IMPORT_LIMIT,
      schema: {
        tags: ['procedures'],
        summary:
          'Import definitions (catalogue admins): all are checked first and nothing is written if any is invalid; errors name the record index and field. Codes not in the body stay as they are.',
        security: [{ bearer: [] }],
        body: z.array(ProcedureDefinition).min(1).max(MAX_IMPORT),
        response: { 200: ImportOut, 400: Problem, 401: Problem, 403: Problem, 409: Problem },
      },
    },
    async (req) => importCatalogue(req.ctx(), req.body).catch(inBody),
  );
}
