import fastifyMultipart from '@fastify/multipart';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { findPlaceById, listChildren, type Place } from '#modules/places/index.ts';
import { hasRole } from '#platform/auth/actor.ts';
import { AppError, Invalid } from '#platform/errors.ts';
import type { Platform } from '#platform/platform.ts';
import { blankToUndefined, parse } from '#platform/validation.ts';
import { ActionForm, type Errors, errorsFor, Field, Form, Notice, Select } from '#web/form.tsx';
import { type FormState, handleForm } from '#web/form-action.ts';
import { Layout, type PageCtx } from '#web/layout.tsx';
import { pageCtx, sendPage } from '#web/render.tsx';
import './broadcast.messages.ts';
import {
  broadcastEmergency,
  cancelAlert,
  describeAlert,
  listActiveAlerts,
  listAlerts,
  prepareEmergency,
} from './alerts.service.ts';
import {
  communesInScope,
  getCommune,
  REGISTER_ROLES,
  requireOperator,
  requireView,
} from './broadcast.access.ts';
import { runtimeFor } from './broadcast.runtime.ts';
import {
  ClusterUpdate,
  EmergencyConfirm,
  EmergencyForm,
  NewBulletin,
  NewCluster,
  ProgrammeForm,
  RejectForm,
  ReportQuery,
  ScheduleForm,
} from './broadcast.schemas.ts';
import type { Priority } from './broadcast.tables.ts';
import {
  approveBulletin,
  bulletinAudio,
  createBulletin,
  describeBulletin,
  listBulletins,
  listPublicBulletins,
  rejectBulletin,
  submitBulletin,
  withdrawBulletin,
} from './bulletins.service.ts';
import { CAP_CATEGORY, CAP_SEVERITY } from './cap.ts';
import {
  listClusters,
  listOfflineClusters,
  registerCluster,
  resetClusterPassword,
  updateCluster,
} from './clusters.service.ts';
import {
  cancelScheduleEntry,
  createProgramme,
  listProgrammes,
  previewDay,
  scheduleBulletin,
} from './programmes.service.ts';
import { DOWN_TOPICS, topicFor, UP_TOPICS } from './protocol.ts';
import { listCommunesWithPublicBulletins, listPlayReport } from './reports.service.ts';
import { DAY_MS, localDate, localTime, WEEKDAY_BITS } from './schedule.ts';
import { AudioPreview, ago, CommuneNav, captionsVtt, fmtTime, StatusBadge } from './views.tsx';

const empty: FormState = { values: {}, errors: {} };
/** Bulletin actions with nothing to fill in: a button on the bulletin page and a POST route each. */
const SIMPLE_ACTIONS = [
  { action: 'submit', path: 'gui-duyet', run: submitBulletin },
  { action: 'approve', path: 'duyet', run: approveBulletin },
  { action: 'withdraw', path: 'rut', run: withdrawBulletin },
] as const;
const idParam = z.object({ id: z.coerce.number().int().positive() });
const codeParam = z.object({ code: z.string().max(20) });

async function villagesOf(req: FastifyRequest, commune: Place) {
  return (await listChildren(req.ctx().db, commune.id)).filter((p) => p.level === 'village' && !p.validTo);
}

function weekdaysLabel(t: PageCtx['t'], mask: number) {
  if (mask === 127) return t('broadcast:bulletins.daily');
  return WEEKDAY_BITS.map((bit, i) => (mask & bit ? t(`broadcast:weekday.${i + 1}`) : ''))
    .filter(Boolean)
    .join(', ');
}

