import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { act, type DossierRecord, submitDossier } from '#modules/dossiers/index.ts';
import { ensureCatalogue, getProcedure } from '#modules/procedures/index.ts';
import { COMMUNE_A, createTestApp, type TestApp } from '#test/support/app.ts';
import { ctxFor, type OutputSetup, pdfText, popplerSkipReason, setupOutputs } from '#test/support/outputs.ts';
import { signResult, templateFor } from './documents.service.ts';
import { defaultTemplate, isQuestion, templateValues } from './documents.templates.ts';
import { renderResult } from './forms/result.ts';
import { documentsDeps } from './index.ts';

/**
 * Issue 14, item 4: results follow the official forms (official-templates.ts; docs/rules.md
 * § Result documents), filled with labelled fields, never the e-form's questions. Before, the
 * birth result printed "Bạn là gì của trẻ?: Mẹ" and 'giải quyết thủ tục "Thủ tục đăng ký khai sinh"'.
 */

const AUTHORITY = 'Ủy ban nhân dân xã Mẫu Sơn';
const APPLICANT = {
  name: 'Lò Thị Hoa',
  idNumber: '020190007777',
  phone: '0977000111',
  address: 'Bản Khuổi Tào, xã Mẫu Sơn, Lạng Sơn',
  email: null,
};

/** Sample answers per procedure, as a citizen fills the e-form (select values, ISO dates). */
const ANSWERS: Record<string, { form: Record<string, string>; expect: string[] }> = {
  '1.001193': {
    form: {
      childName: 'Lò Thị Mai',
      childBirthDate: '2026-03-15',
      childSex: 'nu',
      childBirthPlace: 'Trạm y tế xã Mẫu Sơn',
      childHometown: 'xã Mẫu Sơn, Lạng Sơn',
      childEthnicity: 'Dao',
      childNationality: 'Việt Nam',
      motherName: 'Lò Thị Hoa',
      motherIdNumber: '020190007777',
      requesterRelationship: 'me',
    },
    expect: [
      'GIẤY KHAI SINH',
      'Thông tư số 04/2020/TT-BTP',
      'Họ, chữ đệm, tên: Lò Thị Mai',
      'Ngày, tháng, năm sinh: 15/03/2026',
      'Giới tính: Nữ',
      'Dân tộc: Dao',
      'Nơi sinh: Trạm y tế xã Mẫu Sơn',
      'Họ, chữ đệm, tên người mẹ: Lò Thị Hoa',
      'Người đi đăng ký khai sinh: Lò Thị Hoa',
      'Quan hệ với người được khai sinh: Mẹ',
      `Nơi đăng ký khai sinh: ${AUTHORITY}`,
      'NGƯỜI KÝ GIẤY KHAI SINH',
    ],
  },
  '1.000656': {
    form: {
      deceasedName: 'Hoàng Văn Tảo',
      deceasedBirthDate: '1940-01-02',
      deceasedSex: 'nam',
      deceasedEthnicity: 'Tày',
      deathDate: '2026-11-20',
      deathPlace: 'Bản Khuổi Tào',
      deathCause: 'Tuổi già',
      requesterRelationship: 'con',
    },
    expect: [
      'TRÍCH LỤC KHAI TỬ',
      'Họ, chữ đệm, tên người chết: Hoàng Văn Tảo',
      'Ngày, tháng, năm chết: 20/11/2026',
      'Nguyên nhân chết: Tuổi già',
      'Quan hệ với người chết: Con',
    ],
  },
  '1.000894': {
    form: {
      groomName: 'Triệu Văn Lâm',
      groomBirthDate: '2000-05-01',
      groomEthnicity: 'Dao',
      groomIdNumber: '020200001111',
      groomResidence: 'Bản Pò Mã',
      groomMarriageNumber: '1',
      brideName: 'Lò Thị Hoa',
      brideBirthDate: '2001-06-02',
      brideEthnicity: 'Tày',
      brideIdNumber: '020190007777',
      brideResidence: 'Bản Khuổi Tào',
      brideMarriageNumber: '1',
    },
    expect: [
      'GIẤY CHỨNG NHẬN KẾT HÔN',
      'Họ, chữ đệm, tên người chồng: Triệu Văn Lâm',
      'Họ, chữ đệm, tên người vợ: Lò Thị Hoa',
      'Ngày, tháng, năm sinh của người vợ: 02/06/2001',
      `Nơi đăng ký kết hôn: ${AUTHORITY}`,
    ],
  },
  '1.004873': {
    form: { currentStatus: 'chua_ket_hon', purpose: 'Đăng ký kết hôn tại xã Đồng Đăng' },
    expect: [
      'GIẤY XÁC NHẬN TÌNH TRẠNG HÔN NHÂN',
      'Tình trạng hôn nhân: Chưa kết hôn lần nào',
      'Giấy này được cấp để: Đăng ký kết hôn tại xã Đồng Đăng',
      'Giấy này có giá trị 06 tháng kể từ ngày cấp.',
    ],
  },
  '2.000815': {
    form: { documentName: 'Bằng tốt nghiệp trung học phổ thông', pageCount: '1', copyCount: '3' },
    expect: [
      'CHỨNG THỰC BẢN SAO ĐÚNG VỚI BẢN CHÍNH',
      'Thông tư số 01/2020/TT-BTP',
      'Giấy tờ, văn bản: Bằng tốt nghiệp trung học phổ thông',
      'Số trang của bản chính: 1',
      'Số bản sao được chứng thực: 3',
    ],
  },
  '2.000884': {
    form: { documentName: 'Giấy ủy quyền', signatureCount: '2' },
    expect: [
      'LỜI CHỨNG CHỨNG THỰC CHỮ KÝ',
      'ông/bà Lò Thị Hoa, số định danh cá nhân 020190007777, đã ký (hoặc điểm chỉ)',
      'Giấy tờ, văn bản: Giấy ủy quyền',
      'Số chữ ký, dấu điểm chỉ được chứng thực: 2',
    ],
  },
};

