import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { ZodError } from 'zod';
import { isDatabaseUnavailable } from '#platform/db/client.ts';
import {
  AppError,
  type Bilingual,
  Invalid,
  NotFound,
  ServiceUnavailable,
  TooManyRequests,
} from '#platform/errors.ts';
import { fieldErrors, splitMessage } from '#platform/validation.ts';
import { Layout } from '#web/layout.tsx';
import { pageCtx, sendPage } from '#web/render.tsx';

/** API clients get problem+json; browsers get a page. */
export function wantsJson(req: FastifyRequest) {
  return (
    req.url.startsWith('/api/') ||
    req.url.startsWith('/open311/') ||
    !String(req.headers.accept ?? '').includes('text/html')
  );
}

const TITLES: Record<number, Bilingual> = {
  400: { vi: 'Dữ liệu không hợp lệ', en: 'Invalid input' },
  401: { vi: 'Cần đăng nhập', en: 'Sign-in required' },
  403: { vi: 'Không có quyền', en: 'Forbidden' },
  404: { vi: 'Không tìm thấy', en: 'Not found' },
  409: { vi: 'Xung đột dữ liệu', en: 'Conflict' },
  413: { vi: 'Dữ liệu quá lớn', en: 'Payload too large' },
  415: { vi: 'Định dạng không được hỗ trợ', en: 'Unsupported media type' },
  429: { vi: 'Quá nhiều yêu cầu', en: 'Too many requests' },
  500: { vi: 'Lỗi hệ thống', en: 'Internal error' },
  503: { vi: 'Tạm thời gián đoạn', en: 'Temporarily unavailable' },
};

/**
 * PostgreSQL's data exceptions that only a value can cause: string too long (22001), numeric out of
 * range (22003), bad date or time (22007, 22008), interval overflow (22015), a NUL or a character
 * the encoding lacks (22021, 22P05), text that is not the type asked (22P02).
 */
const VALUE_ERRORS = new Set(['22001', '22003', '22007', '22008', '22015', '22021', '22P02', '22P05']);

/** Any error, as the project's own error type. Unknown errors become a 500 with no detail. */
export function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  if (hasZodFastifySchemaValidationErrors(error)) {
    return new Invalid(
      error.validation.map((v) => ({
        field: [error.validationContext, ...v.instancePath.split('/').filter(Boolean)]
          .filter(Boolean)
          .join('.'),
        ...splitMessage(v.message ?? ''),
      })),
    );
  }
  if (isDatabaseUnavailable(error)) return new ServiceUnavailable(5);
  // A schema parsed in a route with .parse() (not the route's own schema): the fields it refused.
  if (error instanceof ZodError) return new Invalid(fieldErrors(error));
  // A value the database cannot hold (out of range, not text, not a date): the request's fault.
  // (Drizzle wraps the driver's error: its code is on the cause.)
  const sqlState =
    (error as { code?: unknown }).code ?? (error as { cause?: { code?: unknown } }).cause?.code;
  if (typeof sqlState === 'string' && VALUE_ERRORS.has(sqlState)) {
    return new Invalid([], {
      vi: 'Một giá trị gửi lên nằm ngoài giới hạn hoặc không đúng định dạng.',
      en: 'A value sent is out of range or not in a valid form.',
    });
  }
  const e = error as FastifyError;
  const status = e.statusCode ?? 500;
  if (status === 429) return new TooManyRequests(60);
  if (status === 404) return new NotFound();
  if (status >= 400 && status < 500) {
    const csrf = e.code?.startsWith('FST_CSRF');
    return new AppError(
      status,
      csrf ? 'csrf' : (e.code ?? 'bad-request').toLowerCase(),
      csrf
        ? {
            vi: 'Phiên làm việc đã hết hạn. Vui lòng tải lại trang và gửi lại.',
            en: 'Your session expired. Reload the page and send again.',
          }
        : { vi: TITLES[status]?.vi ?? 'Yêu cầu không hợp lệ.', en: e.message },
    );
  }
  return new AppError(500, 'internal', {
    vi: 'Hệ thống đang gặp sự cố. Dữ liệu của bạn không bị mất; vui lòng thử lại sau ít phút.',
    en: 'The system has a problem. Nothing you sent was lost; please try again in a few minutes.',
  });
}

export function problemBody(err: AppError, req: FastifyRequest) {
  const title = TITLES[err.status] ?? TITLES[500];
  return {
    type: `urn:xaso:problem:${err.kind}`,
    title: req.locale === 'en' ? title?.en : title?.vi,
    status: err.status,
    detail: req.locale === 'en' ? err.detail.en : err.detail.vi,
    messages: err.detail,
    ...(err instanceof Invalid ? { errors: err.fields } : {}),
  };
}

export async function sendError(req: FastifyRequest, reply: FastifyReply, error: unknown) {
  const err = toAppError(error);
  if (err.status >= 500) req.log.error({ err: error }, 'request failed');
  if (err instanceof TooManyRequests || err instanceof ServiceUnavailable) {
    reply.header('retry-after', String(err.retryAfterSeconds));
  }
  if (wantsJson(req)) {
    return reply.code(err.status).type('application/problem+json').send(problemBody(err, req));
  }
  const page = await pageCtx(req, reply);
  const title = TITLES[err.status] ?? TITLES[500];
  return sendPage(
    reply,
    <Layout page={page} title={page.locale === 'en' ? (title?.en ?? '') : (title?.vi ?? '')}>
      <h1>{page.locale === 'en' ? title?.en : title?.vi}</h1>
      <p>{page.locale === 'en' ? err.detail.en : err.detail.vi}</p>
      {err instanceof Invalid && (
        <ul>
          {err.fields.map((f) => (
            <li key={f.field}>{page.locale === 'en' ? f.en : f.vi}</li>
          ))}
        </ul>
      )}
      {err.status === 401 ? (
        <p>
          <a href={`/dang-nhap?next=${encodeURIComponent(req.url)}`}>{page.t('web:nav.signIn')}</a>
        </p>
      ) : (
        <p>
          <a href="/">{page.t('web:error.back')}</a>
        </p>
      )}
    </Layout>,
    err.status,
  );
}

export function registerErrorHandlers(app: FastifyInstance) {
  app.setErrorHandler((error, req, reply) => sendError(req, reply, error));
  app.setNotFoundHandler((req, reply) => sendError(req, reply, new NotFound()));
}
