import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Place } from '#modules/places/index.ts';
import { hasRole } from '#platform/auth/actor.ts';
import { AppError, Invalid } from '#platform/errors.ts';
import type { Platform } from '#platform/platform.ts';
import { blankToUndefined, parse } from '#platform/validation.ts';
import { ActionForm, type Errors, errorsFor, Field, Form, Notice, Select } from '#web/form.tsx';
import type { FormState } from '#web/form-action.ts';
import { Layout, type PageCtx } from '#web/layout.tsx';
import { pageCtx, sendPage } from '#web/render.tsx';
import { communesInScope, getCommune, requireOperator } from './broadcast.access.ts';
import { awaitsPlacesFor, cancelAlert, describeAlert } from './broadcast.alerts.service.ts';
import { type Bulletin, describeBulletin } from './broadcast.bulletins.service.ts';
import { choosePlaces } from './broadcast.cap.service.ts';
import { CAP_CATEGORY, CAP_SEVERITY, isDrawn, parseCap } from './broadcast.cap.ts';
import { broadcastEmergency, prepareEmergency } from './broadcast.emergency.service.ts';
import { codeParam, empty, idParam, villagesOf } from './broadcast.http.ts';
import { runtimeFor } from './broadcast.runtime.ts';
import { EmergencyConfirm, EmergencyForm } from './broadcast.schemas.ts';
import { AudioPreview, BulletinAudio, bound, fmtTime, NumberField } from './broadcast.views.tsx';

type Values = Record<string, string | string[]>;

/**
 * "Phát khẩn cấp": the form, the confirmation with the spoken preview and the number of speakers,
 * the alert's delivery to each speaker, and stopping it.
 */
export function registerEmergencyPages(root: FastifyInstance, platform: Platform) {
  const deps = runtimeFor(platform).deps;

  root.get('/quan-tri/loa/xa/:code/khan-cap', (req, reply) => renderEmergencyForm(req, reply, empty));

  // Step one renders the confirmation directly (no redirect): the draft is harmless if sent twice.
  root.post('/quan-tri/loa/xa/:code/khan-cap', async (req, reply) => {
    const { code } = codeParam.parse(req.params);
    const raw = blankToUndefined(req.body);
    const values = emergencyValues(raw);
    try {
      const input = parse(EmergencyForm, raw);
      const r = await prepareEmergency(req.ctx(), deps, code, input);
      return renderConfirm(req, reply, {
        communeCode: code,
        bulletinId: r.bulletin.id,
        values,
        devices: r.clusters.length,
      });
    } catch (e) {
      if (e instanceof Invalid) {
        const page = await pageCtx(req, reply);
        const flat = Object.fromEntries(
          Object.entries(values).filter(([, v]) => typeof v === 'string'),
        ) as Record<string, string>;
        return renderEmergencyForm(req, reply, { values: flat, errors: errorsFor(page, e.fields) }, 400);
      }
      throw e;
    }
  });

  root.post('/quan-tri/loa/xa/:code/khan-cap/xac-nhan', async (req, reply) => {
    const { code } = codeParam.parse(req.params);
    const raw = blankToUndefined(req.body);
    const values = emergencyValues(raw);
    const bulletinId = Number(raw.bulletinId);
    try {
      const input = parse(EmergencyConfirm, raw);
      const r = await broadcastEmergency(req.ctx(), deps, input);
      return reply.redirect(`/quan-tri/loa/canh-bao/${r.alert.id}?gui=${r.devices}`, 303);
    } catch (e) {
      // A refusal the operator can act on (invalid input, a conflict) shows the confirmation again.
      const shown = Number.isInteger(bulletinId) && bulletinId > 0;
      if (shown && e instanceof AppError && e.status < 500 && e.status !== 401 && e.status !== 403) {
        const page = await pageCtx(req, reply);
        return renderConfirm(
          req,
          reply,
          {
            communeCode: code,
            bulletinId,
            values,
            devices: 0,
            ...(e instanceof Invalid
              ? { errors: errorsFor(page, e.fields) }
              : { message: req.locale === 'en' ? e.detail.en : e.detail.vi }),
          },
          e.status,
        );
      }
      throw e;
    }
  });

  root.get('/quan-tri/loa/canh-bao/:id', (req, reply) => renderAlert(req, reply, {}));

  // An alert whose areas are only drawn: the operator ticks where it plays, then it is broadcast.
  root.post('/quan-tri/loa/canh-bao/:id/noi-phat', async (req, reply) => {
    const { id } = idParam.parse(req.params);
    const chosen = ([] as unknown[]).concat((req.body as { places?: unknown } | undefined)?.places ?? []);
    const codes = chosen.filter((c): c is string => typeof c === 'string');
    try {
      const r = await choosePlaces(req.ctx(), deps, id, codes);
      return reply.redirect(`/quan-tri/loa/canh-bao/${id}?gui=${r.devices}`, 303);
    } catch (e) {
      if (e instanceof Invalid) {
        const page = await pageCtx(req, reply);
        return renderAlert(req, reply, { errors: errorsFor(page, e.fields), chosen: new Set(codes) }, 400);
      }
      throw e;
    }
  });

  root.post('/quan-tri/loa/canh-bao/:id/dung', async (req, reply) => {
    const { id } = idParam.parse(req.params);
    await cancelAlert(req.ctx(), id);
    return reply.redirect(`/quan-tri/loa/canh-bao/${id}`, 303);
  });
}

