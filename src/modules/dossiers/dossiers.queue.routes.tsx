import type { FastifyInstance } from 'fastify';
import { scopeOf } from '#platform/auth/actor.ts';
import { blankToUndefined, parse } from '#platform/validation.ts';
import { Field, Select } from '#web/form.tsx';
import { Layout, type PageCtx } from '#web/layout.tsx';
import { pageCtx, sendPage } from '#web/render.tsx';
import { listQueue, type QueuePage } from './dossiers.read.ts';
import { QueueQuery } from './dossiers.schemas.ts';
import { StatusTag, stepNote, when } from './dossiers.views.tsx';

/** The staff queue: my work / open / finished, filters, search, keyset pages. */

const VIEWS = ['mine', 'open', 'closed'] as const;

function QueueFilters({ page, query }: { page: PageCtx; query: QueueQuery }) {
  const t = page.t;
  return (
    <form method="get" action="/quan-tri/ho-so">
      <input type="hidden" name="view" value={query.view} />
      <Field name="q" type="search" label={t('dossiers:queue.q')} value={query.q} />
      <Select
        name="status"
        label={t('dossiers:queue.status')}
        value={query.status ? String(query.status) : ''}
        options={[
          { value: '', label: t('dossiers:queue.any') },
          ...[1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((s) => ({
            value: String(s),
            label: `${s} · ${t(`dossiers:status.${s}`)}`,
          })),
        ]}
      />
      <Field name="procedure" label={t('dossiers:queue.procedure')} value={query.procedure} />
      <Select
        name="due"
        label={t('dossiers:queue.due')}
        value={query.due ?? ''}
        options={[
          { value: '', label: t('dossiers:queue.any') },
          { value: 'near', label: t('dossiers:queue.dueNear') },
          { value: 'late', label: t('dossiers:queue.dueLate') },
        ]}
      />
      <button type="submit">{t('dossiers:queue.filter')}</button>
    </form>
  );
}

function QueueTable({ page, rows, now }: { page: PageCtx; rows: QueuePage['rows']; now: Date }) {
  const t = page.t;
  return (
    <table>
      <thead>
        <tr>
          <th>{t('dossiers:queue.code')}</th>
          <th>{t('dossiers:queue.applicant')}</th>
          <th>{t('dossiers:queue.status')}</th>
          <th>{t('dossiers:queue.dueAt')}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => {
          const late =
            r.dueAt && ['received', 'in_progress', 'pending_approval'].includes(r.step) && r.dueAt < now;
          return (
            <tr key={r.id} data-code={r.code}>
              <td>
                <a href={`/quan-tri/ho-so/${encodeURIComponent(r.code)}`}>{r.code}</a>
                <br />
                <small class="muted">{r.procedureName}</small>
              </td>
              <td>
                {r.applicantName}
                <br />
                <small class="muted">{r.applicantPhone}</small>
              </td>
              <td>
                <StatusTag page={page} status={r.status} />
                {stepNote(page, r.status, r.step) && (
                  <>
                    <br />
                    <small class="muted">{stepNote(page, r.status, r.step)}</small>
                  </>
                )}
              </td>
              <td>
                {when(r.dueAt)}
                {late && <span class="tag">{t('dossiers:queue.late')}</span>}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

function QueuePageView({
  page,
  query,
  result,
  now,
  canFile,
  link,
}: {
  page: PageCtx;
  query: QueueQuery;
  result: QueuePage;
  now: Date;
  /** The actor may file at a counter (a receptionist grant somewhere). */
  canFile: boolean;
  /** This page's address with some query values changed. */
  link: (over: Record<string, string | undefined>) => string;
}) {
  const t = page.t;
  return (
    <Layout page={page} title={t('dossiers:queue.title')}>
      <h1>{t('dossiers:queue.title')}</h1>
      <p>
        {VIEWS.map((v) => (
          <span key={v}>
            {query.view === v ? (
              <strong>{t(`dossiers:queue.${v}`)}</strong>
            ) : (
              <a href={link({ view: v, after: undefined, status: undefined })}>{t(`dossiers:queue.${v}`)}</a>
            )}{' '}
            ·{' '}
          </span>
        ))}
        {canFile && <a href="/quan-tri/ho-so/moi">{t('dossiers:queue.new')}</a>}
      </p>
      <QueueFilters page={page} query={query} />
      {result.rows.length === 0 ? (
        <p>{t('dossiers:queue.none')}</p>
      ) : (
        <QueueTable page={page} rows={result.rows} now={now} />
      )}
      {result.next && (
        <p>
          <a href={link({ after: result.next })} rel="next">
            {t('dossiers:queue.more')}
          </a>
        </p>
      )}
    </Layout>
  );
}

export function registerQueuePages(app: FastifyInstance) {
  app.get('/quan-tri/ho-so', async (req, reply) => {
    if (req.actor.kind !== 'staff') return reply.redirect('/dang-nhap?next=/quan-tri/ho-so', 303);
    const raw = blankToUndefined(req.query);
    const query = parse(QueueQuery, raw);
    const result = await listQueue(req.ctx(), query);
    const page = await pageCtx(req, reply);
    const link = (over: Record<string, string | undefined>) => {
      const p = new URLSearchParams();
      for (const [k, v] of Object.entries({ ...raw, ...over })) if (typeof v === 'string' && v) p.set(k, v);
      return `/quan-tri/ho-so?${p}`;
    };
    return sendPage(
      reply,
      <QueuePageView
        page={page}
        query={query}
        result={result}
        now={req.ctx().clock.now()}
        canFile={scopeOf(req.actor, 'receptionist').length > 0}
        link={link}
      />,
    );
  });
}
