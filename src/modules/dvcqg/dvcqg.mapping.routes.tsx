import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { canEditCatalogue } from '#modules/procedures/index.ts';
import { AppError, Invalid } from '#platform/errors.ts';
import { blankToUndefined } from '#platform/validation.ts';
import { ActionForm, Field, Notice } from '#web/form.tsx';
import { Layout, type PageCtx } from '#web/layout.tsx';
import { pageCtx, sendPage } from '#web/render.tsx';
import type { DvcqgDeps } from './dvcqg.deps.ts';
import { countNationalProcedures } from './dvcqg.queries.ts';
import { NATIONAL_CODES } from './dvcqg.schemas.ts';
import {
  confirmMapping,
  type ProcedureMappingLine,
  procedureMappings,
  removeMapping,
  setNationalStatus,
  statusMap,
} from './dvcqg.service.ts';
import { BASE, SyncNav, signIn } from './dvcqg.views.tsx';

const ProcedureParams = z.object({ code: z.string().regex(/^[0-9][0-9A-Za-z.]{0,39}$/) });

function MappingRow({
  page,
  line,
  canEdit,
  error,
}: {
  page: PageCtx;
  line: ProcedureMappingLine;
  canEdit: boolean;
  error?: string | undefined;
}) {
  const { t } = page;
  const action = `${BASE}/thu-tuc/${encodeURIComponent(line.code)}`;
  return (
    <li data-procedure={line.code} data-mapped={line.mapping?.maTthc ?? ''}>
      <h2>
        {line.code} – {line.name}
      </h2>
      <p>
        {t('dvcqg:procedures.mapped')}:{' '}
        {line.mapping ? (
          <strong>
            {line.mapping.maTthc} – {line.mapping.tenTthc}
          </strong>
        ) : (
          t('dvcqg:procedures.notMapped')
        )}
        {line.held > 0 && (
          <>
            {' '}
            · <strong>{t('dvcqg:procedures.held', { n: line.held })}</strong>
          </>
        )}
      </p>
      {line.suggestions.length > 0 && (
        <ul>
          {line.suggestions.map((s) => (
            <li key={s.maTthc} data-suggestion={s.maTthc}>
              {s.maTthc} – {s.tenTthc} ({t('dvcqg:procedures.score', { score: s.score.toFixed(2) })}){' '}
              {canEdit && s.maTthc !== line.mapping?.maTthc && (
                <ActionForm
                  page={page}
                  action={action}
                  label={t('dvcqg:procedures.confirm', { code: s.maTthc })}
                  kind="secondary"
                  inline
                >
                  <input type="hidden" name="maTthc" value={s.maTthc} />
                </ActionForm>
              )}
            </li>
          ))}
        </ul>
      )}
      {canEdit && (
        <ActionForm
          page={page}
          action={action}
          label={t('dvcqg:procedures.confirmOther')}
          kind="secondary"
          errors={error ? { maTthc: error } : undefined}
        >
          <Field name="maTthc" label={t('dvcqg:procedures.other')} error={error} autocomplete="off" />
        </ActionForm>
      )}
      {canEdit && line.mapping && (
        <ActionForm page={page} action={`${action}/xoa`} label={t('dvcqg:procedures.remove')} kind="link" />
      )}
    </li>
  );
}

