import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTestApp, type TestApp } from '#test/support/app.ts';
import { vietnameseLeft } from '#test/support/language.ts';
import { fileDossier, type OutputSetup, setupOutputs } from '#test/support/outputs.ts';

const page = (code: string, qs = '') => `/ho-so/${encodeURIComponent(code)}/danh-gia${qs}`;

describe('the rating page in Vietnamese and in English', () => {
  let t: TestApp;
  let s: OutputSetup;

  before(async () => {
    t = await createTestApp();
    s = await setupOutputs(t);
  });
  after(() => t.close());

  async function post(url: string, body: Record<string, string>) {
    const f = await t.formToken('/dang-nhap');
    return t.app.inject({
      method: 'POST',
      url,
      headers: { cookie: f.cookie },
      payload: { _csrf: f.csrf, ...body },
    });
  }

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
