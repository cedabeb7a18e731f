import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { CALENDAR_ADMIN_PATH } from '#modules/calendar/index.ts';
import { smsSize } from '#modules/notifications/index.ts';
import { findPlacesByIds, type Place } from '#modules/places/index.ts';
import { listProcedures } from '#modules/procedures/index.ts';
import { requireStaff, scopeOf } from '#platform/auth/actor.ts';
import { AppError, Forbidden, Invalid, NotFound } from '#platform/errors.ts';
import type { Platform } from '#platform/platform.ts';
import { blankToUndefined, parse } from '#platform/validation.ts';
import { Field, Form, Notice, Select, TextArea } from '#web/form.tsx';
import { type FormState, handleForm } from '#web/form-action.ts';
import { Layout, type PageCtx } from '#web/layout.tsx';
import { pageCtx, sendPage } from '#web/render.tsx';
import { DossierLinks, staffLinks } from './dossiers.links.tsx';
import { currentProcedure, type ProcedureDefinition } from './dossiers.procedure.ts';
import {
  getStaffFile,
  getStaffView,
  listQueue,
  listSmsTemplates,
  type StaffView,
  saveSmsTemplate,
} from './dossiers.read.ts';
import { errorsOf, keptOf, submissionFrom } from './dossiers.routes.tsx';
import {
  ActionInput,
  AgencyCodeInput,
  CHANNELS,
  IdempotencyKey,
  QueueQuery,
  SMS_TEMPLATE_KEYS,
  TemplateInput,
} from './dossiers.schemas.ts';
import {
  act,
  type DossierDeps,
  listAgencyCodes,
  requireProvinceAdmin,
  setAgencyCode,
  submitDossier,
} from './dossiers.service.ts';
import { renderTemplate, SAMPLE_VARS } from './dossiers.sms.ts';
import { multipartBody, uploadsOf } from './dossiers.uploads.ts';
import {
  ApplicantAndAnswers,
  ApplicantFields,
  Checkbox,
  DocumentInputs,
  EFormFields,
  FormMessage,
  type Kept,
  StatusTag,
  tr,
  when,
} from './dossiers.views.tsx';
import { PERSON_ACTIONS, type PersonAction } from './dossiers.workflow.ts';

type Body = Record<string, unknown>;
type Errors = Record<string, string>;

const Code = z.object({ code: z.string().max(60) });

/**
 * The line of links between the one-stop settings pages. The yearly calendar among them is the
 * calendar module's page, which shows this nav when the composition (src/app) gives it.
 */
export function OneStopSettingsNav({ page }: { page: PageCtx }) {
  return (
    <p>
      <a href="/quan-tri/mot-cua/tin-nhan">{page.t('dossiers:admin.templatesTitle')}</a> ·{' '}
      <a href={CALENDAR_ADMIN_PATH}>{page.t('dossiers:admin.calendarTitle')}</a> ·{' '}
      <a href="/quan-tri/mot-cua/ma-don-vi">{page.t('dossiers:admin.agencyTitle')}</a>
    </p>
  );
}

