import { z } from 'zod';
import { accessDossier, type DocumentsDeps, linkToken, type Proof } from '#modules/documents/index.ts';
import { type DossierRecord, dossierMessage } from '#modules/dossiers/index.ts';
import { enqueue } from '#modules/notifications/index.ts';
import type { Ctx } from '#platform/context.ts';
import type { Db } from '#platform/db/client.ts';
import { Conflict } from '#platform/errors.ts';
import { msg } from '#platform/validation.ts';
import * as q from './ratings.queries.ts';

/** 4 rất hài lòng · 3 hài lòng · 2 bình thường · 1 không hài lòng; 3 and 4 count as satisfied. */
export const SCORES = [4, 3, 2, 1] as const;
export type Score = (typeof SCORES)[number];
export const SCORE_VI: Record<Score, string> = {
  4: 'Rất hài lòng',
  3: 'Hài lòng',
  2: 'Bình thường',
  1: 'Không hài lòng',
};

export const RatingInput = z.object({
  score: z.coerce
    .number()
    .int()
    .refine(
      (n) => (SCORES as readonly number[]).includes(n),
      msg('Chọn một mức đánh giá.', 'Choose a rating.'),
    ),
  comment: z.string().trim().max(1000).optional(),
});
export type RatingInput = z.infer<typeof RatingInput>;

export function mayRate(d: Pick<DossierRecord, 'status'>) {
  return d.status === 10;
}

/**
 * The applicant rates the service once, after the result is returned: from the tracking page
 * (the tracking proof or a signed-in session) or from the link in the SMS.
 */
export async function rate(ctx: Ctx, docs: DocumentsDeps, code: string, proof: Proof, input: RatingInput) {
  const d = await accessDossier(ctx, docs, code, proof);
  if (ctx.actor.kind === 'staff') {
    throw new Conflict({ vi: 'Chỉ người nộp hồ sơ đánh giá.', en: 'Only the applicant rates.' });
  }
  if (!mayRate(d)) {
    throw new Conflict({
      vi: 'Hồ sơ chưa trả kết quả: ông/bà đánh giá được sau khi nhận kết quả.',
      en: 'The result has not been returned yet: rate after receiving it.',
    });
  }
  const saved = await q.insertRating(ctx.db, {
    dossierId: d.id,
    dossierCode: d.code,
    unitPath: d.unitPath,
    score: input.score as Score,
    comment: input.comment?.normalize('NFC') || null,
    source: proof.token ? 'sms' : 'web',
    // The platform's clock, as every other time a module records (a test's or a replay's).
    createdAt: ctx.clock.now(),
  });
  if (!saved)
    throw new Conflict({ vi: 'Hồ sơ này đã được đánh giá.', en: 'This dossier has already been rated.' });
  await ctx.events.emit('ratings.rated', { dossierId: d.id, code: d.code, score: saved.score });
  return saved;
}

export function findRating(db: Db, dossierId: number) {
  return q.findRating(db, dossierId);
}

export function ratingLink(docs: Pick<DocumentsDeps, 'publicUrl' | 'linkSecret'>, code: string) {
  return `${docs.publicUrl.replace(/\/$/, '')}/ho-so/${encodeURIComponent(code)}/danh-gia?t=${linkToken(docs.linkSecret, 'dossier', code)}`;
}

/**
 * The SMS inviting the applicant to rate, once per dossier, when its result is returned. Its text is
 * one of the dossier messages (`rating_invite`): written with diacritics like every other, sent
 * without them only if the province admin chose so for it on the messages page (one rule for all).
 */
export async function inviteToRate(db: Db, docs: DocumentsDeps, d: DossierRecord) {
  const body = await dossierMessage(db, docs.dossiers, d, 'rating_invite', {
    danh_gia: ratingLink(docs, d.code),
  });
  return enqueue(db, {
    channel: 'sms',
    recipient: d.applicant.phone,
    body,
    template: 'ratings.invite',
    dedupeKey: `ratings.invite:${d.code}`,
    placePath: d.unitPath,
  });
}
