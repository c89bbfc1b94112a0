/**
 * Dropout-rate sweeps in the browser: a form for the grid (SweepFormState, sweep-form.svelte.ts),
 * results that survive a reload with the paper's four findings read off them (StoredSweepState,
 * stored-sweep.svelte.ts), and, here, the queue that runs the cells one after another in the
 * experiment worker — the same numbers as `markerlab sweep` for the same seeds (the worker runs the
 * same runCell).
 *
 * @example
 * const experiments = new ExperimentsState({ connect, rows: (n) => dataApi.rows(n), checkpoints });
 * await experiments.start();          // restores a stored sweep; offers to resume an unfinished one
 * await experiments.run('teaching');  // the form's grid
 */
import * as Comlink from 'comlink';
import type { Row } from '../data/types';
import type { StoredSweep, SweepStore } from '../experiment/store';
import { PAPER_SWEEP, sweepCells, type SweepCell, type SweepSpec } from '../experiment/sweep';
import type { Taxonomy } from '../markers/taxonomy';
import type { CellEvent, ExperimentApi } from '../../../workers/experiment.api';
import type { CheckpointsState } from './checkpoints.svelte';
import { BackendWorker, type BackendPlan } from './backend-worker';
import type { BackendChoices } from './backend-choices.svelte';
import { newSweep, StoredSweepState } from './stored-sweep.svelte';
import type { WorkerConnection } from './workers';
import { errorMessage } from '../util/errors';

export type { StoredSweep } from '../experiment/store';
export type { SweepField } from './sweep-form.svelte';

export interface ExperimentsOptions {
  connect: () => WorkerConnection<ExperimentApi>;
  /** How 'auto' picks a backend (measured, remembered); default: the fixed order. */
  backendPlan?: BackendPlan;
  rows: (dataset: string) => Promise<{ rows: Row[]; taxonomy: Taxonomy }>;
  checkpoints: CheckpointsState;
  /** Where the sweep is kept; IndexedDB (`markerlab-experiments`) when the browser has it. */
  store?: SweepStore;
  /** Where the compute choice is remembered, per preset (shared with Train); default: this page only. */
  backendChoices?: BackendChoices;
}

/** What the one-click experiment costs, said before it starts. */
export const PAPER_ESTIMATE = 'about 35 minutes on a two-core laptop’s processor (WebAssembly: six runs of 4 to 7 minutes, one after another), a few minutes with a graphics card (WebGPU)';

export class ExperimentsState extends StoredSweepState {
  running = $state(false);
  stopping = $state(false);
  /** The cell being run: 1-based position in the sweep. */
  current = $state.raw<{ index: number; total: number; cell: SweepCell } | null>(null);
  stage = $state('');
  progress = $state.raw<{ step: number; totalSteps: number; loss: number; tokensPerSec: number } | null>(null);
  /** The backend the worker runs on, e.g. "wasm". */
  backend = $state<string | null>(null);
  /** A new sweep waiting for the user to confirm it may replace the stored results. */
  replacing = $state.raw<SweepSpec | null>(null);

  readonly #options: ExperimentsOptions;
  readonly #worker: BackendWorker<ExperimentApi>;
  #stopRequested = false;

  constructor(options: ExperimentsOptions) {
    super(options.checkpoints, options.store, options.backendChoices);
    this.#options = options;
    this.#worker = new BackendWorker(options.connect, options.backendPlan);
  }

  /** A stored sweep with unfinished cells and nothing running: offer "Resume sweep". */
  get resumable(): boolean {
    return !this.running && this.pending.length > 0;
  }

  /** Run the form's grid on `dataset`. Replacing stored results waits for confirmReplace(). */
  async run(dataset: string): Promise<void> {
    if (this.running) return;
    const spec = this.specFromForm(dataset);
    if (!spec) return;
    if (this.sweep && this.sweep.results.length > 0) {
      this.replacing = spec;
      return;
    }
    await this.#begin(spec);
  }

  /** The built-in experiment on the teaching set; fills the form with it so its settings show. */
  async runPaper(): Promise<void> {
    if (this.running) return;
    this.fillForm(PAPER_SWEEP);
    this.fieldErrors = {};
    this.formError = null;
    if (this.sweep && this.sweep.results.length > 0) {
      this.replacing = PAPER_SWEEP;
      return;
    }
    await this.#begin(PAPER_SWEEP);
  }

