/**
 * One player worker as a view uses it (Play's PlayModel, Compare's ComparePlayer): started once, on
 * first use, on the planned backend (a BackendWorker, as Train and Experiments use: 'auto' is the
 * measured ranking with the person's override, BackendStatus.planFor), the checkpoint in it
 * remembered so a view can skip loading it again, draws cancelled in place, and ended by `close()`
 * (the next use starts a fresh worker).
 *
 * Play and Compare each own one of these; they share this code, not a worker. A player worker
 * holds one model and one set of draws, so one worker between the two views would be wrong:
 * - Compare loads each column's checkpoint in turn. That would replace the model Play steers (or
 *   the training run's weights Play follows), and Play's live answers would silently describe a
 *   Compare column's checkpoint;
 * - `cancel()` stops every draw in the worker, and Play cancels on every change of a setting: a
 *   shared worker would cut a Compare run short whenever someone touched a marker in Play;
 * - a worker computes one thing at a time, so a Compare run (N samples per column) would hold
 *   Play's live distributions back for its whole length.
 * A second worker costs its own tfjs runtime and a copy of a small model; Compare starts its worker
 * only when a comparison first runs.
 *
 * The backend is chosen for the model the worker runs: `load` and `loadWeights` name its shape,
 * and a shape whose ranking leads elsewhere gets a fresh worker (BackendWorker.ready).
 *
 * A lost GPU device (the worker's `lost()`, from the device's own `lost` promise) ends the worker,
 * and the next start tries the backends after the lost one in the order that chose it
 * (BackendWorker.closeAfterLoss); `onLost` then tells the view, which reloads its model.
 *
 * @example
 * const player = new PlayerClient(connectPlayer, { auto: () => status.planFor('inference') }, (loss) => reload(loss));
 * const api = await player.ready();                     // player.report.backend === 'wasm'
 * const info = player.loadedInfo(id) ?? (await player.load(id, bytes));
 * await player.load(id2, bytes2, checkpointConfig(bytes2)!); // another shape: its own backend ranking
 * player.cancel();                                      // running draws end at their next token
 * player.close();                                       // the next ready() starts a fresh worker
 */
import * as Comlink from 'comlink';
import type { ModelInfo, PlayerApi } from '../../../workers/player.api';
import type { WeightsMessage } from '../../../workers/faults';
import type { BackendReport, DeviceLoss } from '../model/backend';
import type { GPTConfig } from '../model/config';
import { sameShape } from './backend-memory';
import { BackendWorker, type BackendPlan } from './backend-worker';
import type { WorkerConnection } from './workers';

export class PlayerClient {
  readonly #worker: BackendWorker<PlayerApi>;
  /** The start under way or done (two callers asking at once share it). */
  #starting: Promise<PlayerApi> | null = null;
  /** The checkpoint in the worker and what its load returned (null: none, weights, or unknown). */
  #loaded: { id: string; info: ModelInfo } | null = null;
  /** Loads sent: only the latest one's answer says what the worker holds. */
  #loads = 0;
  /** Bumped when a worker ends: a loss an ended worker reports is not the current one's. */
  #generation = 0;
  readonly #onLost: ((loss: DeviceLoss, lostOn: BackendReport) => void) | undefined;
  readonly #onReplaced: (() => void) | undefined;
  /** The model shape the worker was last asked to run (undefined: none named yet). */
  #shape: GPTConfig | undefined;

  /**
   * `plan`: how 'auto' is resolved for a model shape and where a report is kept (none: the fixed order).
   * `onLost`: the current worker's GPU device was lost (the worker is already closed; the next
   * `ready()` starts the next backend); `lostOn` is the backend it ran on.
   * `onReplaced`: the worker was ended for a fresh one on another shape's backend (a request sent
   * to the old one never answers: drop it).
   */
  constructor(
    connect: () => WorkerConnection<PlayerApi>, plan?: BackendPlan,
    onLost?: (loss: DeviceLoss, lostOn: BackendReport) => void, onReplaced?: () => void,
  ) {
    this.#worker = new BackendWorker(connect, plan);
    this.#onLost = onLost;
    this.#onReplaced = onReplaced;
  }

