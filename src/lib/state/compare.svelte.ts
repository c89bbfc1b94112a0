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
import { COMPARE, settingProblem } from '../settings';
import { Latest } from './latest';
import * as Comlink from 'comlink';
import type { ModelInfo, PlayedSample, PlayerApi } from '../../../workers/player.api';
import { violationRates, type ViolationResult } from '../eval/violation';
import type { LengthThresholds } from '../markers/annotate-dataset';
import type { CategoricalCategory, Markers, Taxonomy } from '../markers/taxonomy';
import { fromSafetensors } from '../model/checkpoint';
import type { SteerMode } from '../model/steer';
import { decodeIds, type TokenizerSpec } from '../tokenizer/tokenizer';
import type { CheckpointsState } from './checkpoints.svelte';
import type { WorkerConnection } from './workers';

export interface CompareOptions {
  connect: () => WorkerConnection<PlayerApi>;
  checkpoints: CheckpointsState;
}

export const MIN_COLUMNS = 2;
export const MAX_COLUMNS = 4;
export const DEFAULT_CHECKPOINT = 'builtin:demo';
/** One colour per column (A–D), used by its header, legend and histogram bars. */
export const COLUMN_COLOURS = ['#4f46e5', '#d97706', '#0d9488', '#db2777'] as const;
/** The shared settings' limits and help (declared in src/lib/settings/sampling.ts). */
export const LIMITS = COMPARE;

/** What a column's checkpoint offers: its taxonomy and the categories it was trained with. */
export interface ColumnModel {
  taxonomy: Taxonomy;
  tokenizer: TokenizerSpec;
  /** Categorical categories that went into its training blocks, in taxonomy order (none: no markers). */
  categories: CategoricalCategory[];
  /** The rule that labelled length_bucket in its training data (judges generated lengths). */
  lengthThresholds?: LengthThresholds;
  /** The model's context in tokens (prompt, marker blocks and answer share it). */
  contextSize: number;
}

export interface SharedSettings {
  prompt: string;
  seed: number;
  temperature: number;
  n: number;
  maxTokens: number;
}

/** One column's last run, with exactly the setting it ran with (later edits do not relabel it). */
export interface ColumnResult {
  checkpoint: string;
  checkpointName: string;
  markers: Markers;
  mode: SteerMode;
  settings: SharedSettings;
  samples: PlayedSample[];
  lengthThresholds?: LengthThresholds;
  violations: ViolationResult[];
}

export type ColumnStatus = 'idle' | 'queued' | 'loading' | 'sampling' | 'done' | 'stopped' | 'error';

export class CompareColumn {
  readonly key: number;
  checkpoint = $state(DEFAULT_CHECKPOINT);
  /** Category → value; a category left out is for the model to infer. */
  markers = $state.raw<Markers>({});
  mode = $state<SteerMode>('fixed');
  model = $state.raw<ColumnModel | null>(null);
  /** Why the checkpoint's taxonomy could not be read (shown next to the checkpoint picker). */
  modelError = $state<string | null>(null);
  status = $state<ColumnStatus>('idle');
  /** Why the last run of this column failed. */
  error = $state<string | null>(null);
  result = $state.raw<ColumnResult | null>(null);
  /** While sampling: each sample's answer so far (after its marker block), and tokens received. */
  live = $state.raw<string[]>([]);
  tokens = $state(0);

  constructor(key: number, init: { checkpoint?: string; markers?: Markers; mode?: SteerMode } = {}) {
    this.key = key;
    if (init.checkpoint) this.checkpoint = init.checkpoint;
    if (init.markers) this.markers = init.markers;
    if (init.mode) this.mode = init.mode;
  }

  /** Set (value) or unset (undefined: the model infers it) one category. */
  setMarker(category: string, value: string | undefined): void {
    const next = { ...this.markers };
    if (value === undefined || value === '') delete next[category];
    else next[category] = value;
    this.markers = next;
  }

  /** The setting differs from the one its shown result ran with. */
  get changedSinceRun(): boolean {
    const r = this.result;
    if (!r) return false;
    return r.checkpoint !== this.checkpoint || r.mode !== this.mode || !sameMarkers(r.markers, this.markers);
  }
}