/** The status table and the procedure mapping. */
export function registerMappingPages(app: FastifyInstance, deps: DvcqgDeps) {
  const statusPage = async (req: FastifyRequest, reply: FastifyReply, message?: string, status = 200) => {
    const ctx = req.ctx();
    const rows = await statusMap(ctx);
    const canEdit = await canEditCatalogue(ctx.db, ctx.actor);
    const page = await pageCtx(req, reply);
    const { t } = page;
    const saved = (req.query as { luu?: string }).luu;
    const options = NATIONAL_CODES.map((c) => ({ value: c, label: t(`dvcqg:national.${c}`) }));
    return sendPage(
      reply,
      <Layout page={page} title={t('dvcqg:statuses.title')}>
        <h1>{t('dvcqg:statuses.title')}</h1>
        <SyncNav page={page} current="statuses" />
        <Notice text={saved ? t('dvcqg:statuses.saved') : undefined} />
        {message && (
          <p class="errors" role="alert">
            {message}
          </p>
        )}
        <p>{t('dvcqg:statuses.intro')}</p>
        {!canEdit && <p class="muted">{t('dvcqg:statuses.readOnly')}</p>}
        <table>
          <thead>
            <tr>
              <th>{t('dvcqg:statuses.step')}</th>
              <th>{t('dvcqg:statuses.local')}</th>
              <th>{t('dvcqg:statuses.national')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr
                key={`${r.step}:${r.localStatus}`}
                data-step={r.step}
                data-local={r.localStatus}
                data-national={r.national}
              >
                <td>{t(`dvcqg:steps.${r.step}`)}</td>
                <td>{t(`dvcqg:national.${r.localStatus}`)}</td>
                <td>
                  {canEdit ? (
                    <form method="post" action={`${BASE}/trang-thai`} class="inline">
                      <input type="hidden" name="_csrf" value={page.csrf} />
                      <input type="hidden" name="step" value={r.step} />
                      <input type="hidden" name="localStatus" value={String(r.localStatus)} />
                      <select name="national" aria-label={t('dvcqg:statuses.national')}>
                        {options.map((o) => (
                          <option key={o.value} value={o.value} selected={o.value === r.national}>
                            {o.label}
                          </option>
                        ))}
                      </select>{' '}
                      <button type="submit" class="secondary">
                        {t('dvcqg:statuses.save')}
                      </button>
                    </form>
                  ) : (
                    t(`dvcqg:national.${r.national}`)
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </Layout>,
      status,
    );
  };

  app.get(`${BASE}/trang-thai`, async (req, reply) => {
    if (req.actor.kind !== 'staff') return signIn(req, reply);
    return statusPage(req, reply);
  });

  app.post(`${BASE}/trang-thai`, async (req, reply) => {
    if (req.actor.kind !== 'staff') return signIn(req, reply);
    try {
      await setNationalStatus(req.ctx(), blankToUndefined(req.body));
    } catch (e) {
      if (e instanceof Invalid) {
        const en = req.locale === 'en';
        return statusPage(req, reply, e.fields.map((f) => (en ? f.en : f.vi)).join(' '), 400);
      }
      throw e;
    }
    return reply.redirect(`${BASE}/trang-thai?luu=1`, 303);
  });

  const procedurePage = async (
    req: FastifyRequest,
    reply: FastifyReply,
    failed?: { code: string; message: string },
    status = 200,
  ) => {
    const ctx = req.ctx();
    const [lines, canEdit, known] = await Promise.all([
      procedureMappings(ctx),
      canEditCatalogue(ctx.db, ctx.actor),
      countNationalProcedures(ctx.db),
    ]);
    const page = await pageCtx(req, reply);
    const { t } = page;
    const query = req.query as { luu?: string; ma?: string; gui?: string; xoa?: string };
    const notice = query.luu
      ? t('dvcqg:procedures.saved', { code: query.luu, national: query.ma, released: query.gui ?? 0 })
      : query.xoa
        ? t('dvcqg:procedures.removed', { code: query.xoa })
        : undefined;
    return sendPage(
      reply,
      <Layout page={page} title={t('dvcqg:procedures.title')}>
        <h1>{t('dvcqg:procedures.title')}</h1>
        <SyncNav page={page} current="procedures" />
        <Notice text={notice} />
        <p>{t('dvcqg:procedures.intro')}</p>
        {known === 0 && <p class="muted">{t('dvcqg:procedures.none')}</p>}
        <ul class="cards">
          {lines.map((l) => (
            <MappingRow
              key={l.code}
              page={page}
              line={l}
              canEdit={canEdit}
              error={failed?.code === l.code ? failed.message : undefined}
            />
          ))}
        </ul>
      </Layout>,
      status,
    );
  };

  app.get(`${BASE}/thu-tuc`, async (req, reply) => {
    if (req.actor.kind !== 'staff') return signIn(req, reply);
    return procedurePage(req, reply);
  });

  app.post(`${BASE}/thu-tuc/:code`, async (req, reply) => {
    if (req.actor.kind !== 'staff') return signIn(req, reply);
    const { code } = ProcedureParams.parse(req.params);
    try {
      const { mapping, released } = await confirmMapping(req.ctx(), deps, code, blankToUndefined(req.body));
      const qs = new URLSearchParams({ luu: code, ma: mapping?.maTthc ?? '', gui: String(released) });
      return reply.redirect(`${BASE}/thu-tuc?${qs}#${encodeURIComponent(code)}`, 303);
    } catch (e) {
      if (e instanceof Invalid || (e instanceof AppError && e.status === 409)) {
        const en = req.locale === 'en';
        const message =
          e instanceof Invalid
            ? e.fields.map((f) => (en ? f.en : f.vi)).join(' ')
            : en
              ? e.detail.en
              : e.detail.vi;
        return procedurePage(req, reply, { code, message }, e instanceof Invalid ? 400 : 409);
      }
      throw e;
    }
  });

  app.post(`${BASE}/thu-tuc/:code/xoa`, async (req, reply) => {
    if (req.actor.kind !== 'staff') return signIn(req, reply);
    const { code } = ProcedureParams.parse(req.params);
    await removeMapping(req.ctx(), code);
    return reply.redirect(`${BASE}/thu-tuc?xoa=${encodeURIComponent(code)}`, 303);
  });
}
