import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { findPlaceById, getPlaceByCode, type Place, searchPlaces } from '#modules/places/index.ts';
import type { Ctx } from '#platform/context.ts';
import { AppError, Invalid, NotFound, TooManyRequests } from '#platform/errors.ts';
import type { Platform } from '#platform/platform.ts';
import { parse } from '#platform/validation.ts';
import { Field, Form, Notice, TextArea } from '#web/form.tsx';
import { Layout, type PageCtx } from '#web/layout.tsx';
import { pageCtx, sendPage } from '#web/render.tsx';
import { citizenLinks, type DossierLink, DossierLinks } from './dossiers.links.tsx';
import { currentProcedure, type ProcedureDefinition, procedureOf } from './dossiers.procedure.ts';
import * as q from './dossiers.queries.ts';
import {
  getMine,
  listMine,
  type PublicView,
  sendSupplement,
  track,
  withdrawByApplicant,
} from './dossiers.read.ts';
import { IdempotencyKey, TrackQuery } from './dossiers.schemas.ts';
import {
  type CheckedSubmission,
  checkSubmission,
  type DocumentFile,
  type DossierDeps,
  type SubmitInput,
  submitDossier,
} from './dossiers.service.ts';
import { multipartBody, type Upload, uploadsOf } from './dossiers.uploads.ts';
import {
  ApplicantAndAnswers,
  ApplicantFields,
  DocumentInputs,
  EFormFields,
  FormMessage,
  Hidden,
  type Kept,
  money,
  PublicTimeline,
  StatusTag,
  tr,
  when,
  whenLong,
} from './dossiers.views.tsx';

type Body = Record<string, unknown>;
type Errors = Record<string, string>;

const str = (body: Body, k: string): string | undefined => {
  const v = body[k];
  const s = Array.isArray(v) ? v[0] : v;
  return typeof s === 'string' && s.trim() !== '' ? s : undefined;
};
const all = (body: Body, k: string): string[] => {
  const v = body[k];
  return (Array.isArray(v) ? v : v === undefined ? [] : [v]).filter(
    (x): x is string => typeof x === 'string',
  );
};

/** The fields of a submission form, whichever way it came (first try, check page, a re-render). */
export function submissionFrom(body: Body, uploads: Upload[]) {
  const applicant = Object.fromEntries(
    ['name', 'idNumber', 'phone', 'address', 'email'].map((k) => [k, str(body, `applicant.${k}`)]),
  );
  const form = Object.fromEntries(
    Object.keys(body)
      .filter((k) => k.startsWith('form.'))
      .map((k) => [k.slice(5), str(body, k)]),
  );
  const files: DocumentFile[] = [];
  for (const k of Object.keys(body).filter((k) => k.startsWith('keep.'))) {
    for (const fileId of all(body, k)) files.push({ documentId: k.slice(5), fileId });
  }
  for (const u of uploads) {
    if (u.field.startsWith('doc.'))
      files.push({ documentId: u.field.slice(4), fileId: u.file.id, stored: u.file });
  }
  const values: Record<string, string> = {};
  for (const k of Object.keys(body)) {
    const v = str(body, k);
    if (v !== undefined && k !== '_csrf' && !k.startsWith('keep.')) values[k] = v;
  }
  return { applicant, form, files, values };
}

export async function keptOf(ctx: Ctx, files: DocumentFile[]): Promise<Kept> {
  const meta = new Map(
    (
      await q.findFiles(
        ctx.db,
        files.map((f) => f.fileId),
      )
    ).map((m) => [m.id, m]),
  );
  const kept: Kept = new Map();
  for (const f of files) {
    const m = meta.get(f.fileId);
    if (!m || m.dossierId !== null) continue;
    kept.set(f.documentId, [...(kept.get(f.documentId) ?? []), { id: m.id, name: m.originalName }]);
  }
  return kept;
}

export function errorsOf(page: PageCtx, e: Invalid): Errors {
  const out: Errors = {};
  for (const f of e.fields) out[f.field] ??= page.locale === 'en' ? f.en : f.vi;
  return out;
}

/** Errors that re-render the page rather than reach the error page: the user can fix them. */
function messageOf(page: PageCtx, e: unknown): string | undefined {
  if (e instanceof AppError && e.status < 500 && ![401, 403, 404].includes(e.status)) {
    return page.locale === 'en' ? e.detail.en : e.detail.vi;
  }
  return undefined;
}

