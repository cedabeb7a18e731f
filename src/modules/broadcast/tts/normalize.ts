import {
  NORTHERN_NUMBERS,
  type NumberStyle,
  readDigits,
  readNumber,
  readNumeral,
} from '#platform/i18n/numbers.ts';
import { ABBREVIATIONS, DOCUMENT_ISSUERS } from './abbreviations.ts';

/**
 * Vietnamese text normalisation for speech: every digit, date, time, unit and abbreviation a
 * bulletin may contain becomes the words an announcer would say, so any engine (espeak-ng today, a
 * neural voice later) receives plain Vietnamese words and punctuation only.
 *
 * The passes run in a fixed order because earlier patterns are more specific than later ones:
 * a legal code contains slashes that look like dates, a phone number contains digit groups that look
 * like thousands, a date range contains a dash that looks like a number range. README.md lists the
 * rules with examples; normalize.test.ts holds the golden table.
 */

export interface NormalizeOptions {
  numbers?: Partial<NumberStyle>;
}

/** Months read with "tư" for April ("tháng tư"), never "tháng bốn". */
function readMonth(month: number, style: NumberStyle): string {
  return month === 4 ? 'tư' : readNumber(month, style);
}

// `\b` is ASCII-only in JavaScript and would split "HĐND"; these look-arounds know Vietnamese letters.
const NOT_AFTER_WORD = '(?<![\\p{L}\\p{M}\\p{N}_])';
const NOT_BEFORE_WORD = '(?![\\p{L}\\p{M}\\p{N}_])';
const NUMERAL = '(?:\\d{1,3}(?:\\.\\d{3})+(?:,\\d+)?|\\d+(?:,\\d+)?)';

