import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTestApp, type TestApp } from '#test/support/app.ts';
import { vietnameseLeft } from '#test/support/language.ts';
import {
  fileDossier,
  OUTPUT_APPLICANT,
  OUTPUT_PROCEDURE,
  type OutputSetup,
  setupOutputs,
} from '#test/support/outputs.ts';

describe('the papers pages in Vietnamese and in English', () => {
  let t: TestApp;
  let s: OutputSetup;

  before(async () => {
    t = await createTestApp();
    s = await setupOutputs(t);
  });
  after(() => t.close());

  it('when the applicant opens the papers in English, then the list and its links are English; Vietnamese stays the default', async () => {
    const code = await fileDossier(t, s, 'received');
    const url = `/ho-so/${encodeURIComponent(code)}/giay-to?so=4321`;
    const en = await t.app.inject({ url: `${url}&lang=en` });
    assert.equal(en.statusCode, 200, en.body);
    assert.match(en.body, /Papers of dossier/);
    assert.match(en.body, /Receipt and appointment slip \(form 01, in Vietnamese\)/);
    assert.match(en.body, /Tracking sheet of the dossier \(form 06, in Vietnamese\)/);
    assert.match(en.body, /<p>Test certificate<\/p>/);
    assert.deepEqual(vietnameseLeft(en.body), []);

    const vi = await t.app.inject({ url });
    assert.match(vi.body, /<html lang="vi">/);
    assert.match(vi.body, /Giấy tiếp nhận hồ sơ và hẹn trả kết quả \(mẫu 01\)/);
    assert.match(vi.body, new RegExp(OUTPUT_PROCEDURE.name.vi.replace(/[()]/g, '\\$&')));
    assert.doesNotMatch(vi.body, /Receipt and appointment slip/);
  });

  it('when staff open the papers of a dossier in English, then the staff page is English', async () => {
    const code = await fileDossier(t, s, 'received');
    const cookie = await t.signIn(s.desk.username);
    const en = await t.app.inject({
      url: `/quan-tri/ho-so/${encodeURIComponent(code)}/giay-to?lang=en`,
      headers: { cookie },
    });
    assert.equal(en.statusCode, 200, en.body);
    assert.match(en.body, /Papers and result – dossier/);
    assert.match(en.body, /The dossier is not approved/);
    assert.deepEqual(vietnameseLeft(en.body, [OUTPUT_APPLICANT.name]), []);
  });

  it('when a result template is not JSON, then the error shows in the page language', async () => {
    const cookie = await t.signIn(s.admin.username);
    for (const [lang, text] of [
      ['en', /The JSON is not valid\./],
      ['vi', /JSON không hợp lệ\./],
    ] as const) {
      const url = `/quan-tri/mau-ket-qua/${OUTPUT_PROCEDURE.code}?lang=${lang}`;
      const f = await t.formToken(url, cookie);
      const res = await t.app.inject({
        method: 'POST',
        url,
        headers: { cookie: f.cookie },
        payload: { _csrf: f.csrf, template: '{"title":' },
      });
      assert.equal(res.statusCode, 400, res.body);
      assert.match(res.body, text);
      if (lang === 'en') assert.doesNotMatch(res.body, /không hợp lệ/);
    }
  });
});
