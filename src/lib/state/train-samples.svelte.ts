/**
 * The samples a training run draws after each validation: two short generations from the weights
 * being trained, newest round first, the last six kept. Drawn between steps (the progress callback
 * awaits them), so generation never interleaves with a training step.
 *
 * @example
 * const samples = new TrainSamples((req) => trainer.sample(req), (message) => (state.error = message));
 * await samples.draw(40, 'Tell me about rain.', 64); // samples.rounds[0] = { step: 40, samples: [{ completion, markers, finished }, …] }
 * samples.clear();                                   // a new run
 */
import type { TrainSample, TrainSampleRequest } from '../../../workers/trainer.api';
import { errorMessage } from '../util/errors';

export interface SampleRound {
  step: number;
  samples: TrainSample[];
}

/** Rounds kept (newest first). */
export const SAMPLE_ROUNDS = 6;

export class TrainSamples {
  rounds = $state.raw<SampleRound[]>([]);

  readonly #sample: (request: TrainSampleRequest) => Promise<TrainSample[]>;
  readonly #onError: (message: string) => void;

  constructor(sample: (request: TrainSampleRequest) => Promise<TrainSample[]>, onError: (message: string) => void) {
    this.#sample = sample;
    this.#onError = onError;
  }

  /** Draw a round at `step` (its seed), at most 80 tokens and never past the model's context. A failure is reported, not thrown. */
  async draw(step: number, prompt: string, blockSize: number): Promise<void> {
    try {
      const samples = await this.#sample({ prompt, markers: {}, n: 2, maxTokens: Math.min(80, blockSize), temperature: 0.8, seed: step });
      this.rounds = [{ step, samples }, ...this.rounds].slice(0, SAMPLE_ROUNDS);
    } catch (err) {
      this.#onError(`Could not draw samples: ${errorMessage(err)}`);
    }
  }

  clear(): void {
    this.rounds = [];
  }
}
