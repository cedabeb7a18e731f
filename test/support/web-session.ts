/**
 * A browser's side of the server-rendered forms over real HTTP (fetch), for tests and scripts that
 * drive running app processes rather than `app.inject`: the cookie jar and the form's CSRF token.
 */
import assert from 'node:assert/strict';

/** The cookies to send next: `previous` updated with what `res` set. */
export function cookieHeader(res: { headers: Headers }, previous = '') {
  const jar = new Map(
    previous
      .split('; ')
      .filter(Boolean)
      .map((c) => [c.split('=')[0], c]),
  );
  for (const c of res.headers.getSetCookie()) {
    const pair = c.split(';')[0] ?? '';
    jar.set(pair.split('=')[0], pair);
  }
  return [...jar.values()].join('; ');
}

/** The CSRF token of the first form on a page. */
export const csrfOf = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)?.[1];

/** GET a page with a form: its CSRF token and the cookies that go with it. */
export async function form(base: string, pathname: string, cookie = '') {
  const res = await fetch(`${base}${pathname}`, { headers: { cookie } });
  const csrf = csrfOf(await res.text());
  assert.ok(csrf, `no CSRF token on ${pathname}`);
  return { csrf, cookie: cookieHeader(res, cookie) };
}

/** POST a urlencoded form as a browser does, without following the redirect. */
export function post(base: string, pathname: string, cookie: string, fields: Record<string, string>) {
  return fetch(`${base}${pathname}`, {
    method: 'POST',
    redirect: 'manual',
    headers: { cookie, 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
    body: new URLSearchParams(fields),
  });
}
