/**
 * Dropout-rate sweeps in the browser: a form for the grid (SweepFormState, sweep-form.svelte.ts),
 * a queue that runs its cells one after
 * another in the experiment worker, results that survive a reload (the sweep record in IndexedDB,
 * src/lib/experiment/store.ts; each cell's checkpoint in the checkpoint store through
 * CheckpointsState), and the paper's four findings read off the results — the same numbers as
 * `markerlab sweep` for the same seeds (the worker runs the same runCell).
 *
 * @example
 * const experiments = new ExperimentsState({ connect, rows: (n) => dataApi.rows(n), checkpoints });
 * await experiments.start();          // restores a stored sweep; offers to resume an unfinished one
 * await experiments.run('teaching');  // the form's grid
 */
import * as Comlink from 'comlink';
import type { Row } from '../data/types';
import { paperFindings, type Finding } from '../experiment/findings';
import { resultsCsv } from '../experiment/report';
import type { CellResult } from '../experiment/run-cell';
import { IdbSweepStore, MemorySweepStore, type StoredSweep, type SweepStore } from '../experiment/store';
import { PAPER_SWEEP, sweepCells, type SweepCell, type SweepSpec } from '../experiment/sweep';
import { lengthRuleOfRows } from '../markers/annotate-dataset';
import type { Taxonomy } from '../markers/taxonomy';
import type { CellEvent, ExperimentApi } from '../../../workers/experiment.api';
import type { CheckpointsState } from './checkpoints.svelte';
import { BackendWorker, type BackendPlan } from './backend-worker';
import { SweepFormState } from './sweep-form.svelte';
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
}

/** What the one-click experiment costs, said before it starts. */
export const PAPER_ESTIMATE = 'about 20–30 minutes on a laptop’s processor (WebAssembly), a few minutes with a graphics card (WebGPU)';

export class ExperimentsState extends SweepFormState {

  sweep = $state.raw<StoredSweep | null>(null);
  /** True once start() has read the store (or failed to). */
  loaded = $state(false);
  running = $state(false);
  stopping = $state(false);
  /** The cell being run: 1-based position in the sweep. */
  current = $state.raw<{ index: number; total: number; cell: SweepCell } | null>(null);
  stage = $state('');
  progress = $state.raw<{ step: number; totalSteps: number; loss: number; tokensPerSec: number } | null>(null);
  /** The backend the worker runs on, e.g. "wasm". */
  backend = $state<string | null>(null);
  /** Something worth saying that is not an error (the paper's time estimate, a stop). */
  notice = $state<string | null>(null);
  error = $state<string | null>(null);
  /** A new sweep waiting for the user to confirm it may replace the stored results. */
  replacing = $state.raw<SweepSpec | null>(null);

  #options: ExperimentsOptions;
  #store: SweepStore;
  readonly #worker: BackendWorker<ExperimentApi>;
  #stopRequested = false;

  constructor(options: ExperimentsOptions) {
    super();
    this.#options = options;
    this.#store = options.store ?? (typeof indexedDB === 'undefined' ? new MemorySweepStore() : new IdbSweepStore());
    this.#worker = new BackendWorker(options.connect, options.backendPlan);
  }

  /** Cells of the current sweep without a result yet, in run order. */
  get pending(): SweepCell[] {
    const done = new Set(this.sweep?.results.map((r) => r.cell.id) ?? []);
    return this.sweep?.cells.filter((c) => !done.has(c.id)) ?? [];
  }

  /** A stored sweep with unfinished cells and nothing running: offer "Resume sweep". */
  get resumable(): boolean {
    return !this.running && this.pending.length > 0;
  }

  get findings(): Finding[] {
    const s = this.sweep;
    if (!s || s.results.length === 0) return [];
    return paperFindings(s.results, (c, v) => s.shares[`${c}\u0000${v}`] ?? 0, s.spec.eval.tailShare, s.lengthRule ?? undefined);
  }

