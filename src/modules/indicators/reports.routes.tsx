import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { findPlacesByIds } from '#modules/places/index.ts';
import { AppError, Invalid } from '#platform/errors.ts';
import { formatDate, formatDateTime } from '#platform/i18n/dates.ts';
import { blankToUndefined } from '#platform/validation.ts';
import { ActionForm, Form, Notice, TextArea } from '#web/form.tsx';
import { Layout, type PageCtx } from '#web/layout.tsx';
import { pageCtx, sendPage } from '#web/render.tsx';
import { findCollectedElement } from './collectors.ts';
import { canEditModel, loadModel } from './model.service.ts';
import { periodLabel } from './periods.ts';
import { fmt } from './pivot.routes.tsx';
import {
  type EntryForm,
  entryForm,
  recentPeriods,
  reporting,
  saveEntry,
  stepReport,
} from './reports.service.ts';
import './indicators.messages.ts';

const label = (t: { vi: string; en?: string | undefined }, page: PageCtx) =>
  page.locale === 'en' ? (t.en ?? t.vi) : t.vi;
const pct = (v: number | null, page: PageCtx) => (v === null ? '—' : `${fmt(v * 100, 1, page.locale)}%`);
const enc = encodeURIComponent;
const entryHref = (ds: string, place: string, period: string) =>
  `/quan-tri/chi-so/nhap/${enc(ds)}/${enc(place)}/${enc(period)}`;
const dateTime = (iso: string | Date) => formatDateTime(new Date(iso));

function staffOnly(req: FastifyRequest, reply: FastifyReply) {
  if (req.actor.kind === 'staff') return false;
  reply.redirect(`/dang-nhap?next=${encodeURIComponent(req.url)}`, 303);
  return true;
}

function EntryPage({
  page,
  f,
  errors,
  values,
  message,
}: {
  page: PageCtx;
  f: EntryForm;
  errors: Record<string, string>;
  values?: Record<string, string>;
  message?: string;
}) {
  const t = page.t;
  const href = entryHref(f.dataSet.code, f.place.code, f.period.id);
  const writable = f.editable && f.canEdit;
  const shown = (name: string, v: number | null) =>
    values?.[name] ?? (v === null ? '' : String(v).replace('.', page.locale === 'en' ? '.' : ','));
  return (
    <>
      <h1>
        {t('indicators:entryTitle', {
          dataSet: label(f.dataSet.name, page),
          place: f.place.fullName,
          period: periodLabel(f.period, page.locale),
        })}
      </h1>
      <p>
        <strong>{t('indicators:due', { date: formatDate(f.due) })}</strong>
        {f.late && <span class="tag"> {t('indicators:late')}</span>}
        <br />
        {t('indicators:status', { status: t(`indicators:statusName.${f.state.status}`) })}
        {f.state.lastComment && (
          <>
            <br />
            {t('indicators:returnedBecause', { comment: f.state.lastComment })}
          </>
        )}
      </p>
      <Notice text={message} />
      {!f.editable && <p class="notice">{t('indicators:readOnly')}</p>}
      <Form page={page} action={href} errors={errors}>
        {f.items.map((item) => (
          <fieldset key={item.element.code}>
            <legend>
              {label(item.element.name, page)} <small>({item.element.code})</small>
            </legend>
            {item.cells.map((c) => {
              const id = `f-${c.name}`;
              const collected = item.collected;
              return (
                <div key={c.name} class={errors[c.name] ? 'field invalid' : 'field'}>
                  <label for={id}>{c.label ? label(c.label, page) : label(item.element.name, page)}</label>
                  {errors[c.name] && <strong class="err">{errors[c.name]}</strong>}
                  <small class="hint">
                    {collected
                      ? t('indicators:collected', {
                          source:
                            findCollectedElement(item.element.code)?.collector.name[
                              page.locale === 'en' ? 'en' : 'vi'
                            ] ?? '',
                        })
                      : c.enteredBy && c.updatedAt
                        ? t('indicators:enteredBy', { who: c.enteredBy, at: dateTime(c.updatedAt) })
                        : ''}
                    {c.frozen ? ` · ${t('indicators:frozen')}` : ''}
                  </small>
                  <input
                    id={id}
                    name={c.name}
                    inputmode={item.element.valueType === 'integer' ? 'numeric' : 'decimal'}
                    value={
                      collected
                        ? fmt(c.value ?? 0, item.element.valueType === 'integer' ? 0 : 1, page.locale)
                        : shown(c.name, c.value)
                    }
                    readonly={collected || !writable}
                    aria-invalid={errors[c.name] ? 'true' : undefined}
                  />
                </div>
              );
            })}
            {item.older.map((o) => (
              <p key={`${o.version}${o.label}`}>
                <small>
                  {t('indicators:older', {
                    version: o.version,
                    label: o.label,
                    value: fmt(o.value, 2, page.locale),
                  })}
                </small>
              </p>
            ))}
            {!item.collected && (
              <TextArea
                name={`c_${item.element.code}`}
                label={t('indicators:comment')}
                rows={2}
                value={values?.[`c_${item.element.code}`] ?? item.comment ?? ''}
              />
            )}
          </fieldset>
        ))}
        {writable && <button type="submit">{t('indicators:save')}</button>}
      </Form>
      {f.steps.length > 0 && (
        <section>
          {f.steps.map((s) =>
            s === 'submit' || s === 'approve' ? (
              <ActionForm key={s} page={page} action={`${href}/buoc`} label={t(`indicators:step.${s}`)}>
                <input type="hidden" name="action" value={s} />
              </ActionForm>
            ) : (
              <ActionForm
                key={s}
                page={page}
                action={`${href}/buoc`}
                label={t(`indicators:step.${s}`)}
                kind="secondary"
              >
                <input type="hidden" name="action" value={s} />
                <TextArea
                  name="comment"
                  id={`f-comment-${s}`}
                  label={t('indicators:stepComment')}
                  rows={2}
                  error={errors.comment}
                />
              </ActionForm>
            ),
          )}
        </section>
      )}
      {f.state.log.length > 0 && (
        <section>
          <h2>{t('indicators:history')}</h2>
          <ul>
            {f.state.log.map((a) => (
              <li key={a.id}>
                {dateTime(a.at)} · {a.actorLabel} · {t(`indicators:step.${a.action}`)}
                {a.comment ? `: ${a.comment}` : ''}
              </li>
            ))}
          </ul>
        </section>
      )}
    </>
  );
}

