import { recordAudit } from '#modules/audit/index.ts';
import { provinceCalendar } from '#modules/calendar/index.ts';
import { listStaffFor } from '#modules/identity/index.ts';
import { enqueue, type NewNotification } from '#modules/notifications/index.ts';
import { findPlaceById } from '#modules/places/index.ts';
import { requireStaff } from '#platform/auth/actor.ts';
import type { Ctx } from '#platform/context.ts';
import { Forbidden, Invalid } from '#platform/errors.ts';
import { formatDate } from '#platform/i18n/dates.ts';
import { canHandle, canSee } from './feedback.access.ts';
import * as q from './feedback.queries.ts';
import { getReportByToken } from './feedback.read.ts';
import { getCategory, newDeadlines, publishClock, resolvePlace, routeFor } from './feedback.routing.ts';
import {
  actorOf,
  append,
  emitChanged,
  type FeedbackDeps,
  notNow,
  privateLink,
  type Report,
  reportNotFound,
  stateOf,
} from './feedback.service.ts';
import { availableActions } from './feedback.workflow.ts';

// The handling official's actions, and the reporter's through the private link.

export type HandlerCommand =
  | { type: 'acknowledge'; category?: string | undefined }
  | { type: 'refuse'; body: string }
  | { type: 'request_info'; body: string }
  | { type: 'assign'; assignee: 'me' | number }
  | { type: 'note'; body: string }
  | { type: 'reply'; body: string }
  | { type: 'merge'; into: string }
  | { type: 'publish'; description?: string | undefined; photos: boolean }
  | { type: 'close' }
  | { type: 'reopen'; body?: string | undefined };

/** What the reporter hears after each of these actions. */
type ToldAction = 'acknowledge' | 'refuse' | 'request_info' | 'reply';

function textFor(type: ToldAction, report: Report, link: string) {
  const code = report.serviceRequestId;
  switch (type) {
    case 'acknowledge':
      return {
        sms: `Xã Số: phản ánh ${code} đã được tiếp nhận, hạn trả lời ${formatDate(report.dueAt)}. Theo dõi: ${link}`,
        subject: `Phản ánh ${code} đã được tiếp nhận`,
      };
    case 'refuse':
      return {
        sms: `Xã Số: phản ánh ${code} không được tiếp nhận. Xem lý do: ${link}`,
        subject: `Phản ánh ${code} không được tiếp nhận`,
      };
    case 'request_info':
      return {
        sms: `Xã Số: cơ quan cần bạn bổ sung thông tin cho phản ánh ${code}. Xem và trả lời: ${link}`,
        subject: `Phản ánh ${code}: cần bổ sung thông tin`,
      };
    case 'reply':
      return {
        sms: `Xã Số: phản ánh ${code} đã có trả lời. Xem và đánh giá: ${link}`,
        subject: `Phản ánh ${code} đã có trả lời`,
      };
  }
}

/** Messages to the person who reported, if they left a phone number or an email address. */
function messagesToReporter(
  deps: FeedbackDeps,
  report: Report,
  type: ToldAction,
  body: string | null,
  actionId: number,
) {
  const { sms, subject } = textFor(type, report, privateLink(deps, report));
  const out: NewNotification[] = [];
  if (report.contactPhone) {
    out.push({
      channel: 'sms',
      recipient: report.contactPhone,
      body: sms,
      template: `feedback.${type}`,
      dedupeKey: `feedback:${actionId}:sms`,
    });
  }
  if (report.contactEmail) {
    // The email carries the text itself: the answer, the reason for refusing, the question.
    const heading = {
      acknowledge: '',
      refuse: 'Lý do',
      request_info: 'Nội dung cần bổ sung',
      reply: 'Trả lời',
    }[type];
    out.push({
      channel: 'email',
      recipient: report.contactEmail,
      subject,
      body: heading && body ? `${sms}\n\n${heading}:\n${body}` : sms,
      template: `feedback.${type}`,
      dedupeKey: `feedback:${actionId}:email`,
    });
  }
  return out;
}

const TOLD: readonly string[] = ['acknowledge', 'refuse', 'request_info', 'reply'] satisfies ToldAction[];

