import type { Actor, RequestMeta } from '../auth/actor.ts';
import type { Ctx } from '../context.ts';
import type { Locale } from '../i18n/index.ts';

declare module 'fastify' {
  interface FastifyRequest {
    locale: Locale;
    actor: Actor;
    meta: RequestMeta;
    /** The use-case context for this request. */
    ctx(): Ctx;
  }
}
