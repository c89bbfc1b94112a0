/**
 * The model side of evaluation: what a trained model writes and how well it predicts, turned into
 * the pure metrics of `src/lib/eval` (inferred-marker accuracy, violation rates, head vs tail,
 * length shift). The same functions serve `markerlab eval`, `markerlab sweep` and the browser's
 * Experiments view, so the numbers agree for the same seeds.
 */
import { PreparedRows, ValidationBatches } from '../data/batch';
import type { Row } from '../data/types';
import { inferredAccuracy, type CategoryAccuracy } from '../eval/accuracy';
import type { ValueGain, ValueLoss } from '../eval/head-tail';
import { violationRate, type Measured, type ViolationResult } from '../eval/violation';
import type { LengthThresholds } from '../markers/annotate-dataset';
import { countTokens, detectFormat, detectLanguage } from '../markers/measure';
import { markersInBlocks, type Markers, type Taxonomy } from '../markers/taxonomy';
import { encodePieces, type TokenizerSpec } from '../tokenizer/tokenizer';
import type { GPT } from '../model/gpt';
import { blockBudget } from '../model/sample';
import { maxBlockTokens, sampleSteered, type FixedStrategy, type SteerMode } from '../model/steer';
import { evaluateRows } from '../model/train';

export interface ModelUnderTest {
  model: GPT;
  tokenizer: TokenizerSpec;
  taxonomy: Taxonomy;
  /** Categories the model was trained to write ([] for a baseline trained without markers). */
  categories: readonly string[];
  lengthThresholds?: LengthThresholds;
}

/**
 * Inferred-marker accuracy: each row's prompt without markers, the block the model writes
 * greedily, compared with the row's annotation.
 */
export async function measureInferredAccuracy(m: ModelUnderTest, rows: readonly Row[], categories: readonly string[]): Promise<Record<string, CategoryAccuracy>> {
  const budget = blockBudget(m.model.config.blockSize, maxBlockTokens(m.taxonomy, m.categories)) + 1;
  const pairs: Array<{ expected: Markers; written: Markers }> = [];
  for (const row of rows) {
    const [sample] = await sampleSteered(m.model, m.tokenizer, m.taxonomy, { prompt: row.prompt, markers: {}, mode: 'inferred' },
      { n: 1, maxTokens: budget, temperature: 0, seed: 0 });
    pairs.push({ expected: row.markers, written: sample?.parsed.markers ?? {} });
  }
  return inferredAccuracy(pairs, categories);
}

export interface SampledLengths {
  /** Requested value → measured samples. */
  samples: Record<string, Array<Measured & { finished: boolean }>>;
  /** Requested value → violation of that value. */
  violations: Record<string, ViolationResult>;
  /** All requested values pooled: violations / judged samples. */
  rate: number | null;
}

export interface SampleSetting {
  /** baseline: no markers at all (a model trained without them); inferred / fixed: the method's modes. */
  mode: 'baseline' | SteerMode;
  fixedStrategy?: FixedStrategy;
  n: number;
  maxTokens: number;
  temperature: number;
  seed: number;
}

/**
 * Samples for each requested value of a judged category (length_bucket, lang, format) over the
 * prompts, measured by the same code as annotation, and their violation rates.
 */
