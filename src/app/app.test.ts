import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fixedClock } from '#platform/clock.ts';
import { ConfigError, loadConfig } from '#platform/config.ts';
import { serveMetrics } from '#platform/metrics.ts';
import { COMMUNE_A, createTestApp, type TestApp } from '#test/support/app.ts';
import { dbKind } from '#test/support/db.ts';

const METRICS_TOKEN = 'metrics-token-for-tests-0123456789';

/** A production configuration that passes every start-up check. */
const PRODUCTION = {
  NODE_ENV: 'production',
  PUBLIC_URL: 'https://xa.example.vn',
  SMS_ADAPTER: 'http',
  SMS_HTTP_URL: 'https://sms.example.vn/send',
  EMAIL_ADAPTER: 'smtp',
  SMTP_URL: 'smtp://mail.example.vn',
};

/**
 * Start the real process (`src/main.ts`) with only `env` (and a fresh data folder) and wait for it to
 * exit by itself: for start-up refusals, which happen before anything listens.
 */
async function startUp(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'xaso-start-'));
  const root = path.resolve(import.meta.dirname, '../..');
  const child = spawn(process.execPath, [path.join(root, 'node_modules/tsx/dist/cli.mjs'), 'src/main.ts'], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', DATA_DIR: dataDir, PORT: '0', MQTT_PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d) => {
    output += d;
  });
  child.stderr.on('data', (d) => {
    output += d;
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
  const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
  clearTimeout(timer);
  fs.rmSync(dataDir, { recursive: true, force: true });
  return { code, output };
}

/** Every GET route of the app, whole paths, from Fastify's printed route tree. */
function getRoutes(t: TestApp): string[] {
  const stack: string[] = [];
  const out: string[] = [];
  for (const line of t.app.printRoutes({ commonPrefix: false }).split('\n')) {
    const at = line.indexOf('── ');
    if (at < 0) continue;
    const depth = (at - 1) / 4;
    const m = /^(.*?)(?: \(([A-Z, ]+)\))?$/.exec(line.slice(at + 3));
    stack.length = depth;
    stack.push(m?.[1] ?? '');
    if (m?.[2]?.split(', ').includes('GET')) out.push(stack.join(''));
  }
  return [...new Set(out)];
}

describe('platform endpoints', () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp({ env: { METRICS_TOKEN } });
  });
  after(() => t.close());

  it('when /healthz is asked, then it names the database in use and the version', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/healthz' });
    assert.equal(res.statusCode, 200);
    assert.deepEqual(res.json(), { status: 'ok', database: dbKind, version: t.platform.version });
  });

  it('when /metrics is scraped after some requests, then it is Prometheus text with request durations by route', async () => {
    await t.app.inject({ method: 'GET', url: '/' });
    const res = await t.app.inject({
      method: 'GET',
      url: '/metrics',
      headers: { authorization: `Bearer ${METRICS_TOKEN}` },
    });
    assert.match(String(res.headers['content-type']), /^text\/plain/);
    assert.match(res.body, /# TYPE xaso_http_request_duration_seconds histogram/);
    assert.match(
      res.body,
      /xaso_http_request_duration_seconds_count\{method="GET",route="\/",status="200"\} \d+/,
    );
  });

  it('when the OpenAPI document is fetched, then it is 3.1 and describes the login and place endpoints', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/openapi.json' });
    const doc = res.json();
    assert.equal(doc.openapi, '3.1.0');
    assert.ok(doc.paths['/api/v1/auth/login'].post.requestBody);
    assert.ok(doc.paths['/api/v1/places'].get);
    assert.ok(doc.paths['/api/v1/places/{code}/villages'].post);
    assert.equal(doc.paths['/healthz'], undefined);
    const docs = await t.app.inject({ method: 'GET', url: '/api/docs/' });
    assert.equal(docs.statusCode, 200);
  });

  it('when an unknown API path is asked, then 404 problem+json in Vietnamese, English on request', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/nothing-here' });
    assert.equal(res.statusCode, 404);
    assert.match(String(res.headers['content-type']), /application\/problem\+json/);
    assert.equal(res.json().detail, 'Không tìm thấy.');
    assert.deepEqual(res.json().messages, { vi: 'Không tìm thấy.', en: 'Not found.' });
    const en = await t.app.inject({ method: 'GET', url: '/api/v1/nothing-here?lang=en' });
    assert.equal(en.json().detail, 'Not found.');
  });

  it('when an unknown page is asked by a browser, then a Vietnamese 404 page with a way home', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/khong-co', headers: { accept: 'text/html' } });
    assert.equal(res.statusCode, 404);
    assert.match(res.body, /<html lang="vi"/);
    assert.match(res.body, /Về trang chủ/);
  });

  it('when the home page is served, then it is Vietnamese, compressed, and explains what a citizen can do', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/', headers: { 'accept-encoding': 'br, gzip' } });
    assert.equal(res.headers['content-encoding'], 'br');
    const plain = await t.app.inject({ method: 'GET', url: '/' });
    assert.match(plain.body, /Làm thủ tục với xã mà không phải đi xa/);
    assert.match(plain.body, /Đăng nhập bằng số điện thoại/);
    assert.doesNotMatch(plain.body, /<script/);
  });

  it('when ?lang=en is chosen, then the choice is remembered in a cookie', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/?lang=en' });
    assert.match(res.body, /<html lang="en"/);
    const cookie = res.cookies.find((c) => c.name === 'lang');
    assert.equal(cookie?.value, 'en');
    const next = await t.app.inject({ method: 'GET', url: '/dia-ban', headers: { cookie: 'lang=en' } });
    assert.match(next.body, /Find a place/);
  });

  it('when a place search is made on the page, then results link to place pages', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/dia-ban?q=mau+son' });
    assert.match(res.body, /Xã Mẫu Sơn/);
    assert.match(res.body, new RegExp(`/dia-ban/ma/${t.places.a.id}`));
    const place = await t.app.inject({ method: 'GET', url: `/dia-ban/ma/${t.places.a.id}` });
    assert.match(place.body, /Hình thành từ/);
    assert.match(place.body, /Xã Yên Khoái/);
  });

  it('when a staff page is opened without signing in, then the browser is sent to sign in', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/quan-tri' });
    assert.equal(res.statusCode, 303);
    const api = await t.app.inject({ method: 'GET', url: '/api/v1/users' });
    assert.equal(api.statusCode, 401);
  });

  it('when a signed-in official opens a page, then the sign-out form carries a CSRF token', async () => {
    await t.user('viewer', 'specialist', COMMUNE_A);
    const cookie = await t.signIn('viewer');
    const res = await t.app.inject({ method: 'GET', url: '/quan-tri', headers: { cookie } });
    assert.match(res.body, /action="\/dang-xuat"[^>]*>\s*<input type="hidden" name="_csrf" value="[^"]+"/);
  });
});

