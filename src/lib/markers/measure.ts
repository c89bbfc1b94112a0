/**
 * Attributes measured on text: THE one place where lengths, language, format and code type are
 * computed. Annotation, evaluation (adherence to a requested marker) and the Play view all call these,
 * so a generated completion is judged by exactly the rules that labelled the training data.
 *
 * Pure functions of a string; no DOM, no tf: they run in Node, the page and Web Workers alike.
 */
import { findFences } from './measure-fence';
import { detectLanguage, type DetectOptions } from './measure-lang';
import { detectFormat } from './measure-format';

export { detectLanguage, LANGUAGE_CODES, LANGUAGE_MIN_CONFIDENCE, LANGUAGE_MIN_LETTERS } from './measure-lang';
export type { DetectOptions, LanguageGuess } from './measure-lang';
export { detectFormat } from './measure-format';
export { detectCodeType } from './measure-code';
export { findFences } from './measure-fence';
export type { Fence } from './measure-fence';

/**
 * Length in MarkerLab's tokens: Unicode code points (an emoji like 👍 is one, a flag 🇫🇷 is two), the
 * character-level tokenizer's unit. A character left out of a size-capped vocabulary falls back to its
 * 2–4 UTF-8 bytes there; this count ignores that on purpose, so a length is a property of the text,
 * not of one tokenizer. The paper counts subword tokens, about four characters each in English, so
 * its 300/1000-token bucket limits correspond to far more characters here.
 *
 * @example
 * countTokens('héllo 👍') // → 7
 */
