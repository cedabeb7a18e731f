/**
 * Numerator and denominator expressions of indicators: arithmetic over data elements, parsed by a
 * small recursive-descent parser and evaluated by walking the tree. Never `eval`, never SQL: an
 * expression can only add, subtract, multiply and divide numbers and element values.
 *
 *   expression := term (('+' | '-') term)*
 *   term       := factor (('*' | '/') factor)*
 *   factor     := '-' factor | number | reference | '(' expression ')'
 *   reference  := CODE ('.' option)?      CODE: A–Z, digits, '_', starting with a letter
 *                                          option: a category option's code (a–z, digits, '_')
 *
 * `HS_NHAN_TRUC_TUYEN / HS_NHAN`, `(HGD_SMARTPHONE + 0.5 * HGD_MAY_TINH)`, `DAN_SO.nu`.
 * DHIS2 writes references as `#{uid.coc}`; plain codes read better when a province admin types them.
 */

export type Expr =
  | { kind: 'number'; value: number }
  | { kind: 'ref'; code: string; option: string | undefined }
  | { kind: 'neg'; arg: Expr }
  | { kind: 'binary'; op: '+' | '-' | '*' | '/'; left: Expr; right: Expr };

export class ExpressionError extends Error {
  constructor(
    readonly vi: string,
    readonly en: string,
    readonly at: number,
  ) {
    super(en);
  }
}

export const CODE_PATTERN = /^[A-Z][A-Z0-9_]{0,39}$/;
const MAX_LENGTH = 500;
const MAX_DEPTH = 30;

type Token =
  | { t: 'num'; v: number; at: number }
  | { t: 'ref'; code: string; option: string | undefined; at: number }
  | { t: 'op'; v: '+' | '-' | '*' | '/' | '(' | ')'; at: number }
  | { t: 'end'; at: number };

function tokenize(src: string): Token[] {
  const out: Token[] = [];
  const re = /\s*(?:(\d+(?:\.\d+)?)|([A-Za-z_][A-Za-z0-9_]*)(?:\.([A-Za-z0-9_]+))?|([-+*/()]))/y;
  let i = 0;
  while (i < src.length) {
    if (/^\s*$/.test(src.slice(i))) break;
    re.lastIndex = i;
    const m = re.exec(src);
    if (!m) {
      const at = i + (src.slice(i).length - src.slice(i).trimStart().length);
      throw new ExpressionError(
        `Ký tự không hợp lệ "${src[at]}" ở vị trí ${at + 1}.`,
        `Unexpected character "${src[at]}" at position ${at + 1}.`,
        at,
      );
    }
    const at = m.index + (m[0].length - m[0].trimStart().length);
    if (m[1] !== undefined) out.push({ t: 'num', v: Number(m[1]), at });
    else if (m[2] !== undefined) {
      if (!CODE_PATTERN.test(m[2]))
        throw new ExpressionError(
          `Mã "${m[2]}" không hợp lệ: chỉ gồm chữ in hoa không dấu, chữ số và "_", bắt đầu bằng chữ.`,
          `"${m[2]}" is not a valid code: capital letters, digits and "_", starting with a letter.`,
          at,
        );
      out.push({ t: 'ref', code: m[2], option: m[3], at });
    } else out.push({ t: 'op', v: m[4] as '+', at });
    i = re.lastIndex;
  }
  out.push({ t: 'end', at: src.length });
  return out;
}

