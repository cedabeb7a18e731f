import { XMLBuilder } from 'fast-xml-parser';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { findPlaceByCode, findPlaceById, type Place } from '#modules/places/index.ts';
import { AppError, Invalid, TooManyRequests } from '#platform/errors.ts';
import type { Locale } from '#platform/i18n/index.ts';
import type { Platform } from '#platform/platform.ts';
import { blankToUndefined, parse } from '#platform/validation.ts';
import { redact, redactOptional } from './feedback.privacy.ts';
import * as q from './feedback.queries.ts';
import { placeNames } from './feedback.read.ts';
import { Open311Post, Open311Query } from './feedback.schemas.ts';
import type { Category, FeedbackDeps, Report } from './feedback.service.ts';
import { authenticateApiKey } from './feedback.settings.ts';
import { createReport } from './feedback.submission.ts';
import { open311Status, type Status } from './feedback.workflow.ts';

/**
 * Open311 GeoReport v2 (https://wiki.open311.org/GeoReport_v2): field names exactly as the
 * specification spells them, JSON and XML, errors as a list of {code, description}. Only open and
 * closed exist there; our finer status goes in status_notes. Content a person wrote is only given
 * out once a handler has published the report (the moderation step), and never with contact data.
 */
export const OPEN311_PREFIX = '/open311/v2';
/** The longest start_date–end_date window a list may ask for, as the specification suggests. */
export const MAX_WINDOW_DAYS = 90;
export const MAX_RESULTS = 1000;

type Format = 'json' | 'xml';
type Db = Platform['database']['db'];

const STATUS_NOTES: Record<Status, Record<Locale, string>> = {
  new: { vi: 'Mới gửi, chờ tiếp nhận', en: 'New, waiting to be acknowledged' },
  awaiting_info: {
    vi: 'Chờ người phản ánh bổ sung thông tin',
    en: 'Waiting for more information from the reporter',
  },
  acknowledged: { vi: 'Đã tiếp nhận', en: 'Acknowledged' },
  in_progress: { vi: 'Đang xử lý', en: 'In progress' },
  answered: { vi: 'Đã trả lời', en: 'Answered' },
  closed: { vi: 'Đã đóng', en: 'Closed' },
  reopened: { vi: 'Được mở lại', en: 'Reopened' },
};

export class Open311Error extends Error {
  constructor(
    public readonly status: number,
    public readonly description: string,
  ) {
    super(description);
  }
}

/** W3C date-time in Vietnam time, e.g. 2026-11-22T09:30:00+07:00. */
export function w3c(d: Date) {
  return `${new Date(d.getTime() + 7 * 3_600_000).toISOString().slice(0, 19)}+07:00`;
}

/** A W3C date or date-time; without an offset it is Vietnam time. `end` makes a bare date its last instant. */
export function parseW3c(value: string, end = false): Date {
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) {
    const start = Date.parse(`${value}T00:00:00+07:00`);
    return new Date(end ? start + 86_400_000 - 1 : start);
  }
  const hasOffset = /(Z|[+-]\d{2}:?\d{2})$/i.test(value);
  return new Date(hasOffset ? value : `${value}+07:00`);
}

const xml = new XMLBuilder({ ignoreAttributes: false, suppressEmptyNode: true, format: false });

function toXmlValue(v: unknown): unknown {
  if (v === null || v === undefined) return '';
  if (Array.isArray(v)) return v.map(toXmlValue);
  if (typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, toXmlValue(x)]));
  return v;
}

function send(
  reply: FastifyReply,
  format: Format,
  status: number,
  root: string,
  item: string,
  data: unknown,
) {
  reply.code(status).header('cache-control', 'no-store');
  if (format === 'json') return reply.type('application/json; charset=utf-8').send(JSON.stringify(data));
  const body = Array.isArray(data) ? { [item]: toXmlValue(data) } : toXmlValue(data);
  return reply
    .type('text/xml; charset=utf-8')
    .send(`<?xml version="1.0" encoding="utf-8"?>${xml.build({ [root]: body })}`);
}

function formatOf(url: string): Format {
  return /\.xml(\?|$)/.test(url) ? 'xml' : 'json';
}

/** `services.json` → 'services', 'json'. */
function splitFile(file: string): { name: string; format: Format } {
  const m = /^(.+)\.(json|xml)$/.exec(file);
  if (!m?.[1]) throw new Open311Error(404, 'Use a .json or .xml path.');
  return { name: decodeURIComponent(m[1]), format: m[2] as Format };
}

