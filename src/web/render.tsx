import type { FastifyReply, FastifyRequest } from 'fastify';
import type { VNode } from 'preact';
import { renderToString } from 'preact-render-to-string';
import { translator } from '#platform/i18n/index.ts';
import { CSS_COOKIE, CSS_VERSION } from './assets.ts';
import type { PageCtx } from './layout.tsx';
import './messages.ts';

/**
 * Everything a page needs from the request: language, who is asking, a CSRF token, and whether the
 * browser is still without the stylesheet's file (then the page carries it inline, and the cookie
 * says it has been sent the file for next time).
 */
export async function pageCtx(req: FastifyRequest, reply: FastifyReply): Promise<PageCtx> {
  const inlineCss = req.cookies[CSS_COOKIE] !== CSS_VERSION;
  if (inlineCss) {
    reply.setCookie(CSS_COOKIE, CSS_VERSION, {
      path: '/',
      maxAge: 365 * 86400,
      sameSite: 'lax',
      httpOnly: true,
      secure: req.protocol === 'https',
    });
  }
  return {
    t: translator(req.locale),
    locale: req.locale,
    actor: req.actor,
    csrf: await reply.generateCsrf(),
    url: req.url,
    inlineCss,
  };
}

export function sendPage(reply: FastifyReply, page: VNode, status = 200) {
  return reply
    .code(status)
    .header('content-type', 'text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .send(`<!doctype html>${renderToString(page)}`);
}
