import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Invalid } from '#platform/errors.ts';
import { translator } from '#platform/i18n/index.ts';
import { fieldErrors } from '#platform/validation.ts';
import { barChart } from '#web/charts.ts';
import { Layout } from '#web/layout.tsx';
import { pageCtx, sendPage } from '#web/render.tsx';
import { statisticsCsv } from './statistics.csv.ts';
import { type Statistics, StatsQuery, statisticsFor } from './statistics.service.ts';
import { Figures, IndexSection } from './statistics.views.tsx';
import './statistics.messages.ts';

function defaults(req: FastifyRequest) {
  const q = req.query as Record<string, string | undefined>;
  const staff = req.actor.kind === 'staff' ? req.actor : undefined;
  const today = new Date(Date.now() + 7 * 3_600_000).toISOString().slice(0, 10);
  return {
    place: q.place ?? staff?.grants[0]?.placeName ?? '',
    placeCode: q.place,
    from: q.from ?? `${today.slice(0, 4)}-01-01`,
    to: q.to ?? today,
  };
}

export function registerStatisticsPages(app: FastifyInstance) {
  const page = async (req: FastifyRequest, reply: FastifyReply) => {
    if (req.actor.kind !== 'staff')
      return reply.redirect(`/dang-nhap?next=${encodeURIComponent(req.url)}`, 303);
    const p = await pageCtx(req, reply);
    const t = p.t;
    const v = defaults(req);
    let s: Statistics | undefined;
    let errors: Record<string, string> = {};
    if (v.placeCode) {
      const parsed = StatsQuery.safeParse({ place: v.placeCode, from: v.from, to: v.to });
      if (parsed.success) s = await statisticsFor(req.ctx(), parsed.data);
      else
        errors = Object.fromEntries(
          fieldErrors(parsed.error).map((f) => [f.field, p.locale === 'en' ? f.en : f.vi]),
        );
    }
    const qs = new URLSearchParams({ place: v.placeCode ?? '', from: v.from, to: v.to }).toString();
    return sendPage(
      reply,
      <Layout page={p} title={t('statistics:title')}>
        <h1>{t('statistics:heading')}</h1>
        <form method="get" action="/quan-tri/thong-ke" novalidate>
          <div class={errors.place ? 'field invalid' : 'field'}>
            <label for="f-place">{t('statistics:place')}</label>
            {errors.place && <strong class="err">{errors.place}</strong>}
            <input id="f-place" name="place" value={v.placeCode ?? ''} inputmode="numeric" />
          </div>
          <div class={errors.from ? 'field invalid' : 'field'}>
            <label for="f-from">{t('statistics:from')}</label>
            {errors.from && <strong class="err">{errors.from}</strong>}
            <input id="f-from" name="from" type="date" value={v.from} />
          </div>
          <div class={errors.to ? 'field invalid' : 'field'}>
            <label for="f-to">{t('statistics:to')}</label>
            {errors.to && <strong class="err">{errors.to}</strong>}
            <input id="f-to" name="to" type="date" value={v.to} />
          </div>
          <button type="submit">{t('statistics:show')}</button>
        </form>
        {s && (
          <section>
            <h2>
              {s.place.fullName}: {s.from} – {s.to}
            </h2>
            <p>
              <a href={`/quan-tri/thong-ke.csv?${qs}`} download>
                {t('statistics:csv')}
              </a>
            </p>
            <h2>{t('statistics:figures')}</h2>
            <Figures page={p} s={s} />
            <div
              dangerouslySetInnerHTML={{
                __html: barChart(
                  t('statistics:channelsChart'),
                  ([1, 2, 3] as const).map((c) => ({
                    label: t(`statistics:channel.${c}`),
                    value: s?.dossiers[`channel${c}`] ?? 0,
                    max: Math.max(1, s?.dossiers.received ?? 1),
                  })),
                ),
              }}
            />
            <IndexSection page={p} s={s} />
          </section>
        )}
      </Layout>,
      Object.keys(errors).length ? 400 : 200,
    );
  };
  app.get('/quan-tri/thong-ke', page);

  app.get('/quan-tri/thong-ke.csv', async (req, reply) => {
    const q = req.query as Record<string, string | undefined>;
    const parsed = StatsQuery.safeParse({ place: q.place, from: q.from, to: q.to });
    if (!parsed.success) throw new Invalid(fieldErrors(parsed.error));
    const s = await statisticsFor(req.ctx(), parsed.data);
    const t = translator(req.locale);
    return reply
      .header('content-type', 'text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="thong-ke-${s.place.code}-${s.from}-${s.to}.csv"`)
      .send(statisticsCsv(s, t));
  });
}
