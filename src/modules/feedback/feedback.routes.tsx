import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ComponentChildren } from 'preact';
import { z } from 'zod';
import { toVietnamDate } from '#modules/calendar/index.ts';
import {
  findPlaceByCode,
  findPlaceById,
  getPlaceByCode,
  listChildren,
  type Place,
  searchPlaces,
} from '#modules/places/index.ts';
import { ROLES, requireStaff, scopeOf } from '#platform/auth/actor.ts';
import { NotFound } from '#platform/errors.ts';
import { translator } from '#platform/i18n/index.ts';
import type { Platform } from '#platform/platform.ts';
import { blankToUndefined, fieldErrors } from '#platform/validation.ts';
import { ActionForm, errorsFor, Field, Form, Notice, Select, TextArea } from '#web/form.tsx';
import { type FormState, handleForm } from '#web/form-action.ts';
import { Layout, type PageCtx } from '#web/layout.tsx';
import { pageCtx, sendPage } from '#web/render.tsx';
import './feedback.messages.ts';
import { canHandle, filesAtCounter, handlesFeedback } from './feedback.access.ts';
import { actAsReporter, type HandlerCommand, handleReport } from './feedback.handling.ts';
import { PHOTOS_PER_REPORT, type PhotoProblem, type Upload } from './feedback.photos.ts';
import { redact } from './feedback.privacy.ts';
import {
  categoriesById,
  communesWithAnswers,
  findReportByCode,
  getReportByToken,
  getReportForStaff,
  listCategories,
  listPhotos,
  listPublished,
  listQueue,
  openPhoto,
  placeNames,
  publicTimeline,
  reporterActions,
} from './feedback.read.ts';
import {
  AcknowledgeForm,
  ApiKeyForm,
  AssignForm,
  CategoryForm,
  CloseForm,
  ContactForm,
  MergeForm,
  NoteForm,
  PublishForm,
  RateForm,
  ReplyForm,
  ReporterReopenForm,
  ReportForm,
  StaffReopenForm,
} from './feedback.schemas.ts';
import { type Category, type FeedbackDeps, type Report, stateOf } from './feedback.service.ts';
import {
  addContact,
  canEditCategories,
  createApiKey,
  listApiKeys,
  listContacts,
  removeContact,
  revokeApiKey,
  saveCategory,
} from './feedback.settings.ts';
import { addPhotos, createReport } from './feedback.submission.ts';
import { REOPEN_WITHIN_DAYS, type Status } from './feedback.workflow.ts';

const PAGE_SIZE = 20;

// ---------------------------------------------------------------------------------------------
// Small view helpers

function vnDate(d: Date) {
  const [y, m, day] = toVietnamDate(d).split('-');
  return `${day}/${m}/${y}`;
}

function vnDateTime(d: Date) {
  const t = new Date(d.getTime() + 7 * 3_600_000).toISOString().slice(11, 16);
  return `${t} ${vnDate(d)}`;
}

function categoryName(c: Category | undefined, page: PageCtx) {
  if (!c) return '';
  return (page.locale === 'en' && c.nameEn) || c.nameVi;
}

function placeLine(places: Map<number, Place>, r: Report) {
  const place = places.get(r.placeId);
  const commune = places.get(r.communeId);
  return [place, place?.id === commune?.id ? undefined : commune]
    .filter(Boolean)
    .map((p) => p?.fullName)
    .join(', ');
}

function StatusTag({ page, status }: { page: PageCtx; status: Status }) {
  return <span class="tag">{page.t(`feedback:status.${status}`)}</span>;
}

function Pager({
  page,
  base,
  current,
  total,
}: {
  page: PageCtx;
  base: string;
  current: number;
  total: number;
}) {
  const last = Math.max(1, Math.ceil(total / PAGE_SIZE));
  if (last === 1) return null;
  const sep = base.includes('?') ? '&' : '?';
  return (
    <p>
      {current > 1 && <a href={`${base}${sep}trang=${current - 1}`}>{page.t('feedback:public.prev')}</a>}{' '}
      {current < last && <a href={`${base}${sep}trang=${current + 1}`}>{page.t('feedback:public.next')}</a>}
    </p>
  );
}

const PageNo = z.coerce.number().int().min(1).max(10_000).catch(1);

/**
 * Anonymous writes are limited per address, but generously: a whole district's phones can share one
 * address behind a mobile operator's NAT.
 */
const UPLOAD_LIMIT = { rateLimit: { max: 60, timeWindow: 10 * 60_000 } };

// ---------------------------------------------------------------------------------------------
// Multipart forms without JavaScript

/**
 * Multipart bodies are read before the CSRF check (a route-level preValidation), so the check sees
 * the form's _csrf field. Files are held in memory, each at most UPLOAD_MAX_BYTES and at most five
 * (the limits @fastify/multipart is registered with); a file over the size is kept as "truncated"
 * so the others still count and the report is still made.
 */
const uploadsByRequest = new WeakMap<FastifyRequest, Upload[]>();

async function readMultipart(req: FastifyRequest) {
  if (!req.isMultipart()) return;
  const body: Record<string, string> = {};
  const uploads: Upload[] = [];
  const parts = req.parts({ throwFileSizeLimit: false } as Parameters<FastifyRequest['parts']>[0]);
  try {
    for await (const part of parts) {
      if (part.type === 'file') {
        const data = await part.toBuffer();
        // A file input left empty still sends a nameless, empty part.
        if (!part.filename && data.length === 0) continue;
        uploads.push({ filename: part.filename.slice(0, 120), data, truncated: part.file.truncated });
      } else if (typeof part.value === 'string') {
        body[part.fieldname] = part.value;
      }
    }
  } catch (e) {
    // More files than allowed: keep the fields and the first files; the rest are reported.
    if ((e as { code?: string }).code !== 'FST_FILES_LIMIT') throw e;
    uploads.push({ filename: '…', data: Buffer.alloc(0), truncated: false });
  }
  req.body = body;
  uploadsByRequest.set(req, uploads);
}

function uploadsOf(req: FastifyRequest) {
  return uploadsByRequest.get(req) ?? [];
}

/** Where the reporter goes after sending: their private page, with what happened to the photos. */
function trackUrl(
  report: Report,
  opts: { sent?: boolean; added: number; problems: { filename: string; problem: PhotoProblem }[] },
) {
  const p = new URLSearchParams();
  if (opts.sent) p.set('moi', '1');
  if (opts.added) p.set('anh', String(opts.added));
  for (const x of opts.problems) p.append('loi', `${x.problem}:${x.filename}`);
  const qs = p.toString();
  return `/phan-anh/theo-doi/${report.token}${qs ? `?${qs}` : ''}`;
}

const PROBLEMS: readonly PhotoProblem[] = ['size', 'type', 'broken', 'too-many'];

