import type { Platform } from '#platform/platform.ts';
import { adaptersFromConfig } from './adapters.ts';
import { deliverDue, requeueStuck } from './notifications.service.ts';

declare module '#platform/events.ts' {
  interface EventMap {
    /** Something was put in the outbox; deliver soon rather than at the next sweep. */
    'notifications.queued': Record<string, never>;
  }
}

export { type ChannelAdapter, DevAdapter, HttpSmsAdapter, SmtpAdapter } from './adapters.ts';
export { registerNotificationRoutes } from './notifications.routes.tsx';
export {
  deliverDue,
  enqueue,
  enqueueStatement,
  listDevMessages,
  listOutbox,
  MAX_ATTEMPTS,
  type NewNotification,
  retryDelayMs,
} from './notifications.service.ts';
export { type SmsSize, smsSize, stripDiacritics } from './sms.ts';

const QUEUE = 'notifications.deliver';

/**
 * Delivery runs as a job: kicked whenever something is queued, and swept every minute for retries
 * and for anything queued while no worker ran. pg-boss gives each job to one worker, and rows are
 * claimed with SKIP LOCKED, so a message is sent once however many instances run.
 */
export async function startNotificationWorker(platform: Platform) {
  const jobs = platform.jobs;
  if (!jobs) return;
  const adapters = adaptersFromConfig(platform.config, platform.database.db);
  await jobs.work(QUEUE, async () => {
    await requeueStuck(platform.database.db);
    for (;;) {
      const r = await deliverDue(platform.database.db, adapters, platform.metrics);
      if (r.sent + r.failed === 0) break;
    }
  });
  await jobs.schedule(QUEUE, '* * * * *');
  platform.events.on('notifications.queued', async () => {
    await jobs.send(QUEUE, {}, { singletonKey: 'kick', singletonSeconds: 1 });
  });
}
