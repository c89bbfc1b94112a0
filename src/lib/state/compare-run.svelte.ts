/**
 * Compare's run over its columns on its player worker (ComparePlayer): each column in turn with the
 * shared settings; a column that fails shows its error and the others still run; `stop()` ends the
 * run (finished columns keep their samples).
 *
 * After a lost GPU device the worker is ended (PlayerClient) and the columns this run had not
 * finished run again, with the same settings, on a fresh worker on the next backend of the order
 * that chose the lost one — by themselves, once per loss: a loss on the worker that re-run started
 * stops the run and says what to do. `notice` says what happened.
 *
 * @example
 * const runner = new CompareRun({ connect: newPlayer, backendPlan, checkpoints, name, describe });
 * await runner.run(columns, settings);  // each column's result; runner.backend === 'wasm'
 */
import type { PlayerApi } from '../../../workers/player.api';
import type { BackendName, BackendReport, DeviceLoss } from '../model/backend';
import { tokensForChars } from '../tokenizer/tokenizer';
import { BACKEND_LABELS } from './backend-choice';
import type { BackendPlan } from './backend-worker';
import type { CheckpointsState } from './checkpoints.svelte';
import type { CompareColumn, SharedSettings } from './compare-column.svelte';
import type { ColumnModel } from './compare-model';
import { ComparePlayer } from './compare-player';
import { Latest } from './latest';
import type { WorkerConnection } from './workers';
import { errorMessage } from '../util/errors';

export interface CompareRunOptions {
  connect: () => WorkerConnection<PlayerApi>;
  /** How the player's 'auto' backend is chosen (BackendStatus.planFor); none: the fixed order. */
  backendPlan?: BackendPlan;
  checkpoints: CheckpointsState;
  /** The display name of a checkpoint id. */
  name: (id: string) => string;
  /** What a column's checkpoint offers (null: it could not be read; the column says why in `modelError`). */
  describe: (column: CompareColumn) => Promise<ColumnModel | null>;
}

export class CompareRun {
  running = $state(false);
  /** A failure outside any one column (the worker would not start, a second device loss). */
  error = $state<string | null>(null);
  /** The player's compute backend once started, e.g. "webgpu". */
  backend = $state<BackendName | null>(null);
  /** After a lost GPU device: what happened and what Compare did about it, in words (null: no loss). */
  notice = $state<string | null>(null);

  readonly #o: CompareRunOptions;
  readonly #player: ComparePlayer;
  /** Comparison runs: a stopped or superseded run changes nothing more. */
  readonly #runs = new Latest();
  /** The run under way: its columns and settings (what a loss runs again). */
  #current: { columns: CompareColumn[]; settings: SharedSettings } | null = null;
  /** The current worker was started by a re-run after a loss (a loss there is not re-run again). */
  #rerun = false;

