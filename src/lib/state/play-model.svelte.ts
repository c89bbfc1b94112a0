/**
 * The model Play steers: one player worker (a PlayerClient of its own, not Compare's:
 * player-client.ts says why), the checkpoint (or the training run's latest weights) it holds, and
 * its loading state. Before any load it asks its owner to quiesce (cancel the draw that
 * uses the current model, in place); `version` bumps on every new model so views refresh.
 *
 * The worker computes on the backend chosen for the shape of the model it holds (layers, heads,
 * width, context, vocabulary): measured once per device and shape, or the remembered ranking
 * (BackendStatus.planFor). Loading a checkpoint of another shape plans again, and a fresh worker
 * starts when that shape's ranking leads to another backend (what ran on the old one is abandoned).
 *
 * When the worker's GPU device is lost, the worker is ended (PlayerClient) and the model Play had
 * (the chosen checkpoint, or the training run's last weights while following) is loaded again on a
 * fresh worker on the next backend of the order that chose the lost one; `version` bumps as for any
 * new model, so the live views ask again for the same settings. `notice` says so. Once per loss: a
 * loss on the worker that reload started, before the person loads a model, is not reloaded again.
 *
 * @example
 * const model = new PlayModel({ connect: newPlayer, backendPlan, checkpoints, quiesce: () => samples.stop(), abandon, onModel });
 * await model.start();            // worker up, demo checkpoint loaded: model.info, model.version
 * await model.selectCheckpoint('models/base.safetensors');
 */
import type { ModelInfo, PlayerApi } from '../../../workers/player.api';
import type { WeightsMessage } from '../../../workers/faults';
import type { BackendReport, DeviceLoss } from '../model/backend';
import { checkpointConfig } from '../model/checkpoint';
import type { GPTConfig } from '../model/config';
import { DEFAULT_CHECKPOINT, type CheckpointsState } from './checkpoints.svelte';
import type { BackendPlan } from './backend-worker';
import { BACKEND_LABELS } from './backend-choice';
import { Latest } from './latest';
import { PlayerClient } from './player-client';
import type { WorkerConnection } from './workers';
import { errorMessage } from '../util/errors';

export interface PlayModelOptions {
  connect: () => WorkerConnection<PlayerApi>;
  /** How the player's 'auto' backend is chosen for a model shape (BackendStatus.planFor); none: the fixed order. */
  backendPlan?: BackendPlan;
  /**
   * The shape of the checkpoint Play opens with, known up front (the demo's: DEMO_SHAPE), so the
   * worker starts on that shape's ranking while the bytes download. Any other checkpoint is read
   * for its shape before it loads.
   */
  firstShape?: GPTConfig;
  checkpoints: CheckpointsState;
  /** Stop whatever uses the current model (a draw) and resolve once it has let go. */
  quiesce: () => Promise<void>;
  /** The worker is gone (its GPU device was lost): drop what ran on it at once, without waiting for it. */
  abandon: () => void;
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
  /** After a lost GPU device: what happened and what Play did about it, in words (null: no loss). */
  notice = $state<string | null>(null);

  readonly #o: PlayModelOptions;
  readonly #player: PlayerClient;
  #started = false;
  /** Checkpoint and weight loads: the latest one is shown. */
  readonly #loads = new Latest();
  /** The training run's weights in the worker while following (kept to load them again after a loss). */
  #lastWeights: WeightsMessage | null = null;
  /** The current worker was started by Play's own reload after a loss (a loss there is not reloaded again). */
  #reloaded = false;

  constructor(options: PlayModelOptions) {
    this.#o = options;
    this.#player = new PlayerClient(options.connect, options.backendPlan, (loss, lostOn) => void this.#onLost(loss, lostOn), () => options.abandon());
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
      await this.#player.ready(this.#o.firstShape);
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
    this.#reloaded = false;
    this.#player.close();
  }

  async selectCheckpoint(id: string): Promise<void> {
    this.checkpointId = id;
    this.follow = false;
    this.#lastWeights = null;
    this.#personActed();
    await this.#loadCheckpoint(id);
  }

