/**
 * The marker settings the Data view previews and the Train view trains with — dropout rates,
 * overrides and the categories the blocks carry — in one object, so what a student previews is
 * exactly what the run does.
 *
 * @example
 * const dropout = new DropoutSettings();        // the paper's 50% / 50%
 * dropout.datasetRate = 0.7;
 * dropout.overrides = { ...dropout.overrides, lang: 'never' };
 * dropout.config;                               // a DropoutConfig for previewDropout / the trainer
 */
import { DEFAULT_DROPOUT, type DropoutConfig, type DropoutOverride } from '../markers/dropout';

export class DropoutSettings {
  /** X: share of examples whose prompt loses every marker. */
  datasetRate = $state(DEFAULT_DROPOUT.datasetRate);
  /** Y: chance each remaining prompt marker is dropped. */
  sampleRate = $state(DEFAULT_DROPOUT.sampleRate);
  overrides = $state.raw<Record<string, DropoutOverride>>({});
  seed = $state(DEFAULT_DROPOUT.seed);
  /** Categories written into the blocks; null = every categorical one (the Train view sets this). */
  categories = $state.raw<string[] | null>(null);

  constructor(initial: Partial<Pick<DropoutConfig, 'datasetRate' | 'sampleRate' | 'seed'>> = {}) {
    if (initial.datasetRate !== undefined) this.datasetRate = initial.datasetRate;
    if (initial.sampleRate !== undefined) this.sampleRate = initial.sampleRate;
    if (initial.seed !== undefined) this.seed = initial.seed;
  }

  get config(): DropoutConfig {
    return { datasetRate: this.datasetRate, sampleRate: this.sampleRate, overrides: { ...this.overrides }, seed: this.seed };
  }
}