async function renderAlert(
  req: FastifyRequest,
  reply: FastifyReply,
  o: { errors?: Errors; chosen?: Set<string> },
  status = 200,
) {
  const { id } = idParam.parse(req.params);
  const described = await describeAlert(req.ctx(), id);
  const { alert, areas } = described;
  const canStop =
    !alert.cancelledAt &&
    areas.length > 0 &&
    areas.every((a) => hasRole(req.actor, 'radio_operator', a.placePath));
  const page = await pageCtx(req, reply);
  const sent = (req.query as { gui?: string }).gui;
  // Only an Actual alert still in force can be sent; others are shown, not offered.
  const sendable =
    alert.status === 'Actual' &&
    !alert.cancelledAt &&
    (!alert.expiresAt || alert.expiresAt > req.ctx().clock.now());
  const choose =
    sendable && awaitsPlacesFor(req.actor, alert)
      ? {
          drawn: drawnAreas(alert.xml),
          communes: await choosableCommunes(req, alert.awaitingScope ?? []),
          chosen: o.chosen ?? new Set<string>(),
          errors: o.errors,
        }
      : undefined;
  return sendPage(
    reply,
    <AlertPage page={page} {...described} sent={sent} canStop={canStop} choose={choose} />,
    status,
  );
}

/** The areas as the sender drew them (CAP polygon: "lat,lon" pairs; circle: "lat,lon radius-km"). */
function drawnAreas(xml: string) {
  const parsed = parseCap(xml);
  if (!parsed.ok) return [];
  return parsed.alert.info
    .flatMap((i) => i.area)
    .filter(isDrawn)
    .map((a) => ({ areaDesc: a.areaDesc, polygon: a.polygon ?? [], circle: a.circle ?? [] }));
}

/** Communes (and their villages) the operator may broadcast to, within the poster's scope. */
async function choosableCommunes(req: FastifyRequest, scope: string[]) {
  const db = req.ctx().db;
  const out: { commune: Place; villages: Place[] }[] = [];
  for (const commune of await communesInScope(db, req.actor)) {
    if (!scope.some((p) => commune.path.startsWith(p) || p.startsWith(commune.path))) continue;
    const villages = (await villagesOf(db, commune)).filter(
      (v) => hasRole(req.actor, 'radio_operator', v.path) && scope.some((p) => v.path.startsWith(p)),
    );
    const whole =
      hasRole(req.actor, 'radio_operator', commune.path) && scope.some((p) => commune.path.startsWith(p));
    if (whole || villages.length) out.push({ commune, villages });
  }
  return out;
}

