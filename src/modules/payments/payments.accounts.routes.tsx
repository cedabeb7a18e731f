import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Place } from '#modules/places/index.ts';
import { ActionForm, Field, Form, Notice } from '#web/form.tsx';
import { type FormState, handleForm } from '#web/form-action.ts';
import { Layout, type PageCtx } from '#web/layout.tsx';
import { pageCtx, sendPage } from '#web/render.tsx';
import {
  type AccountLine,
  getAccountLine,
  listAccountPlaces,
  removePaymentAccount,
  setPaymentAccount,
} from './payments.accounts.service.ts';
import { findSeriesOf, receiptNumber, setReceiptSeries } from './payments.receipts.ts';
import { PaymentAccountForm, ReceiptSeriesForm } from './payments.schemas.ts';
import type { PaymentsDeps } from './payments.service.ts';
import type { BankAccount } from './vietqr.ts';
import './payments.messages.ts';

const BASE = '/quan-tri/le-phi/tai-khoan';
const CodeParams = z.object({ code: z.string().regex(/^[0-9A-Za-z.]{1,20}$/) });
const ListQuery = z.object({
  luu: z.string().max(20).optional(),
  xoa: z.string().max(20).optional(),
});

const placeName = (page: PageCtx, p: Place) => (page.locale === 'en' && p.nameEn ? p.nameEn : p.fullName);

const accountLine = (page: PageCtx, a: BankAccount) =>
  page.t('payments:fees.accountLine', { name: a.name, number: a.number, bin: a.bin });

/** Where this place's fees go now, in one sentence. */
function Status({ page, line }: { page: PageCtx; line: AccountLine }) {
  const { t } = page;
  const { own, inherited } = line;
  if (own)
    return (
      <span data-source="own">
        {t('payments:accounts.own', {
          line: accountLine(page, { bin: own.bankBin, number: own.accountNumber, name: own.accountName }),
        })}
      </span>
    );
  if (!inherited) return <span data-source="none">{t('payments:accounts.none')}</span>;
  const text = accountLine(page, inherited.account);
  return inherited.from ? (
    <span data-source="place">
      {t('payments:accounts.fromPlace', { place: placeName(page, inherited.from), line: text })}
    </span>
  ) : (
    <span data-source="config">{t('payments:accounts.fromConfig', { line: text })}</span>
  );
}

/**
 * Under the fees desk: each commune's (and the province's) account for fees, set by its admins or
 * an admin above. Anonymous visitors are sent to sign in; staff who are admin nowhere (or not over
 * this place) get 403 from the service.
 */