  /** Milliseconds the unfinished cells may still take, from the finished cells' times; null before the first one. */
  get remainingMs(): number | null {
    const s = this.sweep;
    if (!s || s.results.length === 0) return null;
    const times = s.results.map((r) => (r.train.elapsedMs ?? 0) + r.evalMs);
    return (times.reduce((a, b) => a + b, 0) / times.length) * this.pending.length;
  }

  /** Restore the stored sweep (a reload keeps finished cells; the rest can be resumed). */
  async start(): Promise<void> {
    try {
      const stored = await this.#store.load();
      if (stored && !this.sweep) {
        this.sweep = stored;
        this.fillForm(stored.spec);
        const left = this.pending.length;
        if (left > 0) this.notice = `A sweep from an earlier visit has ${stored.results.length} of ${stored.cells.length} runs done; resume it to run the other ${left}.`;
      }
      this.#storeNotices();
    } catch (err) {
      this.error = `Could not read stored sweep results: ${errorMessage(err)}`;
    } finally {
      this.loaded = true;
    }
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
    if (this.running) return;
    this.sweep = null;
    this.notice = null;
    this.error = null;
    try {
      await this.#store.clear();
    } catch (err) {
      this.error = `Could not clear the stored sweep: ${errorMessage(err)}`;
    }
  }

  exportJson(): string {
    return `${JSON.stringify({ ...this.sweep, findings: this.findings }, null, 1)}\n`;
  }

  exportCsv(): string {
    return resultsCsv(this.sweep?.results ?? []);
  }

  async #begin(spec: SweepSpec): Promise<void> {
    if (this.running) return;
    this.error = null;
    this.notice = spec === PAPER_SWEEP
      ? `The paper in small: ${sweepCells(spec).length} runs of ${spec.preset} × ${spec.steps} steps on the ${spec.dataset} set; ${PAPER_ESTIMATE}. You can stop, reload and resume.`
      : null;
    let sweep: StoredSweep;
    try {
      const { rows } = await this.#options.rows(spec.dataset);
      const counts = new Map<string, number>();
      for (const r of rows) for (const [k, v] of Object.entries(r.markers)) counts.set(`${k}\u0000${v}`, (counts.get(`${k}\u0000${v}`) ?? 0) + 1);
      sweep = {
        version: 1, dataset: spec.dataset, spec, cells: sweepCells(spec), results: [], checkpoints: {},
        shares: Object.fromEntries([...counts].map(([k, n]) => [k, n / Math.max(1, rows.length)])),
        lengthRule: lengthRuleOfRows(rows) ?? null, createdAt: Date.now(),
      };
    } catch (err) {
      this.error = `Could not read the dataset "${spec.dataset}": ${errorMessage(err)}`;
      return;
    }
    await this.#save(sweep);
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
        await this.#finish(cell, result, checkpoint);
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

  async #finish(cell: SweepCell, result: CellResult, checkpoint: Uint8Array): Promise<void> {
    let id: string | null = null;
    const spec = this.sweep?.spec;
    try {
      id = await this.#options.checkpoints.saveBytes(checkpoint, { name: `sweep ${cell.id} · ${spec?.preset ?? ''} ${spec?.steps ?? ''} steps`.trim() });
    } catch (err) {
      this.error = `The checkpoint of ${cell.label} could not be saved (its results are kept): ${errorMessage(err)}`;
    }
    const now = this.sweep;
    if (!now) return;
    await this.#save({ ...now, results: [...now.results, result], checkpoints: id === null ? now.checkpoints : { ...now.checkpoints, [cell.id]: id } });
  }

  async #save(sweep: StoredSweep): Promise<void> {
    this.sweep = sweep;
    try {
      await this.#store.save(sweep);
    } catch (err) {
      this.error = `Results could not be stored for a reload (they stay on this page): ${errorMessage(err)}`;
    }
    this.#storeNotices();
  }

  /** What the store has to say (records kept aside, other tabs), added to the notice. */
  #storeNotices(): void {
    const said = this.#store.takeNotices?.() ?? [];
    if (said.length > 0) this.notice = [this.notice, ...said].filter((n) => n).join(' ');
  }
}
