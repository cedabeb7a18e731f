import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { NotFound } from '#platform/errors.ts';
import type { Platform } from '#platform/platform.ts';
import { handleForm } from '#web/form-action.ts';
import { pageCtx, sendPage } from '#web/render.tsx';
import { canHandle } from './feedback.access.ts';
import { type HandlerCommand, handleReport } from './feedback.handling.ts';
import { getReportForStaff, listQueue, namesFor } from './feedback.read.ts';
import type { FormPage } from './feedback.routes.ts';
import {
  AcknowledgeForm,
  AssignForm,
  CloseForm,
  IdParam,
  InfoRequestForm,
  MergeForm,
  NoteForm,
  PageNo,
  PublishForm,
  RefuseForm,
  ReplyForm,
  StaffReopenForm,
} from './feedback.schemas.ts';
import type { FeedbackDeps } from './feedback.service.ts';
import type { Status } from './feedback.workflow.ts';
import { PAGE_SIZE } from './views/common.tsx';
import { QueuePage, StaffReportPage } from './views/staff.tsx';

/** The queue's views (`?loc=`). */
const FILTERS: Record<string, { statuses?: Status[]; overdue?: boolean }> = {
  open: { statuses: ['new', 'awaiting_info', 'acknowledged', 'in_progress', 'reopened'] },
  overdue: { overdue: true },
  answered: { statuses: ['answered'] },
  closed: { statuses: ['closed'] },
  all: {},
};

/** Each action's form: its slug in the URL, its schema, the command it makes. */
const ACTIONS: Record<string, { schema: z.ZodType; command: (d: never) => HandlerCommand }> = {
  'tiep-nhan': {
    schema: AcknowledgeForm,
    command: (d: z.output<typeof AcknowledgeForm>) => ({ type: 'acknowledge', category: d.category }),
  },
  'tu-choi': {
    schema: RefuseForm,
    command: (d: z.output<typeof RefuseForm>) => ({ type: 'refuse', body: d.reason }),
  },
  'yeu-cau-bo-sung': {
    schema: InfoRequestForm,
    command: (d: z.output<typeof InfoRequestForm>) => ({ type: 'request_info', body: d.question }),
  },
  giao: {
    schema: AssignForm,
    command: (d: z.output<typeof AssignForm>) => ({ type: 'assign', assignee: d.assignee }),
  },
  'ghi-chu': {
    schema: NoteForm,
    command: (d: z.output<typeof NoteForm>) => ({ type: 'note', body: d.note }),
  },
  'tra-loi': {
    schema: ReplyForm,
    command: (d: z.output<typeof ReplyForm>) => ({ type: 'reply', body: d.reply }),
  },
  gop: { schema: MergeForm, command: (d: z.output<typeof MergeForm>) => ({ type: 'merge', into: d.into }) },
  'cong-khai': {
    schema: PublishForm,
    command: (d: z.output<typeof PublishForm>) => ({
      type: 'publish',
      description: d.description,
      photos: d.photos === 'on',
    }),
  },
  dong: { schema: CloseForm, command: () => ({ type: 'close' }) },
  'mo-lai': {
    schema: StaffReopenForm,
    command: (d: z.output<typeof StaffReopenForm>) => ({ type: 'reopen', body: d.reason }),
  },
};

const staffPage: FormPage = async (platform, req, reply, state, status = 200) => {
  const db = platform.database.db;
  const { id } = IdParam.parse(req.params);
  const info = await getReportForStaff(req.ctx(), id);
  const r = info.report;
  const { categories, places } = await namesFor(db, [r]);
  const page = await pageCtx(req, reply);
  return sendPage(
    reply,
    <StaffReportPage
      {...{ page, state, info, categories, places }}
      now={platform.clock.now()}
      done={Boolean((req.query as { xong?: string }).xong)}
      handles={canHandle(req.actor, r)}
    />,
    status,
  );
};

/** Staff pages: the queue (/quan-tri/phan-anh), one report, and the forms of its actions. */
export function registerStaffPages(app: FastifyInstance, platform: Platform, deps: FeedbackDeps) {
  const db = platform.database.db;

  app.get('/quan-tri/phan-anh', async (req, reply) => {
    if (req.actor.kind !== 'staff') return reply.redirect('/dang-nhap?next=/quan-tri/phan-anh', 303);
    const query = req.query as { loc?: string; trang?: string };
    const filter = query.loc && query.loc in FILTERS ? query.loc : 'open';
    const current = PageNo.parse(query.trang);
    const { rows, total } = await listQueue(req.ctx(), {
      ...FILTERS[filter],
      page: current,
      pageSize: PAGE_SIZE,
    });
    const { categories, places } = await namesFor(db, rows);
    const page = await pageCtx(req, reply);
    return sendPage(
      reply,
      <QueuePage
        {...{ page, filter, rows, total, current, categories, places }}
        filters={Object.keys(FILTERS)}
        now={platform.clock.now()}
      />,
    );
  });

  app.get('/quan-tri/phan-anh/:id', async (req, reply) => {
    if (req.actor.kind !== 'staff')
      return reply.redirect(`/dang-nhap?next=${encodeURIComponent(req.url)}`, 303);
    return staffPage(platform, req, reply, { values: {}, errors: {} });
  });

  app.post('/quan-tri/phan-anh/:id/:action', (req, reply) => {
    const { id, action } = IdParam.extend({ action: z.string() }).parse(req.params);
    const spec = ACTIONS[action];
    if (!spec) throw new NotFound();
    return handleForm(
      req,
      reply,
      spec.schema,
      async (data) => {
        await handleReport(req.ctx(), deps, id, spec.command(data as never));
        return `/quan-tri/phan-anh/${id}?xong=1`;
      },
      (state, status) => staffPage(platform, req, reply, state, status),
    );
  });
}
