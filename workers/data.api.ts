/**
 * The data worker: loading, importing and annotating datasets off the main thread
 * (language identification costs ~1 ms a row, too much to run beside the UI).
 * Rows stay in the worker; the page receives summaries, statistics and one page of rows at a time.
 */
import { BUILTIN_DATASETS, loadBuiltin } from '../src/lib/data/builtin';
import { blobSource, importDatasetStream } from '../src/lib/data/import-stream';
import { ImportError, importDataset, type ImportFormat, type ImportIssue } from '../src/lib/data/parse';
import { prepareDataset, type PreparedDataset } from '../src/lib/data/pipeline';
import type { DatasetStats, TailValue } from '../src/lib/data/stats';
import type { Row } from '../src/lib/data/types';
import type { LengthThresholds } from '../src/lib/markers/annotate-dataset';
import { applyDropout, previewDropout, validateDropout, type DropoutConfig, type DropoutResult } from '../src/lib/markers/dropout';
import { defaultTaxonomy, markersInBlocks, type Markers, type Taxonomy } from '../src/lib/markers/taxonomy';
import type { Piece } from '../src/lib/markers/template';
import { tokenizerReport, type TokenizerReport } from '../src/lib/data/tokenizer-report';
import type { LearnedTokenizer, LearnProgress } from '../src/lib/tokenizer/tokenizer';
import type { TokenizerRequest } from '../src/lib/settings/training';
import { TokenizerJobs } from './tokenizer-jobs';

export interface BuiltinInfo {
  name: string;
  title: string;
  description: string;
  rows: number;
}

/** How an uploaded file was read. */
export interface UploadReport {
  fileName: string;
  format: ImportFormat;
  /** Rows left out (lenient mode only), the first ones in detail. */
  skippedCount: number;
  skipped: ImportIssue[];
  warnings: ImportIssue[];
}

export interface DatasetSummary {
  name: string;
  title: string;
  description: string;
  stats: DatasetStats;
  tail: TailValue[];
  lengthThresholds?: LengthThresholds;
  /** Present for uploaded files. */
  upload?: UploadReport;
}

export type ImportOutcome =
  | { ok: true; summary: DatasetSummary }
  /** The file was refused: nothing was added. `issues` point at file, line and field. */
  | { ok: false; fileName: string; message: string; issues: ImportIssue[]; count: number };

export interface ImportFileOptions {
  /** Skip bad rows (and report them) instead of refusing the file. */
  lenient?: boolean;
  /** The dataset's name; default a fresh one made from the file name. */
  name?: string;
}

export interface ExampleQuery {
  /** Case-insensitive text searched in prompt and completion. */
  query?: string;
  /** Category → value; a row must carry every one of them. */
  filter?: Markers;
  offset?: number;
  /** Default 20. */
  limit?: number;
}

export interface ExamplePage {
  rows: Row[];
  /** Rows matching the query and filter, on all pages. */
  total: number;
}

export interface PreviewOptions {
  /** How many examples (default 4). */
  count?: number;
  /** Dropout epoch: each epoch is a fresh draw. */
  epoch?: number;
  /** Which examples: the k-th set of `count` rows spread over the dataset. */
  start?: number;
  /** Categories the blocks carry (null: every categorical one, as training does by default). */
  categories?: readonly string[] | null;
}

export interface PreviewItem extends DropoutResult {
  row: Row;
  input: Piece[];
  target: Piece[];
}

export interface DropoutPreviewResult {
  items: PreviewItem[];
  /** The block's wrapper name, e.g. MARKER_LIST. */
  wrapper: string;
  /** Over every row of the dataset at this epoch: what the setting does in aggregate. */
  totals: { rows: number; withoutPromptMarkers: number; markers: number; keptMarkers: number };
}

