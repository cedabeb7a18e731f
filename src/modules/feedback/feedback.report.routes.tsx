import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { findPlaceByCode, findPlaceById, listChildren, searchPlaces } from '#modules/places/index.ts';
import { translator } from '#platform/i18n/index.ts';
import type { Platform } from '#platform/platform.ts';
import { blankToUndefined } from '#platform/validation.ts';
import { handleForm } from '#web/form-action.ts';
import { type BufferedFile, formOf, inMemory, multipartForm } from '#web/multipart.ts';
import { pageCtx, sendPage } from '#web/render.tsx';
import { filesAtCounter } from './feedback.access.ts';
import { actAsReporter, type ReporterCommand } from './feedback.handling.ts';
import type { PhotoProblem, Upload } from './feedback.photos.ts';
import {
  getReportByToken,
  listCategories,
  listPhotos,
  namesFor,
  placeNames,
  publicTimeline,
  reporterActions,
} from './feedback.read.ts';
import type { FormPage } from './feedback.routes.ts';
import { RateForm, ReporterReopenForm, ReportForm, SupplementForm, TokenParam } from './feedback.schemas.ts';
import { type FeedbackDeps, type Report, stateOf } from './feedback.service.ts';
import { addPhotos, createReport } from './feedback.submission.ts';
import { PlaceStepPage, ReportFormPage } from './views/report.tsx';
import { TrackPage } from './views/track.tsx';

/**
 * Anonymous writes are limited per address, but generously: a whole district's phones can share one
 * address behind a mobile operator's NAT.
 */
const UPLOAD_LIMIT = { rateLimit: { max: 60, timeWindow: 10 * 60_000 } };

// ---------------------------------------------------------------------------------------------
// Multipart forms without JavaScript

/**
 * Photos come through the shared reader (#web/multipart.ts), which checks the form's CSRF token
 * before the first file and counts the client's upload bytes. Files are held in memory, each at most
 * UPLOAD_MAX_BYTES and at most five; a file over the size is kept as "truncated" so the others still
 * count and the report is still made, and a sixth is reported as one too many.
 */
const PHOTOS = 5;

function photoReader(platform: Platform) {
  const maxBytes = platform.config.UPLOAD_MAX_BYTES;
  const read = multipartForm({
    files: PHOTOS,
    fileBytes: maxBytes,
    quota: platform.uploads,
    file: inMemory(maxBytes),
  });
  return async (req: FastifyRequest, reply: FastifyReply) => {
    await read(req, reply);
    // Fields as the forms send them: one value each (the last, if repeated).
    const body = req.body as Record<string, string | string[]> | undefined;
    if (body) {
      for (const [k, v] of Object.entries(body)) if (Array.isArray(v)) body[k] = v[v.length - 1] ?? '';
    }
  };
}

function uploadsOf(req: FastifyRequest): Upload[] {
  const form = formOf<BufferedFile>(req);
  const uploads = form.files.map(({ value: f }) => ({
    filename: f.filename.slice(0, 120),
    data: f.data,
    truncated: f.tooLarge,
  }));
  // More files than allowed: the fields and the first files are kept; the rest are reported.
  if (form.errors.some((e) => e.field === 'files'))
    uploads.push({ filename: '…', data: Buffer.alloc(0), truncated: false });
  return uploads;
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

// ---------------------------------------------------------------------------------------------
// Reporting: choose the place in steps (GET), then one form (POST)

const str = (v: unknown) => (typeof v === 'string' ? v.trim().slice(0, 100) : '');

const reportPage: FormPage = async (platform, req, reply, state, status = 200) => {
  const db = platform.database.db;
  const page = await pageCtx(req, reply);
  const query = blankToUndefined(req.query);
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
      <PlaceStepPage {...{ page, counter, q, choices, parents, provinces, province, communes }} />,
      status,
    );
  }

  // Step 2: the report itself.
  const villages = (await listChildren(db, commune.id)).filter((p) => p.level === 'village' && !p.validTo);
  const categories = await listCategories(db, { activeOnly: true });
  const province = commune.parentId ? await findPlaceById(db, commune.parentId) : undefined;
  const v = state.values;
  const phone = v.phone ?? (req.actor.kind === 'citizen' && !counter ? req.actor.phone : undefined);
  return sendPage(
    reply,
    <ReportFormPage
      {...{ page, state, counter, commune, province, villages, categories, phone }}
      village={str(query.thon)}
      formKey={v.key ?? randomUUID()}
    />,
    status,
  );
};

