import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SOUTHERN_NUMBERS } from '#platform/i18n/numbers.ts';
import { normalizeVietnamese } from './normalize.ts';

// Golden table: what is written in a bulletin → what the voice must say.
const GOLDEN: ReadonlyArray<readonly [string, string]> = [
  // The examples from the brief
  ['15/3', 'ngày mười lăm tháng ba'],
  ['UBND', 'Ủy ban nhân dân'],
  ['10 km', 'mười ki-lô-mét'],
  ['7h30', 'bảy giờ ba mươi'],
  // Cardinal numbers and their reading rules
  ['21', 'hai mươi mốt'],
  ['24', 'hai mươi tư'],
  ['15', 'mười lăm'],
  ['25', 'hai mươi lăm'],
  ['105', 'một trăm linh năm'],
  ['1005', 'một nghìn không trăm linh năm'],
  ['1.500', 'một nghìn năm trăm'],
  ['1.000.000.005', 'một tỷ không trăm linh năm'],
  ['12.000.000.000 đồng', 'mười hai tỷ đồng'],
  ['2,5', 'hai phẩy năm'],
  ['0,05', 'không phẩy không năm'],
  ['các thôn 1,2,3', 'các thôn một, hai, ba'],
  // Dates
  ['ngày 15/3', 'ngày mười lăm tháng ba'],
  ['15/3/2025', 'ngày mười lăm tháng ba năm hai nghìn không trăm hai mươi lăm'],
  ['Ngày 01/07/2025', 'Ngày một tháng bảy năm hai nghìn không trăm hai mươi lăm'],
  ['ngày 4/4', 'ngày bốn tháng tư'],
  ['tháng 3/2025', 'tháng ba năm hai nghìn không trăm hai mươi lăm'],
  ['vào tháng 4.', 'vào tháng tư.'],
  ['từ 15-17/3', 'từ ngày mười lăm đến ngày mười bảy tháng ba'],
  ['15/3-20/3', 'ngày mười lăm tháng ba đến ngày hai mươi tháng ba'],
  ['(15/3)', '(ngày mười lăm tháng ba)'],
  ['nhà số 12/5, ngõ 15/3', 'nhà số mười hai trên năm, ngõ mười lăm trên ba'],
  // Times
  ['lúc 7h', 'lúc bảy giờ'],
  ['07:30', 'bảy giờ ba mươi'],
  ['14 giờ 30', 'mười bốn giờ ba mươi'],
  ['lúc 7h05', 'lúc bảy giờ năm phút'],
  ['từ 7h30-9h', 'từ bảy giờ ba mươi đến chín giờ'],
  ['trong 24h tới', 'trong hai mươi tư giờ tới'],
  // Percentages, units, ranges, money
  ['50%', 'năm mươi phần trăm'],
  ['tăng 12,5%', 'tăng mười hai phẩy năm phần trăm'],
  ['15-20 mm', 'mười lăm đến hai mươi mi-li-mét'],
  ['500m', 'năm trăm mét'],
  ['1.500 ha', 'một nghìn năm trăm héc-ta'],
  ['20 kg', 'hai mươi ki-lô-gam'],
  ['nhiệt độ 25–30°C', 'nhiệt độ hai mươi lăm đến ba mươi độ xê'],
  ['có nơi -2°C', 'có nơi âm hai độ xê'],
  ['gió 60 km/h', 'gió sáu mươi ki-lô-mét một giờ'],
  ['100.000 đồng', 'một trăm nghìn đồng'],
  ['100.000đ/kg', 'một trăm nghìn đồng một ki-lô-gam'],
  ['50.000 VNĐ', 'năm mươi nghìn đồng'],
  ['~50 hộ', 'khoảng năm mươi hộ'],
  // Ordinals and words that change the reading
  ['thứ 2', 'thứ hai'],
  ['thứ 4 tuần sau', 'thứ tư tuần sau'],
  ['lần thứ 1', 'lần thứ nhất'],
  ['Quý IV', 'Quý bốn'],
  ['cụm loa 4G', 'cụm loa bốn gờ'],
  ['COVID-19', 'COVID mười chín'],
  ['QL1A', 'quốc lộ một A'],
  // Phone numbers and codes, digit by digit
  ['0912 345 678', 'không chín một hai, ba bốn năm, sáu bảy tám'],
  ['+84 912 345 678', 'không chín một hai, ba bốn năm, sáu bảy tám'],
  ['0912345678', 'không chín một hai, ba bốn năm, sáu bảy tám'],
  ['SĐT 0912.345.678', 'số điện thoại không chín một hai, ba bốn năm, sáu bảy tám'],
  ['hotline 1900 1234', 'hotline một chín không không, một hai ba bốn'],
  ['gọi 114', 'gọi một một bốn'],
  ['có 114 hộ', 'có một trăm mười bốn hộ'],
  ['CCCD 001234567890', 'căn cước công dân không không một hai ba bốn năm sáu bảy tám chín không'],
  // Abbreviations, and one that is left alone on purpose
  ['HĐND, MTTQ và UBND xã', 'Hội đồng nhân dân, Mặt trận Tổ quốc và Ủy ban nhân dân xã'],
  ['giải quyết TTHC, cấp BHYT, BHXH', 'giải quyết thủ tục hành chính, cấp bảo hiểm y tế, bảo hiểm xã hội'],
  ['học sinh THCS và THPT', 'học sinh trung học cơ sở và trung học phổ thông'],
  ['Đ/c Chủ tịch UBND xã', 'đồng chí Chủ tịch Ủy ban nhân dân xã'],
  ['TP Lạng Sơn', 'TP Lạng Sơn'],
  ['v.v. Bà con', 'vân vân. Bà con'],
  [
    'Nghị định 118/2025/NĐ-CP',
    'Nghị định một trăm mười tám năm hai nghìn không trăm hai mươi lăm của Chính phủ',
  ],
  ['Quyết định số 15/QĐ-UBND', 'Quyết định số mười lăm của Ủy ban nhân dân'],
  // A whole bulletin sentence
  [
    'UBND xã thông báo: từ 7h30 ngày 15/3, mưa to 15-20 mm. Bà con gọi 0912 345 678 khi cần hỗ trợ.',
    'Ủy ban nhân dân xã thông báo: từ bảy giờ ba mươi ngày mười lăm tháng ba, mưa to mười lăm đến hai mươi mi-li-mét. Bà con gọi không chín một hai, ba bốn năm, sáu bảy tám khi cần hỗ trợ.',
  ],
];

