import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { findPlaceById, getPlaceByCode, type Place, searchPlaces } from '#modules/places/index.ts';
import { AppError, Invalid } from '#platform/errors.ts';
import type { Platform } from '#platform/platform.ts';
import { type Errors, errorsFor, Form } from '#web/form.tsx';
import { Layout, type PageCtx } from '#web/layout.tsx';
import { pageCtx, sendPage } from '#web/render.tsx';
import type { DossierDeps } from './dossiers.deps.ts';
import { type Body, keptOf, messageOf, str, submissionFrom, uploadLimits } from './dossiers.form-input.ts';
import { currentProcedure, type ProcedureDefinition, procedureOf } from './dossiers.procedure.ts';
import * as q from './dossiers.queries.ts';
import { IdempotencyKey } from './dossiers.schemas.ts';
import {
  type CheckedSubmission,
  checkSubmission,
  type SubmitInput,
  submitDossier,
} from './dossiers.submit.ts';
import type { DossierRow } from './dossiers.tables.ts';
import { uploadsOf } from './dossiers.uploads.ts';
import {
  ApplicantAndAnswers,
  ApplicantFields,
  DocumentInputs,
  EFormFields,
  FormMessage,
  Hidden,
  type Kept,
  tr,
} from './dossiers.views.tsx';

/** Online submission: choose the commune → form → check your answers → send → confirmation. */

const Params = z.object({ code: z.string().max(40) });
const limited = { rateLimit: { max: 60, timeWindow: 10 * 60_000 } };

/**
 * The confirmation page names the dossier's procedure and commune: it is shown to the browser that
 * just filed it (a signed cookie the send sets, good for 30 minutes), to the applicant signed in, or
 * with the tracking proof. Anyone else is sent to the tracking form, the same for a code that exists
 * and one that does not (issue 11 item 12).
 */
const FILED_COOKIE = 'xs_da_nop';
const FILED_FOR_MS = 30 * 60_000;

function filedCookie(reply: FastifyReply, platform: Platform, code: string, now: Date) {
  reply.setCookie(FILED_COOKIE, `${code}|${now.getTime() + FILED_FOR_MS}`, {
    path: '/ho-so/',
    httpOnly: true,
    sameSite: 'lax',
    secure: platform.config.cookieSecure,
    signed: true,
    maxAge: FILED_FOR_MS / 1000,
  });
}

/** This browser filed `code` less than 30 minutes ago (the signed cookie says so). */
function filedHere(req: FastifyRequest, code: string, now: Date) {
  const raw = req.cookies[FILED_COOKIE];
  if (!raw) return false;
  const cookie = req.unsignCookie(raw);
  if (!cookie.valid || !cookie.value) return false;
  const [filed, until] = cookie.value.split('|');
  return filed === code && Number(until) > now.getTime();
}

interface SubmitFormState {
  values: Record<string, string>;
  errors: Errors;
  kept: Kept;
  message?: string | undefined;
}

/** Which commune to file with, searched by name (no map, no JavaScript). */
function ChoosePage({
  page,
  procedure,
  query,
  results,
}: {
  page: PageCtx;
  procedure: ProcedureDefinition;
  query: string;
  results: Place[];
}) {
  const t = page.t;
  return (
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
    </Layout>
  );
}

/** The form: applicant, the procedure's e-form, its documents. */
function SubmitFormPage({
  page,
  procedure,
  unit,
  state,
  maxMb,
}: {
  page: PageCtx;
  procedure: ProcedureDefinition;
  unit: Place;
  state: SubmitFormState;
  maxMb: number;
}) {
  const t = page.t;
  const idem = state.values.idem ?? randomUUID();
  return (
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
    </Layout>
  );
}

/** "Check your answers": everything as it will be sent, the files kept by id, send or change. */
function CheckPage({
  page,
  checked,
  values,
}: {
  page: PageCtx;
  checked: CheckedSubmission;
  values: Record<string, string>;
}) {
  const t = page.t;
  const p = checked.procedure;
  const hidden: [string, string][] = [
    ...Object.entries(values).filter(
      ([k]) => k.startsWith('applicant.') || k.startsWith('form.') || k === 'idem' || k === 'xa',
    ),
    ...checked.files.map((f): [string, string] => [`keep.${f.documentId}`, f.fileId]),
  ];
  return (
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
        applicant={checked.applicant}
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
    </Layout>
  );
}