/** The fields to carry from the form to the confirmation, as typed. */
function emergencyValues(raw: Record<string, unknown>): Values {
  return Object.fromEntries(
    Object.entries(raw).filter(
      ([k, v]) =>
        k !== '_csrf' && k !== 'confirm' && k !== 'bulletinId' && (typeof v === 'string' || Array.isArray(v)),
    ),
  ) as Values;
}

async function renderEmergencyForm(req: FastifyRequest, reply: FastifyReply, state: FormState, status = 200) {
  const { code } = codeParam.parse(req.params);
  const commune = await getCommune(req.ctx().db, code);
  requireOperator(req.actor, commune.path);
  const villages = await villagesOf(req.ctx().db, commune);
  const page = await pageCtx(req, reply);
  const chosen = new Set(
    ([] as string[]).concat((req.body as { targets?: string | string[] } | undefined)?.targets ?? []),
  );
  // From an emergency draft's page: its recording plays; headline and instruction go into the CAP alert.
  const draftId = Number(
    (req.query as { 'ban-tin'?: string })['ban-tin'] ?? state.values.recordedBulletinId ?? 0,
  );
  const draft = draftId > 0 ? (await describeBulletin(req.ctx(), draftId)).bulletin : undefined;
  const props = { page, commune, villages, chosen, draft, state };
  return sendPage(reply, <EmergencyFormPage {...props} />, status);
}

interface EmergencyFormProps {
  page: PageCtx;
  commune: Place;
  villages: Place[];
  /** Target places ticked before (the form shown again with errors). */
  chosen: Set<string>;
  draft: Bulletin | undefined;
  state: FormState;
}

function EmergencyFormPage({ page, commune, villages, chosen, draft, state }: EmergencyFormProps) {
  const t = page.t;
  const values = draft
    ? { headline: draft.title, instruction: draft.body ?? '', ...state.values }
    : state.values;
  return (
    <Layout page={page} title={t('broadcast:emergency.h')}>
      <h1>
        {t('broadcast:emergency.h')} — {commune.fullName}
      </h1>
      <p>{t('broadcast:emergency.intro')}</p>
      {state.message && <p class="errors">{state.message}</p>}
      {draft?.audioFileId && <BulletinAudio t={t} bulletin={draft} />}
      <Form page={page} action={`/quan-tri/loa/xa/${commune.code}/khan-cap`} errors={state.errors}>
        {draft && <input type="hidden" name="recordedBulletinId" value={String(draft.id)} />}
        <NumberField
          name="headline"
          label={t('broadcast:emergency.headline')}
          value={values.headline}
          error={state.errors.headline}
          required
        />
        <div class={state.errors.instruction ? 'field invalid' : 'field'}>
          <label for="f-instruction">{t('broadcast:emergency.instruction')}</label>
          {state.errors.instruction && <strong class="err">{state.errors.instruction}</strong>}
          <textarea id="f-instruction" name="instruction" rows={5}>
            {values.instruction ?? ''}
          </textarea>
        </div>
        <Select
          name="category"
          label={t('broadcast:emergency.category')}
          options={CAP_CATEGORY.map((c) => ({ value: c, label: t(`broadcast:categories.${c}`) }))}
          value={state.values.category ?? 'Met'}
        />
        <Select
          name="severity"
          label={t('broadcast:emergency.severity')}
          options={CAP_SEVERITY.map((s) => ({ value: s, label: t(`broadcast:severities.${s}`) }))}
          value={state.values.severity ?? 'Severe'}
        />
        <Field {...bound(state, 'event', 'Cảnh báo khẩn cấp')} label={t('broadcast:emergency.event')} />
        <fieldset class={state.errors.targets ? 'field invalid' : 'field'}>
          <legend>{t('broadcast:emergency.targets')}</legend>
          {state.errors.targets && <strong class="err">{state.errors.targets}</strong>}
          {[
            { code: commune.code, label: t('broadcast:emergency.wholeCommune') },
            ...villages.map((v) => ({ code: v.code, label: v.fullName })),
          ].map((o) => (
            <label key={o.code} style="font-weight:400;display:block">
              <input
                type="checkbox"
                name="targets"
                value={o.code}
                checked={chosen.has(o.code)}
                style="width:auto;display:inline"
              />{' '}
              {o.label}
            </label>
          ))}
        </fieldset>
        <Field {...bound(state, 'repeat', '3')} label={t('broadcast:emergency.repeat')} />
        <NumberField {...bound(state, 'expiresMinutes', '120')} label={t('broadcast:emergency.expires')} />
        <button type="submit">{t('broadcast:emergency.next')}</button>
      </Form>
    </Layout>
  );
}