export async function handleReport(ctx: Ctx, deps: FeedbackDeps, id: number, cmd: HandlerCommand) {
  const staff = requireStaff(ctx.actor);
  const now = ctx.clock.now();
  let queued = 0;
  const result = await ctx.db.transaction(async (tx) => {
    const report = await q.lockReport(tx, id);
    if (!report || !canSee(staff, report)) throw reportNotFound();
    if (!canHandle(staff, report)) throw new Forbidden();
    const { state } = await stateOf(tx, id);
    if (!availableActions(state, 'handler', now).includes(cmd.type)) throw notNow(cmd.type);
    const who = actorOf(staff);
    let body: string | null = null;
    const details: Record<string, unknown> = {};
    switch (cmd.type) {
      case 'acknowledge': {
        // Accepted while waiting for the reporter: the information came another way (a call, a
        // visit), so the clocks run again from now, as after the reporter's own answer.
        const waited = state.status === 'awaiting_info';
        if (waited) details.routing = await newDeadlines(ctx.db, tx, state.routing, now);
        if (cmd.category) {
          const category = await getCategory(tx, cmd.category, { activeOnly: true });
          if (category.id !== state.routing.categoryId) {
            // Triage: another category may mean another office and another deadline.
            const places = await resolvePlace(tx, (await findPlaceById(tx, report.placeId))?.code ?? '');
            const calendar = await provinceCalendar(ctx.db, places.province, { via: tx });
            details.routing = routeFor(category, places, waited ? now : report.createdAt, calendar);
          }
        }
        break;
      }
      case 'assign': {
        if (cmd.assignee === 'me') {
          details.userId = staff.userId;
          details.label = staff.displayName;
        } else {
          const target = (await listStaffFor(tx, report.handlerRole, report.handlingPlacePath)).find(
            (h) => h.userId === cmd.assignee,
          );
          if (!target) {
            throw new Invalid([
              {
                field: 'assignee',
                vi: 'Người này không xử lý phản ánh ở địa bàn này.',
                en: 'This person does not handle feedback here.',
              },
            ]);
          }
          details.userId = target.userId;
          details.label = target.displayName;
        }
        break;
      }
      case 'refuse':
      case 'request_info':
      case 'note':
        body = cmd.body;
        break;
      case 'reply':
        body = cmd.body;
        // The first answer starts the publication's clock; a later one does not move it.
        if (!state.stages.publish.dueAt && !state.publishedAt)
          details.publish = await publishClock(ctx.db, tx, state.routing, now);
        break;
      case 'reopen':
        body = cmd.body ?? null;
        details.routing = await newDeadlines(ctx.db, tx, state.routing, now);
        break;
      case 'merge': {
        const target = await q.findReportByCode(tx, cmd.into);
        const fail = (vi: string, en: string) => new Invalid([{ field: 'into', vi, en }]);
        if (!target || !canHandle(staff, target))
          throw fail(
            'Không tìm thấy phản ánh đó trong phạm vi của bạn.',
            'No such report within your scope.',
          );
        if (target.id === report.id)
          throw fail('Không thể gộp phản ánh vào chính nó.', 'A report cannot be merged into itself.');
        if (target.mergedIntoId !== null || target.status === 'closed') {
          throw fail('Phản ánh đích đã đóng hoặc đã được gộp.', 'The target report is closed or merged.');
        }
        details.into = target.id;
        details.intoCode = target.serviceRequestId;
        break;
      }
      case 'publish':
        if (cmd.description && cmd.description !== report.description) details.description = cmd.description;
        details.photos = cmd.photos;
        break;
      case 'close':
        break;
    }
    const done = await append(tx, report, { type: cmd.type, at: now, ...who, body, details });
    if (TOLD.includes(cmd.type)) {
      for (const m of messagesToReporter(deps, done.report, cmd.type as ToldAction, body, done.action.id)) {
        if (await enqueue(tx, m)) queued++;
      }
    }
    await recordAudit(tx, ctx.actor, ctx.meta, {
      action: `feedback.${cmd.type}`,
      targetType: 'feedback',
      targetId: id,
      place: { id: done.report.handlingPlaceId, path: done.report.handlingPlacePath },
      details: { code: report.serviceRequestId, ...(cmd.type === 'merge' ? { into: details.intoCode } : {}) },
    });
    return done;
  });
  if (queued) await ctx.events.emit('notifications.queued', {});
  if (cmd.type === 'reply') {
    await ctx.events.emit('feedback.answered', { reportId: id, code: result.report.serviceRequestId });
  }
  await emitChanged(ctx.events, result.report, cmd.type, now);
  return result.report;
}

// ---------------------------------------------------------------------------------------------
// The reporter, holding the private link

export type ReporterCommand =
  | { type: 'rate'; rating: number }
  | { type: 'reopen'; body: string }
  | { type: 'supplement'; body: string };

export async function actAsReporter(ctx: Ctx, token: string, cmd: ReporterCommand) {
  const found = await getReportByToken(ctx.db, token);
  const now = ctx.clock.now();
  const result = await ctx.db.transaction(async (tx) => {
    const report = await q.lockReport(tx, found.id);
    if (!report) throw reportNotFound();
    const { state } = await stateOf(tx, report.id);
    if (!availableActions(state, 'reporter', now).includes(cmd.type)) throw notNow(cmd.type);
    const who =
      ctx.actor.kind === 'citizen'
        ? actorOf(ctx.actor)
        : { actorKind: 'reporter' as const, actorUserId: null, actorLabel: 'reporter' };
    // The reporter's information is a new sending, and reopening asks for a new answer: the
    // clocks run again from now (the stages already done keep theirs).
    const details =
      cmd.type === 'rate'
        ? { rating: cmd.rating }
        : { routing: await newDeadlines(ctx.db, tx, state.routing, now) };
    const body = cmd.type === 'rate' ? null : cmd.body;
    return (await append(tx, report, { type: cmd.type, at: now, ...who, body, details })).report;
  });
  await emitChanged(ctx.events, result, cmd.type, now);
  return result;
}
