import type { FastifyInstance } from 'fastify';
import { fieldErrors } from '#platform/validation.ts';
import { pageCtx, sendPage } from '#web/render.tsx';
import { type FeedbackFigures, FiguresQuery, figuresFor } from './feedback.figures.ts';
import { FiguresPage } from './views/figures.tsx';

/** The figures page: GET only, so it works as a bookmark and without JavaScript. */
export function registerFiguresPages(app: FastifyInstance) {
  app.get('/quan-tri/phan-anh/thong-ke', async (req, reply) => {
    if (req.actor.kind !== 'staff')
      return reply.redirect(`/dang-nhap?next=${encodeURIComponent(req.url)}`, 303);
    const page = await pageCtx(req, reply);
    const query = req.query as Record<string, string | undefined>;
    const values = { place: query.place ?? '', from: query.from ?? '', to: query.to ?? '' };
    let figures: FeedbackFigures | undefined;
    let errors: Record<string, string> = {};
    if (values.place) {
      const parsed = FiguresQuery.safeParse(values);
      if (parsed.success) figures = await figuresFor(req.ctx(), parsed.data);
      else
        errors = Object.fromEntries(
          fieldErrors(parsed.error).map((f) => [f.field, page.locale === 'en' ? f.en : f.vi]),
        );
    }
    return sendPage(
      reply,
      <FiguresPage {...{ page, values, errors, figures }} />,
      errors.place || errors.from || errors.to ? 400 : 200,
    );
  });
}
