import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { after, before, describe, it } from 'node:test';
import type { RouteOptions } from 'fastify';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import {
  broadcastEmergency,
  prepareEmergency,
  registerClusterUnchecked,
  runtimeFor,
} from '#modules/broadcast/index.ts';
import { ensureDefaultCategories } from '#modules/feedback/index.ts';
import { LEADER } from '#modules/fieldkit/index.ts';
import { grantRole } from '#modules/identity/index.ts';
import { ensureStarterModel } from '#modules/indicators/index.ts';
import { addVillageUnchecked } from '#modules/places/index.ts';
import { ROLES } from '#platform/auth/actor.ts';
import { COMMUNE_A, cookiesOf, createTestApp, PASSWORD, type TestApp } from '#test/support/app.ts';
import {
  ctxFor,
  fileDossier,
  OUTPUT_APPLICANT,
  OUTPUT_PROCEDURE,
  setupOutputs,
} from '#test/support/outputs.ts';
import { browserSkipReason, launchBrowser, newContext } from './support.ts';

/**
 * axe-core over every page a citizen or an official can open, in the real Chromium. The list of
 * pages is kept complete by the route table itself: every GET route the app registers is either a
 * page below or an exclusion with its reason, so a new page cannot escape the audit.
 */

const AXE_SOURCE = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
/** What fails the test; moderate and minor findings are reported by axe but not counted here. */
const FAILING_IMPACTS = new Set(['serious', 'critical']);
/** The smallest tap target, in CSS pixels (WCAG 2.5.5, Apple's and Android's guidance). */
const MIN_TARGET_PX = 44;
/** The header is one row when it is no taller than one tap target and its padding. */
const ONE_ROW_HEADER_PX = 60;
/**
 * What a finger aims at: controls, the header's links, a checkbox or radio with its words. Links
 * inside running text are exempt (WCAG 2.5.8's inline exception): their line is their size.
 */
const TARGETS = [
  'button',
  '.button',
  'input:not([type=hidden]):not([type=checkbox]):not([type=radio])',
  'select',
  'textarea',
  'summary',
  '.top a',
  'label:has(> input[type=checkbox])',
  'label:has(> input[type=radio])',
].join(', ');

/** Who opens a page: nobody, the applicant signed in by phone, a commune official, a province admin. */
type Who = 'anyone' | 'citizen' | 'commune' | 'province' | 'hamlet';

/** What the test data gives the pages' parameters. */
interface Data {
  dossier: string;
  procedure: string;
  commune: string;
  userId: number;
  placeId: number;
  bulletinId: number;
  alertId: number;
  reportId: number;
  reportCode: string;
  reportToken: string;
  /** The hamlet with a team and one household (field kit). */
  hamletId: number;
  householdId: string;
  /** The first procedure the kit offers for assisted filing, as its page links it without JavaScript. */
  assistedFormUrl: string;
}

interface PageSpec {
  who: Who;
  /** The address to open; without it the route itself (it has no parameter). */
  url?: (d: Data) => string;
  /** Or: the first link on this page whose path matches the route (ids the page itself makes up). */
  linkedFrom?: string;
}

const enc = encodeURIComponent;