describe('configuration', () => {
  it('when a setting is wrong, then start-up stops with a message naming it', () => {
    assert.throws(
      () => loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x' }),
      (e: unknown) => e instanceof ConfigError && /PORT/.test(e.message) && /DATABASE_URL/.test(e.message),
    );
    assert.throws(() => loadConfig({ SMS_ADAPTER: 'http' }), /SMS_HTTP_URL/);
  });

  it('when PUBLIC_URL is unset, then it follows HOST and PORT, a wildcard host read as localhost', () => {
    const url = (env: Record<string, string>) => loadConfig(env).PUBLIC_URL;
    assert.equal(url({ PORT: '8080' }), 'http://localhost:8080');
    assert.equal(url({ HOST: '::', PORT: '4000' }), 'http://localhost:4000');
    assert.equal(url({ HOST: '192.168.1.20', PORT: '3001' }), 'http://192.168.1.20:3001');
    assert.equal(url({ HOST: '::1' }), 'http://[::1]:3000');
    assert.equal(
      url({ HOST: 'xa.local', PUBLIC_URL: 'https://motcua.example.vn' }),
      'https://motcua.example.vn',
    );
  });

  it('when production has no PUBLIC_URL or asks for the demo seed, then the configuration is refused; the demo seed is off by default there', () => {
    const { PUBLIC_URL: _url, ...noUrl } = PRODUCTION;
    assert.throws(() => loadConfig(noUrl), /PUBLIC_URL: required in production/);
    assert.throws(() => loadConfig({ ...PRODUCTION, DEMO_SEED: 'true' }), /DEMO_SEED: the demo seed/);
    assert.equal(loadConfig(PRODUCTION).DEMO_SEED, false);
    assert.equal(loadConfig({ ...PRODUCTION, NODE_ENV: 'development' }).DEMO_SEED, true);
  });

  it('when production would use the dev SMS or e-mail adapter, then the configuration is refused naming each', () => {
    assert.doesNotThrow(() => loadConfig(PRODUCTION));
    const { SMS_ADAPTER: _sms, SMS_HTTP_URL: _url, ...noSms } = PRODUCTION;
    assert.throws(
      () => loadConfig(noSms),
      (e: unknown) => e instanceof ConfigError && /^SMS_ADAPTER: /.test(e.problems.join('\n')),
    );
    assert.throws(
      () => loadConfig({ ...PRODUCTION, EMAIL_ADAPTER: 'dev' }),
      /EMAIL_ADAPTER: the dev adapter/,
    );
    assert.doesNotThrow(() => loadConfig({ ...PRODUCTION, NODE_ENV: 'development', SMS_ADAPTER: 'dev' }));
  });

  it('when the process starts in production with the dev adapters and no PUBLIC_URL, then it exits 78 naming the variables', async () => {
    const { PUBLIC_URL: _url, ...noUrl } = PRODUCTION;
    const { code, output } = await startUp({ ...noUrl, SMS_ADAPTER: 'dev', EMAIL_ADAPTER: 'dev' });
    assert.equal(code, 78, output);
    assert.match(output, /PUBLIC_URL: required in production/);
    assert.match(output, /SMS_ADAPTER: the dev adapter/);
    assert.match(output, /EMAIL_ADAPTER: the dev adapter/);
  });

  it('when nothing is set, then the embedded defaults apply', () => {
    const c = loadConfig({});
    assert.equal(c.PORT, 3000);
    assert.equal(c.PUBLIC_URL, 'http://localhost:3000');
    assert.equal(c.DEMO_SEED, true);
    assert.equal(c.DATABASE_URL, undefined);
    assert.equal(c.dataDir, '.data');
    assert.equal(c.cookieSecure, false);
    assert.equal(loadConfig({ PUBLIC_URL: 'https://xa.example.vn' }).cookieSecure, true);
  });
});

