import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { checkLinkToken } from '#modules/documents/index.ts';
import { findDossierRecord } from '#modules/dossiers/index.ts';
import type { Place } from '#modules/places/index.ts';
import { NotFound } from '#platform/errors.ts';
import type { Platform } from '#platform/platform.ts';
import { ActionForm, Field, Form, Notice } from '#web/form.tsx';
import { type FormState, handleForm } from '#web/form-action.ts';
import { Layout, type PageCtx } from '#web/layout.tsx';
import { pageCtx, sendPage } from '#web/render.tsx';
import { addStaffLink } from '#web/staff-menu.ts';
import type { DvcqgDeps } from './dvcqg.deps.ts';
import { registerMappingPages } from './dvcqg.mapping.routes.tsx';
import { registerReportPages } from './dvcqg.report.routes.tsx';
import { PlaceSyncForm } from './dvcqg.schemas.ts';
import {
  dashboard,
  getPlaceLine,
  listPlaceLines,
  type PlaceLine,
  resend,
  setPlaceSync,
} from './dvcqg.service.ts';
import type { SyncDossierRow } from './dvcqg.tables.ts';
import { BASE, dateTime, SyncNav, signIn } from './dvcqg.views.tsx';
import './dvcqg.messages.ts';

const CodeParams = z.object({ code: z.string().regex(/^[0-9A-Za-z.]{1,20}$/) });
const IdParams = z.object({ id: z.coerce.number().int().positive() });
const FileParams = z.object({ code: z.string().max(60), fileId: z.uuid() });

const placeName = (page: PageCtx, p: Place) => (page.locale === 'en' && p.nameEn ? p.nameEn : p.fullName);

