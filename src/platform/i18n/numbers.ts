/**
 * Vietnamese numbers in words, as an announcer reads them and as receipts write amounts: the
 * speech normaliser (broadcast) and amounts in words (payments) both read numbers here.
 */

const DIGIT_WORDS = ['không', 'một', 'hai', 'ba', 'bốn', 'năm', 'sáu', 'bảy', 'tám', 'chín'] as const;

/** Regional choices in reading numbers. Both are correct Vietnamese; listeners expect their own. */
export interface NumberStyle {
  /** 105: "một trăm linh năm" (north) or "một trăm lẻ năm" (south). */
  zeroTens: 'linh' | 'lẻ';
  /** 1.000: "một nghìn" (north) or "một ngàn" (south). */
  thousand: 'nghìn' | 'ngàn';
  /** 25: "hai mươi lăm" or "hai mươi nhăm". 15 is always "mười lăm". */
  five: 'lăm' | 'nhăm';
  /** 24: "hai mươi tư" or "hai mươi bốn". 14 is always "mười bốn". */
  four: 'tư' | 'bốn';
}

export const NORTHERN_NUMBERS: NumberStyle = { zeroTens: 'linh', thousand: 'nghìn', five: 'lăm', four: 'tư' };
export const SOUTHERN_NUMBERS: NumberStyle = { zeroTens: 'lẻ', thousand: 'ngàn', five: 'lăm', four: 'tư' };

function digitWord(d: number): string {
  const w = DIGIT_WORDS[d];
  if (w === undefined) throw new RangeError(`not a digit: ${d}`);
  return w;
}

/** Reads "0912" as "không chín một hai": codes and phone numbers are dictated, not counted. */
export function readDigits(digits: string): string {
  return [...digits]
    .filter((c) => c >= '0' && c <= '9')
    .map((c) => digitWord(Number(c)))
    .join(' ');
}

/** One group of three digits. `full` reads a leading "không trăm" and "linh", as inside 1.005. */
function readTriple(group: number, full: boolean, style: NumberStyle): string[] {
  const h = Math.floor(group / 100);
  const t = Math.floor(group / 10) % 10;
  const u = group % 10;
  const words: string[] = [];
  if (full || h > 0) words.push(digitWord(h), 'trăm');
  if (t === 0) {
    if (u > 0) {
      if (words.length > 0) words.push(style.zeroTens);
      words.push(digitWord(u));
    }
  } else if (t === 1) {
    words.push('mười');
    if (u === 5) words.push('lăm');
    else if (u > 0) words.push(digitWord(u));
  } else {
    words.push(digitWord(t), 'mươi');
    if (u === 1) words.push('mốt');
    else if (u === 4) words.push(style.four);
    else if (u === 5) words.push(style.five);
    else if (u > 0) words.push(digitWord(u));
  }
  return words;
}

const BILLION = 1_000_000_000n;

function readPositive(n: bigint, leading: boolean, style: NumberStyle): string[] {
  // Above a billion Vietnamese stacks the scale words: 3.000 tỷ is "ba nghìn tỷ".
  if (n >= BILLION) {
    const words = [...readPositive(n / BILLION, leading, style), 'tỷ'];
    const low = n % BILLION;
    if (low > 0n) words.push(...readPositive(low, false, style));
    return words;
  }
  const scales: Array<[bigint, string]> = [
    [1_000_000n, 'triệu'],
    [1_000n, style.thousand],
    [1n, ''],
  ];
  const words: string[] = [];
  let first = leading;
  for (const [scale, name] of scales) {
    const group = Number((n / scale) % 1000n);
    // An all-zero group is silent: 1.000.005 is "một triệu không trăm linh năm".
    if (group === 0) continue;
    words.push(...readTriple(group, !first, style));
    if (name) words.push(name);
    first = false;
  }
  return words;
}

/**
 * A whole number in words: 21 "hai mươi mốt", 24 "hai mươi tư", 105 "một trăm linh năm",
 * 1.005 "một nghìn không trăm linh năm", 2.000.000.000 "hai tỷ". Negative numbers read "âm …".
 */
export function readNumber(value: number | bigint, style: NumberStyle = NORTHERN_NUMBERS): string {
  let n: bigint;
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw new RangeError(`readNumber needs a safe integer, got ${value}`);
    n = BigInt(value);
  } else {
    n = value;
  }
  if (n < 0n) return `âm ${readNumber(-n, style)}`;
  if (n === 0n) return 'không';
  return readPositive(n, true, style).join(' ');
}

/**
 * Digits after the decimal comma. One or two are read as a number ("2,25" → "hai phẩy hai mươi
 * lăm"), as announcers do; leading zeros are kept ("0,05" → "không phẩy không năm"); longer tails
 * are read digit by digit, because "ba phẩy một trăm bốn mươi mốt" misleads more than it helps.
 */
function readFraction(digits: string, style: NumberStyle): string {
  if (digits.length > 2) return readDigits(digits);
  const zeros = digits.length - digits.replace(/^0+/, '').length;
  const rest = digits.slice(zeros);
  const words = Array<string>(zeros).fill('không');
  if (rest) words.push(readNumber(BigInt(rest), style));
  return words.join(' ');
}

/** "1.500" → 1500, "2,5" → "hai phẩy năm": Vietnamese groups thousands with "." and uses "," for decimals. */
export function readNumeral(written: string, style: NumberStyle = NORTHERN_NUMBERS): string {
  const [whole = '', fraction] = written.split(',');
  const integer = readNumber(BigInt(whole.replaceAll('.', '') || '0'), style);
  return fraction === undefined ? integer : `${integer} phẩy ${readFraction(fraction, style)}`;
}
