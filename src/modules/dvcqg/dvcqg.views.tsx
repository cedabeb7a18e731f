import type { FastifyReply, FastifyRequest } from 'fastify';
import type { PageCtx } from '#web/layout.tsx';

/** Pieces every page of the module shares: the section nav, dates, the sign-in redirect. */

export const BASE = '/quan-tri/dvcqg';

const SECTIONS = [
  ['queue', ''],
  ['places', '/don-vi'],
  ['statuses', '/trang-thai'],
  ['procedures', '/thu-tuc'],
  ['catalogue', '/danh-muc'],
  ['reconcile', '/doi-soat'],
] as const;

export type Section = (typeof SECTIONS)[number][0];

export function SyncNav({ page, current }: { page: PageCtx; current: Section }) {
  return (
    <p class="muted">
      {SECTIONS.map(([key, path], i) => (
        <span key={key}>
          {i > 0 && ' · '}
          {key === current ? (
            <strong aria-current="page">{page.t(`dvcqg:nav.${key}`)}</strong>
          ) : (
            <a href={`${BASE}${path}`}>{page.t(`dvcqg:nav.${key}`)}</a>
          )}
        </span>
      ))}
    </p>
  );
}

export function dateTime(page: PageCtx, d: Date | null | undefined): string {
  if (!d) return page.t('dvcqg:queue.never');
  return new Intl.DateTimeFormat(page.locale === 'en' ? 'en-GB' : 'vi-VN', {
    dateStyle: 'short',
    timeStyle: 'medium',
    timeZone: 'Asia/Ho_Chi_Minh',
  }).format(d);
}

export const signIn = (req: FastifyRequest, reply: FastifyReply) =>
  reply.redirect(`/dang-nhap?next=${encodeURIComponent(req.url)}`, 303);