export class CompareState {
  readonly checkpoints: CheckpointsState;
  columns = $state<CompareColumn[]>([]);
  prompt = $state('Tell me about the Olympic Games.');
  seed = $state(COMPARE.seed.default);
  temperature = $state(COMPARE.temperature.default);
  n = $state(COMPARE.n.default);
  maxTokens = $state(COMPARE.maxTokens.default);
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
      this.error = `The player worker did not start: ${message(err)}`;
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
      const stream = new LiveText(settings.n, model.tokenizer, (texts, tokens) => {
        if (!run.current) return;
        column.live = texts;
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
        ? `Sampling failed: ${message(err)}${context !== undefined && settings.prompt.length + settings.maxTokens > context
          ? ` (this checkpoint's context is ${context} tokens for prompt, marker blocks and answer: try fewer max tokens or a shorter prompt)` : ''}`
        : message(err);
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
      throw new Error(`could not read checkpoint "${this.checkpointName(id)}": ${message(err)}`);
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
      column.markers = keepKnown(column.markers, model);
      return model;
    } catch (err) {
      if (column.checkpoint !== id) return null;
      column.model = null;
      column.modelError = `Could not read "${this.checkpointName(id)}": ${message(err)}`;
      return null;
    }
  }
}

/**
 * A checkpoint file's taxonomy, tokenizer and trained categories (its training record's
 * `categories`: a list, or null/absent for "every categorical category").
 */
export function describeCheckpoint(bytes: Uint8Array, name: string): ColumnModel {
  const record = fromSafetensors(bytes, name);
  const trained = record.training?.categories;
  const allowed = Array.isArray(trained) ? new Set(trained.filter((c): c is string => typeof c === 'string')) : null;
  const categories = record.taxonomy.categories.filter(
    (c): c is CategoricalCategory => c.kind === 'categorical' && (allowed === null || allowed.has(c.name)),
  );
  const lengthThresholds = readThresholds(record.training?.lengthThresholds);
  return {
    taxonomy: record.taxonomy, tokenizer: record.tokenizer, categories, contextSize: record.config.blockSize,
    ...(lengthThresholds ? { lengthThresholds } : {}),
  };
}

function readThresholds(value: unknown): LengthThresholds | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const t = value as Record<string, unknown>;
  const ok = typeof t.concise === 'number' && typeof t.medium === 'number' && typeof t.mode === 'string' && t.concise <= t.medium;
  return ok ? (value as LengthThresholds) : undefined;
}

/**
 * Why a column cannot reach the length bucket it asks for within `maxTokens` (which also pays for
 * the marker block), or null.
 *
 * @example
 * unreachableLength({ length_bucket: 'long' }, { mode: 'labels', concise: 81, medium: 300 }, 120)
 * // → 'long answers need more than 300 tokens; max tokens is 120'
 */
export function unreachableLength(markers: Markers, thresholds: LengthThresholds | undefined, maxTokens: number): string | null {
  const bucket = markers.length_bucket;
  if (!thresholds || (bucket !== 'long' && bucket !== 'medium')) return null;
  const need = bucket === 'long' ? thresholds.medium + 1 : thresholds.concise;
  if (maxTokens >= need) return null;
  return bucket === 'long'
    ? `long answers need more than ${thresholds.medium} tokens; max tokens is ${maxTokens}`
    : `medium answers need at least ${thresholds.concise} tokens; max tokens is ${maxTokens}`;
}

/** The markers whose category and value the checkpoint knows. */
function keepKnown(markers: Markers, model: ColumnModel): Markers {
  const out: Markers = {};
  for (const [name, value] of Object.entries(markers)) {
    if (model.categories.some((c) => c.name === name && c.values.includes(value))) out[name] = value;
  }
  return out;
}

function sameMarkers(a: Markers, b: Markers): boolean {
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => a[k] === b[k]);
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * Streamed token ids → each sample's answer so far (the text after its marker block), published at
 * most every 100 ms so a fast worker does not re-render the page per token.
 */
class LiveText {
  #ids: number[][];
  #tokens = 0;
  #timer: ReturnType<typeof setTimeout> | null = null;
  #tokenizer: TokenizerSpec;
  #publish: (texts: string[], tokens: number) => void;
  constructor(n: number, tokenizer: TokenizerSpec, publish: (texts: string[], tokens: number) => void) {
    this.#ids = Array.from({ length: n }, () => []);
    this.#tokenizer = tokenizer;
    this.#publish = publish;
  }
  push(sequence: number, id: number): void {
    this.#ids[sequence]?.push(id);
    this.#tokens++;
    this.#timer ??= setTimeout(() => this.flush(), 100);
  }
  flush(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    this.#publish(this.#ids.map((ids) => this.#answer(ids)), this.#tokens);
  }
  /** Text pieces after the block closes ('' while the model still writes its markers). */
  #answer(ids: number[]): string {
    const { pieces } = decodeIds(this.#tokenizer, ids);
    const close = pieces.findIndex((p) => p.type === 'blockClose');
    if (close < 0) return '';
    return pieces.slice(close + 1).map((p) => (p.type === 'text' ? p.text : '')).join('');
  }
}
