/**
 * The arbitrage lab's fine-tune recipe — a teacher's or a student's — as a plain TrainingSetup,
 * without tf: `fineTune` (the CLI) builds its session from it and the Arbitrage view hands it to the
 * trainer worker, so the browser's teachers are the CLI's. The paper's 50% / 50% marker dropout, the
 * short-run schedule (shortRunRecipe), no validation (the comparison measures afterwards).
 *
 * @example
 * const setup = fineTuneSetup({ name: 'english', rows, taxonomy, steps: 60, batchSize: 8, lr: 3e-3, seed: 1 }, base.config);
 * TrainingSession.create({ ...setup, init: base });
 */
import type { Row } from '../data/types';
import type { Taxonomy } from '../markers/taxonomy';
import { PRESETS, type GPTConfig, type PresetName } from '../model/config';
import { DEFAULT_TRAINING, type TrainingSetup } from '../model/training-setup';
import { minLrOf, shortRunRecipe } from '../settings/training';

/** A fine-tune's inputs besides the model it starts from. */
export interface FineTuneRecipe {
  /** Names the run in messages and the checkpoint's metrics. */
  name: string;
  rows: Row[];
  taxonomy: Taxonomy;
  steps: number;
  batchSize: number;
  lr: number;
  /** Marker categories in the blocks; default every categorical category. */
  categories?: readonly string[];
  seed: number;
}

/** The session setup of a fine-tune from a base model of shape `base` (its `init` is the caller's). */
export function fineTuneSetup(job: FineTuneRecipe, base: GPTConfig): Omit<TrainingSetup, 'init'> {
  return {
    ...DEFAULT_TRAINING, rows: job.rows, taxonomy: job.taxonomy, preset: presetOf(base), seed: job.seed,
    ...(job.categories ? { categories: job.categories } : {}),
    dropout: { datasetRate: 0.5, sampleRate: 0.5, overrides: {}, seed: job.seed },
    steps: job.steps, batchSize: job.batchSize, lr: job.lr, minLr: minLrOf({ lr: job.lr }), ...shortRunRecipe(job.steps),
    // Validation would cost time the comparison does not read: the students are measured after.
    evalEvery: 0, validate: false, progressEveryMs: 2000,
  };
}

/** The preset a checkpoint's shape is (recorded with the run), else the closest by width. */
export function presetOf(config: GPTConfig): PresetName {
  const names = Object.keys(PRESETS) as PresetName[];
  return names.find((n) => PRESETS[n].nLayer === config.nLayer && PRESETS[n].nEmbd === config.nEmbd && PRESETS[n].nHead === config.nHead)
    ?? names.reduce((a, b) => (Math.abs(PRESETS[b].nEmbd - config.nEmbd) < Math.abs(PRESETS[a].nEmbd - config.nEmbd) ? b : a));
}
