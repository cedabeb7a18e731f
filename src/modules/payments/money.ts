import type { Locale } from '#platform/i18n/index.ts';
import { readNumber } from '#platform/i18n/numbers.ts';

/**
 * An amount in words as receipts write it: "Hai mươi lăm nghìn đồng", with the first letter in
 * capitals; whole đồng only (fees have no smaller unit). Numbers are read by the platform's
 * Vietnamese reader (Northern style: "nghìn", "mốt", "tư", "lăm", "linh"). In English: "Twenty-five
 * thousand dong" — the currency's English name, as a bank slip in English writes it.
 */
export function amountInWords(amount: number, locale: Locale = 'vi'): string {
  if (!Number.isSafeInteger(amount) || amount < 0) throw new RangeError(`not an amount in đồng: ${amount}`);
  const words = locale === 'en' ? `${englishNumber(amount)} dong` : `${readNumber(amount)} đồng`;
  return `${words[0]?.toLocaleUpperCase(locale)}${words.slice(1)}`;
}

const FIGURES = {
  vi: new Intl.NumberFormat('vi-VN', { maximumFractionDigits: 0 }),
  en: new Intl.NumberFormat('en-GB', { maximumFractionDigits: 0 }),
};

/** "25.000 đồng"; in English "25,000 VND". */
export function amountInFigures(amount: number, locale: Locale = 'vi'): string {
  return locale === 'en' ? `${FIGURES.en.format(amount)} VND` : `${FIGURES.vi.format(amount)} đồng`;
}

const ONES = [
  'zero',
  'one',
  'two',
  'three',
  'four',
  'five',
  'six',
  'seven',
  'eight',
  'nine',
  'ten',
  'eleven',
  'twelve',
  'thirteen',
  'fourteen',
  'fifteen',
  'sixteen',
  'seventeen',
  'eighteen',
  'nineteen',
];
const TENS = ['', '', 'twenty', 'thirty', 'forty', 'fifty', 'sixty', 'seventy', 'eighty', 'ninety'];
const SCALES = ['', 'thousand', 'million', 'billion', 'trillion', 'quadrillion'];

/** 0–999 in British style: "three hundred and five", "forty-two". */
function belowThousand(n: number, and: boolean): string {
  const hundreds = Math.floor(n / 100);
  const rest = n % 100;
  const parts: string[] = [];
  if (hundreds) parts.push(`${ONES[hundreds]} hundred`);
  if (rest) {
    const words =
      rest < 20 ? ONES[rest] : `${TENS[Math.floor(rest / 10)]}${rest % 10 ? `-${ONES[rest % 10]}` : ''}`;
    parts.push(hundreds || and ? `and ${words}` : `${words}`);
  }
  return parts.join(' ');
}

/** A whole number in English words: 1,250,000 → "one million two hundred and fifty thousand". */
export function englishNumber(n: number): string {
  if (n === 0) return ONES[0] as string;
  const groups: number[] = [];
  for (let rest = n; rest > 0; rest = Math.floor(rest / 1000)) groups.push(rest % 1000);
  const parts: string[] = [];
  for (let i = groups.length - 1; i >= 0; i--) {
    const g = groups[i] as number;
    if (!g) continue;
    // "one thousand and five": the last group takes "and" when it has no hundreds and follows others.
    const words = belowThousand(g, i === 0 && groups.length > 1 && g < 100);
    parts.push(SCALES[i] ? `${words} ${SCALES[i]}` : words);
  }
  return parts.join(' ');
}
