import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { hasRole } from '#platform/auth/actor.ts';
import { AppError, Invalid, NotFound } from '#platform/errors.ts';
import type { Platform } from '#platform/platform.ts';
import { blankToUndefined, parse } from '#platform/validation.ts';
import { type Errors, errorsFor, Field, Form, Notice, Select, TextArea } from '#web/form.tsx';
import { Layout, type PageCtx } from '#web/layout.tsx';
import { pageCtx, sendPage } from '#web/render.tsx';
import { act } from './dossiers.actions.ts';
import type { DossierPageDeps } from './dossiers.deps.ts';
import { type Body, submissionFrom, uploadLimits } from './dossiers.form-input.ts';
import { DossierLinks, staffLinks } from './dossiers.links.tsx';
import { ApproveAndSign, NextStep } from './dossiers.next-step.tsx';
import { getStaffFile, getStaffView, type StaffView } from './dossiers.read.ts';
import { ActionInput } from './dossiers.schemas.ts';
import { uploadsOf } from './dossiers.uploads.ts';
import {
  ApplicantAndAnswers,
  Checkbox,
  DocumentInputs,
  FormMessage,
  StatusTag,
  stepNote,
  tr,
  when,
} from './dossiers.views.tsx';
import { PERSON_ACTIONS, type PersonAction } from './dossiers.workflow.ts';

/** One dossier for staff: the record, the actions the viewer may take, its files, steps and log. */

const Code = z.object({ code: z.string().max(60) });

