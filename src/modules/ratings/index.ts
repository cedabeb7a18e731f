import type { FastifyInstance } from 'fastify';
import { documentsDeps, proofQuery } from '#modules/documents/index.ts';
import { dossiersWithActionSince, findDossierRecord } from '#modules/dossiers/index.ts';
import type { Db } from '#platform/db/client.ts';
import type { Platform } from '#platform/platform.ts';
import { registerRatingPages } from './ratings.routes.tsx';
import { findRating, inviteToRate } from './ratings.service.ts';

declare module '#platform/events.ts' {
  interface EventMap {
    /** An applicant rated a returned dossier. */
    'ratings.rated': { dossierId: number; code: string; score: number };
  }
}

export {
  findRating,
  mayRate,
  RatingInput,
  rate,
  ratingLink,
  SCORE_VI,
  SCORES,
  type Score,
} from './ratings.service.ts';

/** A dossier's rating page (to rate, or for staff to read the rating); `phone4` is the tracking proof. */
export function ratingPath(code: string, phone4?: string) {
  return `/ho-so/${encodeURIComponent(code)}/danh-gia${proofQuery({ so: phone4 })}`;
}

/** Whether the applicant has rated the dossier. */
export async function isRated(db: Db, dossierId: number): Promise<boolean> {
  return (await findRating(db, dossierId)) !== undefined;
}

/** The rating page (/ho-so/:code/danh-gia) and the SMS inviting a rating when a result is returned. */
export function registerRatingRoutes(app: FastifyInstance, platform: Platform) {
  const docs = documentsDeps(platform);
  registerRatingPages(app, docs);
  platform.events.on('dossiers.status-changed', async ({ dossierId, to }) => {
    if (to !== 10) return;
    const d = await findDossierRecord(platform.database.db, { id: dossierId });
    if (!d) return;
    if (await inviteToRate(platform.database.db, docs, d))
      await platform.events.emit('notifications.queued', {});
  });
}

const CATCH_UP_QUEUE = 'ratings.invite-catch-up';

/**
 * Every evening at 19:00: invite a rating for any dossier returned in the last two days that was
 * not invited (the dedupe key keeps it to one SMS; this only redoes what a lost event missed).
 */
export async function startRatingWorkers(platform: Platform) {
  const jobs = platform.jobs;
  if (!jobs) return;
  const docs = documentsDeps(platform);
  await jobs.work(CATCH_UP_QUEUE, async () => {
    const since = new Date(platform.clock.now().getTime() - 2 * 86_400_000);
    let queued = false;
    for (const code of await dossiersWithActionSince(platform.database.db, 'result_returned', since)) {
      const d = await findDossierRecord(platform.database.db, { code });
      if (d && d.status === 10 && (await inviteToRate(platform.database.db, docs, d))) queued = true;
    }
    if (queued) await platform.events.emit('notifications.queued', {});
  });
  await jobs.schedule(CATCH_UP_QUEUE, '0 19 * * *');
}
