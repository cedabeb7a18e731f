import type { ComponentChildren } from 'preact';
import type { Actor } from '#platform/auth/actor.ts';
import type { Locale, T } from '#platform/i18n/index.ts';
import { CSS_HREF, INLINE_CSS } from './assets.ts';

export interface PageCtx {
  t: T;
  locale: Locale;
  actor: Actor;
  csrf: string;
  /** The current path with its query, for the language switch. */
  url: string;
  /** A first visit: the stylesheet goes inline, and its file after the content (see assets.ts). */
  inlineCss: boolean;
}

function langHref(url: string, lang: string) {
  const u = new URL(url, 'http://x');
  u.searchParams.set('lang', lang);
  return `${u.pathname}${u.search}`;
}

export function Layout({
  page,
  title,
  children,
  head,
}: {
  page: PageCtx;
  title: string;
  children: ComponentChildren;
  /** More for the head: an installable app's manifest, theme colour, stylesheet. */
  head?: ComponentChildren;
}) {
  const { t, actor } = page;
  return (
    <html lang={page.locale}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${title} · ${t('web:site')}`}</title>
        {page.inlineCss ? (
          // Inline HTML, not text: the CSS must reach the browser byte for byte (its CSP hash).
          <style dangerouslySetInnerHTML={{ __html: INLINE_CSS }} />
        ) : (
          <link rel="stylesheet" href={CSS_HREF} />
        )}
        {/* No favicon: saves a request and a 404 on every first visit. */}
        <link rel="icon" href="data:," />
        {head}
      </head>
      <body>
        <a class="skip" href="#main">
          {t('web:skip')}
        </a>
        <header class="top">
          <a class="brand" href="/">
            {t('web:site')}
          </a>
          <nav>
            {actor.kind === 'staff' && <a href="/quan-tri">{t('web:nav.admin')}</a>}
            {actor.kind === 'citizen' && <a href="/cong-dan">{actor.phone}</a>}
            {actor.kind === 'anonymous' ? (
              <>
                <a href="/cong-dan/dang-nhap">{t('web:nav.citizen')}</a>
                {/* Short enough for one row at 360 px; the full words are its name for screen readers. */}
                <a href="/dang-nhap" aria-label={t('web:nav.signIn')}>
                  {t('web:nav.signInShort')}
                </a>
              </>
            ) : (
              <form method="post" action="/dang-xuat" class="inline">
                <input type="hidden" name="_csrf" value={page.csrf} />
                <button type="submit" class="link">
                  {t('web:nav.signOut')}
                </button>
              </form>
            )}
            <a href={langHref(page.url, t('web:lang.code'))} hreflang={t('web:lang.code')}>
              {t('web:lang.switch')}
            </a>
          </nav>
        </header>
        <main id="main">{children}</main>
        <footer>{t('web:footer')}</footer>
        {/* After the content: fetched once the page is painted, and kept for the next visits. */}
        {page.inlineCss && <link rel="stylesheet" href={CSS_HREF} />}
      </body>
    </html>
  );
}
