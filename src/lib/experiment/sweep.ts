/**
 * Sweeps over marker dropout: a grid of dataset-level rate × sample-level rate × seed on one
 * dataset and preset, optionally with a baseline trained on the same rows without markers (one per
 * seed). Each cell is a full training run followed by the metrics (see run-cell.ts). Pure: the grid,
 * the settings and their validation.
 *
 * @example
 * sweepCells({ ...PAPER_SWEEP, datasetRates: [0, 0.5], sampleRates: [0.5], seeds: [1] }).map((c) => c.id);
 * // → ['baseline-s1', 'x0-y0.5-s1', 'x0.5-y0.5-s1']
 */
import type { ModelShape, PresetName } from '../model/config';
import type { TokenizerChoice } from '../tokenizer/tokenizer';
import { SAMPLING, settingProblem, SWEEP, TRAINING_CHOICES } from '../settings';
import { PAPER_RECIPE } from '../settings/sweep';

export interface EvalSpec {
  /** Validation rows whose marker block the model writes unprompted (inferred-marker accuracy). */
  accuracyRows: number;
  /** Categories judged for inferred-marker accuracy. */
  accuracyCategories: string[];
  /** Validation prompts each requested length bucket is sampled for. */
  prompts: number;
  /** Samples per prompt and bucket. */
  n: number;
  maxTokens: number;
  temperature: number;
  /** Categories whose values' validation loss is compared with the baseline's (head vs tail). */
  lossCategories: string[];
  /** Share of training rows at or under which a value is long tail. */
  tailShare: number;
}

export interface SweepSpec {
  dataset: string;
  preset: PresetName;
  /** Overrides of the preset's shape (e.g. a shorter context for a quicker experiment). */
  shape?: Partial<ModelShape>;
  /** Categories the marker runs write into their blocks; default every categorical one. */
  categories?: string[];
  /** Tokenizer of every run (default characters). */
  tokenizer?: TokenizerChoice;
  steps: number;
  batchSize: number;
  lr: number;
  datasetRates: number[];
  sampleRates: number[];
  seeds: number[];
  /** Also train a no-marker baseline per seed (needed for violation and head-vs-tail comparisons). */
  baseline: boolean;
  /**
   * Also train a marker run without any dropout (X = 0, Y = 0) per seed: a model that always saw every
   * marker in its prompt, the paper's contrast for inferring markers (finding 1).
   */
  noDropout?: boolean;
  /**
   * The baseline trains on as many examples as the X = 0.5 marker run (fewer steps), not as many
   * tokens: blocks make every row longer, so at equal steps a baseline packs about twice the rows and
   * its text is compared with that of a model that read half as much (the text-loss gain beside finding 3).
   */
  equalExamples?: boolean;
  eval: EvalSpec;
}

export interface SweepCell {
  id: string;
  label: string;
  /** False: the baseline (blocks stay empty). */
  markers: boolean;
  datasetRate: number;
  sampleRate: number;
  seed: number;
}

/** Measurement settings; the numbers a person can change are declared in src/lib/settings/sweep.ts. */
export const DEFAULT_EVAL: EvalSpec = {
  accuracyRows: SWEEP.accuracyRows.default,
  accuracyCategories: ['domain', 'task', 'format', 'lang', 'length_bucket'],
  prompts: SWEEP.prompts.default,
  n: SWEEP.n.default,
  maxTokens: SWEEP.maxTokens.default,
  temperature: SAMPLING.temperature.default,
  lossCategories: ['domain', 'lang', 'format', 'length_bucket'],
  tailShare: 0.05,
};

/**
 * The paper in small: per seed (two; findings judged per seed, min–max shown) a marker run without
 * dropout (X = 0, Y = 0), one with the paper's X = 0.5, Y = 0.5, and a no-marker baseline given as many
 * examples; `tiny` with a 144-token context (every teaching row fits it with the 2,000-merge BPE), 400
 * steps of 8 × 144 tokens at 1e-2. All four findings hold for both seeds; `markerlab sweep --paper --jobs 2`
 * took 16.9 minutes on two CPU cores with wasm (README, "The paper in small").
 */
export const PAPER_SWEEP: SweepSpec = {
  dataset: 'teaching',
  preset: TRAINING_CHOICES.preset.default,
  shape: { blockSize: 144 },
  steps: SWEEP.steps.default,
  batchSize: PAPER_RECIPE.batchSize,
  lr: PAPER_RECIPE.lr,
  datasetRates: [0.5],
  sampleRates: [SWEEP.rate.default],
  seeds: [1, 2],
  baseline: true,
  noDropout: true,
  equalExamples: true,
  eval: DEFAULT_EVAL,
};

export class SweepError extends Error {
  override name = 'SweepError';
}

export function validateSweep(spec: SweepSpec): SweepSpec {
  const rate = (name: string, list: number[]): void => {
    if (list.length === 0) throw new SweepError(`${name}: give at least one rate`);
    for (const r of list) if (settingProblem(SWEEP.rate, r) !== null) throw new SweepError(`${name}: every rate must be in [0, 1], got ${r}`);
    if (new Set(list).size !== list.length) throw new SweepError(`${name}: a rate is listed twice`);
  };
  rate('dataset-level dropout', spec.datasetRates);
  rate('sample-level dropout', spec.sampleRates);
  if (spec.seeds.length === 0 || spec.seeds.some((s) => !Number.isInteger(s))) throw new SweepError('seeds: give whole numbers');
  if (new Set(spec.seeds).size !== spec.seeds.length) throw new SweepError('seeds: a seed is listed twice');
  for (const [value, setting] of [[spec.steps, SWEEP.steps], [spec.batchSize, SWEEP.batchSize], [spec.lr, SWEEP.lr]] as const) {
    const problem = settingProblem(setting, value);
    if (problem !== null) throw new SweepError(problem);
  }
  const cells = sweepCells(spec).length;
  if (cells > 64) throw new SweepError(`the sweep has ${cells} runs; keep it to 64`);
  return spec;
}

export function sweepCells(spec: Pick<SweepSpec, 'datasetRates' | 'sampleRates' | 'seeds' | 'baseline' | 'noDropout'>): SweepCell[] {
  const cells: SweepCell[] = [];
  const inGrid = spec.datasetRates.includes(0) && spec.sampleRates.includes(0);
  for (const seed of spec.seeds) {
    if (spec.baseline) cells.push({ id: `baseline-s${seed}`, label: `baseline (no markers), seed ${seed}`, markers: false, datasetRate: 0, sampleRate: 0, seed });
    if (spec.noDropout && !inGrid) cells.push({ id: `x0-y0-s${seed}`, label: `no dropout (X=0 Y=0), seed ${seed}`, markers: true, datasetRate: 0, sampleRate: 0, seed });
    for (const x of spec.datasetRates) {
      for (const y of spec.sampleRates) {
        cells.push({ id: `x${x}-y${y}-s${seed}`, label: `dropout X=${x} Y=${y}, seed ${seed}`, markers: true, datasetRate: x, sampleRate: y, seed });
      }
    }
  }
  return cells;
}
