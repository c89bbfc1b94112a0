/**
 * Dropout-rate sweeps in the browser: a form for the grid, a queue that runs its cells one after
 * another in the experiment worker, results that survive a reload (the sweep record in
 * localStorage, each cell's checkpoint in IndexedDB through CheckpointsState), and the paper's four
 * findings read off the results — the same numbers as `markerlab sweep` for the same seeds.
 *
 * @example
 * const experiments = new ExperimentsState({ connect, rows: (n) => dataApi.rows(n), checkpoints });
 * experiments.start();              // restores a stored sweep; offers to resume an unfinished one
 * await experiments.run('teaching'); // the form's grid
 */
import * as Comlink from 'comlink';
import type { Row } from '../data/types';
import type { Finding } from '../experiment/findings';
import { paperFindings } from '../experiment/findings';
import { resultsCsv } from '../experiment/report';
import type { CellResult } from '../experiment/run-cell';
import { DEFAULT_EVAL, PAPER_SWEEP, sweepCells, validateSweep, type SweepCell, type SweepSpec } from '../experiment/sweep';
import { lengthRuleOfRows, type LengthThresholds } from '../markers/annotate-dataset';
import type { Taxonomy } from '../markers/taxonomy';
import type { PresetName } from '../model/config';
import type { CellEvent, ExperimentApi } from '../../../workers/experiment.api';
import type { CheckpointsState } from './checkpoints.svelte';
import { backendOptions, type BackendChoice } from './backend-choice';
import type { WorkerConnection } from './workers';

export const SWEEP_KEY = 'markerlab:sweep';

export interface StoredSweep {
  version: 1;
  dataset: string;
  spec: SweepSpec;
  cells: SweepCell[];
  results: CellResult[];
  /** Cell id → stored checkpoint id. */
  checkpoints: Record<string, string>;
  /** "category\u0000value" → share of the dataset's rows (which values are the long tail). */
  shares: Record<string, number>;
  lengthRule: LengthThresholds | null;
}

export interface ExperimentsOptions {
  connect: () => WorkerConnection<ExperimentApi>;
  rows: (dataset: string) => Promise<{ rows: Row[]; taxonomy: Taxonomy }>;
  checkpoints: CheckpointsState;
  storage?: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;
}

export class ExperimentsState {
  preset = $state<PresetName>('nano');
  steps = $state(200);
  batchSize = $state(16);
  lr = $state(3e-3);
  datasetRates = $state('0, 0.5');
  sampleRates = $state('0.5');
  seeds = $state('1');
  baseline = $state(true);
  prompts = $state(2);
  n = $state(4);
  maxTokens = $state(DEFAULT_EVAL.maxTokens);
  accuracyRows = $state(30);
  /** Which compute backend the experiment worker asks for (automatic: WebGPU first). */
  backendChoice = $state<BackendChoice>('auto');

  sweep = $state.raw<StoredSweep | null>(null);
  running = $state(false);
  stage = $state('');
  progress = $state.raw<{ step: number; totalSteps: number; loss: number } | null>(null);
  error = $state<string | null>(null);
  formError = $state<string | null>(null);
  #options: ExperimentsOptions;
  #storage: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'> | undefined;
  #connection: WorkerConnection<ExperimentApi> | null = null;

  constructor(options: ExperimentsOptions) {
    this.#options = options;
    this.#storage = options.storage ?? (typeof localStorage === 'undefined' ? undefined : localStorage);
  }

  /** Cells of the current sweep without a result yet. */
  get pending(): SweepCell[] {
    const done = new Set(this.sweep?.results.map((r) => r.cell.id) ?? []);
    return this.sweep?.cells.filter((c) => !done.has(c.id)) ?? [];
  }

  get findings(): Finding[] {
    const s = this.sweep;
    if (!s || s.results.length === 0) return [];
    return paperFindings(s.results, (c, v) => s.shares[`${c}\u0000${v}`] ?? 0, s.spec.eval.tailShare, s.lengthRule ?? undefined);
  }

  /** Restore the stored sweep (a reload keeps finished cells; the rest can be resumed). */
  start(): void {
    const raw = this.#storage?.getItem(SWEEP_KEY);
    if (!raw) return;
    try {
      const s = JSON.parse(raw) as StoredSweep;
      if (s.version === 1 && Array.isArray(s.cells) && Array.isArray(s.results)) this.sweep = s;
    } catch {
      this.#storage?.removeItem(SWEEP_KEY);
    }
  }