  constructor(options: CompareRunOptions) {
    this.#o = options;
    this.#player = new ComparePlayer({
      connect: options.connect, ...(options.backendPlan ? { backendPlan: options.backendPlan } : {}), checkpoints: options.checkpoints, name: options.name,
      onStart: (report) => (this.backend = report.backend),
      onLost: (loss, lostOn) => void this.#onLost(loss, lostOn),
    });
  }

  /** Sample `columns` in turn with `settings`; resolves when the run ends (or is stopped). */
  async run(columns: CompareColumn[], settings: SharedSettings): Promise<void> {
    if (this.running) return;
    this.#rerun = false;
    this.notice = null;
    await this.#runColumns(columns, settings);
  }

  /** End a run now: the column being sampled stops at its next token; the worker and its checkpoint stay for the next run. */
  stop(columns: CompareColumn[]): void {
    if (!this.running) return;
    this.#runs.cancel();
    this.#current = null;
    this.#player.cancel();
    this.running = false;
    for (const c of columns) {
      if (c.status === 'queued' || c.status === 'loading' || c.status === 'sampling') c.status = 'stopped';
    }
  }

  /** Free the worker. */
  dispose(): void {
    this.#runs.cancel();
    this.#current = null;
    this.#player.close();
    this.running = false;
  }

  /** Run `columns` as a new run (an earlier one changes nothing more); true when it ran to its end. */
  async #runColumns(columns: CompareColumn[], settings: SharedSettings): Promise<boolean> {
    const run = this.#runs.next();
    this.#current = { columns, settings };
    this.running = true;
    this.error = null;
    for (const c of columns) {
      c.status = 'queued';
      c.error = null;
    }
    try {
      const api = await this.#player.ready();
      for (const column of columns) {
        if (!run.current) return false;
        await this.#runColumn(api, column, settings, run);
      }
      return run.current;
    } catch (err) {
      if (!run.current) return false;
      this.error = `The player worker did not start: ${errorMessage(err)}`;
      for (const c of columns) if (c.status === 'queued') c.status = 'idle';
      return false;
    } finally {
      if (run.current) {
        this.running = false;
        this.#current = null;
      }
    }
  }

  async #runColumn(api: PlayerApi, column: CompareColumn, settings: SharedSettings, run: { readonly current: boolean }): Promise<void> {
    const checkpoint = column.checkpoint;
    const mode = column.mode;
    try {
      column.status = 'loading';
      const model = await this.#o.describe(column);
      if (!model) throw new Error(column.modelError ?? 'the checkpoint could not be read');
      await this.#player.sampleColumn(api, column, { checkpoint, mode, model, settings }, run);
    } catch (err) {
      if (!run.current) return;
      const sampling = column.status === 'sampling';
      const context = column.model?.contextSize;
      column.status = 'error';
      column.error = sampling
        ? `Sampling failed: ${errorMessage(err)}${context !== undefined && tokensForChars(settings.prompt.length, column.model?.charsPerToken) + settings.maxTokens > context
          ? ` (this checkpoint's context is ${context} tokens for prompt, marker blocks and answer: try fewer max tokens or a shorter prompt)` : ''}`
        : errorMessage(err);
      column.live = [];
    }
  }

  /**
   * The worker's GPU device was lost and the worker ended: run the columns not finished again on
   * the next backend, once per loss. Idle, there is nothing to redo: the next run starts there.
   */
  async #onLost(loss: DeviceLoss, lostOn: BackendReport): Promise<void> {
    this.backend = null;
    const current = this.#current;
    if (!this.running || !current) {
      this.notice = `${loss.message} The next comparison runs on the next backend.`;
      return;
    }
    // The run on the lost worker changes nothing more (its draw may never answer).
    this.#runs.cancel();
    const left = current.columns.filter((c) => c.status !== 'done');
    for (const c of left) c.live = [];
    if (this.#rerun) {
      this.#rerun = false;
      this.#current = null;
      this.running = false;
      this.notice = null;
      for (const c of left) c.status = 'stopped';
      this.error = `${loss.message} That is the second loss in a row (on ${BACKEND_LABELS[lostOn.backend]}, where Compare had moved after the first), `
        + 'so Compare did not run the columns again: press Run comparison to run them on the next backend.';
      return;
    }
    this.#rerun = true;
    const columns = `the ${left.length === 1 ? 'column' : `${left.length} columns`} not finished`;
    this.notice = `${loss.message} Running ${columns} again on the next backend…`;
    const finished = await this.#runColumns(left, current.settings);
    if (!this.#rerun) return; // lost again meanwhile, or the person ran the comparison afresh
    const on = this.backend ? BACKEND_LABELS[this.backend] : 'the next backend';
    // Not finished: stopped by the person, or a failure said in `error` or the columns.
    this.notice = finished
      ? `${loss.message} Compare ran ${columns} again on ${on}, with the same settings.`
      : `${loss.message} Compare started ${columns} again on ${on}.`;
  }
}
