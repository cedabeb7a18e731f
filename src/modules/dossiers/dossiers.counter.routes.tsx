import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { findPlacesByIds, type Place } from '#modules/places/index.ts';
import { listProcedures } from '#modules/procedures/index.ts';
import { requireStaff } from '#platform/auth/actor.ts';
import { AppError, Forbidden, Invalid, NotFound } from '#platform/errors.ts';
import type { Platform } from '#platform/platform.ts';
import { type Errors, errorsFor, Field, Form, Select } from '#web/form.tsx';
import { Layout, type PageCtx } from '#web/layout.tsx';
import { pageCtx, sendPage } from '#web/render.tsx';
import type { DossierDeps } from './dossiers.deps.ts';
import { type Body, keptOf, submissionFrom, uploadLimits } from './dossiers.form-input.ts';
import { currentProcedure, type ProcedureDefinition } from './dossiers.procedure.ts';
import { CHANNELS, IdempotencyKey } from './dossiers.schemas.ts';
import { submitDossier } from './dossiers.submit.ts';
import { uploadsOf } from './dossiers.uploads.ts';
import {
  ApplicantFields,
  Checkbox,
  DocumentInputs,
  EFormFields,
  FormMessage,
  type Kept,
  tr,
} from './dossiers.views.tsx';

/**
 * Filing at the desk (or for a community team in a village): the citizen's form, with who helped,
 * where and how, and "receive now" to start the clock at once.
 */

interface CounterState {
  values: Record<string, string>;
  errors: Errors;
  kept: Kept;
  message?: string | undefined;
}

function CounterPage({
  page,
  places,
  procedures,
  procedure,
  state,
  maxMb,
}: {
  page: PageCtx;
  /** Where the actor may receive or help (their receptionist grants), current ones only; never empty. */
  places: [Place, ...Place[]];
  procedures: { code: string; name: string }[];
  procedure: ProcedureDefinition | undefined;
  state: CounterState;
  maxMb: number;
}) {
  const t = page.t;
  const v = state.values;
  const first = places[0];
  const defaultUnit = first.level === 'village' ? '' : first.code;
  return (
    <Layout page={page} title={t('dossiers:submit.counterTitle')}>
      <h1>{t('dossiers:submit.counterTitle')}</h1>
      <p>{t('dossiers:submit.counterIntro')}</p>
      <form method="get" action="/quan-tri/ho-so/moi">
        <Select
          name="thu_tuc"
          label={t('dossiers:submit.chooseProcedure')}
          value={procedure?.code}
          options={procedures.map((p) => ({ value: p.code, label: `${p.name} (${p.code})` }))}
        />
        <button type="submit" class="secondary">
          {t('dossiers:submit.open')}
        </button>
      </form>
      {procedure && (
        <>
          <h2>{tr(page, procedure.name)}</h2>
          <FormMessage text={state.message} />
          <Form
            page={page}
            action={`/quan-tri/ho-so/moi?thu_tuc=${encodeURIComponent(procedure.code)}`}
            errors={state.errors}
            enctype="multipart/form-data"
          >
            <input type="hidden" name="idem" value={v.idem ?? randomUUID()} />
            <Select
              name="helpedPlaceCode"
              label={t('dossiers:submit.helpedAt')}
              value={v.helpedPlaceCode}
              error={state.errors.helpedPlaceCode}
              options={places.map((p) => ({ value: p.code, label: p.fullName }))}
            />
            <Select
              name="channel"
              label={t('dossiers:submit.channel')}
              value={v.channel ?? (first.level === 'village' ? '2' : '1')}
              options={CHANNELS.map((c) => ({ value: String(c), label: t(`dossiers:channel.${c}`) }))}
            />
            <Field
              name="unitCode"
              label={t('dossiers:submit.unitCode')}
              hint={t('dossiers:submit.unitCodeHint')}
              value={v.unitCode ?? defaultUnit}
              error={state.errors.unitCode}
              required
            />
            <ApplicantFields page={page} values={v} errors={state.errors} />
            <EFormFields page={page} procedure={procedure} values={v} errors={state.errors} />
            <DocumentInputs
              page={page}
              documents={procedure.documents}
              kept={state.kept}
              errors={state.errors}
              maxMb={maxMb}
            />
            <Checkbox
              name="receiveNow"
              label={t('dossiers:submit.receiveNow')}
              checked={v.receiveNow === 'on'}
              error={state.errors.receiveNow}
            />
            <button type="submit">{t('dossiers:submit.send')}</button>
          </Form>
        </>
      )}
    </Layout>
  );
}

