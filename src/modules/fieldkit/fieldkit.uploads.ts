import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  type AssistDeps,
  kitCatalogue,
  MAX_UPLOAD_BYTES,
  receiveUpload,
  requestConsentCode,
  UploadGap,
  uploadState,
  verifyConsentCode,
} from './assisted.service.ts';
import { SYNC } from './fieldkit.app.tsx';

/** The largest piece of a photo one request carries: small, so a cut link loses little. */
export const UPLOAD_PIECE_BYTES = 32 * 1024;

const UploadQuery = z.object({
  offset: z.coerce.number().int().min(0).max(MAX_UPLOAD_BYTES),
  total: z.coerce.number().int().min(1).max(MAX_UPLOAD_BYTES),
  name: z.string().max(100).default('anh.jpg'),
});
const Params = z.object({ id: z.uuid() });
const Problem = z.object({ type: z.string(), status: z.number(), detail: z.string() }).loose();
const UploadOut = z.object({
  id: z.string(),
  received: z.number(),
  total: z.number(),
  complete: z.boolean(),
});

/**
 * What assisted filing needs online: the procedures the kit carries, photographed papers sent in
 * pieces (resumable), and consent codes. Under the kit's cookie (`/to-cong-nghe/dong-bo/…`, CSRF
 * header on writes) and the bearer API (`/api/v1/fieldkit/…`). Registered in the kit's own plugin,
 * whose body parser takes raw bytes.
 */
export function registerAssistRoutes(scope: FastifyInstance, deps: AssistDeps) {
  const app = scope.withTypeProvider<ZodTypeProvider>();
  app.addContentTypeParser(
    'application/octet-stream',
    { parseAs: 'buffer', bodyLimit: UPLOAD_PIECE_BYTES + 1024 },
    (_req, body, done) => done(null, body),
  );

  for (const [base, api] of [
    [SYNC, false],
    ['/api/v1/fieldkit/', true],
  ] as const) {
    const doc = api ? { tags: ['fieldkit'], security: [{ bearer: [] }] } : { hide: true };
    app.get(
      `${base}${api ? 'catalogue' : 'thu-tuc'}`,
      {
        schema: { ...doc, summary: 'The commune-level procedures the kit keeps offline (e-form, documents)' },
      },
      async (req, reply) => {
        if (req.actor.kind !== 'staff') return reply.code(401).send({ error: 'sign-in' });
        const c = await kitCatalogue(req.ctx().db);
        return reply.header('etag', `"${c.version}"`).header('cache-control', 'no-cache').send(c);
      },
    );
    app.get(
      `${base}${api ? 'uploads' : 'tep'}/:id`,
      {
        schema: {
          ...doc,
          summary: 'How much of a photo has arrived',
          params: Params,
          response: { 200: UploadOut, 401: Problem },
        },
      },
      async (req) => uploadState(req.ctx(), req.params.id),
    );
    app.put(
      `${base}${api ? 'uploads' : 'tep'}/:id`,
      {
        bodyLimit: UPLOAD_PIECE_BYTES + 1024,
        schema: {
          ...doc,
          summary:
            'One piece of a photo at `offset` (application/octet-stream, ≤ 32 KB); a piece already received adds nothing',
          params: Params,
          querystring: UploadQuery,
          response: { 200: UploadOut, 400: Problem, 401: Problem, 409: z.unknown() },
        },
      },
      async (req, reply) => {
        try {
          return await receiveUpload(req.ctx(), deps, {
            id: req.params.id,
            offset: req.query.offset,
            total: req.query.total,
            name: req.query.name,
            bytes: Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0),
          });
        } catch (e) {
          if (e instanceof UploadGap)
            return reply.code(409).send({ id: req.params.id, received: e.received });
          throw e;
        }
      },
    );
    app.post(
      `${base}${api ? 'consent-codes' : 'ma-dong-y'}`,
      { schema: { ...doc, summary: "Send a one-time code to the citizen's phone to record their consent" } },
      async (req) => requestConsentCode(req.ctx(), deps, req.body),
    );
    app.post(
      `${base}${api ? 'consent-codes/verify' : 'ma-dong-y/xac-nhan'}`,
      { schema: { ...doc, summary: 'The code the citizen read back: a consent token for the filing' } },
      async (req) => verifyConsentCode(req.ctx(), deps, req.body),
    );
  }
}