interface ConfirmInput {
  communeCode: string;
  bulletinId: number;
  values: Values;
  devices: number;
  errors?: Errors;
  message?: string;
}

async function renderConfirm(req: FastifyRequest, reply: FastifyReply, o: ConfirmInput, status = 200) {
  const page = await pageCtx(req, reply);
  const { bulletin } = await describeBulletin(req.ctx(), o.bulletinId);
  return sendPage(reply, <ConfirmPage page={page} bulletin={bulletin} {...o} />, status);
}

/** The last step: hear it, see how many speakers it reaches, tick and send. */
function ConfirmPage(o: ConfirmInput & { page: PageCtx; bulletin: Bulletin }) {
  const { page, bulletin: b } = o;
  const t = page.t;
  const hidden = Object.entries(o.values).flatMap(([k, v]) =>
    (Array.isArray(v) ? v : [v]).map((x, i) => <input key={`${k}${i}`} type="hidden" name={k} value={x} />),
  );
  return (
    <Layout page={page} title={t('broadcast:emergency.confirmH')}>
      <h1>{t('broadcast:emergency.confirmH')}</h1>
      <p class="errors" role="alert">
        {o.devices > 0
          ? t('broadcast:emergency.confirmIntro', { devices: o.devices, repeat: o.values.repeat ?? '3' })
          : t('broadcast:emergency.noDevices')}
      </p>
      {o.message && <p class="errors">{o.message}</p>}
      <h2>{b.title}</h2>
      <BulletinAudio t={t} bulletin={b} />
      <p style="white-space:pre-wrap">{b.body}</p>
      <Form page={page} action={`/quan-tri/loa/xa/${o.communeCode}/khan-cap/xac-nhan`} errors={o.errors}>
        {hidden}
        <input type="hidden" name="bulletinId" value={String(b.id)} />
        <label style="font-weight:600">
          <input type="checkbox" name="confirm" value="yes" style="width:auto;display:inline" required />{' '}
          {t('broadcast:emergency.confirm')}
        </label>
        <p>
          <button type="submit" style="background:#b00020">
            {t('broadcast:emergency.go')}
          </button>
        </p>
      </Form>
      <p>
        <a href={`/quan-tri/loa/xa/${o.communeCode}/khan-cap`}>{t('broadcast:emergency.back')}</a>
      </p>
    </Layout>
  );
}

type AlertDescription = Awaited<ReturnType<typeof describeAlert>>;

interface ChoosePlaces {
  drawn: { areaDesc: string; polygon: string[]; circle: string[] }[];
  communes: { commune: Place; villages: Place[] }[];
  chosen: Set<string>;
  errors: Errors | undefined;
}