/** The confirmation: the code to keep, what happens next, the tracking link. */
function DonePage({
  page,
  dossier,
  procedure,
  unit,
}: {
  page: PageCtx;
  dossier: DossierRow;
  procedure: ProcedureDefinition;
  unit: Place | undefined;
}) {
  const t = page.t;
  return (
    <Layout page={page} title={t('dossiers:submit.doneTitle')}>
      <h1>{t('dossiers:submit.doneTitle')}</h1>
      <p>{tr(page, procedure.name)}</p>
      <p>{t('dossiers:submit.doneCode')}:</p>
      <p class="notice" style="font-size:1.4rem">
        <strong id="dossier-code">{dossier.code}</strong>
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
        <a class="button" href={`/tra-cuu?ma=${encodeURIComponent(dossier.code)}`}>
          {t('dossiers:submit.track')}
        </a>
      </p>
    </Layout>
  );
}

/** The commune chosen (`xa`, in the address or the form), if it exists. */
async function unitOf(req: FastifyRequest): Promise<Place | undefined> {
  const xa = (req.query as { xa?: string }).xa ?? str((req.body ?? {}) as Body, 'xa');
  if (!xa) return undefined;
  return getPlaceByCode(req.ctx().db, xa).catch(() => undefined);
}

export function registerSubmitPages(app: FastifyInstance, platform: Platform, deps: DossierDeps) {
  const { maxMb, upload } = uploadLimits(platform);

  const choosePage = async (req: FastifyRequest, reply: FastifyReply, procedure: ProcedureDefinition) => {
    const query = (req.query as { q?: string }).q?.trim() ?? '';
    const results =
      query.length >= 2
        ? await searchPlaces(req.ctx().db, { q: query, level: 'commune', legacy: 'false' }, 20)
        : [];
    const page = await pageCtx(req, reply);
    return sendPage(reply, <ChoosePage page={page} procedure={procedure} query={query} results={results} />);
  };

  const formPage = async (
    req: FastifyRequest,
    reply: FastifyReply,
    procedure: ProcedureDefinition,
    unit: Place,
    state: SubmitFormState,
    status = 200,
  ) => {
    const page = await pageCtx(req, reply);
    return sendPage(
      reply,
      <SubmitFormPage page={page} procedure={procedure} unit={unit} state={state} maxMb={maxMb} />,
      status,
    );
  };

  app.get('/thu-tuc/:code/nop', async (req, reply) => {
    const { code } = Params.parse(req.params);
    const { definition } = await currentProcedure(req.ctx().db, code);
    const unit = await unitOf(req);
    if (!unit) return choosePage(req, reply, definition);
    const values: Record<string, string> = {};
    if (req.actor.kind === 'citizen') values['applicant.phone'] = req.actor.phone;
    return formPage(req, reply, definition, unit, { values, errors: {}, kept: new Map() });
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
      const page = await pageCtx(req, reply);
      return sendPage(reply, <CheckPage page={page} checked={checked} values={input.values} />);
    } catch (e) {
      if (!(e instanceof Invalid)) throw e;
      const page = await pageCtx(req, reply);
      return formPage(
        req,
        reply,
        definition,
        unit,
        {
          values: input.values,
          errors: errorsFor(page, e.fields),
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
    return formPage(req, reply, definition, unit, {
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
      filedCookie(reply, platform, r.dossier.code, ctx.clock.now());
      return reply.redirect(`/ho-so/${encodeURIComponent(r.dossier.code)}/da-nop`, 303);
    } catch (e) {
      if (!(e instanceof Invalid) && !messageOf(await pageCtx(req, reply), e)) throw e;
      const page = await pageCtx(req, reply);
      return formPage(
        req,
        reply,
        definition,
        unit,
        {
          values: input.values,
          errors: e instanceof Invalid ? errorsFor(page, e.fields) : {},
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
    const c = code.trim().toUpperCase();
    const so = (req.query as { so?: string }).so;
    const toTracking = () => {
      const qs = new URLSearchParams({ ma: c, ...(so ? { so } : {}) });
      return reply.redirect(`/tra-cuu?${qs}`, 303);
    };
    // The browser that filed it, or the applicant signed in; anyone else, with the proof or without,
    // gets what tracking answers (the proof is checked and counted there, once).
    const filed = filedHere(req, c, ctx.clock.now());
    const phone = req.actor.kind === 'citizen' ? req.actor.phone : undefined;
    if (!filed && !phone) return toTracking();
    const found = await q.findDossierByCode(ctx.db, c);
    const d = found && (filed || found.applicantPhone === phone) ? found : undefined;
    if (!d) return toTracking();
    const unit = await findPlaceById(ctx.db, d.unitId);
    const procedure = await procedureOf(ctx.db, d);
    const page = await pageCtx(req, reply);
    return sendPage(reply, <DonePage page={page} dossier={d} procedure={procedure} unit={unit} />);
  });
}