  /** The form as a sweep spec; null (with formError set) when a field does not parse. */
  specFromForm(dataset: string): SweepSpec | null {
    const list = (name: string, text: string, integer: boolean): number[] => {
      const parts = text.split(',').map((t) => t.trim()).filter((t) => t !== '');
      const values = parts.map(Number);
      if (parts.length === 0 || values.some((v) => !Number.isFinite(v) || (integer && !Number.isInteger(v)))) {
        throw new Error(`${name}: expected ${integer ? 'whole numbers' : 'numbers'} separated by commas, got "${text}"`);
      }
      return values;
    };
    try {
      const spec: SweepSpec = {
        dataset, preset: this.preset, steps: this.steps, batchSize: this.batchSize, lr: this.lr,
        datasetRates: list('Dataset-level dropout', this.datasetRates, false),
        sampleRates: list('Sample-level dropout', this.sampleRates, false),
        seeds: list('Seeds', this.seeds, true), baseline: this.baseline,
        eval: { ...DEFAULT_EVAL, prompts: this.prompts, n: this.n, maxTokens: this.maxTokens, accuracyRows: this.accuracyRows },
      };
      this.formError = null;
      return validateSweep(spec);
    } catch (err) {
      this.formError = message(err);
      return null;
    }
  }

  /** Run the form's grid on `dataset` (replaces the stored sweep). */
  async run(dataset: string): Promise<void> {
    const spec = this.specFromForm(dataset);
    if (spec) await this.#begin(spec);
  }

  /** The built-in experiment on the teaching set (about 20 minutes on two CPU cores). */
  async runPaper(): Promise<void> {
    await this.#begin(PAPER_SWEEP);
  }

  /** Continue a stored sweep from its first unfinished cell. */
  async resume(): Promise<void> {
    if (this.sweep && this.pending.length > 0) await this.#queue();
  }

  stop(): void {
    void this.#connection?.api.stop();
  }

  /** Forget the stored sweep (its checkpoints stay in the checkpoint list). */
  clear(): void {
    if (this.running) return;
    this.sweep = null;
    this.#storage?.removeItem(SWEEP_KEY);
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
    try {
      const { rows } = await this.#options.rows(spec.dataset);
      const counts = new Map<string, number>();
      for (const r of rows) for (const [k, v] of Object.entries(r.markers)) counts.set(`${k}\u0000${v}`, (counts.get(`${k}\u0000${v}`) ?? 0) + 1);
      this.#save({
        version: 1, dataset: spec.dataset, spec, cells: sweepCells(spec), results: [], checkpoints: {},
        shares: Object.fromEntries([...counts].map(([k, n]) => [k, n / Math.max(1, rows.length)])), lengthRule: lengthRuleOfRows(rows) ?? null,
      });
    } catch (err) {
      this.error = `Could not read "${spec.dataset}": ${message(err)}`;
      return;
    }
    await this.#queue();
  }

  async #queue(): Promise<void> {
    const sweep = this.sweep;
    if (!sweep || this.running) return;
    this.running = true;
    this.error = null;
    try {
      const { rows, taxonomy } = await this.#options.rows(sweep.dataset);
      this.#connection ??= this.#options.connect();
      const api = this.#connection.api;
      const choice = this.backendChoice;
      await api.init(backendOptions(choice));
      for (const cell of this.pending) {
        this.stage = `Starting ${cell.label}`;
        const onEvent = (e: CellEvent): void => {
          if (e.kind === 'stage') this.stage = e.stage;
          else this.progress = { step: e.step, totalSteps: e.totalSteps, loss: e.loss };
        };
        const { result, checkpoint } = await api.runCell(sweep.spec, rows, taxonomy, cell, Comlink.proxy(onEvent));
        const id = await this.#options.checkpoints.saveBytes(checkpoint, { name: `sweep ${cell.id}` });
        const now = this.sweep ?? sweep;
        this.#save({ ...now, results: [...now.results, result], checkpoints: { ...now.checkpoints, [cell.id]: id } });
      }
      this.stage = 'Sweep finished';
    } catch (err) {
      this.error = /CellStopped|stopped at step/.test(message(err)) ? `Stopped: ${message(err)}. Resume continues with that cell.` : `The sweep stopped: ${message(err)}`;
      this.stage = '';
    } finally {
      this.running = false;
      this.progress = null;
    }
  }

  #save(sweep: StoredSweep): void {
    this.sweep = sweep;
    try {
      this.#storage?.setItem(SWEEP_KEY, JSON.stringify(sweep));
    } catch (err) {
      this.error = `Results could not be stored for a reload: ${message(err)}`;
    }
  }
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
