import { enqueue } from '#modules/notifications/index.ts';
import { findPlaceById } from '#modules/places/index.ts';
import type { Clock } from '#platform/clock.ts';
import type { Db } from '#platform/db/client.ts';
import type { Events } from '#platform/events.ts';
import { vnDate } from './feedback.dates.ts';
import * as q from './feedback.queries.ts';
import { newDueAt } from './feedback.routing.ts';
import { append, stateOf } from './feedback.service.ts';
import { availableActions, type Routing } from './feedback.workflow.ts';

/**
 * Reports past their deadline at the commune go to the province, with a new deadline and a message
 * to both offices' notification addresses. Safe to run from several instances at once: each report
 * is locked and re-checked before it moves.
 */
export async function escalateOverdue(db: Db, events: Events, clock: Clock, batch = 100): Promise<string[]> {
  const now = clock.now();
  const escalated: { id: number; code: string; from: number; to: number }[] = [];
  let queued = 0;
  for (const { id } of await q.listOverdue(db, now, batch)) {
    await db.transaction(async (tx) => {
      const report = await q.lockReport(tx, id);
      if (!report || report.dueAt.getTime() >= now.getTime()) return;
      const { state } = await stateOf(tx, id);
      if (!availableActions(state, 'system', now).includes('escalate')) return;
      const commune = await findPlaceById(tx, report.communeId);
      const province = commune?.parentId ? await findPlaceById(tx, commune.parentId) : undefined;
      if (!commune || !province) return;
      const routing: Routing = {
        ...state.routing,
        level: 'province',
        placeId: province.id,
        placePath: province.path,
        dueAt: await newDueAt(tx, state.routing, now),
      };
      const done = await append(tx, report, {
        type: 'escalate',
        at: now,
        actorKind: 'system',
        actorLabel: 'system',
        details: {
          routing,
          from: { placeId: state.routing.placeId, level: state.routing.level, dueAt: state.routing.dueAt },
        },
      });
      const [category] = await q.findCategoriesByIds(tx, [state.routing.categoryId]);
      const text = `Xã Số: phản ánh ${report.serviceRequestId} (${category?.nameVi ?? ''}) quá hạn ở ${commune.fullName}, đã chuyển lên ${province.fullName}, hạn mới ${vnDate(done.report.dueAt)}.`;
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
      escalated.push({ id, code: report.serviceRequestId, from: commune.id, to: province.id });
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
  }
  return escalated.map((e) => e.code);
}