/** Operator pages, public pages and the audio they link to. */
export function registerBroadcastPages(root: FastifyInstance, platform: Platform) {
  const rt = runtimeFor(platform);
  const deps = rt.deps;

  root.get('/quan-tri/loa', async (req, reply) => {
    const communes = await communesInScope(req.ctx().db, req.actor);
    if (communes.length === 1) return reply.redirect(`/quan-tri/loa/xa/${communes[0]?.code}`, 303);
    requireView(req.actor, communes[0]?.path ?? '/none/');
    const page = await pageCtx(req, reply);
    const t = page.t;
    return sendPage(
      reply,
      <Layout page={page} title={t('broadcast:title')}>
        <h1>{t('broadcast:title')}</h1>
        <h2>{t('broadcast:communes')}</h2>
        <ul>
          {communes.map((c) => (
            <li key={c.id}>
              <a href={`/quan-tri/loa/xa/${c.code}`}>{c.fullName}</a>
            </li>
          ))}
        </ul>
      </Layout>,
    );
  });

  // ── Clusters ──────────────────────────────────────────────────────────────────────────────

  const dashboard = async (req: FastifyRequest, reply: FastifyReply, state: FormState, status = 200) => {
    const { code } = codeParam.parse(req.params);
    const ctx = req.ctx();
    const commune = await getCommune(ctx.db, code);
    const clusters = await listClusters(ctx, code);
    const alerts = await listActiveAlerts(ctx.db, ctx.clock.now(), [commune.path]);
    const page = await pageCtx(req, reply);
    const t = page.t;
    const now = ctx.clock.now();
    const canRegister = hasRole(req.actor, REGISTER_ROLES, commune.path);
    const villages = canRegister ? await villagesOf(req, commune) : [];
    const online = clusters.filter((c) => c.liveStatus === 'online').length;
    return sendPage(
      reply,
      <Layout page={page} title={t('broadcast:clusters.h', { commune: commune.fullName })}>
        <h1>{t('broadcast:clusters.h', { commune: commune.fullName })}</h1>
        <CommuneNav page={page} commune={commune} />
        {alerts.length > 0 && (
          <div class="errors" role="alert">
            <p>{t('broadcast:emergency.active')}</p>
            <ul>
              {alerts.map((a) => (
                <li key={a.id}>
                  <a href={`/quan-tri/loa/canh-bao/${a.id}`}>{a.headline ?? a.event}</a> · {fmtTime(a.sent)}
                </li>
              ))}
            </ul>
          </div>
        )}
        <p>
          <strong>{t('broadcast:clusters.summary', { online, total: clusters.length })}</strong>
        </p>
        {clusters.length === 0 && <p>{t('broadcast:clusters.none')}</p>}
        <ul class="cards">
          {clusters.map((c) => (
            <li key={c.id} data-cluster={c.code}>
              <h2>
                {c.name} <span class="muted">({c.code})</span>
              </h2>
              <p>
                <StatusBadge t={t} status={c.liveStatus} /> · {t('broadcast:clusters.lastSeen')}:{' '}
                {ago(t, c.lastSeenAt, now)}
              </p>
              <p class="muted">
                {c.placeName} · {t('broadcast:clusters.volume')} {c.volume}% ·{' '}
                {t(
                  c.pushedVersion === 0
                    ? 'broadcast:clusters.scheduleNone'
                    : c.ackedVersion >= c.pushedVersion
                      ? 'broadcast:clusters.scheduleOk'
                      : 'broadcast:clusters.scheduleWaiting',
                )}
              </p>
              {c.disabledAt && <p class="tag">{t('broadcast:clusters.disabled')}</p>}
              {canRegister && (
                <details>
                  <summary>{t('broadcast:clusters.edit')}</summary>
                  <ActionForm
                    page={page}
                    action={`/quan-tri/loa/cum-loa/${c.id}`}
                    label={t('broadcast:clusters.save')}
                  >
                    <Field
                      name="volume"
                      type="number"
                      inputmode="numeric"
                      label={t('broadcast:clusters.volume')}
                      value={String(c.volume)}
                    />
                    <Select
                      name="disabled"
                      label={t('broadcast:clusters.state')}
                      options={[
                        { value: 'false', label: t('broadcast:clusters.enabled') },
                        { value: 'true', label: t('broadcast:clusters.disabled') },
                      ]}
                      value={c.disabledAt ? 'true' : 'false'}
                    />
                  </ActionForm>
                  <ActionForm
                    page={page}
                    action={`/quan-tri/loa/cum-loa/${c.id}/mat-khau`}
                    label={t('broadcast:clusters.reset')}
                    kind="link"
                  />
                </details>
              )}
            </li>
          ))}
        </ul>
        {canRegister && (
          <>
            <h2 id="them">{t('broadcast:clusters.register')}</h2>
            {state.message && <p class="errors">{state.message}</p>}
            <Form page={page} action={`/quan-tri/loa/xa/${commune.code}/cum-loa`} errors={state.errors}>
              <Select
                name="placeCode"
                label={t('broadcast:clusters.placeCode')}
                options={[
                  ...villages.map((v) => ({ value: v.code, label: v.fullName })),
                  {
                    value: commune.code,
                    label: t('broadcast:clusters.atCommune', { name: commune.fullName }),
                  },
                ]}
                value={state.values.placeCode}
                error={state.errors.placeCode}
              />
              <Field
                name="name"
                label={t('broadcast:clusters.name')}
                value={state.values.name}
                error={state.errors.name}
                required
              />
              <Field
                name="volume"
                type="number"
                inputmode="numeric"
                label={t('broadcast:clusters.volume')}
                value={state.values.volume ?? '70'}
                error={state.errors.volume}
              />
              <Field
                name="languages"
                label={t('broadcast:clusters.languages')}
                hint={t('broadcast:clusters.languagesHint')}
                value={state.values.languages ?? 'vi'}
                error={state.errors.languages}
              />
              <Field
                name="latitude"
                label={t('broadcast:clusters.latitude')}
                value={state.values.latitude}
                error={state.errors.latitude}
              />
              <Field
                name="longitude"
                label={t('broadcast:clusters.longitude')}
                value={state.values.longitude}
                error={state.errors.longitude}
              />
              <button type="submit">{t('broadcast:clusters.add')}</button>
            </Form>
          </>
        )}
      </Layout>,
      status,
    );
  };

  root.get('/quan-tri/loa/xa/:code', (req, reply) => dashboard(req, reply, empty));

  const credentialsPage = async (
    req: FastifyRequest,
    reply: FastifyReply,
    r: { cluster: { code: string; communeId: number }; password: string; communeCode: string },
  ) => {
    const page = await pageCtx(req, reply);
    const t = page.t;
    const code = r.cluster.code;
    return sendPage(
      reply,
      <Layout page={page} title={t('broadcast:clusters.created', { code })}>
        <h1>{t('broadcast:clusters.created', { code })}</h1>
        <p class="notice">{t('broadcast:clusters.secret')}</p>
        <dl>
          <dt>{t('broadcast:clusters.broker')}</dt>
          <dd>
            <code>
              {rt.deviceBrokerUrl ??
                platform.config.MQTT_URL ??
                `mqtt://${new URL(platform.config.PUBLIC_URL).hostname}:${platform.config.MQTT_PORT}`}
            </code>
          </dd>
          <dt>{t('broadcast:clusters.username')}</dt>
          <dd>
            <code data-username>{code}</code>
          </dd>
          <dt>{t('broadcast:clusters.password')}</dt>
          <dd>
            <code data-password>{r.password}</code>
          </dd>
          <dt>{t('broadcast:clusters.topics')}</dt>
          <dd>
            {[...DOWN_TOPICS, ...UP_TOPICS].map((leaf) => (
              <div key={leaf}>
                <code>{topicFor(code, leaf)}</code>
              </div>
            ))}
          </dd>
        </dl>
        <p>
          <a href={`/quan-tri/loa/xa/${r.communeCode}`}>{t('broadcast:clusters.back')}</a>
        </p>
      </Layout>,
    );
  };

  root.post('/quan-tri/loa/xa/:code/cum-loa', async (req, reply) => {
    const { code } = codeParam.parse(req.params);
    const raw = blankToUndefined(req.body);
    try {
      const input = parse(NewCluster, raw);
      const r = await registerCluster(req.ctx(), input);
      if (r.commune.code !== code)
        throw new Invalid([
          { field: 'placeCode', vi: 'Thôn không thuộc xã này.', en: 'Not a village of this commune.' },
        ]);
      return credentialsPage(req, reply, { cluster: r.cluster, password: r.password, communeCode: code });
    } catch (e) {
      if (e instanceof Invalid) {
        const page = await pageCtx(req, reply);
        const values = Object.fromEntries(
          Object.entries(raw).filter(([k, v]) => typeof v === 'string' && k !== '_csrf'),
        ) as Record<string, string>;
        return dashboard(req, reply, { values, errors: errorsFor(page, e.fields) }, 400);
      }
      throw e;
    }
  });

  // Volume and on/off: the new volume reaches the device in its next (retained) schedule document.
  root.post('/quan-tri/loa/cum-loa/:id', async (req, reply) => {
    const { id } = idParam.parse(req.params);
    const input = parse(ClusterUpdate, blankToUndefined(req.body));
    const cluster = await updateCluster(req.ctx(), id, input);
    return reply.redirect(`/quan-tri/loa/xa/${await communeCodeOf(req, cluster?.communeId ?? 0)}`, 303);
  });

  root.post('/quan-tri/loa/cum-loa/:id/mat-khau', async (req, reply) => {
    const { id } = idParam.parse(req.params);
    const r = await resetClusterPassword(req.ctx(), id);
    const commune = await getCommune(req.ctx().db, (await communeCodeOf(req, r.cluster.communeId)) ?? '');
    return credentialsPage(req, reply, {
      cluster: r.cluster,
      password: r.password,
      communeCode: commune.code,
    });
  });

  // ── Bulletins ─────────────────────────────────────────────────────────────────────────────

  root.get('/quan-tri/loa/xa/:code/ban-tin', async (req, reply) => {
    const { code } = codeParam.parse(req.params);
    const { commune, bulletins } = await listBulletins(req.ctx(), code);
    const page = await pageCtx(req, reply);
    const t = page.t;
    return sendPage(
      reply,
      <Layout page={page} title={t('broadcast:bulletins.h', { commune: commune.fullName })}>
        <h1>{t('broadcast:bulletins.h', { commune: commune.fullName })}</h1>
        <CommuneNav page={page} commune={commune} />
        {bulletins.length === 0 && <p>{t('broadcast:bulletins.none')}</p>}
        <ul class="cards">
          {bulletins.map((b) => (
            <li key={b.id}>
              <a href={`/quan-tri/loa/ban-tin/${b.id}`}>{b.title}</a>{' '}
              <span class="tag">{t(`broadcast:bulletinStatus.${b.status}`)}</span>{' '}
              <span class="tag">{t(`broadcast:priority.${b.priority}`)}</span>
              <p class="muted">{fmtTime(b.createdAt)}</p>
            </li>
          ))}
        </ul>
      </Layout>,
    );
  });

  const composePage = async (req: FastifyRequest, reply: FastifyReply, state: FormState, status = 200) => {
    const { code } = codeParam.parse(req.params);
    const commune = await getCommune(req.ctx().db, code);
    requireOperator(req.actor, commune.path);
    const page = await pageCtx(req, reply);
    const t = page.t;
    return sendPage(
      reply,
      <Layout page={page} title={t('broadcast:bulletins.compose')}>
        <h1>{t('broadcast:bulletins.compose')}</h1>
        <CommuneNav page={page} commune={commune} />
        {state.message && <p class="errors">{state.message}</p>}
        <Form
          page={page}
          action={`/quan-tri/loa/xa/${commune.code}/ban-tin/moi`}
          errors={state.errors}
          enctype="multipart/form-data"
        >
          <Field
            name="title"
            label={t('broadcast:bulletins.titleField')}
            value={state.values.title}
            error={state.errors.title}
            required
          />
          <div class={state.errors.body ? 'field invalid' : 'field'}>
            <label for="f-body">{t('broadcast:bulletins.body')}</label>
            <small id="f-body-hint" class="hint">
              {t('broadcast:bulletins.bodyHint')}
            </small>
            {state.errors.body && (
              <strong id="f-body-err" class="err">
                {state.errors.body}
              </strong>
            )}
            <textarea id="f-body" name="body" rows={8} aria-describedby="f-body-hint">
              {state.values.body ?? ''}
            </textarea>
          </div>
          <Select
            name="priority"
            label={t('broadcast:bulletins.priorityField')}
            options={(['normal', 'priority', 'emergency'] as Priority[]).map((p) => ({
              value: p,
              label: t(`broadcast:priority.${p}`),
            }))}
            value={state.values.priority}
            error={state.errors.priority}
          />
          <Select
            name="voice"
            label={t('broadcast:bulletins.voice')}
            options={deps.tts.voices.map((v) => ({
              value: v.id,
              label: page.locale === 'en' ? v.label.en : v.label.vi,
            }))}
            value={state.values.voice ?? deps.tts.defaultVoice}
            error={state.errors.voice}
          />
          <div class={state.errors.audio ? 'field invalid' : 'field'}>
            <label for="f-audio">{t('broadcast:bulletins.audio')}</label>
            <small class="hint">{t('broadcast:bulletins.audioHint')}</small>
            {state.errors.audio && <strong class="err">{state.errors.audio}</strong>}
            <input id="f-audio" name="audio" type="file" accept="audio/*" />
          </div>
          <button type="submit">{t('broadcast:bulletins.save')}</button>
        </Form>
      </Layout>,
      status,
    );
  };

  root.register(async (scope) => {
    // The app may already parse multipart for other modules; register it here only if not.
    if (!scope.hasRequestDecorator('parts')) {
      await scope.register(fastifyMultipart, { limits: { fileSize: platform.config.UPLOAD_MAX_BYTES } });
    }
    const upload = { preValidation: recordingUpload(platform.config.UPLOAD_MAX_BYTES) };
    scope.get('/quan-tri/loa/xa/:code/ban-tin/moi', (req, reply) => composePage(req, reply, empty));
    scope.post('/quan-tri/loa/xa/:code/ban-tin/moi', upload, (req, reply) => {
      const { code } = codeParam.parse(req.params);
      const recording = recordings.get(req);
      return handleForm(
        req,
        reply,
        NewBulletin,
        async (input) => {
          if (recording?.tooLarge) {
            throw new Invalid([
              {
                field: 'audio',
                vi: `Tệp ghi âm lớn hơn ${Math.round(platform.config.UPLOAD_MAX_BYTES / 1048576)} MB.`,
                en: `The recording is larger than ${Math.round(platform.config.UPLOAD_MAX_BYTES / 1048576)} MB.`,
              },
            ]);
          }
          const b = await createBulletin(req.ctx(), deps, code, { ...input, upload: recording?.audio });
          return `/quan-tri/loa/ban-tin/${b.id}`;
        },
        (state, status) => composePage(req, reply, state, status),
      );
    });
  });

  const bulletinPage = async (req: FastifyRequest, reply: FastifyReply, state: FormState, status = 200) => {
    const { id } = idParam.parse(req.params);
    const ctx = req.ctx();
    const { bulletin: b, actions, entries, commune, allowed } = await describeBulletin(ctx, id);
    const programmes = allowed.includes('schedule') ? await listProgrammes(ctx, commune.code) : [];
    const page = await pageCtx(req, reply);
    const t = page.t;
    const live = entries.filter((e) => !e.entry.cancelledAt);
    // How this bulletin resolves on the first day of each slot: late behind another, or dropped.
    const warnings: string[] = [];
    for (const e of live) {
      const p = programmes.find((x) => x.id === e.entry.programmeId);
      const clusterIds = p?.clusterIds ?? [];
      const today = localDate(ctx.clock.now().getTime());
      const day = e.entry.startDate > today ? e.entry.startDate : today;
      const { timelines } = await previewDay(ctx, clusterIds, day);
      for (const tl of timelines.values()) {
        for (const play of tl.plays.filter((x) => x.entryId === e.entry.id && x.at - x.start >= 60_000)) {
          warnings.push(
            t('broadcast:bulletins.delayed', {
              title: b.title,
              at: localTime(play.at).slice(0, 5),
              minutes: Math.round((play.at - play.start) / 60_000),
            }),
          );
        }
        for (const d of tl.dropped.filter((x) => x.entryId === e.entry.id)) {
          warnings.push(
            t('broadcast:bulletins.dropped', { title: b.title, at: localTime(d.start).slice(0, 5) }),
          );
        }
      }
    }
    const audioSrc = `/quan-tri/loa/ban-tin/${b.id}/am-thanh`;
    const q = req.query as { lich?: string };
    const today = localDate(ctx.clock.now().getTime());
    return sendPage(
      reply,
      <Layout page={page} title={b.title}>
        <p class="muted">
          <a href={`/quan-tri/loa/xa/${commune.code}/ban-tin`}>{t('broadcast:nav.bulletins')}</a> ›
        </p>
        <h1>{b.title}</h1>
        <p>
          <span class="tag" data-bulletin-status={b.status}>
            {t(`broadcast:bulletinStatus.${b.status}`)}
          </span>{' '}
          <span class="tag">{t(`broadcast:priority.${b.priority}`)}</span>
        </p>
        {q.lich && <Notice>{t('broadcast:bulletins.scheduled')}</Notice>}
        {[...new Set(warnings)].map((w) => (
          <p key={w} class="errors">
            {w}
          </p>
        ))}
        {state.message && <p class="errors">{state.message}</p>}
        {b.audioFileId && (
          <>
            <h2>{t('broadcast:bulletins.preview')}</h2>
            <AudioPreview
              t={t}
              src={audioSrc}
              captions={`/quan-tri/loa/ban-tin/${b.id}/phu-de.vtt`}
              mime={b.audioMime}
              durationMs={b.audioDurationMs}
              kbps={b.audioKbps}
            />
          </>
        )}
        {b.body && (
          <p class="message-body" style="white-space:pre-wrap">
            {b.body}
          </p>
        )}
        {b.spokenText && b.spokenText !== b.body && (
          <details>
            <summary>{t('broadcast:bulletins.spoken')}</summary>
            <p style="white-space:pre-wrap">{b.spokenText}</p>
          </details>
        )}
        {b.priority === 'emergency' && b.status === 'draft' && (
          <p class="notice">
            {t('broadcast:bulletins.emergencyHint')}{' '}
            {allowed.includes('broadcast') && (
              <a href={`/quan-tri/loa/xa/${commune.code}/khan-cap?ban-tin=${b.id}`}>
                {t('broadcast:nav.emergency')}
              </a>
            )}
          </p>
        )}
        <p>
          {SIMPLE_ACTIONS.filter((a) => allowed.includes(a.action)).map((a) => (
            <ActionForm
              key={a.action}
              page={page}
              action={`/quan-tri/loa/ban-tin/${b.id}/${a.path}`}
              label={t(`broadcast:action.${a.action}`)}
              kind={a.action === 'withdraw' ? 'secondary' : undefined}
            />
          ))}
        </p>
        {allowed.includes('reject') && (
          <ActionForm
            page={page}
            action={`/quan-tri/loa/ban-tin/${b.id}/tra-lai`}
            errors={state.errors}
            label={t('broadcast:bulletins.reject')}
            kind="secondary"
          >
            <Field
              name="note"
              label={t('broadcast:bulletins.note')}
              value={state.values.note}
              error={state.errors.note}
            />
          </ActionForm>
        )}
        {(live.length > 0 || allowed.includes('schedule')) && (
          <>
            <h2>{t('broadcast:bulletins.entries')}</h2>
            {entries.length === 0 && <p>{t('broadcast:bulletins.noEntries')}</p>}
            <ul>
              {entries.map((e) => (
                <li key={e.entry.id}>
                  {e.programmeName}: {e.entry.startTime.slice(0, 5)}, {weekdaysLabel(t, e.entry.weekdays)},{' '}
                  {e.entry.startDate}
                  {e.entry.endDate ? ` → ${e.entry.endDate}` : ''} ×{e.entry.repeat}
                  {e.entry.cancelledAt ? (
                    <span class="tag">{t('broadcast:bulletins.cancelled')}</span>
                  ) : (
                    allowed.includes('schedule') && (
                      <ActionForm
                        page={page}
                        action={`/quan-tri/loa/lich/${e.entry.id}/huy`}
                        label={t('broadcast:bulletins.cancel')}
                        kind="link"
                      />
                    )
                  )}
                </li>
              ))}
            </ul>
          </>
        )}
        {allowed.includes('schedule') && (
          <>
            <h2>{t('broadcast:bulletins.schedule')}</h2>
            {programmes.length === 0 ? (
              <p>
                <a href={`/quan-tri/loa/xa/${commune.code}/chuong-trinh`}>
                  {t('broadcast:bulletins.noProgrammes')}
                </a>
              </p>
            ) : (
              <Form page={page} action={`/quan-tri/loa/ban-tin/${b.id}/lich`} errors={state.errors}>
                <Select
                  name="programmeId"
                  label={t('broadcast:bulletins.programme')}
                  options={programmes.map((p) => ({ value: String(p.id), label: p.name }))}
                  value={state.values.programmeId}
                  error={state.errors.programmeId}
                />
                <div class={state.errors.startTime ? 'field invalid' : 'field'}>
                  <label for="f-startTime">{t('broadcast:bulletins.startTime')}</label>
                  {state.errors.startTime && <strong class="err">{state.errors.startTime}</strong>}
                  <input
                    id="f-startTime"
                    name="startTime"
                    type="time"
                    value={state.values.startTime ?? '06:00'}
                    required
                  />
                </div>
                <fieldset class="field">
                  <legend>{t('broadcast:bulletins.days')}</legend>
                  {[1, 2, 3, 4, 5, 6, 7].map((d) => (
                    <label key={d} style="display:inline-block;margin-right:0.8rem;font-weight:400">
                      <input
                        type="checkbox"
                        name="days"
                        value={String(d)}
                        style="width:auto;display:inline"
                      />{' '}
                      {t(`broadcast:weekday.${d}`)}
                    </label>
                  ))}
                </fieldset>
                <Field
                  name="startDate"
                  type="date"
                  label={t('broadcast:bulletins.startDate')}
                  value={state.values.startDate ?? today}
                  error={state.errors.startDate}
                />
                <Field
                  name="endDate"
                  type="date"
                  label={t('broadcast:bulletins.endDate')}
                  value={state.values.endDate}
                  error={state.errors.endDate}
                />
                <Field
                  name="repeat"
                  type="number"
                  inputmode="numeric"
                  label={t('broadcast:bulletins.repeat')}
                  value={state.values.repeat ?? '1'}
                  error={state.errors.repeat}
                />
                <button type="submit">{t('broadcast:bulletins.add')}</button>
              </Form>
            )}
          </>
        )}
        <h2>{t('broadcast:bulletins.history')}</h2>
        <ul>
          {actions.map((a) => (
            <li key={a.id}>
              {fmtTime(a.at)} · {t(`broadcast:action.${a.action}`)}{' '}
              {t('broadcast:bulletins.by', { who: a.actorLabel })}
              {a.note ? ` — ${a.note}` : ''}
            </li>
          ))}
        </ul>
      </Layout>,
      status,
    );
  };

  root.get('/quan-tri/loa/ban-tin/:id', (req, reply) => bulletinPage(req, reply, empty));

  root.get('/quan-tri/loa/ban-tin/:id/am-thanh', async (req, reply) => {
    const { id } = idParam.parse(req.params);
    return sendAudio(reply, platform, await bulletinAudio(req.ctx(), id, 'staff'), 'private, no-store');
  });

  root.get('/quan-tri/loa/ban-tin/:id/phu-de.vtt', async (req, reply) => {
    const { id } = idParam.parse(req.params);
    const { bulletin: b } = await bulletinAudio(req.ctx(), id, 'staff');
    return sendCaptions(reply, b, 'private, no-store');
  });

  const simpleAction = (path: string, run: (req: FastifyRequest, id: number) => Promise<unknown>) =>
    root.post(`/quan-tri/loa/ban-tin/:id/${path}`, async (req, reply) => {
      const { id } = idParam.parse(req.params);
      try {
        await run(req, id);
      } catch (e) {
        if (e instanceof AppError && e.status === 409) {
          return bulletinPage(
            req,
            reply,
            { values: {}, errors: {}, message: req.locale === 'en' ? e.detail.en : e.detail.vi },
            409,
          );
        }
        throw e;
      }
      return reply.redirect(`/quan-tri/loa/ban-tin/${id}`, 303);
    });
  for (const a of SIMPLE_ACTIONS) simpleAction(a.path, (req, id) => a.run(req.ctx(), id));

  root.post('/quan-tri/loa/ban-tin/:id/tra-lai', (req, reply) => {
    const { id } = idParam.parse(req.params);
    return handleForm(
      req,
      reply,
      RejectForm,
      async (input) => {
        await rejectBulletin(req.ctx(), id, input.note);
        return `/quan-tri/loa/ban-tin/${id}`;
      },
      (state, status) => bulletinPage(req, reply, state, status),
    );
  });

  root.post('/quan-tri/loa/ban-tin/:id/lich', (req, reply) => {
    const { id } = idParam.parse(req.params);
    return handleForm(
      req,
      reply,
      ScheduleForm,
      async (input) => {
        await scheduleBulletin(req.ctx(), id, input);
        return `/quan-tri/loa/ban-tin/${id}?lich=1`;
      },
      (state, status) => bulletinPage(req, reply, state, status),
    );
  });

  root.post('/quan-tri/loa/lich/:id/huy', async (req, reply) => {
    const { id } = idParam.parse(req.params);
    const entry = await cancelScheduleEntry(req.ctx(), id);
    return reply.redirect(`/quan-tri/loa/ban-tin/${entry.bulletinId}`, 303);
  });

  // ── Programmes ────────────────────────────────────────────────────────────────────────────

  const programmesPage = async (req: FastifyRequest, reply: FastifyReply, state: FormState, status = 200) => {
    const { code } = codeParam.parse(req.params);
    const ctx = req.ctx();
    const commune = await getCommune(ctx.db, code);
    const [programmes, clusters] = await Promise.all([listProgrammes(ctx, code), listClusters(ctx, code)]);
    const page = await pageCtx(req, reply);
    const t = page.t;
    const canEdit = hasRole(req.actor, 'radio_operator', commune.path);
    const names = new Map(clusters.map((c) => [c.id, c.name]));
    return sendPage(
      reply,
      <Layout page={page} title={t('broadcast:programmes.h', { commune: commune.fullName })}>
        <h1>{t('broadcast:programmes.h', { commune: commune.fullName })}</h1>
        <CommuneNav page={page} commune={commune} />
        <p>{t('broadcast:programmes.intro')}</p>
        {programmes.length === 0 && <p>{t('broadcast:programmes.none')}</p>}
        <ul class="cards">
          {programmes.map((p) => (
            <li key={p.id}>
              <h2>{p.name}</h2>
              <p class="muted">{p.clusterIds.map((id) => names.get(id)).join(', ')}</p>
            </li>
          ))}
        </ul>
        {canEdit && clusters.length > 0 && (
          <>
            <h2>{t('broadcast:programmes.create')}</h2>
            {state.message && <p class="errors">{state.message}</p>}
            <Form page={page} action={`/quan-tri/loa/xa/${commune.code}/chuong-trinh`} errors={state.errors}>
              <Field
                name="name"
                label={t('broadcast:programmes.name')}
                value={state.values.name}
                error={state.errors.name}
                required
              />
              <fieldset class={state.errors.clusterIds ? 'field invalid' : 'field'}>
                <legend>{t('broadcast:programmes.clusters')}</legend>
                {state.errors.clusterIds && <strong class="err">{state.errors.clusterIds}</strong>}
                {clusters.map((c) => (
                  <label key={c.id} style="font-weight:400">
                    <input
                      type="checkbox"
                      name="clusterIds"
                      value={String(c.id)}
                      checked
                      style="width:auto;display:inline"
                    />{' '}
                    {c.name} ({c.placeName})
                  </label>
                ))}
              </fieldset>
              <button type="submit">{t('broadcast:programmes.create')}</button>
            </Form>
          </>
        )}
      </Layout>,
      status,
    );
  };

  root.get('/quan-tri/loa/xa/:code/chuong-trinh', (req, reply) => programmesPage(req, reply, empty));
  root.post('/quan-tri/loa/xa/:code/chuong-trinh', (req, reply) => {
    const { code } = codeParam.parse(req.params);
    return handleForm(
      req,
      reply,
      ProgrammeForm,
      async (input) => {
        await createProgramme(req.ctx(), code, input);
        return `/quan-tri/loa/xa/${code}/chuong-trinh`;
      },
      (state, status) => programmesPage(req, reply, state, status),
    );
  });

  // ── Emergency ─────────────────────────────────────────────────────────────────────────────

  const emergencyForm = async (req: FastifyRequest, reply: FastifyReply, state: FormState, status = 200) => {
    const { code } = codeParam.parse(req.params);
    const commune = await getCommune(req.ctx().db, code);
    requireOperator(req.actor, commune.path);
    const villages = await villagesOf(req, commune);
    const page = await pageCtx(req, reply);
    const t = page.t;
    const chosen = new Set(
      ([] as string[]).concat((req.body as { targets?: string | string[] } | undefined)?.targets ?? []),
    );
    // From an emergency draft's page: its recording plays; headline and instruction go into the CAP alert.
    const draftId = Number(
      (req.query as { 'ban-tin'?: string })['ban-tin'] ?? state.values.recordedBulletinId ?? 0,
    );
    const draft = draftId > 0 ? (await describeBulletin(req.ctx(), draftId)).bulletin : undefined;
    const values = draft
      ? { headline: draft.title, instruction: draft.body ?? '', ...state.values }
      : state.values;
    return sendPage(
      reply,
      <Layout page={page} title={t('broadcast:emergency.h')}>
        <h1>
          {t('broadcast:emergency.h')} — {commune.fullName}
        </h1>
        <p>{t('broadcast:emergency.intro')}</p>
        {state.message && <p class="errors">{state.message}</p>}
        {draft?.audioFileId && (
          <AudioPreview
            t={t}
            src={`/quan-tri/loa/ban-tin/${draft.id}/am-thanh`}
            captions={`/quan-tri/loa/ban-tin/${draft.id}/phu-de.vtt`}
            mime={draft.audioMime}
            durationMs={draft.audioDurationMs}
            kbps={draft.audioKbps}
          />
        )}
        <Form page={page} action={`/quan-tri/loa/xa/${commune.code}/khan-cap`} errors={state.errors}>
          {draft && <input type="hidden" name="recordedBulletinId" value={String(draft.id)} />}
          <Field
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
          <Field
            name="event"
            label={t('broadcast:emergency.event')}
            value={state.values.event ?? 'Cảnh báo khẩn cấp'}
            error={state.errors.event}
          />
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
          <Field
            name="repeat"
            type="number"
            inputmode="numeric"
            label={t('broadcast:emergency.repeat')}
            value={state.values.repeat ?? '3'}
            error={state.errors.repeat}
          />
          <Field
            name="expiresMinutes"
            type="number"
            inputmode="numeric"
            label={t('broadcast:emergency.expires')}
            value={state.values.expiresMinutes ?? '120'}
            error={state.errors.expiresMinutes}
          />
          <button type="submit">{t('broadcast:emergency.next')}</button>
        </Form>
      </Layout>,
      status,
    );
  };

  const confirmPage = async (
    req: FastifyRequest,
    reply: FastifyReply,
    o: {
      communeCode: string;
      bulletinId: number;
      values: Record<string, string | string[]>;
      devices: number;
      errors?: Errors;
      message?: string;
    },
    status = 200,
  ) => {
    const page = await pageCtx(req, reply);
    const t = page.t;
    const { bulletin: b } = await describeBulletin(req.ctx(), o.bulletinId);
    const hidden = Object.entries(o.values).flatMap(([k, v]) =>
      (Array.isArray(v) ? v : [v]).map((x, i) => <input key={`${k}${i}`} type="hidden" name={k} value={x} />),
    );
    return sendPage(
      reply,
      <Layout page={page} title={t('broadcast:emergency.confirmH')}>
        <h1>{t('broadcast:emergency.confirmH')}</h1>
        <p class="errors" role="alert">
          {o.devices > 0
            ? t('broadcast:emergency.confirmIntro', { devices: o.devices, repeat: o.values.repeat ?? '3' })
            : t('broadcast:emergency.noDevices')}
        </p>
        {o.message && <p class="errors">{o.message}</p>}
        <h2>{b.title}</h2>
        <AudioPreview
          t={t}
          src={`/quan-tri/loa/ban-tin/${b.id}/am-thanh`}
          captions={`/quan-tri/loa/ban-tin/${b.id}/phu-de.vtt`}
          mime={b.audioMime}
          durationMs={b.audioDurationMs}
          kbps={b.audioKbps}
        />
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
      </Layout>,
      status,
    );
  };

  const emergencyValues = (raw: Record<string, unknown>) =>
    Object.fromEntries(
      Object.entries(raw).filter(
        ([k, v]) =>
          k !== '_csrf' &&
          k !== 'confirm' &&
          k !== 'bulletinId' &&
          (typeof v === 'string' || Array.isArray(v)),
      ),
    ) as Record<string, string | string[]>;

  root.get('/quan-tri/loa/xa/:code/khan-cap', (req, reply) => emergencyForm(req, reply, empty));

  // Step one renders the confirmation directly (no redirect): the draft is harmless if sent twice.
  root.post('/quan-tri/loa/xa/:code/khan-cap', async (req, reply) => {
    const { code } = codeParam.parse(req.params);
    const raw = blankToUndefined(req.body);
    const values = emergencyValues(raw);
    try {
      const input = parse(EmergencyForm, raw);
      const r = await prepareEmergency(req.ctx(), deps, code, input);
      return confirmPage(req, reply, {
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
        return emergencyForm(req, reply, { values: flat, errors: errorsFor(page, e.fields) }, 400);
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
      if (
        e instanceof AppError &&
        e.status < 500 &&
        e.status !== 401 &&
        e.status !== 403 &&
        Number.isInteger(bulletinId) &&
        bulletinId > 0
      ) {
        const page = await pageCtx(req, reply);
        return confirmPage(
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

  root.get('/quan-tri/loa/canh-bao/:id', async (req, reply) => {
    const { id } = idParam.parse(req.params);
    const ctx = req.ctx();
    const { alert, areas, deliveries } = await describeAlert(ctx, id);
    const page = await pageCtx(req, reply);
    const t = page.t;
    const sent = (req.query as { gui?: string }).gui;
    const canStop =
      !alert.cancelledAt && areas.every((a) => hasRole(req.actor, 'radio_operator', a.placePath));
    return sendPage(
      reply,
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
      </Layout>,
    );
  });

  root.post('/quan-tri/loa/canh-bao/:id/dung', async (req, reply) => {
    const { id } = idParam.parse(req.params);
    await cancelAlert(req.ctx(), id);
    return reply.redirect(`/quan-tri/loa/canh-bao/${id}`, 303);
  });

  // ── Reports ───────────────────────────────────────────────────────────────────────────────

  root.get('/quan-tri/loa/xa/:code/bao-cao', async (req, reply) => {
    const { code } = codeParam.parse(req.params);
    const ctx = req.ctx();
    const query = parse(ReportQuery, blankToUndefined(req.query));
    const today = localDate(ctx.clock.now().getTime());
    const from = query.from ?? localDate(ctx.clock.now().getTime() - 6 * DAY_MS);
    const to = query.to ?? today;
    const { commune, plays } = await listPlayReport(ctx, code, { from, to });
    const offline = await listOfflineClusters(ctx, code, query.minutes);
    const alerts = await listAlerts(ctx, code);
    const page = await pageCtx(req, reply);
    const t = page.t;
    const now = ctx.clock.now();
    return sendPage(
      reply,
      <Layout page={page} title={t('broadcast:reports.h', { commune: commune.fullName })}>
        <h1>{t('broadcast:reports.h', { commune: commune.fullName })}</h1>
        <CommuneNav page={page} commune={commune} />
        <form method="get" action={`/quan-tri/loa/xa/${code}/bao-cao`}>
          <Field name="from" type="date" label={t('broadcast:reports.from')} value={from} />
          <Field name="to" type="date" label={t('broadcast:reports.to')} value={to} />
          <Field
            name="minutes"
            type="number"
            inputmode="numeric"
            label={t('broadcast:reports.minutes')}
            value={String(query.minutes)}
          />
          <button type="submit">{t('broadcast:reports.show')}</button>
        </form>
        <h2 id="mat-ket-noi">{t('broadcast:reports.offlineH', { minutes: query.minutes })}</h2>
        {offline.length === 0 ? (
          <p>{t('broadcast:reports.noneOffline', { minutes: query.minutes })}</p>
        ) : (
          <ul>
            {offline.map((c) => (
              <li key={c.id} data-offline={c.code}>
                {c.name} ({c.placeName}) · {ago(t, c.lastSeenAt, now)}
              </li>
            ))}
          </ul>
        )}
        {alerts.length > 0 && (
          <>
            <h2>{t('broadcast:emergency.alert')}</h2>
            <ul>
              {alerts.map((a) => (
                <li key={a.id}>
                  <a href={`/quan-tri/loa/canh-bao/${a.id}`}>{a.headline ?? a.event}</a> · {fmtTime(a.sent)}
                </li>
              ))}
            </ul>
          </>
        )}
        <h2 id="da-phat">{t('broadcast:reports.plays')}</h2>
        {plays.length === 0 ? (
          <p>{t('broadcast:reports.noPlays')}</p>
        ) : (
          <table>
            <thead>
              <tr>
                <th>{t('broadcast:reports.when')}</th>
                <th>{t('broadcast:reports.where')}</th>
                <th>{t('broadcast:reports.what')}</th>
                <th>{t('broadcast:reports.outcome')}</th>
              </tr>
            </thead>
            <tbody>
              {plays.map((p) => (
                <tr key={p.id} data-play={p.clusterCode}>
                  <td>
                    {fmtTime(p.startedAt)}
                    {p.scheduledAt && p.startedAt.getTime() - p.scheduledAt.getTime() >= 60_000 && (
                      <div class="muted">
                        {t('broadcast:reports.late', {
                          minutes: Math.round((p.startedAt.getTime() - p.scheduledAt.getTime()) / 60_000),
                        })}
                      </div>
                    )}
                  </td>
                  <td>
                    {p.clusterName}
                    <div class="muted">{p.placeName}</div>
                  </td>
                  <td>
                    {p.title ?? ''} <span class="tag">{t(`broadcast:priority.${p.priority}`)}</span>
                  </td>
                  <td>
                    {t(`broadcast:outcome.${p.outcome}`)}
                    {p.offline && <div class="muted">{t('broadcast:reports.offlineFlag')}</div>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Layout>,
    );
  });

  // ── Public ────────────────────────────────────────────────────────────────────────────────

  root.get('/loa', async (req, reply) => {
    const ctx = req.ctx();
    const communes = await listCommunesWithPublicBulletins(
      ctx.db,
      new Date(ctx.clock.now().getTime() - 30 * DAY_MS),
    );
    const page = await pageCtx(req, reply);
    const t = page.t;
    return sendPage(
      reply,
      <Layout page={page} title={t('broadcast:public.h')}>
        <h1>{t('broadcast:public.h')}</h1>
        <p>{t('broadcast:public.choose')}</p>
        {communes.length === 0 && <p>{t('broadcast:public.none')}</p>}
        <ul>
          {communes.map((c) => (
            <li key={c.id}>
              <a href={`/loa/xa/${c.code}`}>{c.fullName}</a>
            </li>
          ))}
        </ul>
      </Layout>,
    );
  });

  root.get('/loa/xa/:code', async (req, reply) => {
    const { code } = codeParam.parse(req.params);
    const ctx = req.ctx();
    const now = ctx.clock.now();
    const { commune, bulletins } = await listPublicBulletins(
      ctx.db,
      code,
      new Date(now.getTime() - 30 * DAY_MS),
    );
    const alerts = (await listActiveAlerts(ctx.db, now, [commune.path])).filter((a) => a.scope === 'Public');
    const page = await pageCtx(req, reply);
    const t = page.t;
    return sendPage(
      reply,
      <Layout page={page} title={t('broadcast:public.bulletins', { commune: commune.fullName })}>
        <h1>{t('broadcast:public.bulletins', { commune: commune.fullName })}</h1>
        {alerts.length > 0 && (
          <div class="errors" role="alert">
            <p>{t('broadcast:public.alerts')}</p>
            {alerts.map((a) => (
              <p key={a.id}>
                <strong>{a.headline ?? a.event}</strong> — {a.instruction}
              </p>
            ))}
          </div>
        )}
        {bulletins.length === 0 && <p>{t('broadcast:public.noBulletins')}</p>}
        <ul class="cards">
          {bulletins.map((b) => (
            <li key={b.id}>
              <h2>{b.title}</h2>
              <p class="muted">
                {fmtTime(b.createdAt)}{' '}
                {b.priority !== 'normal' && <span class="tag">{t(`broadcast:priority.${b.priority}`)}</span>}
              </p>
              {b.audioFileId && (
                <AudioPreview
                  t={t}
                  src={`/loa/ban-tin/${b.id}/am-thanh`}
                  captions={`/loa/ban-tin/${b.id}/phu-de.vtt`}
                  mime={b.audioMime}
                  durationMs={b.audioDurationMs}
                  kbps={b.audioKbps}
                />
              )}
              {b.body && <p style="white-space:pre-wrap">{b.body}</p>}
            </li>
          ))}
        </ul>
      </Layout>,
    );
  });

  root.get('/loa/ban-tin/:id/phu-de.vtt', async (req, reply) => {
    const { id } = idParam.parse(req.params);
    const { bulletin: b } = await bulletinAudio(req.ctx(), id, 'public');
    return sendCaptions(reply, b, 'public, max-age=86400');
  });

  root.get('/loa/ban-tin/:id/am-thanh', async (req, reply) => {
    const { id } = idParam.parse(req.params);
    return sendAudio(reply, platform, await bulletinAudio(req.ctx(), id, 'public'), 'public, max-age=86400');
  });
}

const recordings = new WeakMap<FastifyRequest, { audio: Buffer | undefined; tooLarge: boolean }>();

/**
 * Reads a bulletin form sent as multipart: the fields become `req.body` (so the CSRF check that
 * follows sees `_csrf`), the one recording is kept in memory (bounded by the upload cap).
 */
function recordingUpload(maxBytes: number) {
  return async function preValidation(req: FastifyRequest) {
    if (!req.isMultipart()) return;
    const fields: Record<string, string> = {};
    let audio: Buffer | undefined;
    let tooLarge = false;
    const parts = req.parts({
      limits: { fileSize: maxBytes, files: 1, fields: 20, fieldSize: 20_000 },
      throwFileSizeLimit: false,
    } as Parameters<FastifyRequest['parts']>[0]);
    for await (const part of parts) {
      if (part.type === 'file') {
        const data = await part.toBuffer();
        if (part.file.truncated) tooLarge = true;
        else if (part.filename && data.length > 0) audio = data;
      } else if (typeof part.value === 'string') {
        fields[part.fieldname] = part.value;
      }
    }
    req.body = fields;
    recordings.set(req, { audio, tooLarge });
  };
}

async function communeCodeOf(req: FastifyRequest, communeId: number) {
  return (await findPlaceById(req.ctx().db, communeId))?.code;
}

function sendCaptions(
  reply: FastifyReply,
  b: { body: string | null; title: string; audioDurationMs: number | null },
  cacheControl: string,
) {
  return reply
    .type('text/vtt; charset=utf-8')
    .header('cache-control', cacheControl)
    .send(captionsVtt(b.body ?? b.title, b.audioDurationMs ?? 1000));
}

export async function sendAudio(
  reply: FastifyReply,
  platform: Platform,
  a: { fileId: string; mime: string; bytes: number },
  cacheControl: string,
) {
  const opened = await platform.files.open(a.fileId);
  if (!opened) return reply.code(404).send();
  return reply
    .header('content-type', a.mime)
    .header('content-length', String(opened.file.sizeBytes))
    .header('etag', `"${opened.file.sha256}"`)
    .header('cache-control', cacheControl)
    .send(opened.stream);
}