export interface DataApi {
  /** The built-in datasets the picker offers. */
  builtins(): BuiltinInfo[];
  /** Load (generate or fetch), annotate and summarise a built-in dataset; cached per name. */
  loadBuiltin(name: string): Promise<DatasetSummary>;
  /**
   * Import an uploaded file (JSONL, JSON, CSV), annotate it and keep it under `options.name` (the
   * page chooses: it knows the names stored in the browser; a dataset loaded under that name is
   * replaced) or else a fresh name (`my.jsonl`, then `my.jsonl (2)`, …). A refused file is an
   * `ok: false` outcome, not a throw, so its issues (file, line, field) cross the worker boundary
   * intact and nothing loaded changes. `file` is the upload itself (a File or Blob: read here as a
   * stream, a JSONL line at a time, never whole) or its bytes (transfer them).
   */
  importFile(fileName: string, file: Uint8Array | Blob, options?: ImportFileOptions): Promise<ImportOutcome>;
  /** Drop an uploaded dataset's rows and tokenizers (it was deleted); an unknown name is ignored. */
  forget(name: string): void;
  /** The annotated rows and taxonomy of a dataset already loaded (for the trainer). */
  rows(name: string): Promise<{ rows: Row[]; taxonomy: Taxonomy }>;
  /** One page of the rows matching a text search and marker filter. */
  examples(name: string, query?: ExampleQuery): Promise<ExamplePage>;
  /** What a few rows turn into in training under a dropout setting (input and target pieces). */
  preview(name: string, config: DropoutConfig, options?: PreviewOptions): Promise<DropoutPreviewResult>;
  /**
   * Learn the tokenizer a run from scratch would use on this dataset (off the page's thread, with
   * progress) and report what it does to the rows, blocks carrying `categories`. Latest wins: a call
   * for another request cancels one still learning (it rejects); a request learned before is reused.
   */
  learnTokenizer(name: string, request: TokenizerRequest, onProgress?: (p: LearnProgress) => void, categories?: readonly string[] | null): Promise<TokenizerReport>;
  /**
   * The tokenizer of `request` for the trainer: learned already, being learned (awaited), or learned
   * now. Null when it was cancelled meanwhile: the session then learns it itself.
   */
  learnedTokenizer(name: string, request: TokenizerRequest): Promise<LearnedTokenizer | null>;
}

