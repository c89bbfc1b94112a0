/**
 * Violation rates: the share of generated samples whose *measured* attribute disagrees with the
 * marker that was *requested* for them. This is the paper's Table 2 metric (length control on
 * AlpacaEval-LI: baseline 36.6% → inferred markers 24.7% → fixed `<length_tokens>` 1.3%), here for
 * the three attributes MarkerLab measures on text with the same code annotation uses:
 *
 * - `length_bucket`: `lengthBucketOf(lengthTokens, thresholds)` with the thresholds that labelled
 *   the model's training data (without them the bucket cannot be judged: `unavailable`);
 * - `lang`: the language identifier's verdict (an independent model, not the model's own block);
 * - `format`: `detectFormat`'s verdict.
 *
 * A sample cut off at the token limit (`finished: false`) has no final length, only a lower bound:
 * it is judged on length only when that settles it (already past the requested bucket, or already
 * long), otherwise it is left out of that category's n and counted in `cutShort`. Its language and format are judged as
 * they stand.
 *
 * Unidentified attributes count as violations. `detectFormat` returns undefined for plain prose, and
 * no format value means "prose", so a request for `JSON` answered with prose is a violation; the
 * language identifier returns undefined for text too short or too garbled to recognise, and a request
 * for French answered with text nobody can recognise as French is not satisfied either. Such samples
 * are also counted in `unidentified`, so a reader can tell "wrong value" from "no value".
 *
 * Pure: no tf, no DOM.
 */
import { lengthBucketOf, type LengthThresholds } from '../markers/annotate-dataset';
import { LENGTH_BUCKETS, type Markers } from '../markers/taxonomy';

/** The categories a sample's text can be checked against, in display order. */
export const JUDGED_CATEGORIES = ['length_bucket', 'lang', 'format'] as const;
export type JudgedCategory = (typeof JUDGED_CATEGORIES)[number];

/** What was measured on one completion (PlayedSample.measured has this shape). */
export interface Measured {
  lengthTokens: number;
  lang?: string;
  format?: string;
  /** false: generation hit the token limit before the model ended the answer. Absent: finished. */
  finished?: boolean;
}

export interface JudgeOptions {
  /** The rule that labelled length_bucket in the training data; needed to judge length_bucket. */
  lengthThresholds?: LengthThresholds;
}

export interface CategoryViolation {
  category: JudgedCategory;
  requested: string;
  /** Samples judged. */
  n: number;
  /** Length only: samples cut off before their length was known, left out of n. */
  cutShort: number;
  /** Samples whose measured value differs from `requested` (unidentified ones included). */
  violations: number;
  /** violations / n, or null when there are no samples. */
  rate: number | null;
  /** Of the violations, samples where nothing was identified (no language; plain prose). */
  unidentified: number;
}

/** A requested category that cannot be judged, with the reason in words. */
export interface UnjudgedCategory {
  category: JudgedCategory;
  requested: string;
  unavailable: string;
}

export type ViolationResult = CategoryViolation | UnjudgedCategory;

export const isJudgedCategory = (name: string): name is JudgedCategory => (JUDGED_CATEGORIES as readonly string[]).includes(name);

/**
 * What the measurement says for one category, or undefined when nothing was identified.
 *
 * @example
 * measuredValue('length_bucket', { lengthTokens: 250 }, { lengthThresholds: { mode: 'paper', concise: 300, medium: 1000 } }) // → 'concise'
 * measuredValue('format', { lengthTokens: 20 }) // → undefined (plain prose)
 */
export function measuredValue(category: JudgedCategory, measured: Measured, options: JudgeOptions = {}): string | undefined {
  if (category === 'lang') return measured.lang;
  if (category === 'format') return measured.format;
  if (!options.lengthThresholds) return undefined;
  return lengthBucketOf(measured.lengthTokens, options.lengthThresholds);
}

/**
 * The violation rate of one requested marker over a set of samples.
 *
 * @example
 * violationRate('lang', 'French', [{ lengthTokens: 40, lang: 'French' }, { lengthTokens: 35, lang: 'Spanish' }])
 * // → { category: 'lang', requested: 'French', n: 2, cutShort: 0, violations: 1, rate: 0.5, unidentified: 0 }
 */
export function violationRate(
  category: JudgedCategory,
  requested: string,
  samples: readonly Measured[],
  options: JudgeOptions = {},
): ViolationResult {
  if (category === 'length_bucket') {
    if (!(LENGTH_BUCKETS as readonly string[]).includes(requested)) {
      return { category, requested, unavailable: `"${requested}" is not a length bucket (${LENGTH_BUCKETS.join(', ')})` };
    }
    if (!options.lengthThresholds) {
      return { category, requested, unavailable: 'the checkpoint does not record the length thresholds of its training data' };
    }
  }
  let n = 0;
  let violations = 0;
  let unidentified = 0;
  let cutShort = 0;
  for (const sample of samples) {
    const verdict = judge(category, requested, sample, options);
    if (verdict === 'unknown') {
      cutShort++;
      continue;
    }
    n++;
    if (verdict === 'agrees') continue;
    violations++;
    if (measuredValue(category, sample, options) === undefined) unidentified++;
  }
  return { category, requested, n, cutShort, violations, rate: n > 0 ? violations / n : null, unidentified };
}

/**
 * One sample's verdict for one requested marker: it agrees, violates, or (length of a sample cut
 * short) cannot be known yet. Judging length_bucket needs `lengthThresholds`: without them
 * nothing is measured and the verdict is 'violates' (violationRate reports the category as
 * unavailable instead).
 *
 * @example
 * judge('length_bucket', 'concise', { lengthTokens: 40, finished: false }, { lengthThresholds }) // → 'unknown'
 */
export function judge(category: JudgedCategory, requested: string, sample: Measured, options: JudgeOptions = {}): 'agrees' | 'violates' | 'unknown' {
  const value = measuredValue(category, sample, options);
  // A cut sample's final bucket lies between its bucket now and long: known only when that range is one value or all wrong.
  if (category === 'length_bucket' && sample.finished === false && rank(value) <= rank(requested) && value !== 'long') return 'unknown';
  return value === requested ? 'agrees' : 'violates';
}

const rank = (bucket: string | undefined): number => (LENGTH_BUCKETS as readonly (string | undefined)[]).indexOf(bucket);

/**
 * Violation rates for every judged category a marker setting requests, in JUDGED_CATEGORIES order.
 * Categories the setting leaves unset are not judged (there is nothing to disagree with).
 *
 * @example
 * violationRates({ length_bucket: 'concise', domain: 'Legal' }, samples, { lengthThresholds })
 * // → [{ category: 'length_bucket', requested: 'concise', n: 16, cutShort: 0, violations: 3, rate: 0.1875, unidentified: 0 }]
 */
export function violationRates(requested: Markers, samples: readonly Measured[], options: JudgeOptions = {}): ViolationResult[] {
  return JUDGED_CATEGORIES.filter((c) => requested[c] !== undefined).map((c) => violationRate(c, requested[c]!, samples, options));
}
