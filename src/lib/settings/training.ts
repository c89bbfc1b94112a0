/**
 * Every setting of a training run — default, limits, help line — in one place. The Train view's
 * form, the link (`?lr=…`), `markerlab train` and the sweeps read them from here.
 *
 * The learning-rate rule, the same everywhere: the peak rate `lr` is above 0 and at most 1; the
 * cosine decay ends at `lr × minLrRatio` (default 0.1, nanoGPT's lr / 10; 1 keeps the rate constant
 * after warm-up), so the floor can never exceed the peak whatever the two are set to.
 *
 * @example
 * const form = { ...DEFAULT_TRAINING_FORM, lr: 2 };
 * trainingProblems(form).lr; // 'Learning rate must be a number above 0 and at most 1.'
 * minLrOf(form);                                     // the schedule's floor: form.lr × form.minLrRatio
 */
import { z } from 'zod';
import { PRESETS, type PresetName } from '../model/config';
import type { TokenizerChoice } from '../tokenizer/choice';
import { choiceSetting, defaultsOf, INT32, numberSchema, numberSetting, settingProblem, type NumberSetting } from './setting';


/** The numeric settings of a run. */
export const TRAINING = Object.freeze({
  steps: numberSetting({ label: 'Steps', help: 'Optimizer updates in this run.', default: 1000, min: 1, max: 1_000_000, integer: true, flag: 'steps', url: 'steps' }),
  batchSize: numberSetting({ label: 'Batch size', help: 'Examples per update; larger is smoother but slower.', default: 16, min: 1, max: 4096, integer: true, flag: 'batch', url: 'batch' }),
  lr: numberSetting({ label: 'Learning rate', help: 'Peak step size, reached after warm-up.', default: 3e-3, min: 0, above: true, max: 1, flag: 'lr', url: 'lr' }),
  minLrRatio: numberSetting({ label: 'Min learning rate (× peak)', help: 'Where the cosine decay ends, as a share of the learning rate (0.1: lr / 10; 1: constant).', default: 0.1, min: 0, max: 1 }),
  warmupSteps: numberSetting({ label: 'Warm-up steps', help: 'Steps to ramp the learning rate up from 0.', default: 50, min: 0, max: 1_000_000, integer: true }),
  weightDecay: numberSetting({ label: 'Weight decay', help: 'Pulls weight matrices toward 0 (AdamW).', default: 0.1, min: 0, max: 1 }),
  gradClip: numberSetting({ label: 'Gradient clipping', help: 'Caps the gradient norm; 0 turns it off.', default: 1, min: 0, max: 1000 }),
  accumulation: numberSetting({ label: 'Accumulation', help: 'Batches summed per update: a bigger batch in the same memory.', default: 1, min: 1, max: 64, integer: true }),
  evalEvery: numberSetting({ label: 'Validate every', help: 'Steps between validation, samples and autosave (0: at the end).', default: 100, min: 0, max: 1_000_000, integer: true }),
  valFraction: numberSetting({ label: 'Validation share', help: 'Share of rows held out to measure generalisation.', default: 0.05, min: 0, max: 0.5 }),
  seed: numberSetting({ label: 'Seed', help: 'Seeds the weights, the split, the batch order and the dropout: same seed, same run. A fine-tune keeps its checkpoint\'s split, so the rows it held out stay held out.', default: 1, ...INT32, integer: true, flag: 'seed' }),
  merges: numberSetting({
    label: 'BPE merges', help: 'Subword pieces learned from the rows (BPE only); the teaching set runs out of repeated pairs near 1,900, so 2,000 makes most words one token.',
    default: 2000, min: 0, max: 20_000, integer: true, flag: 'merges',
  }),
});

/** Marker dropout (the paper's dual dropout; its default is 50% / 50%), shared by the Data preview, training and export. */
export const DROPOUT = Object.freeze({
  datasetRate: numberSetting({ label: 'Dataset-level dropout (X)', help: 'Share of examples whose prompt loses every marker, so the model learns to infer them.', default: 0.5, min: 0, max: 1, flag: 'dataset-dropout', url: 'dd' }),
  sampleRate: numberSetting({ label: 'Sample-level dropout (Y)', help: 'Chance each remaining prompt marker is dropped; the paper uses 50% / 50%.', default: 0.5, min: 0, max: 1, flag: 'sample-dropout', url: 'sd' }),
});

