import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Place } from '#modules/places/index.ts';
import { hasRole } from '#platform/auth/actor.ts';
import { Field, Form } from '#web/form.tsx';
import { type FormState, handleForm } from '#web/form-action.ts';
import { Layout, type PageCtx } from '#web/layout.tsx';
import { pageCtx, sendPage } from '#web/render.tsx';
import { getCommune } from './broadcast.access.ts';
import { type ClusterView, listClusters } from './broadcast.clusters.service.ts';
import { codeParam, empty } from './broadcast.http.ts';
import { createProgramme, listProgrammes } from './broadcast.programmes.service.ts';
import { ProgrammeForm } from './broadcast.schemas.ts';
import { bound, CommuneNav } from './broadcast.views.tsx';

/** A commune's programmes: named groups of clusters that bulletins are scheduled on. */
export function registerProgrammePages(root: FastifyInstance) {
  root.get('/quan-tri/loa/xa/:code/chuong-trinh', (req, reply) => renderProgrammes(req, reply, empty));
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
      (state, status) => renderProgrammes(req, reply, state, status),
    );
  });
}

async function renderProgrammes(req: FastifyRequest, reply: FastifyReply, state: FormState, status = 200) {
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
        <NewProgrammeForm page={page} commune={commune} clusters={clusters} state={state} />
      )}
    </Layout>,
    status,
  );
}

interface NewProgrammeFormProps {
  page: PageCtx;
  commune: Place;
  clusters: ClusterView[];
  state: FormState;
}

function NewProgrammeForm({ page, commune, clusters, state }: NewProgrammeFormProps) {
  const t = page.t;
  return (
    <>
      <h2>{t('broadcast:programmes.create')}</h2>
      {state.message && <p class="errors">{state.message}</p>}
      <Form page={page} action={`/quan-tri/loa/xa/${commune.code}/chuong-trinh`} errors={state.errors}>
        <Field {...bound(state, 'name')} label={t('broadcast:programmes.name')} required />
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
  );
}
