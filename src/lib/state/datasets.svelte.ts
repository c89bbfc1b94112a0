/**
 * The datasets the page knows about and the one being looked at; the Data view's two windows onto
 * the rows (example browser, dropout preview) are in row-windows.svelte.ts. Talks to the data
 * worker; what it keeps is plain data the components draw. Rows stay in the worker.
 *
 * @example
 * const datasets = new DatasetsState(Comlink.wrap<DataApi>(new Worker(...)));
 * await datasets.start();          // lists built-ins, loads the first one
 * datasets.current?.stats.rows;    // 6000
 * await datasets.upload(file);     // added and selected, or datasets.uploadError says why not
 */
import * as Comlink from 'comlink';
import type {
  BuiltinInfo, DatasetSummary, DropoutPreviewResult, ExamplePage, ExampleQuery, ImportOutcome, PreviewOptions,
} from '../../../workers/data.api';
import type { TokenizerRequest } from '../settings/training';
import type { TokenizerReport } from '../data/tokenizer-report';
import type { LearnProgress } from '../tokenizer/tokenizer';
import type { ImportIssue } from '../data/errors';
import { sizeProblem } from '../data/decode';
import type { DropoutConfig } from '../markers/dropout';
import { Latest } from './latest';
import { errorMessage } from '../util/errors';

export { DropoutPreviewState, ExampleBrowser } from './row-windows.svelte';

/** What the state needs from the data worker (a Comlink Remote<DataApi> fits). */
export interface DataSource {
  builtins(): BuiltinInfo[] | Promise<BuiltinInfo[]>;
  loadBuiltin(name: string): Promise<DatasetSummary>;
  importFile(fileName: string, bytes: Uint8Array, options?: { lenient?: boolean }): Promise<ImportOutcome>;
  examples(name: string, query?: ExampleQuery): Promise<ExamplePage>;
  preview(name: string, config: DropoutConfig, options?: PreviewOptions): Promise<DropoutPreviewResult>;
  learnTokenizer(name: string, request: TokenizerRequest, onProgress?: (p: LearnProgress) => void, categories?: readonly string[] | null): Promise<TokenizerReport>;
}

/** A dataset the picker lists: a built-in, or a file the user uploaded. */
export interface DatasetEntry {
  name: string;
  title: string;
  rows: number;
  uploaded: boolean;
}

/** Why the last upload was refused; nothing else changed. */
export interface UploadError {
  fileName: string;
  message: string;
  /** The first issues, each with file, line and field where known. */
  issues: ImportIssue[];
  /** All issues, counted. */
  count: number;
}

/** The part of a File the upload reads (a File fits). */
export interface UploadFile {
  name: string;
  /** Bytes, checked against the import limit before the file is read (a File has it). */
  size?: number;
  arrayBuffer(): Promise<ArrayBuffer>;
}

export class DatasetsState {
  builtins = $state.raw<BuiltinInfo[]>([]);
  /** Uploaded datasets, oldest first. */
  uploads = $state.raw<DatasetEntry[]>([]);
  summaries = $state.raw<Record<string, DatasetSummary>>({});
  selected = $state<string | null>(null);
  loading = $state<string | null>(null);
  error = $state<string | null>(null);
  /** The file being read and annotated, if any. */
  uploading = $state<string | null>(null);
  uploadError = $state.raw<UploadError | null>(null);
  /** Lenient import: skip bad rows (and report them) instead of refusing the file. */
  lenient = $state(false);
  readonly source: DataSource;
  /** Dataset loads: the latest selection wins. */
  readonly #loads = new Latest();

  constructor(source: DataSource) {
    this.source = source;
  }

  get current(): DatasetSummary | undefined {
    return this.selected === null ? undefined : this.summaries[this.selected];
  }

  /** Built-ins then uploads, as the picker lists them. */
  get entries(): DatasetEntry[] {
    return [...this.builtins.map((b) => ({ name: b.name, title: b.title, rows: b.rows, uploaded: false })), ...this.uploads];
  }

  /** List the built-ins and open the first (or `initial`). Errors are kept, never thrown. */
  async start(initial?: string): Promise<void> {
    try {
      this.builtins = await this.source.builtins();
    } catch (err) {
      this.error = errorMessage(err);
      return;
    }
    const first = initial && this.builtins.some((b) => b.name === initial) ? initial : this.builtins[0]?.name;
    if (first) await this.select(first);
  }

  /** Show a dataset; a later call wins over an earlier one still loading. */
  async select(name: string): Promise<void> {
    this.selected = name;
    this.error = null;
    if (this.summaries[name]) return;
    const load = this.#loads.next();
    this.loading = name;
    try {
      const summary = await this.source.loadBuiltin(name);
      this.summaries = { ...this.summaries, [name]: summary };
    } catch (err) {
      if (load.current) this.error = `Could not load "${name}": ${errorMessage(err)}`;
    } finally {
      if (load.current) this.loading = null;
    }
  }

  /**
   * Read, check and annotate a file in the worker. A good file is added and selected; a bad one
   * leaves every loaded dataset and the selection as they were and sets `uploadError`.
   */
  async upload(file: UploadFile): Promise<void> {
    this.uploading = file.name;
    this.uploadError = null;
    try {
      const tooBig = file.size === undefined ? null : sizeProblem(file.size);
      if (tooBig !== null) {
        this.uploadError = { fileName: file.name, message: `${file.name}: ${tooBig}`, issues: [{ file: file.name, line: 0, message: tooBig }], count: 1 };
        return;
      }
      const bytes = new Uint8Array(await file.arrayBuffer());
      const outcome = await this.source.importFile(file.name, Comlink.transfer(bytes, [bytes.buffer]), { lenient: this.lenient });
      if (!outcome.ok) {
        this.uploadError = { fileName: outcome.fileName, message: outcome.message, issues: outcome.issues, count: outcome.count };
        return;
      }
      const { summary } = outcome;
      this.summaries = { ...this.summaries, [summary.name]: summary };
      this.uploads = [...this.uploads, { name: summary.name, title: summary.name, rows: summary.stats.rows, uploaded: true }];
      this.#loads.cancel(); // a built-in still loading must not take the selection back
      this.loading = null;
      this.selected = summary.name;
      this.error = null;
    } catch (err) {
      this.uploadError = { fileName: file.name, message: `${file.name}: ${errorMessage(err)}`, issues: [], count: 1 };
    } finally {
      this.uploading = null;
    }
  }
}
