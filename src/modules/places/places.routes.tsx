import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { hasRole } from '#platform/auth/actor.ts';
import { toCsv } from '#platform/csv.ts';
import { formatDate } from '#platform/i18n/dates.ts';
import { blankToUndefined } from '#platform/validation.ts';
import { ActionForm, errorsFor, Field, Form, Select, TextArea } from '#web/form.tsx';
import { type FormState, handleForm } from '#web/form-action.ts';
import { Layout } from '#web/layout.tsx';
import { pageCtx, sendPage } from '#web/render.tsx';
import { readTextUpload, uploadProblems } from '#web/text-upload.ts';
import './places.messages.ts';
import {
  NewVillage,
  PlaceOut,
  PlaceSearch,
  VILLAGE_TYPES,
  VillageCentre,
  VillageImport,
} from './places.schemas.ts';
import {
  addVillage,
  describePlace,
  getPlace,
  getPlaceByCode,
  importVillages,
  listChildren,
  searchPlaces,
  setVillageCentre,
  toPlaceOut,
  VILLAGE_CSV_TEMPLATE,
} from './places.service.ts';

const IMPORT_MAX_BYTES = 200_000;

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

  type Which = 'add' | 'import' | 'centre';
  const placePage = async (
    req: FastifyRequest,
    reply: FastifyReply,
    state: FormState,
    status = 200,
    which: Which = 'add',
  ) => {
    const form = (w: Which): FormState => (w === which ? state : { values: {}, errors: {} });
    const add = form('add');
    const imp = form('import');
    const ctr = form('centre');
    const { id } = z.object({ id: z.coerce.number().int().positive() }).parse(req.params);
    const { db } = req.ctx();
    const info = await describePlace(db, await getPlace(db, id));
    const { place } = info;
    const page = await pageCtx(req, reply);
    const t = page.t;
    const canAdd = place.level === 'commune' && !place.validTo && hasRole(req.actor, 'admin', place.path);
    const canSetCentre =
      place.level === 'village' && !place.validTo && hasRole(req.actor, 'admin', place.path);
    const query = req.query as { added?: string; imported?: string; present?: string; centre?: string };
    const added = query.added;
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
        {place.centreLat !== null && place.centreLng !== null && (
          <p>
            {t('places:place.centre')}: <span class="tag">{`${place.centreLat}, ${place.centreLng}`}</span>
          </p>
        )}
        {added && (
          <p class="notice" role="status">
            {t('places:place.added', { name: added })}
          </p>
        )}
        {query.imported !== undefined && (
          <p class="notice" role="status">
            {t('places:import.done', { added: query.imported, present: query.present ?? '0' })}
          </p>
        )}
        {query.centre && (
          <p class="notice" role="status">
            {t('places:place.centreSaved')}
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
            {add.message && <p class="errors">{add.message}</p>}
            <Form page={page} action={`/dia-ban/ma/${place.id}/thon`} errors={add.errors}>
              <Select
                name="type"
                label={t('places:place.villageType')}
                options={VILLAGE_TYPES.map((v) => ({ value: v, label: v }))}
                value={add.values.type}
                error={add.errors.type}
              />
              <Field
                name="name"
                label={t('places:place.villageName')}
                value={add.values.name}
                error={add.errors.name}
                required
              />
              <CentreFields t={t} state={add} />
              <button type="submit">{t('places:place.add')}</button>
            </Form>
            <h2>{t('places:import.title')}</h2>
            <p>
              {t('places:import.lead')} <a href="/dia-ban/thon-mau.csv">{t('places:import.template')}</a>
            </p>
            {imp.message && <p class="errors">{imp.message}</p>}
            <Form
              page={page}
              action={`/dia-ban/ma/${place.id}/thon/nhap`}
              errors={imp.errors}
              enctype="multipart/form-data"
            >
              <div class={imp.errors.csv ? 'field invalid' : 'field'}>
                <label for="f-csv-file">{t('places:import.file')}</label>
                <input id="f-csv-file" name="csv" type="file" accept=".csv,text/csv" />
              </div>
              <TextArea
                name="csv"
                id="f-csv"
                label={t('places:import.paste')}
                value={imp.values.csv}
                error={imp.errors.csv}
                rows={4}
              />
              <button type="submit">{t('places:import.submit')}</button>
            </Form>
          </>
        )}
        {canSetCentre && (
          <ActionForm
            page={page}
            action={`/dia-ban/ma/${place.id}/toa-do`}
            label={t('places:place.saveCentre')}
            errors={ctr.errors}
          >
            <h2>{t('places:place.centre')}</h2>
            <CentreFields
              t={t}
              state={
                ctr.values.lat || ctr.values.lng || Object.keys(ctr.errors).length
                  ? ctr
                  : {
                      values: {
                        lat: place.centreLat === null ? '' : String(place.centreLat),
                        lng: place.centreLng === null ? '' : String(place.centreLng),
                      },
                      errors: {},
                    }
              }
            />
          </ActionForm>
        )}
      </Layout>,
      status,
    );
  };
  app.get('/dia-ban/ma/:id', (req, reply) => placePage(req, reply, { values: {}, errors: {} }));
  app.get('/dia-ban/thon-mau.csv', async (_req, reply) =>
    reply
      .header('content-type', 'text/csv; charset=utf-8')
      .header('content-disposition', 'attachment; filename="thon-ban-mau.csv"')
      .send(toCsv(VILLAGE_CSV_TEMPLATE)),
  );
  app.post(
    '/dia-ban/ma/:id/thon/nhap',
    {
      bodyLimit: IMPORT_MAX_BYTES + 64 * 1024,
      preValidation: readTextUpload({
        field: 'csv',
        maxBytes: IMPORT_MAX_BYTES,
        allowed: (req) => req.actor.kind === 'staff',
      }),
    },
    async (req, reply) => {
      const render = (state: FormState, status: number) => placePage(req, reply, state, status, 'import');
      const problems = uploadProblems(req);
      if (problems.length)
        return render({ values: {}, errors: errorsFor(await pageCtx(req, reply), problems) }, 400);
      return handleForm(
        req,
        reply,
        VillageImport,
        async (input) => {
          const { id } = z.object({ id: z.coerce.number().int().positive() }).parse(req.params);
          const commune = await getPlace(req.ctx().db, id);
          const r = await importVillages(req.ctx(), commune.code, input.csv);
          return `/dia-ban/ma/${id}?imported=${r.added.length}&present=${r.present.length}`;
        },
        render,
      );
    },
  );
  app.post('/dia-ban/ma/:id/toa-do', (req, reply) =>
    handleForm(
      req,
      reply,
      VillageCentre,
      async (input) => {
        const { id } = z.object({ id: z.coerce.number().int().positive() }).parse(req.params);
        await setVillageCentre(req.ctx(), id, input);
        return `/dia-ban/ma/${id}?centre=1`;
      },
      (state, status) => placePage(req, reply, state, status, 'centre'),
    ),
  );
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
    '/api/v1/places/:code/villages/import',
    {
      bodyLimit: IMPORT_MAX_BYTES + 64 * 1024,
      schema: {
        tags: ['places'],
        summary:
          'Add hamlets to a commune from CSV text (columns loai, ten, vi_do, kinh_do; all rows or none; names already present are left as they are)',
        security: [{ bearer: [] }],
        params: z.object({ code: z.string().max(20) }),
        body: VillageImport,
        response: {
          201: z.object({ added: z.array(PlaceOut), present: z.array(z.string()) }),
          400: Problem,
          401: Problem,
          403: Problem,
          404: Problem,
        },
      },
    },
    async (req, reply) => {
      const r = await importVillages(req.ctx(), req.params.code, req.body.csv);
      return reply.code(201).send({ added: r.added.map(toPlaceOut), present: r.present });
    },
  );

  app.put(
    '/api/v1/places/:code/centre',
    {
      schema: {
        tags: ['places'],
        summary: "Set or clear a hamlet's centre point (admin of its commune or above)",
        security: [{ bearer: [] }],
        params: z.object({ code: z.string().max(20) }),
        body: VillageCentre,
        response: { 200: PlaceOut, 400: Problem, 401: Problem, 403: Problem, 404: Problem },
      },
    },
    async (req) => {
      const village = await getPlaceByCode(req.ctx().db, req.params.code);
      return toPlaceOut(await setVillageCentre(req.ctx(), village.id, req.body));
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

/** The optional centre point of a hamlet: two plain text fields (a map is never required). */
function CentreFields({ t, state }: { t: (k: string) => string; state: FormState }) {
  return (
    <>
      <Field
        name="lat"
        label={t('places:place.lat')}
        hint={t('places:place.latHint')}
        value={state.values.lat}
        error={state.errors.lat}
        inputmode="text"
      />
      <Field
        name="lng"
        label={t('places:place.lng')}
        hint={t('places:place.lngHint')}
        value={state.values.lng}
        error={state.errors.lng}
        inputmode="text"
      />
    </>
  );
}