export function countTokens(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

/** A word: letters (with their combining marks), possibly joined by apostrophes ("l'océan", "don't"). */
const WORD = /[\p{L}\p{M}]+(?:['’][\p{L}\p{M}]+)*/gu;

/**
 * The words of a text, lower-cased, in order: runs of letters, with an apostrophe between letters kept
 * inside the word (French elision and English contractions stay one word) and typographic ’ read as '.
 * Digits, punctuation and markup are not words. The one tokenisation for vocabularies and for the
 * readability measure (share of generated words that are words of the data), so both count alike.
 *
 * @example
 * wordsOf("L'océan, c'est GRAND: 3 fois!") // → ["l'océan", "c'est", 'grand', 'fois']
 */
export function wordsOf(text: string): string[] {
  return (text.normalize('NFC').toLocaleLowerCase().match(WORD) ?? []).map((w) => w.replace(/’/g, "'"));
}

/**
 * Number of paragraphs: blocks separated by blank (or whitespace-only) lines, empty blocks ignored.
 * Blank lines inside a fenced code block do not split it: a code block belongs to one paragraph.
 *
 * @example
 * countParagraphs('First.\n\n\nSecond line one.\nSecond line two.\n') // → 2
 */
export function countParagraphs(text: string): number {
  const normalized = text.replace(/\r\n?/g, '\n');
  let masked = '';
  let at = 0;
  for (const f of findFences(normalized)) {
    masked += normalized.slice(at, f.start) + normalized.slice(f.start, f.end).replace(/\n(?=[ \t]*\n)/g, '\n·');
    at = f.end;
  }
  masked += normalized.slice(at);
  return masked.split(/\n[ \t]*\n/).filter((block) => block.trim().length > 0).length;
}

/**
 * Number of sentences, in any of the taxonomy's scripts.
 *
 * Rules, in order:
 * - A sentence ends at a run of `. ! ? …` followed by a space or the end of a line, or at `。！？` (CJK),
 *   `؟` (Arabic, Persian), `।` (Hindi), with or without a following space; closing quotes and brackets
 *   after the run belong to the sentence. A run counts once ("Really?!", "Wait...").
 * - A dot is not an end when it is part of a number or name (3.14, file.txt, example.com: no space
 *   after), follows a known abbreviation (e.g., i.e., Dr., Mr., vs., Fig., z.B., т.е. …) or a single
 *   capital initial ("J. K. Rowling"), or is followed by a lower-case word ("approx. five"); nor is an
 *   ellipsis followed by a lower-case word ("Wait... really?").
 * - List items, headings and table rows are one sentence each, or more if they contain several.
 * - A line without final punctuation continues into the next line (hard-wrapped prose), but a blank
 *   line, a list item, a heading or the end of the text closes it: "Hello there" is one sentence.
 * - A fenced code block counts as one sentence; markup-only lines (---, table separators) as none.
 *
 * @example
 * countSentences('Dr. Smith measured 3.14 m. Then he left!') // → 2
 * countSentences('- buy milk\n- call Anna') // → 2
 * countSentences('今日は晴れです。明日は雨です。') // → 2
 */
export function countSentences(text: string): number {
  const normalized = text.replace(/\r\n?/g, '\n');
  let count = 0;
  let pending = false; // words since the last sentence end, not yet closed
  const close = (): void => {
    if (pending) count++;
    pending = false;
  };
  const readProse = (prose: string): void => {
    for (const line of prose.split('\n')) {
      const kind = classifyLine(line);
      if (kind.type === 'blank') {
        close();
      } else if (kind.type === 'block') {
        close();
        const r = scanSentences(kind.content);
        count += r.ends + (r.trailing ? 1 : 0);
      } else {
        const r = scanSentences(kind.content);
        count += r.ends;
        pending = r.ends > 0 ? r.trailing : pending || r.trailing;
      }
    }
  };
  let at = 0;
  for (const fence of findFences(normalized)) {
    readProse(normalized.slice(at, fence.start));
    close();
    if (fence.content.trim() !== '') count++;
    at = fence.end;
  }
  readProse(normalized.slice(at));
  close();
  return count;
}

type LineKind = { type: 'blank' } | { type: 'block'; content: string } | { type: 'prose'; content: string };

const LIST_ITEM = /^\s*(?:[-*+•▪‣◦]|\d{1,3}[.)]|[A-Za-z][.)]|\(\d{1,3}\)|\([a-z]\))\s+(.*)$/;
const HEADING = /^ {0,3}#{1,6}\s+(.*)$/;
const TABLE_ROW = /^\s*\|(.*)\|\s*$/;
/** Tested on the trimmed line: `^\s*\|?\s*` would try every split of leading spaces (quadratic). */
const TABLE_RULE = /^\|?\s*:?-{2,}:?\s*(?:\|\s*:?-{2,}:?\s*)*\|?$/;
const THEMATIC_BREAK = /^\s*([-*_])(?:\s*\1){2,}\s*$/;
const QUOTE = /^\s*>\s?/;

function classifyLine(line: string): LineKind {
  const trimmed = line.trim();
  if (trimmed === '' || THEMATIC_BREAK.test(line) || TABLE_RULE.test(trimmed)) return { type: 'blank' };
  const block = LIST_ITEM.exec(line) ?? HEADING.exec(line);
  if (block) return { type: 'block', content: block[1] ?? '' };
  const row = TABLE_ROW.exec(line);
  if (row) return { type: 'block', content: (row[1] ?? '').replace(/\|/g, ' ') };
  return { type: 'prose', content: line.replace(QUOTE, '') };
}

/** Ends that need no space after them (CJK full stops, Hindi danda). */
const TIGHT_END = new Set(['。', '！', '？', '．', '｡', '।', '॥']);
const LOOSE_END = new Set(['.', '!', '?', '…', '؟']);
const CLOSERS = new Set(['"', "'", '”', '’', '»', '›', ')', ']', '}', '」', '』', '）', '】']);
const WORD_CHAR = /[\p{L}\p{N}]/u;

/** Abbreviations whose dot does not end a sentence (lower case, without the final dot). */
const ABBREVIATIONS = new Set([
  'e.g', 'i.e', 'vs', 'cf', 'dr', 'mr', 'mrs', 'ms', 'prof', 'st', 'mt', 'jr', 'sr', 'inc', 'ltd',
  'co', 'corp', 'no', 'nos', 'nr', 'fig', 'figs', 'eq', 'eqs', 'approx', 'ca', 'al', 'vol', 'pp',
  'ch', 'sec', 'dept', 'z.b', 'd.h', 'u.a', 'bzw', 'usw', 'vgl', 'ggf', 'mme', 'mlle', 'p.ex', 'env',
  'sra', 'srta', 'ud', 'uds', 'pág', 'т.е', 'т.д', 'т.п', 'др', 'см', 'г', 'ул', 'tj', 'np', 'tzn',
]);

/** Count sentence ends in one line; `trailing` tells whether words follow the last end. */
function scanSentences(s: string): { ends: number; trailing: boolean } {
  const chars = [...s];
  let ends = 0;
  let words = false;
  let i = 0;
  while (i < chars.length) {
    const c = chars[i]!;
    if (!TIGHT_END.has(c) && !LOOSE_END.has(c)) {
      if (WORD_CHAR.test(c)) words = true;
      i++;
      continue;
    }
    let j = i;
    let tight = false;
    while (j < chars.length && (TIGHT_END.has(chars[j]!) || LOOSE_END.has(chars[j]!))) {
      if (TIGHT_END.has(chars[j]!)) tight = true;
      j++;
    }
    const loneDot = j - i === 1 && c === '.';
    const ellipsis = c === '…' || (j - i >= 3 && c === '.');
    while (j < chars.length && CLOSERS.has(chars[j]!)) j++;
    const atLineEnd = j === chars.length;
    const spaced = !atLineEnd && /\s/.test(chars[j]!);
    // Evaluated only at a candidate end: the look-back over the word before every dot of "a.b.c.d…"
    // would make one long dotted word quadratic.
    const continues = (): boolean =>
      !atLineEnd && ((loneDot && isAbbreviation(chars, i)) || ((loneDot || ellipsis) && nextWordIsLower(chars, j)));
    if (words && (tight || atLineEnd || spaced) && !continues()) {
      ends++;
      words = false;
    }
    i = j;
  }
  return { ends, trailing: words };
}

function nextWordIsLower(chars: readonly string[], from: number): boolean {
  let k = from;
  while (k < chars.length && /\s/.test(chars[k]!)) k++;
  return k < chars.length && /\p{Ll}/u.test(chars[k]!);
}

/** Is the word before the dot at `dot` an abbreviation or an initial? */
function isAbbreviation(chars: readonly string[], dot: number): boolean {
  let k = dot;
  while (k > 0 && !/[\s("'“‘«]/.test(chars[k - 1]!)) k--;
  const word = chars.slice(k, dot).join('');
  if (/^\p{Lu}$/u.test(word)) return true;
  return ABBREVIATIONS.has(word.toLowerCase());
}

/**
 * What a completion's text measures, as Play and Compare judge samples: length (characters, the
 * unit of the length buckets), detected language and format. `options.among` judges the language
 * among a model's training languages (see detectLanguage).
 *
 * @example
 * measureCompletion('Il pleut.'); // { lengthTokens: 9, lang: 'French' } (when detected)
 * measureCompletion('Il robot ci fa risparmiare molto tempo.', { among: ['English', 'Italian'] }).lang; // 'Italian'
 */
export function measureCompletion(text: string, options: DetectOptions = {}): { lengthTokens: number; lang?: string; format?: string } {
  const lang = detectLanguage(text, options).lang;
  const format = detectFormat(text);
  return { lengthTokens: countTokens(text), ...(lang ? { lang } : {}), ...(format ? { format } : {}) };
}