  /** The started worker's API (null before `ready()` has finished, or after `close()`). */
  get api(): PlayerApi | null {
    // A Remote<PlayerApi> answers every method with a promise, as PlayerApi's own methods do.
    return this.#worker.report ? (this.#worker.api as PlayerApi) : null;
  }

  /** The backend the current worker started on (null until started). */
  get report(): BackendReport | null {
    return this.#worker.report;
  }

  /**
   * The worker, started if it is not, on the ranking for a model of `shape` (undefined: the shape
   * asked for last, or the plan's default). Asked for another shape, it plans again once the start
   * under way is done: the worker stays when that shape's ranking leads to its backend, else a fresh
   * one starts (and `onReplaced` says so). A worker whose start fails is closed (the next call tries afresh).
   */
  ready(shape?: GPTConfig): Promise<PlayerApi> {
    const replan = shape !== undefined && this.#starting !== null && !(this.#shape && sameShape(this.#shape, shape));
    if (shape) this.#shape = shape;
    if (this.#starting && !replan) return this.#starting;
    const after = this.#starting?.then(() => {}, () => {}) ?? Promise.resolve();
    const planned = this.#shape;
    const starting: Promise<PlayerApi> = after.then(() => this.#start(planned)).catch((err: unknown) => {
      if (this.#starting === starting) this.#starting = null;
      throw err;
    });
    this.#starting = starting;
    return starting;
  }

  /** Start (or keep) the worker for `shape`; a new worker is watched for the loss of its device. */
  async #start(shape: GPTConfig | undefined): Promise<PlayerApi> {
    const before = this.#worker.report;
    let generation = this.#generation;
    const { api, report } = await this.#worker.ready('auto', shape);
    if (report === before) return api as PlayerApi;
    if (before !== null && generation === this.#generation) {
      // The worker was replaced for this shape: the old one's model, draws and loss are gone with it.
      this.#loaded = null;
      ++this.#loads;
      generation = ++this.#generation;
      this.#onReplaced?.();
    }
    this.#watch(api as PlayerApi, report, generation);
    return api as PlayerApi;
  }

  /** What loading `id` returned, if `id` is the checkpoint in the worker now. */
  loadedInfo(id: string): ModelInfo | null {
    return this.#loaded?.id === id ? this.#loaded.info : null;
  }

  /**
   * Load checkpoint `id` (its safetensors bytes, transferred) into a worker chosen for `shape` (its
   * config, when known: checkpointConfig); a bad file leaves the worker's model in place.
   */
  async load(id: string, bytes: Uint8Array, shape?: GPTConfig): Promise<ModelInfo> {
    const api = await this.ready(shape);
    const n = ++this.#loads;
    this.#loaded = null;
    const info = await api.load(Comlink.transfer(bytes, [bytes.buffer]));
    if (n === this.#loads) this.#loaded = { id, info };
    return info;
  }

  /** Swap in a training run's weights (the worker then holds no checkpoint), in a worker chosen for their shape. */
  async loadWeights(message: WeightsMessage): Promise<ModelInfo> {
    const api = await this.ready(message.config);
    ++this.#loads;
    this.#loaded = null;
    return api.loadWeights(message);
  }

  /** End every draw running now at its next token (in place: the worker and its model stay). */
  cancel(): void {
    this.api?.cancel();
  }

  /** End the worker; the next `ready()` starts a fresh one. */
  close(): void {
    this.#worker.close();
    this.#forget();
  }

  /** Listen for the loss of a started worker's device, while that worker is the current one. */
  #watch(api: PlayerApi, report: BackendReport, generation: number): void {
    api.lost().then((loss) => {
      if (generation !== this.#generation) return;
      this.#worker.closeAfterLoss();
      this.#forget();
      this.#onLost?.(loss, report);
    }, () => {});
  }

  #forget(): void {
    this.#generation++;
    this.#starting = null;
    this.#loaded = null;
    ++this.#loads;
  }
}
