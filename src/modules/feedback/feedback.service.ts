import { type Actor, actorLabel } from '#platform/auth/actor.ts';
import type { Db } from '#platform/db/client.ts';
import { Conflict, NotFound } from '#platform/errors.ts';
import type { Events } from '#platform/events.ts';
import type { FileService } from '#platform/storage/index.ts';
import * as q from './feedback.queries.ts';
import {
  type Action,
  type ActionType,
  type ActorKind,
  type DerivedState,
  nextStage,
  stateFromActions,
} from './feedback.workflow.ts';

// What every feedback use case shares: the types, the action log and the report row's cache of it.
// The use cases have a file each: submission (`feedback.submission.ts`), handling by staff and by
// the reporter (`feedback.handling.ts`), escalation (`feedback.escalation.ts`), reads for the pages
// and the API (`feedback.read.ts`), settings (`feedback.settings.ts`). Where a report goes and by
// when is `feedback.routing.ts`; who sees and handles what is `feedback.access.ts`.

export type Report = q.ReportRow;
export type Category = q.CategoryRow;

/** What the use cases need beyond the request context. */
export interface FeedbackDeps {
  files: FileService;
  /** Absolute base for links in messages (the private link) and Open311 media_url. */
  publicUrl: string;
}

export const reportNotFound = () =>
  new NotFound({ vi: 'Không tìm thấy phản ánh này.', en: 'No such report.' });

export function privateLink(deps: FeedbackDeps, report: Report) {
  return `${deps.publicUrl.replace(/\/$/, '')}/phan-anh/theo-doi/${report.token}`;
}

// ---------------------------------------------------------------------------------------------
// The log and its cache

function toAction(a: q.ActionRow): Action {
  return {
    type: a.type,
    at: a.at,
    actorUserId: a.actorUserId,
    actorLabel: a.actorLabel,
    body: a.body,
    details: a.details,
  };
}

/** The report columns that are a cache of the log (see the migration). */
export function cacheOf(s: DerivedState) {
  return {
    status: s.status,
    categoryId: s.routing.categoryId,
    handlerRole: s.routing.role,
    handlingLevel: s.routing.level,
    handlingPlaceId: s.routing.placeId,
    handlingPlacePath: s.routing.placePath,
    dueAt: new Date(s.routing.dueAt),
    assigneeUserId: s.assigneeUserId,
    assigneeLabel: s.assigneeLabel,
    publicReply: s.publicReply,
    answeredAt: s.answeredAt,
    publishedAt: s.publishedAt,
    publicDescription: s.publicDescription,
    publicPhotos: s.publicPhotos,
    mergedIntoId: s.mergedIntoId,
    rating: s.rating,
    closedAt: s.closedAt,
    acceptDueAt: s.stages.accept.dueAt,
    acceptLateAt: s.stages.accept.lateAt,
    acceptDoneAt: s.stages.accept.doneAt,
    refusedAt: s.refusedAt,
    infoDueAt: s.stages.info.dueAt,
    infoLateAt: s.stages.info.lateAt,
    infoDoneAt: s.stages.info.doneAt,
    answerDueAt: s.stages.answer.dueAt,
    answerLateAt: s.stages.answer.lateAt,
    answerDoneAt: s.stages.answer.doneAt,
    publishDueAt: s.stages.publish.dueAt,
    publishLateAt: s.stages.publish.lateAt,
    nextDueAt: nextStage(s)?.dueAt ?? null,
    escalatedAt: s.escalatedAt,
    complaints: s.complaints,
  };
}

export async function stateOf(db: Db, reportId: number) {
  const log = await q.listActions(db, reportId);
  return { log, state: stateFromActions(log.map(toAction)) };
}

export interface NewAction {
  type: ActionType;
  at: Date;
  actorKind: ActorKind;
  actorUserId?: number | null;
  actorLabel: string;
  body?: string | null;
  details?: Record<string, unknown>;
}

export async function append(tx: Db, report: Report, a: NewAction) {
  const action = await q.insertAction(tx, { ...a, reportId: report.id, details: a.details ?? {} });
  const { state } = await stateOf(tx, report.id);
  const updated = await q.updateReport(tx, report.id, cacheOf(state));
  return { action, report: updated, state };
}

/** After commit: a report's facts changed (what the indicators' collector follows). */
export async function emitChanged(events: Events, report: Report, type: ActionType, at: Date) {
  await events.emit('feedback.changed', {
    reportId: report.id,
    code: report.serviceRequestId,
    type,
    at: at.toISOString(),
  });
}

export function actorOf(actor: Actor): {
  actorKind: ActorKind;
  actorUserId: number | null;
  actorLabel: string;
} {
  if (actor.kind === 'staff')
    return { actorKind: 'staff', actorUserId: actor.userId, actorLabel: actorLabel(actor) };
  if (actor.kind === 'citizen')
    return { actorKind: 'citizen', actorUserId: null, actorLabel: actorLabel(actor) };
  return { actorKind: 'reporter', actorUserId: null, actorLabel: 'reporter' };
}

// ---------------------------------------------------------------------------------------------
// An action the workflow does not allow now

const ACTION_NAMES: Record<ActionType, { vi: string; en: string }> = {
  submit: { vi: 'gửi', en: 'submit' },
  acknowledge: { vi: 'tiếp nhận', en: 'acknowledge' },
  refuse: { vi: 'từ chối tiếp nhận', en: 'be refused' },
  request_info: { vi: 'yêu cầu bổ sung thông tin cho', en: 'get a request for information' },
  supplement: { vi: 'bổ sung thông tin cho', en: 'take more information' },
  assign: { vi: 'giao xử lý', en: 'assign' },
  note: { vi: 'ghi chú', en: 'add a note' },
  reply: { vi: 'trả lời', en: 'reply' },
  merge: { vi: 'gộp', en: 'merge' },
  publish: { vi: 'công khai', en: 'publish' },
  close: { vi: 'đóng', en: 'close' },
  reopen: { vi: 'mở lại', en: 'reopen' },
  rate: { vi: 'đánh giá', en: 'rate' },
  escalate: { vi: 'chuyển cấp', en: 'escalate' },
};

export function notNow(type: ActionType) {
  return new Conflict({
    vi: `Không thể ${ACTION_NAMES[type].vi} phản ánh ở trạng thái hiện tại.`,
    en: `The report cannot ${ACTION_NAMES[type].en} in its current state.`,
  });
}