const PRESET_NAMES = Object.keys(PRESETS) as PresetName[];

/** The settings picked from a few names. */
export const TRAINING_CHOICES = Object.freeze({
  preset: choiceSetting({ label: 'Preset', help: 'Model shape when training from scratch.', default: 'tiny' as PresetName, options: PRESET_NAMES, flag: 'preset', url: 'preset' }),
  lossOn: choiceSetting({ label: 'Loss on', help: 'Which tokens the model is graded on.', default: 'completion', options: ['completion', 'all'] as const }),
  blockOrder: choiceSetting({ label: 'Block order', help: 'Order of markers inside a block: shuffled teaches any order.', default: 'shuffled', options: ['shuffled', 'canonical'] as const, flag: 'block-order' }),
  // BPE by measurement: on the teaching set at equal training time, 99.7% of generated words were words
  // of the data against 23.6% for characters (README, "Tokenizer: characters or BPE").
  tokenizer: choiceSetting({
    label: 'Tokenizer', help: 'How text becomes tokens: BPE pieces learned from the rows (readable text in minutes), or one token per character.',
    default: 'bpe', options: ['bpe', 'char'] as const, flag: 'tokenizer',
  }),
});

export type TrainingNumbers = { -readonly [K in keyof typeof TRAINING]: number };

/** What a person sets for a run (dropout and marker categories live with the Data view's preview). */
export interface TrainingForm extends TrainingNumbers {
  preset: PresetName;
  lossOn: 'completion' | 'all';
  blockOrder: 'shuffled' | 'canonical';
  tokenizer: 'bpe' | 'char';
}

export const DEFAULT_TRAINING_FORM: Readonly<TrainingForm> = Object.freeze({
  ...defaultsOf(TRAINING),
  ...defaultsOf(TRAINING_CHOICES),
});

const choice = <T extends string>(options: readonly T[]) => z.enum(options as [T, ...T[]]);

/** The zod schema of a run's form: every number within its limits (messages: `settingMessage`). */
export const trainingFormSchema = z.object({
  ...(Object.fromEntries(Object.entries(TRAINING).map(([k, s]) => [k, numberSchema(s)])) as { [K in keyof typeof TRAINING]: z.ZodNumber }),
  preset: choice(TRAINING_CHOICES.preset.options),
  lossOn: choice(TRAINING_CHOICES.lossOn.options),
  blockOrder: choice(TRAINING_CHOICES.blockOrder.options),
  tokenizer: choice(TRAINING_CHOICES.tokenizer.options),
});

/**
 * The tokenizer a form asks for, as the session takes it.
 *
 * @example
 * tokenizerChoiceOf(DEFAULT_TRAINING_FORM); // { kind: 'bpe', merges: 2000 }
 */
export function tokenizerChoiceOf(s: { tokenizer: 'bpe' | 'char'; merges: number }): TokenizerChoice {
  return s.tokenizer === 'bpe' ? { kind: 'bpe', merges: s.merges } : { kind: 'char' };
}

/** The category a run's train/validation split is stratified by (the Train view's runs). */
export const RUN_STRATIFY_BY = 'lang';

/**
 * What a fresh tokenizer of a run depends on besides its rows: the choice, and the split whose
 * training rows it is learned on (valFraction, seed, stratifyBy, as splitForRun takes them).
 */
export interface TokenizerRequest {
  choice: TokenizerChoice;
  valFraction: number;
  seed: number;
  stratifyBy?: string | undefined;
}

/**
 * The tokenizer request of a form, or null while a setting it depends on is out of range.
 *
 * @example
 * tokenizerRequestOf(DEFAULT_TRAINING_FORM); // { choice: { kind: 'bpe', merges: 2000 }, valFraction: 0.05, seed: 1, stratifyBy: 'lang' }
 */
