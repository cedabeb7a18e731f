import type { FastifyInstance } from 'fastify';
import { blankToUndefined, parse } from '#platform/validation.ts';
import { Field } from '#web/form.tsx';
import { Layout, type PageCtx } from '#web/layout.tsx';
import { pageCtx, sendPage } from '#web/render.tsx';
import { listAlerts } from './broadcast.alerts.service.ts';
import { type ClusterView, listOfflineClusters } from './broadcast.clusters.service.ts';
import { codeParam } from './broadcast.http.ts';
import { listPlayReport } from './broadcast.reports.service.ts';
import { DAY_MS, localDate } from './broadcast.schedule.ts';
import { ReportQuery } from './broadcast.schemas.ts';
import { AlertList, ago, CommuneNav, fmtTime, NumberField } from './broadcast.views.tsx';

type PlayReport = Awaited<ReturnType<typeof listPlayReport>>;

/** What played where and when, clusters silent for too long, and the commune's alerts. */
export function registerReportPages(root: FastifyInstance) {
  root.get('/quan-tri/loa/xa/:code/bao-cao', async (req, reply) => {
    const { code } = codeParam.parse(req.params);
    const ctx = req.ctx();
    const query = parse(ReportQuery, blankToUndefined(req.query));
    const today = localDate(ctx.clock.now().getTime());
    const from = query.from ?? localDate(ctx.clock.now().getTime() - 6 * DAY_MS);
    const to = query.to ?? today;
    const { commune, plays } = await listPlayReport(ctx, code, { from, to });
    const offline = await listOfflineClusters(ctx, code, query.minutes);
    const alerts = await listAlerts(ctx, code);
    const page = await pageCtx(req, reply);
    const t = page.t;
    const now = ctx.clock.now();
    return sendPage(
      reply,
      <Layout page={page} title={t('broadcast:reports.h', { commune: commune.fullName })}>
        <h1>{t('broadcast:reports.h', { commune: commune.fullName })}</h1>
        <CommuneNav page={page} commune={commune} />
        <form method="get" action={`/quan-tri/loa/xa/${code}/bao-cao`}>
          <Field name="from" type="date" label={t('broadcast:reports.from')} value={from} />
          <Field name="to" type="date" label={t('broadcast:reports.to')} value={to} />
          <NumberField name="minutes" label={t('broadcast:reports.minutes')} value={String(query.minutes)} />
          <button type="submit">{t('broadcast:reports.show')}</button>
        </form>
        <OfflineClusters page={page} clusters={offline} minutes={query.minutes} now={now} />
        {alerts.length > 0 && (
          <>
            <h2>{t('broadcast:emergency.alert')}</h2>
            <AlertList alerts={alerts} />
          </>
        )}
        <h2 id="da-phat">{t('broadcast:reports.plays')}</h2>
        {plays.length === 0 ? (
          <p>{t('broadcast:reports.noPlays')}</p>
        ) : (
          <PlaysTable page={page} plays={plays} />
        )}
      </Layout>,
    );
  });
}

interface OfflineClustersProps {
  page: PageCtx;
  clusters: ClusterView[];
  minutes: number;
  now: Date;
}

function OfflineClusters({ page, clusters, minutes, now }: OfflineClustersProps) {
  const t = page.t;
  return (
    <>
      <h2 id="mat-ket-noi">{t('broadcast:reports.offlineH', { minutes })}</h2>
      {clusters.length === 0 ? (
        <p>{t('broadcast:reports.noneOffline', { minutes })}</p>
      ) : (
        <ul>
          {clusters.map((c) => (
            <li key={c.id} data-offline={c.code}>
              {c.name} ({c.placeName}) · {ago(t, c.lastSeenAt, now)}
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

function PlaysTable({ page, plays }: { page: PageCtx; plays: PlayReport['plays'] }) {
  const t = page.t;
  return (
    <table>
      <thead>
        <tr>
          <th>{t('broadcast:reports.when')}</th>
          <th>{t('broadcast:reports.where')}</th>
          <th>{t('broadcast:reports.what')}</th>
          <th>{t('broadcast:reports.outcome')}</th>
        </tr>
      </thead>
      <tbody>
        {plays.map((p) => (
          <tr key={p.id} data-play={p.clusterCode}>
            <td>
              {fmtTime(p.startedAt)}
              {p.scheduledAt && p.startedAt.getTime() - p.scheduledAt.getTime() >= 60_000 && (
                <div class="muted">
                  {t('broadcast:reports.late', {
                    minutes: Math.round((p.startedAt.getTime() - p.scheduledAt.getTime()) / 60_000),
                  })}
                </div>
              )}
            </td>
            <td>
              {p.clusterName}
              <div class="muted">{p.placeName}</div>
            </td>
            <td>
              {p.title ?? ''} <span class="tag">{t(`broadcast:priority.${p.priority}`)}</span>
            </td>
            <td>
              {t(`broadcast:outcome.${p.outcome}`)}
              {p.offline && <div class="muted">{t('broadcast:reports.offlineFlag')}</div>}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
