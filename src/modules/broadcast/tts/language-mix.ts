import { ABBREVIATIONS } from './abbreviations.ts';

/**
 * A bulletin must be in one language: a Vietnamese voice reading an English sentence produces noise
 * that listeners in a hamlet cannot follow, and CAP alerts carry one `info` block per language
 * anyway. This check is a heuristic that runs on the text as the operator wrote it, so the spans it
 * reports can be shown back to them. How it decides (README.md has the same, with thresholds):
 *
 * 1. Each word is classified. A word with Vietnamese-only letters (ă â đ ê ô ơ ư) or a tone mark is
 *    Vietnamese. A Latin word that cannot be a Vietnamese syllable (letters f j w z, an onset such as
 *    "st" or "pl", a final such as "-nd" or "-s", a vowel cluster such as "ea" or "ou") is foreign.
 *    A word that could be either ("the", "to", "an") is neutral; acronyms and single letters are
 *    ignored. Words in another script (Han, Cyrillic, Thai, …) are counted by script.
 * 2. A run of at least three foreign words (neutral words may sit between them) is a foreign phrase;
 *    a sentence with at least two foreign words and more foreign than Vietnamese words is a foreign
 *    sentence.
 * 3. The text is mixed when it holds at least two Vietnamese words and a foreign phrase or sentence,
 *    or when another script appears next to Latin-script words.
 *
 * Loanwords and brand names ("Zalo", "online", "VNeID") stay quiet: one foreign word is not a phrase.
 */

export type LanguageMixReason = 'foreign-sentence' | 'foreign-phrase' | 'other-script';

export interface LanguageMixReport {
  mixed: boolean;
  /** Which language most words are in ("foreign" includes other scripts); "none" when no word could be judged. */
  dominant: 'vi' | 'foreign' | 'none';
  /**
   * Vietnamese typed without diacritics ("hom nay troi mua to"): not mixed, but no voice can read it
   * well, so the operator should be asked to retype it.
   */
  withoutDiacritics: boolean;
  reasons: LanguageMixReason[];
  /** The offending passages, as written, to show to the operator. */
  spans: string[];
  /** Non-Latin scripts found, e.g. ["Han"]. */
  scripts: string[];
  counts: { vietnamese: number; foreign: number; otherScript: number; ignored: number };
}

type WordKind = 'vi' | 'vi-plain' | 'neutral' | 'foreign' | 'ignored' | 'other-script';

interface Word {
  text: string;
  start: number;
  end: number;
  kind: WordKind;
}

const MIN_PHRASE_WORDS = 3;
const MIN_SENTENCE_FOREIGN = 2;
const MIN_VIETNAMESE_WORDS = 2;
const MIN_PLAIN_WORDS = 3;

// Tone marks and the letter modifiers that only Vietnamese uses among Latin-script languages we meet.
const VIETNAMESE_MARKS = /[\u0300\u0301\u0303\u0309\u0323\u0302\u0306\u031B]|[đĐ]/u;
const NOT_VIETNAMESE_LETTER = /[fjwz]/;
const ONSETS = ['ngh', 'ng', 'nh', 'ch', 'gh', 'gi', 'kh', 'ph', 'qu', 'th', 'tr', ...'bcdghklmnprstvx', ''];
const RHYME = /^([aeiouy]{1,3})(ch|ng|nh|[cmnpt])?$/;
const NUCLEI = new Set(
  'a e i o u y ai ao au ay eo eu ia ie iu oa oe oi oo ua ue ui uo uu uy ye oai oay oeo uay uoi uou uya uye uyu ieu yeu'.split(
    ' ',
  ),
);
// English words that are also possible Vietnamese syllables (some are real ones: "to", "an", "do").
const NEUTRAL = new Set('a an at be but by can do go he in it me my no not on so the to up we'.split(' '));
const KNOWN_ABBREVIATIONS = new Set(ABBREVIATIONS.flatMap(([w]) => w.split(/[^\p{L}\p{M}]+/u)));
const SCRIPTS = [
  'Han',
  'Hiragana',
  'Katakana',
  'Hangul',
  'Cyrillic',
  'Greek',
  'Arabic',
  'Hebrew',
  'Thai',
  'Lao',
  'Khmer',
  'Devanagari',
  'Myanmar',
] as const;
const SCRIPT_TESTS = SCRIPTS.map((s) => [s, new RegExp(`\\p{Script=${s}}`, 'u')] as const);

/** Could this unmarked, lower-case word be a Vietnamese syllable written without diacritics? */
export function couldBeVietnameseSyllable(word: string): boolean {
  if (NOT_VIETNAMESE_LETTER.test(word)) return false;
  for (const onset of ONSETS) {
    if (!word.startsWith(onset)) continue;
    const rhyme = RHYME.exec(word.slice(onset.length));
    if (rhyme?.[1] && NUCLEI.has(rhyme[1])) return true;
  }
  return false;
}

