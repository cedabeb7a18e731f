import fastifyCompress from '@fastify/compress';
import fastifyCookie from '@fastify/cookie';
import fastifyCsrf from '@fastify/csrf-protection';
import fastifyFormbody from '@fastify/formbody';
import fastifyHelmet from '@fastify/helmet';
import fastifyMultipart from '@fastify/multipart';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import Fastify, {
  type FastifyInstance,
  type FastifyRequest,
  type FastifyServerOptions,
  type RouteOptions,
} from 'fastify';
import {
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import { z } from 'zod';
import { anonymous } from '#platform/auth/actor.ts';
import type { Ctx } from '#platform/context.ts';
import { NotFound, TooManyRequests } from '#platform/errors.ts';
import { refuseNulBytes } from '#platform/http/nul-bytes.ts';
import { helmetOptions, PERMISSIONS_POLICY } from '#platform/http/security.ts';
import { DEFAULT_LOCALE, isLocale } from '#platform/i18n/index.ts';
import { metricsAuthorized } from '#platform/metrics.ts';
import { fastifyRateLimitStore } from '#platform/rate-limit.ts';
import '#platform/http/types.ts';
import { registerAuditRoutes } from '#modules/audit/index.ts';
import { registerBroadcastRoutes } from '#modules/broadcast/index.ts';
import { registerCalendarRoutes } from '#modules/calendar/index.ts';
import {
  approveAndSignPath,
  papersPath,
  registerDocumentRoutes,
  resultPreviewPath,
  signingAvailable,
  staffPapersPath,
} from '#modules/documents/index.ts';
import { OneStopSettingsNav, registerDossierRoutes } from '#modules/dossiers/index.ts';
import { connectDossierOutbox, registerDvcqgRoutes } from '#modules/dvcqg/index.ts';
import { registerFeedbackRoutes } from '#modules/feedback/index.ts';
import { registerFieldkitRoutes } from '#modules/fieldkit/index.ts';
import { registerIdentityRoutes, resolveActor, SESSION_COOKIE } from '#modules/identity/index.ts';
import { registerIndicatorRoutes } from '#modules/indicators/index.ts';
import { registerNotificationRoutes } from '#modules/notifications/index.ts';
import { feeLinesFor, feesPath, registerPaymentRoutes } from '#modules/payments/index.ts';
import {
  findPlaceByCode,
  findPlacesByIds,
  listChildren,
  registerPlaceRoutes,
} from '#modules/places/index.ts';
import { registerProcedureRoutes } from '#modules/procedures/index.ts';
import { isRated, ratingPath, registerRatingRoutes } from '#modules/ratings/index.ts';
import { registerStatisticsRoutes } from '#modules/statistics/index.ts';
import type { Platform } from '#platform/platform.ts';
import { INLINE_CSS_SOURCE, STATIC_DIR } from '#web/assets.ts';
import { registerCitizenHome } from './citizen-home.tsx';
import { registerErrorHandlers } from './errors.tsx';
import { registerHomeRoutes } from './home.tsx';

export type App = FastifyInstance;

const NO_ACTOR = /^\/(static\/|healthz|metrics|api\/docs|api\/openapi\.json|favicon)/;

export async function buildApp(
  platform: Platform,
  opts: {
    logger?: FastifyServerOptions['logger'];
    /** Sees every route as it is added (the page audit walks the route table with it). */
    onRoute?: (route: RouteOptions) => void;
  } = {},
): Promise<App> {
  const { config, database } = platform;
  const app = Fastify({
    logger: opts.logger ?? false,
    trustProxy: config.TRUST_PROXY,
    bodyLimit: 1024 * 1024,
    // Tracking and API clients retry on flaky links: answer slowly rather than drop.
    connectionTimeout: 60_000,
  }).withTypeProvider<ZodTypeProvider>();
  if (opts.onRoute) app.addHook('onRoute', opts.onRoute);
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  await app.register(fastifyHelmet, helmetOptions(config.PUBLIC_URL, [INLINE_CSS_SOURCE]));
  app.addHook('onRequest', (_req, reply, done) => {
    reply.header('permissions-policy', PERMISSIONS_POLICY);
    done();
  });
  await app.register(fastifyCompress, { global: true, threshold: 1024, encodings: ['br', 'gzip'] });
  await app.register(fastifyCookie, { secret: platform.secrets.cookie });
  await app.register(fastifyFormbody);
  await app.register(fastifyMultipart, { limits: { fileSize: config.UPLOAD_MAX_BYTES, files: 5 } });
  await app.register(fastifyCsrf, {
    sessionPlugin: '@fastify/cookie',
    cookieKey: 'xs_csrf',
    cookieOpts: { path: '/', httpOnly: true, sameSite: 'lax', secure: config.cookieSecure, signed: true },
    getToken: (req) =>
      (req.body as { _csrf?: string } | undefined)?._csrf ??
      (req.headers['x-csrf-token'] as string | undefined),
  });
  await app.register(fastifyRateLimit, {
    global: false,
    store: fastifyRateLimitStore(platform.floodLimiter),
    keyGenerator: (req) => req.ip,
    // The route's own window, in the one error shape (problem+json or the error page).
    errorResponseBuilder: (_req, context) => new TooManyRequests(Math.max(1, Math.ceil(context.ttl / 1000))),
  });
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Xã Số API',
        version: platform.version,
        description:
          'JSON API of the Xã Số commune platform. Errors are RFC 9457 problem+json with per-field messages in Vietnamese and English (`errors: [{field, vi, en}]`). Staff endpoints take a bearer token from `POST /api/v1/auth/login`.',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    },
    transform: jsonSchemaTransform,
  });
  await app.register(fastifySwaggerUi, {
    routePrefix: '/api/docs',
    // Swagger UI adds <style> elements as it runs: allowed on its own pages only (no user data there).
    // The inline stylesheet's hash goes: beside a hash, browsers ignore 'unsafe-inline'.
    transformStaticCSP: (csp) => csp.replace(/style-src [^;]*/, "style-src 'self' 'unsafe-inline'"),
  });
  await app.register(fastifyStatic, {
    root: STATIC_DIR,
    prefix: '/static/',
    maxAge: '365d',
    immutable: true,
  });

  app.decorateRequest('locale', DEFAULT_LOCALE);
  // Fastify forbids object defaults on requests (they would be shared); onRequest sets both.
  app.decorateRequest('actor', null as never);
  app.decorateRequest('meta', null as never);
  app.decorateRequest('ctx', function ctx(this: FastifyRequest): Ctx {
    return {
      db: database.db,
      sql: database,
      actor: this.actor,
      meta: this.meta,
      clock: platform.clock,
      events: platform.events,
    };
  });

  app.addHook('onRequest', async (req, reply) => {
    req.meta = { ip: req.ip, userAgent: req.headers['user-agent'] };
    req.actor = anonymous;
    const lang = (req.query as { lang?: string } | undefined)?.lang;
    if (isLocale(lang)) {
      req.locale = lang;
      reply.setCookie('lang', lang, {
        path: '/',
        maxAge: 365 * 86400,
        sameSite: 'lax',
        secure: config.cookieSecure,
      });
    } else if (isLocale(req.cookies.lang)) {
      req.locale = req.cookies.lang;
    }
    if (NO_ACTOR.test(req.url)) return;
    // The API takes bearer tokens only and pages take the session cookie only, so a page's
    // cookie can never authorise a cross-site API call.
    if (req.url.startsWith('/api/')) {
      const auth = req.headers.authorization;
      req.actor = await resolveActor(
        database.db,
        auth?.startsWith('Bearer ') ? auth.slice(7) : undefined,
        'api',
      );
    } else {
      req.actor = await resolveActor(database.db, req.cookies[SESSION_COOKIE], 'web');
    }
  });

  app.addHook('preHandler', (req, reply, done) => {
    const unsafe = !['GET', 'HEAD', 'OPTIONS'].includes(req.method);
    if (unsafe && !req.url.startsWith('/api/') && !req.url.startsWith('/open311/')) {
      return app.csrfProtection(req, reply, done);
    }
    done();
  });

  // A NUL character cannot be stored (PostgreSQL text): a clear 400 here, not a database error later.
  app.addHook('preHandler', async (req) => {
    refuseNulBytes(req);
  });

  app.addHook('onResponse', async (req, reply) => {
    platform.metrics.httpDuration.observe(
      { method: req.method, route: req.routeOptions.url ?? 'unmatched', status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
  });

  registerErrorHandlers(app);

  app.get(
    '/healthz',
    {
      schema: {
        hide: true,
        response: {
          200: z.object({
            status: z.literal('ok'),
            database: z.enum(['pglite', 'postgres']),
            version: z.string(),
          }),
          503: z.object({
            status: z.literal('error'),
            database: z.enum(['pglite', 'postgres']),
            version: z.string(),
          }),
        },
      },
    },
    async (_req, reply) => {
      try {
        await database.query('select 1');
        return { status: 'ok' as const, database: database.kind, version: platform.version };
      } catch {
        return reply
          .code(503)
          .send({ status: 'error' as const, database: database.kind, version: platform.version });
      }
    },
  );
  // Metrics name routes and volumes: served here only to a scraper holding METRICS_TOKEN; without
  // one, only on the internal address METRICS_PORT (main.ts), and this path is an unknown page.
  app.get('/metrics', { schema: { hide: true } }, async (req, reply) => {
    if (!config.METRICS_TOKEN) throw new NotFound();
    if (!metricsAuthorized(req.headers.authorization, config.METRICS_TOKEN)) {
      return reply.code(401).header('www-authenticate', 'Bearer realm="metrics"').send();
    }
    reply.type(platform.metrics.registry.contentType);
    return platform.metrics.registry.metrics();
  });
  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  registerHomeRoutes(app);
  registerIdentityRoutes(app, platform);
  registerCitizenHome(app);
  registerPlaceRoutes(app);
  registerAuditRoutes(app, { findPlaceByCode, findPlacesByIds, listChildren });
  registerNotificationRoutes(app, platform);
  registerBroadcastRoutes(app, platform);
  registerProcedureRoutes(app, platform);
  registerFeedbackRoutes(app, platform);
  // The dossiers' pages link to pages of modules that import dossiers: their addresses come in here.
  registerDossierRoutes(app, platform, {
    papers: papersPath,
    staffPapers: staffPapersPath,
    fees: feesPath,
    rating: ratingPath,
    rated: (ctx, dossierId) => isRated(ctx.db, dossierId),
    resultPreview: resultPreviewPath,
    approveAndSign: approveAndSignPath,
    canSign: signingAvailable(platform),
  });
  // The yearly calendar's page sits among the one-stop settings and shows their nav.
  registerCalendarRoutes(app, { nav: (page) => OneStopSettingsNav({ page }) });
  registerDocumentRoutes(app, platform, { fees: feeLinesFor });
  registerPaymentRoutes(app, platform);
  registerRatingRoutes(app, platform);
  registerStatisticsRoutes(app);
  registerIndicatorRoutes(app, platform);
  registerFieldkitRoutes(app, platform);
  // The national portal's outbox runs inside every dossier change (decision 033).
  connectDossierOutbox();
  registerDvcqgRoutes(app, platform);

  await app.ready();
  return app;
}
