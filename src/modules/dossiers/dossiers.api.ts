import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireStaff } from '#platform/auth/actor.ts';
import { Forbidden, Invalid, NotFound } from '#platform/errors.ts';
import { type Locale, translator } from '#platform/i18n/index.ts';
import type { Platform } from '#platform/platform.ts';
import { msg } from '#platform/validation.ts';
import type { PageCtx } from '#web/layout.tsx';
import { act, sendSupplement } from './dossiers.actions.ts';
import type { DossierDeps } from './dossiers.deps.ts';
import { submissionFrom } from './dossiers.form-input.ts';
import * as q from './dossiers.queries.ts';
import { type PublicView, track } from './dossiers.read.ts';
import {
  ActionInput,
  ActionOut,
  ActionResultOut,
  CHANNELS,
  DossierCode,
  IdempotencyKey,
  Phone4,
  SubmittedOut,
  TrackingOut,
} from './dossiers.schemas.ts';
import { submitDossier } from './dossiers.submit.ts';
import { multipartApi, multipartDeferred, uploadsOf, uploadsRecorded } from './dossiers.uploads.ts';
import { timelineText } from './dossiers.views.tsx';
import { mayView } from './dossiers.workflow.ts';

const Problem = z
  .object({ type: z.string(), title: z.string().optional(), status: z.number(), detail: z.string() })
  .loose();
const bearer = [{ bearer: [] }];

/** A multipart field holding JSON: sent as text, or as a part typed application/json. */
const json = (what: string) =>
  z.preprocess(
    (v) => {
      if (typeof v !== 'string') return v;
      try {
        return JSON.parse(v);
      } catch {
        return Symbol('invalid');
      }
    },
    z.record(z.string(), z.unknown(), {
      error: msg(`"${what}" phải là một đối tượng JSON.`, `"${what}" must be a JSON object.`),
    }),
  );

const fileBinary = z.string().meta({ format: 'binary' });

const SubmitBody = z
  .object({
    procedureCode: z.string().trim().min(1).max(40).describe('The procedure, e.g. 1.001193'),
    unitCode: z.string().trim().min(1).max(20).describe('The commune filed with (official code)'),
    applicant: json('applicant').describe('JSON: {name, idNumber (12 digits), phone, address, email?}'),
    form: json('form').default({}).describe('JSON: the e-form, keyed by field name'),
    channel: z.coerce
      .number()
      .int()
      .refine((c) => (CHANNELS as readonly number[]).includes(c))
      .optional()
      .describe('Staff only: 1 in person, 2 online, 3 post'),
    helpedPlaceCode: z.string().max(20).optional().describe('Staff only: where the applicant was helped'),
    receiveNow: z
      .enum(['true', 'false'])
      .optional()
      .describe('Staff only: receive at once (the clock starts)'),
  })
  .catchall(fileBinary.or(z.unknown()))
  .describe('multipart/form-data; each file in a part named doc.<required-document id>');

const SupplementBody = z
  .object({
    phone4: Phone4.optional(),
    note: z.string().max(2000).optional(),
  })
  .catchall(fileBinary.or(z.unknown()))
  .describe('multipart/form-data; each file in a part named doc.<required-document id>');

function localeOf(req: FastifyRequest) {
  return { t: translator(req.locale), locale: req.locale } as unknown as PageCtx;
}

export function registerDossierApi(root: FastifyInstance, platform: Platform, deps: DossierDeps) {
  registerPublicApi(root, platform, deps);
  registerStaffApi(root, deps);
}