function scriptOf(word: string): string {
  for (const [name, re] of SCRIPT_TESTS) if (re.test(word)) return name;
  return 'Other';
}

function classify(word: string): WordKind {
  if (!/^[\p{Script=Latin}\p{M}'’]+$/u.test(word)) return 'other-script';
  const decomposed = word.normalize('NFD');
  if (VIETNAMESE_MARKS.test(decomposed)) return 'vi';
  if (word.length === 1 || KNOWN_ABBREVIATIONS.has(word)) return 'ignored';
  const upper = [...word].filter((c) => c !== c.toLowerCase()).length;
  const lower = word.toLowerCase();
  const plain = couldBeVietnameseSyllable(lower);
  // Acronyms ("PCCC", "VNeID") are spelled out by the voice in any language; they prove nothing.
  if (upper >= 2 && !plain && (word.length <= 5 || upper < word.length)) return 'ignored';
  if (NEUTRAL.has(lower)) return 'neutral';
  return plain ? 'vi-plain' : 'foreign';
}

function words(text: string, from: number, to: number): Word[] {
  const out: Word[] = [];
  const re = /[\p{L}\p{M}]+(?:['’][\p{L}\p{M}]+)*/gu;
  re.lastIndex = from;
  for (let m = re.exec(text); m && m.index < to; m = re.exec(text)) {
    out.push({ text: m[0], start: m.index, end: m.index + m[0].length, kind: classify(m[0]) });
  }
  return out;
}

function foreignPhrases(sentence: Word[]): Array<[number, number]> {
  const found: Array<[number, number]> = [];
  let run: Word[] = [];
  const close = () => {
    const foreign = run.filter((w) => w.kind === 'foreign');
    const first = foreign[0];
    const last = foreign[foreign.length - 1];
    if (first && last && foreign.length >= MIN_PHRASE_WORDS) found.push([first.start, last.end]);
    run = [];
  };
  for (const w of sentence) {
    if (w.kind === 'vi' || w.kind === 'vi-plain' || w.kind === 'other-script') close();
    else run.push(w);
  }
  close();
  return found;
}

export function detectLanguageMix(input: string): LanguageMixReport {
  const text = input.normalize('NFC');
  const reasons = new Set<LanguageMixReason>();
  const spans: string[] = [];
  const scripts = new Set<string>();
  const counts = { vietnamese: 0, foreign: 0, otherScript: 0, ignored: 0 };
  let marked = 0;

  for (const sentence of text.matchAll(/[^.!?;\n]+/g)) {
    const start = sentence.index;
    const ws = words(text, start, start + sentence[0].length);
    const vi = ws.filter((w) => w.kind === 'vi' || w.kind === 'vi-plain').length;
    const foreign = ws.filter((w) => w.kind === 'foreign').length;
    marked += ws.filter((w) => w.kind === 'vi').length;
    counts.vietnamese += vi;
    counts.foreign += foreign;
    counts.ignored += ws.filter((w) => w.kind === 'ignored' || w.kind === 'neutral').length;
    for (const w of ws.filter((x) => x.kind === 'other-script')) {
      counts.otherScript++;
      scripts.add(scriptOf(w.text));
      spans.push(w.text);
    }
    if (foreign >= MIN_SENTENCE_FOREIGN && foreign > vi) {
      reasons.add('foreign-sentence');
      spans.push(sentence[0].trim());
    } else {
      for (const [from, to] of foreignPhrases(ws)) {
        reasons.add('foreign-phrase');
        spans.push(text.slice(from, to));
      }
    }
  }

  const latinWords = counts.vietnamese + counts.foreign;
  const otherScriptMixed = counts.otherScript > 0 && latinWords >= MIN_VIETNAMESE_WORDS;
  if (otherScriptMixed) reasons.add('other-script');
  const foreignMixed =
    marked >= MIN_VIETNAMESE_WORDS && (reasons.has('foreign-sentence') || reasons.has('foreign-phrase'));
  const foreignish = counts.foreign + counts.otherScript;
  const dominant =
    counts.vietnamese === 0 && foreignish === 0 ? 'none' : counts.vietnamese >= foreignish ? 'vi' : 'foreign';
  const mixed = otherScriptMixed || foreignMixed;
  return {
    mixed,
    dominant,
    withoutDiacritics: dominant === 'vi' && marked === 0 && counts.vietnamese >= MIN_PLAIN_WORDS,
    reasons: mixed ? [...reasons] : [],
    spans: mixed ? spans : [],
    scripts: [...scripts],
    counts,
  };
}
