import type { FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { AppError, Invalid, TooManyRequests } from '#platform/errors.ts';
import { blankToUndefined, parse } from '#platform/validation.ts';
import type { Errors } from './form.tsx';

export interface FormState {
  values: Record<string, string>;
  errors: Errors;
  /** A message about the whole form (a conflict, a lock-out), in the page's language. */
  message?: string;
}

/**
 * POST → parse with the form's schema → run the use case → 303 redirect (POST/redirect/GET).
 * Invalid input re-renders the same form with the values typed and field-by-field errors (400);
 * 4xx errors from the use case re-render it with a message. Nothing typed is lost.
 */
export async function handleForm<S extends z.ZodType>(
  req: FastifyRequest,
  reply: FastifyReply,
  schema: S,
  run: (data: z.output<S>) => Promise<string>,
  render: (state: FormState, status: number) => Promise<unknown>,
) {
  const raw = blankToUndefined(req.body);
  const values = Object.fromEntries(
    Object.entries(raw).filter(([k, v]) => typeof v === 'string' && k !== '_csrf' && !/password/i.test(k)),
  ) as Record<string, string>;
  const en = req.locale === 'en';
  try {
    const target = await run(parse(schema, raw));
    return reply.redirect(target, 303);
  } catch (e) {
    if (e instanceof Invalid) {
      const errors: Errors = {};
      for (const f of e.fields) errors[f.field] ??= en ? f.en : f.vi;
      return render({ values, errors }, 400);
    }
    if (e instanceof AppError && e.status < 500 && e.status !== 401 && e.status !== 403 && e.status !== 404) {
      if (e instanceof TooManyRequests) reply.header('retry-after', String(e.retryAfterSeconds));
      return render({ values, errors: {}, message: en ? e.detail.en : e.detail.vi }, e.status);
    }
    throw e;
  }
}

/**
 * A redirect target from the request (`?next=`), if it stays on this site; else `fallback`. The
 * value is parsed as a browser would, against the site's `origin`: browsers drop tabs and newlines
 * and read `\\` as `/`, so `/\t/evil.example` or `/\\evil.example` leave the site although they
 * start with one slash. Only a path whose parsed origin is the site's is kept, and it is returned
 * as parsed (dot segments resolved), refused if that still begins with two slashes (`/.//host`).
 */
export function safeNext(next: unknown, fallback: string, origin = 'http://localhost') {
  if (typeof next !== 'string' || !next.startsWith('/')) return fallback;
  let url: URL;
  let site: string;
  try {
    site = new URL(origin).origin;
    url = new URL(next, site);
  } catch {
    return fallback;
  }
  const path = `${url.pathname}${url.search}${url.hash}`;
  if (url.origin !== site || path.startsWith('//') || path.startsWith('/\\')) return fallback;
  return path;
}
