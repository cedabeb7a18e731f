import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { type HandlerCommand, handleReport } from './feedback.handling.ts';
import { categoriesById, getReportForStaff, listQueue } from './feedback.read.ts';
import { ActionIn, ReportOut } from './feedback.schemas.ts';
import type { FeedbackDeps, Report } from './feedback.service.ts';
import { ACTION_TYPES, STATUSES } from './feedback.workflow.ts';

const Problem = z.object({ type: z.string(), status: z.number(), detail: z.string() }).loose();
const bearer = [{ bearer: [] }];

const iso = (d: Date | null) => (d ? d.toISOString() : null);

function toOut(r: Report, categoryCode: string): ReportOut {
  return {
    id: r.id,
    code: r.serviceRequestId,
    status: r.status,
    category: categoryCode,
    placeId: r.placeId,
    communeId: r.communeId,
    handlingPlaceId: r.handlingPlaceId,
    handlingLevel: r.handlingLevel,
    dueAt: r.dueAt.toISOString(),
    createdAt: r.createdAt.toISOString(),
    description: r.description,
    landmark: r.landmark,
    lat: r.lat === null ? null : Number(r.lat),
    long: r.long === null ? null : Number(r.long),
    channel: r.channel,
    assignee: r.assigneeLabel,
    publicReply: r.publicReply,
    published: r.publishedAt !== null,
    rating: r.rating,
    stages: {
      accept: { dueAt: iso(r.acceptDueAt), lateAt: iso(r.acceptLateAt), doneAt: iso(r.acceptDoneAt) },
      info: { dueAt: iso(r.infoDueAt), lateAt: iso(r.infoLateAt), doneAt: iso(r.infoDoneAt) },
      answer: { dueAt: iso(r.answerDueAt), lateAt: iso(r.answerLateAt), doneAt: iso(r.answerDoneAt) },
      publish: { dueAt: iso(r.publishDueAt), lateAt: iso(r.publishLateAt), doneAt: iso(r.publishedAt) },
    },
  };
}

/**
 * The API's JSON keeps the name it was published with, `kind`; inside, the workflows call it `type`
 * (ACTION_TYPES), so the two are mapped here, at the edge.
 */
type Renamed<T> = T extends { kind: infer K } ? Omit<T, 'kind'> & { type: K } : never;

function commandOf({ kind, ...rest }: ActionIn): HandlerCommand {
  // The spread loses the link between `kind` and the other fields; the type puts it back, and
  // returning it as a HandlerCommand still checks that each API action is a command.
  const command = { type: kind, ...rest } as Renamed<ActionIn>;
  return command;
}

/** The handling queue for other tools (a province dashboard, a mobile app for officials). */
export function registerFeedbackApi(root: FastifyInstance, deps: FeedbackDeps) {
  const app = root.withTypeProvider<ZodTypeProvider>();

  app.get(
    '/api/v1/feedback',
    {
      schema: {
        tags: ['feedback'],
        summary: 'Reports the caller handles or whose commune is in their scope, soonest deadline first',
        security: bearer,
        querystring: z.object({
          status: z.enum(STATUSES).optional(),
          page: z.coerce.number().int().min(1).default(1),
        }),
        response: {
          200: z.object({ items: z.array(ReportOut), total: z.number() }),
          401: Problem,
          403: Problem,
        },
      },
    },
    async (req) => {
      const { rows, total } = await listQueue(req.ctx(), {
        ...(req.query.status ? { statuses: [req.query.status] } : {}),
        page: req.query.page,
        pageSize: 50,
      });
      const categories = await categoriesById(req.ctx().db);
      return { items: rows.map((r) => toOut(r, categories.get(r.categoryId)?.code ?? '')), total };
    },
  );

  const LogEntry = z.object({
    kind: z.enum(ACTION_TYPES),
    at: z.string(),
    actor: z.string(),
    body: z.string().nullable(),
  });

  app.get(
    '/api/v1/feedback/:id',
    {
      schema: {
        tags: ['feedback'],
        summary: 'One report with its contact data, log and the actions the caller may take next',
        security: bearer,
        params: z.object({ id: z.coerce.number().int().positive() }),
        response: {
          200: ReportOut.extend({
            contact: z.object({
              name: z.string().nullable(),
              phone: z.string().nullable(),
              email: z.string().nullable(),
            }),
            log: z.array(LogEntry),
            actions: z.array(z.enum(ACTION_TYPES)),
          }),
          401: Problem,
          404: Problem,
        },
      },
    },
    async (req) => {
      const info = await getReportForStaff(req.ctx(), req.params.id);
      const categories = await categoriesById(req.ctx().db);
      const r = info.report;
      return {
        ...toOut(r, categories.get(r.categoryId)?.code ?? ''),
        contact: { name: r.contactName, phone: r.contactPhone, email: r.contactEmail },
        log: info.log.map((a) => ({
          kind: a.type,
          at: a.at.toISOString(),
          actor: a.actorLabel,
          body: a.body,
        })),
        actions: info.actions,
      };
    },
  );

  app.post(
    '/api/v1/feedback/:id/actions',
    {
      schema: {
        tags: ['feedback'],
        summary:
          'Take an action on a report (acknowledge, refuse, request_info, assign, note, reply, merge, publish, close, reopen)',
        security: bearer,
        params: z.object({ id: z.coerce.number().int().positive() }),
        body: ActionIn,
        response: { 200: ReportOut, 400: Problem, 401: Problem, 403: Problem, 404: Problem, 409: Problem },
      },
    },
    async (req) => {
      const r = await handleReport(req.ctx(), deps, req.params.id, commandOf(req.body));
      const categories = await categoriesById(req.ctx().db);
      return toOut(r, categories.get(r.categoryId)?.code ?? '');
    },
  );
}
