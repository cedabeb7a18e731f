import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { saveProcedure } from '#modules/procedures/index.ts';
import { cookiesOf, createTestApp, type TestApp } from '#test/support/app.ts';
import {
  fileDossier,
  OUTPUT_APPLICANT,
  OUTPUT_PROCEDURE,
  type OutputSetup,
  setupOutputs,
} from '#test/support/outputs.ts';

/** The links of the line under a dossier's record: key → href. */
function linksOf(html: string): Record<string, string> {
  const line = /<p id="dossier-links">([\s\S]*?)<\/p>/.exec(html)?.[1] ?? '';
  return Object.fromEntries(
    [...line.matchAll(/<a href="([^"]+)" data-link="([^"]+)">/g)].map((m) => [
      m[2],
      (m[1] ?? '').replaceAll('&amp;', '&'),
    ]),
  );
}

describe('links from the tracking and staff pages to papers, fees and the rating', () => {
  let t: TestApp;
  let s: OutputSetup;
  let staff: string;

  before(async () => {
    t = await createTestApp();
    s = await setupOutputs(t);
    staff = await t.signIn(s.desk.username);
  });
  after(() => t.close());

  const tracking = (code: string) => t.app.inject({ url: `/tra-cuu?ma=${encodeURIComponent(code)}&so=4321` });
  const staffPage = (code: string) =>
    t.app.inject({ url: `/quan-tri/ho-so/${encodeURIComponent(code)}`, headers: { cookie: staff } });
  const base = (code: string) => `/ho-so/${encodeURIComponent(code)}`;

  it('when a dossier is only submitted, then the tracking page has no link yet and staff see papers and fees', async () => {
    const code = await fileDossier(t, s, 'submitted');
    const page = await tracking(code);
    assert.equal(page.statusCode, 200);
    assert.deepEqual(linksOf(page.body), {});
    assert.doesNotMatch(page.body, /id="dossier-links"/);
    const desk = await staffPage(code);
    assert.deepEqual(linksOf(desk.body), {
      papers: `/quan-tri/ho-so/${encodeURIComponent(code)}/giay-to`,
      fees: `${base(code)}/le-phi`,
    });
  });

  it('when a dossier is received, then the tracking page links to papers and fees with the proof, and each opens', async () => {
    const code = await fileDossier(t, s, 'received');
    const page = await tracking(code);
    assert.ok(page.body.length < 8_000, `the tracking page stays small (${page.body.length} bytes)`);
    const links = linksOf(page.body);
    assert.deepEqual(links, {
      papers: `${base(code)}/giay-to?so=4321`,
      fees: `${base(code)}/le-phi?so=4321`,
    });
    assert.doesNotMatch(
      page.body,
      new RegExp(`href="[^"]*${OUTPUT_APPLICANT.phone}`),
      'never the full phone',
    );
    for (const href of Object.values(links)) {
      const res = await t.app.inject({ url: href });
      assert.equal(res.statusCode, 200, `${href}: ${res.statusCode}`);
    }
    // Without the proof the same pages say nothing.
    assert.equal((await t.app.inject({ url: `${base(code)}/le-phi` })).statusCode, 404);
  });

  it('when the result is returned, then the rating link shows until the applicant rates; staff see it to read the rating', async () => {
    const code = await fileDossier(t, s, 'returned');
    const links = linksOf((await tracking(code)).body);
    assert.deepEqual(Object.keys(links), ['papers', 'fees', 'rating']);
    assert.equal(links.rating, `${base(code)}/danh-gia?so=4321`);
    const form = await t.app.inject({ url: links.rating ?? '' });
    assert.equal(form.statusCode, 200);
    assert.match(form.body, /name="score"/);

    const desk = await staffPage(code);
    const staffLinks = linksOf(desk.body);
    assert.deepEqual(Object.keys(staffLinks), ['papers', 'fees', 'rating']);
    for (const href of Object.values(staffLinks)) {
      const res = await t.app.inject({ url: href, headers: { cookie: staff } });
      assert.equal(res.statusCode, 200, `${href}: ${res.statusCode}`);
    }

    const f = await t.formToken('/dang-nhap');
    const rated = await t.app.inject({
      method: 'POST',
      url: links.rating ?? '',
      headers: { cookie: f.cookie },
      payload: { _csrf: f.csrf, score: '4' },
    });
    assert.equal(rated.statusCode, 303);
    assert.deepEqual(Object.keys(linksOf((await tracking(code)).body)), ['papers', 'fees']);
    assert.ok(linksOf((await staffPage(code)).body).rating, 'staff still read the rating');
  });

  it('when the applicant is signed in, then their dossier page links without any proof in the address, and each opens', async () => {
    const code = await fileDossier(t, s, 'returned');
    const phone = OUTPUT_APPLICANT.phone;
    const start = await t.formToken('/cong-dan/dang-nhap');
    await t.app.inject({
      method: 'POST',
      url: '/cong-dan/dang-nhap',
      headers: { cookie: start.cookie },
      payload: { _csrf: start.csrf, phone },
    });
    const [otp] = await t.platform.database.query<{ body: string }>(
      'select body from notifications where recipient = $1 and body ~ $2 order by id desc limit 1',
      [phone, '\\d{6}'],
    );
    const v = await t.formToken(`/cong-dan/xac-thuc?phone=${phone}`);
    const signedIn = await t.app.inject({
      method: 'POST',
      url: '/cong-dan/xac-thuc',
      headers: { cookie: v.cookie },
      payload: { _csrf: v.csrf, phone, code: /(\d{6})/.exec(otp?.body ?? '')?.[1] ?? '' },
    });
    assert.equal(signedIn.statusCode, 303);
    const session = cookiesOf(signedIn, v.cookie);
    const mine = await t.app.inject({
      url: `/cong-dan/ho-so/${encodeURIComponent(code)}`,
      headers: { cookie: session },
    });
    assert.equal(mine.statusCode, 200);
    const links = linksOf(mine.body);
    assert.deepEqual(links, {
      papers: `${base(code)}/giay-to`,
      fees: `${base(code)}/le-phi`,
      rating: `${base(code)}/danh-gia`,
    });
    for (const href of Object.values(links)) {
      const res = await t.app.inject({ url: href, headers: { cookie: session } });
      assert.equal(res.statusCode, 200, `${href}: ${res.statusCode}`);
    }
  });

  it('when the tracking page is in English, then the links are English', async () => {
    const code = await fileDossier(t, s, 'received');
    const en = await t.app.inject({ url: `/tra-cuu?ma=${encodeURIComponent(code)}&so=4321&lang=en` });
    assert.match(en.body, /data-link="papers">Papers of the dossier \(PDF\)<\/a>/);
    const vi = await tracking(code);
    assert.match(vi.body, /data-link="papers">Giấy tờ của hồ sơ \(PDF\)<\/a>/);
  });
});

describe('links when the procedure charges no fee', () => {
  let t: TestApp;
  let s: OutputSetup;

  before(async () => {
    t = await createTestApp();
    s = await setupOutputs(t);
    // Before any dossier is filed: the dossiers module caches the current definition for 10 s.
    await saveProcedure(s.admin.ctx, { ...OUTPUT_PROCEDURE, fees: [] });
  });
  after(() => t.close());

  it('when the procedure charges no fee, then neither the tracking page nor the staff page links to fees', async () => {
    const code = await fileDossier(t, s, 'received');
    const tracking = await t.app.inject({ url: `/tra-cuu?ma=${encodeURIComponent(code)}&so=4321` });
    assert.deepEqual(Object.keys(linksOf(tracking.body)), ['papers']);
    const staff = await t.app.inject({
      url: `/quan-tri/ho-so/${encodeURIComponent(code)}`,
      headers: { cookie: await t.signIn(s.desk.username) },
    });
    assert.deepEqual(Object.keys(linksOf(staff.body)), ['papers']);
  });
});
