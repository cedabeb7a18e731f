import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { CALENDAR_ADMIN_PATH } from '#modules/calendar/index.ts';
import { smsSize } from '#modules/notifications/index.ts';
import { findPlacesByIds, type Place } from '#modules/places/index.ts';
import { requireStaff, scopeOf } from '#platform/auth/actor.ts';
import { Forbidden } from '#platform/errors.ts';
import { Field, Form, Notice, TextArea } from '#web/form.tsx';
import { type FormState, handleForm } from '#web/form-action.ts';
import { Layout, type PageCtx } from '#web/layout.tsx';
import { pageCtx, sendPage } from '#web/render.tsx';
import { listAgencyCodes, setAgencyCode } from './dossiers.agency-codes.ts';
import { AgencyCodeInput, SMS_TEMPLATE_KEYS, TemplateInput } from './dossiers.schemas.ts';
import {
  listSmsTemplates,
  renderTemplate,
  requireProvinceAdmin,
  SAMPLE_VARS,
  saveSmsTemplate,
} from './dossiers.sms.ts';
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
  rows,
  places,
  saved,
  state,
}: {
  page: PageCtx;
  rows: Awaited<ReturnType<typeof listAgencyCodes>>;
  places: Map<number, Place>;
  saved: boolean;
  state: FormState;
}) {
  const t = page.t;
  return (
    <Layout page={page} title={t('dossiers:admin.agencyTitle')}>
      <h1>{t('dossiers:admin.agencyTitle')}</h1>
      <OneStopSettingsNav page={page} />
      <p>{t('dossiers:admin.agencyIntro')}</p>
      {saved && <Notice text={t('dossiers:admin.agencySaved')} />}
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
    const saved = Boolean((req.query as { luu?: string }).luu);
    return sendPage(
      reply,
      <AgencyCodesPage page={page} rows={rows} places={places} saved={saved} state={state} />,
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
