import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { COMMUNE_A, cookiesOf, createTestApp, PROVINCE, type TestApp } from '#test/support/app.ts';

/**
 * A generated walk (issue 11 item 13): every operation in the OpenAPI document, and every form found
 * by following links from the home page and the staff home, is sent hostile values, and no answer
 * may be a 500. Bounded: a fixed seed and a fixed number of runs per route, so it finishes in
 * seconds and fails the same way every time.
 */
const SEED = 20261205;
const RUNS_PER_ROUTE = 6;
const MAX_PAGES = 150;

/** Values that have broken parsers, databases and templates before. */
const nasty = fc.constantFrom(
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '%00',
  '../../etc/passwd',
  "' or 1=1 --",
  '<script>alert(1)</script>',
  'x'.repeat(5000),
  '9999999999999999999',
  '-9223372036854775808',
  '9999999999999999999_1',
  '-9223372036854775808_1',
  '1e308',
  'NaN',
  '-1',
  '0',
  '0001-01-01',
  '9999-12-31',
  '2026-02-30',
  '{}',
  '[]',
  'null',
  'true',
  '\uD800',
  '🙂'.repeat(100),
  'Hoàng Thị Mai',
  COMMUNE_A,
  PROVINCE,
  'PA-0001',
);
const hostile = fc.oneof(
  { weight: 3, arbitrary: nasty },
  { weight: 1, arbitrary: fc.string({ maxLength: 40, unit: 'binary' }) },
  { weight: 1, arbitrary: fc.integer().map(String) },
);

interface Operation {
  method: string;
  path: string;
  params: { name: string; in: string }[];
  body?: { type: 'json' | 'multipart'; properties: string[] };
}

interface FoundForm {
  page: string;
  action: string;
  multipart: boolean;
  /** Each field with the value the page gave it. */
  fields: [string, string][];
}

