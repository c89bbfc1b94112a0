/**
 * The player worker that serves Compare's columns in turn (a PlayerClient of its own, not Play's:
 * player-client.ts says why): started on first use (its backend reported), a column's checkpoint
 * loaded only when it differs from the one loaded, and a column's samples streamed into it as they
 * come (each answer so far, at most every 100 ms), ending in the column's result with exactly the
 * setting it ran with, judged by `violationRates`. `cancel()` stops a column's draw in place;
 * `close()` ends the worker and the next use starts a fresh one; after a lost GPU device it is ended
 * already and `onLost` says so (CompareRun runs the unfinished columns again).
 *
 * @example
 * const player = new ComparePlayer({ connect: newPlayer, backendPlan, checkpoints, name: (id) => id, onStart: (r) => (backend = r.backend) });
 * const api = await player.ready();
 * await player.sampleColumn(api, column, { checkpoint, mode, model, settings }, run); // column.result, column.status === 'done'
 * player.close();
 */
import * as Comlink from 'comlink';
import type { ModelInfo, PlayerApi } from '../../../workers/player.api';
import { violationRates } from '../eval/violation';
import type { BackendReport, DeviceLoss } from '../model/backend';
import type { SteerMode } from '../model/steer';
import type { BackendPlan } from './backend-worker';
import type { CheckpointsState } from './checkpoints.svelte';
import type { CompareColumn, SharedSettings } from './compare-column.svelte';
import { answerSoFar, markerModel, type ColumnModel } from './compare-model';
import { markersForModel } from './model-markers';
import { PlayerClient } from './player-client';
import { TokenStream } from './token-stream';
import type { WorkerConnection } from './workers';
import { errorMessage } from '../util/errors';

export interface ComparePlayerOptions {
  connect: () => WorkerConnection<PlayerApi>;
  /** How the player's 'auto' backend is chosen (BackendStatus.planFor); none: the fixed order. */
  backendPlan?: BackendPlan;
  checkpoints: CheckpointsState;
  /** The display name of a checkpoint id. */
  name: (id: string) => string;
  /** A fresh worker started on this backend. */
  onStart: (report: BackendReport) => void;
  /** The worker's GPU device was lost (the worker is already ended; the next use starts the next backend). */
  onLost?: (loss: DeviceLoss, lostOn: BackendReport) => void;
}

/** One column's run: the checkpoint and mode it was started with, its model and the shared settings. */
export interface ColumnJob {
  checkpoint: string;
  mode: SteerMode;
  model: ColumnModel;
  settings: SharedSettings;
}

export class ComparePlayer {
  readonly #o: ComparePlayerOptions;
  readonly #player: PlayerClient;

  constructor(options: ComparePlayerOptions) {
    this.#o = options;
    this.#player = new PlayerClient(options.connect, options.backendPlan, options.onLost);
  }

  /** The worker, started if there is none (a worker whose start fails is closed). */
  async ready(): Promise<PlayerApi> {
    const api = await this.#player.ready();
    if (this.#player.report) this.#o.onStart(this.#player.report);
    return api;
  }

  /**
   * Load the job's checkpoint and sample the column: status 'sampling', answers streaming into
   * `column.live`, then `column.result` and status 'done'. Throws on failure (the caller words it);
   * once `run` is no longer current it changes nothing more.
   */
  async sampleColumn(api: PlayerApi, column: CompareColumn, job: ColumnJob, run: { readonly current: boolean }): Promise<void> {
    const { checkpoint, mode, model, settings } = job;
    const info = await this.#load(checkpoint);
    if (!run.current) return;
    const markers = markersForModel(column.markers, markerModel(model)).kept;
    column.status = 'sampling';
    column.result = null;
    column.live = Array.from({ length: settings.n }, () => '');
    column.tokens = 0;
    // Each sample's answer so far, published at most every 100 ms.
    const stream = new TokenStream(settings.n, 100, (ids, tokens) => {
      if (!run.current) return;
      column.live = ids.map((seq) => answerSoFar(model.tokenizer, seq));
      column.tokens = tokens;
    });
    const onToken = (sequence: number, id: number) => stream.push(sequence, id);
    const samples = await api.sample({ ...settings, markers, mode }, Comlink.proxy(onToken));
    // The answer is in: tokens still on their way (TokenStream) must not bring the live text back.
    stream.close();
    if (!run.current) return;
    const lengthThresholds = info.lengthThresholds ?? model.lengthThresholds;
    column.result = {
      checkpoint, checkpointName: this.#o.name(checkpoint), markers, mode, settings, samples,
      ...(lengthThresholds ? { lengthThresholds } : {}),
      violations: violationRates(markers, samples.map((s) => ({ ...s.measured, finished: s.finished })), lengthThresholds ? { lengthThresholds } : {}),
    };
    column.live = [];
    column.status = 'done';
  }

  /** Stop the column being sampled at its next token; the worker and its checkpoint stay. */
  cancel(): void {
    this.#player.cancel();
  }

  /** End the worker (a new one starts on the next use). */
  close(): void {
    this.#player.close();
  }

  /** Load a checkpoint into the worker unless it is the one loaded. */
  async #load(id: string): Promise<ModelInfo> {
    const loaded = this.#player.loadedInfo(id);
    if (loaded) return loaded;
    let bytes: Uint8Array;
    try {
      bytes = await this.#o.checkpoints.bytes(id);
    } catch (err) {
      throw new Error(`could not read checkpoint "${this.#o.name(id)}": ${errorMessage(err)}`);
    }
    return this.#player.load(id, bytes);
  }
}