export function registerAccountPages(app: FastifyInstance, deps: PaymentsDeps) {
  const signIn = (req: FastifyRequest, reply: FastifyReply) =>
    reply.redirect(`/dang-nhap?next=${encodeURIComponent(req.url)}`, 303);

  app.get(BASE, async (req, reply) => {
    if (req.actor.kind !== 'staff') return signIn(req, reply);
    const query = ListQuery.parse(req.query);
    const list = await listAccountPlaces(req.ctx(), deps.account);
    const page = await pageCtx(req, reply);
    const { t } = page;
    const named = (code: string | undefined) => {
      const p = code ? list.find((l) => l.place.code === code)?.place : undefined;
      return p ? placeName(page, p) : code;
    };
    const notice = query.luu
      ? t('payments:accounts.saved', { place: named(query.luu) })
      : query.xoa
        ? t('payments:accounts.removed', { place: named(query.xoa) })
        : undefined;
    return sendPage(
      reply,
      <Layout page={page} title={t('payments:accounts.title')}>
        <p class="muted">
          <a href="/quan-tri/le-phi">{t('payments:desk.title')}</a>
        </p>
        <h1>{t('payments:accounts.title')}</h1>
        <Notice text={notice} />
        <p>{t('payments:accounts.intro')}</p>
        <table>
          <thead>
            <tr>
              <th>{t('payments:accounts.place')}</th>
              <th>{t('payments:accounts.account')}</th>
            </tr>
          </thead>
          <tbody>
            {list.map((l) => (
              <tr key={l.place.id} data-place={l.place.code}>
                <td>
                  <a href={`${BASE}/${encodeURIComponent(l.place.code)}`}>{placeName(page, l.place)}</a>
                </td>
                <td>
                  <Status page={page} line={l} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </Layout>,
    );
  });

  const editPage = async (
    req: FastifyRequest,
    reply: FastifyReply,
    state?: FormState,
    status = 200,
    seriesState?: FormState,
  ) => {
    const { code } = CodeParams.parse(req.params);
    const line = await getAccountLine(req.ctx(), deps.account, code);
    const current = await findSeriesOf(req.ctx().db, line.place.id);
    const sv = seriesState?.values ?? {
      templateCode: current?.templateCode ?? '',
      series: current?.series ?? '',
      taxCode: current?.taxCode ?? '',
      unitName:
        current?.unitName ??
        `Ủy ban nhân dân ${line.place.fullName.replace(/^./, (c) => c.toLocaleLowerCase('vi'))}`,
      firstNumber: '',
    };
    const se = seriesState?.errors ?? {};
    const page = await pageCtx(req, reply);
    const { t } = page;
    const own = line.own;
    const v = state?.values ?? {
      bin: own?.bankBin ?? '',
      number: own?.accountNumber ?? '',
      name: own?.accountName ?? '',
    };
    const e = state?.errors ?? {};
    const title = t('payments:accounts.editTitle', { place: placeName(page, line.place) });
    const action = `${BASE}/${encodeURIComponent(line.place.code)}`;
    return sendPage(
      reply,
      <Layout page={page} title={title}>
        <p class="muted">
          <a href={BASE}>{t('payments:accounts.back')}</a>
        </p>
        <h1>{title}</h1>
        <p>
          <Status page={page} line={line} />
        </p>
        {state?.message && (
          <p class="errors" role="alert">
            {state.message}
          </p>
        )}
        <Form page={page} action={action} errors={e}>
          <Field
            name="bin"
            label={t('payments:accounts.bin')}
            hint={t('payments:accounts.binHint')}
            value={v.bin}
            error={e.bin}
            inputmode="numeric"
            required
          />
          <Field
            name="number"
            label={t('payments:accounts.number')}
            value={v.number}
            error={e.number}
            autocomplete="off"
            required
          />
          <Field
            name="name"
            label={t('payments:accounts.name')}
            hint={t('payments:accounts.nameHint')}
            value={v.name}
            error={e.name}
            autocomplete="off"
            required
          />
          <button type="submit">{t('payments:accounts.save')}</button>
        </Form>
        {own && (
          <ActionForm
            page={page}
            action={`${action}/xoa`}
            label={t('payments:accounts.remove')}
            kind="secondary"
          />
        )}
        <h2 id="bien-lai">{t('payments:series.title')}</h2>
        <p data-series={current ? `${current.templateCode} ${current.series}` : 'none'}>
          {current
            ? t('payments:series.current', {
                template: current.templateCode,
                series: current.series,
                tax: current.taxCode,
                next: receiptNumber(current.nextNumber),
              })
            : t('payments:series.none')}
        </p>
        <p>{t('payments:series.intro')}</p>
        {seriesState?.message && (
          <p class="errors" role="alert">
            {seriesState.message}
          </p>
        )}
        <Form page={page} action={`${action}/bien-lai`} errors={se}>
          <Field
            name="templateCode"
            label={t('payments:series.templateCode')}
            hint={t('payments:series.symbolHint')}
            value={sv.templateCode}
            error={se.templateCode}
            autocomplete="off"
            required
          />
          <Field
            name="series"
            label={t('payments:series.series')}
            hint={t('payments:series.symbolHint')}
            value={sv.series}
            error={se.series}
            autocomplete="off"
            required
          />
          <Field
            name="taxCode"
            label={t('payments:series.taxCode')}
            value={sv.taxCode}
            error={se.taxCode}
            inputmode="numeric"
            required
          />
          <Field
            name="unitName"
            label={t('payments:series.unitName')}
            value={sv.unitName}
            error={se.unitName}
            required
          />
          <Field
            name="firstNumber"
            label={t('payments:series.firstNumber')}
            hint={t('payments:series.firstNumberHint')}
            value={sv.firstNumber}
            error={se.firstNumber}
            inputmode="numeric"
          />
          <button type="submit">{t('payments:series.save')}</button>
        </Form>
      </Layout>,
      status,
    );
  };

  app.get(`${BASE}/:code`, async (req, reply) => {
    if (req.actor.kind !== 'staff') return signIn(req, reply);
    return editPage(req, reply);
  });

  app.post(`${BASE}/:code`, async (req, reply) => {
    if (req.actor.kind !== 'staff') return signIn(req, reply);
    const { code } = CodeParams.parse(req.params);
    return handleForm(
      req,
      reply,
      PaymentAccountForm,
      async (input) => {
        await setPaymentAccount(req.ctx(), code, input);
        return `${BASE}?luu=${encodeURIComponent(code)}`;
      },
      (state, status) => editPage(req, reply, state, status),
    );
  });

  app.post(`${BASE}/:code/bien-lai`, async (req, reply) => {
    if (req.actor.kind !== 'staff') return signIn(req, reply);
    const { code } = CodeParams.parse(req.params);
    return handleForm(
      req,
      reply,
      ReceiptSeriesForm,
      async (input) => {
        await setReceiptSeries(req.ctx(), code, input);
        return `${BASE}/${encodeURIComponent(code)}?bien-lai=1#bien-lai`;
      },
      (state, status) => editPage(req, reply, undefined, status, state),
    );
  });

  app.post(`${BASE}/:code/xoa`, async (req, reply) => {
    if (req.actor.kind !== 'staff') return signIn(req, reply);
    const { code } = CodeParams.parse(req.params);
    await removePaymentAccount(req.ctx(), code);
    return reply.redirect(`${BASE}?xoa=${encodeURIComponent(code)}`, 303);
  });
}
