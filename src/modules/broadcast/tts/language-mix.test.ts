import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { couldBeVietnameseSyllable, detectLanguageMix } from './language-mix.ts';

describe('detectLanguageMix', () => {
  it('when a bulletin is all Vietnamese, then it is not mixed', () => {
    const r = detectLanguageMix('UBND xã thông báo: ngày 15/3 có mưa to, bà con chú ý phòng tránh.');
    assert.equal(r.mixed, false);
    assert.equal(r.dominant, 'vi');
    assert.deepEqual(r.spans, []);
  });

  it('when a Vietnamese bulletin contains an English sentence, then it is flagged with that sentence', () => {
    const r = detectLanguageMix(
      'UBND xã thông báo: ngày 15/3 có mưa to. Please stay at home during the storm.',
    );
    assert.equal(r.mixed, true);
    assert.deepEqual(r.reasons, ['foreign-sentence']);
    assert.deepEqual(r.spans, ['Please stay at home during the storm']);
  });

  it('when an English phrase sits inside a Vietnamese sentence, then the phrase is flagged', () => {
    const r = detectLanguageMix('Bà con nên stay safe and keep calm khi có bão.');
    assert.equal(r.mixed, true);
    assert.deepEqual(r.reasons, ['foreign-phrase']);
    assert.deepEqual(r.spans, ['stay safe and keep calm']);
  });

  it('when another script appears, then it is flagged and named', () => {
    const r = detectLanguageMix('Bà con chú ý an toàn. 注意安全');
    assert.equal(r.mixed, true);
    assert.deepEqual(r.reasons, ['other-script']);
    assert.deepEqual(r.scripts, ['Han']);
  });

  it('when only loanwords, brands and acronyms appear, then it is not mixed', () => {
    const r = detectLanguageMix('Nộp hồ sơ online qua Zalo hoặc ứng dụng VNeID, liên hệ PCCC hoặc CSGT.');
    assert.equal(r.mixed, false);
  });

  it('when a headline is in capitals, then it is still Vietnamese', () => {
    const r = detectLanguageMix('THÔNG BÁO KHẨN: BÃO SỐ 3 ĐỔ BỘ');
    assert.equal(r.mixed, false);
    assert.equal(r.dominant, 'vi');
  });

  it('when the whole text is English, then it is one language but not Vietnamese', () => {
    const r = detectLanguageMix('Storm warning for all residents. Stay indoors.');
    assert.equal(r.mixed, false);
    assert.equal(r.dominant, 'foreign');
  });

  it('when Vietnamese is typed without diacritics, then it is reported for retyping, not as mixed', () => {
    const r = detectLanguageMix('Xin chao ba con, hom nay troi mua to');
    assert.equal(r.mixed, false);
    assert.equal(r.dominant, 'vi');
    assert.equal(r.withoutDiacritics, true);
  });

  it('when words are checked for Vietnamese shape, then English onsets, finals and vowel clusters fail', () => {
    for (const w of ['xin', 'chao', 'nghieng', 'quyen', 'giuong', 'khuya', 'the']) {
      assert.equal(couldBeVietnameseSyllable(w), true, w);
    }
    for (const w of ['please', 'stay', 'and', 'house', 'team', 'of', 'zalo', 'warning']) {
      assert.equal(couldBeVietnameseSyllable(w), false, w);
    }
  });
});