function sendError(req: FastifyRequest, reply: FastifyReply, error: unknown) {
  const en = req.locale === 'en';
  let status: number;
  let description: string;
  if (error instanceof Open311Error) {
    status = error.status;
    description = error.description;
  } else if (error instanceof AppError) {
    status = error.status;
    if (error instanceof TooManyRequests) reply.header('retry-after', String(error.retryAfterSeconds));
    description =
      error instanceof Invalid
        ? error.fields.map((f) => `${f.field}: ${en ? f.en : f.vi}`).join(' ')
        : en
          ? error.detail.en
          : error.detail.vi;
  } else {
    // Fastify's own errors (a body that is too large, a content type it cannot parse) carry a 4xx.
    const code = (error as { statusCode?: number }).statusCode ?? 500;
    status = code >= 400 && code < 500 ? code : 500;
    if (status === 500) req.log.error({ err: error }, 'open311 request failed');
    description = status === 500 ? (en ? 'Internal error.' : 'Lỗi hệ thống.') : (error as Error).message;
  }
  return send(reply, formatOf(req.url), status, 'errors', 'error', [{ code: status, description }]);
}

function serviceOut(c: Category, locale: Locale) {
  const en = locale === 'en';
  return {
    service_code: c.code,
    service_name: (en && c.nameEn) || c.nameVi,
    description: (en && c.descriptionEn) || c.descriptionVi || '',
    metadata: false,
    type: 'realtime',
    keywords: c.keywords ?? '',
    group: en ? 'Citizen feedback' : 'Phản ánh kiến nghị',
  };
}

interface Lookups {
  categories: Map<number, Category>;
  places: Map<number, Place>;
  photos: Map<number, number>;
  merged: Map<number, string>;
}

async function lookups(db: Db, reports: Report[]): Promise<Lookups> {
  const categories = new Map((await q.listCategories(db)).map((c) => [c.id, c]));
  const places = await placeNames(
    db,
    reports.flatMap((r) => [r.placeId, r.communeId, r.handlingPlaceId]),
  );
  const published = reports.filter((r) => r.publishedAt && r.publicPhotos).map((r) => r.id);
  const photos = new Map((await q.firstPhotos(db, published)).map((p) => [p.reportId, p.id]));
  const mergedIds = reports.map((r) => r.mergedIntoId).filter((x): x is number => x !== null);
  const merged = new Map((await q.findReportsByIds(db, mergedIds)).map((r) => [r.id, r.serviceRequestId]));
  return { categories, places, photos, merged };
}

function statusNotes(r: Report, l: Lookups, locale: Locale) {
  const en = locale === 'en';
  const parts = [STATUS_NOTES[r.status][locale]];
  if (r.refusedAt) parts.push(en ? 'not accepted' : 'không được tiếp nhận');
  if (r.mergedIntoId)
    parts.push(`${en ? 'duplicate of' : 'trùng với'} ${l.merged.get(r.mergedIntoId) ?? ''}`);
  if (r.handlingLevel === 'province' && !r.mergedIntoId)
    parts.push(en ? 'handled by the province' : 'do tỉnh xử lý');
  let notes = parts.join(', ');
  if (r.publishedAt && r.publicReply) notes += `. ${en ? 'Answer' : 'Trả lời'}: ${redact(r.publicReply, r)}`;
  return notes;
}

export function requestOut(r: Report, l: Lookups, deps: FeedbackDeps, locale: Locale) {
  const c = l.categories.get(r.categoryId);
  const place = l.places.get(r.placeId);
  const commune = l.places.get(r.communeId);
  const office = l.places.get(r.handlingPlaceId);
  const published = r.publishedAt !== null;
  const area = [place, place?.id === commune?.id ? undefined : commune]
    .filter(Boolean)
    .map((p) => p?.fullName);
  const photo = l.photos.get(r.id);
  const base = deps.publicUrl.replace(/\/$/, '');
  return {
    service_request_id: r.serviceRequestId,
    status: open311Status(r.status),
    status_notes: statusNotes(r, l, locale),
    service_name: c ? (locale === 'en' && c.nameEn) || c.nameVi : null,
    service_code: c?.code ?? null,
    description: published ? redact(r.publicDescription ?? r.description, r) : null,
    agency_responsible: office
      ? `${locale === 'en' ? "People's Committee of" : 'UBND'} ${office.fullName}`
      : null,
    service_notice: null,
    requested_datetime: w3c(r.createdAt),
    updated_datetime: w3c(r.updatedAt),
    expected_datetime: w3c(r.dueAt),
    address: [published ? redactOptional(r.landmark, r) : null, ...area].filter(Boolean).join(', '),
    address_id: place?.code ?? null,
    zipcode: null,
    lat: published && r.lat !== null ? Number(r.lat) : null,
    long: published && r.long !== null ? Number(r.long) : null,
    media_url: published
      ? photo !== undefined
        ? `${base}/phan-anh/anh/${photo}`
        : r.publicPhotos
          ? r.mediaUrl
          : null
      : null,
  };
}