/** Current places where the actor holds the desk role. */
async function receptionPlaces(req: FastifyRequest): Promise<Place[]> {
  const staff = requireStaff(req.actor);
  const ids = staff.grants.filter((g) => g.role === 'receptionist').map((g) => g.placeId);
  return (await findPlacesByIds(req.ctx().db, ids)).filter((p) => !p.validTo);
}

/** The procedure chosen (`thu_tuc` in the address), as the catalogue has it now. */
async function procedureFromQuery(req: FastifyRequest) {
  const code = (req.query as { thu_tuc?: string }).thu_tuc;
  if (!code) return undefined;
  return (await currentProcedure(req.ctx().db, code)).definition;
}

export function registerCounterPages(app: FastifyInstance, platform: Platform, deps: DossierDeps) {
  const { maxMb, upload } = uploadLimits(platform);

  const counterPage = async (
    req: FastifyRequest,
    reply: FastifyReply,
    procedure: ProcedureDefinition | undefined,
    state: CounterState,
    status = 200,
  ) => {
    const page = await pageCtx(req, reply);
    const [first, ...rest] = await receptionPlaces(req);
    if (!first) throw new Forbidden();
    const procedures = await listProcedures(req.ctx().db);
    return sendPage(
      reply,
      <CounterPage
        page={page}
        places={[first, ...rest]}
        procedures={procedures}
        procedure={procedure}
        state={state}
        maxMb={maxMb}
      />,
      status,
    );
  };

  app.get('/quan-tri/ho-so/moi', async (req, reply) => {
    if (req.actor.kind !== 'staff') return reply.redirect('/dang-nhap?next=/quan-tri/ho-so/moi', 303);
    return counterPage(req, reply, await procedureFromQuery(req), {
      values: {},
      errors: {},
      kept: new Map(),
    });
  });

  app.post('/quan-tri/ho-so/moi', upload, async (req, reply) => {
    requireStaff(req.actor);
    const procedure = await procedureFromQuery(req);
    if (!procedure) throw new NotFound();
    const ctx = req.ctx();
    const body = (req.body ?? {}) as Body;
    const up = uploadsOf(req);
    const input = submissionFrom(body, up.uploads);
    const v = input.values;
    const channel = Number(v.channel);
    try {
      const key = IdempotencyKey.safeParse(v.idem);
      const r = await submitDossier(ctx, deps, {
        procedureCode: procedure.code,
        unitCode: v.unitCode ?? '',
        applicant: input.applicant,
        form: input.form,
        files: input.files,
        idempotencyKey: key.success ? key.data : undefined,
        channel: (CHANNELS as readonly number[]).includes(channel) ? (channel as 1 | 2 | 3) : 1,
        helpedPlaceCode: v.helpedPlaceCode,
        receiveNow: v.receiveNow === 'on',
        uploadErrors: up.errors,
      });
      return reply.redirect(`/quan-tri/ho-so/${encodeURIComponent(r.dossier.code)}?ok=submit`, 303);
    } catch (e) {
      const page = await pageCtx(req, reply);
      if (e instanceof Invalid) {
        return counterPage(
          req,
          reply,
          procedure,
          { values: v, errors: errorsFor(page, e.fields), kept: await keptOf(ctx, input.files) },
          400,
        );
      }
      if (e instanceof AppError && e.status === 409) {
        return counterPage(
          req,
          reply,
          procedure,
          {
            values: v,
            errors: {},
            kept: await keptOf(ctx, input.files),
            message: page.locale === 'en' ? e.detail.en : e.detail.vi,
          },
          409,
        );
      }
      throw e;
    }
  });
}
