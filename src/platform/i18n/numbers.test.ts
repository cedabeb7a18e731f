import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { NORTHERN_NUMBERS, readNumber } from './numbers.ts';

describe('readNumber', () => {
  const TABLE: ReadonlyArray<readonly [number, string]> = [
    [0, 'không'],
    [5, 'năm'],
    [10, 'mười'],
    [11, 'mười một'],
    [14, 'mười bốn'],
    [20, 'hai mươi'],
    [101, 'một trăm linh một'],
    [110, 'một trăm mười'],
    [115, 'một trăm mười lăm'],
    [1000, 'một nghìn'],
    [1010, 'một nghìn không trăm mười'],
    [2025, 'hai nghìn không trăm hai mươi lăm'],
    [21_000, 'hai mươi mốt nghìn'],
    [100_005, 'một trăm nghìn không trăm linh năm'],
    [1_200_000, 'một triệu hai trăm nghìn'],
    [2_021_000, 'hai triệu không trăm hai mươi mốt nghìn'],
    [1_000_000_000, 'một tỷ'],
    [3_000_000_000_000, 'ba nghìn tỷ'],
    [-5, 'âm năm'],
  ];

  it('when numbers are read, then Vietnamese reading rules apply', () => {
    for (const [n, words] of TABLE) assert.equal(readNumber(n), words, `number: ${n}`);
  });

  it('when tens are two or more, then 1 is "mốt", 4 is "tư" and 5 is "lăm" — but never after "mười" or "linh"', () => {
    for (let n = 0; n <= 100_000; n += 7) {
      const words = readNumber(n);
      assert.doesNotMatch(
        words,
        /mươi một|mươi năm|mươi bốn|mười năm|linh mốt|linh tư|linh lăm/,
        `number: ${n}`,
      );
    }
  });

  it('when "nhăm" is preferred, then 25 is "hai mươi nhăm" and 15 stays "mười lăm"', () => {
    const style = { ...NORTHERN_NUMBERS, five: 'nhăm' as const };
    assert.equal(readNumber(25, style), 'hai mươi nhăm');
    assert.equal(readNumber(15, style), 'mười lăm');
  });

  it('when a number is not a safe integer, then it is refused rather than misread', () => {
    assert.throws(() => readNumber(2.5), RangeError);
    assert.equal(readNumber(10n ** 18n), 'một tỷ tỷ');
  });
});
