import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ExpressionError, evaluate, evaluateIndicator, parseExpression, references } from './expression.ts';

const values: Record<string, number> = { A: 6, B: 4, C: 0, 'D.nu': 3, D: 5 };
const lookup = (code: string, option: string | undefined) => values[option ? `${code}.${option}` : code];
const calc = (src: string) => evaluate(parseExpression(src), lookup);

describe('indicator expressions', () => {
  it('when arithmetic is written, then precedence and parentheses hold as in school', () => {
    assert.equal(calc('A + B * 2'), 14);
    assert.equal(calc('(A + B) * 2'), 20);
    assert.equal(calc('A - B - 1'), 1);
    assert.equal(calc('A / B / 2'), 0.75);
    assert.equal(calc('-A + 10'), 4);
    assert.equal(calc('- -A'), 6);
    assert.equal(calc('0.5 * A'), 3);
    assert.equal(calc('D.nu / D'), 0.6);
    assert.equal(calc('  A+B  '), 10);
  });

  it('when a division is by zero, or every element is missing, then there is no value', () => {
    assert.equal(calc('A / C'), null);
    assert.equal(calc('X + Y'), null);
    assert.equal(calc('A + X'), 6, 'a missing element among present ones counts as 0');
    assert.equal(calc('100'), 100);
  });

  it('when an indicator has a value only in its denominator, then it is 0, not "no data"', () => {
    const ind = (n: string, d: string, f = 100) =>
      evaluateIndicator(parseExpression(n), parseExpression(d), f, lookup);
    assert.equal(ind('X', 'A'), 0);
    assert.equal(ind('B', 'A'), (4 / 6) * 100);
    assert.equal(ind('X', 'Y'), null);
    assert.equal(ind('A', 'C'), null);
    assert.equal(ind('A', '1', 1), 6);
  });

  it('when references are asked for, then each element is listed once with its option', () => {
    assert.deepEqual(references(parseExpression('A + B * A + D.nu')), [
      { code: 'A', option: undefined },
      { code: 'B', option: undefined },
      { code: 'D', option: 'nu' },
    ]);
  });

  it('when the text is not an expression, then the error says what and where, in both languages', () => {
    const cases: [string, RegExp][] = [
      ['A +', /ends too early/],
      ['A B', /Unexpected "B" at position 3/],
      ['(A + B', /Missing "\)"/],
      ['A ; B', /Unexpected character ";" at position 3/],
      ['process.exit(1)', /not a valid code/],
      ['A ** B', /Unexpected "\*" at position 4/],
      ['a + 1', /not a valid code/],
      ['', /ends too early/],
      [`${'('.repeat(40)}A${')'.repeat(40)}`, /nested too deeply/],
      ['A+'.repeat(300), /longer than 500/],
    ];
    for (const [src, re] of cases) {
      assert.throws(
        () => parseExpression(src),
        (e: unknown) => e instanceof ExpressionError && re.test(e.en) && e.vi.length > 0,
        src,
      );
    }
  });
});