export function registerReportPages(app: FastifyInstance) {
  app.get('/quan-tri/chi-so', async (req, reply) => {
    if (staffOnly(req, reply)) return;
    const page = await pageCtx(req, reply);
    const t = page.t;
    const ctx = req.ctx();
    const model = await loadModel(ctx.db);
    const grants = req.actor.kind === 'staff' ? req.actor.grants : [];
    const places = await findPlacesByIds(ctx.db, [...new Set(grants.map((g) => g.placeId))]);
    const q = req.query as Record<string, string | undefined>;
    const now = ctx.clock.now();
    return sendPage(
      reply,
      <Layout page={page} title={t('indicators:hub')}>
        <h1>{t('indicators:hub')}</h1>
        <p>{t('indicators:hubLead')}</p>
        <Notice text={q.luu ? t('indicators:saved') : undefined} />
        <ul>
          <li>
            <a href="/quan-tri/chi-so/bang">{t('indicators:table')}</a>
          </li>
          {(await canEditModel(ctx.db, req.actor)) && (
            <li>
              <a href="/quan-tri/chi-so/mo-hinh">{t('indicators:model')}</a>
            </li>
          )}
          <li>
            <a href="/chi-so">{t('indicators:publicPage')}</a>
          </li>
        </ul>
        <h2>{t('indicators:dataSets')}</h2>
        {[...model.dataSets.values()].map((ds) => (
          <section key={ds.code}>
            <h3>
              {label(ds.name, page)} <small>({ds.code})</small>
            </h3>
            <ul>
              {places.map((pl) => (
                <li key={pl.id}>
                  {pl.fullName}:{' '}
                  {recentPeriods(ds, now, 4).map((per) =>
                    pl.level === ds.level ? (
                      <a key={per.id} href={entryHref(ds.code, pl.code, per.id)}>
                        {periodLabel(per, page.locale)}{' '}
                      </a>
                    ) : (
                      <a
                        key={per.id}
                        href={`/quan-tri/chi-so/bao-cao/${enc(ds.code)}/${enc(pl.code)}/${enc(per.id)}`}
                      >
                        {t('indicators:reporting')} {periodLabel(per, page.locale)}{' '}
                      </a>
                    ),
                  )}
                </li>
              ))}
            </ul>
          </section>
        ))}
      </Layout>,
    );
  });

  const showEntry = async (
    req: FastifyRequest,
    reply: FastifyReply,
    state: {
      errors?: Record<string, string>;
      values?: Record<string, string>;
      message?: string;
      status?: number;
    } = {},
  ) => {
    const { ds, place, period } = req.params as { ds: string; place: string; period: string };
    const page = await pageCtx(req, reply);
    const f = await entryForm(req.ctx(), ds, place, period);
    return sendPage(
      reply,
      <Layout
        page={page}
        title={page.t('indicators:entryTitle', {
          dataSet: f.dataSet.code,
          place: f.place.fullName,
          period: f.period.id,
        })}
      >
        <EntryPage
          page={page}
          f={f}
          errors={state.errors ?? {}}
          {...(state.values ? { values: state.values } : {})}
          {...(state.message ? { message: state.message } : {})}
        />
      </Layout>,
      state.status ?? 200,
    );
  };

  const entryPath = '/quan-tri/chi-so/nhap/:ds/:place/:period';
  app.get(entryPath, async (req, reply) => {
    if (staffOnly(req, reply)) return;
    const q = req.query as Record<string, string | undefined>;
    return showEntry(req, reply, q.luu ? { message: req.locale === 'en' ? 'Saved.' : 'Đã lưu.' } : {});
  });

  // Re-render with what was typed and each field's error (400), or the reason (409): nothing is lost.
  const failed = async (req: FastifyRequest, reply: FastifyReply, e: unknown) => {
    const en = req.locale === 'en';
    const values = Object.fromEntries(
      Object.entries(blankToUndefined(req.body)).filter(([k, v]) => typeof v === 'string' && k !== '_csrf'),
    ) as Record<string, string>;
    if (e instanceof Invalid) {
      const errors: Record<string, string> = {};
      for (const f of e.fields) errors[f.field] ??= en ? f.en : f.vi;
      return showEntry(req, reply, { errors, values, status: 400 });
    }
    if (e instanceof AppError && e.status === 409)
      return showEntry(req, reply, { values, message: en ? e.detail.en : e.detail.vi, status: 409 });
    throw e;
  };

  app.post(entryPath, async (req, reply) => {
    if (staffOnly(req, reply)) return;
    const { ds, place, period } = req.params as { ds: string; place: string; period: string };
    try {
      await saveEntry(req.ctx(), ds, place, period, blankToUndefined(req.body));
    } catch (e) {
      return failed(req, reply, e);
    }
    return reply.redirect(`${entryHref(ds, place, period)}?luu=1`, 303);
  });

  app.post(`${entryPath}/buoc`, async (req, reply) => {
    if (staffOnly(req, reply)) return;
    const { ds, place, period } = req.params as { ds: string; place: string; period: string };
    try {
      await stepReport(req.ctx(), ds, place, period, blankToUndefined(req.body));
    } catch (e) {
      return failed(req, reply, e);
    }
    return reply.redirect(entryHref(ds, place, period), 303);
  });

  app.get('/quan-tri/chi-so/bao-cao/:ds/:place/:period', async (req, reply) => {
    if (staffOnly(req, reply)) return;
    const { ds, place, period } = req.params as { ds: string; place: string; period: string };
    const page = await pageCtx(req, reply);
    const t = page.t;
    const r = await reporting(req.ctx(), ds, place, period);
    return sendPage(
      reply,
      <Layout page={page} title={t('indicators:reporting')}>
        <h1>
          {t('indicators:reporting')}: {label(r.dataSet.name, page)} – {r.parent.fullName} –{' '}
          {periodLabel(r.period, page.locale)}
        </h1>
        <p>
          {t('indicators:due', { date: formatDate(r.due) })}
          <br />
          <span data-completeness>
            {t('indicators:completeness', {
              reported: r.reported,
              expected: r.expected,
              pct: pct(r.completeness, page),
            })}
          </span>
          <br />
          <span data-timeliness>
            {t('indicators:timeliness', {
              onTime: r.onTime,
              expected: r.expected,
              pct: pct(r.timeliness, page),
            })}
          </span>
        </p>
        <table>
          <thead>
            <tr>
              <th>{t('indicators:placeColumn')}</th>
              <th>{t('indicators:status', { status: '' })}</th>
              <th>{t('indicators:sentAt')}</th>
              <th>{t('indicators:onTime')}</th>
            </tr>
          </thead>
          <tbody>
            {r.rows.map((row) => (
              <tr key={row.place.id}>
                <th scope="row">
                  <a href={entryHref(r.dataSet.code, row.place.code, r.period.id)}>{row.place.fullName}</a>
                </th>
                <td>{t(`indicators:statusName.${row.state.status}`)}</td>
                <td>{row.state.firstSubmittedAt ? dateTime(row.state.firstSubmittedAt) : '—'}</td>
                <td>{row.onTime ? t('indicators:yes') : t('indicators:no')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </Layout>,
    );
  });
}
