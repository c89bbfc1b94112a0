/**
 * What the trainer worker is given for a run (TrainerSetup): the form's settings less what only the
 * page keeps (where it starts from, the minimum-lr ratio as a ratio, the tokenizer as two fields),
 * the rows and their split, and — for a resumed run — the steps it has left on its own learning-rate
 * curve. Pure: the Train view's controller fetches rows, bytes and tokenizer, this assembles them.
 *
 * @example
 * const setup = trainerSetup(form.settings, { rows, taxonomy, dropout, resumed: null });
 * setup.steps;   // the form's steps (a resumed run: endStep − savedStep)
 * await api.prepare(setup);
 */
import * as Comlink from 'comlink';
import type { Row } from '../data/types';
import type { Taxonomy } from '../markers/taxonomy';
import { minLrOf, RUN_STRATIFY_BY, tokenizerChoiceOf, type TokenizerRequest } from '../settings/training';
import type { LearnedTokenizer } from '../tokenizer/tokenizer';
import { checkpointConfig } from '../model/checkpoint';
import { presetConfig, type GPTConfig, type PresetName } from '../model/config';
import { DEMO_SHAPE } from './backend-memory';
import type { TrainerSetup } from '../../../workers/trainer.api';
import type { ActiveRun } from './active-run';
import type { RunSettings } from './train-form.svelte';

/** Progress reports the trainer sends, at most one per this many ms. */
export const PROGRESS_EVERY_MS = 200;

export interface RunInputs {
  rows: Row[];
  taxonomy: Taxonomy;
  dropout: ActiveRun['dropout'];
  /** The interrupted run this one continues from its autosave (null: a new run). */
  resumed: ActiveRun | null;
  /** The starting checkpoint's bytes (transferred to the worker), if it starts from one. */
  init?: Uint8Array | undefined;
  /** The tokenizer learned ahead of time for a run from scratch (null: the trainer learns it). */
  learned?: LearnedTokenizer | null;
}

/** What a fresh tokenizer of a run from scratch is learned with (the data worker learns it ahead). */
export function tokenizerRequest(settings: RunSettings): TokenizerRequest {
  return { choice: tokenizerChoiceOf(settings), valFraction: settings.valFraction, seed: settings.seed, stratifyBy: RUN_STRATIFY_BY };
}

/** The worker's setup for a run with these settings and inputs. */
export function trainerSetup(settings: RunSettings, { rows, taxonomy, dropout, resumed, init, learned }: RunInputs): TrainerSetup {
  const steps = resumed ? resumed.endStep - (resumed.savedStep ?? 0) : settings.steps;
  const { startFrom: _, categories, minLrRatio: __, tokenizer: ___, merges: ____, ...rest } = settings;
  return {
    ...rest, minLr: minLrOf(settings), tokenizer: tokenizerChoiceOf(settings), steps, rows, taxonomy, dropout, stratifyBy: RUN_STRATIFY_BY,
    progressEveryMs: PROGRESS_EVERY_MS,
    // A resumed run stays on its own learning-rate curve; a new one (a fine-tune too) starts a fresh one.
    ...(resumed ? { scheduleStart: resumed.scheduleStart ?? 0 } : {}),
    ...(categories ? { categories } : {}),
    ...(init ? { init: Comlink.transfer(init, [init.buffer as ArrayBuffer]) } : {}),
    ...(learned ? { learnedTokenizer: learned } : {}),
  };
}

/**
 * The model shape a run will have, known before the worker prepares it, so its backend is measured
 * (or recalled) for that shape: the starting checkpoint's (its config, read from the header; the
 * vocabulary may still grow by the tokens new rows bring), else the preset with the vocabulary of
 * the tokenizer the data worker learned ahead. Without that tokenizer (not learned, or cancelled:
 * the trainer then learns it itself) the vocabulary is the demo's, the one figure known up front.
 *
 * @example
 * trainingShape('nano', baseBytes, null);     // the base checkpoint's shape: L2-H4-E64-T256-V2320
 * trainingShape('nano', undefined, learned);  // nano with learned.spec.tokens.length tokens
 */
export function trainingShape(preset: PresetName, init: Uint8Array | undefined, learned: LearnedTokenizer | null | undefined): GPTConfig {
  const fromCheckpoint = init ? checkpointConfig(init) : null;
  return fromCheckpoint ?? presetConfig(preset, learned?.spec.tokens.length ?? DEMO_SHAPE.vocabSize, 1);
}
