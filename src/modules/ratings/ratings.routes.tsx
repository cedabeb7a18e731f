import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { accessDossier, type DocumentsDeps, proofQuery } from '#modules/documents/index.ts';
import { AppError, Invalid } from '#platform/errors.ts';
import { parse } from '#platform/validation.ts';
import { Form } from '#web/form.tsx';
import { Layout } from '#web/layout.tsx';
import { pageCtx, sendPage } from '#web/render.tsx';
import { findRating, mayRate, RatingInput, rate, SCORE_VI, SCORES } from './ratings.service.ts';

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
    state: { error?: string | undefined; values?: Record<string, string> } = {},
    status = 200,
  ) => {
    const { code } = CodeParams.parse(req.params);
    const proof = ProofQuery.parse(req.query);
    const ctx = req.ctx();
    const d = await accessDossier(ctx, docs, code, { phone4: proof.so, token: proof.t });
    const existing = await findRating(ctx.db, d.id);
    const page = await pageCtx(req, reply);
    const action = `/ho-so/${encodeURIComponent(d.code)}/danh-gia${proofQuery(proof)}`;
    return sendPage(
      reply,
      <Layout page={page} title={`Đánh giá – ${d.code}`}>
        <h1>Đánh giá mức độ hài lòng</h1>
        <p>
          Hồ sơ {d.code}: {d.procedure.name.vi}
        </p>
        {state.error && (
          <p class="errors" role="alert">
            {state.error}
          </p>
        )}
        {existing ? (
          <p class="notice" role="status" data-rated={existing.score}>
            Cảm ơn ông/bà đã đánh giá: {SCORE_VI[existing.score]}.
          </p>
        ) : !mayRate(d) ? (
          <p>Ông/bà đánh giá được sau khi nhận kết quả giải quyết hồ sơ.</p>
        ) : (
          <Form page={page} action={action}>
            <fieldset>
              <legend>Ông/bà hài lòng thế nào với việc giải quyết hồ sơ này?</legend>
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
                    {SCORE_VI[s]}
                  </label>
                </div>
              ))}
            </fieldset>
            <div class="field">
              <label for="f-comment">Góp ý (không bắt buộc)</label>
              <textarea id="f-comment" name="comment" rows={4} maxlength={1000}>
                {state.values?.comment ?? ''}
              </textarea>
            </div>
            <button type="submit">Gửi đánh giá</button>
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
        if (e instanceof Invalid)
          return ratingPage(req, reply, { error: e.fields[0]?.vi, values: body }, 400);
        if (e instanceof AppError && e.status === 409)
          return ratingPage(req, reply, { error: e.detail.vi, values: body }, 409);
        throw e;
      }
      return reply.redirect(`/ho-so/${encodeURIComponent(code)}/danh-gia${proofQuery(proof)}`, 303);
    },
  );
}