export async function sampleRequested(
  m: ModelUnderTest, prompts: readonly string[], category: 'length_bucket' | 'lang' | 'format', values: readonly string[], setting: SampleSetting,
): Promise<SampledLengths> {
  const samples: SampledLengths['samples'] = {};
  const violations: SampledLengths['violations'] = {};
  let bad = 0, judged = 0;
  for (const value of values) {
    const list: Array<Measured & { finished: boolean }> = [];
    for (const [i, prompt] of prompts.entries()) {
      const markers: Markers = setting.mode === 'baseline' ? {} : { [category]: value };
      const mode: SteerMode = setting.mode === 'fixed' ? 'fixed' : 'inferred';
      const out = await sampleSteered(m.model, m.tokenizer, m.taxonomy, { prompt, markers, mode, ...(setting.fixedStrategy ? { fixedStrategy: setting.fixedStrategy } : {}) },
        { n: setting.n, maxTokens: setting.maxTokens, temperature: setting.temperature, seed: setting.seed + i, maxBlockTokens: maxBlockTokens(m.taxonomy, m.categories) });
      for (const s of out) {
        const text = s.parsed.completion;
        const lang = detectLanguage(text).lang;
        const format = detectFormat(text);
        list.push({ lengthTokens: countTokens(text), finished: s.finished, ...(lang ? { lang } : {}), ...(format ? { format } : {}) });
      }
    }
    samples[value] = list;
    const v = violationRate(category, value, list, m.lengthThresholds ? { lengthThresholds: m.lengthThresholds } : {});
    violations[value] = v;
    if ('n' in v) {
      bad += v.violations;
      judged += v.n;
    }
  }
  return { samples, violations, rate: judged > 0 ? bad / judged : null };
}

/** Samples on target for one value of a judged category (finding 3 judged on samples). */
export interface ValueHits {
  category: 'lang' | 'format';
  value: string;
  /** Validation rows with this value that were sampled. */
  rows: number;
  samples: number;
  /** Samples whose text is judged to have the value: language identified, format detected. */
  hits: number;
  /** Samples cut at the token budget before the model ended them (judged on what they had written). */
  cut: number;
}

/** Samples per validation row for `targetedHits`. */
export const TARGET_SAMPLES = 2;
/**
 * Most validation rows sampled per value, per length prompt of the sweep (`EvalSpec.prompts`): the
 * paper's 4 prompts give 16 rows per value (the frequent values have ten times the rare ones' rows).
 */
export const TARGET_ROWS_PER_PROMPT = 4;

/**
 * Targeting a value, judged on samples as the paper judges generations: for each judged category
 * (language, format — what the annotators measure back from text), up to `rowsPerValue` validation
 * rows per value, each row's prompt sampled `TARGET_SAMPLES` times — a marker model with the
 * row's markers in fixed mode (what a person asking for that answer sets), a baseline (markers
 * false) with the prompt alone. A sample hits when the language identifier, choosing among the rows'
 * languages, or the format detector gives the row's value.
 */
export async function targetedHits(
  m: ModelUnderTest, rows: readonly Row[], setting: Omit<SampleSetting, 'mode' | 'n'> & { markers: boolean; rowsPerValue: number },
): Promise<ValueHits[]> {
  const languages = [...new Set(rows.flatMap((r) => (r.markers.lang === undefined ? [] : [r.markers.lang])))];
  const blockTokens = maxBlockTokens(m.taxonomy, m.categories);
  const out: ValueHits[] = [];
  for (const category of ['lang', 'format'] as const) {
    const values = [...new Set(rows.flatMap((r) => (r.markers[category] === undefined ? [] : [r.markers[category]!])))].sort();
    for (const value of values) {
      const chosen = rows.filter((r) => r.markers[category] === value).slice(0, setting.rowsPerValue);
      let hits = 0, samples = 0, cut = 0;
      for (const [i, row] of chosen.entries()) {
        const markers: Markers = setting.markers ? markersInBlocks(row.markers, m.taxonomy, m.categories) : {};
        const drawn = await sampleSteered(m.model, m.tokenizer, m.taxonomy, { prompt: row.prompt, markers, mode: setting.markers ? 'fixed' : 'inferred' },
          { n: TARGET_SAMPLES, maxTokens: setting.maxTokens, temperature: setting.temperature, seed: setting.seed + i, maxBlockTokens: blockTokens });
        for (const s of drawn) {
          const text = s.parsed.completion;
          const got = category === 'lang' ? detectLanguage(text, languages.length > 0 ? { among: languages } : {}).lang : detectFormat(text);
          samples++;
          if (got === value) hits++;
          if (!s.finished) cut++;
        }
      }
      out.push({ category, value, rows: chosen.length, samples, hits, cut });
    }
  }
  return out;
}

