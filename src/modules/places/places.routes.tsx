import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { hasRole } from '#platform/auth/actor.ts';
import { formatDate } from '#platform/i18n/dates.ts';
import { blankToUndefined } from '#platform/validation.ts';
import { Field, Form, Select } from '#web/form.tsx';
import { type FormState, handleForm } from '#web/form-action.ts';
import { Layout } from '#web/layout.tsx';
import { pageCtx, sendPage } from '#web/render.tsx';
import './places.messages.ts';
import { NewVillage, PlaceOut, PlaceSearch, VILLAGE_TYPES } from './places.schemas.ts';
import {
  addVillage,
  describePlace,
  getPlace,
  getPlaceByCode,
  listChildren,
  searchPlaces,
  toPlaceOut,
} from './places.service.ts';

const Problem = z.object({ type: z.string(), status: z.number(), detail: z.string() }).loose();

export function registerPlaceRoutes(root: FastifyInstance) {
  const app = root.withTypeProvider<ZodTypeProvider>();
  // Pages

  app.get('/dia-ban', async (req, reply) => {
    const page = await pageCtx(req, reply);
    const t = page.t;
    const query = blankToUndefined(req.query);
    const parsed = PlaceSearch.safeParse(query);
    const { db } = req.ctx();
    const results = parsed.success ? await searchPlaces(db, parsed.data, 50) : [];
    const country = parsed.success ? undefined : await getPlaceByCode(db, 'VN').catch(() => undefined);
    const provinces = country ? (await listChildren(db, country.id)).filter((p) => !p.validTo) : [];
    return sendPage(
      reply,
      <Layout page={page} title={t('places:search.title')}>
        <h1>{t('places:search.title')}</h1>
        <form method="get" action="/dia-ban">
          <div class="field">
            <label for="q">{t('places:search.q')}</label>
            <small class="hint">{t('places:search.hint')}</small>
            <input id="q" name="q" type="search" value={typeof query.q === 'string' ? query.q : ''} />
          </div>
          <label>
            <input type="checkbox" name="legacy" value="true" checked={query.legacy === 'true'} />{' '}
            {t('places:search.legacy')}
          </label>
          <p>
            <button type="submit">{t('places:search.submit')}</button>
          </p>
        </form>
        {parsed.success && results.length === 0 && <p>{t('places:search.none')}</p>}
        {results.length > 0 && (
          <ul class="cards">
            {results.map((p) => (
              <li key={p.id}>
                <a href={`/dia-ban/ma/${p.id}`}>{p.fullName}</a> <span class="tag">{p.code}</span>
                {p.validTo && (
                  <span class="muted"> · {t('places:place.validTo', { date: formatDate(p.validTo) })}</span>
                )}
              </li>
            ))}
          </ul>
        )}
        {provinces.length > 0 && (
          <>
            <p>{t('places:search.browse')}</p>
            <ul>
              {provinces.map((p) => (
                <li key={p.id}>
                  <a href={`/dia-ban/ma/${p.id}`}>{p.fullName}</a>
                </li>
              ))}
            </ul>
          </>
        )}
      </Layout>,
    );
  });

  const placePage = async (req: FastifyRequest, reply: FastifyReply, state: FormState, status = 200) => {
    const { id } = z.object({ id: z.coerce.number().int().positive() }).parse(req.params);
    const { db } = req.ctx();
    const info = await describePlace(db, await getPlace(db, id));
    const { place } = info;
    const page = await pageCtx(req, reply);
    const t = page.t;
    const canAdd = place.level === 'commune' && !place.validTo && hasRole(req.actor, 'admin', place.path);
    const added = (req.query as { added?: string }).added;
    return sendPage(
      reply,
      <Layout page={page} title={place.fullName}>
        <p class="muted">
          {info.ancestors.map((a) => (
            <span key={a.id}>
              <a href={`/dia-ban/ma/${a.id}`}>{a.fullName}</a> ›{' '}
            </span>
          ))}
        </p>
        <h1>{place.fullName}</h1>
        <p>
          {t('places:place.code')}: <code>{place.code}</code> · {place.type}
          {place.validFrom && <> · {t('places:place.validFrom', { date: formatDate(place.validFrom) })}</>}
          {place.validTo && <> · {t('places:place.validTo', { date: formatDate(place.validTo) })}</>}
        </p>
        {added && (
          <p class="notice" role="status">
            {t('places:place.added', { name: added })}
          </p>
        )}
        {info.changes.length > 0 && (
          <>
            <h2>{t('places:place.changes')}</h2>
            <ul>
              {info.changes.map((c) => (
                <li key={c.id}>
                  {t('places:place.change', {
                    date: c.effectiveDate,
                    field: c.field,
                    old: c.oldValue,
                    new: c.newValue,
                    basis: c.legalBasis,
                  })}
                </li>
              ))}
            </ul>
          </>
        )}
        {info.predecessors.length > 0 && (
          <>
            <h2>{t('places:place.predecessors')}</h2>
            <ul>
              {info.predecessors.map((p) => (
                <li key={p.place.id}>
                  <a href={`/dia-ban/ma/${p.place.id}`}>{p.place.fullName}</a>{' '}
                  {p.split && t('places:place.split')}
                </li>
              ))}
            </ul>
          </>
        )}
        {info.successors.length > 0 && (
          <>
            <h2>{t('places:place.successors')}</h2>
            <ul>
              {info.successors.map((p) => (
                <li key={p.place.id}>
                  <a href={`/dia-ban/ma/${p.place.id}`}>{p.place.fullName}</a>{' '}
                  {p.split && t('places:place.split')}
                </li>
              ))}
            </ul>
          </>
        )}
        {(info.children.length > 0 || place.level === 'commune') && (
          <>
            <h2>{place.level === 'commune' ? t('places:place.villages') : t('places:place.children')}</h2>
            {info.children.length === 0 && <p>{t('places:place.none')}</p>}
            <ul>
              {info.children.map((c) => (
                <li key={c.id}>
                  <a href={`/dia-ban/ma/${c.id}`}>{c.fullName}</a>
                </li>
              ))}
            </ul>
          </>
        )}
        {canAdd && (
          <>
            <h2>{t('places:place.addVillage')}</h2>
            {state.message && <p class="errors">{state.message}</p>}
            <Form page={page} action={`/dia-ban/ma/${place.id}/thon`} errors={state.errors}>
              <Select
                name="type"
                label={t('places:place.villageType')}
                options={VILLAGE_TYPES.map((v) => ({ value: v, label: v }))}
                value={state.values.type}
                error={state.errors.type}
              />
              <Field
                name="name"
                label={t('places:place.villageName')}
                value={state.values.name}
                error={state.errors.name}
                required
              />
              <button type="submit">{t('places:place.add')}</button>
            </Form>
          </>
        )}
      </Layout>,
      status,
    );
  };
  app.get('/dia-ban/ma/:id', (req, reply) => placePage(req, reply, { values: {}, errors: {} }));
  app.post('/dia-ban/ma/:id/thon', (req, reply) =>
    handleForm(
      req,
      reply,
      NewVillage,
      async (input) => {
        const { id } = z.object({ id: z.coerce.number().int().positive() }).parse(req.params);
        const commune = await getPlace(req.ctx().db, id);
        const v = await addVillage(req.ctx(), commune.code, input);
        return `/dia-ban/ma/${id}?added=${encodeURIComponent(v.fullName)}`;
      },
      (state, status) => placePage(req, reply, state, status),
    ),
  );

  // API

  app.get(
    '/api/v1/places',
    {
      schema: {
        tags: ['places'],
        summary: 'Search places by name, with or without diacritics',
        querystring: PlaceSearch,
        response: { 200: z.object({ items: z.array(PlaceOut) }), 400: Problem },
      },
    },
    async (req) => ({ items: (await searchPlaces(req.ctx().db, req.query)).map(toPlaceOut) }),
  );

  app.get(
    '/api/v1/places/:code',
    {
      schema: {
        tags: ['places'],
        summary:
          'A place by its official code (the current unit; a former one if no current unit has the code)',
        params: z.object({ code: z.string().max(20) }),
        response: {
          200: PlaceOut.extend({
            ancestors: z.array(PlaceOut),
            children: z.array(PlaceOut),
            predecessors: z.array(PlaceOut),
            successors: z.array(PlaceOut),
          }),
          404: Problem,
        },
      },
    },
    async (req) => {
      const { db } = req.ctx();
      const info = await describePlace(db, await getPlaceByCode(db, req.params.code));
      return {
        ...toPlaceOut(info.place),
        ancestors: info.ancestors.map(toPlaceOut),
        children: info.children.map(toPlaceOut),
        predecessors: info.predecessors.map((p) => toPlaceOut(p.place)),
        successors: info.successors.map((p) => toPlaceOut(p.place)),
      };
    },
  );

  app.post(
    '/api/v1/places/:code/villages',
    {
      schema: {
        tags: ['places'],
        summary: 'Add a village or hamlet to a commune (admin of the commune or above)',
        security: [{ bearer: [] }],
        params: z.object({ code: z.string().max(20) }),
        body: NewVillage,
        response: { 201: PlaceOut, 400: Problem, 401: Problem, 403: Problem, 404: Problem, 409: Problem },
      },
    },
    async (req, reply) =>
      reply.code(201).send(toPlaceOut(await addVillage(req.ctx(), req.params.code, req.body))),
  );
}