describe('result documents follow the official forms, with labels and never the e-form questions', {
  skip: popplerSkipReason(),
}, () => {
  let t: TestApp;
  let s: OutputSetup;
  before(async () => {
    t = await createTestApp({ clock: { now: () => new Date('2026-11-23T02:00:00Z') } });
    await ensureCatalogue(t.platform.database.db);
    s = await setupOutputs(t);
  });
  after(() => t.close());

  /** The questions of a procedure's e-form, which must never reach its result. */
  const questions = async (code: string) =>
    (await getProcedure(t.platform.database.db, code)).form.map((f) => f.label.vi).filter(isQuestion);

  const assertResult = (text: string, expect: string[], asked: string[]) => {
    for (const phrase of expect) assert.ok(text.includes(phrase), `missing "${phrase}" in ${text}`);
    for (const q of asked)
      assert.ok(!text.includes(q.replace(/\?\s*$/, '')), `the question "${q}" is printed: ${text}`);
    assert.doesNotMatch(text, /thủ tục “Thủ tục|thủ tục "Thủ tục/);
  };

  for (const [code, sample] of Object.entries(ANSWERS)) {
    it(`when ${code}'s result is drawn, then it follows the official form with labelled answers`, async () => {
      const procedure = await getProcedure(t.platform.database.db, code);
      const d = {
        code: '20.06541-261123-0100',
        procedureCode: code,
        procedure,
        applicant: APPLICANT,
        formData: sample.form,
      } as unknown as DossierRecord;
      const issuer = { authority: AUTHORITY, office: AUTHORITY, placeName: 'Mẫu Sơn' };
      const at = new Date('2026-11-26T03:00:00Z');
      const text = pdfText(
        await renderResult({
          issuer,
          number: '7/2026/KQ',
          code: d.code,
          documentId: '0b9f6a52-5c1e-4e8e-9d3a-2b1f7c9d4e61',
          verifyUrl: 'https://xaso.example.vn/xac-thuc-van-ban?ma=0b9f6a52-5c1e-4e8e-9d3a-2b1f7c9d4e61',
          issuedAt: at,
          template: await templateFor(s.desk.ctx, d),
          values: templateValues(d, issuer, at),
          signer: { name: 'Vi Văn Duyệt' },
          signedElectronically: true,
        }),
      );
      assertResult(text, sample.expect, await questions(code));
    });
  }

  it('when a birth registration is signed through the workflow, then the signed result reads "Quan hệ với người được khai sinh: Mẹ", not the question', async () => {
    const code = '1.001193';
    const procedure = await getProcedure(t.platform.database.db, code);
    const pdf = Buffer.from(
      '%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n',
      'latin1',
    );
    const files = [];
    for (const doc of procedure.documents.filter((x) => x.mandatory)) {
      const f = await t.platform.files.save(Readable.from([pdf]), { originalName: `${doc.id}.pdf` });
      files.push({ documentId: doc.id, fileId: f.id });
    }
    const { dossier } = await submitDossier(ctxFor(t, { kind: 'anonymous' }), s.deps, {
      procedureCode: code,
      unitCode: COMMUNE_A,
      applicant: { ...APPLICANT, email: undefined },
      form: ANSWERS[code]?.form ?? {},
      files,
    });
    await act(s.desk.ctx, s.deps, dossier.code, { type: 'receive' });
    await act(s.desk.ctx, s.deps, dossier.code, { type: 'assign', assigneeId: s.specialist.id });
    await act(s.specialist.ctx, s.deps, dossier.code, { type: 'submit_for_approval' });
    await act(s.approver.ctx, s.deps, dossier.code, { type: 'approve' });
    await signResult(s.approver.ctx, documentsDeps(t.platform), dossier.code);
    const res = await t.app.inject({
      url: `/ho-so/${encodeURIComponent(dossier.code)}/giay-to/ket-qua.pdf?so=0111`,
    });
    assert.equal(res.statusCode, 200, res.body);
    const text = pdfText(res.rawPayload);
    assertResult(text, ANSWERS[code]?.expect ?? [], await questions(code));
    assert.doesNotMatch(text, /Bạn là gì của trẻ/);
  });

  it('when a procedure has no official template, then the default one does not double "thủ tục" nor print the questions', async () => {
    const procedure = await getProcedure(t.platform.database.db, '2.000635');
    const d = {
      code: '20.06541-261123-0101',
      procedureCode: '2.000635',
      procedure,
      applicant: APPLICANT,
      formData: {
        recordType: procedure.form[0]?.options?.[0]?.value ?? '',
        personName: 'Lò Thị Mai',
        copyCount: '2',
      },
    } as unknown as DossierRecord;
    const template = await templateFor(s.desk.ctx, d);
    const issuer = { authority: AUTHORITY, office: AUTHORITY, placeName: 'Mẫu Sơn' };
    const at = new Date('2026-11-26T03:00:00Z');
    const text = pdfText(
      await renderResult({
        issuer,
        number: '8/2026/KQ',
        code: d.code,
        documentId: '0b9f6a52-5c1e-4e8e-9d3a-2b1f7c9d4e62',
        verifyUrl: 'https://xaso.example.vn/xac-thuc-van-ban?ma=x',
        issuedAt: at,
        template,
        values: templateValues(d, issuer, at),
        signer: { name: 'Vi Văn Duyệt' },
        signedElectronically: true,
      }),
    );
    assertResult(text, ['giải quyết đề nghị cấp bản sao Trích lục hộ tịch'], await questions('2.000635'));
    const birthDefault = defaultTemplate(await getProcedure(t.platform.database.db, '1.001193'));
    assert.match(birthDefault.body[0] ?? '', /giải quyết đề nghị đăng ký khai sinh với nội dung sau/);
    assert.ok(!birthDefault.fields.some((f) => f.label.includes('Bạn là gì')));
  });
});
