import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sweepOverdue, systemCtx } from '#modules/dossiers/index.ts';
import { COMMUNE_B, createTestApp, type TestApp } from '#test/support/app.ts';
import {
  fileDossier,
  OUTPUT_APPLICANT,
  type OutputSetup,
  pdfText,
  popplerSkipReason,
  setupOutputs,
  staffOf,
} from '#test/support/outputs.ts';
import { catchUpApologies } from './index.ts';
import { verifyPdf } from './signing/verify.ts';

const pdfUrl = (code: string, paper: string, qs = '') =>
  `/ho-so/${encodeURIComponent(code)}/giay-to/${paper}.pdf${qs}`;

describe('papers of a dossier: who may download them, what they say', { skip: popplerSkipReason() }, () => {
  let t: TestApp;
  let s: OutputSetup;
  let deskCookie: string;
  const now = { at: new Date('2026-11-23T02:00:00Z') };

  before(async () => {
    t = await createTestApp({ clock: { now: () => new Date(now.at) } });
    s = await setupOutputs(t);
    deskCookie = await t.signIn(s.desk.username);
  });
  after(() => t.close());

  it('when a dossier is received, then the desk downloads form 01 with the applicant, documents, times and officer', async () => {
    const code = await fileDossier(t, s, 'received');
    const res = await t.app.inject({ url: pdfUrl(code, 'tiep-nhan'), headers: { cookie: deskCookie } });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.headers['content-type'], 'application/pdf');
    assert.match(String(res.headers['content-disposition']), /attachment; filename="tiep-nhan-/);
    const text = pdfText(res.rawPayload);
    for (const phrase of [
      `Mã hồ sơ: ${code}`,
      'UBND XÃ MẪU SƠN',
      'Tiếp nhận hồ sơ của: Lý Thị Nguyệt',
      'Số định danh cá nhân (CCCD): 020190004321',
      'Địa chỉ: Bản Nà Pàn, xã Mẫu Sơn, Lạng Sơn',
      'Hình thức nộp: Trực tuyến',
      'Tờ khai đề nghị cấp giấy xác nhận',
      'Thời gian giải quyết hồ sơ theo quy định: 03 ngày làm việc.',
      'Thời gian nhận hồ sơ: 09 giờ 00 phút, ngày 23 tháng 11 năm 2026.',
      'Thời gian trả kết quả giải quyết hồ sơ:',
      'out_desk',
    ]) {
      assert.ok(text.includes(phrase), `missing "${phrase}" in ${text}`);
    }
  });

  it('when the applicant asks with the last four digits of the phone, then they get it; a wrong proof or a stranger gets 404', async () => {
    const code = await fileDossier(t, s, 'received');
    const ok = await t.app.inject({ url: pdfUrl(code, 'tiep-nhan', '?so=4321') });
    assert.equal(ok.statusCode, 200);
    const wrong = await t.app.inject({ url: pdfUrl(code, 'tiep-nhan', '?so=1111') });
    assert.equal(wrong.statusCode, 404);
    const none = await t.app.inject({ url: pdfUrl(code, 'tiep-nhan') });
    assert.equal(none.statusCode, 404);
    const list = await t.app.inject({ url: `/ho-so/${encodeURIComponent(code)}/giay-to?so=4321` });
    assert.equal(list.statusCode, 200);
    assert.match(list.body, /Giấy tiếp nhận hồ sơ và hẹn trả kết quả \(mẫu 01\)/);
    assert.match(list.body, /giay-to\/tiep-nhan\.pdf\?so=4321/);
  });

  it("when staff of another commune asks, then 403: a dossier's papers stay with its commune", async () => {
    const code = await fileDossier(t, s, 'received');
    await staffOf(t, 'out_desk_b', 'receptionist', COMMUNE_B);
    const cookie = await t.signIn('out_desk_b');
    const res = await t.app.inject({ url: pdfUrl(code, 'tiep-nhan'), headers: { cookie } });
    assert.equal(res.statusCode, 403);
  });

  it('when a paper does not exist yet, then 404 (no receipt before receipt, no refusal unless refused)', async () => {
    const code = await fileDossier(t, s, 'submitted');
    for (const paper of ['tiep-nhan', 'tu-choi', 'ket-qua']) {
      const res = await t.app.inject({ url: pdfUrl(code, paper), headers: { cookie: deskCookie } });
      assert.equal(res.statusCode, 404, paper);
    }
  });

  it('when a supplement is requested, then form 02 lists the missing document and the reason', async () => {
    const code = await fileDossier(t, s, 'supplement');
    const res = await t.app.inject({ url: pdfUrl(code, 'bo-sung', '?so=4321') });
    assert.equal(res.statusCode, 200);
    const text = pdfText(res.rawPayload);
    assert.ok(text.includes('1. Giấy tờ chứng minh nơi cư trú'), text);
    assert.ok(text.includes('Lý do: Ảnh chụp giấy tờ cư trú bị mờ.'), text);
    assert.ok(text.includes('out_spec'), text);
  });

  it('when a dossier is refused, then form 03 gives the reason', async () => {
    const code = await fileDossier(t, s, 'refused');
    const text = pdfText((await t.app.inject({ url: pdfUrl(code, 'tu-choi', '?so=4321') })).rawPayload);
    assert.ok(text.includes('PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ'), text);
    assert.ok(text.includes('Việc hộ tịch đã đăng ký tại xã Đồng Đăng.'), text);
  });

  it('when a dossier is decided, then form 06 has one row per hand-off, each workflow step with early / on time / late', async () => {
    const code = await fileDossier(t, s, 'approved');
    const text = pdfText(
      (await t.app.inject({ url: pdfUrl(code, 'kiem-soat'), headers: { cookie: deskCookie } })).rawPayload,
    );
    for (const step of [
      'Tiếp nhận hồ sơ',
      'Chuyển xử lý (bước “Tiếp nhận”)',
      'Yêu cầu bổ sung hồ sơ',
      'Nhận hồ sơ bổ sung',
      'Trình lãnh đạo ký (bước “Thẩm định”)',
      'Phê duyệt kết quả (bước “Phê duyệt”)',
    ]) {
      assert.ok(text.includes(step), `missing "${step}" in ${text}`);
    }
    // All steps done at once on the test clock: each ends before its due time.
    assert.equal((text.match(/Trước hạn/g) ?? []).length, 3, text);
    assert.ok(text.includes('Giao: out_desk Nhận: out_spec'), text);
  });

  it('when the approver signs the result, then it is valid, carries the answers, and the applicant downloads the same bytes', async () => {
    const code = await fileDossier(t, s, 'approved');
    const specialistCookie = await t.signIn(s.specialist.username);
    const approverCookie = await t.signIn(s.approver.username);
    const page = `/quan-tri/ho-so/${encodeURIComponent(code)}/giay-to`;

    const bySpecialist = await t.formToken(page, specialistCookie);
    const refused = await t.app.inject({
      method: 'POST',
      url: `/quan-tri/ho-so/${encodeURIComponent(code)}/ket-qua/ky`,
      headers: { cookie: bySpecialist.cookie },
      payload: { _csrf: bySpecialist.csrf },
    });
    assert.equal(refused.statusCode, 403);

    const preview = await t.app.inject({
      url: `/quan-tri/ho-so/${encodeURIComponent(code)}/ket-qua/xem-truoc.pdf`,
      headers: { cookie: approverCookie },
    });
    assert.equal(preview.statusCode, 200);
    assert.equal(verifyPdf(preview.rawPayload).valid, false, 'a preview is not signed');

    const form = await t.formToken(page, approverCookie);
    const signed = await t.app.inject({
      method: 'POST',
      url: `/quan-tri/ho-so/${encodeURIComponent(code)}/ket-qua/ky`,
      headers: { cookie: form.cookie },
      payload: { _csrf: form.csrf },
    });
    assert.equal(signed.statusCode, 303, signed.body);
    const again = await t.app.inject({
      method: 'POST',
      url: `/quan-tri/ho-so/${encodeURIComponent(code)}/ket-qua/ky`,
      headers: { cookie: form.cookie },
      payload: { _csrf: form.csrf },
    });
    assert.equal(again.statusCode, 409, 'a result is signed once unless replaced on purpose');

    const download = await t.app.inject({ url: pdfUrl(code, 'ket-qua', '?so=4321') });
    assert.equal(download.statusCode, 200);
    const report = verifyPdf(download.rawPayload);
    assert.equal(report.valid, true, JSON.stringify(report.signatures));
    assert.match(report.signatures[0]?.signer?.name ?? '', /chứng thư số thử nghiệm/);
    const text = pdfText(download.rawPayload);
    for (const phrase of [
      'ỦY BAN NHÂN DÂN XÃ MẪU SƠN',
      'GIẤY XÁC NHẬN TÌNH TRẠNG HÔN NHÂN',
      `Số: 1/2026/KQ`,
      'Căn cứ Luật Hộ tịch ngày 20 tháng 11 năm 2014;',
      `Xét đề nghị của ông/bà ${OUTPUT_APPLICANT.name} tại hồ sơ số ${code},`,
      'Mục đích sử dụng: Đăng ký kết hôn tại xã Đồng Đăng',
      'Tình trạng hôn nhân: Chưa đăng ký kết hôn với ai',
      'Văn bản được ký số bởi out_lead',
    ]) {
      assert.ok(text.includes(phrase), `missing "${phrase}" in ${text}`);
    }

    // The QR code's page: the stored copy, checked.
    const id = /Mã văn bản: ([0-9a-f-]{36})/.exec(text)?.[1];
    assert.ok(id);
    const verify = await t.app.inject({ url: `/xac-thuc-van-ban?ma=${id}` });
    assert.equal(verify.statusCode, 200);
    assert.match(verify.body, /data-verdict="valid"/);
    assert.match(verify.body, new RegExp(report.sha256));
    assert.match(verify.body, /Tệp trùng khớp từng byte với bản lưu tại hệ thống/);
    const unknown = await t.app.inject({ url: '/xac-thuc-van-ban?ma=00000000-0000-4000-8000-000000000000' });
    assert.equal(unknown.statusCode, 404);
  });

  it('when the approver signs the result, then the applicant gets the SMS the approval promised, with a link that downloads it, and the timeline says to download it', async () => {
    const code = await fileDossier(t, s, 'approved');
    const approverCookie = await t.signIn(s.approver.username);
    const form = await t.formToken(`/quan-tri/ho-so/${encodeURIComponent(code)}/giay-to`, approverCookie);
    const signed = await t.app.inject({
      method: 'POST',
      url: `/quan-tri/ho-so/${encodeURIComponent(code)}/ket-qua/ky`,
      headers: { cookie: form.cookie },
      payload: { _csrf: form.csrf },
    });
    assert.equal(signed.statusCode, 303, signed.body);
    // Until 2026-12-04 nothing was sent when the result was signed or ready.
    const sms = await t.platform.database.query<{ body: string; template: string }>(
      'select body, template from notifications where recipient = $1 and body like $2 order by id',
      [OUTPUT_APPLICANT.phone, `%${code}%`],
    );
    assert.equal(sms.at(-1)?.template, 'dossiers.result_online');
    const body = sms.at(-1)?.body ?? '';
    assert.match(
      body,
      new RegExp(`^Hồ sơ ${code.replace(/\./g, '\\.')} đã có kết quả\\. Tải kết quả tại: http`),
    );
    const link = new URL(/https?:\/\/\S+/.exec(body)?.[0] ?? 'http://x/');
    const download = await t.app.inject({ url: link.pathname + link.search });
    assert.equal(download.statusCode, 200, download.body);
    assert.equal(verifyPdf(download.rawPayload).valid, true, 'the signed result, without sign-in or proof');
    const forged = await t.app.inject({ url: `${link.pathname}?t=${'A'.repeat(22)}` });
    assert.equal(forged.statusCode, 404, 'the link token is the proof');
    // Signed again (replaced): no second message.
    const again = await t.formToken(`/quan-tri/ho-so/${encodeURIComponent(code)}/giay-to`, approverCookie);
    const resigned = await t.app.inject({
      method: 'POST',
      url: `/quan-tri/ho-so/${encodeURIComponent(code)}/ket-qua/ky`,
      headers: { cookie: again.cookie },
      payload: { _csrf: again.csrf, replace: '1' },
    });
    assert.equal(resigned.statusCode, 303);
    const after = await t.platform.database.query<{ n: number }>(
      "select count(*)::int as n from notifications where template = 'dossiers.result_online' and body like $1",
      [`%${code}%`],
    );
    assert.equal(after[0]?.n, 1);
    // The timeline says how this result is delivered: downloaded, not collected at the commune.
    const track = await t.app.inject({
      url: `/tra-cuu?ma=${encodeURIComponent(code)}&so=4321`,
      remoteAddress: '198.51.100.91',
    });
    assert.match(
      track.body,
      /Đã có kết quả, đã ký số\. Bạn tải kết quả ở mục &quot;Giấy tờ của hồ sơ&quot;\./,
    );
    assert.doesNotMatch(track.body, /Mời bạn nhận kết quả tại/);
  });

  it('when the daily sweep finds a dossier late, then form 04 is issued once and emailed with a link that needs no sign-in', async () => {
    const code = await fileDossier(t, s, 'received');
    now.at = new Date('2026-12-10T00:00:00Z');
    try {
      const marked = await sweepOverdue(systemCtx(t.platform), s.deps);
      assert.ok(marked.includes(code));
      await sweepOverdue(systemCtx(t.platform), s.deps);
    } finally {
      now.at = new Date('2026-11-23T02:00:00Z');
    }
    const mails = await t.platform.database.query<{ body: string; recipient: string }>(
      "select body, recipient from notifications where template = 'documents.apology' and body like $1",
      [`%${code}%`],
    );
    assert.equal(mails.length, 1);
    assert.equal(mails[0]?.recipient, OUTPUT_APPLICANT.email);
    const link = /https?:\/\/\S+xin-loi\.pdf\?t=\S+/.exec(mails[0]?.body ?? '')?.[0];
    assert.ok(link, mails[0]?.body);
    const res = await t.app.inject({ url: new URL(link).pathname + new URL(link).search });
    assert.equal(res.statusCode, 200);
    const text = pdfText(res.rawPayload);
    // Form 04 under its current title (Circular 03/2025/TT-VPCP; docs/rules.md), with a new date.
    assert.ok(text.includes('VĂN BẢN XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT'), text);
    assert.match(text, /Thời gian hẹn trả kết quả mới: \d{2} giờ \d{2} phút, ngày/);
    assert.ok(text.includes(`Kính gửi: Ông/bà ${OUTPUT_APPLICANT.name}`), text);
    const forged = await t.app.inject({ url: `${new URL(link).pathname}?t=AAAAAAAAAAAAAAAAAAAAAA` });
    assert.equal(forged.statusCode, 404);

    // A process that stopped between the sweep and its event: the morning catch-up issues it.
    await t.platform.database.query(
      "delete from issued_documents where kind = 'apology' and dossier_code = $1",
      [code],
    );
    now.at = new Date('2026-12-10T01:00:00Z');
    try {
      assert.deepEqual(await catchUpApologies(t.platform), [code]);
      assert.deepEqual(await catchUpApologies(t.platform), [], 'once issued, not again');
    } finally {
      now.at = new Date('2026-11-23T02:00:00Z');
    }
  });
});