function PhotoOutcome({ page, query }: { page: PageCtx; query: Record<string, unknown> }) {
  const t = page.t;
  const added = Number(query.anh ?? 0);
  const raw = query.loi;
  const problems = (Array.isArray(raw) ? raw : raw ? [raw] : [])
    .map(String)
    .map((s) => {
      const at = s.indexOf(':');
      return { problem: s.slice(0, at) as PhotoProblem, name: s.slice(at + 1) };
    })
    .filter((x) => PROBLEMS.includes(x.problem));
  return (
    <>
      {added > 0 && <Notice text={t('feedback:track.photosAdded', { count: added })} />}
      {problems.length > 0 && (
        <div class="errors" role="alert">
          <p>{t('feedback:track.photosFailed', { count: problems.length })}</p>
          <ul>
            {problems.map((p) => (
              <li key={`${p.problem}${p.name}`}>
                {t(`feedback:track.problem.${p.problem}`, { name: p.name, max: PHOTOS_PER_REPORT })}
              </li>
            ))}
          </ul>
          <p>
            <a href="#f-photos">{t('feedback:track.sendAgain')}</a>
          </p>
        </div>
      )}
    </>
  );
}

function PhotoInput({ page, label }: { page: PageCtx; label: string }) {
  return (
    <div class="field">
      <label for="f-photos">{label}</label>
      <small class="hint" id="f-photos-hint">
        {page.t('feedback:form.photosHint')}
      </small>
      <input
        id="f-photos"
        name="photos"
        type="file"
        accept="image/jpeg,image/png,image/webp"
        multiple
        aria-describedby="f-photos-hint"
      />
    </div>
  );
}

