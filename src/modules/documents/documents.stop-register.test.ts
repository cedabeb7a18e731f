import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { act, submitDossier } from '#modules/dossiers/index.ts';
import { saveProcedure } from '#modules/procedures/index.ts';
import { COMMUNE_A, COMMUNE_B, createTestApp, type TestApp } from '#test/support/app.ts';
import {
  ctxFor,
  fileDossier,
  OUTPUT_APPLICANT,
  OUTPUT_PROCEDURE,
  type OutputSetup,
  pdfText,
  popplerSkipReason,
  setupOutputs,
  staffOf,
} from '#test/support/outputs.ts';
import { ISSUER } from './documents.fixtures.ts';
import { signResult } from './documents.service.ts';
import { renderStopNotice } from './forms/stop-notice.ts';
import { documentsDeps } from './index.ts';

/**
 * Issue 12 item 4 (forms 05 and 07, titles per docs/rules.md) and issue 14 item 8 (the papers page
 * puts the result first, by name). All of it failed before: there was no form 05, no register, and
 * the page listed "(mẫu 01)" first and a fee link for free procedures.
 */
describe('form 05, form 07 and the papers page', { skip: popplerSkipReason() }, () => {
  let t: TestApp;
  let s: OutputSetup;
  const now = { at: new Date('2026-11-23T02:00:00Z') };

  before(async () => {
    t = await createTestApp({ clock: { now: () => new Date(now.at) } });
    s = await setupOutputs(t);
  });
  after(() => t.close());

  it('when form 05 is drawn from plain data, then it has the title, the dossier, the reason and who signs', async () => {
    const text = pdfText(
      await renderStopNotice({
        issuer: { ...ISSUER, authority: 'Ủy ban nhân dân xã Mẫu Sơn', office: 'Ủy ban nhân dân xã Mẫu Sơn' },
        code: '20.06541-261122-0011',
        procedureName: 'Đăng ký nhận cha, mẹ, con',
        applicant: {
          name: 'Hà Văn Dừng',
          idNumber: '020190009999',
          address: 'Bản Pò Mã',
          phone: '0912000111',
        },
        receivedAt: new Date('2026-11-20T02:00:00Z'),
        stoppedAt: new Date('2026-11-25T03:30:00Z'),
        reason: 'Người yêu cầu đã chết trong thời gian giải quyết hồ sơ.',
        signer: { name: 'Vi Văn Duyệt', title: 'TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH' },
        trackingUrl: 'https://xaso.example.vn/tra-cuu?ma=20.06541-261122-0011',
      }),
    );
    for (const phrase of [
      'Mẫu số 05 – Thông tư số 03/2025/TT-VPCP',
      'THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ',
      'Mã hồ sơ: 20.06541-261122-0011',
      'Kính gửi: Ông/bà Hà Văn Dừng',
      'Thủ tục: Đăng ký nhận cha, mẹ, con',
      'thông báo dừng giải quyết hồ sơ nêu trên kể từ 10 giờ 30 phút, ngày 25 tháng 11 năm 2026',
      'Người yêu cầu đã chết trong thời gian giải quyết hồ sơ.',
      'Vi Văn Duyệt',
    ]) {
      assert.ok(text.includes(phrase), `missing "${phrase}" in ${text}`);
    }
  });

  it('when the approver stops a dossier, then the applicant gets form 05 with the reason among its papers', async () => {
    const code = await fileDossier(t, s, 'received');
    await act(s.approver.ctx, s.deps, code, { type: 'stop', note: 'Người yêu cầu không còn cư trú tại xã.' });
    const list = await t.app.inject({ url: `/ho-so/${encodeURIComponent(code)}/giay-to?so=4321` });
    assert.match(list.body, /Thông báo dừng giải quyết hồ sơ và lý do/);
    const pdf = await t.app.inject({
      url: `/ho-so/${encodeURIComponent(code)}/giay-to/dung-xu-ly.pdf?so=4321`,
    });
    assert.equal(pdf.statusCode, 200);
    const text = pdfText(pdf.rawPayload);
    assert.ok(text.includes('THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ'), text);
    assert.ok(text.includes('Người yêu cầu không còn cư trú tại xã.'), text);
    assert.ok(text.includes('out_lead'), text);
  });

  it('when staff print the register for November, then PDF and CSV list the dossiers received in it (Vietnam days), and other communes get 403', async () => {
    now.at = new Date('2026-10-31T16:00:00Z'); // 23:00 on 31 October in Vietnam: outside
    const october = await fileDossier(t, s, 'received');
    now.at = new Date('2026-10-31T18:00:00Z'); // 01:00 on 1 November in Vietnam: inside
    const first = await fileDossier(t, s, 'received');
    now.at = new Date('2026-11-23T02:00:00Z');
    const stopped = await fileDossier(t, s, 'received');
    await act(s.approver.ctx, s.deps, stopped, { type: 'stop', note: 'Dừng theo yêu cầu.' });
    const cookie = await t.signIn(s.desk.username);
    const qs = `?don-vi=${COMMUNE_A}&tu=01/11/2026&den=30/11/2026`;

    const csv = await t.app.inject({ url: `/quan-tri/so-theo-doi.csv${qs}`, headers: { cookie } });
    assert.equal(csv.statusCode, 200, csv.body);
    assert.match(String(csv.headers['content-type']), /text\/csv/);
    const lines = csv.body
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    assert.equal(
      lines[0],
      'TT,Mã hồ sơ,Tên thủ tục hành chính,"Tên cá nhân, tổ chức","Địa chỉ, số điện thoại",Cơ quan chủ trì giải quyết,Ngày nhận hồ sơ,Ngày hẹn trả kết quả,Ngày trả kết quả / kết thúc,Hình thức nộp hồ sơ,Tình trạng,Ký nhận',
    );
    assert.ok(
      lines.some((l) => l.includes(first)),
      'received at 01:00 on 1 November',
    );
    assert.ok(!lines.some((l) => l.includes(october)), 'received on 31 October');
    const stopLine = lines.find((l) => l.includes(stopped)) ?? '';
    assert.match(stopLine, /Dừng giải quyết/);
    assert.match(stopLine, new RegExp(OUTPUT_APPLICANT.name));

    const pdf = await t.app.inject({ url: `/quan-tri/so-theo-doi.pdf${qs}`, headers: { cookie } });
    assert.equal(pdf.statusCode, 200);
    const text = pdfText(pdf.rawPayload);
    for (const phrase of [
      'Mẫu số 07',
      'SỔ THEO DÕI HỒ SƠ',
      'từ ngày 01/11/2026 đến ngày 30/11/2026',
      first,
    ]) {
      assert.ok(text.includes(phrase), `missing "${phrase}" in ${text}`);
    }
    assert.ok(!text.includes(october), text);

    const page = await t.app.inject({ url: `/quan-tri/so-theo-doi${qs}`, headers: { cookie } });
    assert.equal(page.statusCode, 200);
    assert.match(page.body, new RegExp(`data-count="${lines.length - 1}"`));
    const backwards = await t.app.inject({
      url: `/quan-tri/so-theo-doi?don-vi=${COMMUNE_A}&tu=30/11/2026&den=01/11/2026`,
      headers: { cookie },
    });
    assert.match(
      backwards.body,
      /&quot;Đến ngày&quot; phải sau &quot;Từ ngày&quot;|"Đến ngày" phải sau "Từ ngày"/,
    );

    await staffOf(t, 'reg_b', 'receptionist', COMMUNE_B);
    const other = await t.app.inject({
      url: `/quan-tri/so-theo-doi.csv${qs}`,
      headers: { cookie: await t.signIn('reg_b') },
    });
    assert.equal(other.statusCode, 403);
  });

  it('when the result is signed, then the papers page shows it first by its name, the one-stop forms under it in plain words', async () => {
    const code = await fileDossier(t, s, 'approved');
    await signResult(s.approver.ctx, documentsDeps(t.platform), code);
    const res = await t.app.inject({ url: `/ho-so/${encodeURIComponent(code)}/giay-to?so=4321` });
    assert.equal(res.statusCode, 200);
    const body = res.body;
    const at = (needle: string) => body.indexOf(needle);
    assert.ok(at('data-paper="ket-qua"') > 0 && at('data-paper="ket-qua"') < at('data-paper="tiep-nhan"'));
    assert.match(body, /<strong>Giấy xác nhận tình trạng hôn nhân<\/strong>/);
    assert.ok(at('Giấy hẹn ngày trả kết quả') < at('(mẫu 01)'), 'the plain name, then the form');
    assert.ok(at('Các bước cán bộ đã làm với hồ sơ') < at('(mẫu 06)'));
    assert.match(body, /le-phi\?so=4321/, 'a procedure with fees links to them');
  });

  it('when the procedure is free, then the papers page has no fee section', async () => {
    const FREE = { ...OUTPUT_PROCEDURE, code: '9.000407', fees: [] };
    await saveProcedure(s.admin.ctx, FREE);
    const pdf = Buffer.from(
      '%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n',
      'latin1',
    );
    const toKhai = await t.platform.files.save(Readable.from([pdf]), { originalName: 'to-khai.pdf' });
    const { dossier } = await submitDossier(ctxFor(t, { kind: 'anonymous' }), s.deps, {
      procedureCode: FREE.code,
      unitCode: COMMUNE_A,
      applicant: OUTPUT_APPLICANT,
      form: { mucDich: 'Kết hôn', tinhTrang: 'docThan' },
      files: [{ documentId: 'toKhai', fileId: toKhai.id }],
    });
    const res = await t.app.inject({ url: `/ho-so/${encodeURIComponent(dossier.code)}/giay-to?so=4321` });
    assert.equal(res.statusCode, 200);
    assert.doesNotMatch(res.body, /le-phi/);
    assert.doesNotMatch(res.body, /Phí, lệ phí/);
    assert.match(res.body, /Kết quả chưa có/);
  });
});
