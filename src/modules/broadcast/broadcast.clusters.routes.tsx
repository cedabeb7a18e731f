import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Place } from '#modules/places/index.ts';
import { hasRole } from '#platform/auth/actor.ts';
import { Invalid } from '#platform/errors.ts';
import type { Platform } from '#platform/platform.ts';
import { blankToUndefined, parse } from '#platform/validation.ts';
import { ActionForm, errorsFor, Field, Form, Select } from '#web/form.tsx';
import type { FormState } from '#web/form-action.ts';
import { Layout, type PageCtx } from '#web/layout.tsx';
import { pageCtx, sendPage } from '#web/render.tsx';
import { communesInScope, getCommune, REGISTER_ROLES, requireView } from './broadcast.access.ts';
import { listActiveAlerts } from './broadcast.alerts.service.ts';
import {
  type ClusterView,
  listClusters,
  registerCluster,
  resetClusterPassword,
  updateCluster,
} from './broadcast.clusters.service.ts';
import { codeParam, communeCodeOf, empty, idParam, typedValues, villagesOf } from './broadcast.http.ts';
import { DOWN_TOPICS, topicFor, UP_TOPICS } from './broadcast.protocol.ts';
import { runtimeFor } from './broadcast.runtime.ts';
import { ClusterUpdate, NewCluster } from './broadcast.schemas.ts';
import { AlertList, ago, bound, CommuneNav, NumberField, StatusBadge } from './broadcast.views.tsx';

/** The loudspeaker menu, a commune's clusters with their status, registering and managing them. */
export function registerClusterPages(root: FastifyInstance, platform: Platform) {
  root.get('/quan-tri/loa', async (req, reply) => {
    const communes = await communesInScope(req.ctx().db, req.actor);
    if (communes.length === 1) return reply.redirect(`/quan-tri/loa/xa/${communes[0]?.code}`, 303);
    requireView(req.actor, communes[0]?.path ?? '/none/');
    const page = await pageCtx(req, reply);
    return sendPage(reply, <CommuneListPage page={page} communes={communes} />);
  });

  root.get('/quan-tri/loa/xa/:code', (req, reply) => renderDashboard(req, reply, empty));

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
      return renderCredentials(req, reply, platform, {
        code: r.cluster.code,
        password: r.password,
        communeCode: code,
      });
    } catch (e) {
      if (e instanceof Invalid) {
        const page = await pageCtx(req, reply);
        return renderDashboard(
          req,
          reply,
          { values: typedValues(raw), errors: errorsFor(page, e.fields) },
          400,
        );
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
    return renderCredentials(req, reply, platform, {
      code: r.cluster.code,
      password: r.password,
      communeCode: commune.code,
    });
  });
}

function CommuneListPage({ page, communes }: { page: PageCtx; communes: Place[] }) {
  const t = page.t;
  return (
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
    </Layout>
  );
}

async function renderDashboard(req: FastifyRequest, reply: FastifyReply, state: FormState, status = 200) {
  const { code } = codeParam.parse(req.params);
  const ctx = req.ctx();
  const commune = await getCommune(ctx.db, code);
  const clusters = await listClusters(ctx, code);
  const alerts = await listActiveAlerts(ctx.db, ctx.clock.now(), [commune.path]);
  const canRegister = hasRole(req.actor, REGISTER_ROLES, commune.path);
  const villages = canRegister ? await villagesOf(ctx.db, commune) : [];
  const page = await pageCtx(req, reply);
  const props = { page, commune, clusters, alerts, villages, canRegister, now: ctx.clock.now(), state };
  return sendPage(reply, <DashboardPage {...props} />, status);
}

interface DashboardProps {
  page: PageCtx;
  commune: Place;
  clusters: ClusterView[];
  alerts: { id: number; headline: string | null; event: string; sent: Date }[];
  villages: Place[];
  canRegister: boolean;
  now: Date;
  state: FormState;
}

