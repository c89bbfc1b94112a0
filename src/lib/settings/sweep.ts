/**
 * Sweep settings — default, limits, help line — for `markerlab sweep`, the Experiments form and
 * the paper-in-small preset (src/lib/experiment/sweep.ts builds PAPER_SWEEP from these defaults).
 * The browser form starts smaller (`BROWSER_SWEEP`): a first sweep should finish while you watch.
 *
 * @example
 * settingProblem(SWEEP.prompts, 0); // 'Prompts per length bucket must be a whole number from 1 to 1,000.'
 */
import type { PresetName } from '../model/config';
import { SAMPLING } from './sampling';
import { numberSetting } from './setting';
import { TRAINING } from './training';

export const SWEEP = Object.freeze({
  steps: numberSetting({ ...TRAINING.steps, label: 'Steps per run', help: 'Training steps per run.', default: 400 }),
  batchSize: TRAINING.batchSize,
  lr: TRAINING.lr,
  prompts: numberSetting({ label: 'Prompts per length bucket', help: 'Validation prompts each length bucket is sampled for (and four times as many rows per language and format value, for finding 3).', default: 4, min: 1, max: 1000, integer: true, flag: 'prompts' }),
  n: numberSetting({ ...SAMPLING.n, label: 'Samples per prompt', help: 'Samples per prompt and bucket.', default: 8 }),
  // An upper bound: sampling also stops at 1.5 × the data's longest answer (completionBudget), where
  // a sample's bucket is settled.
  maxTokens: numberSetting({ ...SAMPLING.maxTokens, label: 'Max tokens per sample', default: 400 }),
  accuracyRows: numberSetting({ label: 'Rows for marker accuracy', help: 'Validation rows whose marker block the model writes unprompted.', default: 60, min: 1, max: 100_000, integer: true }),
  /** Each rate in the --dataset-dropout / --sample-dropout lists. */
  rate: numberSetting({ label: 'A dropout rate', help: 'Comma-separated rates.', default: 0.5, min: 0, max: 1 }),
});

/**
 * The Experiments form's first values: a nano sweep of one seed over X = 0 and 0.5 that finishes in
 * minutes in a browser (batch and learning rate: the schema's defaults).
 */
export const BROWSER_SWEEP: Readonly<{ preset: PresetName; steps: number; seeds: readonly number[]; prompts: number; n: number; accuracyRows: number; datasetRates: readonly number[] }> = Object.freeze({
  preset: 'nano', steps: 200, seeds: [1], prompts: 2, n: 4, accuracyRows: 30, datasetRates: [0, 0.5],
});

/**
 * The paper in small's batch and rate: half the default batch at a higher rate, twice the updates for
 * the same tokens, which is what learning length in every seed within 20 minutes on two cores needs
 * (README, "The paper in small"; with 16 at 3e-3 the grid took about 35 minutes).
 */
export const PAPER_RECIPE = Object.freeze({ batchSize: 8, lr: 1e-2 });