describe('normalizeVietnamese', () => {
  it('when the golden table is read, then every entry is spoken as an announcer would say it', () => {
    assert.ok(GOLDEN.length >= 40);
    for (const [written, spoken] of GOLDEN) {
      assert.equal(normalizeVietnamese(written), spoken, `input: ${written}`);
    }
  });

  it('when its own output is normalised again, then nothing changes', () => {
    for (const [written] of GOLDEN) {
      const once = normalizeVietnamese(written);
      assert.equal(normalizeVietnamese(once), once, `input: ${written}`);
    }
  });

  it('when any golden entry is normalised, then no digit is left for the voice to guess', () => {
    for (const [written] of GOLDEN)
      assert.doesNotMatch(normalizeVietnamese(written), /\d/, `input: ${written}`);
  });

  it('when text arrives decomposed (NFD), then the output is NFC', () => {
    const out = normalizeVietnamese('Ủy ban thông báo ngày 15/3'.normalize('NFD'));
    assert.equal(out, 'Ủy ban thông báo ngày mười lăm tháng ba');
    assert.equal(out, out.normalize('NFC'));
  });

  it('when a southern number style is asked for, then 105 is "lẻ" and 1.000 is "ngàn"', () => {
    assert.equal(
      normalizeVietnamese('105 hộ, 1.000 người', { numbers: SOUTHERN_NUMBERS }),
      'một trăm lẻ năm hộ, một ngàn người',
    );
  });

  it('when lines are separated by newlines, then the lines are kept for pauses', () => {
    assert.equal(normalizeVietnamese('Thông báo\n  ngày 15/3  '), 'Thông báo\nngày mười lăm tháng ba');
  });
});