describe('a generated walk with hostile values over every route and form', () => {
  let t: TestApp;
  let cookie: string;
  let token: string;
  const failures: string[] = [];
  let address = 0;
  /** A new address for each request, so no route's rate limit hides what its handler does. */
  const nextAddress = () => {
    address++;
    return `198.51.${(address >> 8) & 255}.${address & 255}`;
  };

  before(async () => {
    t = await createTestApp();
    await t.user('walk_admin', 'admin', PROVINCE);
    cookie = await t.signIn('walk_admin');
    token = await t.token('walk_admin');
  });
  after(() => t.close());

  function check(what: string, res: { statusCode: number; body: string }) {
    if (res.statusCode >= 500) failures.push(`${what} → ${res.statusCode} ${res.body.slice(0, 200)}`);
    return res.statusCode < 500;
  }

  it('when every OpenAPI operation is sent hostile values, then none answers 500', async () => {
    failures.length = 0;
    const doc = (await t.app.inject({ method: 'GET', url: '/api/openapi.json' })).json();
    const ops: Operation[] = [];
    for (const [path, item] of Object.entries(doc.paths as Record<string, Record<string, unknown>>)) {
      // Pages are walked through their forms (below), with their CSRF token.
      if (!/^\/(api|open311)\//.test(path)) continue;
      for (const [method, raw] of Object.entries(item)) {
        const op = raw as {
          parameters?: { name: string; in: string }[];
          requestBody?: { content?: Record<string, { schema?: { properties?: Record<string, unknown> } }> };
        };
        const content = op.requestBody?.content ?? {};
        const type = Object.keys(content)[0];
        ops.push({
          method: method.toUpperCase(),
          path,
          params: op.parameters ?? [],
          ...(type
            ? {
                body: {
                  type: type.includes('multipart') ? 'multipart' : 'json',
                  properties: Object.keys(content[type]?.schema?.properties ?? {}),
                },
              }
            : {}),
        });
      }
    }
    assert.ok(ops.length > 20, `the OpenAPI document lists the API (${ops.length} operations)`);

    for (const op of ops) {
      const names = [...op.params.map((p) => `${p.in}:${p.name}`), ...(op.body?.properties ?? [])];
      await fc
        .assert(
          fc.asyncProperty(fc.tuple(...names.map(() => hostile)), fc.boolean(), async (values, signedIn) => {
            const v = new Map(names.map((n, i) => [n, values[i] ?? '']));
            let url = op.path.replace(/\{([^}]+)\}/g, (_, name) =>
              encodeURIComponent(v.get(`path:${name}`) ?? ''),
            );
            const query = new URLSearchParams();
            for (const p of op.params)
              if (p.in === 'query') query.set(p.name, v.get(`query:${p.name}`) ?? '');
            if ([...query].length) url += `?${query}`;
            const headers: Record<string, string> = signedIn ? { authorization: `Bearer ${token}` } : {};
            for (const p of op.params) {
              if (p.in === 'header' && p.name.toLowerCase() !== 'authorization') {
                headers[p.name] = (v.get(`header:${p.name}`) ?? '').replace(/[^\x20-\x7e]/g, '');
              }
            }
            let payload: string | Buffer | undefined;
            if (op.body?.type === 'json') {
              headers['content-type'] = 'application/json';
              payload = JSON.stringify(Object.fromEntries(op.body.properties.map((k) => [k, v.get(k)])));
            } else if (op.body?.type === 'multipart') {
              const form = new FormData();
              for (const k of op.body.properties) form.append(k, v.get(k) ?? '');
              form.append(
                'doc.x',
                new Blob([Buffer.from(v.get(op.body.properties[0] ?? '') ?? 'x')]),
                'x.pdf',
              );
              const res = new Response(form);
              headers['content-type'] = res.headers.get('content-type') ?? '';
              payload = Buffer.from(await res.arrayBuffer());
            }
            const res = await t.app.inject({
              method: op.method as 'GET',
              url,
              headers,
              remoteAddress: nextAddress(),
              ...(payload !== undefined ? { payload } : {}),
            });
            return check(`${op.method} ${url}`, res);
          }),
          { seed: SEED, numRuns: RUNS_PER_ROUTE, endOnFailure: true },
        )
        .catch(() => {
          // Recorded in `failures`; the other routes still run.
        });
    }
    assert.deepEqual(failures, []);
  });

  it('when every form found from the home pages is posted with hostile values, then none answers 500', async () => {
    failures.length = 0;
    const forms = new Map<string, FoundForm>();
    const seen = new Set<string>();
    const queue = ['/', '/quan-tri', `/phan-anh/gui?xa=${COMMUNE_A}`, '/tra-cuu', '/thu-tuc'];
    while (queue.length && seen.size < MAX_PAGES) {
      const url = queue.shift() as string;
      if (seen.has(url)) continue;
      seen.add(url);
      const res = await t.app.inject({ method: 'GET', url, headers: { cookie, accept: 'text/html' } });
      check(`GET ${url}`, res);
      if (!String(res.headers['content-type'] ?? '').includes('text/html')) continue;
      for (const m of res.body.matchAll(/href="(\/[^"#]*)"/g)) {
        const href = (m[1] as string).replace(/&amp;/g, '&');
        if (!/^\/(static|api|dang-xuat)/.test(href) && !seen.has(href)) queue.push(href);
      }
      for (const m of res.body.matchAll(/<form([^>]*)>([\s\S]*?)<\/form>/g)) {
        const attrs = m[1] as string;
        if (!/method="post"/i.test(attrs)) continue;
        const action = (/action="([^"]*)"/.exec(attrs)?.[1] ?? url).replace(/&amp;/g, '&');
        if (/dang-xuat/.test(action)) continue;
        const named = new Map<string, string>();
        for (const f of (m[2] as string).matchAll(
          /<(?:input|select|textarea)\b[^>]*\bname="([^"]+)"[^>]*>/g,
        )) {
          const name = f[1] as string;
          if (name === '_csrf' || named.has(name)) continue;
          named.set(name, (/\bvalue="([^"]*)"/.exec(f[0])?.[1] ?? '').replace(/&amp;/g, '&'));
        }
        const fields = [...named];
        const key = `${action} ${fields
          .map(([n]) => n)
          .sort()
          .join(',')}`;
        if (!forms.has(key))
          forms.set(key, {
            page: url,
            action,
            multipart: /multipart\/form-data/.test(attrs),
            fields: [...new Set(fields)],
          });
      }
    }
    assert.ok(forms.size > 10, `forms found: ${forms.size} on ${seen.size} pages`);

    for (const form of forms.values()) {
      const page = await t.app.inject({
        method: 'GET',
        url: form.page,
        headers: { cookie, accept: 'text/html' },
      });
      const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1] ?? '';
      const jar = cookiesOf(page, cookie);
      await fc
        .assert(
          // Each field keeps the page's value or gets a hostile one, so the walk also gets past validation.
          fc.asyncProperty(
            fc.tuple(...form.fields.map(([, value]) => fc.oneof(fc.constant(value), hostile))),
            async (values) => {
              const body = new FormData();
              body.append('_csrf', csrf);
              form.fields.forEach(([name], i) => {
                body.append(name, values[i] ?? '');
              });
              if (form.multipart) body.append('file', new Blob([Buffer.from(values[0] ?? '')]), 'x.pdf');
              const encoded = form.multipart ? new Response(body) : undefined;
              const payload = encoded
                ? Buffer.from(await encoded.arrayBuffer())
                : new URLSearchParams(
                    [...body.entries()].map(([k, v]) => [k, String(v)] as [string, string]),
                  ).toString();
              const res = await t.app.inject({
                method: 'POST',
                url: form.action,
                remoteAddress: nextAddress(),
                headers: {
                  cookie: jar,
                  accept: 'text/html',
                  'content-type': encoded?.headers.get('content-type') ?? 'application/x-www-form-urlencoded',
                },
                payload,
              });
              return check(`POST ${form.action} (from ${form.page})`, res);
            },
          ),
          { seed: SEED, numRuns: RUNS_PER_ROUTE, endOnFailure: true },
        )
        .catch(() => {
          // Recorded in `failures`.
        });
    }
    assert.deepEqual(failures, []);
  });
});