/**
 * Pair a marker model's hits with a baseline's: per value, the gain in the share of samples on target,
 * with the training share of the value, ready for splitGains.
 */
export function targetingGains(
  withMarkers: readonly ValueHits[], baseline: readonly ValueHits[], share: (category: string, value: string) => number,
): Array<ValueGain & { withMarkers: number; without: number }> {
  return withMarkers.flatMap((w) => {
    const b = baseline.find((x) => x.category === w.category && x.value === w.value);
    if (!b || w.samples === 0 || b.samples === 0) return [];
    const a = w.hits / w.samples, z = b.hits / b.samples;
    return [{ category: w.category, value: w.value, rows: w.rows, share: share(w.category, w.value), withMarkers: a, without: z, gain: a - z }];
  });
}

export interface ValueGroupLoss {
  category: string;
  value: string;
  rows: number;
  loss: number;
}

/**
 * Pair a marker model's losses (with markers) with a baseline's (without) and the training share
 * of each value, ready for headTail.
 */
export function pairLosses(withMarkers: readonly ValueGroupLoss[], baseline: readonly ValueGroupLoss[], share: (category: string, value: string) => number): ValueLoss[] {
  return withMarkers.flatMap((w) => {
    const b = baseline.find((x) => x.category === w.category && x.value === w.value);
    return b ? [{ category: w.category, value: w.value, rows: w.rows, share: share(w.category, w.value), lossWith: w.loss, lossWithout: b.loss }] : [];
  });
}

/**
 * Validation loss on the completion's text (its marker block excluded) per marker value, with the
 * rows' markers in the prompt and the completion's block as the model was trained to write it
 * (none for a baseline). Values with no validation row are left out.
 */
export async function lossPerValue(
  m: ModelUnderTest, rows: readonly Row[], categories: readonly string[], batchSize: number,
): Promise<ValueGroupLoss[]> {
  const strip = (r: Row): Row => ({ ...r, markers: markersInBlocks(r.markers, m.taxonomy, m.categories) });
  const T = m.model.config.blockSize;
  // Every row once (a row's loss does not depend on the rows packed beside it), then grouped per value.
  const set = new ValidationBatches(new PreparedRows(rows.map(strip), m.taxonomy, m.tokenizer), {
    taxonomy: m.taxonomy, tokenizer: m.tokenizer, batchSize, blockSize: T, lossOn: 'text', promptMarkers: 'all',
  });
  const { sum, tokens } = await evaluateRows(m.model, set, batchSize, T);
  const out: ValueGroupLoss[] = [];
  for (const category of categories) {
    const values = [...new Set(rows.flatMap((r) => (r.markers[category] === undefined ? [] : [r.markers[category]!])))].sort();
    for (const value of values) {
      let total = 0, weight = 0, n = 0;
      rows.forEach((r, i) => {
        if (r.markers[category] !== value) return;
        total += sum[i]!;
        weight += tokens[i]!;
        n++;
      });
      out.push({ category, value, rows: n, loss: weight > 0 ? total / weight : NaN });
    }
  }
  return out;
}

/**
 * The most tokens a sample needs to settle its length: 1.5 × the data's longest completion (in the
 * model's tokens), within the context. Past it a sample is longer than anything in the data, so its
 * length bucket is decided; sampling further only costs time (an untrained model may never stop).
 *
 * @example
 * completionBudget(m, rows); // 106 for the teaching set with its 2,000-merge BPE
 */
export function completionBudget(m: Pick<ModelUnderTest, 'model' | 'tokenizer'>, rows: readonly Row[]): number {
  let longest = 1;
  for (const r of rows) longest = Math.max(longest, encodePieces(m.tokenizer, [{ type: 'text', text: r.completion }]).length);
  return Math.max(8, Math.min(Math.ceil(longest * 1.5) + 1, m.model.config.blockSize));
}
