/**
 * Play's one-pass answers, kept in step with the prompt, markers, mode and temperature: per unset
 * marker category its distribution over values and the next token (published at once), then what the
 * model writes after its own block. Changes wait out a debounce and run one at a time (RefreshQueue:
 * a superseded change is never sent). `raw` holds the worker's answer; `distributionsFor` and
 * `continuationFor` label it and mark what the top-k / top-p cuts would drop. `timings` says how long
 * each part took to show.
 *
 * @example
 * const answers = new LiveDistributions(() => model.api, 40);
 * answers.schedule({ prompt: 'Hi', markers: {}, mode: 'inferred', temperature: 0.8, version: 1 });
 * // ~40 ms later: answers.raw, then answers.continuationRaw; answers.pending is false once both are in
 * answers.distributionsFor(model.info, { topK: 40, topP: 0.95 })?.next; // [{ id: 82, label: 'R', p: 0.31, kept: true }, …]
 */
import type { Continuation, DistributionRequest, ModelInfo, PlayerApi } from '../../../workers/player.api';
import type { ValueDistribution } from '../model/steer';
import { nextBars, type NextBar } from './play-summary';
import { RefreshQueue } from './refresh-queue';
import { errorMessage } from '../util/errors';

/** Next tokens drawn as bars. */
export const NEXT_BARS = 10;
/** Text tokens of the model's own answer shown after its block. */
export const LEAD_TOKENS = 6;

/** What the answers depend on; `version` is the model's (a new model asks again). */
export type AnswerRequest = Omit<DistributionRequest, 'topK'> & { version: number };

export interface PlayDistributions {
  next: NextBar[];
  markers: ValueDistribution[];
}

/** What the model writes after its own block: its block, the first words, the first token's bars. */
export interface PlayContinuation {
  block: Continuation['block'];
  text: string;
  next: NextBar[];
}

/** How long the live views took, in ms (shown under the charts; the e2e records them). */
export interface PlayTimings {
  /** From the page's start to the first distributions drawn. */
  firstDistributionsMs: number | null;
  /** From the last change to its marker-value distributions. */
  markersMs: number | null;
  /** From the last change to the model's own block and first words. */
  continuationMs: number | null;
}

/** The sampling cuts the bars show (topK 0: none; topP 1: none). */
export interface BarCuts {
  topK: number;
  topP: number;
}

export class LiveDistributions {
  /** The raw answer; `distributionsFor` attaches labels and top-k / top-p cuts. */
  raw = $state.raw<{ ids: Int32Array; probs: Float32Array; markers: ValueDistribution[] } | null>(null);
  continuationRaw = $state.raw<Continuation | null>(null);
  /** True while the shown answers are older than the settings (a request is waiting or running). */
  pending = $state(false);
  error = $state<string | null>(null);
  timings = $state.raw<PlayTimings>({ firstDistributionsMs: null, markersMs: null, continuationMs: null });

  readonly #refresh: RefreshQueue<AnswerRequest, { markers: ValueDistribution[]; continuation: Continuation }>;
  #changedAt = 0;

  constructor(api: () => PlayerApi | null, debounceMs: number) {
    this.#refresh = new RefreshQueue({
      debounceMs,
      send: (request) => {
        const player = api();
        return player ? this.#ask(player, request) : null;
      },
      onAnswer: (answer) => {
        this.continuationRaw = answer.continuation;
        this.timings = { ...this.timings, continuationMs: performance.now() - this.#changedAt };
      },
      onError: (err) => (this.error = `Could not compute the distributions: ${errorMessage(err)}`),
      onPending: (pending) => (this.pending = pending),
    });
  }

  /** The settings changed: ask again after the debounce. */
  schedule(request: AnswerRequest): void {
    this.#changedAt = performance.now();
    this.#refresh.schedule(request);
  }

  dispose(): void {
    this.#refresh.dispose();
  }

  /**
   * A new worker (the last one's GPU device was lost): ignore any answer or error of a request in
   * flight on the old one, which may never come, so the next change is sent at once.
   */
  reset(): void {
    this.#refresh.reset();
    this.error = null;
  }

  /** Labelled bars for the current answer, with what the sampling settings would cut. */
  distributionsFor(model: ModelInfo | null, cuts: BarCuts): PlayDistributions | null {
    const raw = this.raw;
    if (!raw || !model) return null;
    return { next: nextBars(raw.ids, raw.probs, model.tokenizer, cuts), markers: raw.markers };
  }

  /** What the model writes after its own block (null until the first answer). */
  continuationFor(model: ModelInfo | null, cuts: BarCuts): PlayContinuation | null {
    const c = this.continuationRaw;
    if (!c || !model) return null;
    return { block: c.block, text: c.text, next: nextBars(c.next.ids, c.next.probs, model.tokenizer, cuts) };
  }

  /** Distributions (one pass, published at once), then the model's own block and first words. */
  async #ask(api: PlayerApi, request: AnswerRequest): Promise<{ markers: ValueDistribution[]; continuation: Continuation }> {
    const { prompt, markers, mode, temperature } = request;
    const d = await api.distributions({ prompt, markers, mode, temperature, topK: NEXT_BARS });
    this.raw = { ids: d.next.ids, probs: d.next.probs, markers: d.markers };
    this.error = null;
    const now = performance.now();
    this.timings = { ...this.timings, markersMs: now - this.#changedAt, firstDistributionsMs: this.timings.firstDistributionsMs ?? now };
    const continuation = await api.continuation({ prompt, markers, mode, temperature, topK: NEXT_BARS, textTokens: LEAD_TOKENS });
    return { markers: d.markers, continuation };
  }
}