function DashboardPage({
  page,
  commune,
  clusters,
  alerts,
  villages,
  canRegister,
  now,
  state,
}: DashboardProps) {
  const t = page.t;
  const online = clusters.filter((c) => c.liveStatus === 'online').length;
  return (
    <Layout page={page} title={t('broadcast:clusters.h', { commune: commune.fullName })}>
      <h1>{t('broadcast:clusters.h', { commune: commune.fullName })}</h1>
      <CommuneNav page={page} commune={commune} />
      {alerts.length > 0 && (
        <div class="errors" role="alert">
          <p>{t('broadcast:emergency.active')}</p>
          <AlertList alerts={alerts} />
        </div>
      )}
      <p>
        <strong>{t('broadcast:clusters.summary', { online, total: clusters.length })}</strong>
      </p>
      {clusters.length === 0 && <p>{t('broadcast:clusters.none')}</p>}
      <ul class="cards">
        {clusters.map((c) => (
          <ClusterCard key={c.id} page={page} cluster={c} now={now} canEdit={canRegister} />
        ))}
      </ul>
      {canRegister && <NewClusterForm page={page} commune={commune} villages={villages} state={state} />}
    </Layout>
  );
}

interface ClusterCardProps {
  page: PageCtx;
  cluster: ClusterView;
  now: Date;
  canEdit: boolean;
}

function ClusterCard({ page, cluster: c, now, canEdit }: ClusterCardProps) {
  const t = page.t;
  return (
    <li data-cluster={c.code}>
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
      {canEdit && (
        <details>
          <summary>{t('broadcast:clusters.edit')}</summary>
          <ActionForm
            page={page}
            action={`/quan-tri/loa/cum-loa/${c.id}`}
            label={t('broadcast:clusters.save')}
          >
            <NumberField name="volume" label={t('broadcast:clusters.volume')} value={String(c.volume)} />
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
  );
}

interface NewClusterFormProps {
  page: PageCtx;
  commune: Place;
  villages: Place[];
  state: FormState;
}

function NewClusterForm({ page, commune, villages, state }: NewClusterFormProps) {
  const t = page.t;
  return (
    <>
      <h2 id="them">{t('broadcast:clusters.register')}</h2>
      {state.message && <p class="errors">{state.message}</p>}
      <Form page={page} action={`/quan-tri/loa/xa/${commune.code}/cum-loa`} errors={state.errors}>
        <Select
          {...bound(state, 'placeCode')}
          label={t('broadcast:clusters.placeCode')}
          options={[
            ...villages.map((v) => ({ value: v.code, label: v.fullName })),
            {
              value: commune.code,
              label: t('broadcast:clusters.atCommune', { name: commune.fullName }),
            },
          ]}
        />
        <Field {...bound(state, 'name')} label={t('broadcast:clusters.name')} required />
        <NumberField {...bound(state, 'volume', '70')} label={t('broadcast:clusters.volume')} />
        <Field
          {...bound(state, 'languages', 'vi')}
          label={t('broadcast:clusters.languages')}
          hint={t('broadcast:clusters.languagesHint')}
        />
        <Field {...bound(state, 'latitude')} label={t('broadcast:clusters.latitude')} />
        <Field {...bound(state, 'longitude')} label={t('broadcast:clusters.longitude')} />
        <button type="submit">{t('broadcast:clusters.add')}</button>
      </Form>
    </>
  );
}

/** A device's credentials, shown once: the password is not kept. */
async function renderCredentials(
  req: FastifyRequest,
  reply: FastifyReply,
  platform: Platform,
  creds: { code: string; password: string; communeCode: string },
) {
  const c = platform.config;
  const broker =
    runtimeFor(platform).deviceBrokerUrl ??
    c.MQTT_URL ??
    `mqtt://${new URL(c.PUBLIC_URL).hostname}:${c.MQTT_PORT}`;
  const page = await pageCtx(req, reply);
  return sendPage(reply, <CredentialsPage page={page} broker={broker} {...creds} />);
}

interface CredentialsPageProps {
  page: PageCtx;
  broker: string;
  code: string;
  password: string;
  communeCode: string;
}

function CredentialsPage({ page, broker, code, password, communeCode }: CredentialsPageProps) {
  const t = page.t;
  return (
    <Layout page={page} title={t('broadcast:clusters.created', { code })}>
      <h1>{t('broadcast:clusters.created', { code })}</h1>
      <p class="notice">{t('broadcast:clusters.secret')}</p>
      <dl>
        <dt>{t('broadcast:clusters.broker')}</dt>
        <dd>
          <code>{broker}</code>
        </dd>
        <dt>{t('broadcast:clusters.username')}</dt>
        <dd>
          <code data-username>{code}</code>
        </dd>
        <dt>{t('broadcast:clusters.password')}</dt>
        <dd>
          <code data-password>{password}</code>
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
        <a href={`/quan-tri/loa/xa/${communeCode}`}>{t('broadcast:clusters.back')}</a>
      </p>
    </Layout>
  );
}
