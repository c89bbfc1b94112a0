/**
 * The one player worker that serves Compare's columns in turn: started on first use (its backend
 * reported), a column's checkpoint loaded only when it differs from the one loaded, and a column's
 * samples streamed into it as they come (each answer so far, at most every 100 ms), ending in the
 * column's result with exactly the setting it ran with, judged by `violationRates`. `close()` ends
 * the worker; the next use starts a fresh one.
 *
 * @example
 * const player = new ComparePlayer({ connect: newPlayer, checkpoints, name: (id) => id, onStart: (r) => (backend = r.backend) });
 * const api = await player.ready();
 * await player.sampleColumn(api, column, { checkpoint, mode, model, settings }, run); // column.result, column.status === 'done'
 * player.close();
 */
import * as Comlink from 'comlink';
import type { ModelInfo, PlayerApi } from '../../../workers/player.api';
import { violationRates } from '../eval/violation';
import type { BackendReport } from '../model/backend';
import type { SteerMode } from '../model/steer';
import type { CheckpointsState } from './checkpoints.svelte';
import type { CompareColumn, SharedSettings } from './compare-column.svelte';
import { answerSoFar, keepKnown, type ColumnModel } from './compare-model';
import { TokenStream } from './token-stream';
import type { WorkerConnection } from './workers';
import { errorMessage } from '../util/errors';

export interface ComparePlayerOptions {
  connect: () => WorkerConnection<PlayerApi>;
  checkpoints: CheckpointsState;
  /** The display name of a checkpoint id. */
  name: (id: string) => string;
  /** A fresh worker started on this backend. */
  onStart: (report: BackendReport) => void;
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
  #conn: WorkerConnection<PlayerApi> | null = null;
  /** The checkpoint in the worker and what its load returned. */
  #loaded: { id: string; info: ModelInfo } | null = null;

  constructor(options: ComparePlayerOptions) {
    this.#o = options;
  }

  /** The worker, started (init) if there is none; a worker whose init fails is closed. */
  async ready(): Promise<PlayerApi> {
    if (!this.#conn) {
      const conn = this.#o.connect();
      this.#conn = conn;
      this.#loaded = null;
      try {
        // A Remote<PlayerApi> answers every method with a promise, as PlayerApi's own methods do.
        this.#o.onStart(await (conn.api as PlayerApi).init());
      } catch (err) {
        this.close();
        throw err;
      }
    }
    return this.#conn.api as PlayerApi;
  }

  /**
   * Load the job's checkpoint and sample the column: status 'sampling', answers streaming into
   * `column.live`, then `column.result` and status 'done'. Throws on failure (the caller words it);
   * once `run` is no longer current it changes nothing more.
   */
  async sampleColumn(api: PlayerApi, column: CompareColumn, job: ColumnJob, run: { readonly current: boolean }): Promise<void> {
    const { checkpoint, mode, model, settings } = job;
    const info = await this.#load(api, checkpoint);
    if (!run.current) return;
    const markers = keepKnown(column.markers, model);
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
    stream.flush();
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

  /** End the worker (a new one starts on the next use). */
  close(): void {
    this.#conn?.close();
    this.#conn = null;
    this.#loaded = null;
  }

  /** Load a checkpoint into the worker unless it is the one loaded. */
  async #load(api: PlayerApi, id: string): Promise<ModelInfo> {
    if (this.#loaded?.id === id) return this.#loaded.info;
    this.#loaded = null;
    let bytes: Uint8Array;
    try {
      bytes = await this.#o.checkpoints.bytes(id);
    } catch (err) {
      throw new Error(`could not read checkpoint "${this.#o.name(id)}": ${errorMessage(err)}`);
    }
    const info = await api.load(Comlink.transfer(bytes, [bytes.buffer]));
    this.#loaded = { id, info };
    return info;
  }
}
