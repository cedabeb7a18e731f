import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { getPlaceByCode, searchPlaces } from '#modules/places/index.ts';
import { NotFound } from '#platform/errors.ts';
import type { Platform } from '#platform/platform.ts';
import { blankToUndefined } from '#platform/validation.ts';
import { pageCtx, sendPage } from '#web/render.tsx';
import { handlesFeedback } from './feedback.access.ts';
import {
  communesWithAnswers,
  findReportByCode,
  listPhotos,
  listPublished,
  namesFor,
  openPhoto,
} from './feedback.read.ts';
import { IdParam, PageNo } from './feedback.schemas.ts';
import type { FeedbackDeps } from './feedback.service.ts';
import { PAGE_SIZE } from './views/common.tsx';
import { CommuneAnswersPage, LandingPage, ReportByCodePage } from './views/public.tsx';

/** Public pages: the start page, answers per commune, one report by its code, a report's photo. */
export function registerPublicPages(app: FastifyInstance, platform: Platform, deps: FeedbackDeps) {
  const db = platform.database.db;

  app.get('/phan-anh', async (req, reply) => {
    const page = await pageCtx(req, reply);
    const query = blankToUndefined(req.query);
    const q = typeof query.q === 'string' ? query.q.trim().slice(0, 100) : '';
    const results = q.length >= 2 ? await searchPlaces(db, { q, level: 'commune' }, 30) : [];
    const listed = await communesWithAnswers(db);
    const isHandler = await handlesFeedback(db, req.actor);
    return sendPage(reply, <LandingPage {...{ page, q, results, listed, isHandler }} />);
  });

  app.get('/phan-anh/xa/:code', async (req, reply) => {
    const { code } = z.object({ code: z.string().max(20) }).parse(req.params);
    const commune = await getPlaceByCode(db, code);
    if (commune.level !== 'commune') throw new NotFound();
    const current = PageNo.parse((req.query as { trang?: string }).trang);
    const { items, total } = await listPublished(db, commune.id, current, PAGE_SIZE);
    const { categories, places } = await namesFor(
      db,
      items.map((i) => i.report),
    );
    const page = await pageCtx(req, reply);
    return sendPage(
      reply,
      <CommuneAnswersPage {...{ page, commune, items, categories, places, current, total }} />,
    );
  });

  app.get('/phan-anh/so', async (req, reply) => {
    const ma = String((req.query as { ma?: string }).ma ?? '')
      .trim()
      .toUpperCase();
    return reply.redirect(ma ? `/phan-anh/so/${encodeURIComponent(ma)}` : '/phan-anh', 303);
  });

  app.get('/phan-anh/so/:code', async (req, reply) => {
    const { code } = z.object({ code: z.string().max(40) }).parse(req.params);
    const r = await findReportByCode(db, code.toUpperCase());
    if (!r) throw new NotFound({ vi: 'Không tìm thấy phản ánh này.', en: 'No such report.' });
    const page = await pageCtx(req, reply);
    const [{ categories, places }, photos] = await Promise.all([
      namesFor(db, [r]),
      r.publishedAt && r.publicPhotos ? listPhotos(db, r.id) : Promise.resolve([]),
    ]);
    return sendPage(reply, <ReportByCodePage {...{ page, r, photos, categories, places }} />);
  });

  app.get('/phan-anh/anh/:id', async (req, reply) => {
    const { id } = IdParam.parse(req.params);
    const token = (req.query as { t?: string }).t;
    const photo = await openPhoto(req.ctx(), deps, id, typeof token === 'string' ? token : undefined);
    return reply
      .type(photo.file.mimeType)
      .header('cache-control', photo.isPublic ? 'public, max-age=86400' : 'private, no-store')
      .header('referrer-policy', 'no-referrer')
      .send(photo.stream);
  });
}
