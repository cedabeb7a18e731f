import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { canEditCatalogue } from '#modules/procedures/index.ts';
import { AppError, Invalid } from '#platform/errors.ts';
import { blankToUndefined } from '#platform/validation.ts';
import { ActionForm, Field, Form, Notice, Select } from '#web/form.tsx';
import { Layout, type PageCtx } from '#web/layout.tsx';
import { pageCtx, sendPage } from '#web/render.tsx';
import {
  acceptDifference,
  importNationalCatalogue,
  openDifferences,
  rejectDifference,
} from './dvcqg.catalogue.ts';
import type { DvcqgDeps } from './dvcqg.deps.ts';
import { countNationalProcedures } from './dvcqg.queries.ts';
import { lastReconciliation, previousMonth, reconcile } from './dvcqg.reports.ts';
import { listPlaceLines } from './dvcqg.service.ts';
import type { CatalogueDiffRow, ReconciliationRow } from './dvcqg.tables.ts';
import { BASE, dateTime, SyncNav, signIn } from './dvcqg.views.tsx';

const IdParams = z.object({ id: z.coerce.number().int().positive() });

/** One aspect's value in words. */
function Value({
  page,
  aspect,
  value,
}: {
  page: PageCtx;
  aspect: CatalogueDiffRow['aspect'];
  value: unknown;
}) {
  const { t } = page;
  if (aspect === 'days') {
    const v = value as { days: number; daysUnit: 'working' | 'calendar' };
    return <span>{t('dvcqg:daysValue', { days: v.days, unit: t(`dvcqg:unit.${v.daysUnit}`) })}</span>;
  }
  const items = (Array.isArray(value) ? value : []).map((x) => {
    if (typeof x === 'string') return x;
    const r = x as { name?: string | { vi: string }; amount?: number; note?: string; code?: string };
    const name = typeof r.name === 'object' ? r.name.vi : (r.name ?? r.note ?? r.code ?? '');
    return r.amount !== undefined
      ? `${name}: ${new Intl.NumberFormat('vi-VN').format(r.amount)} đ`
      : String(name);
  });
  return (
    <ul>
      {items.map((i) => (
        <li key={i}>{i}</li>
      ))}
    </ul>
  );
}

/** Run a use case from a button; a refusal re-renders the page with its message. */
async function attempt(
  req: FastifyRequest,
  run: () => Promise<string>,
  render: (message: string, status: number) => Promise<unknown>,
  reply: FastifyReply,
) {
  try {
    return reply.redirect(await run(), 303);
  } catch (e) {
    const en = req.locale === 'en';
    if (e instanceof Invalid) return render(e.fields.map((f) => (en ? f.en : f.vi)).join(' '), 400);
    if (e instanceof AppError && (e.status === 409 || e.status === 400))
      return render(en ? e.detail.en : e.detail.vi, e.status);
    throw e;
  }
}

