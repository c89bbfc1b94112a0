/**
 * The Play view's controller: the user's prompt / markers / sampling settings and what the model
 * answers, live on every change (debounced; superseded work is never sent or is cancelled in place):
 * first, per unset marker category, its distribution over values and the next token (one forward
 * pass); then what the model writes after its own block; then a batch of N short samples whose
 * histograms fill in as they finish. After a lost GPU device the model is loaded again on the next
 * backend and all of it comes back by itself (`notice` says so). The model and its worker live in
 * PlayModel, the one-pass answers in LiveDistributions, the batches in LiveSamples; this class holds
 * the settings and schedules both kinds of request on every change.
 *
 * @example
 * const play = new PlayState({ connect: newPlayer, backendPlan, checkpoints, initial: readUrlState(location.search) });
 * await play.start();              // loads the demo checkpoint; distributions follow every change
 * play.setMarker('lang', 'French'); // next-token and marker distributions refresh by themselves
 * // …and N samples stream into play.samples; play.summary fills in; play.stop() cancels in place
 */
import type { ModelInfo, PlayerApi, SampleRequest } from '../../../workers/player.api';
import type { WeightsMessage } from '../../../workers/faults';
import { checkValue, type Markers } from '../markers/taxonomy';
import { trainedLanguages } from '../model/checkpoint-record';
import { budgetWarning, roomyMaxTokens } from './length-budget';
import type { CheckpointsState } from './checkpoints.svelte';
import { DEFAULT_SAMPLING, PLAY_MAX_TOKENS, PLAY_SAMPLES, STEER_MODE } from '../settings';
import { LiveDistributions, type AnswerRequest, type PlayContinuation, type PlayDistributions, type PlayTimings } from './live-distributions.svelte';
import { LiveSamples } from './live-samples.svelte';
import { PlayModel } from './play-model.svelte';
import { markersForModel } from './model-markers';
import type { UrlState } from './url';
import type { WorkerConnection } from './workers';
import type { BackendPlan } from './backend-worker';
import type { GPTConfig } from '../model/config';

export interface PlayOptions {
  connect: () => WorkerConnection<PlayerApi>;
  /** How the player's 'auto' backend is chosen for a model shape (BackendStatus.playPlan); none: the fixed order. */
  backendPlan?: BackendPlan;
  /** The shape of the checkpoint Play opens with (PlayModelOptions.firstShape). */
  firstShape?: GPTConfig;
  checkpoints: CheckpointsState;
  initial: Pick<UrlState, 'markers' | 'mode' | 'prompt' | 'temperature' | 'topK' | 'topP' | 'seed'>;
  /** Wait after the last change before asking the worker (ms). */
  debounceMs?: number;
  /** Draw a batch of samples on every change (default true; the user can turn it off). */
  live?: boolean;
}

/** Max tokens per sample when the model does not say how long its long answers get (short: a live batch is cheap). */
export const DEFAULT_MAX_TOKENS = PLAY_MAX_TOKENS.default;
/** The checkpoint Play opens with. */
export { DEFAULT_CHECKPOINT } from './checkpoints.svelte';
/** Most tokens a sample may get. */
export const MAX_TOKENS_LIMIT = PLAY_MAX_TOKENS.max;
export {
  LEAD_TOKENS, NEXT_BARS, type PlayContinuation, type PlayDistributions, type PlayTimings,
} from './live-distributions.svelte';

export class PlayState {
  markers = $state.raw<Record<string, string>>({});
  mode = $state<'inferred' | 'fixed'>(STEER_MODE.default);
  prompt = $state('');
  temperature = $state(DEFAULT_SAMPLING.temperature);
  topK = $state(DEFAULT_SAMPLING.topK);
  topP = $state(DEFAULT_SAMPLING.topP);
  seed = $state(DEFAULT_SAMPLING.seed);
  /** Markers from the link (or an earlier model) that the loaded model does not know. */
  markerNotes = $state.raw<string[]>([]);