export function registerDossierPages(app: FastifyInstance, platform: Platform, deps: DossierDeps) {
  const maxMb = Math.round(platform.config.UPLOAD_MAX_BYTES / 1024 / 1024);
  const upload = { preValidation: multipartBody(platform.files, platform.config.UPLOAD_MAX_BYTES) };
  const limited = { rateLimit: { max: 60, timeWindow: 10 * 60_000 } };

  // ------------------------------------------------------------------------------------------
  // Online submission: form → check your answers → send → confirmation

  const Params = z.object({ code: z.string().max(40) });

  async function unitOf(req: FastifyRequest): Promise<Place | undefined> {
    const xa = (req.query as { xa?: string }).xa ?? str((req.body ?? {}) as Body, 'xa');
    if (!xa) return undefined;
    return getPlaceByCode(req.ctx().db, xa).catch(() => undefined);
  }

  const choosePage = async (req: FastifyRequest, reply: FastifyReply, procedure: ProcedureDefinition) => {
    const page = await pageCtx(req, reply);
    const t = page.t;
    const query = (req.query as { q?: string }).q?.trim() ?? '';
    const results =
      query.length >= 2
        ? await searchPlaces(req.ctx().db, { q: query, level: 'commune', legacy: 'false' }, 20)
        : [];
    return sendPage(
      reply,
      <Layout page={page} title={t('dossiers:submit.title')}>
        <p class="muted">{tr(page, procedure.name)}</p>
        <h1>{t('dossiers:submit.chooseTitle')}</h1>
        <form method="get" action={`/thu-tuc/${procedure.code}/nop`}>
          <div class="field">
            <label for="q">{t('places:search.q')}</label>
            <small class="hint">{t('dossiers:submit.chooseHint')}</small>
            <input id="q" name="q" type="search" value={query} />
          </div>
          <p>
            <button type="submit">{t('dossiers:submit.choose')}</button>
          </p>
        </form>
        {query.length >= 2 && results.length === 0 && <p>{t('dossiers:submit.chooseNone')}</p>}
        <ul class="cards">
          {results.map((p) => (
            <li key={p.id}>
              <a href={`/thu-tuc/${procedure.code}/nop?xa=${p.code}`}>{p.fullName}</a>
            </li>
          ))}
        </ul>
      </Layout>,
    );
  };

  interface FormState {
    values: Record<string, string>;
    errors: Errors;
    kept: Kept;
    message?: string | undefined;
  }

  const submitForm = async (
    req: FastifyRequest,
    reply: FastifyReply,
    procedure: ProcedureDefinition,
    unit: Place,
    state: FormState,
    status = 200,
  ) => {
    const page = await pageCtx(req, reply);
    const t = page.t;
    const idem = state.values.idem ?? randomUUID();
    return sendPage(
      reply,
      <Layout page={page} title={`${t('dossiers:submit.title')}: ${tr(page, procedure.name)}`}>
        <h1>{tr(page, procedure.name)}</h1>
        <p>
          {t('dossiers:submit.to')}: <strong>{unit.fullName}</strong>{' '}
          <a href={`/thu-tuc/${procedure.code}/nop`}>{t('dossiers:submit.change')}</a>
        </p>
        <FormMessage text={state.message} />
        <Form
          page={page}
          action={`/thu-tuc/${procedure.code}/nop`}
          errors={state.errors}
          enctype="multipart/form-data"
        >
          <input type="hidden" name="idem" value={idem} />
          <input type="hidden" name="xa" value={unit.code} />
          <ApplicantFields page={page} values={state.values} errors={state.errors} />
          <EFormFields page={page} procedure={procedure} values={state.values} errors={state.errors} />
          <DocumentInputs
            page={page}
            documents={procedure.documents}
            kept={state.kept}
            errors={state.errors}
            maxMb={maxMb}
          />
          <button type="submit">{t('dossiers:submit.next')}</button>
        </Form>
      </Layout>,
      status,
    );
  };

  const checkPage = async (
    req: FastifyRequest,
    reply: FastifyReply,
    checked: CheckedSubmission,
    values: Record<string, string>,
  ) => {
    const page = await pageCtx(req, reply);
    const t = page.t;
    const p = checked.procedure;
    const hidden: [string, string][] = [
      ...Object.entries(values).filter(
        ([k]) => k.startsWith('applicant.') || k.startsWith('form.') || k === 'idem' || k === 'xa',
      ),
      ...checked.files.map((f): [string, string] => [`keep.${f.documentId}`, f.fileId]),
    ];
    const a = checked.applicant;
    return sendPage(
      reply,
      <Layout page={page} title={t('dossiers:submit.checkTitle')}>
        <h1>{t('dossiers:submit.checkTitle')}</h1>
        <p>{t('dossiers:submit.checkIntro')}</p>
        <h2>{tr(page, p.name)}</h2>
        <p>
          {t('dossiers:submit.to')}: <strong>{checked.unit.fullName}</strong>
        </p>
        <ApplicantAndAnswers
          page={page}
          procedure={p}
          applicant={a}
          answers={checked.form}
          headings={{ applicant: t('dossiers:submit.applicant'), form: t('dossiers:submit.form') }}
        />
        <h2>{t('dossiers:submit.documents')}</h2>
        <ul>
          {p.documents.map((d) => {
            const files = checked.files.filter((f) => f.documentId === d.id);
            if (files.length === 0) return null;
            return (
              <li key={d.id}>
                {tr(page, d.name)}: {files.map((f) => f.name).join(', ')}
              </li>
            );
          })}
        </ul>
        <Form page={page} action={`/thu-tuc/${p.code}/nop/gui`}>
          <Hidden values={hidden} />
          <p>
            <button type="submit">{t('dossiers:submit.send')}</button>{' '}
            <button type="submit" class="secondary" formaction={`/thu-tuc/${p.code}/nop/sua`}>
              {t('dossiers:submit.edit')}
            </button>
          </p>
        </Form>
      </Layout>,
    );
  };

  app.get('/thu-tuc/:code/nop', async (req, reply) => {
    const { code } = Params.parse(req.params);
    const { definition } = await currentProcedure(req.ctx().db, code);
    const unit = await unitOf(req);
    if (!unit) return choosePage(req, reply, definition);
    const values: Record<string, string> = {};
    if (req.actor.kind === 'citizen') values['applicant.phone'] = req.actor.phone;
    return submitForm(req, reply, definition, unit, { values, errors: {}, kept: new Map() });
  });

  /** First step: the form, with its files, is checked; then the check page, or the form again. */
  app.post('/thu-tuc/:code/nop', { ...upload, config: limited }, async (req, reply) => {
    const { code } = Params.parse(req.params);
    const ctx = req.ctx();
    const { definition } = await currentProcedure(ctx.db, code);
    const body = (req.body ?? {}) as Body;
    const up = uploadsOf(req);
    const input = submissionFrom(body, up.uploads);
    const unit = await unitOf(req);
    if (!unit) return choosePage(req, reply, definition);
    try {
      const checked = await checkSubmission(ctx, {
        procedureCode: code,
        unitCode: unit.code,
        applicant: input.applicant,
        form: input.form,
        files: input.files,
        uploadErrors: up.errors,
      });
      return checkPage(req, reply, checked, input.values);
    } catch (e) {
      if (!(e instanceof Invalid)) throw e;
      const page = await pageCtx(req, reply);
      return submitForm(
        req,
        reply,
        definition,
        unit,
        {
          values: input.values,
          errors: errorsOf(page, e),
          kept: await keptOf(ctx, input.files),
        },
        400,
      );
    }
  });

  /** "Change" on the check page: the form again, filled in, with the files kept. */
  app.post('/thu-tuc/:code/nop/sua', async (req, reply) => {
    const { code } = Params.parse(req.params);
    const ctx = req.ctx();
    const { definition } = await currentProcedure(ctx.db, code);
    const input = submissionFrom((req.body ?? {}) as Body, []);
    const unit = await unitOf(req);
    if (!unit) return choosePage(req, reply, definition);
    return submitForm(req, reply, definition, unit, {
      values: input.values,
      errors: {},
      kept: await keptOf(ctx, input.files),
    });
  });

  /** Second step: send. The hidden idempotency key makes a re-sent form (retry, back button) one dossier. */
  app.post('/thu-tuc/:code/nop/gui', { config: limited }, async (req, reply) => {
    const { code } = Params.parse(req.params);
    const ctx = req.ctx();
    const body = (req.body ?? {}) as Body;
    const input = submissionFrom(body, []);
    const { definition } = await currentProcedure(ctx.db, code);
    const unit = await unitOf(req);
    if (!unit) return choosePage(req, reply, definition);
    const key = IdempotencyKey.safeParse(str(body, 'idem'));
    const submit: SubmitInput = {
      procedureCode: code,
      unitCode: unit.code,
      applicant: input.applicant,
      form: input.form,
      files: input.files,
      idempotencyKey: key.success ? key.data : undefined,
    };
    try {
      const r = await submitDossier(ctx, deps, submit);
      return reply.redirect(`/ho-so/${encodeURIComponent(r.dossier.code)}/da-nop`, 303);
    } catch (e) {
      if (!(e instanceof Invalid) && !messageOf(await pageCtx(req, reply), e)) throw e;
      const page = await pageCtx(req, reply);
      return submitForm(
        req,
        reply,
        definition,
        unit,
        {
          values: input.values,
          errors: e instanceof Invalid ? errorsOf(page, e) : {},
          kept: await keptOf(ctx, input.files),
          message: e instanceof Invalid ? undefined : messageOf(page, e),
        },
        e instanceof AppError ? e.status : 400,
      );
    }
  });

  app.get('/ho-so/:code/da-nop', async (req, reply) => {
    const { code } = Params.parse(req.params);
    const ctx = req.ctx();
    const d = await q.findDossierByCode(ctx.db, code.toUpperCase());
    if (!d) throw new NotFound();
    const unit = await findPlaceById(ctx.db, d.unitId);
    const procedure = await procedureOf(ctx.db, d);
    const page = await pageCtx(req, reply);
    const t = page.t;
    return sendPage(
      reply,
      <Layout page={page} title={t('dossiers:submit.doneTitle')}>
        <h1>{t('dossiers:submit.doneTitle')}</h1>
        <p>{tr(page, procedure.name)}</p>
        <p>{t('dossiers:submit.doneCode')}:</p>
        <p class="notice" style="font-size:1.4rem">
          <strong id="dossier-code">{d.code}</strong>
        </p>
        <p>{t('dossiers:submit.doneKeep')}</p>
        <h2>{t('dossiers:submit.doneNext')}</h2>
        <ol>
          <li>{t('dossiers:submit.doneStep1', { unit: unit?.fullName ?? '' })}</li>
          <li>{t('dossiers:submit.doneStep2')}</li>
          <li>{t('dossiers:submit.doneStep3')}</li>
        </ol>
        <p>
          {procedure.days > 0
            ? t('dossiers:submit.doneDays', { days: procedure.days })
            : t('dossiers:submit.doneSameDay')}
        </p>
        <p>
          <a class="button" href={`/tra-cuu?ma=${encodeURIComponent(d.code)}`}>
            {t('dossiers:submit.track')}
          </a>
        </p>
      </Layout>,
    );
  });

  // ------------------------------------------------------------------------------------------
  // Tracking (public) and the citizen's own dossiers

  const SupplementForm = ({
    page,
    view,
    action,
    hidden,
    errors,
  }: {
    page: PageCtx;
    view: PublicView;
    action: string;
    hidden: [string, string][];
    errors: Errors;
  }) => {
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
        <Form page={page} action={action} errors={errors} enctype="multipart/form-data">
          <Hidden values={hidden} />
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
  };

  /** The fees page, with the tracking proof when the page was opened with it. */
  const feesUrl = (code: string, proof: [string, string][]) => {
    const so = proof.find(([k]) => k === 'so')?.[1];
    return `/ho-so/${encodeURIComponent(code)}/le-phi${so ? `?so=${encodeURIComponent(so)}` : ''}`;
  };

  const DossierPublic = ({
    page,
    view,
    supplement,
    withdraw,
    errors,
    links,
  }: {
    page: PageCtx;
    view: PublicView;
    supplement: { action: string; hidden: [string, string][] };
    withdraw: { action: string; hidden: [string, string][] };
    errors: Errors;
    links: DossierLink[];
  }) => {
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
            <a href={feesUrl(d.code, supplement.hidden)}>{t('dossiers:track.payLink')}</a>
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
          <SupplementForm
            page={page}
            view={view}
            action={supplement.action}
            hidden={supplement.hidden}
            errors={errors}
          />
        )}
        {view.available.includes('withdraw') && (
          <Form page={page} action={withdraw.action}>
            <Hidden values={withdraw.hidden} />
            <button type="submit" class="secondary">
              {t('dossiers:track.withdraw')}
            </button>
          </Form>
        )}
      </section>
    );
  };

  /** Papers, fees, rating: with the tracking proof on each link, or none for the signed-in applicant. */
  const linksOf = (ctx: Ctx, view: PublicView, phone4?: string) =>
    citizenLinks(
      ctx,
      { ...view.dossier, hasFees: view.hasFees },
      view.timeline.map((e) => e.type),
      phone4,
    );

  const trackPage = async (
    req: FastifyRequest,
    reply: FastifyReply,
    state: { errors?: Errors; message?: string | undefined; notice?: string | undefined } = {},
    status = 200,
  ) => {
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
          errors = errorsOf(page, e);
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
    const links = view ? await linksOf(req.ctx(), view, phone4) : [];
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
            withdraw={{ action: '/tra-cuu/rut', hidden: proof }}
            errors={errors}
            links={links}
          />
        ) : (
          <>
            <p>{t('dossiers:track.intro')}</p>
            <form method="get" action="/tra-cuu" novalidate>
              <Field
                name="ma"
                label={t('dossiers:track.code')}
                value={values.ma}
                error={errors.ma}
                required
              />
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
        )}
      </Layout>,
      code,
    );
  };

  app.get('/tra-cuu', async (req, reply) => {
    const notice = (req.query as { bs?: string }).bs
      ? (await pageCtx(req, reply)).t('dossiers:track.supplementDone')
      : undefined;
    return trackPage(req, reply, { notice });
  });

  const Proof = z.object({ ma: z.string().max(60), so: z.string().max(10) });

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
      return trackPage(req, reply, { errors: errorsOf(page, e) }, 400);
    }
  });

  app.post('/tra-cuu/rut', { config: limited }, async (req, reply) => {
    const body = (req.body ?? {}) as Body;
    const proof = Proof.safeParse({ ma: str(body, 'ma'), so: str(body, 'so') });
    if (!proof.success) throw new NotFound();
    await withdrawByApplicant(req.ctx(), deps, proof.data.ma, proof.data.so);
    const qs = new URLSearchParams({ ma: proof.data.ma, so: proof.data.so });
    return reply.redirect(`/tra-cuu?${qs}`, 303);
  });

  app.get('/cong-dan/ho-so', async (req, reply) => {
    if (req.actor.kind !== 'citizen') return reply.redirect('/cong-dan/dang-nhap', 303);
    const rows = await listMine(req.ctx());
    const page = await pageCtx(req, reply);
    const t = page.t;
    return sendPage(
      reply,
      <Layout page={page} title={t('dossiers:track.mine')}>
        <h1>{t('dossiers:track.mine')}</h1>
        {rows.length === 0 && <p>{t('dossiers:track.mineNone')}</p>}
        <ul class="cards">
          {rows.map((d) => (
            <li key={d.id}>
              <a href={`/cong-dan/ho-so/${encodeURIComponent(d.code)}`}>{d.code}</a>
              <p>
                {d.procedureName} · <StatusTag page={page} status={d.status} />
              </p>
              <small class="muted">
                {when(d.submittedAt)}
                {d.dueAt ? ` → ${when(d.dueAt)}` : ''}
              </small>
            </li>
          ))}
        </ul>
      </Layout>,
    );
  });

  const minePage = async (req: FastifyRequest, reply: FastifyReply, errors: Errors = {}, status = 200) => {
    if (req.actor.kind !== 'citizen') return reply.redirect('/cong-dan/dang-nhap', 303);
    const { code } = Params.parse(req.params);
    const view = await getMine(req.ctx(), code);
    const page = await pageCtx(req, reply);
    const base = `/cong-dan/ho-so/${encodeURIComponent(view.dossier.code)}`;
    const notice = (req.query as { bs?: string }).bs ? page.t('dossiers:track.supplementDone') : undefined;
    return sendPage(
      reply,
      <Layout page={page} title={view.dossier.code}>
        <h1>{page.t('dossiers:track.title')}</h1>
        <Notice text={notice} />
        <DossierPublic
          page={page}
          view={view}
          supplement={{ action: `${base}/bo-sung`, hidden: [] }}
          withdraw={{ action: `${base}/rut`, hidden: [] }}
          errors={errors}
          links={await linksOf(req.ctx(), view)}
        />
      </Layout>,
      status,
    );
  };
  app.get('/cong-dan/ho-so/:code', (req, reply) => minePage(req, reply));
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
      return minePage(req, reply, errorsOf(await pageCtx(req, reply), e), 400);
    }
  });
  app.post('/cong-dan/ho-so/:code/rut', async (req, reply) => {
    const { code } = Params.parse(req.params);
    const r = await withdrawByApplicant(req.ctx(), deps, code);
    return reply.redirect(`/cong-dan/ho-so/${encodeURIComponent(r.dossier.code)}`, 303);
  });
}
