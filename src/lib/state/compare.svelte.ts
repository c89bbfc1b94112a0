/**
 * The Compare view's state: two to four columns, each a marker setting and a checkpoint, sampled
 * with one shared prompt, seed, temperature, N and max tokens, so the only difference between
 * columns is the column's own setting. One player worker serves every column in turn (it loads a
 * column's checkpoint when it differs from the one loaded); each column keeps the result of its
 * last run with the setting it ran with, judged by `violationRates` (src/lib/eval/violation.ts).
 *
 * A column's marker controls come from its checkpoint's own taxonomy, read on this thread from the
 * file's metadata (no worker needed until "Run comparison").
 *
 * @example
 * const compare = new CompareState({ connect: newPlayer, checkpoints });
 * await compare.start();                          // reads the demo checkpoint's taxonomy
 * compare.columns[1]!.setMarker('length_bucket', 'long');
 * await compare.run();                            // samples column A, then column B
 * compare.columns[1]!.result?.violations;         // [{ category: 'length_bucket', rate: 0.25, … }]
 */
import * as Comlink from 'comlink';
import type { ModelInfo, PlayerApi } from '../../../workers/player.api';
import { violationRates } from '../eval/violation';
import { COMPARE, settingProblem } from '../settings';
import { DEFAULT_CHECKPOINT, type CheckpointsState } from './checkpoints.svelte';
import { CompareColumn, type ColumnResult, type SharedSettings } from './compare-column.svelte';
import { answerSoFar, describeCheckpoint, keepKnown, type ColumnModel } from './compare-model';
import { Latest } from './latest';
import { TokenStream } from './token-stream';
import { tokensForChars } from '../tokenizer/tokenizer';
import { roomyMaxTokens } from './length-budget';
import type { WorkerConnection } from './workers';
import { errorMessage } from '../util/errors';

export interface CompareOptions {
  connect: () => WorkerConnection<PlayerApi>;
  checkpoints: CheckpointsState;
}

export { describeCheckpoint, unreachableLength, type ColumnModel } from './compare-model';
export { CompareColumn, type ColumnResult, type ColumnStatus, type SharedSettings } from './compare-column.svelte';
export { DEFAULT_CHECKPOINT } from './checkpoints.svelte';

export const MIN_COLUMNS = 2;
export const MAX_COLUMNS = 4;
/** One colour per column (A–D), used by its header, legend and histogram bars. */
export const COLUMN_COLOURS = ['#4f46e5', '#d97706', '#0d9488', '#db2777'] as const;
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
  running = $state(false);
  /** A failure outside any one column (the worker would not start). */
  error = $state<string | null>(null);
  /** The player's compute backend once started, e.g. "webgpu". */
  backend = $state<string | null>(null);

  #connect: () => WorkerConnection<PlayerApi>;
  #conn: WorkerConnection<PlayerApi> | null = null;
  /** The checkpoint in the worker and what its load returned. */
  #loaded: { id: string; info: ModelInfo } | null = null;
  /** Comparison runs: a stopped or superseded run changes nothing more. */
  readonly #runs = new Latest();
  #nextKey = 0;
  #models = new Map<string, Promise<ColumnModel>>();

  constructor(options: CompareOptions) {
    this.#connect = options.connect;
    this.checkpoints = options.checkpoints;
    // A: the model infers every marker (the baseline); B: asks for long answers, forced into its block.
    this.columns = [this.#column(), this.#column({ markers: { length_bucket: 'long' } })];
  }

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

  /** Point a column at another checkpoint; markers it does not know are dropped once it is read. */
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
    const run = this.#runs.next();
    const settings: SharedSettings = { prompt: this.prompt, seed: this.seed, temperature: this.temperature, n: this.n, maxTokens: this.maxTokens };
    const columns = [...this.columns];
    this.running = true;
    this.error = null;
    for (const c of columns) {
      c.status = 'queued';
      c.error = null;
    }
    try {
      const api = await this.#api();
      for (const column of columns) {
        if (!run.current) return;
        await this.#runColumn(api, column, settings, run);
      }
    } catch (err) {
      if (!run.current) return;
      this.error = `The player worker did not start: ${errorMessage(err)}`;
      for (const c of columns) if (c.status === 'queued') c.status = 'idle';
    } finally {
      if (run.current) this.running = false;
    }
  }

  /** End a run now: the worker is ended (a new one starts on the next run). */
  stop(): void {
    if (!this.running) return;
    this.#runs.cancel();
    this.#close();
    this.running = false;
    for (const c of this.columns) {
      if (c.status === 'queued' || c.status === 'loading' || c.status === 'sampling') c.status = 'stopped';
    }
  }

  /** Free the worker (the view calls this when it is destroyed). */
  dispose(): void {
    this.#runs.cancel();
    this.#close();
    this.running = false;
  }

  /** The display name of a checkpoint id. */
  checkpointName(id: string): string {
    return this.checkpoints.entries.find((e) => e.id === id)?.name ?? id;
  }

  async #runColumn(api: PlayerApi, column: CompareColumn, settings: SharedSettings, run: { readonly current: boolean }): Promise<void> {
    const checkpoint = column.checkpoint;
    const mode = column.mode;
    try {
      column.status = 'loading';
      const model = await this.#describe(column);
      if (!model) throw new Error(column.modelError ?? 'the checkpoint could not be read');
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
        checkpoint, checkpointName: this.checkpointName(checkpoint), markers, mode, settings, samples,
        ...(lengthThresholds ? { lengthThresholds } : {}),
        violations: violationRates(markers, samples.map((s) => ({ ...s.measured, finished: s.finished })), lengthThresholds ? { lengthThresholds } : {}),
      };
      column.live = [];
      column.status = 'done';
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

  /** Load a checkpoint into the worker unless it is the one loaded. */
  async #load(api: PlayerApi, id: string): Promise<ModelInfo> {
    if (this.#loaded?.id === id) return this.#loaded.info;
    this.#loaded = null;
    let bytes: Uint8Array;
    try {
      bytes = await this.checkpoints.bytes(id);
    } catch (err) {
      throw new Error(`could not read checkpoint "${this.checkpointName(id)}": ${errorMessage(err)}`);
    }
    const info = await api.load(Comlink.transfer(bytes, [bytes.buffer]));
    this.#loaded = { id, info };
    return info;
  }

  async #api(): Promise<PlayerApi> {
    if (!this.#conn) {
      const conn = this.#connect();
      this.#conn = conn;
      this.#loaded = null;
      try {
        // A Remote<PlayerApi> answers every method with a promise, as PlayerApi's own methods do.
        const report = await (conn.api as PlayerApi).init();
        this.backend = report.backend;
      } catch (err) {
        this.#close();
        throw err;
      }
    }
    return this.#conn.api as PlayerApi;
  }

  #close(): void {
    this.#conn?.close();
    this.#conn = null;
    this.#loaded = null;
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

  /** Read (once per checkpoint) what the column's checkpoint offers; markers it lacks are dropped. */
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
      column.markers = keepKnown(column.markers, model);
      return model;
    } catch (err) {
      if (column.checkpoint !== id) return null;
      column.model = null;
      column.modelError = `Could not read "${this.checkpointName(id)}": ${errorMessage(err)}`;
      return null;
    }
  }
}
