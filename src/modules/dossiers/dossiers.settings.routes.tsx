import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { CALENDAR_ADMIN_PATH } from '#modules/calendar/index.ts';
import { smsSize } from '#modules/notifications/index.ts';
import { requireProvinceAdmin, requireStaff, scopeOf } from '#platform/auth/actor.ts';
import { Forbidden } from '#platform/errors.ts';
import { Field, Form, Notice, TextArea } from '#web/form.tsx';
import { type FormState, handleForm } from '#web/form-action.ts';
import { Layout, type PageCtx } from '#web/layout.tsx';
import { pageCtx, sendPage } from '#web/render.tsx';
import { setAgencyCode, type UnitCode, unitCodes } from './dossiers.agency-codes.ts';
import { AgencyCodeInput, AtRiskInput, SMS_TEMPLATE_KEYS, TemplateInput } from './dossiers.schemas.ts';
import { listSmsTemplates, renderTemplate, SAMPLE_VARS, saveSmsTemplate } from './dossiers.sms.ts';
import { setAtRiskDays } from './dossiers.unit-settings.ts';
import { Checkbox, FormMessage } from './dossiers.views.tsx';

/**
 * The one-stop settings: SMS templates (province admins) and agency codes (an admin of the unit).
 * The yearly calendar sits among them (`CALENDAR_ADMIN_PATH`) but is the calendar module's page,
 * which shows this nav when the composition gives it.
 */

/** The line of links between the one-stop settings pages. */
export function OneStopSettingsNav({ page }: { page: PageCtx }) {
  return (
    <p>
      <a href="/quan-tri/mot-cua/tin-nhan">{page.t('dossiers:admin.templatesTitle')}</a> ·{' '}
      <a href={CALENDAR_ADMIN_PATH}>{page.t('dossiers:admin.calendarTitle')}</a> ·{' '}
      <a href="/quan-tri/mot-cua/ma-don-vi">{page.t('dossiers:admin.agencyTitle')}</a>
    </p>
  );
}

type Template = Awaited<ReturnType<typeof listSmsTemplates>>[number];

