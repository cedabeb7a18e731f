import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { documentsDeps, linkToken } from '#modules/documents/index.ts';
import { createTestApp, type TestApp } from '#test/support/app.ts';
import { vietnameseLeft } from '#test/support/language.ts';
import {
  ctxFor,
  fileDossier,
  OUTPUT_APPLICANT,
  type OutputSetup,
  setupOutputs,
} from '#test/support/outputs.ts';
import { rate } from './index.ts';

const page = (code: string, qs = '') => `/ho-so/${encodeURIComponent(code)}/danh-gia${qs}`;

describe('satisfaction ratings: once per dossier, after the result is returned', () => {
  let t: TestApp;
  let s: OutputSetup;

  before(async () => {
    t = await createTestApp();
    s = await setupOutputs(t);
  });
  after(() => t.close());

  async function post(url: string, body: Record<string, string>, cookie = '') {
    // The CSRF token belongs to the browser session, not the page: take it from any form.
    const f = await t.formToken('/dang-nhap', cookie);
    return t.app.inject({
      method: 'POST',
      url,
      headers: { cookie: f.cookie },
      payload: { _csrf: f.csrf, ...body },
    });
  }

  it('when the result is returned, then one SMS invites a rating with a link that opens the form without signing in', async () => {
    const code = await fileDossier(t, s, 'returned');
    const sms = await t.platform.database.query<{ body: string; recipient: string }>(
      "select body, recipient from notifications where template = 'ratings.invite' and body like $1",
      [`%${code}%`],
    );
    assert.equal(sms.length, 1);
    assert.equal(sms[0]?.recipient, OUTPUT_APPLICANT.phone);
    // One rule for every dossier message: written with diacritics (it was the one without).
    assert.match(
      sms[0]?.body ?? '',
      new RegExp(
        `^Hồ sơ ${code.replace(/\./g, '\\.')} đã trả kết quả. Mời bạn đánh giá mức độ hài lòng: http`,
      ),
    );
    const link = new URL(/https?:\/\/\S+/.exec(sms[0]?.body ?? '')?.[0] ?? 'http://x/');
    const form = await t.app.inject({ url: link.pathname + link.search });
    assert.equal(form.statusCode, 200);
    for (const label of ['Rất hài lòng', 'Hài lòng', 'Bình thường', 'Không hài lòng'])
      assert.match(form.body, new RegExp(label));

    const saved = await post(link.pathname + link.search, {
      score: '4',
      comment: 'Cán bộ hướng dẫn tận tình, không phải đi lại.',
    });
    assert.equal(saved.statusCode, 303, saved.body);
    const [row] = await t.platform.database.query<{ score: number; source: string; comment: string }>(
      'select score, source, comment from dossier_ratings where dossier_code = $1',
      [code],
    );
    assert.deepEqual(row, {
      score: 4,
      source: 'sms',
      comment: 'Cán bộ hướng dẫn tận tình, không phải đi lại.',
    });

    const twice = await post(page(code, '?so=4321'), { score: '1' });
    assert.equal(twice.statusCode, 409);
    assert.match(twice.body, /đã được đánh giá/);
    const after = await t.app.inject({ url: page(code, '?so=4321') });
    assert.match(after.body, /data-rated="4"/);
  });

  it('when the province admin chooses to send the invitation without diacritics, then it goes out without them, like any dossier message', async () => {
    const admin = await t.signIn(s.admin.username);
    const f = await t.formToken('/quan-tri/mot-cua/tin-nhan', admin);
    const saved = await t.app.inject({
      method: 'POST',
      url: '/quan-tri/mot-cua/tin-nhan/rating_invite',
      headers: { cookie: f.cookie, accept: 'text/html' },
      payload: {
        _csrf: f.csrf,
        body: 'Hồ sơ {ma_ho_so} đã trả kết quả. Mời bạn đánh giá: {danh_gia}',
        plain: 'on',
      },
    });
    assert.equal(saved.statusCode, 303, saved.body);
    const code = await fileDossier(t, s, 'returned');
    const [sms] = await t.platform.database.query<{ body: string }>(
      "select body from notifications where template = 'ratings.invite' and body like $1",
      [`%${code}%`],
    );
    assert.match(
      sms?.body ?? '',
      new RegExp(`^Ho so ${code.replace(/\./g, '\\.')} da tra ket qua. Moi ban danh gia: http`),
    );
  });

  it('when the result is not yet returned, then there is nothing to rate', async () => {
    const code = await fileDossier(t, s, 'approved');
    const res = await post(page(code, '?so=4321'), { score: '3' });
    assert.equal(res.statusCode, 409);
    assert.match(res.body, /chưa trả kết quả/);
  });

  it('when the score is missing or not one of the four, then the form says so; a wrong proof gets 404', async () => {
    const code = await fileDossier(t, s, 'returned');
    const missing = await post(page(code, '?so=4321'), { comment: 'x' });
    assert.equal(missing.statusCode, 400);
    const odd = await post(page(code, '?so=4321'), { score: '7' });
    assert.equal(odd.statusCode, 400);
    const stranger = await t.app.inject({ url: page(code, '?so=9999') });
    assert.equal(stranger.statusCode, 404);
    const ok = await post(page(code, '?so=4321'), { score: '2' });
    assert.equal(ok.statusCode, 303);
  });

  it('when the applicant opens the rating form in English, then the question and the four levels are English; Vietnamese stays the default', async () => {
    const code = await fileDossier(t, s, 'returned');
    const en = await t.app.inject({ url: page(code, '?so=4321&lang=en') });
    assert.equal(en.statusCode, 200, en.body);
    for (const label of ['How satisfied are you?', 'Very satisfied', 'Satisfied', 'Neutral', 'Dissatisfied'])
      assert.match(en.body, new RegExp(label.replace('?', '\\?')));
    assert.match(en.body, /Test certificate/, 'the procedure under its English name');
    assert.deepEqual(vietnameseLeft(en.body), []);

    const vi = await t.app.inject({ url: page(code, '?so=4321') });
    assert.match(vi.body, /<html lang="vi">/);
    for (const label of ['Đánh giá mức độ hài lòng', 'Rất hài lòng', 'Bình thường', 'Không hài lòng'])
      assert.match(vi.body, new RegExp(label));
    assert.doesNotMatch(vi.body, /Very satisfied/);
  });

  it('when a rating is refused in English, then the reason is English; in Vietnamese it is Vietnamese', async () => {
    const early = await fileDossier(t, s, 'approved');
    const en = await post(page(early, '?so=4321&lang=en'), { score: '3' });
    assert.equal(en.statusCode, 409);
    assert.match(en.body, /The result has not been returned yet/);
    assert.deepEqual(vietnameseLeft(en.body), []);
    const vi = await post(page(early, '?so=4321&lang=vi'), { score: '3' });
    assert.equal(vi.statusCode, 409);
    assert.match(vi.body, /Hồ sơ chưa trả kết quả/);

    const code = await fileDossier(t, s, 'returned');
    const odd = await post(page(code, '?so=4321&lang=en'), { score: '7' });
    assert.equal(odd.statusCode, 400);
    assert.match(odd.body, /Choose a rating\./);
    assert.deepEqual(vietnameseLeft(odd.body), []);
  });

  it('when staff open the rating page of a returned dossier, then they read whether it was rated and get no form', async () => {
    const code = await fileDossier(t, s, 'returned');
    const cookie = await t.signIn(s.desk.username);
    const before = await t.app.inject({ url: page(code, '?lang=en'), headers: { cookie } });
    assert.equal(before.statusCode, 200);
    assert.match(before.body, /data-rated="none"/);
    assert.match(before.body, /has not rated the service yet/);
    assert.doesNotMatch(before.body, /name="score"/);
    assert.equal((await post(page(code, '?so=4321'), { score: '4' })).statusCode, 303);
    const rated = await t.app.inject({ url: page(code, '?lang=vi'), headers: { cookie } });
    assert.match(rated.body, /data-rated="4"/);
    assert.match(rated.body, /Người nộp hồ sơ đã đánh giá: Rất hài lòng\./);
  });
});

describe('a rating’s time', () => {
  it('when a rating is given, then it is recorded at the platform clock’s time (statistics count ratings by it)', async () => {
    const at = new Date('2026-03-05T10:00:00Z');
    const t = await createTestApp({ clock: { now: () => at } });
    try {
      const s = await setupOutputs(t);
      const code = await fileDossier(t, s, 'returned');
      const docs = documentsDeps(t.platform);
      await rate(
        ctxFor(t, { kind: 'anonymous' }),
        docs,
        code,
        { token: linkToken(docs.linkSecret, 'dossier', code) },
        { score: 2 },
      );
      const [row] = await t.platform.database.query<{ created_at: Date }>(
        'select created_at from dossier_ratings where dossier_code = $1',
        [code],
      );
      assert.equal(new Date(row?.created_at ?? 0).toISOString(), at.toISOString());
    } finally {
      await t.close();
    }
  });
});
