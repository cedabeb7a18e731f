import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { smsSize, stripDiacritics } from './sms.ts';

/** Vietnamese text cut to exactly `n` characters (every letter here is one UTF-16 code unit). */
function vietnamese(n: number) {
  const text = 'Hồ sơ của ông Nguyễn Văn Đạt đã được tiếp nhận tại UBND xã Mẫu Sơn. '.repeat(5).slice(0, n);
  assert.equal(text.length, n);
  return text;
}

describe('SMS size', () => {
  it('when 70 Vietnamese characters are sent, then they fit one UCS-2 segment', () => {
    assert.deepEqual(smsSize(vietnamese(70)), { encoding: 'UCS-2', characters: 70, segments: 1 });
  });

  it('when 71 Vietnamese characters are sent, then they take two segments of 67', () => {
    assert.deepEqual(smsSize(vietnamese(71)), { encoding: 'UCS-2', characters: 71, segments: 2 });
    assert.equal(smsSize(vietnamese(134)).segments, 2);
    assert.equal(smsSize(vietnamese(135)).segments, 3);
  });

  it('when a single Vietnamese letter is in plain ASCII text, then the whole message is UCS-2', () => {
    assert.equal(smsSize(`${'a'.repeat(100)}đ`).encoding, 'UCS-2');
    assert.equal(smsSize(`${'a'.repeat(100)}đ`).segments, 2);
  });

  it('when 160 plain ASCII characters are sent, then they fit one GSM-7 segment', () => {
    assert.deepEqual(smsSize('a'.repeat(160)), { encoding: 'GSM-7', characters: 160, segments: 1 });
  });

  it('when 161 plain ASCII characters are sent, then they take two segments of 153', () => {
    assert.deepEqual(smsSize('a'.repeat(161)), { encoding: 'GSM-7', characters: 161, segments: 2 });
    assert.equal(smsSize('a'.repeat(306)).segments, 2);
    assert.equal(smsSize('a'.repeat(307)).segments, 3);
  });

  it('when the text holds GSM-7 extension characters like €, then each counts double', () => {
    assert.deepEqual(smsSize('€'), { encoding: 'GSM-7', characters: 2, segments: 1 });
    assert.deepEqual(smsSize(`${'a'.repeat(158)}€`), { encoding: 'GSM-7', characters: 160, segments: 1 });
    assert.deepEqual(smsSize(`${'a'.repeat(159)}€`), { encoding: 'GSM-7', characters: 161, segments: 2 });
    assert.equal(smsSize('[~]').characters, 6);
  });
});

describe('stripDiacritics', () => {
  it('when Vietnamese text has diacritics and đ/Đ, then the plain-letter variant comes back', () => {
    assert.equal(stripDiacritics('Hồ sơ đã được tiếp nhận, Đồng Đăng'), 'Ho so da duoc tiep nhan, Dong Dang');
  });

  it('when the text comes decomposed (NFD, as some keyboards send it), then it is stripped the same way', () => {
    assert.equal(stripDiacritics('Mẫu Sơn, Lạng Sơn'.normalize('NFD')), 'Mau Son, Lang Son');
  });

  it('when the stripped text is sized, then it fits GSM-7', () => {
    assert.equal(smsSize(stripDiacritics(vietnamese(70))).encoding, 'GSM-7');
  });
});
