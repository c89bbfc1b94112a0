/**
 * What a training session is built from (TrainingSetup) and the defaults every caller starts from
 * (DEFAULT_TRAINING), apart from the session itself so that code without tf — the page's state, the
 * arbitrage lab's fine-tune recipe — can assemble a setup. model/session.ts re-exports both.
 */
import type { BlockOrder, LossOn } from '../data/batch';
import type { Row } from '../data/types';
import type { DropoutConfig } from '../markers/dropout';
import type { Taxonomy } from '../markers/taxonomy';
import type { LearnedTokenizer, TokenizerChoice } from '../tokenizer/tokenizer';
import type { CheckpointRecord } from './checkpoint';
import type { ModelShape, PresetName } from './config';
import { DEFAULT_TRAINING_FORM, minLrOf } from '../settings/training';

export interface TrainingSetup {
  rows: readonly Row[];
  taxonomy: Taxonomy;
  preset: PresetName;
  /** Overrides of the preset's shape (blockSize, nLayer, nHead, nEmbd, dropout). */
  shape?: Partial<ModelShape>;
  /** Seeds the initialisation, the split and the batch order. */
  seed: number;
  /** Continue from this checkpoint (fine-tuning, or resuming with its optimizer state). */
  init?: CheckpointRecord;
  /**
   * The optimizer step the learning-rate schedule counts from. Default: the step training starts at,
   * so a fine-tune gets its own warm-up and decay (the base model's curve ended at its floor).
   * Resuming a run from an autosave passes the step that run started at, to stay on its curve.
   */
  scheduleStart?: number;
  /** Marker categories that go into the blocks; default every categorical category. */
  categories?: readonly string[];
  /** BPE learned from the training rows (default, settings/training.ts) or characters; with `init`, its tokenizer extended. */
  tokenizer?: TokenizerChoice;
  /**
   * The tokenizer of this choice already learned on these training rows (the data worker's), used
   * only from scratch and only when its key matches; otherwise the session learns it (same result).
   */
  learnedTokenizer?: LearnedTokenizer;
  dropout: DropoutConfig;
  lossOn: LossOn;
  blockOrder: BlockOrder;
  valFraction: number;
  stratifyBy?: string;
  steps: number;
  batchSize: number;
  accumulation: number;
  lr: number;
  minLr: number;
  warmupSteps: number;
  weightDecay: number;
  gradClip: number;
  evalEvery: number;
  /**
   * False: no validation passes at all, not even at the end (the split is kept, so the run trains
   * on the same rows); for runs measured afterwards by other means (the arbitrage lab's fine-tunes).
   */
  validate?: boolean;
  progressEveryMs: number;
}

/** The schema's defaults (src/lib/settings/training.ts) plus what only the engine sets. */
export const DEFAULT_TRAINING: Omit<TrainingSetup, 'rows' | 'taxonomy' | 'preset' | 'seed' | 'dropout' | 'init'> = {
  lossOn: DEFAULT_TRAINING_FORM.lossOn,
  blockOrder: DEFAULT_TRAINING_FORM.blockOrder,
  valFraction: DEFAULT_TRAINING_FORM.valFraction,
  stratifyBy: 'lang',
  steps: DEFAULT_TRAINING_FORM.steps,
  batchSize: DEFAULT_TRAINING_FORM.batchSize,
  accumulation: DEFAULT_TRAINING_FORM.accumulation,
  lr: DEFAULT_TRAINING_FORM.lr,
  minLr: minLrOf(DEFAULT_TRAINING_FORM),
  warmupSteps: DEFAULT_TRAINING_FORM.warmupSteps,
  weightDecay: DEFAULT_TRAINING_FORM.weightDecay,
  gradClip: DEFAULT_TRAINING_FORM.gradClip,
  evalEvery: DEFAULT_TRAINING_FORM.evalEvery,
  progressEveryMs: 250,
};
