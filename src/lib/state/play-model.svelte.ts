/**
 * The model Play steers: one player worker (a PlayerClient of its own, not Compare's:
 * player-client.ts says why), the checkpoint (or the training run's latest weights) it holds, and
 * its loading state. Before any load it asks its owner to quiesce (cancel the draw that
 * uses the current model, in place); `version` bumps on every new model so views refresh.
 * `markersForModel` says which of the person's markers a newly loaded model can take.
 *
 * @example
 * const model = new PlayModel({ connect: newPlayer, backendPlan, checkpoints, quiesce: () => samples.stop(), onModel });
 * await model.start();            // worker up, demo checkpoint loaded: model.info, model.version
 * await model.selectCheckpoint('models/base.safetensors');
 */
import type { ModelInfo, PlayerApi } from '../../../workers/player.api';
import { checkValue, type Markers } from '../markers/taxonomy';
import type { WeightsMessage } from '../../../workers/faults';
import { DEFAULT_CHECKPOINT, type CheckpointsState } from './checkpoints.svelte';
import type { BackendPlan } from './backend-worker';
import { Latest } from './latest';
import { PlayerClient } from './player-client';
import type { WorkerConnection } from './workers';
import { errorMessage } from '../util/errors';

export interface PlayModelOptions {
  connect: () => WorkerConnection<PlayerApi>;
  /** How the player's 'auto' backend is chosen (BackendStatus.planFor); none: the fixed order. */
  backendPlan?: BackendPlan;
  checkpoints: CheckpointsState;
  /** Stop whatever uses the current model (a draw) and resolve once it has let go. */
  quiesce: () => Promise<void>;
  /** A model arrived (checkpoint or weights); runs before `version` bumps. */
  onModel: (info: ModelInfo) => void;
}

export class PlayModel {
  checkpointId = $state(DEFAULT_CHECKPOINT);
  /** Follow the trainer: take its weights as they come (see setFollow). */
  follow = $state(false);
  info = $state.raw<ModelInfo | null>(null);
  /** Where the loaded weights came from, in words ("Demo: marker-tuned", "training run, step 40"). */
  source = $state('');
  loading = $state(false);
  loadError = $state<string | null>(null);
  /** Bumped on every model change (the live views refresh on it). */
  version = $state(0);

  readonly #o: PlayModelOptions;
  readonly #player: PlayerClient;
  #started = false;
  /** Checkpoint and weight loads: the latest one is shown. */
  readonly #loads = new Latest();
  #lastWeights: WeightsMessage | null = null;

  constructor(options: PlayModelOptions) {
    this.#o = options;
    this.#player = new PlayerClient(options.connect, options.backendPlan);
  }

  /** The worker's API (null until it has started, and after dispose). */
  get api(): PlayerApi | null {
    return this.#player.api;
  }

  /** Start the worker and load the chosen checkpoint. */
  async start(): Promise<void> {
    if (this.#started) return;
    this.#started = true;
    this.loading = true;
    try {
      await this.#player.ready();
    } catch (err) {
      this.loadError = `The model worker could not start: ${errorMessage(err)}`;
      this.loading = false;
      return;
    }
    await this.#loadCheckpoint(this.checkpointId);
  }

  dispose(): void {
    this.#loads.cancel();
    this.#started = false;
    this.#player.close();
  }

  async selectCheckpoint(id: string): Promise<void> {
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

  /** Weights from the trainer; taken only while following. A failure keeps the current model. */
  async loadWeights(message: WeightsMessage): Promise<void> {
    if (!this.follow || !this.#started) return;
    const load = this.#loads.next();
    try {
      await this.#o.quiesce();
      if (!load.current) return;
      const info = await this.#player.loadWeights(message);
      if (!load.current || !this.follow) return;
      this.#lastWeights = message;
      this.#set(info, `training run, step ${info.step}`);
    } catch (err) {
      if (load.current) this.loadError = `Could not take the training run's weights: ${errorMessage(err)}`;
    }
  }

  async #loadCheckpoint(id: string): Promise<void> {
    if (!this.#started) return;
    const load = this.#loads.next();
    const name = this.#o.checkpoints.entries.find((e) => e.id === id)?.name ?? id;
    this.loading = true;
    this.loadError = null;
    try {
      const bytes = await this.#o.checkpoints.bytes(id);
      if (!load.current) return;
      await this.#o.quiesce();
      const info = await this.#player.load(id, bytes);
      if (!load.current) return;
      this.#set(info, name);
    } catch (err) {
      const hint = this.#o.checkpoints.builtins.some((b) => b.id === id) && /HTTP 404/.test(errorMessage(err))
        ? ' — the built-in models are written by `npm run build:models`; pick another checkpoint or train one'
        : '';
      if (load.current) this.loadError = `Could not load “${name}”: ${errorMessage(err)}${hint}`;
    } finally {
      if (load.current) this.loading = false;
    }
  }

  #set(info: ModelInfo, source: string): void {
    this.loading = false;
    this.loadError = null;
    this.info = info;
    this.source = source;
    this.#o.onModel(info);
    this.version++;
  }
}

/**
 * The markers (from the link, or set for an earlier model) a newly loaded model can take, and what to
 * say about the rest: a category or value the model does not know is left out; a value its training
 * rows never had is kept (the link asked for it) but said, since the controls do not offer it.
 *
 * @example
 * markersForModel({ lang: 'French', tone: 'dry' }, info);
 * // { kept: { lang: 'French' }, notes: ['Left out tone=dry: this model has no <tone> marker.'] }
 */
export function markersForModel(markers: Markers, info: Pick<ModelInfo, 'taxonomy' | 'values'>): { kept: Markers; notes: string[] } {
  const kept: Markers = {}, notes: string[] = [];
  for (const [name, value] of Object.entries(markers)) {
    const category = info.taxonomy.categories.find((c) => c.name === name);
    const problem = category ? checkValue(category, value) : `this model has no <${name}> marker`;
    if (problem) notes.push(`Left out ${name}=${value}: ${problem}.`);
    else kept[name] = value;
    const seen = info.values?.[name];
    if (!problem && seen && !((seen[value] ?? 0) > 0)) notes.push(`Kept ${name}=${value}, though no training row had it: the model never learned it.`);
  }
  return { kept, notes };
}
