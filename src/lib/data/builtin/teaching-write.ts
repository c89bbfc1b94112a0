/**
 * Writing a teaching answer: its sentences rendered in its format, the length ranges of the buckets,
 * and the writing defects that make a low `quality` visible. Every defect is something a reader (and a
 * test) can count in the text, and none invents a word form, so "share of words that are words of the
 * data" stays a fair measure of readability.
 */
import type { Rng } from '../../util/rng';
import type { LengthBucket } from './teaching-types';

/**
 * Completion length in characters (code points) per bucket, the same for every format. The gaps
 * between the ranges mean the annotator's character cut (annotate-dataset.ts) gives back each row's
 * bucket exactly. Concise = 1 sentence, medium = 2, long = 3; the format's frame (list dashes, JSON
 * brackets, table rules) counts too, so a table has one row fewer than the bucket's sentences.
 */
export const LENGTH_RANGES: Readonly<Record<LengthBucket, { min: number; max: number }>> = {
  concise: { min: 20, max: 55 },
  medium: { min: 60, max: 89 },
  long: { min: 93, max: 125 },
};

/** Sentences per answer in each bucket. */
export const SENTENCES: Readonly<Record<LengthBucket, number>> = { concise: 1, medium: 2, long: 3 };

/**
 * Sentences of an answer in a format and bucket: a table's header and rule are as long as a sentence,
 * so its medium answer has one row and its long answer two; a long JSON array holds two sentences.
 *
 * @example
 * sentencesFor('table', 'long'); // 2
 */
export function sentencesFor(format: AnswerFormat, bucket: LengthBucket): number {
  if (format === 'table') return SENTENCES[bucket] - 1;
  // Three sentences and their quotes do not fit the context with a prompt: a long JSON answer has two
  // long sentences, a medium one two short ones (the character ranges still separate them).
  if (format === 'json' && bucket === 'long') return 2;
  return SENTENCES[bucket];
}

export type AnswerFormat = 'prose' | 'list' | 'json' | 'table';

/**
 * The completion text of sentences in a format.
 *
 * @example
 * renderAnswer(['It rains.', 'It stops.'], 'list', { tableHeader: 'Fact' });
 * // "- It rains.\n- It stops."
 */
export function renderAnswer(
  units: readonly string[],
  format: AnswerFormat,
  words: { tableHeader: string },
): string {
  switch (format) {
    case 'prose':
      return units.join(' ');
    case 'list':
      return units.map((u) => `- ${u}`).join('\n');
    case 'json':
      // A bare array: an object's key would cost the long answers a whole sentence's worth of characters.
      return `[${units.map((u) => JSON.stringify(u)).join(', ')}]`;
    case 'table':
      return [`| # | ${words.tableHeader} |`, '|---|---|', ...units.map((u, i) => `| ${i + 1} | ${u} |`)].join('\n');
  }
}

/** Whether a completion's length lies in its bucket's range. */
export function inLengthRange(text: string, bucket: LengthBucket): boolean {
  const n = Array.from(text).length;
  return n >= LENGTH_RANGES[bucket].min && n <= LENGTH_RANGES[bucket].max;
}

/**
 * The defects, each applied at most once per answer; quality = 1 − 0.2 × (number of defects).
 * - lowercase: one sentence starts with a lower-case letter;
 * - noPeriod: the last sentence lost its full stop;
 * - doubledWord: one word is written twice ("the the");
 * - repeat: a sentence is written again in place of the next one (answers of two or more sentences).
 */
export const DEFECTS = ['lowercase', 'noPeriod', 'doubledWord', 'repeat'] as const;
export type Defect = (typeof DEFECTS)[number];

/** Quality score of an answer with `defects` defects, as the marker writes it. */
export function qualityOf(defects: number): string {
  return (1 - 0.2 * defects).toFixed(1);
}

const ONLY_LETTERS = /^\p{L}+$/u;

/**
 * Apply defects to an answer's sentences. A repeated sentence is chosen first, and a defect that falls
 * on one of the pair is written into both, so each kind shows as one kind of mistake.
 *
 * @example
 * applyDefects(['The Sun has a long history.', 'It follows strict rules.'], ['repeat', 'noPeriod'], rng);
 * // ['The Sun has a long history.', 'The Sun has a long history']
 */
export function applyDefects(units: readonly string[], defects: readonly Defect[], rng: Rng): string[] {
  const out = [...units];
  let pair: [number, number] | undefined;
  if (defects.includes('repeat') && out.length >= 2) {
    const j = rng.int(out.length - 1);
    out[j + 1] = out[j]!;
    pair = [j, j + 1];
  }
  const targets = (u: number): number[] => (pair && pair.includes(u) ? pair : [u]);
  if (defects.includes('doubledWord')) {
    const u = rng.int(out.length);
    const words = out[u]!.split(' ');
    const candidates = words.flatMap((w, i) => (ONLY_LETTERS.test(w) ? [i] : []));
    if (candidates.length > 0) {
      const i = rng.pick(candidates);
      for (const t of targets(u)) {
        const ws = out[t]!.split(' ');
        ws.splice(i + 1, 0, ws[i]!);
        out[t] = ws.join(' ');
      }
    }
  }
  if (defects.includes('lowercase')) {
    for (const t of targets(rng.int(out.length))) out[t] = out[t]!.replace(/\p{L}/u, (c) => c.toLocaleLowerCase());
  }
  if (defects.includes('noPeriod')) out[out.length - 1] = out[out.length - 1]!.replace(/\.$/, '');
  return out;
}
