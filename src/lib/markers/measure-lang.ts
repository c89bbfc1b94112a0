/**
 * Language identification for the `lang` marker. franc (trigram profiles of 187 languages) ranks the
 * taxonomy's 23 languages; two checks then catch what its profiles miss on everyday text:
 *
 * 1. Alphabets. franc's profiles come from one document per language (the UDHR), so it reads
 *    "Cibuli nakrájejte najemno a pomalu ji opékejte na másle" as Italian, although Italian never
 *    writes á. A candidate is ruled out when letters outside its alphabet make up ≥ 1% of the letters
 *    (and at least two, so one borrowed "café" is not evidence). Letters that no taxonomy language
 *    writes (å, ő, ј, ے …) thereby rule out all 23.
 * 2. The world outside. franc is run once more over all 187 languages; if a language outside the
 *    taxonomy comes first and ours scores < 0.9 of it, the text is taken to be in that other language
 *    (Catalan, Galician, Swahili, Marathi, Yiddish would otherwise become Spanish, Portuguese,
 *    Indonesian, Hindi, Hebrew).
 *
 * Thresholds were chosen on windows of the hand-written sentences in test/unit/fixtures/sentences.ts
 * (SENTENCES, WEATHER) and checked on a held-out set (COOKING: 22 of 23 identified, none wrong): on 60-character snippets ~91% get a
 * language at ~99% precision, on whole sentences all do; out-of-taxonomy text is mostly left unset.
 * Known misses: Danish and Afrikaans read as Dutch; short Russian without ы/э/ё may read as Ukrainian.
 */
import { francAll } from 'franc';
import type { LANGUAGES } from './taxonomy';
import { withoutFences } from './measure-fence';
import { classifiable } from './measure-limits';

type Language = (typeof LANGUAGES)[number];

/** Taxonomy language → the ISO 639-3 code franc reports for it (macrolanguages use franc's member code). */
export const LANGUAGE_CODES: Readonly<Record<Language, string>> = {
  English: 'eng', French: 'fra', Spanish: 'spa', Italian: 'ita', German: 'deu', Portuguese: 'por',
  Japanese: 'jpn', Korean: 'kor', Arabic: 'arb', Chinese: 'cmn', Russian: 'rus', Polish: 'pol',
  Turkish: 'tur', Vietnamese: 'vie', Dutch: 'nld', Czech: 'ces', Indonesian: 'ind', Ukrainian: 'ukr',
  Romanian: 'ron', Greek: 'ell', Hindi: 'hin', Hebrew: 'heb', Persian: 'pes',
};

const NAME_BY_CODE = new Map<string, Language>(
  Object.entries(LANGUAGE_CODES).map(([name, code]) => [code, name as Language]),
);
const ONLY = Object.values(LANGUAGE_CODES);

/**
 * `lang` is set only at or above this confidence: the chosen language's franc score minus that of the
 * best rival its letters do not rule out (franc's scores are normalised so its winner has 1). Most
 * wrong guesses on the calibration snippets had margins under 0.1; right ones on full sentences ≥ 0.1.
 */
export const LANGUAGE_MIN_CONFIDENCE = 0.1;

/**
 * Below this many letters franc is guessing (e.g. "Merci beaucoup" → Indonesian). One Han, kana or
 * Hangul character counts as three letters: each carries about a syllable, so 7 of them are enough.
 */
export const LANGUAGE_MIN_LETTERS = 20;

/** Franc must still find a lower-ranked language this plausible (normalised score) to switch to it. */
const SWITCH_MIN_SCORE = 0.7;

/** Letters outside a language's alphabet rule it out at this share of all letters (and at least two). */
const FOREIGN_SHARE = 0.01;

/**
 * When franc run over all 187 languages ranks one outside the taxonomy first, our candidate must still
 * score this high there, else the text is taken to be in that other language (Catalan, Swahili, Marathi…).
 */
const OUTSIDE_MIN_SCORE = 0.9;

/** Letters beyond a–z that each Latin-script language writes (loanwords aside). */
const LATIN_ALPHABETS: Readonly<Record<string, string>> = {
  eng: '', ind: '',
  fra: 'àâæçéèêëîïôùûüÿœ',
  spa: 'áéíñóúü',
  ita: 'àèéìíîòóùú',
  deu: 'äöüß',
  por: 'áâãàçéêíóôõúü',
  nld: 'áàéèêëíïóöúü',
  pol: 'ąćęłńóśźż',
  ces: 'áčďéěíňóřšťúůýž',
  ron: 'ăâîșțşţ',
  tur: 'âçğıîöşûü',
  vie: 'àáâãèéêìíòóôõùúýăđĩũơư' + String.fromCharCode(...range(0x1ea0, 0x1ef9)),
};
const RUSSIAN_UKRAINIAN_COMMON = 'абвгдежзийклмнопрстуфхцчшщьюя';
const CYRILLIC_ALPHABETS: Readonly<Record<string, string>> = {
  rus: RUSSIAN_UKRAINIAN_COMMON + 'ёъыэ',
  ukr: RUSSIAN_UKRAINIAN_COMMON + 'єіїґ',
};
const LATIN_EXTRA = /[\u00C0-\u024F\u1E00-\u1EFF]/u;
const CYRILLIC = /[\u0400-\u04FF]/u;

/** franc's cost grows with length while its accuracy is saturated long before this many characters. */
const MAX_SAMPLE = 1000;

const HEAVY_SCRIPT = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/gu;
const LETTER = /\p{L}/gu;

