import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { findPlacesByIds } from '#modules/places/index.ts';
import { AppError, Invalid } from '#platform/errors.ts';
import type { Locale } from '#platform/i18n/index.ts';
import { barChart } from '#web/charts.ts';
import { Layout, type PageCtx } from '#web/layout.tsx';
import { pageCtx, sendPage } from '#web/render.tsx';
import { trendChart } from './charts.ts';
import { pivotCsv, pivotXlsx } from './export.ts';
import { placesWithValues } from './indicators.queries.ts';
import { loadModel, type Model } from './model.service.ts';
import { periodLabel, periodOf, vnDate } from './periods.ts';
import { type Pivot, type PivotItem, type PivotRow, pivotFor } from './pivot.service.ts';
import './indicators.messages.ts';

export const fmt = (v: number | null | undefined, decimals: number, locale: Locale) => {
  if (v === null || v === undefined) return '—';
  const s = v.toLocaleString(locale === 'en' ? 'en-US' : 'vi-VN', {
    minimumFractionDigits: decimals,
    maximumFractionDigits: decimals,
  });
  return s;
};

const label = (t: { vi: string; en?: string | undefined }, locale: Locale) =>
  locale === 'en' ? (t.en ?? t.vi) : t.vi;

interface PivotParams {
  place: string;
  from: string;
  to: string;
  items: string[];
  sort: string;
  dir: 'asc' | 'desc';
  q: string;
}

const list = (v: unknown): string[] =>
  (Array.isArray(v) ? v : typeof v === 'string' ? v.split(',') : [])
    .map((s) => String(s).trim())
    .filter(Boolean);

/** The table's parameters from the query string, with this year's months and every indicator by default. */
function params(
  req: FastifyRequest,
  model: Model,
  opts: { place: string; published?: boolean },
): PivotParams {
  const q = req.query as Record<string, unknown>;
  const today = vnDate(req.ctx().clock.now());
  const month = periodOf('month', today);
  const all = [...model.indicators.values()].filter((i) => !opts.published || i.published).map((i) => i.code);
  const items = [...list(q.items), ...list(q.other)];
  return {
    place: typeof q.place === 'string' && q.place.trim() ? q.place.trim() : opts.place,
    from: typeof q.from === 'string' && q.from.trim() ? q.from.trim() : `${today.slice(0, 4)}01`,
    to: typeof q.to === 'string' && q.to.trim() ? q.to.trim() : month.id,
    items: items.length ? [...new Set(items)] : all.slice(0, 12),
    sort: typeof q.sort === 'string' ? q.sort : 'name',
    dir: q.dir === 'desc' ? 'desc' : 'asc',
    q: typeof q.q === 'string' ? q.q : '',
  };
}

export function queryString(p: PivotParams, change: Partial<PivotParams> = {}) {
  const v = { ...p, ...change };
  const u = new URLSearchParams({ place: v.place, from: v.from, to: v.to });
  for (const i of v.items) u.append('items', i);
  if (v.sort !== 'name') u.set('sort', v.sort);
  if (v.dir !== 'asc') u.set('dir', v.dir);
  if (v.q) u.set('q', v.q);
  return u.toString();
}

function Cell({ page, item, v }: { page: PageCtx; item: PivotItem; v: number | null }) {
  const below =
    v !== null && item.target !== undefined && (item.higherIsBetter ? v < item.target : v > item.target);
  return (
    <td class="num" style={below ? 'color:#a4000f' : undefined}>
      {fmt(v, item.decimals, page.locale)}
      {below && (
        <abbr
          title={page.t('indicators:belowTarget', { target: fmt(item.target, item.decimals, page.locale) })}
        >
          {' '}
          ▼
        </abbr>
      )}
    </td>
  );
}

