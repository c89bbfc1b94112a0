/**
 * The Play view's controller: one player worker, the checkpoint (or the training run's latest
 * weights) it holds, the user's prompt / markers / sampling settings, and what the model answers:
 * the next-token distribution and, per unset marker category, its distribution over values —
 * refreshed live (debounced; a request superseded while it waits is never sent) — plus streaming
 * samples and their N-sample summary.
 *
 * @example
 * const play = new PlayState({ connect: newPlayer, checkpoints, initial: readUrlState(location.search) });
 * await play.start();              // loads the demo checkpoint; distributions follow every change
 * play.setMarker('lang', 'French'); // next-token and marker distributions refresh by themselves
 * await play.draw();               // N samples stream into play.samples; play.summary has the histograms
 */
import * as Comlink from 'comlink';
import type { DistributionRequest, ModelInfo, PlayerApi, SampleRequest } from '../../../workers/player.api';
import type { WeightsMessage } from '../../../workers/faults';
import type { ValueDistribution } from '../model/steer';
import { checkValue, type Markers } from '../markers/taxonomy';
import { tokensForChars } from '../tokenizer/tokenizer';
import { DEFAULT_CHECKPOINT, type CheckpointsState } from './checkpoints.svelte';
import { forcedPieces, liveSample, nextBars, playedSample, summarize, type LiveSample, type NextBar, type SampleSummary } from './play-summary';
import { DEFAULT_SAMPLING, PLAY_SAMPLES, STEER_MODE } from '../settings';
import { Latest } from './latest';
import { RefreshQueue } from './refresh-queue';
import { TokenStream } from './token-stream';
import type { UrlState } from './url';
import type { WorkerConnection } from './workers';
import { errorMessage } from '../util/errors';

export interface PlayOptions {
  connect: () => WorkerConnection<PlayerApi>;
  checkpoints: CheckpointsState;
  initial: Pick<UrlState, 'markers' | 'mode' | 'prompt' | 'temperature' | 'topK' | 'topP' | 'seed'>;
  /** Wait after the last change before asking the worker (ms). */
  debounceMs?: number;
}

/** Next tokens drawn as bars. */
export const NEXT_BARS = 10;
/** Max tokens per sample when the model does not say how long its long answers get. */
export const DEFAULT_MAX_TOKENS = DEFAULT_SAMPLING.maxTokens;
/** The checkpoint Play opens with. */
export { DEFAULT_CHECKPOINT } from './checkpoints.svelte';

export interface PlayDistributions {
  next: NextBar[];
  markers: ValueDistribution[];
}

type Request = Omit<DistributionRequest, 'topK'> & { version: number };

export class PlayState {
  markers = $state.raw<Record<string, string>>({});
  mode = $state<'inferred' | 'fixed'>(STEER_MODE.default);
  prompt = $state('');
  temperature = $state(DEFAULT_SAMPLING.temperature);
  topK = $state(DEFAULT_SAMPLING.topK);
  topP = $state(DEFAULT_SAMPLING.topP);
  seed = $state(DEFAULT_SAMPLING.seed);
  /** Follow the trainer: take its weights as they come (see setFollow). */
  follow = $state(false);

  checkpointId = $state(DEFAULT_CHECKPOINT);
  model = $state.raw<ModelInfo | null>(null);
  /** Where the loaded weights came from, in words ("Demo: marker-tuned", "training run"). */
  source = $state('');
  loading = $state(false);
  loadError = $state<string | null>(null);
  /** Markers from the link (or an earlier model) that the loaded model does not know. */
  markerNotes = $state.raw<string[]>([]);

  /** The raw answer; `distributions` attaches labels and top-k / top-p cuts. */
  raw = $state.raw<{ ids: Int32Array; probs: Float32Array; markers: ValueDistribution[] } | null>(null);
  /** True while the shown distributions are older than the settings (a request is waiting or running). */
  pending = $state(false);
  distError = $state<string | null>(null);

  sampleCount = $state(PLAY_SAMPLES.default);
  /** Token budget per sample; follows the model's length rule until the user sets it. */
  maxTokens = $state(DEFAULT_MAX_TOKENS);
  samples = $state.raw<LiveSample[]>([]);
  /** The markers the shown samples were drawn with (the summary judges against these). */
  sampledWith = $state.raw<Markers>({});
  sampling = $state(false);
  sampleError = $state<string | null>(null);

  readonly #connect: () => WorkerConnection<PlayerApi>;
  readonly #checkpoints: CheckpointsState;
  /** The live next-token and marker distributions (debounced, latest settings win). */
  readonly #refresh: RefreshQueue<Request, Awaited<ReturnType<PlayerApi['distributions']>>>;
  #conn: WorkerConnection<PlayerApi> | null = null;
  #version = $state(0);
  /** Checkpoint and weight loads: the latest one is shown. */
  readonly #loads = new Latest();
  #lastWeights: WeightsMessage | null = null;
  /** Draws: a stopped or superseded draw publishes nothing more. */
  readonly #draws = new Latest();
  #stopEffects: (() => void) | null = null;
  #maxTokensTouched = false;
  #deferredWeights: WeightsMessage | null = null;