function escapeRegExp(s: string): string {
  // "-" is not escaped: outside a character class the `u` flag rejects "\-".
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

function alternation(words: readonly string[]): string {
  return [...words]
    .sort((a, b) => b.length - a.length)
    .map(escapeRegExp)
    .join('|');
}

function spaced(words: string): string {
  return ` ${words} `;
}

/** Keeps the capital of "Ngày" at the start of a sentence. */
function sameCase(written: string, lower: string): string {
  const first = written[0];
  return first !== undefined && first !== first.toLowerCase()
    ? lower[0]?.toUpperCase() + lower.slice(1)
    : lower;
}

// --- Legal document numbers ------------------------------------------------------------------

const LEGAL_NUMBER = new RegExp(
  `${NOT_AFTER_WORD}(\\d{1,5})(?:\\/(\\d{4}))?\\/(\\p{Lu}[\\p{L}\\p{M}\\d]*(?:-[\\p{L}\\p{M}\\d]+)*)${NOT_BEFORE_WORD}`,
  'gu',
);

function issuerName(code: string): string | undefined {
  const parts = code.split('-');
  const issuer = parts[parts.length - 1] ?? '';
  const assembly = /^(UBTVQH|QH)(\d+)$/.exec(issuer);
  if (assembly) {
    const body = assembly[1] === 'QH' ? 'Quốc hội' : 'Ủy ban Thường vụ Quốc hội';
    return `${body} khóa ${assembly[2]}`;
  }
  return DOCUMENT_ISSUERS[issuer];
}

function expandLegalNumbers(text: string): string {
  return text.replace(LEGAL_NUMBER, (_m, num: string, year: string | undefined, code: string) => {
    const issuer = issuerName(code);
    const head = year ? `${num} năm ${year}` : num;
    return issuer ? `${head} của ${issuer}` : `${head} ${code.replaceAll('-', ' ')}`;
  });
}

// --- Abbreviations -----------------------------------------------------------------------------

const ABBREVIATION_PATTERN = new RegExp(
  `${NOT_AFTER_WORD}(${alternation(ABBREVIATIONS.map(([w]) => w))})${NOT_BEFORE_WORD}`,
  'gu',
);
const ABBREVIATION_SPOKEN = new Map(ABBREVIATIONS);
const ETCETERA = new RegExp(`${NOT_AFTER_WORD}v\\.v\\.(?:\\.\\.)?`, 'gu');
const HIGHWAY = new RegExp(`${NOT_AFTER_WORD}QL\\.?\\s*(?=\\d)`, 'gu');
const MOBILE_NETWORK = new RegExp(`${NOT_AFTER_WORD}([2-5])G${NOT_BEFORE_WORD}`, 'gu');

function expandAbbreviations(text: string): string {
  return text
    .replace(ETCETERA, (match, offset: number, whole: string) => {
      // "v.v." often ends the sentence; keep that full stop so the voice still pauses.
      const after = whole.slice(offset + match.length);
      return /^\s*$|^\s+\p{Lu}/u.test(after) ? 'vân vân.' : 'vân vân';
    })
    .replace(HIGHWAY, 'quốc lộ ')
    .replace(MOBILE_NETWORK, (_m, n: string) => `${readNumber(Number(n))} gờ`)
    .replace(ABBREVIATION_PATTERN, (m) => ABBREVIATION_SPOKEN.get(m) ?? m);
}

// --- Phone numbers ---------------------------------------------------------------------------

// Mobile 03/05/07/08/09 and landline 02 numbers: 10 or 11 digits dialled from inside Vietnam.
const PHONE = /(?:\+84[ .-]?|(?<![\p{L}\p{M}\p{N}_+.,])0)([235789](?:[ .-]?\d){8,9})(?!\p{N}|[.,]\d)/gu;
// Only space or dot separators: "1800-1900" is a span of years, not a hotline.
const SERVICE_NUMBER = new RegExp(`${NOT_AFTER_WORD}(1[89]00)((?:[ .]?\\d){4,6})(?!\\p{N}|[.,]\\d)`, 'gu');
// 111–115 are emergency numbers, but "113 hộ" is a count: read them as digits only after a call word.
const EMERGENCY_NUMBER = new RegExp(
  `((?:gọi|Gọi|điện thoại|Điện thoại|đường dây nóng|Đường dây nóng|tổng đài|Tổng đài|hotline|Hotline)(?:\\s+ngay)?(?:\\s+số)?\\s*:?\\s*)(11[1-5])${NOT_BEFORE_WORD}`,
  'gu',
);

function readPhoneGroups(groups: string[]): string {
  return groups.map(readDigits).join(', ');
}

function regroup(digits: string): string[] {
  // Written without spaces, mobiles are grouped 4-3-3 and landlines 3-4-4, as people dictate them.
  const sizes = digits.length === 10 ? [4, 3, 3] : [3, 4, 4];
  const groups: string[] = [];
  let at = 0;
  for (const size of sizes) {
    groups.push(digits.slice(at, at + size));
    at += size;
  }
  return groups;
}

function expandPhoneNumbers(text: string): string {
  return text
    .replace(PHONE, (_m, rest: string) => {
      const groups = rest.split(/[ .-]/);
      // A number written "+84 912 …" is read as dialled at home: "không chín một hai …".
      groups[0] = `0${groups[0] ?? ''}`;
      return spaced(readPhoneGroups(groups.length === 1 ? regroup(groups[0]) : groups));
    })
    .replace(SERVICE_NUMBER, (_m, prefix: string, rest: string) => {
      const groups = rest.split(/[ .-]/).filter(Boolean);
      return spaced(readPhoneGroups([prefix, ...groups]));
    })
    .replace(EMERGENCY_NUMBER, (_m, lead: string, n: string) => `${lead}${readDigits(n)}`);
}

// --- Dates -----------------------------------------------------------------------------------

const DAY_PREFIX = '(?:((?:[Nn]gày|[Mm]ùng|[Mm]ồng)\\s+))?';
// "số 12/5", "ngõ 15/3", "hẻm 7/2": house and alley numbers, said "mười hai trên năm", not dates.
const ADDRESS_NUMBER = new RegExp(
  `${NOT_AFTER_WORD}((?:[Ss]ố|[Nn]gõ|[Nn]gách|[Hh]ẻm|[Kk]iệt)\\s+)(\\d{1,4})\\/(\\d{1,4})(?![\\d/])`,
  'gu',
);
const DATE_TO_DATE = /(?<![\d/])(\d{1,2}\/\d{1,2}(?:\/\d{4})?)\s*-\s*(?=\d{1,2}\/\d{1,2})/g;
const DAY_RANGE = new RegExp(
  `${NOT_AFTER_WORD}${DAY_PREFIX}(\\d{1,2})\\s*-\\s*(\\d{1,2})\\/(\\d{1,2})(?:\\/(\\d{4}))?(?![\\d/])`,
  'gu',
);
const FULL_DATE = new RegExp(
  `${NOT_AFTER_WORD}${DAY_PREFIX}(\\d{1,2})([/.-])(\\d{1,2})\\3(\\d{4})(?![\\d/])`,
  'gu',
);
const MONTH_YEAR = new RegExp(`${NOT_AFTER_WORD}(?:([Tt]háng)\\s+)?(\\d{1,2})\\/(\\d{4})(?![\\d/])`, 'gu');
const DAY_MONTH = new RegExp(`${NOT_AFTER_WORD}${DAY_PREFIX}(\\d{1,2})\\/(\\d{1,2})(?![\\d/])`, 'gu');

function validDay(d: number): boolean {
  return d >= 1 && d <= 31;
}
function validMonth(m: number): boolean {
  return m >= 1 && m <= 12;
}

function dayWords(prefix: string | undefined, day: number, style: NumberStyle): string {
  // "mùng 5" keeps its own word; anything else is said with "ngày", whether written or not.
  const word = prefix?.trim() ?? 'ngày';
  return `${word} ${readNumber(day, style)}`;
}

function monthWords(month: number, year: string | undefined, style: NumberStyle): string {
  const m = `tháng ${readMonth(month, style)}`;
  return year ? `${m} năm ${readNumber(Number(year), style)}` : m;
}

function expandDates(text: string, style: NumberStyle): string {
  return text
    .replace(ADDRESS_NUMBER, (_m, lead: string, a: string, b: string) => {
      return `${lead}${readNumber(Number(a), style)} trên ${readNumber(Number(b), style)}`;
    })
    .replace(DATE_TO_DATE, '$1 đến ')
    .replace(DAY_RANGE, (m, prefix: string | undefined, d1: string, d2: string, mo: string, y?: string) => {
      const [a, b, month] = [Number(d1), Number(d2), Number(mo)];
      if (!validDay(a) || !validDay(b) || !validMonth(month)) return m;
      const first = dayWords(prefix, a, style);
      return spaced(`${first} đến ngày ${readNumber(b, style)} ${monthWords(month, y, style)}`);
    })
    .replace(FULL_DATE, (m, prefix: string | undefined, d: string, _sep: string, mo: string, y: string) => {
      const [day, month] = [Number(d), Number(mo)];
      if (!validDay(day) || !validMonth(month)) return m;
      return spaced(`${dayWords(prefix, day, style)} ${monthWords(month, y, style)}`);
    })
    .replace(MONTH_YEAR, (m, prefix: string | undefined, mo: string, y: string) => {
      const month = Number(mo);
      if (!validMonth(month)) return m;
      const words = monthWords(month, y, style);
      return spaced(prefix ? sameCase(prefix, words) : words);
    })
    .replace(DAY_MONTH, (m, prefix: string | undefined, d: string, mo: string) => {
      const [day, month] = [Number(d), Number(mo)];
      if (!validDay(day) || !validMonth(month)) return m;
      return spaced(`${dayWords(prefix, day, style)} ${monthWords(month, undefined, style)}`);
    });
}

// --- Ranges and signs ------------------------------------------------------------------------

// A dash between two quantities is "đến": "15-20 mm", "7h-9h", "25–30°C". The left side may carry a
// short unit so that "7h30-9h" and "5 km-7 km" read naturally.
const NUMBER_RANGE = /(\d(?:[\p{L}\p{M}°%²³/]{0,4}|\s+[\p{L}\p{M}°%²³]{1,4})?)\s*-\s*(?=\d)/gu;
const BELOW_ZERO = /(?<![\p{L}\p{M}\p{N}_])-(?=\d[\d.,]*\s*°)/gu;

// "COVID-19", "H5N1-…": a hyphen between a name and its number is only a joint, not "đến".
const NAME_NUMBER_HYPHEN = /(?<=[\p{L}\p{M}])-(?=\d)/gu;

function expandRanges(text: string): string {
  return text.replace(NUMBER_RANGE, '$1 đến ').replace(BELOW_ZERO, 'âm ').replace(NAME_NUMBER_HYPHEN, ' ');
}

// --- Times -----------------------------------------------------------------------------------

const CLOCK_H = new RegExp(`${NOT_AFTER_WORD}(\\d{1,2})h(\\d{2})${NOT_BEFORE_WORD}`, 'gu');
const HOURS_H = new RegExp(`${NOT_AFTER_WORD}(\\d{1,3})h${NOT_BEFORE_WORD}`, 'gu');
const CLOCK_COLON = new RegExp(`${NOT_AFTER_WORD}(\\d{1,2}):(\\d{2})(?::(\\d{2}))?(?![\\d:])`, 'gu');

function timeWords(h: number, m: number, s: number | undefined, style: NumberStyle): string | undefined {
  if (h > 24 || m > 59 || (s !== undefined && s > 59)) return undefined;
  const words = [`${readNumber(h, style)} giờ`];
  if (s !== undefined) {
    words.push(`${readNumber(m, style)} phút`, `${readNumber(s, style)} giây`);
  } else if (m > 0) {
    // "bảy giờ ba mươi", but "bảy giờ năm phút": a bare "năm" after "giờ" is easily misheard.
    words.push(m < 10 ? `${readNumber(m, style)} phút` : readNumber(m, style));
  }
  return words.join(' ');
}

function expandTimes(text: string, style: NumberStyle): string {
  return text
    .replace(CLOCK_H, (m, h: string, min: string) => {
      const w = timeWords(Number(h), Number(min), undefined, style);
      return w ? spaced(w) : m;
    })
    .replace(HOURS_H, (_m, h: string) => spaced(`${readNumber(Number(h), style)} giờ`))
    .replace(CLOCK_COLON, (m, h: string, min: string, s?: string) => {
      const w = timeWords(Number(h), Number(min), s === undefined ? undefined : Number(s), style);
      return w ? spaced(w) : m;
    });
}

// --- Units, percentages, money ---------------------------------------------------------------

const UNITS: ReadonlyArray<readonly [string, string]> = [
  ['km/h', 'ki-lô-mét một giờ'],
  ['km²', 'ki-lô-mét vuông'],
  ['km2', 'ki-lô-mét vuông'],
  ['km', 'ki-lô-mét'],
  ['m/s', 'mét một giây'],
  ['m²', 'mét vuông'],
  ['m2', 'mét vuông'],
  ['m³', 'mét khối'],
  ['m3', 'mét khối'],
  ['mm', 'mi-li-mét'],
  ['cm', 'xen-ti-mét'],
  ['ml', 'mi-li-lít'],
  ['m', 'mét'],
  ['ha', 'héc-ta'],
  ['kg', 'ki-lô-gam'],
  ['kWh', 'ki-lô-oát giờ'],
  ['kW', 'ki-lô-oát'],
  ['°C', 'độ xê'],
  ['°', 'độ'],
  ['VNĐ', 'đồng'],
  ['VND', 'đồng'],
  ['đ', 'đồng'],
  ['₫', 'đồng'],
  ['USD', 'đô la Mỹ'],
];
const UNIT_SPOKEN = new Map(UNITS.map(([w, s]) => [w.toLowerCase(), s]));
// Case-insensitive because "10 Km" and "5 KG" are common; "g" (gram) is left out so "4G" stays a network.
const WITH_UNIT = new RegExp(
  `(${NUMERAL})\\s*(${alternation(UNITS.map(([w]) => w))})${NOT_BEFORE_WORD}`,
  'giu',
);
const PERCENT = new RegExp(`(${NUMERAL})\\s*%`, 'gu');
const DEGREES_C = new RegExp(`độ\\s+C${NOT_BEFORE_WORD}`, 'gu');

// "50.000 đồng/kg" is "năm mươi nghìn đồng một ki-lô-gam".
const PER_WORDS: ReadonlyArray<readonly [string, string]> = [
  ...UNITS.filter(([w]) => /^(kg|ha|km|m|m2|m²|m3|m³|ml)$/.test(w)),
  ...[
    'tấn',
    'tạ',
    'yến',
    'lít',
    'người',
    'hộ',
    'con',
    'tháng',
    'năm',
    'ngày',
    'tuần',
    'giờ',
    'buổi',
    'lượt',
    'suất',
    'sào',
    'lần',
    'chiếc',
    'cái',
    'khẩu',
  ].map((w) => [w, w] as const),
];
const PER_SPOKEN = new Map(PER_WORDS);
const PER = new RegExp(
  `(?<=[\\p{L}\\p{M}²³])\\s*\\/(${alternation(PER_WORDS.map(([w]) => w))})${NOT_BEFORE_WORD}`,
  'gu',
);

function expandUnits(text: string, style: NumberStyle): string {
  return text
    .replace(PERCENT, (_m, n: string) => spaced(`${readNumeral(n, style)} phần trăm`))
    .replace(WITH_UNIT, (_m, n: string, unit: string) =>
      spaced(`${readNumeral(n, style)} ${UNIT_SPOKEN.get(unit.toLowerCase()) ?? unit}`),
    )
    .replace(DEGREES_C, 'độ xê')
    .replace(PER, (_m, w: string) => ` một ${PER_SPOKEN.get(w) ?? w}`);
}

// --- Words that change how the next number is read -------------------------------------------

const ORDINAL = new RegExp(`${NOT_AFTER_WORD}(thứ)\\s+(\\d{1,3})${NOT_BEFORE_WORD}`, 'giu');
const MONTH = new RegExp(`${NOT_AFTER_WORD}(tháng)\\s+(\\d{1,2})(?!\\p{N}|[/.,:]\\d|\\p{L})`, 'giu');
const ROMAN_KEYWORDS = [
  'quý',
  'khóa',
  'khoá',
  'kỳ',
  'kì',
  'đợt',
  'chương',
  'phần',
  'cấp',
  'thế kỷ',
  'thế kỉ',
  'đại hội',
];
const ROMAN = new RegExp(
  `${NOT_AFTER_WORD}(${alternation(ROMAN_KEYWORDS.flatMap((k) => [k, k[0]?.toUpperCase() + k.slice(1)]))})\\s+([IVX]+)${NOT_BEFORE_WORD}`,
  'gu',
);
const ROMAN_VALUES: Readonly<Record<string, number>> = { I: 1, V: 5, X: 10, L: 50, C: 100 };

export function romanToNumber(roman: string): number | undefined {
  if (!/^(C{0,3})(XC|XL|L?X{0,3})(IX|IV|V?I{0,3})$/.test(roman) || roman === '') return undefined;
  let total = 0;
  for (let i = 0; i < roman.length; i++) {
    const v = ROMAN_VALUES[roman[i] ?? ''] ?? 0;
    const next = ROMAN_VALUES[roman[i + 1] ?? ''] ?? 0;
    total += v < next ? -v : v;
  }
  return total;
}

function expandContextualNumbers(text: string, style: NumberStyle): string {
  return text
    .replace(ORDINAL, (_m, word: string, n: string) => {
      const k = Number(n);
      // "thứ nhất", "thứ tư": ordinals and weekdays use the Sino-Vietnamese forms for 1 and 4.
      const spoken = k === 1 ? 'nhất' : k === 4 ? 'tư' : readNumber(k, style);
      return `${word} ${spoken}`;
    })
    .replace(MONTH, (_m, word: string, n: string) => `${word} ${readMonth(Number(n), style)}`)
    .replace(ROMAN, (m, word: string, roman: string) => {
      const n = romanToNumber(roman);
      return n === undefined ? m : `${word} ${readNumber(n, style)}`;
    });
}

// --- Remaining numbers -----------------------------------------------------------------------

const THOUSANDS = /(?<![\d.,])(\d{1,3}(?:\.\d{3})+(?:,\d+)?)(?!\d|[.,]\d)/g;
// "1,2,3" is a list, not a decimal, so a comma followed by another ",digit" is left alone.
const DECIMAL = /(?<![\d.,])(\d+,\d+)(?!\d|[.,]\d)/g;
const DOTTED = /(?<![\d.,])(\d+)\.(\d+)(?!\d|[.,]\d)/g;
const INTEGER = /\d+/g;

function expandNumbers(text: string, style: NumberStyle): string {
  return text
    .replace(THOUSANDS, (_m, n: string) => spaced(readNumeral(n, style)))
    .replace(DECIMAL, (_m, n: string) => spaced(readNumeral(n, style)))
    .replace(DOTTED, (_m, a: string, b: string) =>
      spaced(`${readNumeral(a, style)} chấm ${readNumeral(b, style)}`),
    )
    .replace(INTEGER, (n) => {
      // Codes (leading zero) and long identifiers (a 12-digit CCCD) are dictated digit by digit.
      if ((n.length >= 3 && n.startsWith('0')) || n.length >= 10) return spaced(readDigits(n));
      return spaced(readNumber(BigInt(n), style));
    });
}

// --- Symbols and tidying ---------------------------------------------------------------------

function expandSymbols(text: string): string {
  return text
    .replace(/\s*&\s*/g, ' và ')
    .replace(/[~≈]\s*/g, ' khoảng ')
    .replace(/(?<=[\p{L}\p{M}])\s*\/\s*(?=[\p{L}\p{M}])/gu, ' ')
    .replace(/%/g, ' phần trăm ')
    .replace(/°/g, ' độ ');
}

function tidy(text: string): string {
  return text
    .replace(/[ \t]+/g, ' ')
    .replace(/ +(?=[,.;:!?)\]…])/g, '')
    .replace(/(?<=[([]) +/g, '')
    .replace(/,(?=[\p{L}\p{M}])/gu, ', ')
    .split('\n')
    .map((line) => line.trim())
    .join('\n')
    .trim();
}

function prepare(text: string): string {
  return text
    .normalize('NFC')
    .replace(/\r\n?/g, '\n')
    .replace(/[\u00A0\u2007\u202F]/g, ' ')
    .replace(/[\u2010\u2011\u2012\u2013\u2212]/g, '-');
}

/**
 * Turns a bulletin as written into the words to speak. Pure: same text and options, same output.
 * Vietnamese words pass through untouched (only NFC-normalised), so it is safe to run twice.
 */
export function normalizeVietnamese(text: string, options: NormalizeOptions = {}): string {
  const style: NumberStyle = { ...NORTHERN_NUMBERS, ...options.numbers };
  let t = prepare(text);
  t = expandLegalNumbers(t);
  t = expandAbbreviations(t);
  t = expandPhoneNumbers(t);
  t = expandDates(t, style);
  t = expandRanges(t);
  t = expandTimes(t, style);
  t = expandUnits(t, style);
  t = expandContextualNumbers(t, style);
  t = expandNumbers(t, style);
  t = expandSymbols(t);
  return tidy(t);
}