export function registerFeedbackPages(app: FastifyInstance, platform: Platform, deps: FeedbackDeps) {
  const db = platform.database.db;

  // -------------------------------------------------------------------------------------------
  // Public: the landing page, answers per commune, one report

  app.get('/phan-anh', async (req, reply) => {
    const page = await pageCtx(req, reply);
    const t = page.t;
    const query = blankToUndefined(req.query);
    const q = typeof query.q === 'string' ? query.q.trim().slice(0, 100) : '';
    const results = q.length >= 2 ? await searchPlaces(db, { q, level: 'commune' }, 30) : [];
    const listed = await communesWithAnswers(db);
    const isHandler = await handlesFeedback(db, req.actor);
    return sendPage(
      reply,
      <Layout page={page} title={t('feedback:title')}>
        <h1>{t('feedback:title')}</h1>
        <p>{t('feedback:lead')}</p>
        <p>
          <a class="button" href="/phan-anh/gui">
            {t('feedback:send')}
          </a>
        </p>
        {isHandler && (
          <p>
            <a href="/quan-tri/phan-anh">{t('feedback:staffQueue')}</a>
          </p>
        )}
        <h2>{t('feedback:readAnswers')}</h2>
        <form method="get" action="/phan-anh">
          <div class="field">
            <label for="q">{t('feedback:place.search')}</label>
            <small class="hint">{t('feedback:place.searchHint')}</small>
            <input id="q" name="q" type="search" value={q} />
          </div>
          <button type="submit">{t('feedback:place.searchSubmit')}</button>
        </form>
        {q.length >= 2 && results.length === 0 && <p>{t('feedback:place.none')}</p>}
        {results.length > 0 && (
          <ul>
            {results.map((p) => (
              <li key={p.id}>
                <a href={`/phan-anh/xa/${p.code}`}>{p.fullName}</a>
              </li>
            ))}
          </ul>
        )}
        {listed.length > 0 && (
          <>
            <h2>{t('feedback:communesWithAnswers')}</h2>
            <ul>
              {listed.map((c) => (
                <li key={c.commune.id}>
                  <a href={`/phan-anh/xa/${c.commune.code}`}>{c.commune.fullName}</a>{' '}
                  <span class="muted">({t('feedback:answersCount', { count: c.count })})</span>
                </li>
              ))}
            </ul>
          </>
        )}
        <h2>{t('feedback:lookup')}</h2>
        <form method="get" action="/phan-anh/so">
          <div class="field">
            <label for="ma">{t('feedback:lookupCode')}</label>
            <input id="ma" name="ma" type="search" autocomplete="off" />
          </div>
          <button type="submit">{t('feedback:lookupSubmit')}</button>
        </form>
      </Layout>,
    );
  });

  function PublicItem({
    page,
    r,
    photos,
    categories,
    places,
  }: {
    page: PageCtx;
    r: Report;
    photos: { id: number }[];
    categories: Map<number, Category>;
    places: Map<number, Place>;
  }) {
    const t = page.t;
    return (
      <article>
        <h2>
          <a href={`/phan-anh/so/${r.serviceRequestId}`}>
            {categoryName(categories.get(r.categoryId), page)}
          </a>{' '}
          <StatusTag page={page} status={r.status} />
        </h2>
        <p class="muted">
          {r.serviceRequestId} · {placeLine(places, r)} ·{' '}
          {t('feedback:public.sentOn', { date: vnDate(r.createdAt) })}
        </p>
        {r.landmark && <p class="muted">{redact(r.landmark, r)}</p>}
        <p style="white-space:pre-line">{redact(r.publicDescription ?? r.description, r)}</p>
        {r.publicPhotos &&
          photos.map((p) => (
            <img
              key={p.id}
              src={`/phan-anh/anh/${p.id}`}
              alt={categoryName(categories.get(r.categoryId), page)}
              loading="lazy"
              style="max-width:100%;height:auto"
            />
          ))}
        {r.publicReply && (
          <div class="notice">
            <strong>{t('feedback:public.reply')}</strong>{' '}
            {r.answeredAt && (
              <span class="muted">({t('feedback:public.answeredOn', { date: vnDate(r.answeredAt) })})</span>
            )}
            <p style="white-space:pre-line">{redact(r.publicReply, r)}</p>
          </div>
        )}
      </article>
    );
  }

  app.get('/phan-anh/xa/:code', async (req, reply) => {
    const { code } = z.object({ code: z.string().max(20) }).parse(req.params);
    const commune = await getPlaceByCode(db, code);
    if (commune.level !== 'commune') throw new NotFound();
    const current = PageNo.parse((req.query as { trang?: string }).trang);
    const { items, total } = await listPublished(db, commune.id, current, PAGE_SIZE);
    const [categories, places] = await Promise.all([
      categoriesById(db),
      placeNames(
        db,
        items.flatMap((i) => [i.report.placeId, i.report.communeId]),
      ),
    ]);
    const page = await pageCtx(req, reply);
    const t = page.t;
    return sendPage(
      reply,
      <Layout page={page} title={t('feedback:public.title', { place: commune.fullName })}>
        <h1>{t('feedback:public.title', { place: commune.fullName })}</h1>
        <p>
          <a href={`/phan-anh/gui?xa=${commune.code}`}>{t('feedback:public.sendHere')}</a>
        </p>
        {items.length === 0 && <p>{t('feedback:public.none')}</p>}
        {items.map((i) => (
          <PublicItem
            key={i.report.id}
            page={page}
            r={i.report}
            photos={i.photos}
            categories={categories}
            places={places}
          />
        ))}
        <Pager page={page} base={`/phan-anh/xa/${commune.code}`} current={current} total={total} />
      </Layout>,
    );
  });

  app.get('/phan-anh/so', async (req, reply) => {
    const ma = String((req.query as { ma?: string }).ma ?? '')
      .trim()
      .toUpperCase();
    return reply.redirect(ma ? `/phan-anh/so/${encodeURIComponent(ma)}` : '/phan-anh', 303);
  });

  app.get('/phan-anh/so/:code', async (req, reply) => {
    const { code } = z.object({ code: z.string().max(40) }).parse(req.params);
    const r = await findReportByCode(db, code.toUpperCase());
    if (!r) throw new NotFound({ vi: 'Không tìm thấy phản ánh này.', en: 'No such report.' });
    const page = await pageCtx(req, reply);
    const t = page.t;
    const [categories, places, photos] = await Promise.all([
      categoriesById(db),
      placeNames(db, [r.placeId, r.communeId]),
      r.publishedAt && r.publicPhotos ? listPhotos(db, r.id) : Promise.resolve([]),
    ]);
    return sendPage(
      reply,
      <Layout page={page} title={r.serviceRequestId}>
        <h1>{t('feedback:track.title', { code: r.serviceRequestId })}</h1>
        {r.publishedAt ? (
          <PublicItem page={page} r={r} photos={photos} categories={categories} places={places} />
        ) : (
          <p>
            {categoryName(categories.get(r.categoryId), page)} · {placeLine(places, r)} ·{' '}
            {t('feedback:public.notPublished', { status: t(`feedback:status.${r.status}`) })}
          </p>
        )}
      </Layout>,
    );
  });

  app.get('/phan-anh/anh/:id', async (req, reply) => {
    const { id } = z.object({ id: z.coerce.number().int().positive() }).parse(req.params);
    const token = (req.query as { t?: string }).t;
    const photo = await openPhoto(req.ctx(), deps, id, typeof token === 'string' ? token : undefined);
    return reply
      .type(photo.file.mimeType)
      .header('cache-control', photo.isPublic ? 'public, max-age=86400' : 'private, no-store')
      .header('referrer-policy', 'no-referrer')
      .send(photo.stream);
  });

  // -------------------------------------------------------------------------------------------
  // Reporting: choose the place in steps (GET), then one form (POST)

  const reportPage = async (req: FastifyRequest, reply: FastifyReply, state: FormState, status = 200) => {
    const page = await pageCtx(req, reply);
    const t = page.t;
    const query = blankToUndefined(req.query);
    const str = (v: unknown) => (typeof v === 'string' ? v.trim().slice(0, 100) : '');
    const communeCode = state.values.commune ?? str(query.xa);
    const commune = communeCode ? await findPlaceByCode(db, communeCode, 'commune') : undefined;
    const counter = filesAtCounter(req.actor);

    if (!commune || commune.validTo) {
      // Step 1: find the commune by name, or choose a province then a commune.
      const q = str(query.q);
      const results = q.length >= 2 ? await searchPlaces(db, { q }, 30) : [];
      const choices = results.filter((p) => p.level === 'commune' || p.level === 'village');
      const parents = await placeNames(
        db,
        choices.filter((p) => p.level === 'village').map((p) => p.parentId ?? 0),
      );
      const country = await findPlaceByCode(db, 'VN', 'country');
      const provinces = country ? (await listChildren(db, country.id)).filter((p) => !p.validTo) : [];
      const province = str(query.tinh) ? await findPlaceByCode(db, str(query.tinh), 'province') : undefined;
      const communes = province
        ? (await listChildren(db, province.id)).filter((p) => p.level === 'commune' && !p.validTo)
        : [];
      return sendPage(
        reply,
        <Layout page={page} title={t('feedback:send')}>
          <h1>{t('feedback:send')}</h1>
          {counter && <p class="notice">{t('feedback:form.counter')}</p>}
          <h2>{t('feedback:place.step')}</h2>
          <form method="get" action="/phan-anh/gui">
            <div class="field">
              <label for="q">{t('feedback:place.search')}</label>
              <small class="hint">{t('feedback:place.searchHint')}</small>
              <input id="q" name="q" type="search" value={q} />
            </div>
            <button type="submit">{t('feedback:place.searchSubmit')}</button>
          </form>
          {q.length >= 2 && choices.length === 0 && <p>{t('feedback:place.none')}</p>}
          {choices.length > 0 && (
            <ul class="cards">
              {choices.map((p) => {
                const parent = parents.get(p.parentId ?? 0);
                const href =
                  p.level === 'village' && parent
                    ? `/phan-anh/gui?xa=${parent.code}&thon=${encodeURIComponent(p.code)}`
                    : `/phan-anh/gui?xa=${p.code}`;
                return (
                  <li key={p.id}>
                    <a href={href}>{p.fullName}</a>
                    {parent && <span class="muted"> · {parent.fullName}</span>}
                  </li>
                );
              })}
            </ul>
          )}
          <form method="get" action="/phan-anh/gui">
            <Select
              name="tinh"
              label={t('feedback:place.province')}
              options={provinces.map((p) => ({ value: p.code, label: p.fullName }))}
              value={province?.code}
            />
            {!province && <button type="submit">{t('feedback:place.next')}</button>}
          </form>
          {province && (
            <form method="get" action="/phan-anh/gui">
              <input type="hidden" name="tinh" value={province.code} />
              <Select
                name="xa"
                label={t('feedback:place.commune')}
                options={communes.map((p) => ({ value: p.code, label: p.fullName }))}
              />
              <button type="submit">{t('feedback:place.next')}</button>
            </form>
          )}
        </Layout>,
        status,
      );
    }

    // Step 2: the report itself.
    const villages = (await listChildren(db, commune.id)).filter((p) => p.level === 'village' && !p.validTo);
    const categories = await listCategories(db, { activeOnly: true });
    const province = commune.parentId ? await findPlaceById(db, commune.parentId) : undefined;
    const v = state.values;
    const key = v.key ?? randomUUID();
    const phone = v.phone ?? (req.actor.kind === 'citizen' && !counter ? req.actor.phone : undefined);
    return sendPage(
      reply,
      <Layout page={page} title={t('feedback:send')}>
        <h1>{t('feedback:send')}</h1>
        {counter && <p class="notice">{t('feedback:form.counter')}</p>}
        <Notice text={state.message} />
        <Form page={page} action="/phan-anh/gui" errors={state.errors} enctype="multipart/form-data">
          <input type="hidden" name="key" value={key} />
          <input type="hidden" name="commune" value={commune.code} />
          <p>
            <strong>{t('feedback:place.chosen')}:</strong> {commune.fullName}
            {province ? `, ${province.fullName}` : ''} ·{' '}
            <a href={`/phan-anh/gui${province ? `?tinh=${province.code}` : ''}`}>
              {t('feedback:place.change')}
            </a>
          </p>
          {villages.length > 0 && (
            <Select
              name="village"
              label={t('feedback:place.village')}
              options={[
                { value: '', label: t('feedback:place.villageUnknown') },
                ...villages.map((p) => ({ value: p.code, label: p.fullName })),
              ]}
              value={v.village ?? str(query.thon)}
              error={state.errors.village}
            />
          )}
          <Select
            name="category"
            label={t('feedback:form.category')}
            options={categories.map((c) => ({ value: c.code, label: categoryName(c, page) }))}
            value={v.category}
            error={state.errors.category}
          />
          <TextArea
            name="description"
            label={t('feedback:form.description')}
            hint={t('feedback:form.descriptionHint')}
            value={v.description}
            error={state.errors.description}
          />
          <Field
            name="landmark"
            label={t('feedback:form.landmark')}
            hint={t('feedback:form.landmarkHint')}
            value={v.landmark}
            error={state.errors.landmark}
          />
          <fieldset>
            <legend>{t('feedback:form.gps')}</legend>
            <small class="hint">{t('feedback:form.gpsHint')}</small>
            <Field
              name="lat"
              label={t('feedback:form.lat')}
              value={v.lat}
              error={state.errors.lat}
              inputmode="text"
            />
            <Field
              name="long"
              label={t('feedback:form.long')}
              value={v.long}
              error={state.errors.long}
              inputmode="text"
            />
          </fieldset>
          <PhotoInput page={page} label={t('feedback:form.photos', { max: PHOTOS_PER_REPORT })} />
          <fieldset>
            <legend>{t('feedback:form.contact')}</legend>
            <small class="hint">{t('feedback:form.contactHint')}</small>
            <Field
              name="name"
              label={t('feedback:form.name')}
              value={v.name}
              error={state.errors.name}
              autocomplete="name"
            />
            <Field
              name="phone"
              type="tel"
              label={t('feedback:form.phone')}
              value={phone}
              error={state.errors.phone}
              inputmode="tel"
              autocomplete="tel"
            />
            <Field
              name="email"
              type="email"
              label={t('feedback:form.email')}
              value={v.email}
              error={state.errors.email}
              autocomplete="email"
            />
          </fieldset>
          <button type="submit">{t('feedback:form.submit')}</button>
        </Form>
      </Layout>,
      status,
    );
  };

  app.get('/phan-anh/gui', (req, reply) => reportPage(req, reply, { values: {}, errors: {} }));
  app.post('/phan-anh/gui', { preValidation: readMultipart, config: UPLOAD_LIMIT }, (req, reply) => {
    const uploads = uploadsOf(req);
    return handleForm(
      req,
      reply,
      ReportForm,
      async (input) => {
        const counter = filesAtCounter(req.actor);
        const { report } = await createReport(
          req.ctx(),
          {
            categoryCode: input.category,
            placeCode: input.village ?? input.commune,
            description: input.description,
            landmark: input.landmark,
            lat: input.lat,
            long: input.long,
            contactName: input.name,
            contactPhone: input.phone,
            contactEmail: input.email,
            idempotencyKey: input.key ? `w:${input.key}` : undefined,
          },
          { channel: counter ? 'counter' : 'web' },
        );
        // A retried form finds its report and still adds any photo the first try did not deliver.
        const photos =
          report.status === 'closed'
            ? { added: 0, problems: [] }
            : await addPhotos(db, deps, report, uploads, counter ? 'staff' : 'reporter');
        return trackUrl(report, { sent: true, ...photos });
      },
      (state, status) =>
        reportPage(
          req,
          reply,
          uploads.length > 0 && status === 400
            ? { ...state, message: translator(req.locale)('feedback:form.photosAgain') }
            : state,
          status,
        ),
    );
  });

  // -------------------------------------------------------------------------------------------
  // The reporter's private page

  const trackPage = async (req: FastifyRequest, reply: FastifyReply, state: FormState, status = 200) => {
    const { token } = z.object({ token: z.string().max(64) }).parse(req.params);
    const report = await getReportByToken(db, token);
    const page = await pageCtx(req, reply);
    const t = page.t;
    const query = blankToUndefined(req.query);
    const [{ log, state: derived }, photos, categories, places] = await Promise.all([
      stateOf(db, report.id),
      listPhotos(db, report.id),
      categoriesById(db),
      placeNames(db, [report.placeId, report.communeId, report.handlingPlaceId]),
    ]);
    const merged = report.mergedIntoId ? log.find((a) => a.type === 'merge')?.details.intoCode : undefined;
    const can = reporterActions(derived, platform.clock.now());
    const to = [
      report.contactPhone && `…${report.contactPhone.slice(-3)}`,
      report.contactEmail?.replace(/^(.).*@/, '$1…@'),
    ]
      .filter(Boolean)
      .join(', ');
    const base = `/phan-anh/theo-doi/${report.token}`;
    reply.header('referrer-policy', 'no-referrer');
    return sendPage(
      reply,
      <Layout page={page} title={t('feedback:track.title', { code: report.serviceRequestId })}>
        <h1>
          {t('feedback:track.title', { code: report.serviceRequestId })}{' '}
          <StatusTag page={page} status={report.status} />
        </h1>
        {query.moi === '1' && (
          <div class="notice" role="status">
            <p>
              <strong>{t('feedback:track.sent', { code: report.serviceRequestId })}</strong>
            </p>
            <p>{t('feedback:track.keepLink')}</p>
          </div>
        )}
        <PhotoOutcome page={page} query={query} />
        <Notice text={state.message} />
        {typeof merged === 'string' && <p class="notice">{t('feedback:track.merged', { code: merged })}</p>}
        <table>
          <tbody>
            <tr>
              <th>{t('feedback:track.category')}</th>
              <td>{categoryName(categories.get(report.categoryId), page)}</td>
            </tr>
            <tr>
              <th>{t('feedback:track.where')}</th>
              <td>
                {report.landmark ? `${report.landmark}, ` : ''}
                {placeLine(places, report)}
              </td>
            </tr>
            <tr>
              <th>{t('feedback:track.office')}</th>
              <td>{places.get(report.handlingPlaceId)?.fullName}</td>
            </tr>
            <tr>
              <th>{t('feedback:track.dueAt')}</th>
              <td>{vnDate(report.dueAt)}</td>
            </tr>
          </tbody>
        </table>
        <p class="muted">{to ? t('feedback:track.notify', { to }) : t('feedback:track.noContact')}</p>
        {report.publicReply && (
          <div class="notice">
            <h2>{t('feedback:track.answer')}</h2>
            <p style="white-space:pre-line">{report.publicReply}</p>
          </div>
        )}
        {report.publishedAt && <p class="muted">{t('feedback:track.public')}</p>}
        {report.rating && (
          <p>{t('feedback:track.yourRating', { label: t(`feedback:track.ratings.${report.rating}`) })}</p>
        )}
        {can.includes('rate') && (
          <ActionForm
            page={page}
            action={`${base}/danh-gia`}
            errors={state.errors}
            label={t('feedback:track.rateSubmit')}
          >
            <fieldset>
              <legend>{t('feedback:track.rate')}</legend>
              {[5, 4, 3, 2, 1].map((n) => (
                <label key={n} style="font-weight:400">
                  <input type="radio" name="rating" value={String(n)} style="width:auto;display:inline" />{' '}
                  {t(`feedback:track.ratings.${n}`)}
                </label>
              ))}
            </fieldset>
          </ActionForm>
        )}
        {can.includes('reopen') && (
          <>
            <h2>{t('feedback:track.reopen')}</h2>
            <p class="muted">{t('feedback:track.reopenHint', { days: REOPEN_WITHIN_DAYS })}</p>
            <ActionForm
              page={page}
              action={`${base}/mo-lai`}
              errors={state.errors}
              label={t('feedback:track.reopenSubmit')}
              kind="secondary"
            >
              <TextArea
                name="reason"
                label={t('feedback:track.reopenBody')}
                value={state.values.reason}
                error={state.errors.reason}
                rows={3}
              />
            </ActionForm>
          </>
        )}
        <h2>{t('feedback:track.description')}</h2>
        <p style="white-space:pre-line">{report.description}</p>
        {photos.length > 0 && (
          <>
            <h2>{t('feedback:track.photos')}</h2>
            {photos.map((p) => (
              <img
                key={p.id}
                src={`/phan-anh/anh/${p.id}?t=${report.token}`}
                alt={t('feedback:track.photos')}
                loading="lazy"
                style="max-width:100%;height:auto"
              />
            ))}
          </>
        )}
        {report.status !== 'closed' && photos.length < PHOTOS_PER_REPORT && (
          <>
            <h2>{t('feedback:track.addPhotos')}</h2>
            <ActionForm
              page={page}
              action={`${base}/anh`}
              enctype="multipart/form-data"
              label={t('feedback:track.addPhotosSubmit')}
            >
              <PhotoInput
                page={page}
                label={t('feedback:form.photos', { max: PHOTOS_PER_REPORT - photos.length })}
              />
            </ActionForm>
          </>
        )}
        <h2>{t('feedback:track.history')}</h2>
        <ol>
          {publicTimeline(log).map((a, i) => (
            <li key={`${a.type}${i}`}>
              {vnDateTime(a.at)}: {t(`feedback:actions.${a.type}`, { code: a.intoCode, rating: a.rating })}
              {a.body && <p style="white-space:pre-line">{a.body}</p>}
            </li>
          ))}
        </ol>
      </Layout>,
      status,
    );
  };

  app.get('/phan-anh/theo-doi/:token', (req, reply) => trackPage(req, reply, { values: {}, errors: {} }));
  app.post(
    '/phan-anh/theo-doi/:token/anh',
    { preValidation: readMultipart, config: UPLOAD_LIMIT },
    async (req, reply) => {
      const { token } = z.object({ token: z.string().max(64) }).parse(req.params);
      const report = await getReportByToken(db, token);
      const result = await addPhotos(db, deps, report, uploadsOf(req), 'reporter');
      return reply.redirect(trackUrl(report, result), 303);
    },
  );
  app.post('/phan-anh/theo-doi/:token/danh-gia', (req, reply) =>
    handleForm(
      req,
      reply,
      RateForm,
      async ({ rating }) => {
        const { token } = z.object({ token: z.string().max(64) }).parse(req.params);
        await actAsReporter(req.ctx(), token, { type: 'rate', rating });
        return `/phan-anh/theo-doi/${token}`;
      },
      (state, status) => trackPage(req, reply, state, status),
    ),
  );
  app.post('/phan-anh/theo-doi/:token/mo-lai', (req, reply) =>
    handleForm(
      req,
      reply,
      ReporterReopenForm,
      async ({ reason }) => {
        const { token } = z.object({ token: z.string().max(64) }).parse(req.params);
        await actAsReporter(req.ctx(), token, { type: 'reopen', body: reason });
        return `/phan-anh/theo-doi/${token}`;
      },
      (state, status) => trackPage(req, reply, state, status),
    ),
  );

  // -------------------------------------------------------------------------------------------
  // Staff: the queue, one report, its actions

  const FILTERS: Record<string, { statuses?: Status[]; overdue?: boolean }> = {
    open: { statuses: ['new', 'acknowledged', 'in_progress', 'reopened'] },
    overdue: { overdue: true },
    answered: { statuses: ['answered'] },
    closed: { statuses: ['closed'] },
    all: {},
  };

  app.get('/quan-tri/phan-anh', async (req, reply) => {
    if (req.actor.kind !== 'staff') return reply.redirect('/dang-nhap?next=/quan-tri/phan-anh', 303);
    const query = req.query as { loc?: string; trang?: string };
    const filter = query.loc && query.loc in FILTERS ? query.loc : 'open';
    const current = PageNo.parse(query.trang);
    const { rows, total } = await listQueue(req.ctx(), {
      ...FILTERS[filter],
      page: current,
      pageSize: PAGE_SIZE,
    });
    const [categories, places] = await Promise.all([
      categoriesById(db),
      placeNames(
        db,
        rows.flatMap((r) => [r.placeId, r.communeId]),
      ),
    ]);
    const page = await pageCtx(req, reply);
    const t = page.t;
    const now = platform.clock.now();
    return sendPage(
      reply,
      <Layout page={page} title={t('feedback:staff.queue')}>
        <h1>{t('feedback:staff.queue')}</h1>
        <p>
          {Object.keys(FILTERS).map((f) => (
            <span key={f}>
              {f === filter ? (
                <strong>{t(`feedback:staff.filters.${f}`)}</strong>
              ) : (
                <a href={`/quan-tri/phan-anh?loc=${f}`}>{t(`feedback:staff.filters.${f}`)}</a>
              )}{' '}
              ·{' '}
            </span>
          ))}
          <a href="/phan-anh/gui">{t('feedback:staff.counterLink')}</a> ·{' '}
          <a href="/quan-tri/phan-anh/cai-dat">{t('feedback:staff.settings')}</a>
        </p>
        <p class="muted">{t('feedback:staff.total', { count: total })}</p>
        {rows.length === 0 ? (
          <p>{t('feedback:staff.empty')}</p>
        ) : (
          <ul class="cards">
            {rows.map((r) => {
              const late = r.status !== 'closed' && r.dueAt.getTime() < now.getTime();
              return (
                <li key={r.id}>
                  <a href={`/quan-tri/phan-anh/${r.id}`}>
                    <strong>{r.serviceRequestId}</strong>
                  </a>{' '}
                  <StatusTag page={page} status={r.status} />{' '}
                  {r.handlingLevel === 'province' && (
                    <span class="tag">{t('feedback:staff.level.province')}</span>
                  )}
                  <br />
                  {categoryName(categories.get(r.categoryId), page)} · {placeLine(places, r)}
                  <br />
                  <span class="muted">
                    {t('feedback:staff.dueAt')}: {vnDate(r.dueAt)}
                  </span>
                  {late && <strong class="err"> {t('feedback:staff.overdue')}</strong>}
                  {r.assigneeLabel && (
                    <span class="muted">
                      {' '}
                      · {t('feedback:staff.assignee')}: {r.assigneeLabel}
                    </span>
                  )}
                  <p>{r.description.slice(0, 160)}</p>
                </li>
              );
            })}
          </ul>
        )}
        <Pager page={page} base={`/quan-tri/phan-anh?loc=${filter}`} current={current} total={total} />
      </Layout>,
    );
  });

  const Id = z.object({ id: z.coerce.number().int().positive() });

  const staffPage = async (req: FastifyRequest, reply: FastifyReply, state: FormState, status = 200) => {
    const { id } = Id.parse(req.params);
    const info = await getReportForStaff(req.ctx(), id);
    const { report: r, actions } = info;
    const [categories, places] = await Promise.all([
      categoriesById(db),
      placeNames(db, [r.placeId, r.communeId, r.handlingPlaceId]),
    ]);
    const page = await pageCtx(req, reply);
    const t = page.t;
    const now = platform.clock.now();
    const base = `/quan-tri/phan-anh/${r.id}`;
    const can = (k: HandlerCommand['type']) => actions.includes(k);
    const v = state.values;
    const e = state.errors;
    const office = places.get(r.handlingPlaceId)?.fullName ?? '';
    return sendPage(
      reply,
      <Layout page={page} title={r.serviceRequestId}>
        <p>
          <a href="/quan-tri/phan-anh">{t('feedback:staff.queue')}</a>
        </p>
        <h1>
          {r.serviceRequestId} <StatusTag page={page} status={r.status} />
        </h1>
        <Notice text={(req.query as { xong?: string }).xong ? t('feedback:staff.done') : state.message} />
        {!canHandle(req.actor, r) && <p class="notice">{t('feedback:staff.readOnly', { office })}</p>}
        {info.mergedInto && (
          <p class="notice">{t('feedback:track.merged', { code: info.mergedInto.serviceRequestId })}</p>
        )}
        <table>
          <tbody>
            <tr>
              <th>{t('feedback:track.category')}</th>
              <td>{categoryName(categories.get(r.categoryId), page)}</td>
            </tr>
            <tr>
              <th>{t('feedback:track.where')}</th>
              <td>
                {r.landmark ? `${r.landmark}, ` : ''}
                {placeLine(places, r)}
                {r.lat !== null && r.long !== null && (
                  <>
                    {' '}
                    ({Number(r.lat)}, {Number(r.long)})
                  </>
                )}
              </td>
            </tr>
            <tr>
              <th>{t('feedback:staff.channelLabel')}</th>
              <td>
                {t(`feedback:staff.channel.${r.channel}`)} · {vnDateTime(r.createdAt)}
              </td>
            </tr>
            <tr>
              <th>{t('feedback:track.office')}</th>
              <td>
                {office} ({t(`feedback:staff.level.${r.handlingLevel}`)},{' '}
                {t(`identity:roles.${r.handlerRole}`)})
              </td>
            </tr>
            <tr>
              <th>{t('feedback:staff.dueAt')}</th>
              <td>
                {vnDateTime(r.dueAt)}
                {r.status !== 'closed' && r.dueAt.getTime() < now.getTime() && (
                  <strong class="err"> {t('feedback:staff.overdue')}</strong>
                )}
              </td>
            </tr>
            {r.assigneeLabel && (
              <tr>
                <th>{t('feedback:staff.assignee')}</th>
                <td>{r.assigneeLabel}</td>
              </tr>
            )}
            {r.rating && (
              <tr>
                <th>{t('feedback:track.rating')}</th>
                <td>{t(`feedback:track.ratings.${r.rating}`)}</td>
              </tr>
            )}
          </tbody>
        </table>
        <h2>{t('feedback:track.description')}</h2>
        <p style="white-space:pre-line">{r.description}</p>
        <h2>{t('feedback:staff.contact')}</h2>
        <p>
          {[r.contactName, r.contactPhone, r.contactEmail].filter(Boolean).join(' · ') ||
            t('feedback:staff.anonymous')}
        </p>
        {(info.photos.length > 0 || r.mediaUrl) && <h2>{t('feedback:track.photos')}</h2>}
        {info.photos.map((p) => (
          <img
            key={p.id}
            src={`/phan-anh/anh/${p.id}`}
            alt={t('feedback:track.photos')}
            loading="lazy"
            style="max-width:100%;height:auto"
          />
        ))}
        {r.mediaUrl && (
          <p>
            <a href={r.mediaUrl} rel="noopener noreferrer nofollow">
              {t('feedback:staff.externalMedia')}
            </a>
          </p>
        )}
        {r.publicReply && (
          <div class="notice">
            <h2>{t('feedback:track.answer')}</h2>
            <p style="white-space:pre-line">{r.publicReply}</p>
          </div>
        )}
        <h2>{t('feedback:track.history')}</h2>
        <ol>
          {info.log.map((a) => (
            <li key={a.id}>
              {vnDateTime(a.at)} ·{' '}
              {a.actorKind === 'reporter' || a.actorKind === 'system'
                ? t(`feedback:staff.actor.${a.actorKind}`)
                : a.actorLabel}
              :{' '}
              {t(`feedback:actions.${a.type}`, {
                name: a.details.label,
                code: a.details.intoCode,
                rating: a.details.rating,
              })}
              {a.type === 'note' && <span class="tag"> {t('feedback:staff.internal')}</span>}
              {a.body && <p style="white-space:pre-line">{a.body}</p>}
            </li>
          ))}
        </ol>
        {actions.length > 0 && <h2>{t('feedback:staff.actions')}</h2>}
        {can('acknowledge') && (
          <ActionForm page={page} action={`${base}/tiep-nhan`} label={t('feedback:staff.acknowledge')}>
            <Select
              name="category"
              label={t('feedback:form.category')}
              options={[...categories.values()]
                .filter((c) => c.active)
                .map((c) => ({ value: c.code, label: categoryName(c, page) }))}
              value={v.category ?? categories.get(r.categoryId)?.code}
              error={e.category}
            />
            <small class="hint">{t('feedback:staff.acknowledgeHint')}</small>
          </ActionForm>
        )}
        {can('assign') && (
          <ActionForm page={page} action={`${base}/giao`} label={t('feedback:staff.assign')}>
            <Select
              name="assignee"
              label={t('feedback:staff.assign')}
              options={[
                { value: 'me', label: t('feedback:staff.assignMe') },
                ...info.assignable
                  .filter((h) => req.actor.kind !== 'staff' || h.userId !== req.actor.userId)
                  .map((h) => ({ value: String(h.userId), label: h.displayName })),
              ]}
              value={v.assignee}
              error={e.assignee}
            />
          </ActionForm>
        )}
        {can('reply') && (
          <ActionForm page={page} action={`${base}/tra-loi`} label={t('feedback:staff.replySubmit')}>
            <TextArea
              name="reply"
              label={t('feedback:staff.reply')}
              hint={t('feedback:staff.replyHint')}
              value={v.reply ?? r.publicReply ?? undefined}
              error={e.reply}
            />
          </ActionForm>
        )}
        {can('publish') && (
          <ActionForm page={page} action={`${base}/cong-khai`} label={t('feedback:staff.publishSubmit')}>
            <h3>{t('feedback:staff.publish')}</h3>
            <small class="hint">{t('feedback:staff.publishHint')}</small>
            <TextArea
              name="description"
              label={t('feedback:staff.publishDescription')}
              value={v.description ?? redact(r.description, r)}
              error={e.description}
            />
            {info.photos.length > 0 && (
              <label>
                <input type="checkbox" name="photos" value="on" style="width:auto;display:inline" />{' '}
                {t('feedback:staff.publishPhotos')}
              </label>
            )}
          </ActionForm>
        )}
        {can('close') && (
          <ActionForm
            page={page}
            action={`${base}/dong`}
            label={t('feedback:staff.closeSubmit')}
            kind="secondary"
          />
        )}
        {can('merge') && (
          <ActionForm
            page={page}
            action={`${base}/gop`}
            label={t('feedback:staff.mergeSubmit')}
            kind="secondary"
          >
            <Field
              name="into"
              label={`${t('feedback:staff.merge')}: ${t('feedback:staff.mergeInto')}`}
              value={v.into}
              error={e.into}
            />
          </ActionForm>
        )}
        {can('reopen') && (
          <ActionForm
            page={page}
            action={`${base}/mo-lai`}
            label={t('feedback:staff.reopenSubmit')}
            kind="secondary"
          >
            <Field name="reason" label={t('feedback:staff.reopenBody')} value={v.reason} error={e.reason} />
          </ActionForm>
        )}
        {can('note') && (
          <ActionForm
            page={page}
            action={`${base}/ghi-chu`}
            label={t('feedback:staff.noteSubmit')}
            kind="secondary"
          >
            <TextArea name="note" label={t('feedback:staff.note')} value={v.note} error={e.note} rows={3} />
          </ActionForm>
        )}
      </Layout>,
      status,
    );
  };

  app.get('/quan-tri/phan-anh/:id', async (req, reply) => {
    if (req.actor.kind !== 'staff')
      return reply.redirect(`/dang-nhap?next=${encodeURIComponent(req.url)}`, 303);
    return staffPage(req, reply, { values: {}, errors: {} });
  });

  const ACTIONS: Record<string, { schema: z.ZodType; command: (d: never) => HandlerCommand }> = {
    'tiep-nhan': {
      schema: AcknowledgeForm,
      command: (d: z.output<typeof AcknowledgeForm>) => ({ type: 'acknowledge', category: d.category }),
    },
    giao: {
      schema: AssignForm,
      command: (d: z.output<typeof AssignForm>) => ({ type: 'assign', assignee: d.assignee }),
    },
    'ghi-chu': {
      schema: NoteForm,
      command: (d: z.output<typeof NoteForm>) => ({ type: 'note', body: d.note }),
    },
    'tra-loi': {
      schema: ReplyForm,
      command: (d: z.output<typeof ReplyForm>) => ({ type: 'reply', body: d.reply }),
    },
    gop: { schema: MergeForm, command: (d: z.output<typeof MergeForm>) => ({ type: 'merge', into: d.into }) },
    'cong-khai': {
      schema: PublishForm,
      command: (d: z.output<typeof PublishForm>) => ({
        type: 'publish',
        description: d.description,
        photos: d.photos === 'on',
      }),
    },
    dong: { schema: CloseForm, command: () => ({ type: 'close' }) },
    'mo-lai': {
      schema: StaffReopenForm,
      command: (d: z.output<typeof StaffReopenForm>) => ({ type: 'reopen', body: d.reason }),
    },
  };

  app.post('/quan-tri/phan-anh/:id/:action', (req, reply) => {
    const { id, action } = z
      .object({ id: z.coerce.number().int().positive(), action: z.string() })
      .parse(req.params);
    const spec = ACTIONS[action];
    if (!spec) throw new NotFound();
    return handleForm(
      req,
      reply,
      spec.schema,
      async (data) => {
        await handleReport(req.ctx(), deps, id, spec.command(data as never));
        return `/quan-tri/phan-anh/${id}?xong=1`;
      },
      (state, status) => staffPage(req, reply, state, status),
    );
  });

  // -------------------------------------------------------------------------------------------
  // Settings: categories, API keys, notification addresses

  const settingsPage = async (
    req: FastifyRequest,
    reply: FastifyReply,
    state: FormState,
    status = 200,
    extra: ComponentChildren = null,
  ) => {
    const actor = requireStaff(req.actor);
    const page = await pageCtx(req, reply);
    const t = page.t;
    const [categories, keys, contacts] = await Promise.all([
      listCategories(db),
      listApiKeys(req.ctx()),
      listContacts(req.ctx()),
    ]);
    const contactPlaces = await placeNames(db, [
      ...keys.map((k) => k.placeId),
      ...contacts.map((c) => c.placeId),
    ]);
    const editable = canEditCategories(actor);
    const editing = categories.find((c) => c.code === (req.query as { sua?: string }).sua);
    const isAdmin = scopeOf(actor, 'admin').length > 0;
    const v = state.values;
    const e = state.errors;
    const cv = (k: keyof Category, fallback = '') =>
      v[k] ?? (editing ? (editing[k] === null ? '' : String(editing[k])) : fallback);
    return sendPage(
      reply,
      <Layout page={page} title={t('feedback:settings.title')}>
        <p>
          <a href="/quan-tri/phan-anh">{t('feedback:staff.queue')}</a>
        </p>
        <h1>{t('feedback:settings.title')}</h1>
        <Notice text={state.message} />
        {extra}
        <h2>{t('feedback:settings.categories')}</h2>
        <table>
          <tbody>
            {categories.map((c) => (
              <tr key={c.id}>
                <td>
                  <code>{c.code}</code>
                </td>
                <td>
                  {categoryName(c, page)}
                  {!c.active && <span class="tag"> {t('feedback:settings.inactive')}</span>}
                </td>
                <td>
                  {t(`identity:roles.${c.handlerRole}`)}, {t(`feedback:staff.level.${c.handlerLevel}`)},{' '}
                  {c.deadlineDays} {t('feedback:settings.days')}
                </td>
                {editable && (
                  <td>
                    <a href={`/quan-tri/phan-anh/cai-dat?sua=${c.code}#f-code`}>
                      {t('feedback:settings.save')}
                    </a>
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
        {editable ? (
          <>
            <h3>{editing ? categoryName(editing, page) : t('feedback:settings.add')}</h3>
            <Form page={page} action="/quan-tri/phan-anh/cai-dat/linh-vuc" errors={e}>
              <Field
                name="code"
                label={t('feedback:settings.code')}
                value={cv('code')}
                error={e.code}
                required
              />
              <Field
                name="nameVi"
                label={t('feedback:settings.nameVi')}
                value={cv('nameVi')}
                error={e.nameVi}
                required
              />
              <Field
                name="nameEn"
                label={t('feedback:settings.nameEn')}
                value={cv('nameEn')}
                error={e.nameEn}
              />
              <Field
                name="descriptionVi"
                label={t('feedback:settings.descriptionVi')}
                value={cv('descriptionVi')}
                error={e.descriptionVi}
              />
              <Field
                name="descriptionEn"
                label={t('feedback:settings.descriptionEn')}
                value={cv('descriptionEn')}
                error={e.descriptionEn}
              />
              <Field
                name="keywords"
                label={t('feedback:settings.keywords')}
                value={cv('keywords')}
                error={e.keywords}
              />
              <Select
                name="handlerRole"
                label={t('feedback:settings.role')}
                options={ROLES.map((r) => ({ value: r, label: t(`identity:roles.${r}`) }))}
                value={cv('handlerRole', 'feedback_handler')}
                error={e.handlerRole}
              />
              <Select
                name="handlerLevel"
                label={t('feedback:settings.level')}
                options={[
                  { value: 'commune', label: t('feedback:staff.level.commune') },
                  { value: 'province', label: t('feedback:staff.level.province') },
                ]}
                value={cv('handlerLevel', 'commune')}
                error={e.handlerLevel}
              />
              <Field
                name="deadlineDays"
                type="number"
                label={t('feedback:settings.days')}
                value={cv('deadlineDays', '10')}
                error={e.deadlineDays}
                inputmode="numeric"
              />
              <Field
                name="sortOrder"
                type="number"
                label={t('feedback:settings.order')}
                value={cv('sortOrder', '0')}
                error={e.sortOrder}
                inputmode="numeric"
              />
              <label>
                <input
                  type="checkbox"
                  name="active"
                  value="on"
                  checked={v.active === 'on' || (!('code' in v) && (editing ? editing.active : true))}
                  style="width:auto;display:inline"
                />{' '}
                {t('feedback:settings.active')}
              </label>
              <button type="submit">{t('feedback:settings.save')}</button>
            </Form>
          </>
        ) : (
          <p class="muted">{t('feedback:settings.categoriesReadOnly')}</p>
        )}
        {isAdmin && (
          <>
            <h2>{t('feedback:settings.apiKeys')}</h2>
            <p class="muted">{t('feedback:settings.apiKeysHint')}</p>
            {keys.length === 0 && <p>{t('feedback:settings.none')}</p>}
            <ul>
              {keys.map((k) => (
                <li key={k.id}>
                  <strong>{k.name}</strong> <code>{k.keyPrefix}…</code> ·{' '}
                  {contactPlaces.get(k.placeId)?.fullName} · {k.requestsPerMinute}/min
                  {k.lastUsedAt && (
                    <span class="muted">
                      {' '}
                      · {t('feedback:settings.lastUsed', { date: vnDateTime(k.lastUsedAt) })}
                    </span>
                  )}
                  {k.revokedAt ? (
                    <span class="tag"> {t('feedback:settings.revoked')}</span>
                  ) : (
                    <>
                      {' '}
                      <ActionForm
                        page={page}
                        action={`/quan-tri/phan-anh/cai-dat/khoa-api/${k.id}/thu-hoi`}
                        label={t('feedback:settings.revoke')}
                        kind="link"
                        inline
                      />
                    </>
                  )}
                </li>
              ))}
            </ul>
            <Form page={page} action="/quan-tri/phan-anh/cai-dat/khoa-api">
              <Field
                name="name"
                label={t('feedback:settings.keyName')}
                value={v.name}
                error={e.name}
                required
              />
              <Field
                name="placeCode"
                label={t('feedback:settings.keyPlace')}
                value={v.placeCode}
                error={e.placeCode}
                required
              />
              <Field
                name="requestsPerMinute"
                type="number"
                label={t('feedback:settings.keyRate')}
                value={v.requestsPerMinute ?? '60'}
                error={e.requestsPerMinute}
                inputmode="numeric"
              />
              <button type="submit">{t('feedback:settings.createKey')}</button>
            </Form>
            <h2>{t('feedback:settings.contacts')}</h2>
            <p class="muted">{t('feedback:settings.contactsHint')}</p>
            {contacts.length === 0 && <p>{t('feedback:settings.none')}</p>}
            <ul>
              {contacts.map((c) => (
                <li key={c.id}>
                  {contactPlaces.get(c.placeId)?.fullName}: {c.channel} <code>{c.recipient}</code>{' '}
                  <ActionForm
                    page={page}
                    action={`/quan-tri/phan-anh/cai-dat/lien-he/${c.id}/xoa`}
                    label={t('feedback:settings.remove')}
                    kind="link"
                    inline
                  />
                </li>
              ))}
            </ul>
            <Form page={page} action="/quan-tri/phan-anh/cai-dat/lien-he">
              <Field
                name="placeCode"
                label={t('feedback:settings.contactPlace')}
                value={v.placeCode}
                error={e.placeCode}
                required
              />
              <Select
                name="channel"
                label={t('feedback:settings.channel')}
                options={[
                  { value: 'sms', label: 'SMS' },
                  { value: 'email', label: 'Email' },
                ]}
                value={v.channel}
              />
              <Field
                name="recipient"
                label={t('feedback:settings.recipient')}
                value={v.recipient}
                error={e.recipient}
                required
              />
              <button type="submit">{t('feedback:settings.addContact')}</button>
            </Form>
          </>
        )}
      </Layout>,
      status,
    );
  };

  app.get('/quan-tri/phan-anh/cai-dat', async (req, reply) => {
    if (req.actor.kind !== 'staff') return reply.redirect('/dang-nhap?next=/quan-tri/phan-anh/cai-dat', 303);
    return settingsPage(req, reply, { values: {}, errors: {} });
  });
  app.post('/quan-tri/phan-anh/cai-dat/linh-vuc', (req, reply) =>
    handleForm(
      req,
      reply,
      CategoryForm,
      async (input) => {
        await saveCategory(req.ctx(), input);
        return '/quan-tri/phan-anh/cai-dat';
      },
      (state, status) => settingsPage(req, reply, state, status),
    ),
  );
  app.post('/quan-tri/phan-anh/cai-dat/khoa-api', async (req, reply) => {
    // The new key is shown once, in this answer: a redirect would have to carry it in a URL.
    const raw = blankToUndefined(req.body);
    const parsed = ApiKeyForm.safeParse(raw);
    if (!parsed.success) {
      const values = Object.fromEntries(
        Object.entries(raw).filter(([k, x]) => typeof x === 'string' && k !== '_csrf'),
      ) as Record<string, string>;
      const page = await pageCtx(req, reply);
      return settingsPage(req, reply, { values, errors: errorsFor(page, fieldErrors(parsed.error)) }, 400);
    }
    const issued = await createApiKey(req.ctx(), parsed.data);
    return settingsPage(
      req,
      reply,
      { values: {}, errors: {} },
      201,
      <div class="notice" role="status">
        <p>{translator(req.locale)('feedback:settings.newKey')}</p>
        <p>
          <code>{issued.key}</code>
        </p>
      </div>,
    );
  });
  app.post('/quan-tri/phan-anh/cai-dat/khoa-api/:id/thu-hoi', async (req, reply) => {
    const { id } = Id.parse(req.params);
    await revokeApiKey(req.ctx(), id);
    return reply.redirect('/quan-tri/phan-anh/cai-dat', 303);
  });
  app.post('/quan-tri/phan-anh/cai-dat/lien-he', (req, reply) =>
    handleForm(
      req,
      reply,
      ContactForm,
      async (input) => {
        await addContact(req.ctx(), input);
        return '/quan-tri/phan-anh/cai-dat';
      },
      (state, status) => settingsPage(req, reply, state, status),
    ),
  );
  app.post('/quan-tri/phan-anh/cai-dat/lien-he/:id/xoa', async (req, reply) => {
    const { id } = Id.parse(req.params);
    await removeContact(req.ctx(), id);
    return reply.redirect('/quan-tri/phan-anh/cai-dat', 303);
  });
}
