/**
 * The Experiments view's form: the sweep's model, training, dropout grid and measurement sizes as
 * a person types them (numbers and comma-separated lists), turned into a validated SweepSpec with
 * one message per bad field — the schema's words (src/lib/settings/sweep.ts) for numbers.
 *
 * @example
 * const form = new SweepFormState();
 * form.seeds = '1, 1';
 * form.specFromForm('teaching'); // null; form.fieldErrors.seeds === 'a seed is listed twice'
 */
import { DEFAULT_EVAL, PAPER_SWEEP, validateSweep, type SweepSpec } from '../experiment/sweep';
import type { PresetName } from '../model/config';
import { BROWSER_SWEEP, settingProblem, SWEEP, type NumberSetting } from '../settings';
import type { BackendChoice } from './backend-choice';
import { BackendChoices } from './backend-choices.svelte';
import { errorMessage } from '../util/errors';

/** The form's fields that can be wrong, each with its own message next to it. */
export type SweepField = 'steps' | 'batchSize' | 'lr' | 'datasetRates' | 'sampleRates' | 'seeds' | 'prompts' | 'n' | 'maxTokens' | 'accuracyRows';

export class SweepFormState {
  // The form's first values: a quick sweep (BROWSER_SWEEP), the rest as in the paper in small.
  preset = $state<PresetName>(BROWSER_SWEEP.preset);
  steps = $state(BROWSER_SWEEP.steps);
  batchSize = $state(SWEEP.batchSize.default);
  lr = $state(SWEEP.lr.default);
  datasetRates = $state(BROWSER_SWEEP.datasetRates.join(', '));
  sampleRates = $state(PAPER_SWEEP.sampleRates.join(', '));
  seeds = $state(BROWSER_SWEEP.seeds.join(', '));
  baseline = $state(PAPER_SWEEP.baseline);
  noDropout = $state(false);
  prompts = $state(BROWSER_SWEEP.prompts);
  n = $state(BROWSER_SWEEP.n);
  maxTokens = $state(DEFAULT_EVAL.maxTokens);
  accuracyRows = $state(BROWSER_SWEEP.accuracyRows);

  /** A problem with the grid as a whole (e.g. too many runs). */
  formError = $state<string | null>(null);
  fieldErrors = $state.raw<Partial<Record<SweepField, string>>>({});
  readonly #choices: BackendChoices;

  /** `choices`: where the compute choice is remembered (default: for this page only). */
  constructor(choices = new BackendChoices(null)) {
    this.#choices = choices;
  }

  /**
   * Which compute backend the experiment worker asks for ('auto': the fastest measured for training
   * this preset): the one chosen for the preset, remembered on this device (shared with Train).
   */
  get backendChoice(): BackendChoice {
    return this.#choices.get(this.preset);
  }
  set backendChoice(choice: BackendChoice) {
    this.#choices.set(this.preset, choice);
  }

  /** The form as a sweep spec; null (with fieldErrors / formError set) when something is wrong. */
  specFromForm(dataset: string): SweepSpec | null {
    const errors: Partial<Record<SweepField, string>> = {};
    const list = (field: SweepField, text: string, integer: boolean): number[] => {
      const parts = text.split(',').map((t) => t.trim()).filter((t) => t !== '');
      const values = parts.map(Number);
      if (parts.length === 0) errors[field] = 'give at least one value, e.g. 0, 0.5';
      else if (values.some((v) => !Number.isFinite(v) || (integer && !Number.isInteger(v)))) {
        errors[field] = `expected ${integer ? 'whole numbers' : 'numbers'} separated by commas, got "${text}"`;
      }
      return values;
    };
    const check = (field: SweepField, v: unknown, setting: NumberSetting): number => {
      const problem = settingProblem(setting, v);
      if (problem !== null) errors[field] = problem;
      return v as number;
    };
    const spec: SweepSpec = {
      dataset, preset: this.preset,
      steps: check('steps', this.steps, SWEEP.steps),
      batchSize: check('batchSize', this.batchSize, SWEEP.batchSize),
      lr: check('lr', this.lr, SWEEP.lr),
      datasetRates: list('datasetRates', this.datasetRates, false),
      sampleRates: list('sampleRates', this.sampleRates, false),
      seeds: list('seeds', this.seeds, true), baseline: this.baseline, noDropout: this.noDropout, equalExamples: PAPER_SWEEP.equalExamples,
      eval: {
        ...DEFAULT_EVAL,
        prompts: check('prompts', this.prompts, SWEEP.prompts), n: check('n', this.n, SWEEP.n),
        maxTokens: check('maxTokens', this.maxTokens, SWEEP.maxTokens), accuracyRows: check('accuracyRows', this.accuracyRows, SWEEP.accuracyRows),
      },
    };
    // Rates out of [0, 1] and repeated values, in validateSweep's words, next to their field.
    const rates = (field: SweepField, values: number[]) => {
      if (errors[field]) return;
      const bad = values.find((r) => !(r >= 0 && r <= 1));
      if (bad !== undefined) errors[field] = `every rate must be in [0, 1], got ${bad}`;
      else if (new Set(values).size !== values.length) errors[field] = 'a value is listed twice';
    };
    rates('datasetRates', spec.datasetRates);
    rates('sampleRates', spec.sampleRates);
    if (!errors.seeds && new Set(spec.seeds).size !== spec.seeds.length) errors.seeds = 'a seed is listed twice';
    this.fieldErrors = errors;
    this.formError = null;
    if (Object.keys(errors).length > 0) return null;
    try {
      return validateSweep(spec);
    } catch (err) {
      this.formError = errorMessage(err);
      return null;
    }
  }

  /** Show a sweep's settings in the form (a stored sweep, the paper in small). */
  fillForm(spec: SweepSpec): void {
    this.preset = spec.preset;
    this.steps = spec.steps;
    this.batchSize = spec.batchSize;
    this.lr = spec.lr;
    this.datasetRates = spec.datasetRates.join(', ');
    this.sampleRates = spec.sampleRates.join(', ');
    this.seeds = spec.seeds.join(', ');
    this.baseline = spec.baseline;
    this.noDropout = spec.noDropout ?? false;
    this.prompts = spec.eval.prompts;
    this.n = spec.eval.n;
    this.maxTokens = spec.eval.maxTokens;
    this.accuracyRows = spec.eval.accuracyRows;
  }
}