/** Result of {@link detectLanguage}. */
export interface LanguageGuess {
  /** Taxonomy name (e.g. `'French'`), only when the guess is confident. */
  lang?: string;
  /** ISO 639-3 code of the best taxonomy candidate, even when not confident; `'und'` when there is none. */
  code: string;
  /**
   * 0…1: the margin over the best rival the letters allow (1 when the script alone decides, as for
   * Greek or Korean); 0 when the letters fit no plausible candidate, or when a language outside the
   * taxonomy fits clearly better. `lang` is set iff this is ≥ LANGUAGE_MIN_CONFIDENCE and the text
   * has LANGUAGE_MIN_LETTERS letters.
   */
  confidence: number;
}

export interface DetectOptions {
  /**
   * A closed set of candidates (taxonomy language names), e.g. the languages a model was trained on
   * when judging what it wrote: the best of them is taken, with no margin over the runner-up and no
   * check against languages outside the set. Short sentences of related languages score close
   * together in franc's trigram profiles, and Scots, Catalan or Galician outrank English, Spanish or
   * Italian on them, so the open-set rules would leave many correct answers unjudged. The letter
   * minimum and the alphabet check still apply.
   */
  among?: readonly string[];
}

/**
 * Identify the language of a completion among the taxonomy's 23 languages (or among `options.among`).
 * Code blocks, inline code, URLs and markup are ignored, so a Python answer explained in French is French.
 *
 * @example
 * detectLanguage("Il a plu toute la nuit, mais vers midi le ciel s'est dégagé.")
 * // → { lang: 'French', code: 'fra', confidence: 0.2… }
 * detectLanguage('OK!').lang // → undefined (too short to tell)
 */
export function detectLanguage(text: string, options: DetectOptions = {}): LanguageGuess {
  const prose = proseOnly(classifiable(text)).normalize('NFC').slice(0, MAX_SAMPLE);
  const letters = count(prose, LETTER);
  if (letters === 0) return { code: 'und', confidence: 0 };
  const closed = options.among !== undefined;
  const only = closed ? options.among!.flatMap((l) => (l in LANGUAGE_CODES ? [LANGUAGE_CODES[l as Language]] : [])) : ONLY;
  if (only.length === 0) return { code: 'und', confidence: 0 };

  const ranking = francAll(prose, { only, minLength: 1 });
  const [best] = ranking;
  if (!best || best[0] === 'und') return { code: 'und', confidence: 0 };
  const counts = letterCounts(prose);
  const allowed = ranking.filter(([c]) => foreignLetters(c, counts) < Math.max(2, FOREIGN_SHARE * letters));
  const [chosen, rival] = allowed;
  // No candidate writes these letters (å, ő, ј, ے …), or the one that does is implausible to franc.
  if (!chosen || chosen[1] < SWITCH_MIN_SCORE) return { code: best[0], confidence: 0 };
  const code = chosen[0];
  const confidence = chosen[1] - (rival?.[1] ?? 0);
  const weight = letters + 2 * count(prose, HEAVY_SCRIPT);
  const name = NAME_BY_CODE.get(code);
  if (!name || weight < LANGUAGE_MIN_LETTERS) return { code, confidence };
  // Among a known set the best candidate is the answer; the margin and the world outside guard open sets.
  if (closed) return only.length === 1 || confidence > 0 ? { lang: name, code, confidence } : { code, confidence };
  if (confidence < LANGUAGE_MIN_CONFIDENCE) return { code, confidence };

  const outside = francAll(prose, { minLength: 1 });
  const outsideTop = outside[0]?.[0];
  if (outsideTop !== undefined && !NAME_BY_CODE.has(outsideTop)) {
    const ownScore = outside.find(([c]) => c === code)?.[1] ?? 0;
    if (ownScore < OUTSIDE_MIN_SCORE) return { code, confidence: 0 };
  }
  return { lang: name, code, confidence };
}

/** Lower-cased letter → occurrences, for the alphabet checks. */
function letterCounts(text: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const ch of text.toLowerCase().match(LETTER) ?? []) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  return counts;
}

/** How many letters of the text the language's alphabet lacks (0 for scripts without a list). */
function foreignLetters(code: string, counts: Map<string, number>): number {
  const latin = LATIN_ALPHABETS[code];
  const cyrillic = CYRILLIC_ALPHABETS[code];
  let n = 0;
  for (const [ch, k] of counts) {
    if (latin !== undefined && LATIN_EXTRA.test(ch) && !latin.includes(ch)) n += k;
    else if (cyrillic !== undefined && CYRILLIC.test(ch) && !cyrillic.includes(ch)) n += k;
  }
  return n;
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

/**
 * Text with code, URLs, e-mail addresses, markup tags and LaTeX commands removed. Every pattern here
 * is linear: each can only start at a fixed character (`, <, \\, a word boundary before a scheme) and
 * its repeated part cannot also match what follows it. E-mail addresses are found per word, not by a
 * `\S+@\S+` pattern, which backtracks quadratically over a long run without spaces.
 */
function proseOnly(text: string): string {
  return withoutFences(text)
    .replace(/`[^`\n]*`/gu, ' ')
    .replace(/\b(?:https?|ftp):\/\/\S+/giu, ' ')
    .replace(/\S+/gu, (word) => (looksLikeEmail(word) ? ' ' : word))
    .replace(/<\/?[A-Za-z][^<>]*>/gu, ' ')
    .replace(/\\[A-Za-z]+/gu, ' ');
}

/** "name@host.org": something, @, something, a dot and a word character, like `\S+@\S+\.\w` did. */
function looksLikeEmail(word: string): boolean {
  const at = word.indexOf('@', 1);
  if (at < 0) return false;
  for (let i = at + 2; i + 1 < word.length; i++) if (word[i] === '.' && /\w/u.test(word[i + 1]!)) return true;
  return false;
}

function count(text: string, re: RegExp): number {
  return text.match(re)?.length ?? 0;
}
