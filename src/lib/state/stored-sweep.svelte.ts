/**
 * A dropout sweep as it is kept: the record in IndexedDB (src/lib/experiment/store.ts: its cells,
 * the results so far, each finished cell's checkpoint id — the checkpoints themselves go to the
 * checkpoint store through CheckpointsState) and what is read off it: the cells left, the paper's
 * four findings, the time the rest may take, the exports. A reload restores it. It is the sweep
 * form (SweepFormState) plus the record; ExperimentsState (experiments.svelte.ts) adds the queue that
 * runs the cells and fills it.
 *
 * @example
 * // experiments: an ExperimentsState, which is a StoredSweepState
 * await experiments.start();  // the stored sweep, if any; experiments.pending: its unfinished cells
 * experiments.findings;       // the paper's four findings, once a cell has a result
 * experiments.exportCsv();    // one row per finished cell
 */
import type { Row } from '../data/types';
import { shareOf, valueShares } from '../eval/head-tail';
import { paperFindings, type Finding } from '../experiment/findings';
import { resultsCsv } from '../experiment/report';
import type { CellResult } from '../experiment/run-cell';
import { IdbSweepStore, MemorySweepStore, type StoredSweep, type SweepStore } from '../experiment/store';
import { sweepCells, type SweepCell, type SweepSpec } from '../experiment/sweep';
import { lengthRuleOfRows } from '../markers/annotate-dataset';
import type { CheckpointsState } from './checkpoints.svelte';
import { SweepFormState } from './sweep-form.svelte';
import type { BackendChoices } from './backend-choices.svelte';
import { errorMessage } from '../util/errors';

export class StoredSweepState extends SweepFormState {
  sweep = $state.raw<StoredSweep | null>(null);
  /** True once start() has read the store (or failed to). */
  loaded = $state(false);
  /** Something worth saying that is not an error (the paper's time estimate, a stop). */
  notice = $state<string | null>(null);
  error = $state<string | null>(null);

  protected readonly checkpoints: CheckpointsState;
  readonly #store: SweepStore;

  /**
   * `store`: where the sweep is kept; IndexedDB (`markerlab-experiments`) when the browser has it.
   * `choices`: where the compute choice is remembered (SweepFormState).
   */
  constructor(checkpoints: CheckpointsState, store?: SweepStore, choices?: BackendChoices) {
    super(choices);
    this.checkpoints = checkpoints;
    this.#store = store ?? (typeof indexedDB === 'undefined' ? new MemorySweepStore() : new IdbSweepStore());
  }

  /** Cells of the current sweep without a result yet, in run order. */
  get pending(): SweepCell[] {
    const done = new Set(this.sweep?.results.map((r) => r.cell.id) ?? []);
    return this.sweep?.cells.filter((c) => !done.has(c.id)) ?? [];
  }

  get findings(): Finding[] {
    const s = this.sweep;
    if (!s || s.results.length === 0) return [];
    return paperFindings(s.results, shareOf(s.shares), s.spec.eval.tailShare, s.lengthRule ?? undefined);
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

  exportJson(): string {
    return `${JSON.stringify({ ...this.sweep, findings: this.findings }, null, 1)}\n`;
  }

  exportCsv(): string {
    return resultsCsv(this.sweep?.results ?? []);
  }

  /** Forget the stored sweep (its checkpoints stay in the checkpoint list). */
  protected async forget(): Promise<void> {
    this.sweep = null;
    this.notice = null;
    this.error = null;
    try {
      await this.#store.clear();
    } catch (err) {
      this.error = `Could not clear the stored sweep: ${errorMessage(err)}`;
    }
  }

  /** A cell finished: store its checkpoint, then its result (kept even when the checkpoint is not). */
  protected async addResult(cell: SweepCell, result: CellResult, checkpoint: Uint8Array): Promise<void> {
    let id: string | null = null;
    const spec = this.sweep?.spec;
    try {
      id = await this.checkpoints.saveBytes(checkpoint, { name: `sweep ${cell.id} · ${spec?.preset ?? ''} ${spec?.steps ?? ''} steps`.trim() });
    } catch (err) {
      this.error = `The checkpoint of ${cell.label} could not be saved (its results are kept): ${errorMessage(err)}`;
    }
    const now = this.sweep;
    if (!now) return;
    await this.save({ ...now, results: [...now.results, result], checkpoints: id === null ? now.checkpoints : { ...now.checkpoints, [cell.id]: id } });
  }

  /** Show `sweep` and store it for a reload (a failure keeps it on this page). */
  protected async save(sweep: StoredSweep): Promise<void> {
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

/**
 * A new sweep's record for `spec` on these rows: every cell queued, no results, each marker value's
 * share of the rows (which values are the long tail) and the rows' length rule.
 *
 * @example
 * const sweep = newSweep(PAPER_SWEEP, rows); // sweep.cells.length === sweepCells(PAPER_SWEEP).length; sweep.results: []
 */
export function newSweep(spec: SweepSpec, rows: Row[]): StoredSweep {
  return {
    version: 1, dataset: spec.dataset, spec, cells: sweepCells(spec), results: [], checkpoints: {},
    shares: valueShares(rows),
    lengthRule: lengthRuleOfRows(rows) ?? null, createdAt: Date.now(),
  };
}
