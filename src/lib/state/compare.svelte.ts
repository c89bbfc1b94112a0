/**
 * The Compare view's state: two to four columns, each a marker setting and a checkpoint, sampled
 * with one shared prompt, seed, temperature, N and max tokens, so the only difference between
 * columns is the column's own setting. One player worker serves every column in turn
 * (ComparePlayer, compare-player.ts: it loads a column's checkpoint when it differs from the one
 * loaded, and streams the column's samples; it is not Play's worker, see player-client.ts); each
 * column (CompareColumn) keeps the result of its last run with the setting it ran with, judged by
 * `violationRates` (src/lib/eval/violation.ts). This class holds the columns and the shared
 * settings; the run over the columns (and what it does after a lost GPU device) is CompareRun.
 *
 * A column's marker controls come from its checkpoint's own taxonomy, read on this thread from the
 * file's metadata (no worker needed until "Run comparison").
 *
 * @example
 * const compare = new CompareState({ connect: newPlayer, backendPlan, checkpoints });
 * await compare.start();                          // reads the demo checkpoint's taxonomy
 * compare.columns[1]!.setMarker('length_bucket', 'long');
 * await compare.run();                            // samples column A, then column B
 * compare.columns[1]!.result?.violations;         // [{ category: 'length_bucket', rate: 0.25, … }]
 */
import type { PlayerApi } from '../../../workers/player.api';
import type { BackendPlan } from './backend-worker';
import { COMPARE, settingProblem } from '../settings';
import { DEFAULT_CHECKPOINT, type CheckpointsState } from './checkpoints.svelte';
import { CompareColumn, type SharedSettings } from './compare-column.svelte';
import { describeCheckpoint, markerModel, type ColumnModel } from './compare-model';
import { markersForModel } from './model-markers';
import { CompareRun } from './compare-run.svelte';
import type { BackendName } from '../model/backend';
import { roomyMaxTokens } from './length-budget';
import type { WorkerConnection } from './workers';
import { errorMessage } from '../util/errors';

export interface CompareOptions {
  connect: () => WorkerConnection<PlayerApi>;
  /** How the player's 'auto' backend is chosen (BackendStatus.planFor); none: the fixed order. */
  backendPlan?: BackendPlan;
  checkpoints: CheckpointsState;
}

export { describeCheckpoint, unreachableLength, type ColumnModel } from './compare-model';
export { CompareColumn, type ColumnResult, type ColumnStatus, type SharedSettings } from './compare-column.svelte';
export { DEFAULT_CHECKPOINT } from './checkpoints.svelte';

export const MIN_COLUMNS = 2;
export const MAX_COLUMNS = 4;
/** The shared settings' limits and help (declared in src/lib/settings/sampling.ts). */
export const LIMITS = COMPARE;

export class CompareState {
  readonly checkpoints: CheckpointsState;
  columns = $state<CompareColumn[]>([]);
  prompt = $state('Tell me about the Olympic Games.');
  seed = $state(COMPARE.seed.default);
  temperature = $state(COMPARE.temperature.default);
  n = $state(COMPARE.n.default);
  maxTokens = $state(COMPARE.maxTokens.default);
  #autoMaxTokens: number = COMPARE.maxTokens.default;

  readonly #runner: CompareRun;
  #nextKey = 0;
  #models = new Map<string, Promise<ColumnModel>>();

