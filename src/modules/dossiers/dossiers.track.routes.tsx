import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Ctx } from '#platform/context.ts';
import { Invalid, NotFound, TooManyRequests } from '#platform/errors.ts';
import type { Platform } from '#platform/platform.ts';
import { parse } from '#platform/validation.ts';
import { type Errors, errorsFor, Field, Form, Notice, TextArea } from '#web/form.tsx';
import { Layout, type PageCtx } from '#web/layout.tsx';
import { pageCtx, sendPage } from '#web/render.tsx';
import { sendSupplement, withdrawByApplicant } from './dossiers.actions.ts';
import type { DossierLinkSources, DossierPageDeps } from './dossiers.deps.ts';
import { type Body, messageOf, str, submissionFrom, uploadLimits } from './dossiers.form-input.ts';
import { citizenLinks, type DossierLink, DossierLinks } from './dossiers.links.tsx';
import { getMine, listMine, type MyDossier, type PublicView, track } from './dossiers.read.ts';
import { TrackQuery } from './dossiers.schemas.ts';
import { uploadsOf } from './dossiers.uploads.ts';
import {
  DocumentInputs,
  FormMessage,
  Hidden,
  MyDossierCards,
  money,
  PublicTimeline,
  StatusTag,
  when,
  whenLong,
} from './dossiers.views.tsx';

/** Public tracking (code + last 4 phone digits) and a signed-in citizen's own dossiers. */

const Params = z.object({ code: z.string().max(40) });
const Proof = z.object({ ma: z.string().max(60), so: z.string().regex(/^\d{4}$/) });
const limited = { rateLimit: { max: 60, timeWindow: 10 * 60_000 } };

/** Where a form on the dossier's page posts, and the proof it carries (none when signed in). */
interface FormTarget {
  action: string;
  hidden: [string, string][];
}

function SupplementForm({
  page,
  view,
  target,
  errors,
  maxMb,
}: {
  page: PageCtx;
  view: PublicView;
  target: FormTarget;
  errors: Errors;
  maxMb: number;
}) {
  const t = page.t;
  const docs = view.documents.map((d) => ({
    id: d.id,
    name: { vi: d.name },
    form: 'copy' as const,
    count: 1,
    mandatory: false,
  }));
  return (
    <>
      <h2>{t('dossiers:track.supplementTitle')}</h2>
      <Form page={page} action={target.action} errors={errors} enctype="multipart/form-data">
        <Hidden values={target.hidden} />
        <DocumentInputs
          page={page}
          documents={docs}
          kept={new Map()}
          errors={errors}
          maxMb={maxMb}
          only={view.missing?.documents.map((d) => d.id)}
        />
        <TextArea name="note" label={t('dossiers:track.supplementNote')} error={errors.note} />
        <button type="submit">{t('dossiers:track.supplementSend')}</button>
      </Form>
    </>
  );
}

/** What the applicant sees of a dossier, on the tracking page and on their own page. */
function DossierPublic({
  page,
  view,
  supplement,
  withdrawHref,
  errors,
  links,
  feesHref,
  maxMb,
}: {
  page: PageCtx;
  view: PublicView;
  supplement: FormTarget;
  /** The page that explains withdrawal and asks to confirm it. */
  withdrawHref: string;
  errors: Errors;
  links: DossierLink[];
  /** The fees page, with the tracking proof when this page was opened with it. */
  feesHref: string;
  maxMb: number;
}) {
  const t = page.t;
  const d = view.dossier;
  return (
    <section id="dossier">
      <h2>
        {t('dossiers:track.code')}: <span id="dossier-code">{d.code}</span>
      </h2>
      <dl>
        <dt>{t('dossiers:track.status')}</dt>
        <dd>
          <StatusTag page={page} status={d.status} />
        </dd>
        <dt>{t('dossiers:track.procedure')}</dt>
        <dd>{d.procedureName}</dd>
        <dt>{t('dossiers:track.unit')}</dt>
        <dd>{view.unitName}</dd>
        <dt>{t('dossiers:track.submittedAt')}</dt>
        <dd>{when(d.submittedAt)}</dd>
        {view.dueAt && (
          <>
            <dt>{t('dossiers:track.due')}</dt>
            <dd>{whenLong(page, view.dueAt)}</dd>
          </>
        )}
      </dl>
      <DossierLinks page={page} links={links} />
      {view.paused && <p class="notice">{t('dossiers:track.paused')}</p>}
      {view.payment && (
        <p class="notice" id="payment">
          {t('dossiers:track.payment', { amount: money(page, view.payment.amount ?? 0) })}{' '}
          <a href={feesHref}>{t('dossiers:track.payLink')}</a>
        </p>
      )}
      {view.missing && (
        <div class="notice" id="missing">
          <p>
            {t('dossiers:timeline.missing', {
              list: view.missing.documents.map((x) => x.name).join('; ') || '—',
            })}
          </p>
          {view.missing.note && <p>{view.missing.note}</p>}
        </div>
      )}
      <h2>{t('dossiers:track.history')}</h2>
      <PublicTimeline page={page} view={view} />
      {view.available.includes('supplement_received') && (
        <SupplementForm page={page} view={view} target={supplement} errors={errors} maxMb={maxMb} />
      )}
      {view.available.includes('withdraw') && (
        // Last, small and a link, not a button: it leads to a page that explains and asks again.
        <p class="muted" id="withdraw">
          {t('dossiers:withdraw.ask')} <a href={withdrawHref}>{t('dossiers:track.withdraw')}</a>
        </p>
      )}
    </section>
  );
}

