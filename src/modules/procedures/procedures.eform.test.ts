import assert from 'node:assert/strict';
import fs from 'node:fs';
import { describe, it } from 'node:test';
import { Invalid } from '#platform/errors.ts';
import { parse } from '#platform/validation.ts';
import { eFormSchema } from './procedures.eform.ts';
import { type FormField, ProcedureDefinition } from './procedures.schemas.ts';
import { CATALOGUE_FILE } from './procedures.service.ts';

const catalogue = (JSON.parse(fs.readFileSync(CATALOGUE_FILE, 'utf8')) as unknown[]).map((r) =>
  ProcedureDefinition.parse(r),
);
const formOf = (code: string): FormField[] => {
  const p = catalogue.find((x) => x.code === code);
  if (!p) throw new Error(`no ${code} in the seed`);
  return p.form;
};

/** Field → {vi, en} of the first error, from a parse that must fail. */
function errorsOf(fields: FormField[], input: Record<string, unknown>) {
  try {
    parse(eFormSchema(fields), input);
  } catch (e) {
    assert.ok(e instanceof Invalid);
    return Object.fromEntries(e.fields.map((f) => [f.field, { vi: f.vi, en: f.en }]));
  }
  assert.fail('the input was accepted');
}

const birth = {
  childName: 'Hoàng Thị Mai',
  childBirthDate: '2026-03-15',
  childSex: 'nu',
  childBirthPlace: 'Trạm y tế xã Mẫu Sơn',
  childEthnicity: 'Dao',
  childNationality: 'Việt Nam',
  fatherName: 'Hoàng Văn Páo',
  fatherIdNumber: '020091001234',
  motherName: 'Triệu Thị Mỷ',
  motherIdNumber: '020192005678',
  requesterRelationship: 'me',
};

describe('e-forms built from a procedure definition', () => {
  it('when the birth registration form is filled in properly, then it is accepted and text is NFC', () => {
    const nfd = 'Hoàng Thị Mai'.normalize('NFD');
    const out = parse(eFormSchema(formOf('1.001193')), { ...birth, childName: nfd });
    assert.equal(out.childName, 'Hoàng Thị Mai');
    assert.equal(out.childName, (out.childName as string).normalize('NFC'));
    assert.equal(out.childHometown, undefined);
  });

  it('when required answers are missing, then each is named, with its message in Vietnamese and English', () => {
    const { childName: _n, motherName: _m, childSex: _s, ...rest } = birth;
    const errors = errorsOf(formOf('1.001193'), rest);
    for (const field of ['childName', 'motherName']) {
      assert.deepEqual(
        errors[field],
        { vi: 'Vui lòng nhập thông tin này.', en: 'This field is required.' },
        field,
      );
    }
    // A select left unanswered asks for a choice.
    assert.deepEqual(errors.childSex, {
      vi: 'Vui lòng chọn một giá trị trong danh sách.',
      en: 'Please choose one of the allowed values.',
    });
    assert.equal(Object.keys(errors).length, 3);
  });

  it('when a CCCD number does not have exactly 12 digits, then the bilingual CCCD message is given', () => {
    for (const bad of ['02009100123', '0200910012345', '02009100123A']) {
      const errors = errorsOf(formOf('1.001193'), { ...birth, fatherIdNumber: bad });
      assert.deepEqual(errors.fatherIdNumber, {
        vi: 'Số CCCD gồm đúng 12 chữ số.',
        en: 'A citizen ID number has exactly 12 digits.',
      });
    }
    // Spaces around are trimmed, and an optional CCCD may be left out.
    const { fatherIdNumber: _f, ...noFather } = birth;
    assert.ok(parse(eFormSchema(formOf('1.001193')), { ...noFather, motherIdNumber: ' 020192005678 ' }));
  });

  it('when a select gets a value that is not an option, then it is refused in both languages', () => {
    const errors = errorsOf(formOf('1.001193'), { ...birth, childSex: 'other', requesterRelationship: 'Mẹ' });
    const expected = {
      vi: 'Vui lòng chọn một giá trị trong danh sách.',
      en: 'Please choose one of the allowed values.',
    };
    assert.deepEqual(errors.childSex, expected);
    assert.deepEqual(errors.requesterRelationship, expected);
  });

  it('when a date is not a date or does not exist, then the date message says how to write it', () => {
    for (const bad of ['03/15/2026', '2026-02-30', '30/02/2026', 'hôm qua']) {
      const errors = errorsOf(formOf('1.001193'), { ...birth, childBirthDate: bad });
      assert.deepEqual(errors.childBirthDate, {
        vi: 'Ghi ngày theo dạng ngày/tháng/năm, ví dụ 15/03/2026.',
        en: 'Write the date as day/month/year, e.g. 15/03/2026.',
      });
    }
  });

  it('when a date is written dd/mm/yyyy or ISO, then the answer keeps the ISO date', () => {
    for (const written of ['15/03/2026', '15-3-2026', '2026-03-15']) {
      const out = parse(eFormSchema(formOf('1.001193')), { ...birth, childBirthDate: written });
      assert.equal(out.childBirthDate, '2026-03-15', written);
    }
  });

  it('when numbers come as form text and boxes are unticked, then they are read as numbers and false; limits hold', () => {
    const fields = formOf('2.000884');
    const out = parse(eFormSchema(fields), { documentName: 'Giấy cam kết', signatureCount: '2' });
    assert.equal(out.signatureCount, 2);
    assert.equal(out.fingerprint, false);
    assert.equal(
      parse(eFormSchema(fields), { documentName: 'x', signatureCount: '1', fingerprint: 'on' }).fingerprint,
      true,
    );
    const errors = errorsOf(fields, { documentName: 'Giấy cam kết', signatureCount: '0' });
    assert.deepEqual(errors.signatureCount, { vi: 'Phải từ 1 trở lên.', en: 'Must be 1 or more.' });
  });

  it('when a phone or email field is filled in, then it is checked and a phone is normalised', () => {
    const fields = formOf('1.001612');
    const base = {
      businessName: 'Hộ kinh doanh Nông Thị Hoa',
      businessAddress: 'Thôn Khuổi Tào, xã Mẫu Sơn',
      businessLines: 'Bán tạp hóa',
      capital: '50000000',
      ownerType: 'ca_nhan',
    };
    assert.equal(
      parse(eFormSchema(fields), { ...base, businessPhone: '+84 912 345 678' }).businessPhone,
      '0912345678',
    );
    const errors = errorsOf(fields, { ...base, businessPhone: '12345', email: 'không-phải-email' });
    assert.deepEqual(errors.businessPhone, {
      vi: 'Số điện thoại gồm 10 chữ số, bắt đầu bằng 0.',
      en: 'A phone number has 10 digits starting with 0.',
    });
    assert.deepEqual(errors.email, { vi: 'Địa chỉ email không hợp lệ.', en: 'Not a valid email address.' });
  });
});