export function PivotTable({
  page,
  p,
  params: pp,
  base,
}: {
  page: PageCtx;
  p: Pivot;
  params: PivotParams;
  base: string;
}) {
  const t = page.t;
  const row = (r: PivotRow, name: string, href?: string) => (
    <tr>
      <th scope="row">{href ? <a href={href}>{name}</a> : name}</th>
      {p.items.flatMap((item, ii) =>
        p.periods.map((period, pi) => (
          <Cell key={`${item.code}${period.id}`} page={page} item={item} v={r.values[ii]?.[pi] ?? null} />
        )),
      )}
    </tr>
  );
  return (
    <div style="overflow-x:auto">
      <table class="pivot">
        <thead>
          <tr>
            <th rowspan={2}>{t('indicators:placeColumn')}</th>
            {p.items.map((item) => (
              <th key={item.code} colspan={p.periods.length} scope="colgroup">
                {label(item.name, page.locale)}
                {item.unit ? ` (${item.unit})` : ''}
                {item.target !== undefined && (
                  <small>
                    {' '}
                    · {t('indicators:target')} {fmt(item.target, item.decimals, page.locale)}
                  </small>
                )}
              </th>
            ))}
          </tr>
          <tr>
            {p.items.flatMap((item) =>
              p.periods.map((period) => {
                const key = `${item.code}@${period.id}`;
                const desc = pp.sort === key && pp.dir === 'asc';
                return (
                  <th key={key} scope="col">
                    <a
                      href={`${base}?${queryString(pp, { sort: key, dir: desc ? 'desc' : 'asc' })}`}
                      title={t(desc ? 'indicators:sortDesc' : 'indicators:sortAsc')}
                    >
                      {periodLabel(period, page.locale)}
                      {pp.sort === key ? (pp.dir === 'asc' ? ' ↑' : ' ↓') : ''}
                    </a>
                  </th>
                );
              }),
            )}
          </tr>
        </thead>
        <tbody>
          {p.rows.map((r) =>
            row(
              r,
              r.place?.fullName ?? '',
              r.place ? `${base}?${queryString(pp, { place: r.place.code, q: '' })}` : undefined,
            ),
          )}
          {p.rows.length === 0 && (
            <tr>
              <td colspan={1 + p.items.length * p.periods.length}>{t('indicators:noRows')}</td>
            </tr>
          )}
          {p.own && row(p.own, t('indicators:own', { name: p.root.fullName }))}
        </tbody>
        <tfoot>{row(p.total, t('indicators:total', { name: p.root.fullName }))}</tfoot>
      </table>
    </div>
  );
}

/** A trend of the first item for the whole place, and its ranking of places in the last period. */
export function Charts({ page, p }: { page: PageCtx; p: Pivot }) {
  const item = p.items[0];
  const last = p.periods.length - 1;
  const period = p.periods[last];
  if (!item || !period) return null;
  const f = (v: number) => `${fmt(v, item.decimals, page.locale)}${item.unit === '%' ? '%' : ''}`;
  const trend = trendChart(
    page.t('indicators:trend', { name: label(item.name, page.locale), place: p.root.fullName }),
    p.periods.map((per, pi) => ({
      label: periodLabel(per, page.locale),
      value: p.total.values[0]?.[pi] ?? null,
    })),
    { target: item.target, format: f },
  );
  const ranked = p.rows
    .map((r) => ({ name: r.place?.fullName ?? '', v: r.values[0]?.[last] ?? null }))
    .filter((r): r is { name: string; v: number } => r.v !== null)
    .sort((a, b) => (item.higherIsBetter ? b.v - a.v : a.v - b.v))
    .slice(0, 30);
  const max = Math.max(item.target ?? 0, ...ranked.map((r) => r.v), item.unit === '%' ? 100 : 0, 1e-9);
  const ranking = ranked.length
    ? barChart(
        page.t('indicators:ranking', {
          name: label(item.name, page.locale),
          period: periodLabel(period, page.locale),
        }),
        ranked.map((r, i) => ({ label: `${i + 1}. ${r.name}`, value: r.v, max, text: f(r.v) })),
      )
    : '';
  return (
    <section>
      {/* Drawn on the server: no script. */}
      <div dangerouslySetInnerHTML={{ __html: trend }} />
      {ranking && <div dangerouslySetInnerHTML={{ __html: ranking }} />}
    </section>
  );
}

