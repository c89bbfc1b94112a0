/**
 * The Train view's form: every setting of a run as the person sets it — the schema's numbers and
 * choices (`form`, defaults and limits in src/lib/settings/training.ts), where to start from, the
 * compute backend (remembered per preset on this device, BackendChoices), the marker categories (shared with the Data view's dropout preview) and the
 * prompt of the periodic samples — and what is wrong with them.
 *
 * @example
 * const form = new TrainForm(dropout, { preset: 'nano', steps: 200, batchSize: 16, lr: 3e-3 });
 * form.form.steps = 0;
 * form.problems.steps; // 'Steps must be a whole number from 1 to 1,000,000.'
 * form.settings;       // a plain RunSettings for the run and its active-run record
 */
import { DEFAULT_TRAINING_FORM, QUICK_FINETUNE, trainingProblems, type TrainingForm } from '../settings/training';
import type { BackendChoice } from './backend-choice';
import { BackendChoices } from './backend-choices.svelte';
import type { DropoutSettings } from './dropout.svelte';
import type { UrlState } from './url';

/** Start from random weights (the preset's shape) instead of a checkpoint. */
export const SCRATCH = 'scratch';

/** Everything a run is made of that a person sets (dropout comes from DropoutSettings). */
export interface RunSettings extends TrainingForm {
  /** Marker categories that go into the blocks; null = every categorical one. */
  categories: string[] | null;
  /** 'builtin:base', a stored checkpoint's id, or 'scratch'. */
  startFrom: string;
}

export class TrainForm {
  /** The run's numbers and choices as the form shows them. */
  form = $state<TrainingForm>({ ...DEFAULT_TRAINING_FORM });
  startFrom = $state('builtin:base');
  /** The prompt of the periodic samples. */
  samplePrompt = $state('Tell me about rain.');
  readonly dropout: DropoutSettings;
  readonly #choices: BackendChoices;

  /** `choices`: where the compute choice is remembered (default: for this page only). */
  constructor(dropout: DropoutSettings, initial: Pick<UrlState, 'preset' | 'steps' | 'batchSize' | 'lr'>, choices = new BackendChoices(null)) {
    this.dropout = dropout;
    this.#choices = choices;
    const { preset, steps, batchSize, lr } = initial;
    Object.assign(this.form, { preset, steps, batchSize, lr });
  }

  /**
   * Which compute backend the trainer worker uses (a new worker when it changes): the one chosen
   * for the form's preset, remembered on this device, so changing the preset shows that preset's.
   */
  get backendChoice(): BackendChoice {
    return this.#choices.get(this.form.preset);
  }
  set backendChoice(choice: BackendChoice) {
    this.#choices.set(this.form.preset, choice);
  }

  /** Shared with the Data view's dropout preview (DropoutSettings.categories). */
  get categories(): string[] | null {
    return this.dropout.categories;
  }
  set categories(value: string[] | null) {
    this.dropout.categories = value;
  }

  /** The settings as one plain record (what a run starts with and its active-run record keeps). */
  get settings(): RunSettings {
    return { ...$state.snapshot(this.form), categories: this.categories ? [...this.categories] : null, startFrom: this.startFrom };
  }

  /** Field → what is wrong with it, for the settings a run cannot start with (the schema's messages). */
  get problems(): Partial<Record<keyof RunSettings, string>> {
    const p: Partial<Record<keyof RunSettings, string>> = trainingProblems(this.form);
    if (this.categories !== null && this.categories.length === 0) p.categories = 'Choose at least one marker category.';
    return p;
  }

  /**
   * The five-minute fine-tune (settings/training.ts QUICK_FINETUNE): from the base model, the markers
   * lang and length_bucket (those the data carries), 200 steps of 8 at 1e-2. Every other setting stays.
   */
  useQuickFinetune(available: readonly string[]): void {
    Object.assign(this.form, QUICK_FINETUNE.form);
    this.startFrom = QUICK_FINETUNE.startFrom;
    const chosen = QUICK_FINETUNE.categories.filter((c) => available.includes(c));
    if (chosen.length > 0) this.categories = chosen;
  }

  /** Show a run's settings (e.g. the interrupted run being resumed). */
  apply(s: RunSettings): void {
    const { categories, startFrom, ...form } = s;
    this.form = form;
    this.categories = categories;
    this.startFrom = startFrom;
  }
}