export function registerStaffPages(app: FastifyInstance, platform: Platform, deps: DossierDeps) {
  const maxMb = Math.round(platform.config.UPLOAD_MAX_BYTES / 1024 / 1024);
  const upload = { preValidation: multipartBody(platform.files, platform.config.UPLOAD_MAX_BYTES) };

  // ------------------------------------------------------------------------------------------
  // Queue

  app.get('/quan-tri/ho-so', async (req, reply) => {
    if (req.actor.kind !== 'staff') return reply.redirect('/dang-nhap?next=/quan-tri/ho-so', 303);
    const raw = blankToUndefined(req.query);
    const query = parse(QueueQuery, raw);
    const result = await listQueue(req.ctx(), query);
    const page = await pageCtx(req, reply);
    const t = page.t;
    const now = req.ctx().clock.now();
    const link = (over: Record<string, string | undefined>) => {
      const p = new URLSearchParams();
      for (const [k, v] of Object.entries({ ...raw, ...over })) if (typeof v === 'string' && v) p.set(k, v);
      return `/quan-tri/ho-so?${p}`;
    };
    const canFile = scopeOf(req.actor, 'receptionist').length > 0;
    return sendPage(
      reply,
      <Layout page={page} title={t('dossiers:queue.title')}>
        <h1>{t('dossiers:queue.title')}</h1>
        <p>
          {(['mine', 'open', 'closed'] as const).map((v) => (
            <span key={v}>
              {query.view === v ? (
                <strong>{t(`dossiers:queue.${v}`)}</strong>
              ) : (
                <a href={link({ view: v, after: undefined, status: undefined })}>
                  {t(`dossiers:queue.${v}`)}
                </a>
              )}{' '}
              ·{' '}
            </span>
          ))}
          {canFile && <a href="/quan-tri/ho-so/moi">{t('dossiers:queue.new')}</a>}
        </p>
        <form method="get" action="/quan-tri/ho-so">
          <input type="hidden" name="view" value={query.view} />
          <Field name="q" type="search" label={t('dossiers:queue.q')} value={query.q} />
          <Select
            name="status"
            label={t('dossiers:queue.status')}
            value={query.status ? String(query.status) : ''}
            options={[
              { value: '', label: t('dossiers:queue.any') },
              ...[1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((s) => ({
                value: String(s),
                label: `${s} · ${t(`dossiers:status.${s}`)}`,
              })),
            ]}
          />
          <Field name="procedure" label={t('dossiers:queue.procedure')} value={query.procedure} />
          <Select
            name="due"
            label={t('dossiers:queue.due')}
            value={query.due ?? ''}
            options={[
              { value: '', label: t('dossiers:queue.any') },
              { value: 'near', label: t('dossiers:queue.dueNear') },
              { value: 'late', label: t('dossiers:queue.dueLate') },
            ]}
          />
          <button type="submit">{t('dossiers:queue.filter')}</button>
        </form>
        {result.rows.length === 0 ? (
          <p>{t('dossiers:queue.none')}</p>
        ) : (
          <table>
            <thead>
              <tr>
                <th>{t('dossiers:queue.code')}</th>
                <th>{t('dossiers:queue.applicant')}</th>
                <th>{t('dossiers:queue.status')}</th>
                <th>{t('dossiers:queue.dueAt')}</th>
              </tr>
            </thead>
            <tbody>
              {result.rows.map((r) => {
                const late =
                  r.dueAt &&
                  ['received', 'in_progress', 'pending_approval'].includes(r.step) &&
                  r.dueAt < now;
                return (
                  <tr key={r.id} data-code={r.code}>
                    <td>
                      <a href={`/quan-tri/ho-so/${encodeURIComponent(r.code)}`}>{r.code}</a>
                      <br />
                      <small class="muted">{r.procedureName}</small>
                    </td>
                    <td>
                      {r.applicantName}
                      <br />
                      <small class="muted">{r.applicantPhone}</small>
                    </td>
                    <td>
                      <StatusTag page={page} status={r.status} />
                      <br />
                      <small class="muted">{t(`dossiers:step.${r.step}`)}</small>
                    </td>
                    <td>
                      {when(r.dueAt)}
                      {late && <span class="tag">{t('dossiers:queue.late')}</span>}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
        {result.next && (
          <p>
            <a href={link({ after: result.next })} rel="next">
              {t('dossiers:queue.more')}
            </a>
          </p>
        )}
      </Layout>,
    );
  });

  // ------------------------------------------------------------------------------------------
  // Counter reception: the same form, with who helped, where and how

  const receptionPlaces = async (req: FastifyRequest): Promise<Place[]> => {
    const staff = requireStaff(req.actor);
    const ids = staff.grants.filter((g) => g.role === 'receptionist').map((g) => g.placeId);
    return (await findPlacesByIds(req.ctx().db, ids)).filter((p) => !p.validTo);
  };

  interface CounterState {
    values: Record<string, string>;
    errors: Errors;
    kept: Kept;
    message?: string | undefined;
  }

  const counterPage = async (
    req: FastifyRequest,
    reply: FastifyReply,
    procedure: ProcedureDefinition | undefined,
    state: CounterState,
    status = 200,
  ) => {
    const page = await pageCtx(req, reply);
    const t = page.t;
    const places = await receptionPlaces(req);
    if (places.length === 0) throw new Forbidden();
    const procedures = await listProcedures(req.ctx().db);
    const v = state.values;
    const first = places[0] as Place;
    const defaultUnit = first.level === 'village' ? '' : first.code;
    return sendPage(
      reply,
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
      </Layout>,
      status,
    );
  };

  const procedureFromQuery = async (req: FastifyRequest) => {
    const code = (req.query as { thu_tuc?: string }).thu_tuc;
    if (!code) return undefined;
    return (await currentProcedure(req.ctx().db, code)).definition;
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
          { values: v, errors: errorsOf(page, e), kept: await keptOf(ctx, input.files) },
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

  // ------------------------------------------------------------------------------------------
  // One dossier: the record, the tracking sheet, the actions the viewer may take

  const ActionForm = ({
    page,
    view,
    type,
    errors,
  }: {
    page: PageCtx;
    view: StaffView;
    type: PersonAction;
    errors: Errors;
  }) => {
    const t = page.t;
    const d = view.dossier;
    const needsNote = ['refuse', 'reject', 'stop'].includes(type);
    const multipart = type === 'supplement_received';
    return (
      <li data-action={type}>
        <Form
          page={page}
          action={`/quan-tri/ho-so/${encodeURIComponent(d.code)}/thao-tac`}
          errors={undefined}
          {...(multipart ? { enctype: 'multipart/form-data' } : {})}
        >
          <input type="hidden" name="type" value={type} />
          <input type="hidden" name="expected" value={String(view.state.lastActionId)} />
          {type === 'assign' && (
            <Select
              name="assigneeId"
              label={t('dossiers:detail.assignee')}
              error={errors.assigneeId}
              options={view.specialists.map((s) => ({ value: String(s.id), label: s.displayName }))}
            />
          )}
          {type === 'forward' && (
            <Field name="unitCode" label={t('dossiers:detail.unitCode')} error={errors.unitCode} required />
          )}
          {type === 'request_supplement' && (
            <fieldset style="border:0;padding:0">
              <legend>{t('dossiers:detail.documentsMissing')}</legend>
              {view.procedure.documents.map((doc) => (
                <Checkbox key={doc.id} name="documents" value={doc.id} label={tr(page, doc.name)} />
              ))}
            </fieldset>
          )}
          {multipart && (
            <DocumentInputs
              page={page}
              documents={view.procedure.documents}
              kept={new Map()}
              errors={errors}
              maxMb={maxMb}
              only={view.state.supplement?.documents}
            />
          )}
          {(needsNote || ['request_supplement', 'forward', 'withdraw', 'assign'].includes(type)) && (
            <TextArea
              name="note"
              id={`f-${type}-note`}
              label={t('dossiers:detail.note')}
              error={errors.note}
              rows={2}
              required={needsNote}
            />
          )}
          <button
            type="submit"
            class={['refuse', 'reject', 'stop', 'withdraw'].includes(type) ? 'secondary' : undefined}
          >
            {t(`dossiers:action.${type}`)}
          </button>
        </Form>
      </li>
    );
  };

  const detailPage = async (
    req: FastifyRequest,
    reply: FastifyReply,
    state: { errors: Errors; message?: string | undefined } = { errors: {} },
    status = 200,
  ) => {
    const { code } = Code.parse(req.params);
    const view = await getStaffView(req.ctx(), code);
    const page = await pageCtx(req, reply);
    const t = page.t;
    const d = view.dossier;
    const p = view.procedure;
    const place = (id: number | null) => (id ? (view.places.get(id)?.fullName ?? '') : '');
    const ok = (req.query as { ok?: string }).ok;
    const clock = view.clock;
    // The system's marks (overdue, payments) are never buttons.
    const actions = view.available.filter((a): a is PersonAction =>
      (PERSON_ACTIONS as readonly string[]).includes(a),
    );
    return sendPage(
      reply,
      <Layout page={page} title={d.code}>
        <p class="muted">
          <a href="/quan-tri/ho-so">{t('dossiers:queue.title')}</a>
        </p>
        <h1 id="dossier-code">{d.code}</h1>
        {ok && <Notice text={t('dossiers:detail.done', { action: t(`dossiers:action.${ok}`) })} />}
        <FormMessage text={state.message} />
        <p>
          <StatusTag page={page} status={d.status} /> {t(`dossiers:step.${d.step}`)}
          {clock.timeliness && <span class="tag">{t(`dossiers:timeliness.${clock.timeliness}`)}</span>}
        </p>
        <dl>
          <dt>{t('dossiers:track.procedure')}</dt>
          <dd>
            {tr(page, p.name)} ({p.code})
          </dd>
          <dt>{t('dossiers:detail.decidedBy')}</dt>
          <dd>{place(d.unitId)}</dd>
          <dt>{t('dossiers:detail.channel')}</dt>
          <dd>{t(`dossiers:channel.${d.channel}`)}</dd>
          {d.helpedPlaceId && (
            <>
              <dt>{t('dossiers:detail.helpedAt')}</dt>
              <dd>{place(d.helpedPlaceId)}</dd>
            </>
          )}
          {d.receivedPlaceId && (
            <>
              <dt>{t('dossiers:detail.receivedAt')}</dt>
              <dd>{place(d.receivedPlaceId)}</dd>
            </>
          )}
          <dt>{t('dossiers:track.submittedAt')}</dt>
          <dd>{when(d.submittedAt)}</dd>
          {d.validReceivedAt && (
            <>
              <dt>{t('dossiers:detail.received')}</dt>
              <dd>{when(d.validReceivedAt)}</dd>
            </>
          )}
          {clock.dueAt && (
            <>
              <dt>{t('dossiers:detail.due')}</dt>
              <dd>
                {when(clock.dueAt)}
                {clock.elapsed && (
                  <small class="muted">
                    {' '}
                    ({t('dossiers:detail.elapsed', { days: Math.round(clock.elapsed.days * 10) / 10 })})
                  </small>
                )}
              </dd>
            </>
          )}
        </dl>
        {clock.paused && <p class="notice">{t('dossiers:track.paused')}</p>}
        <DossierLinks
          page={page}
          staff
          links={staffLinks({
            ...d,
            hasFees: p.fees.some((f) => f.amount > 0 || (f.onlineAmount ?? 0) > 0),
          })}
        />

        <h2>{t('dossiers:detail.actions')}</h2>
        {actions.length === 0 ? (
          <p>{t('dossiers:detail.none')}</p>
        ) : (
          <ul class="cards" id="actions">
            {actions.map((a) => (
              <ActionForm key={a} page={page} view={view} type={a} errors={state.errors} />
            ))}
          </ul>
        )}

        <ApplicantAndAnswers
          page={page}
          procedure={p}
          applicant={{
            name: d.applicantName,
            idNumber: d.applicantIdNumber,
            phone: d.applicantPhone,
            address: d.applicantAddress,
            email: d.applicantEmail,
          }}
          answers={d.formData}
          headings={{ applicant: t('dossiers:detail.applicant'), form: t('dossiers:detail.form') }}
        />
        <h2>{t('dossiers:detail.documents')}</h2>
        <ul id="files">
          {view.files.map((f) => (
            <li key={f.fileId}>
              {tr(page, p.documents.find((x) => x.id === f.documentId)?.name) || f.documentId}:{' '}
              <a href={`/quan-tri/ho-so/${encodeURIComponent(d.code)}/tep/${f.fileId}`}>{f.name}</a>{' '}
              {f.actionId && <span class="muted">{t('dossiers:detail.supplementFile')}</span>}
            </li>
          ))}
        </ul>
        {clock.steps.length > 0 && (
          <>
            <h2>{t('dossiers:detail.steps')}</h2>
            <table>
              <thead>
                <tr>
                  <th>{t('dossiers:detail.step')}</th>
                  <th>{t('dossiers:detail.stepDue')}</th>
                  <th>{t('dossiers:detail.stepDone')}</th>
                  <th>{t('dossiers:detail.result')}</th>
                </tr>
              </thead>
              <tbody>
                {clock.steps.map((s) => (
                  <tr key={s.id}>
                    <td>{tr(page, s.name)}</td>
                    <td>{when(s.dueAt)}</td>
                    <td>{when(s.completedAt)}</td>
                    <td>{s.timeliness ? t(`dossiers:timeliness.${s.timeliness}`) : ''}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </>
        )}
        <h2>{t('dossiers:detail.timeline')}</h2>
        <table id="timeline">
          <thead>
            <tr>
              <th>{t('dossiers:detail.at')}</th>
              <th>{t('dossiers:detail.who')}</th>
              <th>{t('dossiers:detail.what')}</th>
            </tr>
          </thead>
          <tbody>
            {view.actions.map((a) => {
              const payload = a.payload as { assigneeName?: string; unitName?: string; documents?: string[] };
              return (
                <tr key={a.id} data-type={a.type}>
                  <td>{when(a.at)}</td>
                  <td>{a.actorName}</td>
                  <td>
                    {t(`dossiers:action.${a.type}`)}
                    {payload.assigneeName && ` → ${payload.assigneeName}`}
                    {a.type === 'forward' && payload.unitName && ` → ${payload.unitName}`}
                    {payload.documents?.length
                      ? `: ${payload.documents.map((x) => tr(page, p.documents.find((y) => y.id === x)?.name) || x).join('; ')}`
                      : ''}
                    {a.note && (
                      <>
                        <br />
                        <small>{a.note}</small>
                      </>
                    )}{' '}
                    <StatusTag page={page} status={a.statusAfter} />
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </Layout>,
      status,
    );
  };

  app.get('/quan-tri/ho-so/:code', async (req, reply) => {
    if (req.actor.kind !== 'staff') {
      return reply.redirect(`/dang-nhap?next=${encodeURIComponent(req.url)}`, 303);
    }
    return detailPage(req, reply);
  });

  app.post('/quan-tri/ho-so/:code/thao-tac', upload, async (req, reply) => {
    const { code } = Code.parse(req.params);
    const body = blankToUndefined(req.body);
    const up = uploadsOf(req);
    const page = await pageCtx(req, reply);
    try {
      if (up.errors.length) throw new Invalid(up.errors);
      const input = parse(ActionInput, body);
      const files = submissionFrom((req.body ?? {}) as Body, up.uploads).files;
      const r = await act(req.ctx(), deps, code, input, { files });
      return reply.redirect(`/quan-tri/ho-so/${encodeURIComponent(r.dossier.code)}?ok=${input.type}`, 303);
    } catch (e) {
      if (e instanceof Invalid) return detailPage(req, reply, { errors: errorsOf(page, e) }, 400);
      if (e instanceof AppError && e.status === 409) {
        return detailPage(
          req,
          reply,
          { errors: {}, message: page.locale === 'en' ? e.detail.en : e.detail.vi },
          409,
        );
      }
      throw e;
    }
  });

  app.get('/quan-tri/ho-so/:code/tep/:fileId', async (req, reply) => {
    const { code, fileId } = z.object({ code: z.string().max(60), fileId: z.uuid() }).parse(req.params);
    const f = await getStaffFile(req.ctx(), code, fileId);
    const opened = await platform.files.open(f.fileId);
    if (!opened) throw new NotFound();
    return reply
      .header('content-type', opened.file.mimeType)
      .header(
        'content-disposition',
        `inline; filename*=UTF-8''${encodeURIComponent(opened.file.originalName)}`,
      )
      .header('x-content-type-options', 'nosniff')
      .header('cache-control', 'private, no-store')
      .send(opened.stream);
  });

  // ------------------------------------------------------------------------------------------
  // Settings: SMS templates, agency codes (the yearly calendar is the calendar module's page)

  const settingsNav = (page: PageCtx) => <OneStopSettingsNav page={page} />;

  const templatesPage = async (
    req: FastifyRequest,
    reply: FastifyReply,
    state: FormState & { key?: string },
    status = 200,
  ) => {
    const templates = await listSmsTemplates(req.ctx());
    const page = await pageCtx(req, reply);
    const t = page.t;
    const saved = (req.query as { luu?: string }).luu;
    return sendPage(
      reply,
      <Layout page={page} title={t('dossiers:admin.templatesTitle')}>
        <h1>{t('dossiers:admin.templatesTitle')}</h1>
        {settingsNav(page)}
        <p>{t('dossiers:admin.templatesIntro')}</p>
        {saved && <Notice text={t('dossiers:admin.saved')} />}
        <ul class="cards">
          {templates.map((tpl) => {
            const mine = state.key === tpl.key;
            const body = mine ? (state.values.body ?? tpl.body) : tpl.body;
            const plain = mine ? state.values.plain === 'on' : tpl.plain;
            const sample = renderTemplate(body, SAMPLE_VARS, plain);
            const size = smsSize(sample);
            const other = smsSize(renderTemplate(body, SAMPLE_VARS, !plain));
            return (
              <li key={tpl.key} id={`tpl-${tpl.key}`} data-segments={size.segments}>
                <h2>
                  {t(`dossiers:action.${tpl.key}`, { defaultValue: tpl.key })} <code>{tpl.key}</code>
                </h2>
                <Form
                  page={page}
                  action={`/quan-tri/mot-cua/tin-nhan/${tpl.key}`}
                  errors={mine ? state.errors : undefined}
                >
                  <TextArea
                    name="body"
                    label={t('dossiers:admin.template')}
                    value={body}
                    error={mine ? state.errors.body : undefined}
                  />
                  <Checkbox name="plain" label={t('dossiers:admin.plain')} checked={plain} />
                  <p class="muted">
                    <span class="segments">
                      {t('dossiers:admin.preview', {
                        segments: size.segments,
                        chars: size.characters,
                        encoding: size.encoding,
                      })}
                    </span>
                    <br />
                    {plain ? '≠' : '→'}{' '}
                    {t('dossiers:admin.preview', {
                      segments: other.segments,
                      chars: other.characters,
                      encoding: other.encoding,
                    })}
                  </p>
                  <p class="message-body">{sample}</p>
                  <button type="submit">{t('dossiers:admin.save')}</button>
                </Form>
              </li>
            );
          })}
        </ul>
      </Layout>,
      status,
    );
  };
  app.get('/quan-tri/mot-cua/tin-nhan', async (req, reply) => {
    requireProvinceAdmin(req.actor);
    return templatesPage(req, reply, { values: {}, errors: {} });
  });
  app.post('/quan-tri/mot-cua/tin-nhan/:key', async (req, reply) => {
    const { key } = z.object({ key: z.enum(SMS_TEMPLATE_KEYS) }).parse(req.params);
    return handleForm(
      req,
      reply,
      TemplateInput,
      async (input) => {
        await saveSmsTemplate(req.ctx(), key, input);
        return `/quan-tri/mot-cua/tin-nhan?luu=${key}#tpl-${key}`;
      },
      (state, status) => templatesPage(req, reply, { ...state, key }, status),
    );
  });

  const agencyPage = async (req: FastifyRequest, reply: FastifyReply, state: FormState, status = 200) => {
    const rows = await listAgencyCodes(req.ctx());
    const places = new Map(
      (
        await findPlacesByIds(
          req.ctx().db,
          rows.map((r) => r.placeId),
        )
      ).map((p) => [p.id, p]),
    );
    const page = await pageCtx(req, reply);
    const t = page.t;
    return sendPage(
      reply,
      <Layout page={page} title={t('dossiers:admin.agencyTitle')}>
        <h1>{t('dossiers:admin.agencyTitle')}</h1>
        {settingsNav(page)}
        <p>{t('dossiers:admin.agencyIntro')}</p>
        {(req.query as { luu?: string }).luu && <Notice text={t('dossiers:admin.agencySaved')} />}
        <FormMessage text={state.message} />
        <table>
          <tbody>
            {rows.map((r) => (
              <tr key={r.placeId}>
                <td>{places.get(r.placeId)?.fullName}</td>
                <td>{places.get(r.placeId)?.code}</td>
                <td>
                  <code>{r.agencyCode}</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <Form page={page} action="/quan-tri/mot-cua/ma-don-vi" errors={state.errors}>
          <Field
            name="placeCode"
            label={t('dossiers:admin.placeCode')}
            value={state.values.placeCode}
            error={state.errors.placeCode}
            required
          />
          <Field
            name="agencyCode"
            label={t('dossiers:admin.agencyCode')}
            value={state.values.agencyCode}
            error={state.errors.agencyCode}
            required
          />
          <button type="submit">{t('dossiers:admin.save')}</button>
        </Form>
      </Layout>,
      status,
    );
  };
  app.get('/quan-tri/mot-cua/ma-don-vi', async (req, reply) => {
    const staff = requireStaff(req.actor);
    if (scopeOf(staff, 'admin').length === 0) throw new Forbidden();
    return agencyPage(req, reply, { values: {}, errors: {} });
  });
  app.post('/quan-tri/mot-cua/ma-don-vi', (req, reply) =>
    handleForm(
      req,
      reply,
      AgencyCodeInput,
      async (input) => {
        await setAgencyCode(req.ctx(), input.placeCode, input.agencyCode);
        return '/quan-tri/mot-cua/ma-don-vi?luu=1';
      },
      (state, status) => agencyPage(req, reply, state, status),
    ),
  );
}
