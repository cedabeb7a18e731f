import { enqueue } from '#modules/notifications/index.ts';
import { findPlaceById } from '#modules/places/index.ts';
import type { Clock } from '#platform/clock.ts';
import type { Db } from '#platform/db/client.ts';
import type { Events } from '#platform/events.ts';
import { formatDate } from '#platform/i18n/dates.ts';
import * as q from './feedback.queries.ts';
import { newDeadlines } from './feedback.routing.ts';
import { append, emitChanged, type Report, stateOf } from './feedback.service.ts';
import { availableActions, nextStage, type Routing } from './feedback.workflow.ts';

/**
 * Reports at the commune past the deadline of the stage it must do next (accepting it, or
 * answering it) go to the province, with new deadlines and a message to both offices' notification
 * addresses. A report waiting for the reporter's information, or answered and waiting to be
 * published, stays (the publication is the answering office's own step). Safe to run from several
 * instances at once: each report is locked and re-checked before it moves.
 */
export async function escalateOverdue(db: Db, events: Events, clock: Clock, batch = 100): Promise<string[]> {
  const now = clock.now();
  const escalated: { id: number; code: string; from: number; to: number; report: Report }[] = [];
  let queued = 0;
  for (const { id } of await q.listOverdue(db, now, batch)) {
    await db.transaction(async (tx) => {
      const report = await q.lockReport(tx, id);
      if (!report) return;
      const { state } = await stateOf(tx, id);
      const next = nextStage(state);
      if (!next || next.dueAt.getTime() >= now.getTime()) return;
      if (!availableActions(state, 'system', now).includes('escalate')) return;
      const commune = await findPlaceById(tx, report.communeId);
      const province = commune?.parentId ? await findPlaceById(tx, commune.parentId) : undefined;
      if (!commune || !province) return;
      // A transfer: the stages not done yet count again from now, at the province.
      const routing: Routing = await newDeadlines(
        db,
        tx,
        { ...state.routing, level: 'province', placeId: province.id, placePath: province.path },
        now,
      );
      const done = await append(tx, report, {
        type: 'escalate',
        at: now,
        actorKind: 'system',
        actorLabel: 'system',
        details: {
          routing,
          from: {
            placeId: state.routing.placeId,
            level: state.routing.level,
            dueAt: state.routing.dueAt,
            stage: next.stage,
            stageDueAt: next.dueAt.toISOString(),
          },
        },
      });
      const [category] = await q.findCategoriesByIds(tx, [state.routing.categoryId]);
      const text = `Xã Số: phản ánh ${report.serviceRequestId} (${category?.nameVi ?? ''}) quá hạn ở ${commune.fullName}, đã chuyển lên ${province.fullName}, hạn mới ${formatDate(done.report.dueAt)}.`;
      for (const c of await q.listContactsAt(tx, [commune.id, province.id])) {
        const ok = await enqueue(tx, {
          channel: c.channel,
          recipient: c.recipient,
          body: text,
          ...(c.channel === 'email'
            ? { subject: `Phản ánh ${report.serviceRequestId} quá hạn, đã chuyển cấp` }
            : {}),
          template: 'feedback.escalated',
          dedupeKey: `feedback:${done.action.id}:${c.id}`,
        });
        if (ok) queued++;
      }
      escalated.push({
        id,
        code: report.serviceRequestId,
        from: commune.id,
        to: province.id,
        report: done.report,
      });
    });
  }
  if (queued) await events.emit('notifications.queued', {});
  for (const e of escalated) {
    await events.emit('feedback.escalated', {
      reportId: e.id,
      code: e.code,
      fromPlaceId: e.from,
      toPlaceId: e.to,
    });
    await emitChanged(events, e.report, 'escalate', now);
  }
  return escalated.map((e) => e.code);
}