// ---------------------------------------------------------------------------------------------
// The reporter's private page

const trackPage: FormPage = async (platform, req, reply, state, status = 200) => {
  const db = platform.database.db;
  const { token } = TokenParam.parse(req.params);
  const report = await getReportByToken(db, token);
  const page = await pageCtx(req, reply);
  const [{ log, state: derived }, photos, { categories, places }] = await Promise.all([
    stateOf(db, report.id),
    listPhotos(db, report.id),
    namesFor(db, [report]),
  ]);
  const intoCode = report.mergedIntoId ? log.find((a) => a.type === 'merge')?.details.intoCode : undefined;
  const notifyTo = [
    report.contactPhone && `…${report.contactPhone.slice(-3)}`,
    report.contactEmail?.replace(/^(.).*@/, '$1…@'),
  ]
    .filter(Boolean)
    .join(', ');
  reply.header('referrer-policy', 'no-referrer');
  return sendPage(
    reply,
    <TrackPage
      {...{ page, state, report, categories, places, photos, notifyTo }}
      query={blankToUndefined(req.query)}
      timeline={publicTimeline(log)}
      mergedInto={typeof intoCode === 'string' ? intoCode : undefined}
      can={reporterActions(derived, platform.clock.now())}
    />,
    status,
  );
};

/** A form of the private page (rate, reopen): the reporter acts, then is back on the page. */
function reporterForm<S extends z.ZodType>(
  platform: Platform,
  schema: S,
  command: (data: z.output<S>) => ReporterCommand,
) {
  return (req: FastifyRequest, reply: FastifyReply) =>
    handleForm(
      req,
      reply,
      schema,
      async (data) => {
        const { token } = TokenParam.parse(req.params);
        await actAsReporter(req.ctx(), token, command(data));
        return `/phan-anh/theo-doi/${token}`;
      },
      (state, status) => trackPage(platform, req, reply, state, status),
    );
}

/** Reporting (/phan-anh/gui) and the reporter's private page (/phan-anh/theo-doi/{token}) with its forms. */
export function registerReportPages(app: FastifyInstance, platform: Platform, deps: FeedbackDeps) {
  const db = platform.database.db;
  const readPhotos = photoReader(platform);

  app.get('/phan-anh/gui', (req, reply) => reportPage(platform, req, reply, { values: {}, errors: {} }));
  app.post('/phan-anh/gui', { preValidation: readPhotos, config: UPLOAD_LIMIT }, (req, reply) => {
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
          platform,
          req,
          reply,
          uploads.length > 0 && status === 400
            ? { ...state, message: translator(req.locale)('feedback:form.photosAgain') }
            : state,
          status,
        ),
    );
  });

  app.get('/phan-anh/theo-doi/:token', (req, reply) =>
    trackPage(platform, req, reply, { values: {}, errors: {} }),
  );
  app.post(
    '/phan-anh/theo-doi/:token/anh',
    { preValidation: readPhotos, config: UPLOAD_LIMIT },
    async (req, reply) => {
      const { token } = TokenParam.parse(req.params);
      const report = await getReportByToken(db, token);
      const result = await addPhotos(db, deps, report, uploadsOf(req), 'reporter');
      return reply.redirect(trackUrl(report, result), 303);
    },
  );
  app.post(
    '/phan-anh/theo-doi/:token/danh-gia',
    reporterForm(platform, RateForm, ({ rating }) => ({ type: 'rate', rating })),
  );
  app.post(
    '/phan-anh/theo-doi/:token/mo-lai',
    reporterForm(platform, ReporterReopenForm, ({ reason }) => ({ type: 'reopen', body: reason })),
  );
  app.post(
    '/phan-anh/theo-doi/:token/bo-sung',
    reporterForm(platform, SupplementForm, ({ info }) => ({ type: 'supplement', body: info })),
  );
}