/**
 * Withdrawal, asked twice: what it means and that it cannot be undone, then the choice — going back
 * is the button that stands out. Posts `xac_nhan=1`; a post without it only shows this page again.
 */
function WithdrawPage({
  page,
  view,
  target,
}: {
  page: PageCtx;
  view: PublicView;
  target: FormTarget & { back: string };
}) {
  const t = page.t;
  const d = view.dossier;
  return (
    <Layout page={page} title={t('dossiers:withdraw.title')}>
      <h1>{t('dossiers:withdraw.title')}</h1>
      <dl>
        <dt>{t('dossiers:track.code')}</dt>
        <dd id="dossier-code">{d.code}</dd>
        <dt>{t('dossiers:track.procedure')}</dt>
        <dd>{d.procedureName}</dd>
        <dt>{t('dossiers:track.status')}</dt>
        <dd>
          <StatusTag page={page} status={d.status} />
        </dd>
      </dl>
      <p>{t('dossiers:withdraw.means')}</p>
      <ul id="withdraw-consequences">
        <li>
          <strong>{t('dossiers:withdraw.final')}</strong>
        </li>
        <li>{t('dossiers:withdraw.again')}</li>
        <li>{t('dossiers:withdraw.fees')}</li>
      </ul>
      <p>
        <a class="button" href={target.back}>
          {t('dossiers:withdraw.back')}
        </a>
      </p>
      <Form page={page} action={target.action}>
        <Hidden values={[...target.hidden, ['xac_nhan', '1']]} />
        <button type="submit" class="secondary">
          {t('dossiers:withdraw.confirm')}
        </button>
      </Form>
    </Layout>
  );
}

/** The lookup form: the dossier code and the last 4 digits of the phone. */
function TrackForm({
  page,
  values,
  errors,
}: {
  page: PageCtx;
  values: { ma?: string | undefined; so?: string | undefined };
  errors: Errors;
}) {
  const t = page.t;
  return (
    <>
      <p>{t('dossiers:track.intro')}</p>
      <form method="get" action="/tra-cuu" novalidate>
        <Field name="ma" label={t('dossiers:track.code')} value={values.ma} error={errors.ma} required />
        <Field
          name="so"
          label={t('dossiers:track.phone4')}
          value={values.so}
          error={errors.so}
          inputmode="numeric"
          required
        />
        <button type="submit">{t('dossiers:track.submit')}</button>
      </form>
    </>
  );
}

function MineList({ page, rows }: { page: PageCtx; rows: MyDossier[] }) {
  const t = page.t;
  return (
    <Layout page={page} title={t('dossiers:track.mine')}>
      <h1>{t('dossiers:track.mine')}</h1>
      {rows.length === 0 && <p>{t('dossiers:track.mineNone')}</p>}
      <MyDossierCards page={page} rows={rows} />
    </Layout>
  );
}

/** Papers, fees, rating: with the tracking proof on each link, or none for the signed-in applicant. */
function linksOf(ctx: Ctx, sources: DossierLinkSources, view: PublicView, phone4?: string) {
  return citizenLinks(
    ctx,
    sources,
    { ...view.dossier, hasFees: view.hasFees },
    view.timeline.map((e) => e.type),
    phone4,
  );
}

/** What the pages are built with. */
interface PageEnv {
  deps: DossierPageDeps;
  maxMb: number;
}