/** The form of an alert that waits for its places: what the sender drew, and our places to tick. */
function ChoosePlacesForm({ page, alertId, o }: { page: PageCtx; alertId: number; o: ChoosePlaces }) {
  const t = page.t;
  const box = (p: Place, label: string) => (
    <label key={p.code} style="display:block">
      <input
        type="checkbox"
        name="places"
        value={p.code}
        checked={o.chosen.has(p.code)}
        style="width:auto;display:inline"
      />{' '}
      {label} <span class="muted">({p.code})</span>
    </label>
  );
  return (
    <section data-choose-places>
      <h2>{t('broadcast:emergency.choose.h')}</h2>
      <p>{t('broadcast:emergency.choose.intro')}</p>
      <ul>
        {o.drawn.map((a) => (
          <li key={a.areaDesc}>
            <strong>{a.areaDesc}</strong>
            {a.polygon.map((p) => (
              <div key={p} class="muted">
                {t('broadcast:emergency.choose.polygon')}: <code>{p}</code>
              </div>
            ))}
            {a.circle.map((c) => (
              <div key={c} class="muted">
                {t('broadcast:emergency.choose.circle')}: <code>{c}</code>
              </div>
            ))}
          </li>
        ))}
      </ul>
      <Form page={page} action={`/quan-tri/loa/canh-bao/${alertId}/noi-phat`} errors={o.errors}>
        <fieldset>
          <legend>{t('broadcast:emergency.choose.places')}</legend>
          {o.errors?.places && (
            <p class="errors" id="places-error">
              {o.errors.places}
            </p>
          )}
          {o.communes.length === 0 && <p>{t('broadcast:emergency.choose.none')}</p>}
          {o.communes.map(({ commune, villages }) => (
            <div key={commune.code}>
              {box(commune, `${commune.fullName} — ${t('broadcast:emergency.choose.whole')}`)}
              <div style="margin-left:1.5em">{villages.map((v) => box(v, v.name))}</div>
            </div>
          ))}
        </fieldset>
        <p>
          <button type="submit" style="background:#b00020">
            {t('broadcast:emergency.go')}
          </button>
        </p>
      </Form>
    </section>
  );
}

/** An alert: what it says, where, and for each speaker whether it was pushed and acknowledged. */
function AlertPage({
  page,
  alert,
  areas,
  deliveries,
  sent,
  canStop,
  choose,
}: AlertDescription & {
  page: PageCtx;
  sent: string | undefined;
  canStop: boolean;
  choose: ChoosePlaces | undefined;
}) {
  const t = page.t;
  return (
    <Layout page={page} title={alert.headline ?? alert.event}>
      <p class="muted">
        {t('broadcast:emergency.alert')} · {alert.identifier}
      </p>
      <h1>{alert.headline ?? alert.event}</h1>
      {sent !== undefined && <Notice>{t('broadcast:emergency.sent', { devices: sent })}</Notice>}
      {alert.cancelledAt && (
        <p class="notice">{t('broadcast:emergency.cancelled', { at: fmtTime(alert.cancelledAt) })}</p>
      )}
      <p>{alert.instruction ?? alert.description}</p>
      <p class="muted">
        {fmtTime(alert.sent)} · {alert.severity} · {areas.map((a) => a.areaDesc).join(', ')}
      </p>
      {alert.bulletinId && (
        <AudioPreview
          t={t}
          src={`/quan-tri/loa/ban-tin/${alert.bulletinId}/am-thanh`}
          captions={`/quan-tri/loa/ban-tin/${alert.bulletinId}/phu-de.vtt`}
          mime={null}
          durationMs={null}
          kbps={null}
        />
      )}
      <p>
        <a href={`/cap/alerts/${alert.id}.xml`}>{t('broadcast:emergency.cap')}</a>
      </p>
      {choose && <ChoosePlacesForm page={page} alertId={alert.id} o={choose} />}
      {canStop && (
        <ActionForm
          page={page}
          action={`/quan-tri/loa/canh-bao/${alert.id}/dung`}
          label={t('broadcast:emergency.stop')}
          kind="secondary"
        />
      )}
      <h2>{t('broadcast:emergency.devices')}</h2>
      <table>
        <thead>
          <tr>
            <th>{t('broadcast:reports.where')}</th>
            <th>{t('broadcast:emergency.pushed')}</th>
            <th>{t('broadcast:emergency.acked')}</th>
          </tr>
        </thead>
        <tbody>
          {deliveries.map((d) => (
            <tr key={`${d.commandId}-${d.clusterId}`} data-delivery={d.code}>
              <td>
                {d.name} <span class="muted">({d.code})</span>
              </td>
              <td>{d.pushedAt ? fmtTime(d.pushedAt) : t('broadcast:emergency.notYet')}</td>
              <td>{d.acknowledgedAt ? fmtTime(d.acknowledgedAt) : t('broadcast:emergency.notYet')}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Layout>
  );
}
