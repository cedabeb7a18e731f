import type { FastifyReply, FastifyRequest } from 'fastify';
import type { VNode } from 'preact';
import { renderToString } from 'preact-render-to-string';
import { translator } from '#platform/i18n/index.ts';
import type { PageCtx } from './layout.tsx';
import './messages.ts';

/** Everything a page needs from the request: language, who is asking, a CSRF token. */
export async function pageCtx(req: FastifyRequest, reply: FastifyReply): Promise<PageCtx> {
  return {
    t: translator(req.locale),
    locale: req.locale,
    actor: req.actor,
    csrf: await reply.generateCsrf(),
    url: req.url,
  };
}

export function sendPage(reply: FastifyReply, page: VNode, status = 200) {
  return reply
    .code(status)
    .header('content-type', 'text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .send(`<!doctype html>${renderToString(page)}`);
}