function ParamsForm({
  page,
  pp,
  model,
  action,
  published,
  errors,
}: {
  page: PageCtx;
  pp: PivotParams;
  model: Model;
  action: string;
  published?: boolean;
  errors: Record<string, string>;
}) {
  const t = page.t;
  const indicators = [...model.indicators.values()].filter((i) => !published || i.published);
  const others = pp.items.filter((c) => !model.indicators.has(c));
  const field = (name: 'place' | 'from' | 'to' | 'q', text: string, hint?: string) => (
    <div class={errors[name] ? 'field invalid' : 'field'}>
      <label for={`f-${name}`}>{text}</label>
      {hint && <small class="hint">{hint}</small>}
      {errors[name] && <strong class="err">{errors[name]}</strong>}
      <input id={`f-${name}`} name={name} value={pp[name]} />
    </div>
  );
  return (
    <form method="get" action={action} novalidate>
      {field('place', t('indicators:place'))}
      {field('from', t('indicators:from'), t('indicators:periodHint'))}
      {field('to', t('indicators:to'))}
      <fieldset class={errors.items ? 'field invalid' : 'field'}>
        <legend>{t('indicators:items')}</legend>
        {errors.items && <strong class="err">{errors.items}</strong>}
        {indicators.map((i) => (
          <label key={i.code} style="display:block">
            <input type="checkbox" name="items" value={i.code} checked={pp.items.includes(i.code)} />{' '}
            {label(i.name, page.locale)} <small>({i.code})</small>
          </label>
        ))}
      </fieldset>
      {!published && (
        <div class="field">
          <label for="f-other">{t('indicators:otherItems')}</label>
          <input id="f-other" name="other" value={others.join(', ')} />
        </div>
      )}
      {field('q', t('indicators:filter'))}
      <button type="submit">{t('indicators:show')}</button>
    </form>
  );
}

function errorsOf(page: PageCtx, e: unknown): Record<string, string> | undefined {
  if (!(e instanceof Invalid)) return undefined;
  return Object.fromEntries(
    e.fields.map((f) => [f.field.split('.')[0] ?? f.field, page.locale === 'en' ? f.en : f.vi]),
  );
}

async function publicDefaultPlace(req: FastifyRequest) {
  const ids = await placesWithValues(req.ctx().sql);
  const places = (await findPlacesByIds(req.ctx().db, ids)).filter(
    (p) => p.level === 'province' && !p.validTo,
  );
  return places.sort((a, b) => a.code.localeCompare(b.code));
}