/** Parse an expression or throw `ExpressionError` with a bilingual message and the position. */
export function parseExpression(src: string): Expr {
  if (src.length > MAX_LENGTH)
    throw new ExpressionError(
      `Biểu thức dài quá ${MAX_LENGTH} ký tự.`,
      `The expression is longer than ${MAX_LENGTH} characters.`,
      MAX_LENGTH,
    );
  const tokens = tokenize(src);
  let pos = 0;
  const peek = () => tokens[pos] as Token;
  const isOp = (v: string) => {
    const t = peek();
    return t.t === 'op' && t.v === v;
  };

  const expression = (depth: number): Expr => {
    let left = term(depth);
    while (isOp('+') || isOp('-')) {
      const op = (tokens[pos++] as { v: '+' | '-' }).v;
      left = { kind: 'binary', op, left, right: term(depth) };
    }
    return left;
  };
  const term = (depth: number): Expr => {
    let left = factor(depth);
    while (isOp('*') || isOp('/')) {
      const op = (tokens[pos++] as { v: '*' | '/' }).v;
      left = { kind: 'binary', op, left, right: factor(depth) };
    }
    return left;
  };
  const factor = (depth: number): Expr => {
    const t = peek();
    if (depth > MAX_DEPTH)
      throw new ExpressionError('Biểu thức lồng nhau quá sâu.', 'The expression is nested too deeply.', t.at);
    if (t.t === 'op' && t.v === '-') {
      pos++;
      return { kind: 'neg', arg: factor(depth + 1) };
    }
    if (t.t === 'num') {
      pos++;
      return { kind: 'number', value: t.v };
    }
    if (t.t === 'ref') {
      pos++;
      return { kind: 'ref', code: t.code, option: t.option };
    }
    if (t.t === 'op' && t.v === '(') {
      pos++;
      const inner = expression(depth + 1);
      if (!isOp(')'))
        throw new ExpressionError(
          `Thiếu dấu ")" ở vị trí ${peek().at + 1}.`,
          `Missing ")" at position ${peek().at + 1}.`,
          peek().at,
        );
      pos++;
      return inner;
    }
    if (t.t === 'end')
      throw new ExpressionError(
        'Biểu thức chưa hết: thiếu một số hoặc một mã.',
        'The expression ends too early: a number or a code is missing.',
        t.at,
      );
    throw new ExpressionError(
      `Không chờ "${t.v}" ở vị trí ${t.at + 1}.`,
      `Unexpected "${t.v}" at position ${t.at + 1}.`,
      t.at,
    );
  };

  const tree = expression(0);
  const rest = peek();
  if (rest.t !== 'end') {
    const text = rest.t === 'ref' ? rest.code : rest.t === 'num' ? String(rest.v) : rest.v;
    throw new ExpressionError(
      `Thừa "${text}" ở vị trí ${rest.at + 1}.`,
      `Unexpected "${text}" at position ${rest.at + 1}.`,
      rest.at,
    );
  }
  return tree;
}

/** The element references of an expression (code and option), each once. */
export function references(e: Expr): { code: string; option: string | undefined }[] {
  const seen = new Map<string, { code: string; option: string | undefined }>();
  const walk = (x: Expr) => {
    if (x.kind === 'ref') seen.set(`${x.code}.${x.option ?? ''}`, { code: x.code, option: x.option });
    else if (x.kind === 'neg') walk(x.arg);
    else if (x.kind === 'binary') {
      walk(x.left);
      walk(x.right);
    }
  };
  walk(e);
  return [...seen.values()];
}

/**
 * The value of an expression. `lookup` gives an element's value (its total without an option) or
 * undefined when there is no value. A missing value counts as 0, as DHIS2's "skip" strategy does
 * for totals, except that an expression whose every reference is missing has no value (null): a
 * commune that reported nothing is "no data", not 0 %. Division by zero gives null.
 */
export function evaluate(e: Expr, lookup: (code: string, option: string | undefined) => number | undefined) {
  const r = evaluateCounted(e, lookup);
  return r.refs > 0 && r.found === 0 ? null : r.value;
}

/**
 * An indicator's value: numerator ÷ denominator × factor. Missing element values count as 0 unless
 * no element of the whole indicator has a value (then "no data"); a zero denominator gives null.
 * So a commune with 1 dossier received and none online is at 0 %, not "no data".
 */
export function evaluateIndicator(
  numerator: Expr,
  denominator: Expr,
  factor: number,
  lookup: (code: string, option: string | undefined) => number | undefined,
): number | null {
  const n = evaluateCounted(numerator, lookup);
  const d = evaluateCounted(denominator, lookup);
  if (n.refs + d.refs > 0 && n.found + d.found === 0) return null;
  if (n.value === null || d.value === null || d.value === 0) return null;
  return (n.value / d.value) * factor;
}

/** The value with missing values as 0, and how many references there were and how many had a value. */
export function evaluateCounted(
  e: Expr,
  lookup: (code: string, option: string | undefined) => number | undefined,
) {
  let refs = 0;
  let found = 0;
  const walk = (x: Expr): number | null => {
    switch (x.kind) {
      case 'number':
        return x.value;
      case 'ref': {
        refs++;
        const v = lookup(x.code, x.option);
        if (v !== undefined) found++;
        return v ?? 0;
      }
      case 'neg': {
        const v = walk(x.arg);
        return v === null ? null : -v;
      }
      case 'binary': {
        const l = walk(x.left);
        const r = walk(x.right);
        if (l === null || r === null) return null;
        if (x.op === '+') return l + r;
        if (x.op === '-') return l - r;
        if (x.op === '*') return l * r;
        return r === 0 ? null : l / r;
      }
    }
  };
  const value = walk(e);
  return { value, refs, found };
}