export function tokenizerRequestOf(form: Pick<TrainingForm, 'tokenizer' | 'merges' | 'valFraction' | 'seed'>): TokenizerRequest | null {
  const used: ('valFraction' | 'seed' | 'merges')[] = form.tokenizer === 'bpe' ? ['valFraction', 'seed', 'merges'] : ['valFraction', 'seed'];
  if (used.some((k) => settingProblem(TRAINING[k], form[k]) !== null)) return null;
  return { choice: tokenizerChoiceOf(form), valFraction: form.valFraction, seed: form.seed, stratifyBy: RUN_STRATIFY_BY };
}

/** The tokenizer of a run that does not choose one. */
export const DEFAULT_TOKENIZER: TokenizerChoice = tokenizerChoiceOf({ tokenizer: TRAINING_CHOICES.tokenizer.default, merges: TRAINING.merges.default });

/**
 * Field → what is wrong with it. Warm-up cannot outlast the run: every run, a fine-tune too, counts
 * its schedule from its own first step (see `scheduleStart` in model/session.ts).
 *
 * @example
 * trainingProblems({ ...DEFAULT_TRAINING_FORM, steps: 10 }).warmupSteps; // 'Warm-up cannot be longer than the run.'
 */
export function trainingProblems(form: TrainingNumbers): Partial<Record<keyof TrainingNumbers, string>> {
  const p: Partial<Record<keyof TrainingNumbers, string>> = {};
  for (const [key, s] of Object.entries(TRAINING) as [keyof TrainingNumbers, NumberSetting][]) {
    const problem = settingProblem(s, form[key]);
    if (problem !== null) p[key] = problem;
  }
  if (!p.warmupSteps && !p.steps && form.warmupSteps > form.steps) p.warmupSteps = 'Warm-up cannot be longer than the run.';
  return p;
}

/**
 * The floor of the cosine decay: `lr × minLrRatio` (see the rule at the top of this file).
 *
 * @example
 * minLrOf({ lr: 1e-3 }); // 1e-4 (the default ratio, 0.1)
 */
export function minLrOf(s: { lr: number; minLrRatio?: number }): number {
  return s.lr * (s.minLrRatio ?? TRAINING.minLrRatio.default);
}

/**
 * The schedule of a run whose length is chosen on the fly (`markerlab train --steps 40`, a sweep
 * cell): warm-up at most a tenth of the run, validation at least once, the default decay floor.
 *
 * @example
 * shortRunRecipe(40); // { warmupSteps: 4, evalEvery: 40 }
 * shortRunRecipe(5000); // { warmupSteps: 50, evalEvery: 100 }
 */
export function shortRunRecipe(steps: number): { warmupSteps: number; evalEvery: number } {
  return {
    warmupSteps: Math.min(TRAINING.warmupSteps.default, Math.floor(steps / 10)),
    evalEvery: Math.min(TRAINING.evalEvery.default, steps),
  };
}

/**
 * The five-minute fine-tune: what to set to see length control after fine-tuning the built-in base
 * model for about five minutes in a browser (WebAssembly, two cores). Measured on the teaching set,
 * fixed-mode samples in the requested length bucket (concise / medium / long): in Chromium this recipe
 * ends after 258 s at 98 / 87 / 90% (`cli/studies/browser-finetune.ts --quick`; 180 steps of 6 ended
 * after 262 s at 93 / 75 / 88%); in Node, 200 steps of
 * 8 × 256 with these two markers at 1e-2 reached 93 / 88 / 92%, against 43 / 43 / 47% with every marker
 * at the default 3e-3 and 83 / 47 / 93% with every marker at 1e-2 (README, "Fine-tuning in the
 * browser"). Fewer markers leave fewer things to learn at once; the higher rate lets the marker rows,
 * new to the base model, move within a few hundred steps.
 */
export const QUICK_FINETUNE = Object.freeze({
  startFrom: 'builtin:base',
  categories: Object.freeze(['lang', 'length_bucket']) as readonly string[],
  form: Object.freeze({ steps: 200, batchSize: 6, lr: 1e-2, warmupSteps: 20, evalEvery: 100 }) satisfies Partial<TrainingNumbers>,
});