/** Every page, by its route. */
const PAGES: Record<string, PageSpec> = {
  '/': { who: 'anyone' },
  '/dang-nhap': { who: 'anyone' },
  '/cong-dan/dang-nhap': { who: 'anyone' },
  '/cong-dan/xac-thuc': { who: 'anyone', url: () => `/cong-dan/xac-thuc?phone=${OUTPUT_APPLICANT.phone}` },
  '/cong-dan': { who: 'citizen' },
  '/cong-dan/ho-so': { who: 'citizen' },
  '/cong-dan/ho-so/:code': { who: 'citizen', url: (d) => `/cong-dan/ho-so/${enc(d.dossier)}` },
  '/tai-khoan/bao-mat': { who: 'commune' },
  '/quan-tri': { who: 'commune' },
  '/quan-tri/nguoi-dung': { who: 'commune' },
  '/quan-tri/nguoi-dung/:id': { who: 'commune', url: (d) => `/quan-tri/nguoi-dung/${d.userId}` },
  '/dia-ban': { who: 'anyone' },
  '/dia-ban/ma/:id': { who: 'commune', url: (d) => `/dia-ban/ma/${d.placeId}` },
  '/quan-tri/nhat-ky': { who: 'commune' },
  '/quan-tri/tin-nhan': { who: 'commune' },
  '/quan-tri/loa': { who: 'commune' },
  '/quan-tri/loa/xa/:code': { who: 'commune', url: (d) => `/quan-tri/loa/xa/${d.commune}` },
  '/quan-tri/loa/xa/:code/ban-tin': { who: 'commune', url: (d) => `/quan-tri/loa/xa/${d.commune}/ban-tin` },
  '/quan-tri/loa/xa/:code/ban-tin/moi': {
    who: 'commune',
    url: (d) => `/quan-tri/loa/xa/${d.commune}/ban-tin/moi`,
  },
  '/quan-tri/loa/ban-tin/:id': { who: 'commune', url: (d) => `/quan-tri/loa/ban-tin/${d.bulletinId}` },
  '/quan-tri/loa/xa/:code/chuong-trinh': {
    who: 'commune',
    url: (d) => `/quan-tri/loa/xa/${d.commune}/chuong-trinh`,
  },
  '/quan-tri/loa/xa/:code/khan-cap': { who: 'commune', url: (d) => `/quan-tri/loa/xa/${d.commune}/khan-cap` },
  '/quan-tri/loa/canh-bao/:id': { who: 'commune', url: (d) => `/quan-tri/loa/canh-bao/${d.alertId}` },
  '/quan-tri/loa/xa/:code/bao-cao': { who: 'commune', url: (d) => `/quan-tri/loa/xa/${d.commune}/bao-cao` },
  '/loa': { who: 'anyone' },
  '/loa/xa/:code': { who: 'anyone', url: (d) => `/loa/xa/${d.commune}` },
  '/thu-tuc': { who: 'anyone' },
  '/thu-tuc/:code': { who: 'anyone', url: (d) => `/thu-tuc/${enc(d.procedure)}` },
  '/thu-tuc/:code/nop': { who: 'anyone', url: (d) => `/thu-tuc/${enc(d.procedure)}/nop?xa=${d.commune}` },
  '/quan-tri/thu-tuc': { who: 'province' },
  '/quan-tri/thu-tuc/moi': { who: 'province' },
  '/quan-tri/thu-tuc/:code': { who: 'province', url: (d) => `/quan-tri/thu-tuc/${enc(d.procedure)}` },
  '/quan-tri/thu-tuc/nhap': { who: 'province' },
  '/phan-anh': { who: 'anyone' },
  '/phan-anh/xa/:code': { who: 'anyone', url: (d) => `/phan-anh/xa/${d.commune}` },
  '/phan-anh/so': { who: 'anyone' },
  '/phan-anh/so/:code': { who: 'anyone', url: (d) => `/phan-anh/so/${enc(d.reportCode)}` },
  '/phan-anh/gui': { who: 'anyone', url: (d) => `/phan-anh/gui?xa=${d.commune}` },
  '/phan-anh/theo-doi/:token': { who: 'anyone', url: (d) => `/phan-anh/theo-doi/${d.reportToken}` },
  '/quan-tri/phan-anh': { who: 'commune' },
  '/quan-tri/phan-anh/:id': { who: 'commune', url: (d) => `/quan-tri/phan-anh/${d.reportId}` },
  '/quan-tri/phan-anh/cai-dat': { who: 'commune' },
  '/quan-tri/phan-anh/thong-ke': { who: 'commune' },
  '/ho-so/:code/da-nop': { who: 'anyone', url: (d) => `/ho-so/${enc(d.dossier)}/da-nop` },
  '/tra-cuu': {
    who: 'anyone',
    url: (d) => `/tra-cuu?ma=${enc(d.dossier)}&so=${OUTPUT_APPLICANT.phone.slice(-4)}`,
  },
  '/tra-cuu/rut': {
    who: 'anyone',
    url: (d) => `/tra-cuu/rut?ma=${enc(d.dossier)}&so=${OUTPUT_APPLICANT.phone.slice(-4)}`,
  },
  '/cong-dan/ho-so/:code/rut': { who: 'citizen', url: (d) => `/cong-dan/ho-so/${enc(d.dossier)}/rut` },
  '/quan-tri/ho-so': { who: 'commune' },
  '/quan-tri/ho-so/moi': { who: 'commune' },
  '/quan-tri/ho-so/:code': { who: 'commune', url: (d) => `/quan-tri/ho-so/${enc(d.dossier)}` },
  '/quan-tri/mot-cua/tin-nhan': { who: 'province' },
  '/quan-tri/mot-cua/ma-don-vi': { who: 'province' },
  '/quan-tri/mot-cua/lich': { who: 'province' },
  '/lich-lam-viec': { who: 'anyone' },
  '/quan-tri/so-theo-doi': { who: 'commune' },
  '/ho-so/:code/giay-to': { who: 'citizen', url: (d) => `/ho-so/${enc(d.dossier)}/giay-to` },
  '/quan-tri/ho-so/:code/giay-to': {
    who: 'commune',
    url: (d) => `/quan-tri/ho-so/${enc(d.dossier)}/giay-to`,
  },
  '/quan-tri/mau-ket-qua/:procedure': {
    who: 'commune',
    url: (d) => `/quan-tri/mau-ket-qua/${enc(d.procedure)}`,
  },
  '/xac-thuc-van-ban': { who: 'anyone' },
  '/ho-so/:code/le-phi': { who: 'citizen', url: (d) => `/ho-so/${enc(d.dossier)}/le-phi` },
  '/quan-tri/le-phi': { who: 'commune' },
  '/quan-tri/le-phi/tai-khoan': { who: 'commune' },
  '/quan-tri/le-phi/tai-khoan/:code': {
    who: 'commune',
    url: (d) => `/quan-tri/le-phi/tai-khoan/${d.commune}`,
  },
  '/ho-so/:code/danh-gia': { who: 'citizen', url: (d) => `/ho-so/${enc(d.dossier)}/danh-gia` },
  '/quan-tri/thong-ke': { who: 'commune' },
  '/quan-tri/chi-so': { who: 'commune' },
  '/quan-tri/chi-so/nhap/:ds/:place/:period': { who: 'commune', linkedFrom: '/quan-tri/chi-so' },
  '/quan-tri/chi-so/bao-cao/:ds/:place/:period': { who: 'province', linkedFrom: '/quan-tri/chi-so' },
  '/quan-tri/chi-so/bang': { who: 'commune' },
  '/chi-so': { who: 'anyone' },
  '/quan-tri/chi-so/mo-hinh': { who: 'province' },
  '/quan-tri/chi-so/mo-hinh/:kind/:code': { who: 'province', linkedFrom: '/quan-tri/chi-so/mo-hinh' },
  '/quan-tri/dvcqg': { who: 'province' },
  '/quan-tri/dvcqg/don-vi': { who: 'province' },
  '/quan-tri/dvcqg/don-vi/:code': { who: 'province', url: (d) => `/quan-tri/dvcqg/don-vi/${d.commune}` },
  '/quan-tri/dvcqg/trang-thai': { who: 'province' },
  '/quan-tri/dvcqg/thu-tuc': { who: 'province' },
  '/quan-tri/dvcqg/danh-muc': { who: 'province' },
  '/quan-tri/dvcqg/doi-soat': { who: 'province' },
  '/quan-tri/to-cong-nghe': { who: 'commune' },
  '/quan-tri/to-cong-nghe/thon/:id': {
    who: 'commune',
    url: (d) => `/quan-tri/to-cong-nghe/thon/${d.hamletId}`,
  },
  '/quan-tri/to-cong-nghe/bang-kiem': { who: 'province' },
  '/quan-tri/to-cong-nghe/thong-ke': { who: 'commune' },
  '/to-cong-nghe/': { who: 'hamlet' },
  '/to-cong-nghe/ung-dung': { who: 'hamlet' },
  '/to-cong-nghe/ho/:id': { who: 'hamlet', url: (d) => `/to-cong-nghe/ho/${d.householdId}` },
  '/to-cong-nghe/ho/moi': { who: 'hamlet' },
  '/to-cong-nghe/ho/:id/sua': { who: 'hamlet', url: (d) => `/to-cong-nghe/ho/${d.householdId}/sua` },
  '/to-cong-nghe/ho/:id/tham': { who: 'hamlet', url: (d) => `/to-cong-nghe/ho/${d.householdId}/tham` },
  '/to-cong-nghe/xung-dot': { who: 'hamlet' },
  '/to-cong-nghe/ho/:id/ho-so': { who: 'hamlet', url: (d) => `/to-cong-nghe/ho/${d.householdId}/ho-so` },
  '/to-cong-nghe/ho/:id/ho-so/:code': { who: 'hamlet', url: (d) => d.assistedFormUrl },
};