const notFound = (req: FastifyRequest, what: string) =>
  new Open311Error(404, req.locale === 'en' ? `${what} not found.` : `Không tìm thấy ${what}.`);

async function placeFilter(db: Db, req: FastifyRequest, code: string | undefined) {
  if (!code) return undefined;
  const place = await findPlaceByCode(db, code);
  if (!place)
    throw new Open311Error(
      400,
      `jurisdiction_id: ${req.locale === 'en' ? 'unknown place code' : 'không có địa bàn mã này'} ${code}.`,
    );
  return place;
}

/** `GET requests`: by ids, or by place, service, status and a window of at most 90 days. */
async function findRequests(
  db: Db,
  now: Date,
  req: FastifyRequest,
  f: Open311Query,
  place: Place | undefined,
) {
  if (f.service_request_id) {
    // The specification: with ids given, the other filters are ignored.
    return q.listForOpen311(db, {
      ids: f.service_request_id,
      placePath: place?.path,
      limit: MAX_RESULTS,
    });
  }
  const end = f.end_date ? parseW3c(f.end_date, true) : now;
  const start = f.start_date
    ? parseW3c(f.start_date)
    : new Date(end.getTime() - MAX_WINDOW_DAYS * 86_400_000);
  const en = req.locale === 'en';
  if (start.getTime() > end.getTime()) {
    throw new Open311Error(
      400,
      en ? 'start_date must be before end_date.' : 'start_date phải trước end_date.',
    );
  }
  if (end.getTime() - start.getTime() > MAX_WINDOW_DAYS * 86_400_000) {
    throw new Open311Error(
      400,
      en
        ? `The start_date–end_date window may be at most ${MAX_WINDOW_DAYS} days.`
        : `Khoảng start_date–end_date tối đa ${MAX_WINDOW_DAYS} ngày.`,
    );
  }
  let categoryIds: number[] | undefined;
  if (f.service_code) {
    const wanted = new Set(f.service_code);
    categoryIds = (await q.listCategories(db)).filter((c) => wanted.has(c.code)).map((c) => c.id);
  }
  return q.listForOpen311(db, {
    placePath: place?.path,
    categoryIds,
    from: start,
    to: end,
    statuses: f.status,
    limit: MAX_RESULTS,
  });
}

/** `POST requests`: a report from a client holding an API key, made by the same use case as the web form. */
async function postRequest(platform: Platform, req: FastifyRequest, reply: FastifyReply, format: Format) {
  const db = platform.database.db;
  const body = blankToUndefined(req.body);
  const key = await authenticateApiKey(
    db,
    platform.limiter,
    typeof body.api_key === 'string' ? body.api_key : undefined,
  );
  const input = parse(Open311Post, body);
  const en = req.locale === 'en';
  if (!input.description) {
    throw new Open311Error(
      400,
      en ? 'description: please describe the problem.' : 'description: vui lòng mô tả sự việc.',
    );
  }
  if ((input.lat === undefined) !== (input.long === undefined)) {
    throw new Open311Error(400, en ? 'lat and long go together.' : 'lat và long phải đi cùng nhau.');
  }
  if (input.lat === undefined && !input.address_string && !input.address_id) {
    throw new Open311Error(
      400,
      en
        ? 'A location is required: lat and long, address_string or address_id.'
        : 'Cần vị trí: lat và long, address_string hoặc address_id.',
    );
  }
  // A key given to one commune (or village) needs no jurisdiction_id.
  const keyPlace =
    input.address_id || input.jurisdiction_id ? undefined : await findPlaceById(db, key.placeId);
  const placeCode =
    input.address_id ??
    input.jurisdiction_id ??
    (keyPlace && (keyPlace.level === 'commune' || keyPlace.level === 'village') ? keyPlace.code : undefined);
  if (!placeCode) {
    throw new Open311Error(
      400,
      en
        ? 'jurisdiction_id: the code of the commune (or address_id: of the village) is required.'
        : 'jurisdiction_id: cần mã xã, phường (hoặc address_id: mã thôn, bản).',
    );
  }
  const idem = req.headers['idempotency-key'];
  const name_ = [input.first_name, input.last_name].filter(Boolean).join(' ');
  const { report, created } = await createReport(
    req.ctx(),
    {
      categoryCode: input.service_code,
      placeCode,
      description: input.description,
      landmark: input.address_string,
      lat: input.lat,
      long: input.long,
      mediaUrl: input.media_url,
      contactName: name_ || undefined,
      contactPhone: input.phone,
      contactEmail: input.email,
      idempotencyKey: typeof idem === 'string' && idem ? `k${key.id}:${idem.slice(0, 200)}` : undefined,
    },
    { channel: 'open311', apiKey: key },
  );
  const due = w3c(report.dueAt).slice(0, 10).split('-').reverse().join('/');
  return send(reply, format, created ? 201 : 200, 'service_requests', 'request', [
    {
      service_request_id: report.serviceRequestId,
      token: report.token,
      service_notice: en ? `Answer due by ${due}.` : `Hạn trả lời: ${due}.`,
      account_id: null,
    },
  ]);
}