/** The applicant's side: file a dossier, track it, send a supplement. */
function registerPublicApi(root: FastifyInstance, platform: Platform, deps: DossierDeps) {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const upload = multipartApi(platform);
  // A new dossier writes its files' rows in its own statement.
  const submission = multipartDeferred(platform);

  app.post(
    '/api/v1/dossiers',
    {
      ...submission,
      // Per address for the public; staff filing for walk-ins (one office, one address) are not held to it.
      config: {
        rateLimit: {
          max: 120,
          timeWindow: 60_000,
          allowList: (req: FastifyRequest) => req.actor?.kind === 'staff',
        },
      },
      schema: {
        tags: ['dossiers'],
        summary:
          'File a dossier (multipart). A repeated Idempotency-Key returns the first dossier instead of making another.',
        consumes: ['multipart/form-data'],
        headers: z.object({ 'idempotency-key': IdempotencyKey.optional() }).loose(),
        body: SubmitBody,
        response: { 201: SubmittedOut, 400: Problem, 403: Problem, 409: Problem, 415: Problem, 429: Problem },
      },
    },
    async (req, reply) => {
      if (!req.isMultipart()) {
        throw new Invalid([
          { field: 'body', vi: 'Gửi dạng multipart/form-data.', en: 'Send multipart/form-data.' },
        ]);
      }
      const up = uploadsOf(req);
      const files = submissionFrom({}, up.uploads).files;
      const b = req.body;
      const r = await submitDossier(req.ctx(), deps, {
        procedureCode: b.procedureCode,
        unitCode: b.unitCode,
        applicant: b.applicant,
        form: b.form,
        files,
        idempotencyKey: req.headers['idempotency-key'] as string | undefined,
        channel: b.channel as 1 | 2 | 3 | undefined,
        helpedPlaceCode: b.helpedPlaceCode,
        receiveNow: b.receiveNow === 'true' ? true : undefined,
        uploadErrors: up.errors,
      });
      if (r.replayed) {
        reply.header('idempotent-replayed', 'true');
      } else {
        // The dossier's statement wrote the rows of the files it was given (`DocumentFile.stored`).
        uploadsRecorded(
          req,
          files.map((f) => f.fileId),
        );
      }
      const t = translator(req.locale);
      return reply
        .code(201)
        .header('location', `/api/v1/dossiers/${encodeURIComponent(r.dossier.code)}`)
        .send({
          code: r.dossier.code,
          status: t(`dossiers:status.${r.dossier.status}`),
          statusCode: r.dossier.status,
        });
    },
  );

  app.get(
    '/api/v1/dossiers/:code',
    {
      schema: {
        tags: ['dossiers'],
        summary:
          'Public tracking: the dossier code and the last 4 digits of the applicant’s phone. A wrong code and a wrong phone get the same 404.',
        params: z.object({ code: DossierCode }),
        querystring: z.object({ phone4: Phone4 }),
        response: { 200: TrackingOut, 400: Problem, 404: Problem, 429: Problem },
      },
    },
    async (req, reply) => {
      const view = await track(req.ctx(), deps, req.params.code, req.query.phone4);
      // A view is reused while its dossier is unchanged (see `track`); so is its answer, serialised
      // (and checked against TrackingOut) once per language.
      let answers = trackingAnswers.get(view);
      if (!answers) {
        answers = {};
        trackingAnswers.set(view, answers);
      }
      let body = answers[req.locale];
      if (body === undefined) {
        body = reply.serialize(trackingAnswer(localeOf(req), view)) as string;
        answers[req.locale] = body;
      }
      // A string sent as JSON goes out as it is (Fastify serialises only objects).
      return reply.type('application/json; charset=utf-8').send(body as never);
    },
  );

  app.post(
    '/api/v1/dossiers/:code/supplements',
    {
      ...upload,
      config: { rateLimit: { max: 30, timeWindow: 10 * 60_000 } },
      schema: {
        tags: ['dossiers'],
        summary:
          'The applicant sends requested documents (multipart), proving it with phone4 (the tracking proof).',
        consumes: ['multipart/form-data'],
        params: z.object({ code: DossierCode }),
        body: SupplementBody,
        response: { 200: ActionResultOut, 400: Problem, 404: Problem, 409: Problem, 429: Problem },
      },
    },
    async (req) => {
      const up = uploadsOf(req);
      if (up.errors.length) throw new Invalid(up.errors);
      const files = submissionFrom({}, up.uploads).files;
      const r = await sendSupplement(req.ctx(), deps, req.params.code, {
        phone4: req.body.phone4,
        note: req.body.note,
        files,
      });
      uploadsRecorded(
        req,
        files.map((f) => f.fileId),
      );
      return actionResult(req.locale, r);
    },
  );
}

/** Staff's side: take an action, read the log (bearer tokens of staff at the dossier's unit). */
function registerStaffApi(root: FastifyInstance, deps: DossierDeps) {
  const app = root.withTypeProvider<ZodTypeProvider>();
  app.post(
    '/api/v1/dossiers/:code/actions',
    {
      schema: {
        tags: ['dossiers'],
        summary:
          'Take a workflow action (staff). 403 without the role at the dossier’s unit; 409 when the step does not allow it.',
        security: bearer,
        params: z.object({ code: DossierCode }),
        body: ActionInput,
        response: {
          200: ActionResultOut,
          400: Problem,
          401: Problem,
          403: Problem,
          404: Problem,
          409: Problem,
        },
      },
    },
    async (req) => {
      requireStaff(req.actor);
      const r = await act(req.ctx(), deps, req.params.code, req.body);
      return actionResult(req.locale, r);
    },
  );

  app.get(
    '/api/v1/dossiers/:code/actions',
    {
      schema: {
        tags: ['dossiers'],
        summary: 'The action log of a dossier (staff of its unit): the tracking sheet, oldest first',
        security: bearer,
        params: z.object({ code: DossierCode }),
        response: { 200: z.object({ items: z.array(ActionOut) }), 401: Problem, 403: Problem, 404: Problem },
      },
    },
    async (req) => {
      const staff = requireStaff(req.actor);
      const d = await q.findDossierByCode(req.ctx().db, req.params.code);
      if (!d) throw new NotFound();
      if (!mayView(staff, d)) throw new Forbidden();
      const rows = await q.listActions(req.ctx().db, d.id);
      return {
        items: rows.map((a) => ({
          id: a.id,
          type: a.type,
          at: a.at.toISOString(),
          actor: a.actorName,
          unitId: a.unitId,
          note: a.note,
          statusCode: a.statusAfter,
          payload: a.payload as Record<string, unknown>,
        })),
      };
    },
  );
}

/** A dossier after an action (staff) or a supplement (applicant), as the API answers it. */
function actionResult(locale: Locale, r: Awaited<ReturnType<typeof act>>) {
  const t = translator(locale);
  return {
    code: r.dossier.code,
    status: t(`dossiers:status.${r.state.status}`),
    statusCode: r.state.status,
    step: r.state.step,
    dueAt: r.dossier.dueAt?.toISOString() ?? null,
    available: r.available,
  };
}

const trackingAnswers = new WeakMap<PublicView, Partial<Record<Locale, string>>>();

/** The public tracking answer: statuses and timeline in the reader's language. */
function trackingAnswer(page: PageCtx, view: PublicView) {
  const d = view.dossier;
  return {
    code: d.code,
    procedure: { code: d.procedureCode, name: d.procedureName },
    status: page.t(`dossiers:status.${d.status}`),
    statusCode: d.status,
    submittedAt: d.submittedAt.toISOString(),
    receivedAt: d.validReceivedAt?.toISOString() ?? null,
    dueAt: view.dueAt?.toISOString() ?? null,
    paused: view.paused,
    missing: view.missing,
    unit: view.unitName,
    timeline: view.timeline.map((e) => ({
      at: e.at.toISOString(),
      type: e.type,
      statusCode: e.statusAfter,
      text: timelineText(page, e, view.dueAt),
      note: e.note,
    })),
  };
}