  constructor(options: PlayOptions) {
    this.#connect = options.connect;
    this.#checkpoints = options.checkpoints;
    this.#refresh = new RefreshQueue({
      debounceMs: options.debounceMs ?? 150,
      send: ({ prompt, markers, mode, temperature }) => {
        const conn = this.#conn;
        return conn ? (async () => conn.api.distributions({ prompt, markers, mode, temperature, topK: NEXT_BARS }))() : null;
      },
      onAnswer: (answer) => {
        this.raw = { ids: answer.next.ids, probs: answer.next.probs, markers: answer.markers };
        this.distError = null;
      },
      onError: (err) => (this.distError = `Could not compute the distributions: ${errorMessage(err)}`),
      onPending: (pending) => (this.pending = pending),
    });
    const { markers, mode, prompt, temperature, topK, topP, seed } = options.initial;
    Object.assign(this, { markers: { ...markers }, mode, prompt, temperature, topK, topP, seed });
  }

  /** Labelled bars for the current answer, with what the sampling settings would cut. */
  get distributions(): PlayDistributions | null {
    const raw = this.raw, model = this.model;
    if (!raw || !model) return null;
    return { next: nextBars(raw.ids, raw.probs, model.tokenizer, { topK: this.topK, topP: this.topP }), markers: raw.markers };
  }

  /** The checkpoints to pick from (built-ins, then this browser's saved ones). */
  get checkpointEntries(): { id: string; name: string }[] {
    return this.#checkpoints.entries.map((e) => ({ id: e.id, name: e.name }));
  }

  get summary(): SampleSummary | null {
    if (this.sampling || this.samples.length === 0 || !this.samples.some((s) => s.measured)) return null;
    return summarize(this.samples, this.sampledWith, this.model?.lengthThresholds);
  }

  /** Start the worker, load the default checkpoint and keep the distributions in step with the settings. */
  async start(): Promise<void> {
    if (this.#stopEffects) return;
    this.#stopEffects = $effect.root(() => {
      $effect(() => {
        const request = this.#request();
        if (request) this.#refresh.schedule(request);
      });
    });
    await this.#open();
    await this.#loadCheckpoint(this.checkpointId);
  }

  /** End the worker and the live refresh. */
  dispose(): void {
    this.#stopEffects?.();
    this.#stopEffects = null;
    this.#refresh.dispose();
    this.#conn?.close();
    this.#conn = null;
  }

  /** Load another checkpoint (not during a draw: stop it first). */
  async selectCheckpoint(id: string): Promise<void> {
    if (this.sampling) return;
    this.checkpointId = id;
    this.follow = false;
    await this.#loadCheckpoint(id);
  }

  /** Follow the training run (weights arrive through loadWeights), or go back to the chosen checkpoint. */
  async setFollow(on: boolean): Promise<void> {
    this.follow = on;
    if (!on && this.#lastWeights) {
      this.#lastWeights = null;
      await this.#loadCheckpoint(this.checkpointId);
    }
  }

  /**
   * Weights from the trainer; taken only while following. During a draw they wait until it ends (the
   * worker would otherwise free the model the draw is using). A failure keeps the current model.
   */
  async loadWeights(message: WeightsMessage): Promise<void> {
    if (!this.follow || !this.#conn) return;
    if (this.sampling) {
      this.#deferredWeights = message;
      return;
    }
    const load = this.#loads.next();
    try {
      const info = await this.#conn.api.loadWeights(message);
      if (!load.current || !this.follow) return;
      this.#lastWeights = message;
      this.#setModel(info, `training run, step ${info.step}`);
    } catch (err) {
      if (load.current) this.loadError = `Could not take the training run's weights: ${errorMessage(err)}`;
    }
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

  /**
   * Why samples cannot meet the requested length bucket with the current budget (null when they can):
   * a long answer needs more than the medium cut, and tokens past the budget are never written.
   */
  get budgetWarning(): string | null {
    const t = this.model?.lengthThresholds, bucket = this.markers.length_bucket;
    if (!t || !bucket) return null;
    // Buckets are in characters; the budget is in model tokens (several characters each with BPE).
    const cpt = this.model?.charsPerToken ?? 1;
    const needed = tokensForChars(bucket === 'long' ? t.medium + 1 : bucket === 'medium' ? t.concise : 0, cpt);
    const range = bucket === 'long' ? `> ${t.medium}` : `${t.concise}–${t.medium}`;
    return this.maxTokens < needed
      ? `Max tokens (${this.maxTokens}) is below the ${bucket} bucket (${range} ${cpt === 1 ? 'tokens' : `characters, about ${needed} tokens`}): samples are cut before they get there.`
      : null;
  }

  newSeed(): void {
    this.seed = Math.floor(Math.random() * 2 ** 31);
  }

  /** Draw `sampleCount` samples for the current settings; tokens stream into `samples`. */
  async draw(): Promise<void> {
    const model = this.model, conn = this.#conn;
    if (!model || !conn || this.sampling) return;
    const draw = this.#draws.next();
    const markers = { ...this.markers };
    const n = this.sampleCount;
    const forced = forcedPieces(markers, this.mode, model.taxonomy);
    const forcedNames = forced.length > 0 ? Object.keys(markers) : [];
    const render = (ids: readonly number[][]) => ids.map((seq) => liveSample(seq, forced, forcedNames, model.tokenizer, model.taxonomy));
    // The samples so far, redrawn at most every 50 ms.
    const stream = new TokenStream(n, 50, (ids) => {
      if (draw.current && this.sampling) this.samples = render(ids);
    });
    const onToken = (sequence: number, id: number): void => {
      if (draw.current) stream.push(sequence, id);
    };
    const request: SampleRequest = {
      prompt: this.prompt, markers, mode: this.mode, n, maxTokens: this.maxTokens, temperature: this.temperature, seed: this.seed,
      ...(this.topK > 0 ? { topK: this.topK } : {}),
      ...(this.topP < 1 ? { topP: this.topP } : {}),
    };
    this.sampledWith = markers;
    this.samples = render(stream.ids);
    this.sampling = true;
    this.sampleError = null;
    try {
      const played = await conn.api.sample(request, Comlink.proxy(onToken));
      if (!draw.current) return;
      this.samples = played.map((s) => playedSample(s, forcedNames));
    } catch (err) {
      if (!draw.current) return;
      this.sampleError = `Sampling failed: ${errorMessage(err)}`;
      this.samples = render(stream.ids);
    } finally {
      stream.cancel();
      if (draw.current) {
        this.sampling = false;
        this.#takeDeferredWeights();
      }
    }
  }

  #takeDeferredWeights(): void {
    const message = this.#deferredWeights;
    this.#deferredWeights = null;
    if (message) void this.loadWeights(message);
  }

  /** Stop a draw: the worker is replaced (it cannot be interrupted mid-generation) and the model reloaded. */
  async stop(): Promise<void> {
    if (!this.sampling) return;
    this.#draws.cancel();
    this.sampling = false;
    this.samples = this.samples.filter((s) => s.text !== '' || Object.keys(s.markers).length > 0);
    this.#conn?.close();
    await this.#open();
    const weights = this.#deferredWeights ?? this.#lastWeights;
    this.#deferredWeights = null;
    if (weights && this.follow) await this.loadWeights(weights);
    else await this.#loadCheckpoint(this.checkpointId);
  }

  async #open(): Promise<void> {
    this.#refresh.reset();
    this.#conn = this.#connect();
    try {
      await this.#conn.api.init();
    } catch (err) {
      this.loadError = `The model worker could not start: ${errorMessage(err)}`;
    }
  }

  async #loadCheckpoint(id: string): Promise<void> {
    const conn = this.#conn;
    if (!conn) return;
    const load = this.#loads.next();
    const name = this.#checkpoints.entries.find((e) => e.id === id)?.name ?? id;
    this.loading = true;
    this.loadError = null;
    try {
      const bytes = await this.#checkpoints.bytes(id);
      if (!load.current) return;
      const info = await conn.api.load(Comlink.transfer(bytes, [bytes.buffer]));
      if (!load.current) return;
      this.#setModel(info, name);
    } catch (err) {
      const hint = this.#checkpoints.builtins.some((b) => b.id === id) && /HTTP 404/.test(errorMessage(err))
        ? ' — the built-in models are written by `npm run build:models`; pick another checkpoint or train one'
        : '';
      if (load.current) this.loadError = `Could not load “${name}”: ${errorMessage(err)}${hint}`;
    } finally {
      if (load.current) this.loading = false;
    }
  }

  #setModel(info: ModelInfo, source: string): void {
    this.loading = false;
    this.loadError = null;
    this.model = info;
    this.source = source;
    if (!this.#maxTokensTouched) this.maxTokens = roomyMaxTokens(info);
    // Keep only markers this model knows, and say which were left out.
    const kept: Markers = {}, notes: string[] = [];
    for (const [name, value] of Object.entries(this.markers)) {
      const category = info.taxonomy.categories.find((c) => c.name === name);
      const problem = category ? checkValue(category, value) : `this model has no <${name}> marker`;
      if (problem) notes.push(`Left out ${name}=${value}: ${problem}.`);
      else kept[name] = value;
    }
    if (notes.length > 0) this.markers = kept;
    this.markerNotes = notes;
    this.#version++;
  }

  /** The distribution request the settings describe (null until a model is loaded). Reads reactive state. */
  #request(): Request | null {
    const version = this.#version;
    if (!this.model) return null;
    return { prompt: this.prompt, markers: this.markers, mode: this.mode, temperature: this.temperature, version };
  }
}

/** Most tokens a sample may get. */
export const MAX_TOKENS_LIMIT = 2000;

/** Enough budget for the model's long bucket to show (half again its medium cut), within reason. */
export function roomyMaxTokens(info: ModelInfo): number {
  const t = info.lengthThresholds;
  return t ? Math.max(DEFAULT_MAX_TOKENS, Math.min(1000, tokensForChars(t.medium * 1.5, info.charsPerToken))) : DEFAULT_MAX_TOKENS;
}