/** The tracking page: the lookup form, or the dossier the proof opened (and why not, if it did not). */
async function trackPage(
  req: FastifyRequest,
  reply: FastifyReply,
  { deps, maxMb }: PageEnv,
  state: { errors?: Errors; message?: string | undefined; notice?: string | undefined } = {},
  status = 200,
) {
  const page = await pageCtx(req, reply);
  const t = page.t;
  const query = req.query as { ma?: string; so?: string };
  const values = {
    ma: query.ma ?? str((req.body ?? {}) as Body, 'ma'),
    so: query.so ?? str((req.body ?? {}) as Body, 'so'),
  };
  let view: PublicView | undefined;
  let phone4: string | undefined;
  let errors: Errors = state.errors ?? {};
  let message = state.message;
  let code = status;
  if (values.ma && values.so && !state.errors?.ma && !state.errors?.so) {
    try {
      const p = parse(TrackQuery, values);
      view = await track(req.ctx(), deps, p.ma, p.so);
      phone4 = p.so;
    } catch (e) {
      if (e instanceof Invalid) {
        errors = errorsFor(page, e.fields);
        code = 400;
      } else if (e instanceof NotFound) {
        message = t('dossiers:track.notFound');
        code = 404;
      } else if (e instanceof TooManyRequests) {
        reply.header('retry-after', String(e.retryAfterSeconds));
        message = messageOf(page, e);
        code = 429;
      } else throw e;
    }
  }
  const proof: [string, string][] = view
    ? [
        ['ma', view.dossier.code],
        ['so', values.so ?? ''],
      ]
    : [];
  const links = view ? await linksOf(req.ctx(), deps.links, view, phone4) : [];
  return sendPage(
    reply,
    <Layout page={page} title={t('dossiers:track.title')}>
      <h1>{t('dossiers:track.title')}</h1>
      <Notice text={state.notice} />
      <FormMessage text={message} />
      {view ? (
        <DossierPublic
          page={page}
          view={view}
          supplement={{ action: '/tra-cuu/bo-sung', hidden: proof }}
          withdrawHref={`/tra-cuu/rut?${new URLSearchParams(proof)}`}
          errors={errors}
          links={links}
          feesHref={deps.links.fees(view.dossier.code, values.so || undefined)}
          maxMb={maxMb}
        />
      ) : (
        <TrackForm page={page} values={values} errors={errors} />
      )}
    </Layout>,
    code,
  );
}

/** A signed-in citizen's own dossier: the tracking view, no proof needed. */
async function minePage(
  req: FastifyRequest,
  reply: FastifyReply,
  { deps, maxMb }: PageEnv,
  errors: Errors = {},
  status = 200,
) {
  if (req.actor.kind !== 'citizen') return reply.redirect('/cong-dan/dang-nhap', 303);
  const { code } = Params.parse(req.params);
  const view = await getMine(req.ctx(), code);
  const page = await pageCtx(req, reply);
  const base = `/cong-dan/ho-so/${encodeURIComponent(view.dossier.code)}`;
  const q = req.query as { bs?: string; rut?: string };
  const notice = q.bs
    ? page.t('dossiers:track.supplementDone')
    : q.rut
      ? page.t('dossiers:withdraw.done')
      : undefined;
  return sendPage(
    reply,
    <Layout page={page} title={view.dossier.code}>
      <h1>{page.t('dossiers:track.title')}</h1>
      <Notice text={notice} />
      <DossierPublic
        page={page}
        view={view}
        supplement={{ action: `${base}/bo-sung`, hidden: [] }}
        withdrawHref={`${base}/rut`}
        errors={errors}
        links={await linksOf(req.ctx(), deps.links, view)}
        feesHref={deps.links.fees(view.dossier.code)}
        maxMb={maxMb}
      />
    </Layout>,
    status,
  );
}