  /** The user agreed: the waiting sweep replaces the stored results (their checkpoints stay saved). */
  async confirmReplace(): Promise<void> {
    const spec = this.replacing;
    this.replacing = null;
    if (spec) await this.#begin(spec);
  }

  cancelReplace(): void {
    this.replacing = null;
  }

  /** Continue a stored sweep from its first unfinished cell. */
  async resume(): Promise<void> {
    if (this.sweep && this.pending.length > 0) await this.#queue();
  }

  /** Stop after the current training step; the queue waits for Resume. */
  stop(): void {
    if (!this.running) return;
    this.#stopRequested = true;
    this.stopping = true;
    void Promise.resolve(this.#worker.report ? this.#worker.api.stop() : undefined).catch(() => {});
  }

  /** Forget the stored sweep (its checkpoints stay in the checkpoint list). */
  async clear(): Promise<void> {
    if (!this.running) await this.forget();
  }

  async #begin(spec: SweepSpec): Promise<void> {
    if (this.running) return;
    this.error = null;
    this.notice = spec === PAPER_SWEEP
      ? `The paper in small: ${sweepCells(spec).length} runs of ${spec.preset} × ${spec.steps} steps on the ${spec.dataset} set; ${PAPER_ESTIMATE}. You can stop, reload and resume.`
      : null;
    let sweep: StoredSweep;
    try {
      sweep = newSweep(spec, (await this.#options.rows(spec.dataset)).rows);
    } catch (err) {
      this.error = `Could not read the dataset "${spec.dataset}": ${errorMessage(err)}`;
      return;
    }
    await this.save(sweep);
    await this.#queue();
  }

  async #queue(): Promise<void> {
    const sweep = this.sweep;
    if (!sweep || this.running) return;
    this.running = true;
    this.stopping = false;
    this.#stopRequested = false;
    this.error = null;
    if (this.notice?.startsWith('A sweep from an earlier visit') || this.notice?.startsWith('Stopped')) this.notice = null;
    let stage = 'reading the dataset';
    try {
      const { rows, taxonomy } = await this.#options.rows(sweep.dataset);
      stage = 'starting the experiment worker';
      const api = await this.#api();
      for (const cell of this.pending) {
        if (this.#stopRequested) break;
        const index = sweep.cells.findIndex((c) => c.id === cell.id) + 1;
        this.current = { index, total: sweep.cells.length, cell };
        this.progress = null;
        this.stage = `Preparing ${cell.label}`;
        stage = `running ${cell.label}`;
        const onEvent = (e: CellEvent): void => {
          if (e.kind === 'stage') this.stage = e.stage;
          else this.progress = { step: e.step, totalSteps: e.totalSteps, loss: e.loss, tokensPerSec: e.tokensPerSec };
        };
        const { result, checkpoint } = await api.runCell(sweep.spec, rows, taxonomy, cell, Comlink.proxy(onEvent));
        await this.addResult(cell, result, checkpoint);
      }
      if (this.pending.length === 0) {
        this.stage = 'Sweep finished';
        if (this.notice?.startsWith('The paper in small')) this.notice = null;
      } else if (this.#stopRequested) {
        this.notice = `Stopped with ${this.pending.length} runs left; Resume sweep continues with the next one.`;
      }
    } catch (err) {
      const text = errorMessage(err);
      if (/stopped at step/.test(text)) {
        this.notice = `Stopped: ${text}. Resume sweep runs that cell again from the start.`;
      } else {
        this.error = `The sweep stopped while ${stage}: ${text}. Finished runs are kept; Resume sweep continues from here.`;
        // The worker may be broken (e.g. a lost GPU): the next run gets a fresh one.
        this.#disconnect();
      }
    } finally {
      this.running = false;
      this.stopping = false;
      this.current = null;
      this.progress = null;
    }
  }

  async #api(): Promise<WorkerConnection<ExperimentApi>['api']> {
    const { api, report } = await this.#worker.ready(this.backendChoice);
    this.backend = report.backend;
    return api;
  }

  #disconnect(): void {
    this.#worker.close();
  }
}