/** Machine formats, known by their address: JSON API, feeds, files. */
const MACHINE = /^\/(api|open311|cap|device|static)\/|\.(pdf|csv|xlsx|json|xml|vtt)$/;

/** GET routes that are not pages, each with the reason. */
const EXCLUDED: Record<string, string> = {
  '/healthz': 'health check for the load balancer (JSON)',
  '/metrics': 'Prometheus metrics (text)',
  '/quan-tri/loa/ban-tin/:id/am-thanh': 'a bulletin’s audio file',
  '/loa/ban-tin/:id/am-thanh': 'a bulletin’s audio file',
  '/phan-anh/anh/:id': 'a report’s photo (JPEG)',
  '/quan-tri/ho-so/:code/tep/:fileId': 'a dossier’s uploaded file',
  '/quan-tri/thu-tuc/xuat': 'the catalogue as a JSON download',
  '/dvcqg/tep/:code/:fileId': 'a dossier’s paper for the national portal to download, by a signed link',
  '/to-cong-nghe': 'redirects to /to-cong-nghe/ (the field kit’s scope)',
  '/to-cong-nghe/sw.js': 'the field kit’s service worker (JavaScript)',
  '/to-cong-nghe/dong-bo/phien': 'the field kit’s session for its script (JSON)',
  '/to-cong-nghe/dong-bo/keo': 'the field kit’s pull (JSON)',
  '/to-cong-nghe/dong-bo/thu-tuc': 'the field kit’s procedure catalogue (JSON)',
  '/to-cong-nghe/dong-bo/tep/:id': 'how much of a photo upload arrived (JSON)',
};