export function registerTrackingPages(app: FastifyInstance, platform: Platform, deps: DossierPageDeps) {
  const { maxMb, upload } = uploadLimits(platform);
  const env: PageEnv = { deps, maxMb };

  app.get('/tra-cuu', async (req, reply) => {
    const q = req.query as { bs?: string; rut?: string };
    const t = (await pageCtx(req, reply)).t;
    const notice = q.bs
      ? t('dossiers:track.supplementDone')
      : q.rut
        ? t('dossiers:withdraw.done')
        : undefined;
    return trackPage(req, reply, env, { notice });
  });

  app.post('/tra-cuu/bo-sung', { ...upload, config: limited }, async (req, reply) => {
    const body = (req.body ?? {}) as Body;
    const up = uploadsOf(req);
    const proof = Proof.safeParse({ ma: str(body, 'ma'), so: str(body, 'so') });
    if (!proof.success) throw new NotFound();
    const files = submissionFrom(body, up.uploads).files;
    try {
      if (up.errors.length) throw new Invalid(up.errors);
      await sendSupplement(req.ctx(), deps, proof.data.ma, {
        phone4: proof.data.so,
        note: str(body, 'note'),
        files,
      });
      const qs = new URLSearchParams({ ma: proof.data.ma, so: proof.data.so, bs: '1' });
      return reply.redirect(`/tra-cuu?${qs}`, 303);
    } catch (e) {
      if (!(e instanceof Invalid)) throw e;
      const page = await pageCtx(req, reply);
      (req as { query: unknown }).query = { ma: proof.data.ma, so: proof.data.so };
      return trackPage(req, reply, env, { errors: errorsFor(page, e.fields) }, 400);
    }
  });

  /** The withdrawal's confirmation page, with the tracking proof; back to tracking once it is too late. */
  const withdrawPage = async (req: FastifyRequest, reply: FastifyReply, ma: string, so: string) => {
    const view = await track(req.ctx(), deps, ma, so);
    const qs = new URLSearchParams({ ma: view.dossier.code, so });
    if (!view.available.includes('withdraw')) return reply.redirect(`/tra-cuu?${qs}`, 303);
    const page = await pageCtx(req, reply);
    const target = {
      action: '/tra-cuu/rut',
      hidden: [...qs.entries()],
      back: `/tra-cuu?${qs}`,
    };
    return sendPage(reply, <WithdrawPage page={page} view={view} target={target} />);
  };

  app.get('/tra-cuu/rut', { config: limited }, async (req, reply) => {
    const proof = Proof.safeParse(req.query);
    if (!proof.success) throw new NotFound();
    return withdrawPage(req, reply, proof.data.ma, proof.data.so);
  });

  app.post('/tra-cuu/rut', { config: limited }, async (req, reply) => {
    const body = (req.body ?? {}) as Body;
    const proof = Proof.safeParse({ ma: str(body, 'ma'), so: str(body, 'so') });
    if (!proof.success) throw new NotFound();
    if (str(body, 'xac_nhan') !== '1') return withdrawPage(req, reply, proof.data.ma, proof.data.so);
    const r = await withdrawByApplicant(req.ctx(), deps, proof.data.ma, proof.data.so);
    const qs = new URLSearchParams({ ma: r.dossier.code, so: proof.data.so, rut: '1' });
    return reply.redirect(`/tra-cuu?${qs}`, 303);
  });

  app.get('/cong-dan/ho-so', async (req, reply) => {
    if (req.actor.kind !== 'citizen') return reply.redirect('/cong-dan/dang-nhap', 303);
    const rows = await listMine(req.ctx());
    const page = await pageCtx(req, reply);
    return sendPage(reply, <MineList page={page} rows={rows} />);
  });

  app.get('/cong-dan/ho-so/:code', (req, reply) => minePage(req, reply, env));
  app.post('/cong-dan/ho-so/:code/bo-sung', upload, async (req, reply) => {
    const { code } = Params.parse(req.params);
    const body = (req.body ?? {}) as Body;
    const up = uploadsOf(req);
    try {
      if (up.errors.length) throw new Invalid(up.errors);
      const r = await sendSupplement(req.ctx(), deps, code, {
        note: str(body, 'note'),
        files: submissionFrom(body, up.uploads).files,
      });
      return reply.redirect(`/cong-dan/ho-so/${encodeURIComponent(r.dossier.code)}?bs=1`, 303);
    } catch (e) {
      if (!(e instanceof Invalid)) throw e;
      return minePage(req, reply, env, errorsFor(await pageCtx(req, reply), e.fields), 400);
    }
  });
  /** A signed-in applicant's own withdrawal: the same confirmation, no proof. */
  const mineWithdrawPage = async (req: FastifyRequest, reply: FastifyReply) => {
    if (req.actor.kind !== 'citizen') return reply.redirect('/cong-dan/dang-nhap', 303);
    const { code } = Params.parse(req.params);
    const view = await getMine(req.ctx(), code);
    const base = `/cong-dan/ho-so/${encodeURIComponent(view.dossier.code)}`;
    if (!view.available.includes('withdraw')) return reply.redirect(base, 303);
    const page = await pageCtx(req, reply);
    const target = { action: `${base}/rut`, hidden: [], back: base };
    return sendPage(reply, <WithdrawPage page={page} view={view} target={target} />);
  };
  app.get('/cong-dan/ho-so/:code/rut', mineWithdrawPage);
  app.post('/cong-dan/ho-so/:code/rut', async (req, reply) => {
    const { code } = Params.parse(req.params);
    if (str((req.body ?? {}) as Body, 'xac_nhan') !== '1') return mineWithdrawPage(req, reply);
    const r = await withdrawByApplicant(req.ctx(), deps, code);
    return reply.redirect(`/cong-dan/ho-so/${encodeURIComponent(r.dossier.code)}?rut=1`, 303);
  });
}