  constructor(options: CompareOptions) {
    this.checkpoints = options.checkpoints;
    this.#runner = new CompareRun({
      connect: options.connect, ...(options.backendPlan ? { backendPlan: options.backendPlan } : {}), checkpoints: options.checkpoints,
      name: (id) => this.checkpointName(id), describe: (column) => this.#describe(column),
    });
    // A: the model infers every marker (the baseline); B: asks for long answers, forced into its block.
    this.columns = [this.#column(), this.#column({ markers: { length_bucket: 'long' } })];
  }

  // The run (CompareRun) as the view reads it.
  get running(): boolean { return this.#runner.running; }
  /** A failure outside any one column (the worker would not start, a second device loss in a row). */
  get error(): string | null { return this.#runner.error; }
  /** The player's compute backend once started, e.g. "webgpu". */
  get backend(): BackendName | null { return this.#runner.backend; }
  /** After a lost GPU device: what happened and what Compare did about it, in words (null: no loss). */
  get notice(): string | null { return this.#runner.notice; }

  /** Read the taxonomies of the columns' checkpoints. Never throws (errors go to the columns). */
  async start(): Promise<void> {
    await Promise.all(this.columns.map((c) => this.#describe(c)));
  }

  get canAdd(): boolean {
    return this.columns.length < MAX_COLUMNS && !this.running;
  }
  get canRemove(): boolean {
    return this.columns.length > MIN_COLUMNS && !this.running;
  }

  /** A new column copying the last one's checkpoint and mode, with no markers set. */
  addColumn(): CompareColumn | undefined {
    if (!this.canAdd) return undefined;
    const last = this.columns.at(-1);
    const column = this.#column({ checkpoint: last?.checkpoint ?? DEFAULT_CHECKPOINT, mode: last?.mode ?? 'fixed' });
    this.columns = [...this.columns, column];
    void this.#describe(column);
    return column;
  }

  removeColumn(key: number): void {
    if (!this.canRemove) return;
    this.columns = this.columns.filter((c) => c.key !== key);
  }

  /** Point a column at another checkpoint; once it is read the column's markers are fitted to it (markersForModel). */
  async setCheckpoint(column: CompareColumn, id: string): Promise<void> {
    column.checkpoint = id;
    await this.#describe(column);
  }

  /** The first problem with the shared settings, in words, or null. */
  get settingsError(): string | null {
    for (const [value, setting] of [[this.n, COMPARE.n], [this.maxTokens, COMPARE.maxTokens], [this.temperature, COMPARE.temperature], [this.seed, COMPARE.seed]] as const) {
      const problem = settingProblem(setting, value);
      if (problem !== null) return problem;
    }
    return null;
  }

  /**
   * Sample every column in turn with the shared settings. A column that fails shows its error and
   * the others still run; `stop()` ends the run (finished columns keep their samples).
   */
  async run(): Promise<void> {
    if (this.running || this.settingsError) return;
    const settings: SharedSettings = { prompt: this.prompt, seed: this.seed, temperature: this.temperature, n: this.n, maxTokens: this.maxTokens };
    await this.#runner.run([...this.columns], settings);
  }

  /** End a run now: the column being sampled stops at its next token; the worker and its checkpoint stay for the next run. */
  stop(): void {
    this.#runner.stop(this.columns);
  }

  /** Free the worker (the view calls this when it is destroyed). */
  dispose(): void {
    this.#runner.dispose();
  }

  /** The display name of a checkpoint id. */
  checkpointName(id: string): string {
    return this.checkpoints.entries.find((e) => e.id === id)?.name ?? id;
  }

  /**
   * The default budget follows the columns' models (the same rule as Play), so the defaults never
   * trigger the "max tokens is too small" warning; a budget the user chose is left alone.
   */
  #fitBudget(): void {
    if (this.maxTokens !== this.#autoMaxTokens) return;
    const fits = this.columns.flatMap((c) => (c.model ? [roomyMaxTokens(c.model.lengthThresholds, c.model.charsPerToken, 64, COMPARE.maxTokens.max)] : []));
    if (fits.length > 0) this.maxTokens = this.#autoMaxTokens = Math.max(...fits);
  }

  #column(init: ConstructorParameters<typeof CompareColumn>[1] = {}): CompareColumn {
    return new CompareColumn(this.#nextKey++, init);
  }

  /** Read (once per checkpoint) what the column's checkpoint offers, and fit the column's markers to it (markersForModel). */
  async #describe(column: CompareColumn): Promise<ColumnModel | null> {
    const id = column.checkpoint;
    let pending = this.#models.get(id);
    if (!pending) {
      pending = this.checkpoints.bytes(id).then((bytes) => describeCheckpoint(bytes, this.checkpointName(id)));
      this.#models.set(id, pending);
      pending.catch(() => this.#models.delete(id));
    }
    try {
      const model = await pending;
      if (column.checkpoint !== id) return null;
      column.model = model;
      column.modelError = null;
      this.#fitBudget();
      // The rule Play follows too (model-markers.ts): what the model cannot take is left out, a value
      // it never learned is kept; either is said next to the column's markers.
      const { kept, notes } = markersForModel(column.markers, markerModel(model));
      column.markers = kept;
      column.markerNotes = notes;
      return model;
    } catch (err) {
      if (column.checkpoint !== id) return null;
      column.model = null;
      column.modelError = `Could not read "${this.checkpointName(id)}": ${errorMessage(err)}`;
      return null;
    }
  }
}