export function registerOpen311(root: FastifyInstance, platform: Platform, deps: FeedbackDeps) {
  root.register(
    async (app) => {
      app.setErrorHandler((error, req, reply) => sendError(req, reply, error));
      app.setNotFoundHandler((req, reply) =>
        sendError(
          req,
          reply,
          new Open311Error(404, req.locale === 'en' ? 'No such resource.' : 'Không có tài nguyên này.'),
        ),
      );
      const db = platform.database.db;
      const getLimit = { rateLimit: { max: 600, timeWindow: 60_000 } };

      // Lists: services.json, requests.json
      app.get('/:file', { config: getLimit }, async (req, reply) => {
        const { name, format } = splitFile((req.params as { file: string }).file);
        const query = blankToUndefined(req.query);
        if (name === 'services') {
          await placeFilter(
            db,
            req,
            typeof query.jurisdiction_id === 'string' ? query.jurisdiction_id : undefined,
          );
          const categories = await q.listCategories(db, { activeOnly: true });
          return send(
            reply,
            format,
            200,
            'services',
            'service',
            categories.map((c) => serviceOut(c, req.locale)),
          );
        }
        if (name !== 'requests') throw notFound(req, name);
        const f = parse(Open311Query, query);
        const place = await placeFilter(db, req, f.jurisdiction_id);
        const reports = await findRequests(db, platform.clock.now(), req, f, place);
        const l = await lookups(db, reports);
        return send(
          reply,
          format,
          200,
          'service_requests',
          'request',
          reports.map((r) => requestOut(r, l, deps, req.locale)),
        );
      });

      app.get('/services/:file', { config: getLimit }, async (req, reply) => {
        const { name, format } = splitFile((req.params as { file: string }).file);
        const c = await q.findCategoryByCode(db, name);
        if (!c?.active) throw notFound(req, `service_code ${name}`);
        return send(reply, format, 200, 'service_definition', 'attribute', {
          service_code: c.code,
          attributes: [],
        });
      });

      app.get('/requests/:file', { config: getLimit }, async (req, reply) => {
        const { name, format } = splitFile((req.params as { file: string }).file);
        const r = await q.findReportByCode(db, name);
        if (!r) throw notFound(req, `service_request_id ${name}`);
        const l = await lookups(db, [r]);
        return send(reply, format, 200, 'service_requests', 'request', [requestOut(r, l, deps, req.locale)]);
      });

      app.get('/tokens/:file', { config: getLimit }, async (req, reply) => {
        const { name, format } = splitFile((req.params as { file: string }).file);
        const r = /^[A-Za-z0-9_-]{16,64}$/.test(name) ? await q.findReportByToken(db, name) : undefined;
        if (!r) throw notFound(req, 'token');
        return send(reply, format, 200, 'service_requests', 'request', [
          { service_request_id: r.serviceRequestId, token: r.token },
        ]);
      });

      app.post('/:file', async (req, reply) => {
        const { name, format } = splitFile((req.params as { file: string }).file);
        if (name !== 'requests') throw notFound(req, name);
        return postRequest(platform, req, reply, format);
      });
    },
    { prefix: OPEN311_PREFIX },
  );
}