/** @example Comlink.expose(createDataApi()) in data.worker.ts */
export function createDataApi(): DataApi {
  const prepared = new Map<string, Promise<PreparedDataset>>();
  // Lower-cased prompt + completion per row, built on the first search of a dataset.
  const haystacks = new WeakMap<readonly Row[], string[]>();

  /** A loaded dataset; a built-in one is loaded on first use (e.g. the paper experiment's teaching set). */
  async function get(name: string): Promise<PreparedDataset> {
    const ds = prepared.get(name) ?? (BUILTIN_DATASETS.some((b) => b.name === name) ? loadPrepared(name) : undefined);
    if (!ds) throw new Error(`dataset "${name}" is not loaded`);
    return ds;
  }

  function loadPrepared(name: string): Promise<PreparedDataset> {
    const ds = loadBuiltin(name).then((rows) => prepareDataset(name, rows, defaultTaxonomy()));
    prepared.set(name, ds);
    ds.catch(() => prepared.delete(name));
    return ds;
  }

  const tokenizers = new TokenizerJobs(get);

  function freeName(fileName: string): string {
    const taken = (n: string): boolean => prepared.has(n) || BUILTIN_DATASETS.some((b) => b.name === n);
    if (!taken(fileName)) return fileName;
    let k = 2;
    while (taken(`${fileName} (${k})`)) k++;
    return `${fileName} (${k})`;
  }

  return {
    builtins: () => BUILTIN_DATASETS.map(({ name, title, description, rows }) => ({ name, title, description, rows })),

    async loadBuiltin(name) {
      const info = BUILTIN_DATASETS.find((d) => d.name === name);
      if (!info) throw new Error(`unknown built-in dataset "${name}"`);
      return summarise(await get(name), info.title, info.description);
    },

    async importFile(fileName, file, options = {}) {
      let imported;
      try {
        const importOptions = { mode: options.lenient ? 'lenient' : 'strict', taxonomy: defaultTaxonomy() } as const;
        imported = file instanceof Uint8Array
          ? importDataset(file, fileName, importOptions)
          : await importDatasetStream(blobSource(file), fileName, importOptions);
      } catch (err) {
        if (!(err instanceof ImportError)) throw err;
        return { ok: false, fileName, message: err.message, issues: err.issues, count: err.count };
      }
      const name = options.name ?? freeName(fileName);
      const ds = prepareDataset(name, imported.rows, imported.taxonomy, { handOver: true }); // fresh rows: annotated in place
      tokenizers.forget(name); // learned on rows this name held before, if any
      const upload: UploadReport = {
        fileName,
        format: imported.format,
        skippedCount: imported.skippedCount,
        skipped: imported.skipped,
        warnings: imported.warnings,
      };
      prepared.set(name, Promise.resolve(ds));
      const rows = `${ds.rows.length.toLocaleString('en')} row${ds.rows.length === 1 ? '' : 's'}`;
      const description = `Uploaded ${imported.format.toUpperCase()} file, ${rows}; markers the file did not carry were annotated here.`;
      return { ok: true, summary: { ...summarise(ds, name, description), upload } };
    },

    forget(name) {
      if (BUILTIN_DATASETS.some((b) => b.name === name)) return;
      prepared.delete(name);
      tokenizers.forget(name);
    },

    async rows(name) {
      const { rows, taxonomy } = await get(name);
      return { rows, taxonomy };
    },

    async examples(name, { query = '', filter = {}, offset = 0, limit = 20 } = {}) {
      const { rows } = await get(name);
      const needle = query.trim().toLowerCase();
      let texts = haystacks.get(rows);
      if (needle && !texts) {
        texts = rows.map((r) => `${r.prompt}\n${r.completion}`.toLowerCase());
        haystacks.set(rows, texts);
      }
      const wanted = Object.entries(filter);
      const matching: Row[] = [];
      rows.forEach((row, i) => {
        if (!wanted.every(([k, v]) => Object.hasOwn(row.markers, k) && row.markers[k] === v)) return;
        if (needle && !texts![i]!.includes(needle)) return;
        matching.push(row);
      });
      const from = Math.max(0, Math.floor(offset));
      return { rows: matching.slice(from, from + Math.max(0, Math.floor(limit))), total: matching.length };
    },

    async preview(name, config, { count = 4, epoch = 0, start = 0, categories = null } = {}) {
      const { rows: all, taxonomy } = await get(name);
      // The markers training would put in the blocks (numeric ones only when chosen).
      const rows = all.map((r) => ({ ...r, markers: markersInBlocks(r.markers, taxonomy, categories) }));
      validateDropout(config, taxonomy);
      const n = rows.length;
      const k = Math.min(count, n);
      // `count` rows spread evenly over the dataset; `start` shifts every pick to a neighbour.
      const picks = Array.from({ length: k }, (_, i) => (Math.floor((i * n) / k) + start) % n);
      const items = picks.map((i): PreviewItem => {
        const row = rows[i]!;
        const { input, target, kept, dropped, datasetLevel } = previewDropout(row, config, taxonomy, epoch);
        return { row, input, target, kept, dropped, datasetLevel };
      });
      const totals = { rows: n, withoutPromptMarkers: 0, markers: 0, keptMarkers: 0 };
      for (const row of rows) {
        const { kept } = applyDropout(row.markers, config, row.id, epoch);
        const keptCount = Object.keys(kept).length;
        totals.markers += Object.keys(row.markers).length;
        totals.keptMarkers += keptCount;
        if (keptCount === 0) totals.withoutPromptMarkers++;
      }
      return { items, wrapper: taxonomy.wrapper, totals };
    },

    async learnTokenizer(name, request, onProgress, categories = null) {
      const { spec } = await tokenizers.latest(name, request, onProgress);
      const { rows, taxonomy } = await get(name);
      return tokenizerReport(spec, rows, taxonomy, categories);
    },

    learnedTokenizer: (name, request) => tokenizers.learned(name, request),
  };
}

function summarise(ds: PreparedDataset, title: string, description: string): DatasetSummary {
  const summary: DatasetSummary = { name: ds.name, title, description, stats: ds.stats, tail: ds.tail };
  if (ds.annotation.lengthThresholds) summary.lengthThresholds = ds.annotation.lengthThresholds;
  return summary;
}
