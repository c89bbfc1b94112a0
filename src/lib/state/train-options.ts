/**
 * What a training run (TrainRun, train-run.svelte.ts) is wired to: the trainer worker and how its
 * backend is chosen and remembered, where rows, a learned tokenizer and checkpoints come from, the
 * shared dropout, the first settings, where the active-run record lives and which locks keep it to
 * one tab, and how often weights and autosaves are taken.
 *
 * @example
 * const options: TrainOptions = { connect, rows: (n) => dataApi.rows(n), checkpoints, dropout, initial };
 * new TrainState(options);
 */
import type { Row } from '../data/types';
import type { Taxonomy } from '../markers/taxonomy';
import type { TokenizerRequest } from '../settings/training';
import type { LearnedTokenizer } from '../tokenizer/tokenizer';
import type { TrainerApi } from '../../../workers/trainer.api';
import type { RunLocks, RunStorage } from './active-run';
import type { BackendChoices } from './backend-choices.svelte';
import type { BackendPlan } from './backend-worker';
import type { CheckpointsState } from './checkpoints.svelte';
import type { DropoutSettings } from './dropout.svelte';
import type { UrlState } from './url';
import type { WorkerConnection } from './workers';

export interface TrainOptions {
  connect: () => WorkerConnection<TrainerApi>;
  /** How 'auto' picks a backend (measured, remembered); default: the fixed order. */
  backendPlan?: BackendPlan;
  /** Where the person's compute choice is remembered, per preset (shared with Experiments); default: this page only. */
  backendChoices?: BackendChoices;
  rows: (dataset: string) => Promise<{ rows: Row[]; taxonomy: Taxonomy }>;
  /**
   * The tokenizer a run from scratch would learn, learned ahead of time (the data worker's); null
   * or a failure: the trainer learns it itself, with the same result.
   */
  tokenizer?: (dataset: string, request: TokenizerRequest) => Promise<LearnedTokenizer | null>;
  checkpoints: CheckpointsState;
  dropout: DropoutSettings;
  initial: Pick<UrlState, 'preset' | 'steps' | 'batchSize' | 'lr'>;
  /** Where the active-run record lives (default: localStorage when there is one). */
  storage?: RunStorage;
  /** The Web Locks that keep the active run to one tab (default navigator.locks; null: one tab assumed). */
  locks?: RunLocks | null;
  /** Least time between weights sent to onWeights listeners (default 3000 ms). */
  weightsEveryMs?: number;
  /** Autosave also when this long has passed since the last one (default 60 s). */
  autosaveEveryMs?: number;
}