interface Finding {
  url: string;
  rule: string;
  impact: string;
  help: string;
  nodes: string[];
}

describe('accessibility of every page (axe-core in Chromium)', { skip: browserSkipReason() }, () => {
  const routes: string[] = [];
  let t: TestApp;
  let base = '';
  let data: Data;
  let browser: Browser;
  const contexts = new Map<Who, BrowserContext>();

  before(async () => {
    t = await createTestApp({
      onRoute: (r: RouteOptions) => {
        if ([r.method].flat().includes('GET')) routes.push(r.url);
      },
    });
    const db = t.platform.database.db;
    await ensureDefaultCategories(db);
    await ensureStarterModel(db);
    const s = await setupOutputs(t);
    const dossier = await fileDossier(t, s, 'returned');

    // One official of the commune holding every role, so each staff page opens with one sign-in.
    const userId = await t.user('ux_xa', 'admin', COMMUNE_A);
    for (const role of ROLES.filter((r) => r !== 'admin')) {
      await grantRole(s.admin.ctx, userId, { role, placeCode: COMMUNE_A });
    }
    const a = t.places.a;
    const operator = ctxFor(t, {
      kind: 'staff',
      userId,
      username: 'ux_xa',
      displayName: 'ux_xa',
      grants: ROLES.map((role) => ({ role, placeId: a.id, placePath: a.path, placeName: a.fullName })),
    });

    const village = await addVillageUnchecked(db, a, { type: 'thôn', name: 'Khuổi Tào' });
    await registerClusterUnchecked(db, village, { name: 'Cụm loa nhà văn hoá' });
    const deps = runtimeFor(t.platform).deps;
    const form = {
      headline: 'Lũ quét trên suối Khuổi Tào',
      instruction: 'Bà con thôn Khuổi Tào di chuyển lên nhà văn hoá ngay.',
      event: 'Lũ quét',
      category: 'Met' as const,
      severity: 'Severe' as const,
      urgency: 'Immediate' as const,
      certainty: 'Observed' as const,
      targets: [village.code],
      repeat: 3,
      expiresMinutes: 120,
    };
    const prep = await prepareEmergency(operator, deps, COMMUNE_A, form);
    const sent = await broadcastEmergency(operator, deps, {
      ...form,
      bulletinId: prep.bulletin.id,
      confirm: 'yes',
    });

    // The hamlet's community digital team: its leader, and one household in its register.
    await t.user('ux_thon', LEADER, village.code);
    const householdId = randomUUID();
    const pushed = await t.app.inject({
      method: 'POST',
      url: '/api/v1/fieldkit/push',
      headers: { authorization: `Bearer ${await t.token('ux_thon')}` },
      payload: {
        clientId: randomUUID(),
        appVersion: 'axe',
        commands: [
          {
            id: randomUUID(),
            type: 'household.create',
            protocol: 1,
            at: '2026-12-04T08:00:00+07:00',
            data: {
              id: householdId,
              hamletId: village.id,
              fields: {
                headName: 'Hoàng Văn Páo',
                members: 5,
                phones: ['0912345678'],
                address: 'Đầu thôn, cạnh cầu treo',
                consent: true,
              },
            },
          },
        ],
      },
    });
    assert.equal(pushed.statusCode, 200, pushed.body);
    assert.equal(pushed.json().results[0]?.status, 'applied', pushed.body);

    // With JavaScript the kit draws its pages from the phone's copy: read the server's list instead.
    const choice = await t.app.inject({
      url: `/to-cong-nghe/ho/${householdId}/ho-so`,
      headers: { cookie: await t.signIn('ux_thon') },
    });
    const assistedFormUrl = new RegExp(`href="(/to-cong-nghe/ho/${householdId}/ho-so/[^"]+)"`).exec(
      choice.body,
    )?.[1];
    assert.ok(assistedFormUrl, `the kit offers a procedure to file: ${choice.statusCode}`);

    const reportToken = await sendReport();
    const [report] = await t.platform.database.query<{ id: number; service_request_id: string }>(
      'select id, service_request_id from feedback_reports where token = $1',
      [reportToken],
    );
    assert.ok(report);

    data = {
      dossier,
      procedure: OUTPUT_PROCEDURE.code,
      commune: COMMUNE_A,
      userId,
      placeId: a.id,
      bulletinId: prep.bulletin.id,
      alertId: sent.alert.id,
      reportId: report.id,
      reportCode: report.service_request_id,
      reportToken,
      hamletId: village.id,
      householdId,
      assistedFormUrl,
    };

    await t.app.listen({ host: '127.0.0.1', port: 0 });
    const address = t.app.server.address();
    base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    browser = await launchBrowser();
    contexts.set('anyone', await newContext(browser, { baseURL: base }));
    contexts.set('commune', await staffContext('ux_xa'));
    contexts.set('province', await staffContext(s.admin.username));
    contexts.set('citizen', await citizenContext());
    contexts.set('hamlet', await staffContext('ux_thon'));
  });

  after(async () => {
    for (const c of contexts.values()) await c.close().catch(() => {});
    await browser?.close();
    await t?.close();
  });

  /** A citizen's report, sent as the form sends it without JavaScript; its private link's token. */
  async function sendReport() {
    const form = await t.app.inject({ url: `/phan-anh/gui?xa=${COMMUNE_A}` });
    const field = (name: string) => new RegExp(`name="${name}" value="([^"]+)"`).exec(form.body)?.[1] ?? '';
    const body = new FormData();
    body.set('_csrf', field('_csrf'));
    body.set('key', field('key'));
    body.set('commune', COMMUNE_A);
    body.set('category', 'roads');
    body.set('description', 'Sạt lở taluy dương trên đường lên thôn Khuổi Tào.');
    body.set('phone', '0912345678');
    const res = await t.app.inject({
      method: 'POST',
      url: '/phan-anh/gui',
      headers: { cookie: cookiesOf(form), accept: 'text/html' },
      payload: body,
    });
    const token = /^\/phan-anh\/theo-doi\/([A-Za-z0-9_-]+)/.exec(String(res.headers.location ?? ''))?.[1];
    assert.ok(token, `the report was sent: ${res.statusCode} ${res.body.slice(0, 300)}`);
    return token;
  }

  async function staffContext(username: string) {
    const context = await newContext(browser, { baseURL: base });
    const page = await context.newPage();
    await page.goto('/dang-nhap');
    await page.getByLabel('Tên đăng nhập').fill(username);
    await page.getByLabel('Mật khẩu').fill(PASSWORD);
    await Promise.all([
      page.waitForNavigation(),
      page.getByRole('button', { name: 'Đăng nhập', exact: true }).click(),
    ]);
    assert.doesNotMatch(new URL(page.url()).pathname, /dang-nhap/, `${username} is signed in`);
    await page.close();
    return context;
  }

  async function citizenContext() {
    const context = await newContext(browser, { baseURL: base });
    const page = await context.newPage();
    const phone = OUTPUT_APPLICANT.phone;
    await page.goto('/cong-dan/dang-nhap');
    await page.getByLabel('Số điện thoại di động').fill(phone);
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Gửi mã' }).click()]);
    const [otp] = await t.platform.database.query<{ body: string }>(
      'select body from notifications where recipient = $1 and body ~ $2 order by id desc limit 1',
      [phone, '\\d{6}'],
    );
    const code = /(\d{6})/.exec(otp?.body ?? '')?.[1];
    assert.ok(code, 'the sign-in code was sent');
    await page.getByLabel('Mã 6 số').fill(code);
    await Promise.all([
      page.waitForNavigation(),
      page.locator('main form button[type=submit]').first().click(),
    ]);
    assert.equal(new URL(page.url()).pathname, '/cong-dan', 'the applicant is signed in');
    await page.close();
    return context;
  }

  /** A route's path as a pattern for the links on a page. */
  function routePattern(route: string) {
    const source = route
      .split('/')
      .map((part) => (part.startsWith(':') ? '[^/?#]+' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
      .join('/');
    return new RegExp(`^${source}$`);
  }

  async function addressOf(route: string, spec: PageSpec): Promise<string> {
    if (spec.url) return spec.url(data);
    if (!spec.linkedFrom) {
      assert.doesNotMatch(route, /:/, `${route} has a parameter: give it a url or linkedFrom`);
      return route;
    }
    const page = await (contexts.get(spec.who) as BrowserContext).newPage();
    try {
      await page.goto(spec.linkedFrom);
      const hrefs = await page
        .locator('a[href]')
        .evaluateAll((as) => as.map((a) => (a as HTMLAnchorElement).href));
      const pattern = routePattern(route);
      const found = hrefs.map((h) => new URL(h)).find((u) => pattern.test(u.pathname));
      assert.ok(found, `no link on ${spec.linkedFrom} opens ${route}`);
      return found.pathname + found.search;
    } finally {
      await page.close();
    }
  }

  it('when the route table is walked, then every GET route is an audited page, a machine format or an exclusion with its reason', () => {
    const unknown = routes.filter((r) => !(r in PAGES) && !(r in EXCLUDED) && !MACHINE.test(r));
    assert.deepEqual(
      unknown,
      [],
      'GET routes the audit does not know: add each to PAGES (with who opens it and a real address) or to EXCLUDED with the reason',
    );
    const gone = [...Object.keys(PAGES), ...Object.keys(EXCLUDED)].filter((r) => !routes.includes(r));
    assert.deepEqual(gone, [], 'listed routes the app no longer has');
  });

  it('when axe-core checks every page on a 360 px phone, then none has a serious or critical violation, the header is one row and every tap target is 44 px', async () => {
    const findings: Finding[] = [];
    const problems: string[] = [];
    const tallHeaders: string[] = [];
    const smallTargets: string[] = [];
    for (const [route, spec] of Object.entries(PAGES)) {
      let url: string;
      try {
        url = await addressOf(route, spec);
      } catch (e) {
        problems.push(`${route}: ${e instanceof Error ? e.message : e}`);
        continue;
      }
      const page: Page = await (contexts.get(spec.who) as BrowserContext).newPage();
      try {
        const res = await page.goto(url);
        const type = res?.headers()['content-type'] ?? '';
        if (res?.status() !== 200 || !type.startsWith('text/html')) {
          problems.push(`${url} (${spec.who}): ${res?.status()} ${type}`);
          continue;
        }
        const layout = await page.evaluate(
          ({ targets, min }) => ({
            header: document.querySelector('.top')?.getBoundingClientRect().height ?? 0,
            small: [...document.querySelectorAll(targets)]
              .map((e) => ({ e, r: e.getBoundingClientRect() }))
              .filter(({ r }) => r.width > 0 && (r.height < min || r.width < min))
              .map(
                ({ e, r }) =>
                  `${e.tagName.toLowerCase()} "${(e.textContent ?? '').trim().slice(0, 30)}" ${Math.round(r.width)}×${Math.round(r.height)}`,
              ),
          }),
          { targets: TARGETS, min: MIN_TARGET_PX },
        );
        if (layout.header > ONE_ROW_HEADER_PX)
          tallHeaders.push(`${url} (${spec.who}): ${Math.round(layout.header)} px`);
        for (const target of layout.small) smallTargets.push(`${url} (${spec.who}): ${target}`);
        await page.evaluate(AXE_SOURCE);
        const result = await page.evaluate(() =>
          (
            globalThis as unknown as {
              axe: {
                run(
                  ctx: Document,
                  opts: object,
                ): Promise<{
                  violations: {
                    id: string;
                    impact: string | null;
                    help: string;
                    nodes: { target: unknown[] }[];
                  }[];
                }>;
              };
            }
          ).axe.run(document, { resultTypes: ['violations'] }),
        );
        for (const v of result.violations) {
          if (!FAILING_IMPACTS.has(v.impact ?? '')) continue;
          findings.push({
            url,
            rule: v.id,
            impact: v.impact ?? '',
            help: v.help,
            nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ')),
          });
        }
      } finally {
        await page.close();
      }
    }
    assert.deepEqual(problems, [], 'every page opens (200, HTML) for the person it is meant for');
    assert.deepEqual(tallHeaders, [], `the header fits one row (≤ ${ONE_ROW_HEADER_PX} px) at 360 px`);
    assert.deepEqual(smallTargets, [], `every tap target is at least ${MIN_TARGET_PX} × ${MIN_TARGET_PX} px`);
    assert.deepEqual(
      findings.map((f) => `${f.url} — ${f.rule} (${f.impact}): ${f.help} at ${f.nodes.join(' | ')}`),
      [],
    );
  });
});