  /** Follow the training run (weights arrive through loadWeights), or go back to the chosen checkpoint. */
  async setFollow(on: boolean): Promise<void> {
    this.follow = on;
    this.#personActed();
    if (!on && this.#lastWeights) {
      this.#lastWeights = null;
      await this.#loadCheckpoint(this.checkpointId);
    }
  }

  /** Weights from the trainer; taken only while following. A failure keeps the current model. */
  async loadWeights(message: WeightsMessage): Promise<void> {
    if (!this.follow || !this.#started) return;
    await this.#takeWeights(message);
  }

  /** Load the weights; true when they became the model. */
  async #takeWeights(message: WeightsMessage): Promise<boolean> {
    const load = this.#loads.next();
    try {
      await this.#o.quiesce();
      if (!load.current) return false;
      const info = await this.#player.loadWeights(message);
      if (!load.current || !this.follow) return false;
      this.#lastWeights = message;
      this.#set(info, `training run, step ${info.step}`);
      return true;
    } catch (err) {
      if (load.current) this.loadError = `Could not take the training run's weights: ${errorMessage(err)}`;
      return false;
    }
  }

  /**
   * The worker's GPU device was lost and the worker ended: load the model again on the next
   * backend (the live views then ask again), once per loss; say what happened either way.
   */
  async #onLost(loss: DeviceLoss, lostOn: BackendReport): Promise<void> {
    if (!this.#started) return;
    this.#o.abandon();
    const weights = this.follow ? this.#lastWeights : null;
    const name = weights ? `the training run's weights (step ${weights.step})` : `“${this.#checkpointName(this.checkpointId)}”`;
    if (this.#reloaded) {
      // Lost again on the worker Play's own reload started: reloading once more could go on forever.
      this.#loads.cancel();
      this.#reloaded = false;
      this.notice = null;
      this.info = null;
      this.loading = false;
      this.loadError = `${loss.message} That is the second loss in a row (on ${BACKEND_LABELS[lostOn.backend]}, where Play had moved the model after the first), `
        + 'so Play did not load it again: pick a checkpoint (or turn on following the training run) to load it on the next backend.';
      return;
    }
    this.#reloaded = true;
    this.notice = `${loss.message} Loading ${name} again on the next backend…`;
    const done = weights ? await this.#takeWeights(weights) : await this.#loadCheckpoint(this.checkpointId);
    if (!this.#reloaded) return; // lost again meanwhile, or the person loaded something else
    const on = this.#player.report ? BACKEND_LABELS[this.#player.report.backend] : 'the next backend';
    this.notice = done
      ? `${loss.message} Play loaded ${name} again on ${on}; the distributions and samples below are for your settings again.`
      : `${loss.message} Play could not load ${name} again on ${on}.`;
  }

  /** The person chose a model: a later loss is reloaded again, and the last loss's notice goes. */
  #personActed(): void {
    this.#reloaded = false;
    this.notice = null;
  }

  #checkpointName(id: string): string {
    return this.#o.checkpoints.entries.find((e) => e.id === id)?.name ?? id;
  }

  /** Load checkpoint `id`; true when it became the model. */
  async #loadCheckpoint(id: string): Promise<boolean> {
    if (!this.#started) return false;
    const load = this.#loads.next();
    const name = this.#checkpointName(id);
    this.loading = true;
    this.loadError = null;
    try {
      const bytes = await this.#o.checkpoints.bytes(id);
      if (!load.current) return false;
      await this.#o.quiesce();
      // On the backend chosen for this checkpoint's shape (a fresh worker when that ranking differs).
      const info = await this.#player.load(id, bytes, checkpointConfig(bytes) ?? undefined);
      if (!load.current) return false;
      this.#set(info, name);
      return true;
    } catch (err) {
      const hint = this.#o.checkpoints.builtins.some((b) => b.id === id) && /HTTP 404/.test(errorMessage(err))
        ? ' — the built-in models are written by `npm run build:models`; pick another checkpoint or train one'
        : '';
      if (load.current) this.loadError = `Could not load “${name}”: ${errorMessage(err)}${hint}`;
      return false;
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