/** The national catalogue's differences, and the monthly reconciliation. */
export function registerReportPages(app: FastifyInstance, deps: DvcqgDeps) {
  const cataloguePage = async (req: FastifyRequest, reply: FastifyReply, message?: string, status = 200) => {
    const ctx = req.ctx();
    const [diffs, canEdit, known] = await Promise.all([
      openDifferences(ctx),
      canEditCatalogue(ctx.db, ctx.actor),
      countNationalProcedures(ctx.db),
    ]);
    const page = await pageCtx(req, reply);
    const { t } = page;
    const query = req.query as Record<string, string | undefined>;
    const notice = query.nhap
      ? t('dvcqg:catalogue.imported', { national: query.nhap, read: query.doc, differences: query.khac })
      : query.nhan
        ? t('dvcqg:catalogue.accepted', { code: query.nhan })
        : query.bo
          ? t('dvcqg:catalogue.rejected', { code: query.bo })
          : undefined;
    return sendPage(
      reply,
      <Layout page={page} title={t('dvcqg:catalogue.title')}>
        <h1>{t('dvcqg:catalogue.title')}</h1>
        <SyncNav page={page} current="catalogue" />
        <Notice text={notice} />
        {message && (
          <p class="errors" role="alert">
            {message}
          </p>
        )}
        <p>{t('dvcqg:catalogue.intro')}</p>
        <p>{t('dvcqg:catalogue.known', { n: known })}</p>
        {canEdit && (
          <ActionForm page={page} action={`${BASE}/danh-muc/nhap`} label={t('dvcqg:catalogue.import')} />
        )}
        {diffs.length === 0 ? (
          <p>{t('dvcqg:catalogue.none')}</p>
        ) : (
          <table>
            <thead>
              <tr>
                <th>{t('dvcqg:catalogue.procedure')}</th>
                <th>{t('dvcqg:catalogue.aspect')}</th>
                <th>{t('dvcqg:catalogue.local')}</th>
                <th>{t('dvcqg:catalogue.nationalValue')}</th>
                <th>{t('dvcqg:catalogue.proposed')}</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {diffs.map((d) => (
                <tr key={d.id} data-diff={d.id} data-procedure={d.procedureCode} data-aspect={d.aspect}>
                  <td>
                    {d.procedureCode}
                    <br />
                    <small>{d.maTthc}</small>
                  </td>
                  <td>{t(`dvcqg:aspect.${d.aspect}`)}</td>
                  <td>
                    <Value page={page} aspect={d.aspect} value={d.local} />
                  </td>
                  <td>
                    <Value page={page} aspect={d.aspect} value={d.national} />
                  </td>
                  <td>
                    <Value page={page} aspect={d.aspect} value={d.proposed} />
                  </td>
                  <td>
                    {canEdit && (
                      <>
                        <ActionForm
                          page={page}
                          action={`${BASE}/danh-muc/${d.id}/chap-nhan`}
                          label={t('dvcqg:catalogue.accept')}
                        />
                        <ActionForm
                          page={page}
                          action={`${BASE}/danh-muc/${d.id}/tu-choi`}
                          label={t('dvcqg:catalogue.reject')}
                          kind="secondary"
                        />
                      </>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Layout>,
      status,
    );
  };

  app.get(`${BASE}/danh-muc`, async (req, reply) => {
    if (req.actor.kind !== 'staff') return signIn(req, reply);
    return cataloguePage(req, reply);
  });

  app.post(`${BASE}/danh-muc/nhap`, async (req, reply) => {
    if (req.actor.kind !== 'staff') return signIn(req, reply);
    return attempt(
      req,
      async () => {
        const s = await importNationalCatalogue(req.ctx(), deps);
        const qs = new URLSearchParams({
          nhap: String(s.national),
          doc: String(s.read),
          khac: String(s.differences),
        });
        return `${BASE}/danh-muc?${qs}`;
      },
      (message, status) => cataloguePage(req, reply, message, status),
      reply,
    );
  });

  app.post(`${BASE}/danh-muc/:id/chap-nhan`, async (req, reply) => {
    if (req.actor.kind !== 'staff') return signIn(req, reply);
    const { id } = IdParams.parse(req.params);
    return attempt(
      req,
      async () => `${BASE}/danh-muc?nhan=${encodeURIComponent((await acceptDifference(req.ctx(), id)).code)}`,
      (message, status) => cataloguePage(req, reply, message, status),
      reply,
    );
  });

  app.post(`${BASE}/danh-muc/:id/tu-choi`, async (req, reply) => {
    if (req.actor.kind !== 'staff') return signIn(req, reply);
    const { id } = IdParams.parse(req.params);
    return attempt(
      req,
      async () =>
        `${BASE}/danh-muc?bo=${encodeURIComponent((await rejectDifference(req.ctx(), id)).procedureCode)}`,
      (message, status) => cataloguePage(req, reply, message, status),
      reply,
    );
  });

  const reconcilePage = async (
    req: FastifyRequest,
    reply: FastifyReply,
    state?: { values: Record<string, string>; errors: Record<string, string> },
    status = 200,
  ) => {
    const ctx = req.ctx();
    const lines = await listPlaceLines(ctx);
    const query = blankToUndefined(req.query) as Record<string, string | undefined>;
    const place =
      state?.values.place ??
      query['don-vi'] ??
      lines.find((l) => l.enabled)?.place.code ??
      lines[0]?.place.code ??
      '';
    const month = state?.values.month ?? query.thang ?? previousMonth(ctx.clock.now());
    const last: ReconciliationRow | undefined =
      place && /^\d{4}-(0[1-9]|1[0-2])$/.test(month)
        ? await lastReconciliation(ctx, place, month)
        : undefined;
    const page = await pageCtx(req, reply);
    const { t } = page;
    const codes = [...new Set([...Object.keys(last?.here ?? {}), ...Object.keys(last?.portal ?? {})])].sort(
      (a, b) => (Number(a) || 99) - (Number(b) || 99),
    );
    return sendPage(
      reply,
      <Layout page={page} title={t('dvcqg:reconcile.title')}>
        <h1>{t('dvcqg:reconcile.title')}</h1>
        <SyncNav page={page} current="reconcile" />
        <p>{t('dvcqg:reconcile.intro')}</p>
        <Form page={page} action={`${BASE}/doi-soat`} errors={state?.errors}>
          <Select
            name="place"
            label={t('dvcqg:reconcile.place')}
            value={place}
            error={state?.errors.place}
            options={lines.map((l) => ({ value: l.place.code, label: l.place.fullName }))}
          />
          <Field name="month" label={t('dvcqg:reconcile.month')} value={month} error={state?.errors.month} />
          <button type="submit">{t('dvcqg:reconcile.run')}</button>
        </Form>
        {!last ? (
          <p>{t('dvcqg:reconcile.noRun')}</p>
        ) : (
          <section data-reconciliation={last.id}>
            <p>{t('dvcqg:reconcile.lastRun', { at: dateTime(page, last.ranAt) })}</p>
            {!last.portalReachable && <p class="errors">{t('dvcqg:reconcile.unreachable')}</p>}
            <table>
              <thead>
                <tr>
                  <th>{t('dvcqg:reconcile.status')}</th>
                  <th>{t('dvcqg:reconcile.here')}</th>
                  <th>{t('dvcqg:reconcile.portal')}</th>
                </tr>
              </thead>
              <tbody>
                {codes.map((c) => (
                  <tr key={c} data-status={c}>
                    <td>{t(`dvcqg:national.${c}`)}</td>
                    <td data-here={last.here[c] ?? 0}>{last.here[c] ?? 0}</td>
                    <td data-portal={last.portal ? (last.portal[c] ?? 0) : ''}>
                      {last.portal ? (last.portal[c] ?? 0) : '–'}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            <h2>{t('dvcqg:reconcile.differences')}</h2>
            {last.differences.length === 0 ? (
              <p>{t('dvcqg:reconcile.noDifferences')}</p>
            ) : (
              <table>
                <thead>
                  <tr>
                    <th>{t('dvcqg:queue.code')}</th>
                    <th>{t('dvcqg:reconcile.here')}</th>
                    <th>{t('dvcqg:reconcile.portal')}</th>
                    <th>{t('dvcqg:reconcile.reason')}</th>
                  </tr>
                </thead>
                <tbody>
                  {last.differences.map((d) => (
                    <tr key={d.code} data-difference={d.code} data-reason={d.reason}>
                      <td>{d.code}</td>
                      <td>{d.here ?? '–'}</td>
                      <td>{d.portal ?? '–'}</td>
                      <td>{t(`dvcqg:reason.${d.reason}`)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </section>
        )}
      </Layout>,
      status,
    );
  };

  app.get(`${BASE}/doi-soat`, async (req, reply) => {
    if (req.actor.kind !== 'staff') return signIn(req, reply);
    return reconcilePage(req, reply);
  });

  app.post(`${BASE}/doi-soat`, async (req, reply) => {
    if (req.actor.kind !== 'staff') return signIn(req, reply);
    const body = blankToUndefined(req.body) as Record<string, string>;
    try {
      const done = await reconcile(req.ctx(), deps, body);
      const place = body.place ?? '';
      return reply.redirect(
        `${BASE}/doi-soat?${new URLSearchParams({ 'don-vi': place, thang: done.month })}`,
        303,
      );
    } catch (e) {
      if (!(e instanceof Invalid)) throw e;
      const en = req.locale === 'en';
      const errors: Record<string, string> = {};
      for (const f of e.fields) errors[f.field] ??= en ? f.en : f.vi;
      return reconcilePage(req, reply, { values: body, errors }, 400);
    }
  });
}
