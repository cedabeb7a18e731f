import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import {
  browserSession,
  browserSkipReason,
  DEMO_PASSWORD,
  measurePageLoad,
  PHONE_VIEWPORT,
} from './support.ts';

const HOME_BUDGET_BYTES = 30 * 1024;
const SESSION_COOKIE = 'xs_session';
const VIETNAMESE_LETTER = /[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]/i;

describe('staff sign-in in a real browser', { skip: browserSkipReason() }, () => {
  const session = browserSession();

  const openPage = (javaScript = true) => session.openPage(javaScript);

  async function signIn(page: Page, username: string, password: string) {
    await page.goto('/dang-nhap');
    await page.getByLabel('Tên đăng nhập').fill(username);
    await page.getByLabel('Mật khẩu').fill(password);
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST' && r.url().endsWith('/dang-nhap')),
      page.getByRole('button', { name: 'Đăng nhập', exact: true }).click(),
    ]);
    await page.waitForLoadState('load');
    return response;
  }

  async function noSidewaysScroll(page: Page) {
    const widths = await page.evaluate(() => ({
      scroll: document.documentElement.scrollWidth,
      client: document.documentElement.clientWidth,
    }));
    assert.ok(
      widths.scroll <= widths.client,
      `the page scrolls sideways on a ${PHONE_VIEWPORT.width} px screen (${widths.scroll} > ${widths.client})`,
    );
  }

  async function sessionCookie(page: Page) {
    return (await page.context().cookies()).find((c) => c.name === SESSION_COOKIE);
  }

  it('when a visitor opens the home page on a phone, then it is in Vietnamese and costs at most 30 KB', async () => {
    const page = await openPage();
    const load = await measurePageLoad(page, `${session.server.url}/`);
    console.log('home page bytes transferred:', load.total);
    console.log(
      'home page requests:',
      load.resources.map(
        (r) =>
          `${r.type} ${new URL(r.url).pathname} ${r.status} ${r.encoding || '-'} ${r.bytes}${r.failed ? ` failed: ${r.failed}` : ''}`,
      ),
      'accept-encoding:',
      load.acceptEncoding,
    );

    assert.equal(await page.locator('html').getAttribute('lang'), 'vi');
    const h1 = (await page.locator('h1').textContent())?.trim() ?? '';
    assert.match(h1, VIETNAMESE_LETTER, `the h1 "${h1}" should be Vietnamese, with its diacritics`);
    assert.ok(
      load.resources.some((r) => r.type === 'Stylesheet'),
      'the stylesheet was loaded and counted',
    );
    // The browser asks for /favicon.ico by itself; the page's own resources must all load.
    for (const r of load.resources.filter((r) => !r.url.endsWith('/favicon.ico'))) {
      assert.ok(r.status && r.status < 400, `${r.url} answered ${r.status ?? r.failed}`);
    }
    assert.ok(
      load.total <= HOME_BUDGET_BYTES,
      `the home page transferred ${load.total} bytes, over the ${HOME_BUDGET_BYTES} byte budget`,
    );
    await noSidewaysScroll(page);
    await page.screenshot({ path: '/tmp/xaso-home.png', fullPage: true });
  });

  it('when an official signs in through the form, then they land on the staff page under their name with a safe session cookie', async () => {
    const page = await openPage();
    const response = await signIn(page, 'quantri', DEMO_PASSWORD);
    assert.equal(response.status(), 303);

    assert.equal(new URL(page.url()).pathname, '/quan-tri');
    await page.getByText('Hoàng Văn Quản').waitFor();
    assert.equal(await page.locator('html').getAttribute('lang'), 'vi');

    const cookie = await sessionCookie(page);
    assert.ok(cookie, `a ${SESSION_COOKIE} cookie is set`);
    assert.equal(cookie.httpOnly, true, 'the session cookie is HttpOnly');
    assert.equal(cookie.sameSite, 'Lax', 'the session cookie is SameSite=Lax');
    assert.equal(cookie.path, '/');
    const scriptVisible = await page.evaluate(() => document.cookie);
    assert.ok(!scriptVisible.includes(SESSION_COOKIE), 'scripts cannot read the session cookie');

    await noSidewaysScroll(page);
    await page.screenshot({ path: '/tmp/xaso-staff.png', fullPage: true });
  });

  it('when JavaScript is off, then an official can still sign in', async () => {
    const page = await openPage(false);
    const response = await signIn(page, 'quantri', DEMO_PASSWORD);
    assert.equal(response.status(), 303);
    assert.equal(new URL(page.url()).pathname, '/quan-tri');
    await page.getByText('Hoàng Văn Quản').waitFor();
    assert.ok(await sessionCookie(page), `a ${SESSION_COOKIE} cookie is set`);
  });

  it('when the password is wrong, then the form comes back with a Vietnamese field error and the username kept', async () => {
    const page = await openPage();
    const response = await signIn(page, 'quantri', 'not-the-password');
    assert.equal(response.status(), 400);
    assert.equal(new URL(page.url()).pathname, '/dang-nhap');

    const username = page.getByLabel('Tên đăng nhập');
    assert.equal(await username.inputValue(), 'quantri');
    assert.equal(await username.getAttribute('aria-invalid'), 'true');
    assert.equal(await page.getByLabel('Mật khẩu').inputValue(), '', 'the password is not sent back');
    const fieldError = (await page.locator('#f-username-err').textContent())?.trim();
    assert.equal(fieldError, 'Tên đăng nhập hoặc mật khẩu không đúng.');
    const summary = (await page.getByRole('alert').textContent()) ?? '';
    assert.match(summary, /Vui lòng sửa các lỗi sau/);
    assert.equal(await sessionCookie(page), undefined, 'no session after a failed sign-in');
  });

  it('when an official signs out, then they are back on the home page and the staff page asks them to sign in', async () => {
    const page = await openPage();
    await signIn(page, 'quantri', DEMO_PASSWORD);
    assert.equal(new URL(page.url()).pathname, '/quan-tri');
    const before = await sessionCookie(page);
    assert.ok(before);

    await Promise.all([
      page.waitForURL((u) => u.pathname === '/'),
      page.getByRole('button', { name: 'Đăng xuất' }).click(),
    ]);
    await page.getByRole('link', { name: 'Cán bộ đăng nhập' }).waitFor();
    assert.equal(await sessionCookie(page), undefined, 'the session cookie is cleared');

    await page.goto('/quan-tri');
    const url = new URL(page.url());
    assert.equal(url.pathname, '/dang-nhap');
    assert.equal(url.searchParams.get('next'), '/quan-tri');
    assert.equal(await page.getByLabel('Tên đăng nhập').inputValue(), '');

    // The old token is dead on the server too, not just forgotten by this browser.
    await page.context().addCookies([before]);
    await page.goto('/quan-tri');
    assert.equal(new URL(page.url()).pathname, '/dang-nhap');
  });

  it('when pages load under the security headers, then Chromium reports no policy violation and the API docs still run', async () => {
    const page = await openPage();
    const violations: string[] = [];
    page.on('console', (m) => {
      if (/Content Security Policy|Permissions-Policy|Refused to/i.test(m.text())) violations.push(m.text());
    });
    page.on('pageerror', (e) => violations.push(e.message));
    await page.goto('/');
    await signIn(page, 'quantri', DEMO_PASSWORD);
    for (const url of [
      '/quan-tri',
      '/quan-tri/thong-ke',
      '/quan-tri/le-phi/tai-khoan',
      '/dia-ban',
      '/thu-tuc',
    ]) {
      const res = await page.goto(url);
      assert.equal(res?.status(), 200, url);
      assert.match(String(res?.headers()['content-security-policy']), /frame-ancestors 'none'/, url);
    }
    await page.goto('/api/docs/');
    // Swagger UI is scripts from this site only: it renders the operations under the policy.
    await page.locator('.opblock').first().waitFor();
    assert.ok((await page.locator('.opblock').count()) > 10, 'the operations are listed');
    const geolocation = await page.evaluate(() =>
      (
        document as Document & { featurePolicy?: { allowsFeature(f: string): boolean } }
      ).featurePolicy?.allowsFeature('geolocation'),
    );
    assert.notEqual(geolocation, false, 'geolocation stays allowed for this site');
    assert.deepEqual(violations, []);
  });

  it('when the server has started, then it printed its public address and where development messages are read', () => {
    const url = session.server.url;
    assert.ok(session.server.output().includes(`Xã Số — ${url}`), session.server.output());
    assert.ok(session.server.output().includes(`${url}/quan-tri/tin-nhan`));
    assert.ok(session.server.output().includes(`sign-ins at ${url}/dang-nhap`));
  });

  it('when the journeys are done, then the server logged no errors', () => {
    assert.deepEqual(session.server.errorLogs(), []);
  });
});
