import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { cookiesOf, createTestApp, type TestApp } from '#test/support/app.ts';
import {
  fileDossier,
  OUTPUT_APPLICANT,
  type OutputSetup,
  popplerSkipReason,
  setupOutputs,
} from '#test/support/outputs.ts';
import { verifyPdf } from './signing/verify.ts';

/**
 * The approver's path (issue 14 item 5) and the message that keeps the approval's promise (item 6):
 * the draft result is read before approving, approval and signature are one step from the dossier's
 * page, the page always says what is left and who does it, and the signed result reaches the
 * applicant by SMS with a link that downloads it.
 */
describe('the approver’s path and the result message', { skip: popplerSkipReason() }, () => {
  let t: TestApp;
  let s: OutputSetup;
  let approver: string;
  let desk: string;
  const now = { at: new Date('2026-11-23T02:00:00Z') };

  before(async () => {
    t = await createTestApp({ clock: { now: () => new Date(now.at) } });
    s = await setupOutputs(t);
    approver = await t.signIn(s.approver.username);
    desk = await t.signIn(s.desk.username);
  });
  after(() => t.close());

  const page = (code: string, cookie: string) =>
    t.app.inject({ url: `/quan-tri/ho-so/${encodeURIComponent(code)}`, headers: { cookie } });
  const nextStep = (html: string) =>
    (/<p class="notice" id="next-step">([\s\S]*?)<\/p>/.exec(html)?.[1] ?? '')
      .replace(/<[^>]+>/g, ' ')
      .replace(/\s+/g, ' ')
      .trim();
  const sms = (code: string) =>
    t.platform.database.query<{ body: string; template: string }>(
      'select body, template from notifications where recipient = $1 and body like $2 order by id',
      [OUTPUT_APPLICANT.phone, `%${code}%`],
    );
  const tracking = (code: string) =>
    t.app.inject({ url: `/tra-cuu?ma=${encodeURIComponent(code)}&so=4321`, remoteAddress: '198.51.100.90' });

  it('when a dossier waits for approval, then its approver reads the draft result before approving; nobody else does', async () => {
    const code = await fileDossier(t, s, 'pending');
    const res = await page(code, approver);
    assert.match(nextStep(res.body), /^Việc tiếp theo: lãnh đạo xem dự thảo kết quả, phê duyệt và ký số\.$/);
    const href = /<a href="([^"]+)" id="result-preview">Xem trước kết quả \(bản dự thảo, chưa ký\)<\/a>/.exec(
      res.body,
    )?.[1];
    assert.ok(href, 'the draft is a link beside the approval');
    // Until 2026-12-04 the draft answered 409 until the dossier was approved.
    const draft = await t.app.inject({ url: href, headers: { cookie: approver } });
    assert.equal(draft.statusCode, 200, draft.body);
    assert.equal(draft.headers['content-type'], 'application/pdf');
    assert.equal(verifyPdf(draft.rawPayload).valid, false, 'a draft is not signed');
    assert.equal((await t.app.inject({ url: href, headers: { cookie: desk } })).statusCode, 403);
    const papers = await t.app.inject({
      url: `/quan-tri/ho-so/${encodeURIComponent(code)}/giay-to`,
      headers: { cookie: approver },
    });
    assert.match(papers.body, /Xem trước kết quả \(bản dự thảo, chưa ký\); phê duyệt và ký ở trang hồ sơ/);
  });

  it('when the approver approves and signs in one step, then the result is signed and ready, and the applicant’s SMS downloads it', async () => {
    const code = await fileDossier(t, s, 'pending');
    const before = await page(code, approver);
    assert.match(before.body, /data-action="approve_sign"/);
    assert.match(before.body, /<button type="submit">Phê duyệt và ký số kết quả<\/button>/);
    assert.match(
      before.body,
      /<button type="submit" class="secondary">Phê duyệt<\/button>/,
      'approving alone is the second choice',
    );
    const form = /<li data-action="approve_sign">([\s\S]*?)<\/li>/.exec(before.body)?.[1] ?? '';
    const action = /<form[^>]*action="([^"]+)"/.exec(form)?.[1] ?? '';
    const hidden = Object.fromEntries(
      [...form.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)].map((m) => [m[1], m[2]]),
    );
    const res = await t.app.inject({
      method: 'POST',
      url: action,
      headers: { cookie: cookiesOf(before, approver), accept: 'text/html' },
      payload: hidden,
    });
    assert.equal(res.statusCode, 303, res.body);
    assert.equal(res.headers.location, `/quan-tri/ho-so/${encodeURIComponent(code)}?ok=approve_sign`);

    const after = await t.app.inject({ url: String(res.headers.location), headers: { cookie: approver } });
    assert.match(
      after.body,
      /Đã phê duyệt và ký số kết quả\. Công dân đã được nhắn tin kèm đường tải kết quả\./,
    );
    assert.match(
      nextStep(after.body),
      /kết quả đã ký số; công dân đã được nhắn tin kèm đường tải kết quả\. Bộ phận một cửa ghi nhận đã trả kết quả\./,
    );
    // The approver has nothing left to do, and the page says who has: the desk.
    assert.ok(after.body.indexOf('id="next-step"') < after.body.indexOf('Bạn không có thao tác nào'));
    assert.match(
      (await page(code, desk)).body,
      /data-action="result_returned"/,
      'the desk only hands it over',
    );

    // The approval's promise ("Xã sẽ báo khi có kết quả") is kept: the result SMS, with a link.
    // (This procedure's fee keeps the status at 6, so the approval itself sent none here.)
    const messages = await sms(code);
    assert.deepEqual(
      messages.map((m) => m.template).filter((x) => x.startsWith('dossiers.result')),
      ['dossiers.result_online'],
    );
    assert.equal(messages.at(-1)?.template, 'dossiers.result_online');
    const body = messages.at(-1)?.body ?? '';
    assert.match(
      body,
      new RegExp(`^Hồ sơ ${code.replace(/\./g, '\\.')} đã có kết quả\\. Tải kết quả tại: http`),
    );
    const link = new URL(/https?:\/\/\S+/.exec(body)?.[0] ?? 'http://x/');
    const download = await t.app.inject({ url: link.pathname + link.search });
    assert.equal(download.statusCode, 200, download.body);
    const report = verifyPdf(download.rawPayload);
    assert.equal(report.valid, true, 'the signed result, with no sign-in and no proof');
    const [issued] = await t.platform.database.query<{ sha256: string }>(
      "select sha256 from issued_documents where dossier_code = $1 and kind = 'result'",
      [code],
    );
    assert.equal(report.sha256, issued?.sha256);
    const forged = await t.app.inject({ url: `${link.pathname}?t=${'A'.repeat(22)}` });
    assert.equal(forged.statusCode, 404, 'the link token is the proof');

    // The timeline says how the result is delivered: downloaded, not collected at the commune.
    const track = await tracking(code);
    assert.match(
      track.body,
      /Đã có kết quả, đã ký số\. Bạn tải kết quả ở mục &quot;Giấy tờ của hồ sơ&quot;\./,
    );
    assert.doesNotMatch(track.body, /Mời bạn nhận kết quả tại/);
  });

  it('when the approver only approves, then the page says the signature still waits and leads the approver to it', async () => {
    const code = await fileDossier(t, s, 'approved');
    const mine = await page(code, approver);
    assert.match(
      nextStep(mine.body),
      /^Việc tiếp theo: lãnh đạo ký số kết quả \(trang Giấy tờ và kết quả\)\..*Ký số kết quả ngay$/,
    );
    const sign = /<a href="([^"]+)" id="sign-now">/.exec(mine.body)?.[1];
    assert.equal(sign, `/quan-tri/ho-so/${encodeURIComponent(code)}/giay-to`);
    assert.match(nextStep((await page(code, desk)).body), /lãnh đạo ký số kết quả/);
    assert.doesNotMatch((await page(code, desk)).body, /id="sign-now"/, 'only the approver is led to sign');

    const form = await t.formToken(sign, approver);
    const signed = await t.app.inject({
      method: 'POST',
      url: `/quan-tri/ho-so/${encodeURIComponent(code)}/ket-qua/ky`,
      headers: { cookie: form.cookie },
      payload: { _csrf: form.csrf },
    });
    assert.equal(signed.statusCode, 303);
    assert.equal(
      (await sms(code)).at(-1)?.template,
      'dossiers.result_online',
      'signed on the papers page too',
    );
    assert.match(nextStep((await page(code, desk)).body), /kết quả đã ký số/);
  });
});