describe('staff home', () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp();
    await t.user('handler', 'feedback_handler', COMMUNE_A);
  });
  after(() => t.close());

  it('when a feedback handler opens the staff home, then it links to the feedback queue and not to the catalogue admin', async () => {
    const res = await t.app.inject({
      method: 'GET',
      url: '/quan-tri',
      headers: { cookie: await t.signIn('handler') },
    });
    assert.match(res.body, /href="\/quan-tri\/phan-anh"/);
    assert.doesNotMatch(res.body, /href="\/quan-tri\/thu-tuc"/);
  });
});

describe('route rate limits', () => {
  let t: TestApp;
  const clock = fixedClock(new Date('2026-11-23T08:00:00+07:00'));
  before(async () => {
    t = await createTestApp({ clock });
  });
  after(() => t.close());

  const services = (remoteAddress: string) =>
    t.app.inject({ method: 'GET', url: '/open311/v2/services.json', remoteAddress });
  /** A login with no fields: refused by its schema (400), but counted by the route's limit first. */
  const login = (remoteAddress: string) =>
    t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: {}, remoteAddress });

  it('when one client reads the Open311 services 61 times, then its sign-in still answers (each route counts on its own)', async () => {
    for (let i = 0; i < 61; i++) assert.equal((await services('10.0.0.1')).statusCode, 200);
    assert.equal((await login('10.0.0.1')).statusCode, 400);
  });

  it('when a route reaches its max, then only that route refuses, until its own window has passed', async () => {
    for (let i = 0; i < 60; i++) assert.equal((await login('10.0.0.2')).statusCode, 400);
    const refused = await login('10.0.0.2');
    assert.equal(refused.statusCode, 429);
    assert.equal(refused.headers['retry-after'], String(15 * 60));
    assert.equal((await services('10.0.0.2')).statusCode, 200);
    assert.equal((await login('10.0.0.3')).statusCode, 400, 'another address has its own count');
    clock.advance(15 * 60_000);
    assert.equal((await login('10.0.0.2')).statusCode, 400);
  });
});

