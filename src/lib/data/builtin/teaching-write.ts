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
 * bucket exactly. The format's frame (list dashes, JSON brackets, table rules) counts too, so a table
 * has one row fewer than the bucket's sentences.
 *
 * The ranges are wide enough that almost any choice of the bucket's number of sentences lands in its
 * range (measured over free draws of the banks: 1 sentence ≤ 66 characters, 2 sentences 64–123, 4
 * sentences ≥ 135, 1st–99th percentile): a model that learned "one, two or four sentences" writes
 * answers in the requested bucket whichever sentences it picks. With 1, 2 and 3 sentences, 2 and 3
 * overlapped by ~10 % each way and a model that obeyed the marker still missed medium 18 % of the time.
 */
export const LENGTH_RANGES: Readonly<Record<LengthBucket, { min: number; max: number }>> = {
  concise: { min: 20, max: 62 },
  medium: { min: 66, max: 125 },
  long: { min: 132, max: 240 },
};

/** Sentences per answer in each bucket: one, two, four (see LENGTH_RANGES for why not three). */
export const SENTENCES: Readonly<Record<LengthBucket, number>> = { concise: 1, medium: 2, long: 4 };

/**
 * Sentences of an answer in a format and bucket: a table's header and rule are as long as a sentence,
 * so its medium answer has one row and its long answer three.
 *
 * @example
 * sentencesFor('table', 'long'); // 3
 */
export function sentencesFor(format: AnswerFormat, bucket: LengthBucket): number {
  return format === 'table' ? SENTENCES[bucket] - 1 : SENTENCES[bucket];
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
