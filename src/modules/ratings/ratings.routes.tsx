import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { accessDossier, type DocumentsDeps, proofQuery } from '#modules/documents/index.ts';
import { AppError, Invalid } from '#platform/errors.ts';
import { parse } from '#platform/validation.ts';
import { Form } from '#web/form.tsx';
import { Layout } from '#web/layout.tsx';
import { pageCtx, sendPage } from '#web/render.tsx';
import { findRating, mayRate, RatingInput, rate, SCORES } from './ratings.service.ts';
import './ratings.messages.ts';

const CodeParams = z.object({ code: z.string().min(1).max(60) });
const ProofQuery = z.object({
  so: z
    .string()
    .regex(/^\d{4}$/)
    .optional(),
  t: z.string().max(64).optional(),
});

export function registerRatingPages(app: FastifyInstance, docs: DocumentsDeps) {
  const ratingPage = async (
    req: FastifyRequest,
    reply: FastifyReply,
    state: { error?: AppError | undefined; values?: Record<string, string> } = {},
    status = 200,
  ) => {
    const { code } = CodeParams.parse(req.params);
    const proof = ProofQuery.parse(req.query);
    const ctx = req.ctx();
    const d = await accessDossier(ctx, docs, code, { phone4: proof.so, token: proof.t });
    const existing = await findRating(ctx.db, d.id);
    const page = await pageCtx(req, reply);
    const t = page.t;
    const en = page.locale === 'en';
    const action = `/ho-so/${encodeURIComponent(d.code)}/danh-gia${proofQuery(proof)}`;
    const error = state.error && (state.error instanceof Invalid ? state.error.fields[0] : undefined);
    const errorText =
      state.error && (en ? (error ?? state.error.detail).en : (error ?? state.error.detail).vi);
    const procedure = en && d.procedure.name.en ? d.procedure.name.en : d.procedure.name.vi;
    return sendPage(
      reply,
      <Layout page={page} title={t('ratings:title', { code: d.code })}>
        <h1>{t('ratings:heading')}</h1>
        <p>{t('ratings:dossier', { code: d.code, procedure })}</p>
        {errorText && (
          <p class="errors" role="alert">
            {errorText}
          </p>
        )}
        {existing ? (
          <p class="notice" role="status" data-rated={existing.score}>
            {t(req.actor.kind === 'staff' ? 'ratings:rated' : 'ratings:thanks', {
              score: t(`ratings:score.${existing.score}`),
            })}
          </p>
        ) : !mayRate(d) ? (
          <p>{t('ratings:later')}</p>
        ) : req.actor.kind === 'staff' ? (
          // Staff open this page from the dossier to read the rating; only the applicant rates.
          <p data-rated="none">{t('ratings:notRated')}</p>
        ) : (
          <Form page={page} action={action}>
            <fieldset>
              <legend>{t('ratings:question')}</legend>
              {SCORES.map((s) => (
                <div class="field" key={s}>
                  <label>
                    <input
                      type="radio"
                      name="score"
                      value={String(s)}
                      checked={state.values?.score === String(s)}
                      required
                    />{' '}
                    {t(`ratings:score.${s}`)}
                  </label>
                </div>
              ))}
            </fieldset>
            <div class="field">
              <label for="f-comment">{t('ratings:comment')}</label>
              <textarea id="f-comment" name="comment" rows={4} maxlength={1000}>
                {state.values?.comment ?? ''}
              </textarea>
            </div>
            <button type="submit">{t('ratings:send')}</button>
          </Form>
        )}
      </Layout>,
      status,
    );
  };

  app.get('/ho-so/:code/danh-gia', (req, reply) => ratingPage(req, reply));
  app.post(
    '/ho-so/:code/danh-gia',
    { config: { rateLimit: { max: 20, timeWindow: 60_000 } } },
    async (req, reply) => {
      const { code } = CodeParams.parse(req.params);
      const proof = ProofQuery.parse(req.query);
      const body = (req.body ?? {}) as Record<string, string>;
      try {
        await rate(req.ctx(), docs, code, { phone4: proof.so, token: proof.t }, parse(RatingInput, body));
      } catch (e) {
        if (e instanceof Invalid) return ratingPage(req, reply, { error: e, values: body }, 400);
        if (e instanceof AppError && e.status === 409)
          return ratingPage(req, reply, { error: e, values: body }, 409);
        throw e;
      }
      return reply.redirect(`/ho-so/${encodeURIComponent(code)}/danh-gia${proofQuery(proof)}`, 303);
    },
  );
}