  /** Draw a batch of samples on every change. */
  live = $state(true);
  sampleCount = $state(PLAY_SAMPLES.default);
  /** Token budget per sample; follows the model's length rule until the user sets it. */
  maxTokens = $state(DEFAULT_MAX_TOKENS);

  readonly #model: PlayModel;
  readonly #samples: LiveSamples;
  readonly #answers: LiveDistributions;
  readonly #checkpoints: CheckpointsState;
  readonly #debounceMs: number;
  #drawTimer: ReturnType<typeof setTimeout> | undefined;
  #stopEffects: (() => void) | null = null;
  #maxTokensTouched = false;

  constructor(options: PlayOptions) {
    this.#samples = new LiveSamples(() => this.#model.api);
    this.#model = new PlayModel({
      connect: options.connect, ...(options.backendPlan ? { backendPlan: options.backendPlan } : {}), checkpoints: options.checkpoints,
      ...(options.firstShape ? { firstShape: options.firstShape } : {}),
      quiesce: () => this.#samples.stop(),
      abandon: () => {
        clearTimeout(this.#drawTimer);
        this.#samples.abandon();
        this.#answers.reset();
      },
      onModel: (info) => this.#onModel(info),
    });
    this.#checkpoints = options.checkpoints;
    this.#debounceMs = options.debounceMs ?? 40;
    this.live = options.live ?? true;
    this.#answers = new LiveDistributions(() => this.#model.api, this.#debounceMs);
    const { markers, mode, prompt, temperature, topK, topP, seed } = options.initial;
    Object.assign(this, { markers: { ...markers }, mode, prompt, temperature, topK, topP, seed });
  }

  // The model (PlayModel) as the view reads it.
  get model(): ModelInfo | null { return this.#model.info; }
  get source(): string { return this.#model.source; }
  get loading(): boolean { return this.#model.loading; }
  get loadError(): string | null { return this.#model.loadError; }
  /** After a lost GPU device: what happened and that Play loaded the model again, in words (null: no loss). */
  get notice(): string | null { return this.#model.notice; }
  get checkpointId(): string { return this.#model.checkpointId; }
  get follow(): boolean { return this.#model.follow; }
  /** The model's training languages: samples' languages are identified among them (undefined: the open 23-language set). */
  get languages(): string[] | undefined { return trainedLanguages(this.#model.info?.values); }
  // The batches (LiveSamples) as the view reads them.
  get samples() { return this.#samples.samples; }
  get sampledWith(): Markers { return this.#samples.sampledWith; }
  get sampling(): boolean { return this.#samples.sampling; }
  get sampleError(): string | null { return this.#samples.error; }
  get summary() { return this.#samples.summary; }
  get previous() { return this.#samples.previous; }
  get drawTimes() { return this.#samples.times; }
  // The one-pass answers (LiveDistributions) as the view reads them.
  /** True while the shown distributions are older than the settings (a request is waiting or running). */
  get pending(): boolean { return this.#answers.pending; }
  get distError(): string | null { return this.#answers.error; }
  get timings(): PlayTimings { return this.#answers.timings; }
  /** Labelled bars for the current answer, with what the sampling settings would cut. */
  get distributions(): PlayDistributions | null { return this.#answers.distributionsFor(this.model, { topK: this.topK, topP: this.topP }); }
  /** What the model writes after its own block (null until the first answer). */
  get continuation(): PlayContinuation | null { return this.#answers.continuationFor(this.model, { topK: this.topK, topP: this.topP }); }

  /** The checkpoints to pick from (built-ins, then this browser's saved ones). */
  get checkpointEntries(): { id: string; name: string }[] {
    return this.#checkpoints.entries.map((e) => ({ id: e.id, name: e.name }));
  }

  /** Start the worker, load the default checkpoint and keep every live view in step with the settings. */
  async start(): Promise<void> {
    if (this.#stopEffects) return;
    this.#stopEffects = $effect.root(() => {
      $effect(() => {
        const request = this.#request();
        if (request) this.#answers.schedule(request);
      });
      $effect(() => {
        const request = this.#sampleRequest();
        const model = this.model;
        clearTimeout(this.#drawTimer);
        if (!request || !model || !this.live) return;
        // After the distributions' debounce, so the worker answers the one-pass distributions first.
        this.#drawTimer = setTimeout(() => void this.#samples.draw(request, model), this.#debounceMs + 1);
      });
    });
    await this.#model.start();
  }

  /** End the worker and the live refresh. */
  dispose(): void {
    this.#stopEffects?.();
    this.#stopEffects = null;
    clearTimeout(this.#drawTimer);
    this.#answers.dispose();
    this.#model.dispose();
  }

  selectCheckpoint(id: string): Promise<void> {
    return this.#model.selectCheckpoint(id);
  }

  /** Follow the training run (weights arrive through loadWeights), or go back to the chosen checkpoint. */
  setFollow(on: boolean): Promise<void> {
    return this.#model.setFollow(on);
  }

  /** Weights from the trainer, taken while following: a running draw is cancelled in place first. */
  loadWeights(message: WeightsMessage): Promise<void> {
    return this.#model.loadWeights(message);
  }

  /** Set a marker (null: unset, the model infers it). Returns the reason when the value does not fit. */
  setMarker(name: string, value: string | null): string | null {
    const next = { ...this.markers };
    if (value === null || value.trim() === '') delete next[name];
    else {
      const category = this.model?.taxonomy.categories.find((c) => c.name === name);
      if (!category) return `this model has no <${name}> marker`;
      const problem = checkValue(category, value.trim());
      if (problem) return problem;
      next[name] = value.trim();
    }
    this.markers = next;
    return null;
  }

  clearMarkers(): void {
    this.markers = {};
  }

  setMaxTokens(value: number): void {
    if (!Number.isInteger(value) || value < 1) return;
    this.#maxTokensTouched = true;
    this.maxTokens = Math.min(value, MAX_TOKENS_LIMIT);
  }

  /** Why samples cannot meet the requested length bucket with the current budget (null when they can). */
  get budgetWarning(): string | null {
    const model = this.model;
    return model ? budgetWarning(model.lengthThresholds, model.charsPerToken, this.markers.length_bucket, this.maxTokens) : null;
  }

  newSeed(): void {
    this.seed = Math.floor(Math.random() * 2 ** 31);
  }

  /** Draw `sampleCount` samples for the current settings now (cancelling a running batch). */
  async draw(): Promise<void> {
    const request = this.#sampleRequest(), model = this.model;
    if (request && model) await this.#samples.draw(request, model);
  }

  /** Cancel the running batch in place (the worker stops at its next token); what was written stays. */
  stop(): Promise<void> {
    clearTimeout(this.#drawTimer);
    return this.#samples.stop();
  }

  #onModel(info: ModelInfo): void {
    if (!this.#maxTokensTouched) this.maxTokens = roomyMaxTokens(info.lengthThresholds, info.charsPerToken, DEFAULT_MAX_TOKENS);
    // The rule Compare follows too (model-markers.ts): what the model cannot take is left out, a value
    // it never learned is kept; either is said.
    const { kept, notes } = markersForModel(this.markers, { taxonomy: info.taxonomy, trained: info.categories, ...(info.values ? { values: info.values } : {}) });
    if (notes.length > 0) this.markers = kept;
    this.markerNotes = notes;
  }

  /** The distribution request the settings describe (null until a model is loaded). Reads reactive state. */
  #request(): AnswerRequest | null {
    const version = this.#model.version;
    if (!this.model) return null;
    return { prompt: this.prompt, markers: this.markers, mode: this.mode, temperature: this.temperature, version };
  }

  /** The sample request the settings describe (null until a model is loaded). Reads reactive state. */
  #sampleRequest(): SampleRequest | null {
    void this.#model.version;
    if (!this.model) return null;
    return {
      prompt: this.prompt, markers: { ...this.markers }, mode: this.mode, n: this.sampleCount, maxTokens: this.maxTokens,
      temperature: this.temperature, seed: this.seed,
      ...(this.topK > 0 ? { topK: this.topK } : {}),
      ...(this.topP < 1 ? { topP: this.topP } : {}),
    };
  }
}
