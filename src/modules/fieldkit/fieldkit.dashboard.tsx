import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { translator } from '#platform/i18n/index.ts';
import { Field } from '#web/form.tsx';
import { Layout } from '#web/layout.tsx';
import { pageCtx, sendPage } from '#web/render.tsx';
import {
  currentMonth,
  type Dashboard,
  dashboard,
  dashboardCsv,
  defaultPlace,
  type Share,
} from './dashboard.service.ts';

const BASE = '/quan-tri/to-cong-nghe/thong-ke';

const Query = z.object({
  noi: z.string().trim().max(20).optional(),
  tu: z.string().trim().max(10).optional(),
  den: z.string().trim().max(10).optional(),
});

async function figuresFor(req: FastifyRequest) {
  const ctx = req.ctx();
  const query = Query.parse(req.query);
  const month = currentMonth(ctx.clock.now());
  const placeCode = query.noi || (await defaultPlace(ctx)).code;
  return dashboard(ctx, { placeCode, from: query.tu || month.from, to: query.den || month.to });
}

const pct = (s: Share) => (s.value === null ? '—' : `${(s.value * 100).toFixed(0)} %`);

function ShareCell({ s }: { s: Share }) {
  return (
    <td>
      {pct(s)}{' '}
      <small class="muted">
        ({s.numerator}/{s.denominator})
      </small>
    </td>
  );
}

/** The teams' figures for leaders, the commune and the province, with a CSV of the same. */
export function registerDashboard(app: FastifyInstance) {
  app.get(BASE, async (req: FastifyRequest, reply: FastifyReply) => {
    if (req.actor.kind !== 'staff')
      return reply.redirect(`/dang-nhap?next=${encodeURIComponent(req.url)}`, 303);
    const d: Dashboard = await figuresFor(req);
    const page = await pageCtx(req, reply);
    const t = page.t;
    const qs = new URLSearchParams({ noi: d.place.code, tu: d.from, den: d.to });
    return sendPage(
      reply,
      <Layout page={page} title={t('fieldkit:dash.title')}>
        <h1>
          {t('fieldkit:dash.title')} · {d.place.fullName}
        </h1>
        <form method="get" action={BASE}>
          <Field
            name="noi"
            label={t('fieldkit:dash.place')}
            hint={t('fieldkit:dash.placeHint')}
            value={d.place.code}
          />
          <Field name="tu" type="date" label={t('fieldkit:dash.from')} value={d.from} />
          <Field name="den" type="date" label={t('fieldkit:dash.to')} value={d.to} />
          <button type="submit" class="secondary">
            {t('fieldkit:dash.show')}
          </button>
        </form>
        <p>
          <a href={`${BASE}.csv?${qs}`} download>
            {t('fieldkit:dash.csv')}
          </a>
        </p>
        {/* Wider than a phone: the table scrolls, and a keyboard can reach it to scroll it. */}
        <section style="overflow-x:auto" tabindex={0} aria-label={t('fieldkit:dash.title')}>
          <table>
            <thead>
              <tr>
                <th>{t('fieldkit:dash.unit')}</th>
                <th>{t('fieldkit:dash.households')}</th>
                <th>{t('fieldkit:dash.visited')}</th>
                <th>{t('fieldkit:dash.visits')}</th>
                <th>{t('fieldkit:visit.smartphone')}</th>
                <th>{t('fieldkit:visit.vneid')}</th>
                <th>{t('fieldkit:visit.cashless')}</th>
                <th>{t('fieldkit:visit.dvc')}</th>
                <th>{t('fieldkit:dash.assisted')}</th>
              </tr>
            </thead>
            <tbody>
              {[...d.rows, d.total].map((r) => (
                <tr key={r === d.total ? 'total' : r.place.id}>
                  <td>{r === d.total ? <strong>{t('fieldkit:dash.total')}</strong> : r.place.name}</td>
                  <td>{r.households}</td>
                  <td>{r.visited}</td>
                  <td>{r.visits}</td>
                  <ShareCell s={r.smartphone} />
                  <td>
                    {pct(r.vneid)}{' '}
                    <small class="muted">({t('fieldkit:dash.adults', { count: r.vneidAdults })})</small>
                  </td>
                  <ShareCell s={r.cashless} />
                  <ShareCell s={r.publicService} />
                  <td>{r.assisted}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
        <p class="muted">{t('fieldkit:dash.note')}</p>
        <h2>{t('fieldkit:dash.perMember')}</h2>
        {d.members.length === 0 ? (
          <p>{t('fieldkit:dash.none')}</p>
        ) : (
          <table>
            <thead>
              <tr>
                <th>{t('fieldkit:dash.member')}</th>
                <th>{t('fieldkit:dash.visits')}</th>
                <th>{t('fieldkit:dash.visited')}</th>
              </tr>
            </thead>
            <tbody>
              {d.members.map((m) => (
                <tr key={m.memberId}>
                  <td>{m.memberName}</td>
                  <td>{m.visits}</td>
                  <td>{m.households}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Layout>,
    );
  });

  app.get(`${BASE}.csv`, async (req, reply) => {
    const d = await figuresFor(req);
    return reply
      .header('content-type', 'text/csv; charset=utf-8')
      .header(
        'content-disposition',
        `attachment; filename="to-cong-nghe-${d.place.code}-${d.from}-${d.to}.csv"`,
      )
      .send(dashboardCsv(d, translator(req.locale)));
  });
}