export function registerPivotPages(app: FastifyInstance) {
  const staffPage = async (req: FastifyRequest, reply: FastifyReply) => {
    if (req.actor.kind !== 'staff')
      return reply.redirect(`/dang-nhap?next=${encodeURIComponent(req.url)}`, 303);
    const page = await pageCtx(req, reply);
    const model = await loadModel(req.ctx().db);
    const grant = req.actor.grants.slice().sort((a, b) => a.placePath.length - b.placePath.length)[0];
    const codeOf = grant ? (await findPlacesByIds(req.ctx().db, [grant.placeId]))[0]?.code : undefined;
    const pp = params(req, model, { place: codeOf ?? '' });
    let p: Pivot | undefined;
    let errors: Record<string, string> = {};
    try {
      p = await pivotFor(req.ctx(), pp);
    } catch (e) {
      const fields = errorsOf(page, e);
      if (!fields) throw e;
      errors = fields;
    }
    const qs = queryString(pp);
    return sendPage(
      reply,
      <Layout page={page} title={page.t('indicators:table')}>
        <h1>{page.t('indicators:table')}</h1>
        <ParamsForm page={page} pp={pp} model={model} action="/quan-tri/chi-so/bang" errors={errors} />
        {p && (
          <section>
            <h2>{p.root.fullName}</h2>
            <p>
              <a href={`/quan-tri/chi-so/bang.csv?${qs}`} download>
                {page.t('indicators:csv')}
              </a>{' '}
              ·{' '}
              <a href={`/quan-tri/chi-so/bang.xlsx?${qs}`} download>
                {page.t('indicators:xlsx')}
              </a>
            </p>
            <PivotTable page={page} p={p} params={pp} base="/quan-tri/chi-so/bang" />
            <Charts page={page} p={p} />
          </section>
        )}
      </Layout>,
      Object.keys(errors).length ? 400 : 200,
    );
  };
  app.get('/quan-tri/chi-so/bang', staffPage);

  const file =
    (kind: 'csv' | 'xlsx', publicOnly: boolean) => async (req: FastifyRequest, reply: FastifyReply) => {
      const model = await loadModel(req.ctx().db);
      const fallback = publicOnly ? ((await publicDefaultPlace(req))[0]?.code ?? '') : '';
      const pp = params(req, model, { place: fallback, published: publicOnly });
      const p = await pivotFor(req.ctx(), pp, { publicOnly });
      const name = `chi-so-${p.root.code}-${pp.from}-${pp.to}`;
      if (kind === 'csv')
        return reply
          .header('content-type', 'text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="${name}.csv"`)
          .send(pivotCsv(p, req.locale));
      return reply
        .header('content-type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
        .header('content-disposition', `attachment; filename="${name}.xlsx"`)
        .send(await pivotXlsx(p, req.locale));
    };
  app.get('/quan-tri/chi-so/bang.csv', file('csv', false));
  app.get('/quan-tri/chi-so/bang.xlsx', file('xlsx', false));
  app.get('/chi-so.csv', file('csv', true));

  // The public page: the indicators the province publishes, typed values once approved.
  app.get('/chi-so', async (req, reply) => {
    const page = await pageCtx(req, reply);
    const model = await loadModel(req.ctx().db);
    const provinces = await publicDefaultPlace(req);
    const pp = params(req, model, { place: provinces[0]?.code ?? '', published: true });
    const published = [...model.indicators.values()].some((i) => i.published);
    let p: Pivot | undefined;
    let errors: Record<string, string> = {};
    if (published && pp.place) {
      try {
        p = await pivotFor(req.ctx(), pp, { publicOnly: true });
      } catch (e) {
        const fields = errorsOf(page, e);
        if (!fields) {
          if (e instanceof AppError && e.status === 404)
            errors = { place: page.locale === 'en' ? e.detail.en : e.detail.vi };
          else throw e;
        } else errors = fields;
      }
    }
    const qs = queryString(pp);
    return sendPage(
      reply,
      <Layout page={page} title={page.t('indicators:publicTitle')}>
        <h1>{page.t('indicators:publicTitle')}</h1>
        <p>{page.t('indicators:publicLead')}</p>
        {!published && <p class="notice">{page.t('indicators:noPublished')}</p>}
        {provinces.length > 1 && (
          <p>
            {page.t('indicators:otherPlaces')}:{' '}
            {provinces.map((pr) => (
              <a key={pr.code} href={`/chi-so?${queryString(pp, { place: pr.code, q: '' })}`}>
                {pr.fullName}{' '}
              </a>
            ))}
          </p>
        )}
        {published && (
          <ParamsForm page={page} pp={pp} model={model} action="/chi-so" published errors={errors} />
        )}
        {p && (
          <section>
            <h2>{p.root.fullName}</h2>
            <p>
              <a href={`/chi-so.csv?${qs}`} download>
                {page.t('indicators:csv')}
              </a>
            </p>
            <PivotTable page={page} p={p} params={pp} base="/chi-so" />
            <Charts page={page} p={p} />
          </section>
        )}
      </Layout>,
      Object.keys(errors).length ? 400 : 200,
    );
  });
}
