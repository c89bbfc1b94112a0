/**
 * The model Play steers: one player worker, the checkpoint (or the training run's latest weights) it
 * holds, and its loading state. Before any load it asks its owner to quiesce (cancel the draw that
 * uses the current model, in place); `version` bumps on every new model so views refresh.
 * `markersForModel` says which of the person's markers a newly loaded model can take.
 *
 * @example
 * const model = new PlayModel({ connect: newPlayer, checkpoints, quiesce: () => samples.stop() });
 * await model.start();            // worker up, demo checkpoint loaded: model.info, model.version
 * await model.selectCheckpoint('models/base.safetensors');
 */
import * as Comlink from 'comlink';
import type { ModelInfo, PlayerApi } from '../../../workers/player.api';
import { checkValue, type Markers } from '../markers/taxonomy';
import type { WeightsMessage } from '../../../workers/faults';
import { DEFAULT_CHECKPOINT, type CheckpointsState } from './checkpoints.svelte';
import { Latest } from './latest';
import type { WorkerConnection } from './workers';
import { errorMessage } from '../util/errors';

export interface PlayModelOptions {
  connect: () => WorkerConnection<PlayerApi>;
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
  #conn: WorkerConnection<PlayerApi> | null = null;
  /** Checkpoint and weight loads: the latest one is shown. */
  readonly #loads = new Latest();
  #lastWeights: WeightsMessage | null = null;

  constructor(options: PlayModelOptions) {
    this.#o = options;
  }

  /** The worker's API (null before start or after dispose). */
  get api(): PlayerApi | null {
    return (this.#conn?.api as PlayerApi | undefined) ?? null;
  }

  /** Start the worker and load the chosen checkpoint. */
  async start(): Promise<void> {
    if (this.#conn) return;
    this.loading = true;
    this.#conn = this.#o.connect();
    try {
      await this.#conn.api.init();
    } catch (err) {
      this.loadError = `The model worker could not start: ${errorMessage(err)}`;
    }
    await this.#loadCheckpoint(this.checkpointId);
  }

  dispose(): void {
    this.#loads.cancel();
    this.#conn?.close();
    this.#conn = null;
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
    const conn = this.#conn;
    if (!this.follow || !conn) return;
    const load = this.#loads.next();
    try {
      await this.#o.quiesce();
      if (!load.current) return;
      const info = await conn.api.loadWeights(message);
      if (!load.current || !this.follow) return;
      this.#lastWeights = message;
      this.#set(info, `training run, step ${info.step}`);
    } catch (err) {
      if (load.current) this.loadError = `Could not take the training run's weights: ${errorMessage(err)}`;
    }
  }

  async #loadCheckpoint(id: string): Promise<void> {
    const conn = this.#conn;
    if (!conn) return;
    const load = this.#loads.next();
    const name = this.#o.checkpoints.entries.find((e) => e.id === id)?.name ?? id;
    this.loading = true;
    this.loadError = null;
    try {
      const bytes = await this.#o.checkpoints.bytes(id);
      if (!load.current) return;
      await this.#o.quiesce();
      const info = await conn.api.load(Comlink.transfer(bytes, [bytes.buffer]));
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
