import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Locale, T } from '#platform/i18n/index.ts';
import type { Platform } from '#platform/platform.ts';
import { blankToUndefined } from '#platform/validation.ts';
import { Layout } from '#web/layout.tsx';
import { pageCtx, sendPage } from '#web/render.tsx';
import { addStaffLink } from '#web/staff-menu.ts';
import { registerProcedureAdmin } from './procedures.admin.tsx';
import { registerProcedureApi } from './procedures.api.ts';
import { daysInWords, formatMoney, localText } from './procedures.format.ts';
import { type Fee, ProcedureSearch } from './procedures.schemas.ts';
import {
  canEditCatalogue,
  getProcedure,
  listFields,
  listProcedures,
  type ProcedureSummary,
} from './procedures.service.ts';

const CodeParam = z.object({ code: z.string().trim().min(1).max(40) });

export function registerProcedureRoutes(app: FastifyInstance, _platform: Platform) {
  addStaffLink({
    href: '/quan-tri/thu-tuc',
    label: { vi: 'Danh mục thủ tục hành chính', en: 'Procedure catalogue' },
    roles: ['admin'],
  });
  registerPublicPages(app);
  registerProcedureAdmin(app);
  registerProcedureApi(app);
}

function fieldHref(field: string) {
  return `/thu-tuc?field=${encodeURIComponent(field)}`;
}

function SummaryItem({ p, t, locale }: { p: ProcedureSummary; t: T; locale: Locale }) {
  return (
    <li>
      <a href={`/thu-tuc/${encodeURIComponent(p.code)}`}>{(locale === 'en' && p.nameEn) || p.name}</a>
      <br />
      <small class="muted">
        {daysInWords(p.days, t, locale)} · {t(`procedures:online.${p.onlineLevel}`)}
      </small>
    </li>
  );
}

function feeLine(f: Fee, t: T, locale: Locale) {
  if (f.amount === 0 && !f.onlineAmount) return t('procedures:page.freeFee');
  const online =
    f.onlineAmount !== undefined && f.onlineAmount !== f.amount
      ? ` (${t('procedures:page.onlineAmount', { amount: formatMoney(f.onlineAmount, locale) })})`
      : '';
  return `${formatMoney(f.amount, locale)} ${t(`procedures:per.${f.per}`)}${online}, ${t(`procedures:dueAt.${f.dueAt}`)}`;
}