/** One action the viewer may take, as its own small form (POST, works without JavaScript). */
function ActionForm({
  page,
  view,
  type,
  errors,
  maxMb,
  secondary = false,
}: {
  page: PageCtx;
  view: StaffView;
  type: PersonAction;
  errors: Errors;
  maxMb: number;
  /** Drawn as a second choice. */
  secondary?: boolean;
}) {
  const t = page.t;
  const d = view.dossier;
  const needsNote = ['refuse', 'reject', 'stop', 'extension_drafted', 'extension_declined'].includes(type);
  const multipart = type === 'supplement_received';
  // Beside "approve and sign", the approval alone is the second choice (sign later, on the papers page).
  const approveOnly = type === 'approve' && secondary;
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
        {type === 'extension_drafted' && (
          <Field
            name="newDueDate"
            type="date"
            label={t('dossiers:detail.newDueDate')}
            hint={t('dossiers:detail.newDueDateHint')}
            error={errors.newDueDate}
            required
          />
        )}
        {type === 'extension_approved' && view.state.extension && (
          <p class="muted">
            {t('dossiers:detail.extensionDraft', {
              due: when(view.state.extension.newDueAt),
              reason: view.state.extension.reason ?? '',
            })}
          </p>
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
        {(needsNote ||
          [
            'request_supplement',
            'forward',
            'withdraw',
            'assign',
            'financial_obligation_notified',
            'financial_obligation_paid',
          ].includes(type)) && (
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
          class={
            approveOnly || ['refuse', 'reject', 'stop', 'withdraw', 'extension_declined'].includes(type)
              ? 'secondary'
              : undefined
          }
        >
          {t(`dossiers:action.${type}`)}
        </button>
      </Form>
      {approveOnly && <small class="muted">{t('dossiers:approve.onlyHint')}</small>}
    </li>
  );
}

/** Who decides, where it was helped and received, when, and the statutory clock. */
function RecordFacts({ page, view }: { page: PageCtx; view: StaffView }) {
  const t = page.t;
  const d = view.dossier;
  const p = view.procedure;
  const clock = view.clock;
  const place = (id: number | null) => (id ? (view.places.get(id)?.fullName ?? '') : '');
  return (
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
  );
}

/** The workflow template's steps, each with its due time and early / on time / late. */
function StepsTable({ page, view }: { page: PageCtx; view: StaffView }) {
  const t = page.t;
  if (view.clock.steps.length === 0) return null;
  return (
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
          {view.clock.steps.map((s) => (
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
  );
}

/** The whole log (the tracking sheet, form 06): who did what, when, and the status after. */
function Timeline({ page, view }: { page: PageCtx; view: StaffView }) {
  const t = page.t;
  const p = view.procedure;
  return (
    <>
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
    </>
  );
}

function RecordPage({
  page,
  view,
  deps,
  done,
  state,
  maxMb,
}: {
  page: PageCtx;
  view: StaffView;
  deps: DossierPageDeps;
  /** The action just taken (POST/redirect/GET), for the notice. */
  done: string | undefined;
  state: { errors: Errors; message?: string | undefined };
  maxMb: number;
}) {
  const t = page.t;
  const d = view.dossier;
  const p = view.procedure;
  const clock = view.clock;
  // The system's marks (overdue, payments) are never buttons.
  const actions = view.available.filter((a): a is PersonAction =>
    (PERSON_ACTIONS as readonly string[]).includes(a),
  );
  // The approver reads the draft, then approves and signs in one step, where results are signed here.
  const approveAndSign = actions.includes('approve') && deps.links.canSign();
  const approver = hasRole(page.actor, 'approver', d.unitPath);
  return (
    <Layout page={page} title={d.code}>
      <p class="muted">
        <a href="/quan-tri/ho-so">{t('dossiers:queue.title')}</a>
      </p>
      <h1 id="dossier-code">{d.code}</h1>
      {done && (
        <Notice
          text={
            done === 'approve_sign'
              ? t('dossiers:approve.done')
              : t('dossiers:detail.done', { action: t(`dossiers:action.${done}`) })
          }
        />
      )}
      <FormMessage text={state.message} />
      <p>
        <StatusTag page={page} status={d.status} /> {stepNote(page, d.status, d.step)}
        {clock.timeliness && <span class="tag">{t(`dossiers:timeliness.${clock.timeliness}`)}</span>}
      </p>
      <NextStep page={page} view={view} links={deps.links} approver={approver} />
      <RecordFacts page={page} view={view} />
      {clock.paused && (
        <p class="notice">
          {t(
            view.state.pauses.some((p) => p.until === null && p.reason === 'financial_obligations')
              ? 'dossiers:detail.pausedFinancial'
              : 'dossiers:track.paused',
          )}
        </p>
      )}
      {view.atRisk && (
        <p class="notice" id="at-risk">
          {t('dossiers:detail.atRisk', { due: when(clock.dueAt), days: view.atRisk.days })}
        </p>
      )}
      {view.state.extension?.grantedAt && (
        <p id="extended">{t('dossiers:detail.extended', { due: when(view.state.extension.newDueAt) })}</p>
      )}
      <DossierLinks
        page={page}
        staff
        links={staffLinks(deps.links, {
          ...d,
          hasFees: p.fees.some((f) => f.amount > 0 || (f.onlineAmount ?? 0) > 0),
        })}
      />

      <h2>{t('dossiers:detail.actions')}</h2>
      {actions.length === 0 ? (
        <p>{t('dossiers:detail.none')}</p>
      ) : (
        <ul class="cards" id="actions">
          {approveAndSign && <ApproveAndSign page={page} view={view} links={deps.links} />}
          {actions.map((a) => (
            <ActionForm
              key={a}
              page={page}
              view={view}
              type={a}
              errors={state.errors}
              maxMb={maxMb}
              secondary={approveAndSign && a === 'approve'}
            />
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
      <StepsTable page={page} view={view} />
      <Timeline page={page} view={view} />
    </Layout>
  );
}

export function registerStaffRecordPages(app: FastifyInstance, platform: Platform, deps: DossierPageDeps) {
  const { maxMb, upload } = uploadLimits(platform);

  const recordPage = async (
    req: FastifyRequest,
    reply: FastifyReply,
    state: { errors: Errors; message?: string | undefined } = { errors: {} },
    status = 200,
  ) => {
    const { code } = Code.parse(req.params);
    const view = await getStaffView(req.ctx(), code);
    const page = await pageCtx(req, reply);
    const done = (req.query as { ok?: string }).ok;
    return sendPage(
      reply,
      <RecordPage page={page} view={view} deps={deps} done={done} state={state} maxMb={maxMb} />,
      status,
    );
  };

  app.get('/quan-tri/ho-so/:code', async (req, reply) => {
    if (req.actor.kind !== 'staff') {
      return reply.redirect(`/dang-nhap?next=${encodeURIComponent(req.url)}`, 303);
    }
    return recordPage(req, reply);
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
      if (e instanceof Invalid) return recordPage(req, reply, { errors: errorsFor(page, e.fields) }, 400);
      if (e instanceof AppError && e.status === 409) {
        return recordPage(
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
}