describe('security headers and metrics', () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp({ env: { METRICS_TOKEN } });
    await t.user('header_admin', 'admin', COMMUNE_A);
  });
  after(() => t.close());

  it('when any response is sent, then it carries a CSP without inline script, no framing, nosniff, a referrer policy and a permissions policy, and no HSTS on http', async () => {
    for (const url of ['/', '/dang-nhap', '/khong-co', '/api/v1/places', '/static/app.css']) {
      const res = await t.app.inject({ method: 'GET', url });
      const csp = String(res.headers['content-security-policy']);
      assert.match(csp, /(^|;)default-src 'self'/, url);
      assert.match(csp, /(^|;)script-src 'self'(;|$)/, `${url}: scripts from this site only, none inline`);
      assert.match(csp, /(^|;)script-src-attr 'none'/, `${url}: no event handler attributes`);
      assert.match(csp, /(^|;)frame-ancestors 'none'/, url);
      assert.match(csp, /(^|;)object-src 'none'/, url);
      assert.doesNotMatch(csp, /upgrade-insecure-requests/, `${url}: http stays http`);
      assert.equal(res.headers['x-content-type-options'], 'nosniff', url);
      assert.equal(res.headers['x-frame-options'], 'DENY', url);
      assert.equal(res.headers['referrer-policy'], 'same-origin', url);
      assert.match(String(res.headers['permissions-policy']), /geolocation=\(self\)/, url);
      assert.match(String(res.headers['permissions-policy']), /camera=\(\)/, url);
      assert.equal(res.headers['strict-transport-security'], undefined, url);
    }
  });

  it('when the public address is https, then HSTS is sent and requests are upgraded', async () => {
    const https = await createTestApp({ env: { PUBLIC_URL: 'https://xa.example.vn' } });
    try {
      const res = await https.app.inject({ method: 'GET', url: '/' });
      assert.match(String(res.headers['strict-transport-security']), /^max-age=31536000$/);
      assert.match(String(res.headers['content-security-policy']), /upgrade-insecure-requests/);
    } finally {
      await https.close();
    }
  });

  it('when pages are rendered, then none holds an inline script, a style element or an event handler', async () => {
    const cookie = await t.signIn('header_admin');
    const pages = getRoutes(t)
      .map((p) => p.replace('/xa/:code', `/xa/${COMMUNE_A}`))
      .filter((p) => !/[:*]|^\/(api|static|open311|cap|metrics|healthz)\b|\.[a-z0-9]+$/.test(p))
      .sort();
    assert.ok(pages.includes('/quan-tri/tin-nhan') && pages.length > 30, `found ${pages.join(' ')}`);
    for (const url of pages) {
      for (const who of [{}, { cookie }]) {
        const res = await t.app.inject({ method: 'GET', url, headers: { accept: 'text/html', ...who } });
        if (!String(res.headers['content-type']).startsWith('text/html')) continue;
        // A JSON data block (the field kit's configuration) is data, never run: CSP does not apply.
        assert.doesNotMatch(
          res.body,
          /<script(?![^>]*\ssrc=)(?![^>]*\stype="application\/json")[^>]*>/i,
          `${url}: inline script`,
        );
        // One style element is allowed: on a first visit (no xs_css cookie) the site's own stylesheet,
        // inline for 2G (decision 028), whose hash is the only one the CSP lets through.
        const csp = String(res.headers['content-security-policy']);
        for (const [, body] of res.body.matchAll(/<style[^>]*>([^<]*)<\/style>/gi)) {
          const hash = `'sha256-${createHash('sha256')
            .update(body ?? '')
            .digest('base64')}'`;
          assert.ok(csp.includes(hash), `${url}: a style element the CSP does not allow`);
        }
        assert.ok((res.body.match(/<style[\s>]/gi)?.length ?? 0) <= 1, `${url}: more than one style element`);
        assert.doesNotMatch(res.body, /<[^>]+\son[a-z]+\s*=/i, `${url}: event handler attribute`);
        assert.doesNotMatch(res.body, /(href|src|action)="\s*javascript:/i, `${url}: javascript: URL`);
      }
    }
  });

  it('when /metrics is asked without the token or with a wrong one, then 401; with the token, the figures', async () => {
    const ask = (authorization?: string) =>
      t.app.inject({ method: 'GET', url: '/metrics', headers: authorization ? { authorization } : {} });
    assert.equal((await ask()).statusCode, 401);
    assert.equal((await ask(`Bearer ${METRICS_TOKEN}x`)).statusCode, 401);
    assert.equal((await ask(`Basic ${METRICS_TOKEN}`)).statusCode, 401);
    const ok = await ask(`Bearer ${METRICS_TOKEN}`);
    assert.equal(ok.statusCode, 200);
    assert.match(ok.body, /xaso_http_request_duration_seconds/);
  });

  it('when no token is configured, then the public /metrics is an unknown page and the figures are on their own address', async () => {
    const plain = await createTestApp();
    const internal = await serveMetrics(plain.platform.metrics, '127.0.0.1', 0);
    try {
      const res = await plain.app.inject({ method: 'GET', url: '/metrics' });
      assert.equal(res.statusCode, 404);
      assert.doesNotMatch(res.body, /xaso_/);
      const scraped = await fetch(internal.url);
      assert.equal(scraped.status, 200);
      assert.match(await scraped.text(), /# TYPE xaso_http_request_duration_seconds histogram/);
      assert.equal((await fetch(internal.url.replace('/metrics', '/'))).status, 404);
    } finally {
      await internal.close();
      await plain.close();
    }
  });
});