function registerPublicPages(app: FastifyInstance) {
  app.get('/thu-tuc', async (req, reply) => {
    const page = await pageCtx(req, reply);
    const { t, locale } = page;
    const raw = blankToUndefined(req.query);
    const parsed = ProcedureSearch.safeParse(raw);
    const search = parsed.success ? parsed.data : {};
    const { db } = req.ctx();
    const [items, fields, canEdit] = await Promise.all([
      listProcedures(db, search),
      listFields(db),
      canEditCatalogue(db, req.actor),
    ]);
    const filtered = Boolean(search.q || search.field);
    return sendPage(
      reply,
      <Layout page={page} title={t('procedures:list.title')}>
        <h1>{t('procedures:list.title')}</h1>
        <p>{t('procedures:list.intro')}</p>
        <form method="get" action="/thu-tuc">
          <div class="field">
            <label for="q">{t('procedures:list.q')}</label>
            <small class="hint" id="q-hint">
              {t('procedures:list.hint')}
            </small>
            <input id="q" name="q" type="search" value={search.q ?? ''} aria-describedby="q-hint" />
          </div>
          <div class="field">
            <label for="field">{t('procedures:list.field')}</label>
            <select id="field" name="field">
              <option value="">{t('procedures:list.allFields')}</option>
              {fields.map((f) => (
                <option key={f.field} value={f.field} selected={f.field === search.field}>
                  {f.field}
                </option>
              ))}
            </select>
          </div>
          <p>
            <button type="submit">{t('procedures:list.submit')}</button>
          </p>
        </form>
        {filtered ? (
          <>
            <p role="status">
              {items.length ? t('procedures:list.found', { count: items.length }) : t('procedures:list.none')}
            </p>
            <ul class="cards">
              {items.map((p) => (
                <SummaryItem key={p.code} p={p} t={t} locale={locale} />
              ))}
            </ul>
            <p>
              <a href="/thu-tuc">{t('procedures:list.all')}</a>
            </p>
          </>
        ) : (
          fields.map((f) => (
            <section key={f.field}>
              <h2>
                <a href={fieldHref(f.field)}>{f.field}</a> <span class="tag">{f.count}</span>
              </h2>
              <ul class="cards">
                {items
                  .filter((p) => p.field === f.field)
                  .map((p) => (
                    <SummaryItem key={p.code} p={p} t={t} locale={locale} />
                  ))}
              </ul>
            </section>
          ))
        )}
        {canEdit && (
          <p>
            <a href="/quan-tri/thu-tuc">{t('procedures:list.manage')}</a>
          </p>
        )}
      </Layout>,
    );
  });

  app.get('/thu-tuc/:code', async (req, reply) => {
    const { code } = CodeParam.parse(req.params);
    const { db } = req.ctx();
    const p = await getProcedure(db, code);
    const page = await pageCtx(req, reply);
    const { t, locale } = page;
    const tx = (text: { vi: string; en?: string | undefined }) => localText(text, locale);
    const paid = p.fees.filter((f) => f.amount > 0 || (f.onlineAmount ?? 0) > 0);
    const submitHref = `/thu-tuc/${encodeURIComponent(p.code)}/nop`;
    return sendPage(
      reply,
      <Layout page={page} title={tx(p.name)}>
        <p class="muted">
          <a href="/thu-tuc">{t('procedures:page.back')}</a> › <a href={fieldHref(p.field)}>{p.field}</a>
        </p>
        <h1>{tx(p.name)}</h1>
        <p>
          {t('procedures:page.code')}: <code>{p.code}</code>
        </p>
        {p.verified ? (
          p.checkedAgainst && (
            <p class="muted" data-checked-against>
              <small>{t('procedures:page.checkedAgainst', { source: p.checkedAgainst })}</small>
            </p>
          )
        ) : (
          <p class="notice" role="note">
            {t('procedures:page.unverified')}
          </p>
        )}
        <p>{tx(p.summary)}</p>
        <p>
          <a class="button" href={submitHref}>
            {t('procedures:page.submit')}
          </a>
        </p>

        <h2>{t('procedures:page.bring')}</h2>
        {p.documents.length === 0 ? (
          <p>{t('procedures:page.noDocuments')}</p>
        ) : (
          <ul>
            {p.documents.map((d) => (
              <li key={d.id}>
                <strong>{tx(d.name)}</strong>
                <br />
                {t(`procedures:docForm.${d.form}`)} · {t('procedures:page.count', { count: d.count })} ·{' '}
                {d.mandatory ? t('procedures:page.mandatory') : t('procedures:page.ifAny')}
                {d.note && (
                  <>
                    <br />
                    <small class="muted">{tx(d.note)}</small>
                  </>
                )}
              </li>
            ))}
          </ul>
        )}

        <h2>{t('procedures:page.howLong')}</h2>
        <p>
          <strong>{daysInWords(p.days, t, locale, p.daysUnit)}</strong>
          <br />
          <small class="muted">
            {t(
              p.daysUnit === 'calendar'
                ? 'procedures:page.howLongNoteCalendar'
                : 'procedures:page.howLongNote',
            )}
          </small>
          {(p.clockExclusions ?? []).map((x) => (
            <span key={x}>
              <br />
              <small class="muted" data-clock-exclusion={x}>
                {t(`procedures:exclusion.${x}`)}
              </small>
            </span>
          ))}
        </p>

        <h2>{t('procedures:page.howMuch')}</h2>
        {paid.length === 0 && <p>{t('procedures:page.free')}</p>}
        <ul>
          {p.fees.map((f) => (
            <li key={f.id}>
              {tx(f.name)}: <strong>{feeLine(f, t, locale)}</strong>
              {f.note && (
                <>
                  <br />
                  <small class="muted">{tx(f.note)}</small>
                </>
              )}
            </li>
          ))}
        </ul>

        <h2>{t('procedures:page.online')}</h2>
        <p>{t(`procedures:online.${p.onlineLevel}Text`)}</p>

        <h2>{t('procedures:page.result')}</h2>
        <p>{tx(p.result.name)}</p>
        <p>
          {t('procedures:page.where')}:{' '}
          {p.agency === 'police' ? t('procedures:agency.police') : t(`procedures:level.${p.competentLevel}`)}
        </p>

        {p.form.length > 0 && (
          <>
            <h2>{t('procedures:page.form')}</h2>
            <ul>
              {p.form.map((f) => (
                <li key={f.name}>
                  {tx(f.label)}
                  {f.required && <small class="muted"> ({t('procedures:page.required')})</small>}
                </li>
              ))}
            </ul>
          </>
        )}

        <p>
          <a class="button" href={submitHref}>
            {t('procedures:page.submit')}
          </a>
        </p>

        {p.legalBasis.length > 0 && (
          <>
            <h2>{t('procedures:page.legal')}</h2>
            <ul>
              {p.legalBasis.map((l) => (
                <li key={l}>
                  <small>{l}</small>
                </li>
              ))}
            </ul>
          </>
        )}
        {(await canEditCatalogue(db, req.actor)) && (
          <p>
            <a href={`/quan-tri/thu-tuc/${encodeURIComponent(p.code)}`}>{t('procedures:page.edit')}</a>
          </p>
        )}
      </Layout>,
    );
  });
}