function Troubled({ page, rows }: { page: PageCtx; rows: SyncDossierRow[] }) {
  const { t } = page;
  if (rows.length === 0) return <p>{t('dvcqg:queue.noTrouble')}</p>;
  return (
    <table>
      <thead>
        <tr>
          <th>{t('dvcqg:queue.code')}</th>
          <th>{t('dvcqg:queue.state')}</th>
          <th>{t('dvcqg:queue.attempts')}</th>
          <th>{t('dvcqg:queue.answer')}</th>
          <th>{t('dvcqg:queue.next')}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.dossierId} data-code={r.code} data-state={r.state}>
            <td>{r.code}</td>
            <td>
              {t(`dvcqg:state.${r.state}`)}
              {r.holdReason && (
                <>
                  <br />
                  <small>{t(`dvcqg:hold.${r.holdReason}`)}</small>
                </>
              )}
            </td>
            <td>{r.attempts}</td>
            <td>
              <small>{r.lastError}</small>
            </td>
            <td>
              {r.state === 'dead' ? (
                <ActionForm
                  page={page}
                  action={`${BASE}/gui-lai/${r.dossierId}`}
                  label={t('dvcqg:queue.resend')}
                  kind="secondary"
                />
              ) : r.state === 'pending' ? (
                dateTime(page, r.nextAttemptAt)
              ) : null}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function PlaceForm({ page, line, state }: { page: PageCtx; line: PlaceLine; state?: FormState | undefined }) {
  const { t } = page;
  const v = state?.values ?? { madonvi: line.madonvi ?? '', enabled: line.enabled ? 'on' : '' };
  const e = state?.errors ?? {};
  return (
    <Form page={page} action={`${BASE}/don-vi/${encodeURIComponent(line.place.code)}`} errors={e}>
      <Field
        name="madonvi"
        label={t('dvcqg:places.madonvi')}
        hint={t('dvcqg:places.madonviHint')}
        value={v.madonvi}
        error={e.madonvi}
        autocomplete="off"
      />
      <div class="field">
        <label>
          <input type="checkbox" name="enabled" value="on" checked={v.enabled === 'on'} />{' '}
          {t('dvcqg:places.enabled')}
        </label>
      </div>
      <button type="submit">{t('dvcqg:places.save')}</button>
    </Form>
  );
}

/** The queue and the places' settings; the mappings, the catalogue and the reports have their files. */
export function registerDvcqgPages(app: FastifyInstance, platform: Platform, deps: DvcqgDeps) {
  addStaffLink({
    href: BASE,
    label: { vi: 'Đồng bộ Cổng Dịch vụ công quốc gia', en: 'National portal sync' },
    roles: ['admin'],
  });

  app.get(BASE, async (req, reply) => {
    if (req.actor.kind !== 'staff') return signIn(req, reply);
    const ctx = req.ctx();
    const { summary, troubled, failures } = await dashboard(ctx);
    const page = await pageCtx(req, reply);
    const { t } = page;
    const resent = (req.query as { gui?: string }).gui;
    return sendPage(
      reply,
      <Layout page={page} title={t('dvcqg:queue.title')}>
        <h1>{t('dvcqg:queue.title')}</h1>
        <SyncNav page={page} current="queue" />
        <Notice text={resent ? t('dvcqg:queue.resent', { code: resent }) : undefined} />
        <p>{t('dvcqg:queue.intro')}</p>
        <p data-configured={deps.configured ? 'yes' : 'no'}>
          {deps.configured
            ? t('dvcqg:queue.configured', { url: deps.client?.settings.url })
            : t('dvcqg:queue.notConfigured')}
        </p>
        <dl class="summary">
          <dt>{t('dvcqg:queue.depth')}</dt>
          <dd data-depth={summary.undelivered}>{summary.undelivered}</dd>
          <dt>{t('dvcqg:queue.oldest')}</dt>
          <dd>{dateTime(page, summary.oldest)}</dd>
          <dt>{t('dvcqg:queue.lastSuccess')}</dt>
          <dd data-last-success={summary.lastSuccess?.toISOString() ?? ''}>
            {dateTime(page, summary.lastSuccess)}
          </dd>
          <dt>{t('dvcqg:queue.pending')}</dt>
          <dd>{summary.pending}</dd>
          <dt>{t('dvcqg:queue.synced')}</dt>
          <dd>{summary.synced}</dd>
          <dt>{t('dvcqg:queue.held')}</dt>
          <dd>{summary.held}</dd>
          <dt>{t('dvcqg:queue.dead')}</dt>
          <dd data-dead={summary.dead}>{summary.dead}</dd>
        </dl>
        <h2>{t('dvcqg:queue.troubled')}</h2>
        <Troubled page={page} rows={troubled} />
        <h2>{t('dvcqg:queue.failures')}</h2>
        {failures.length === 0 ? (
          <p>{t('dvcqg:queue.noFailures')}</p>
        ) : (
          <table>
            <thead>
              <tr>
                <th>{t('dvcqg:queue.at')}</th>
                <th>{t('dvcqg:queue.code')}</th>
                <th>{t('dvcqg:queue.service')}</th>
                <th>{t('dvcqg:queue.kind')}</th>
                <th>{t('dvcqg:queue.errorCode')}</th>
                <th>{t('dvcqg:queue.answer')}</th>
              </tr>
            </thead>
            <tbody>
              {failures.map((f) => (
                <tr key={f.id} data-failure={f.kind}>
                  <td>{dateTime(page, f.at)}</td>
                  <td>{f.code}</td>
                  <td>{f.service}</td>
                  <td>{t(`dvcqg:kind.${f.kind}`)}</td>
                  <td>{f.errorCode ?? '–'}</td>
                  <td>
                    <small>{f.message}</small>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Layout>,
    );
  });

  app.post(`${BASE}/gui-lai/:id`, async (req, reply) => {
    if (req.actor.kind !== 'staff') return signIn(req, reply);
    const { id } = IdParams.parse(req.params);
    const row = await resend(req.ctx(), id);
    return reply.redirect(`${BASE}?gui=${encodeURIComponent(row.code)}`, 303);
  });

  app.get(`${BASE}/don-vi`, async (req, reply) => {
    if (req.actor.kind !== 'staff') return signIn(req, reply);
    const lines = await listPlaceLines(req.ctx());
    const page = await pageCtx(req, reply);
    const { t } = page;
    const saved = (req.query as { luu?: string }).luu;
    const named = saved ? lines.find((l) => l.place.code === saved)?.place : undefined;
    return sendPage(
      reply,
      <Layout page={page} title={t('dvcqg:places.title')}>
        <h1>{t('dvcqg:places.title')}</h1>
        <SyncNav page={page} current="places" />
        <Notice text={named ? t('dvcqg:places.saved', { place: placeName(page, named) }) : undefined} />
        <p>{t('dvcqg:places.intro')}</p>
        <table>
          <thead>
            <tr>
              <th>{t('dvcqg:places.place')}</th>
              <th>{t('dvcqg:places.madonvi')}</th>
              <th>{t('dvcqg:places.enabled')}</th>
            </tr>
          </thead>
          <tbody>
            {lines.map((l) => (
              <tr key={l.place.id} data-place={l.place.code} data-enabled={l.enabled ? 'yes' : 'no'}>
                <td>
                  <a href={`${BASE}/don-vi/${encodeURIComponent(l.place.code)}`}>
                    {placeName(page, l.place)}
                  </a>
                </td>
                <td>{l.madonvi ?? '–'}</td>
                <td>{l.enabled ? t('dvcqg:places.on') : t('dvcqg:places.off')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </Layout>,
    );
  });

  const placePage = async (req: FastifyRequest, reply: FastifyReply, state?: FormState, status = 200) => {
    const { code } = CodeParams.parse(req.params);
    const line = await getPlaceLine(req.ctx(), code);
    const page = await pageCtx(req, reply);
    const { t } = page;
    const title = t('dvcqg:places.editTitle', { place: placeName(page, line.place) });
    return sendPage(
      reply,
      <Layout page={page} title={title}>
        <p class="muted">
          <a href={`${BASE}/don-vi`}>{t('dvcqg:places.back')}</a>
        </p>
        <h1>{title}</h1>
        {state?.message && (
          <p class="errors" role="alert">
            {state.message}
          </p>
        )}
        <PlaceForm page={page} line={line} state={state} />
      </Layout>,
      status,
    );
  };

  app.get(`${BASE}/don-vi/:code`, async (req, reply) => {
    if (req.actor.kind !== 'staff') return signIn(req, reply);
    return placePage(req, reply);
  });

  app.post(`${BASE}/don-vi/:code`, async (req, reply) => {
    if (req.actor.kind !== 'staff') return signIn(req, reply);
    const { code } = CodeParams.parse(req.params);
    return handleForm(
      req,
      reply,
      PlaceSyncForm,
      async (input) => {
        await setPlaceSync(req.ctx(), code, input);
        return `${BASE}/don-vi?luu=${encodeURIComponent(code)}`;
      },
      (state, status) => placePage(req, reply, state, status),
    );
  });

  registerMappingPages(app, deps);
  registerReportPages(app, deps);

  // The portal downloads a dossier's submitted papers from here (`DuongDanTaiTepTin`), by a link
  // that names the dossier and the file and is signed for exactly that pair.
  app.get(
    '/dvcqg/tep/:code/:fileId',
    { config: { rateLimit: { max: 120, timeWindow: 60_000 } } },
    async (req, reply) => {
      const { code, fileId } = FileParams.parse(req.params);
      const token = (req.query as { t?: unknown }).t;
      const miss = () => new NotFound({ vi: 'Không tìm thấy tệp này.', en: 'No such file.' });
      if (
        typeof token !== 'string' ||
        !checkLinkToken(deps.linkSecret, 'dvcqg-file', `${code}/${fileId}`, token)
      )
        throw miss();
      const record = await findDossierRecord(req.ctx().db, { code });
      const owned = record?.actions.some((a) => a.payload.files?.some((f) => f.fileId === fileId));
      if (!owned) throw miss();
      const opened = await platform.files.open(fileId);
      if (!opened) throw miss();
      return reply
        .header('content-type', opened.file.mimeType)
        .header(
          'content-disposition',
          `inline; filename*=UTF-8''${encodeURIComponent(opened.file.originalName)}`,
        )
        .header('x-content-type-options', 'nosniff')
        .header('cache-control', 'private, no-store')
        .send(opened.stream);
    },
  );
}