/** One template's form, with its SMS segments with and without diacritics for sample values. */
function TemplateCard({
  page,
  template,
  state,
}: {
  page: PageCtx;
  template: Template;
  /** Set when this template's form was just sent back with errors. */
  state: FormState | undefined;
}) {
  const t = page.t;
  const body = state ? (state.values.body ?? template.body) : template.body;
  const plain = state ? state.values.plain === 'on' : template.plain;
  const sample = renderTemplate(body, SAMPLE_VARS, plain);
  const size = smsSize(sample);
  const other = smsSize(renderTemplate(body, SAMPLE_VARS, !plain));
  return (
    <li id={`tpl-${template.key}`} data-segments={size.segments}>
      <h2>
        {t(`dossiers:action.${template.key}`, { defaultValue: template.key })} <code>{template.key}</code>
      </h2>
      <Form page={page} action={`/quan-tri/mot-cua/tin-nhan/${template.key}`} errors={state?.errors}>
        <TextArea name="body" label={t('dossiers:admin.template')} value={body} error={state?.errors.body} />
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
}

function AgencyCodesPage({
  page,
  units,
  saved,
  state,
}: {
  page: PageCtx;
  units: UnitCode[];
  saved: boolean;
  state: FormState & { form?: 'code' | 'risk' };
}) {
  const t = page.t;
  const fallback = units.filter((u) => u.agencyCode === null);
  const codeErrors = state.form === 'risk' ? {} : state.errors;
  const riskErrors = state.form === 'risk' ? state.errors : {};
  return (
    <Layout page={page} title={t('dossiers:admin.agencyTitle')}>
      <h1>{t('dossiers:admin.agencyTitle')}</h1>
      <OneStopSettingsNav page={page} />
      <p>{t('dossiers:admin.agencyIntro')}</p>
      {fallback.length > 0 && (
        <p class="notice" id="fallback-banner" role="alert">
          {t('dossiers:admin.fallbackBanner', { count: fallback.length })}
        </p>
      )}
      {saved && <Notice text={t('dossiers:admin.agencySaved')} />}
      <FormMessage text={state.message} />
      <table id="units">
        <thead>
          <tr>
            <th>{t('dossiers:admin.unit')}</th>
            <th>{t('dossiers:admin.adminCode')}</th>
            <th>{t('dossiers:admin.agencyCode')}</th>
            <th>{t('dossiers:admin.atRiskDays')}</th>
          </tr>
        </thead>
        <tbody>
          {units.map((u) => (
            <tr key={u.place.id} data-place={u.place.code} data-fallback={String(u.agencyCode === null)}>
              <td>{u.place.fullName}</td>
              <td>{u.place.code}</td>
              <td>
                {u.agencyCode ? (
                  <code>{u.agencyCode}</code>
                ) : (
                  <>
                    <span class="tag">{t('dossiers:admin.onFallback')}</span> <code>{u.fallback}</code>
                  </>
                )}
                {u.clash && (
                  <>
                    <br />
                    <small>{t('dossiers:admin.clash', { name: u.clash.fullName, code: u.fallback })}</small>
                  </>
                )}
              </td>
              <td>{u.atRiskDays}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {fallback.length > 0 && (
        <>
          <h2>{t('dossiers:admin.fallbackList')}</h2>
          <ul id="fallback-list">
            {fallback.map((u) => (
              <li key={u.place.id}>
                {u.place.fullName} ({u.place.code}): <code>{u.fallback}</code>
              </li>
            ))}
          </ul>
        </>
      )}
      <h2>{t('dossiers:admin.setCode')}</h2>
      <Form page={page} action="/quan-tri/mot-cua/ma-don-vi" errors={codeErrors}>
        <Field
          name="placeCode"
          label={t('dossiers:admin.placeCode')}
          value={state.form === 'risk' ? undefined : state.values.placeCode}
          error={codeErrors.placeCode}
          required
        />
        <Field
          name="agencyCode"
          label={t('dossiers:admin.agencyCode')}
          hint={t('dossiers:admin.agencyCodeHint')}
          value={state.values.agencyCode}
          error={codeErrors.agencyCode}
          required
        />
        <button type="submit">{t('dossiers:admin.save')}</button>
      </Form>
      <h2>{t('dossiers:admin.atRiskTitle')}</h2>
      <p>{t('dossiers:admin.atRiskIntro')}</p>
      <Form page={page} action="/quan-tri/mot-cua/ma-don-vi/canh-bao" errors={riskErrors}>
        <Field
          name="placeCode"
          label={t('dossiers:admin.placeCode')}
          value={state.form === 'risk' ? state.values.placeCode : undefined}
          error={riskErrors.placeCode}
          required
        />
        <Field
          name="atRiskDays"
          type="number"
          label={t('dossiers:admin.atRiskDays')}
          value={state.values.atRiskDays}
          error={riskErrors.atRiskDays}
          required
        />
        <button type="submit">{t('dossiers:admin.save')}</button>
      </Form>
    </Layout>
  );
}

export function registerSettingsPages(app: FastifyInstance) {
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
        <OneStopSettingsNav page={page} />
        <p>{t('dossiers:admin.templatesIntro')}</p>
        {saved && <Notice text={t('dossiers:admin.saved')} />}
        <ul class="cards">
          {templates.map((tpl) => (
            <TemplateCard
              key={tpl.key}
              page={page}
              template={tpl}
              state={state.key === tpl.key ? state : undefined}
            />
          ))}
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

  const agencyPage = async (
    req: FastifyRequest,
    reply: FastifyReply,
    state: FormState & { form?: 'code' | 'risk' },
    status = 200,
  ) => {
    const query = req.query as { luu?: string; tinh?: string };
    const units = await unitCodes(req.ctx(), typeof query.tinh === 'string' ? query.tinh : undefined);
    const page = await pageCtx(req, reply);
    return sendPage(
      reply,
      <AgencyCodesPage page={page} units={units} saved={Boolean(query.luu)} state={state} />,
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
      (state, status) => agencyPage(req, reply, { ...state, form: 'code' }, status),
    ),
  );
  app.post('/quan-tri/mot-cua/ma-don-vi/canh-bao', (req, reply) =>
    handleForm(
      req,
      reply,
      AtRiskInput,
      async (input) => {
        await setAtRiskDays(req.ctx(), input.placeCode, input.atRiskDays);
        return '/quan-tri/mot-cua/ma-don-vi?luu=1';
      },
      (state, status) => agencyPage(req, reply, { ...state, form: 'risk' }, status),
    ),
  );
}
