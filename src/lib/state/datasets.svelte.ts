/**
 * The datasets the page knows about and the one being looked at: built-ins, and uploads (kept in
 * the browser; importing, storing and deleting them is UploadsState's, uploads.svelte.ts). The
 * windows onto a dataset's rows are in row-windows.svelte.ts. Talks to the data worker; what it
 * keeps is plain data the components draw. Rows stay in the worker.
 *
 * Opening a stored upload (or a link naming one) imports the stored file again.
 *
 * @example
 * const datasets = new DatasetsState(Comlink.wrap<DataApi>(new Worker(...)), new IdbUploadStore());
 * await datasets.start('mine.jsonl');   // lists built-ins and stored uploads, restores mine.jsonl
 * datasets.current?.stats.rows;         // 6
 * await datasets.uploads.upload(file);  // added, stored and selected, or datasets.uploads.uploadError says why not
 * await datasets.remove('mine.jsonl');  // gone from the picker and the browser (the view asks first)
 */
import type {
  BuiltinInfo, DatasetSummary, DropoutPreviewResult, ExamplePage, ExampleQuery, ImportFileOptions, ImportOutcome, PreviewOptions,
} from '../../../workers/data.api';
import type { TokenizerRequest } from '../settings/training';
import type { TokenizerReport } from '../data/tokenizer-report';
import type { LearnProgress } from '../tokenizer/tokenizer';
import type { UploadStore } from '../data/upload-store';
import type { DropoutConfig } from '../markers/dropout';
import { errorMessage } from '../util/errors';
import { Latest } from './latest';
import { UploadsState } from './uploads.svelte';

export { freeName, UploadsState, type UploadError, type UploadFile } from './uploads.svelte';

/** What the state needs from the data worker (a Comlink Remote<DataApi> fits). */
export interface DataSource {
  builtins(): BuiltinInfo[] | Promise<BuiltinInfo[]>;
  loadBuiltin(name: string): Promise<DatasetSummary>;
  importFile(fileName: string, file: Uint8Array | Blob, options?: ImportFileOptions): Promise<ImportOutcome>;
  /** Let go of a deleted upload's rows (optional: a source without it keeps them until the page closes). */
  forget?(name: string): void | Promise<void>;
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
  /** Uploads only: kept in the browser (false: this tab only, e.g. storage was full). */
  stored?: boolean;
}

export class DatasetsState {
  builtins = $state.raw<BuiltinInfo[]>([]);
  summaries = $state.raw<Record<string, DatasetSummary>>({});
  selected = $state<string | null>(null);
  loading = $state<string | null>(null);
  error = $state<string | null>(null);
  readonly source: DataSource;
  /** Uploaded datasets: importing, keeping in the browser, restoring, deleting; storage notices. */
  readonly uploads: UploadsState;
  readonly #loads = new Latest();

  /** `store`: where uploads are kept (null: nowhere, they last until the page closes). */
  constructor(source: DataSource, store: UploadStore | null = null) {
    this.source = source;
    this.uploads = new UploadsState(source, store, {
      taken: () => [...this.builtins.map((b) => b.name), ...Object.keys(this.summaries)],
      imported: (name, summary) => {
        this.summaries = { ...this.summaries, [name]: summary };
        this.#loads.cancel(); // a dataset still loading must not take the selection back
        this.loading = null;
        this.selected = name;
        this.error = null;
      },
    });
  }

  get current(): DatasetSummary | undefined {
    return this.selected === null ? undefined : this.summaries[this.selected];
  }

  /** Built-ins then uploads, as the picker lists them. */
  get entries(): DatasetEntry[] {
    return [...this.builtins.map((b) => ({ name: b.name, title: b.title, rows: b.rows, uploaded: false })), ...this.uploads.entries];
  }

  /**
   * List the built-ins and the stored uploads, and open `initial` (a link's dataset, built-in or
   * stored upload) or else the first built-in. Errors are kept, never thrown.
   */
  async start(initial?: string): Promise<void> {
    try {
      this.builtins = await this.source.builtins();
    } catch (err) {
      this.error = errorMessage(err);
      return;
    }
    await this.uploads.refresh();
    const known = (n: string): boolean => this.builtins.some((b) => b.name === n) || this.uploads.storedNamed(n) !== undefined;
    const first = initial && known(initial) ? initial : this.builtins[0]?.name;
    if (initial && !known(initial) && first) {
      this.uploads.tell(`The link names the dataset “${initial}”, which is not stored in this browser (uploads stay in the browser they were made in); showing “${first}” instead.`);
    }
    if (first) await this.select(first);
  }

  /**
   * Show a dataset; a later call wins over an earlier one still loading. A dataset that cannot be
   * loaded leaves the one shown before in place, with the reason in `error`.
   */
  async select(name: string): Promise<void> {
    const previous = this.selected;
    this.selected = name;
    this.error = null;
    if (this.summaries[name]) return;
    const request = this.#loads.next();
    this.loading = name;
    try {
      const upload = this.builtins.some((b) => b.name === name) ? undefined : this.uploads.storedNamed(name);
      const summary = upload ? await this.uploads.restore(upload) : await this.source.loadBuiltin(name);
      this.summaries = { ...this.summaries, [name]: summary };
    } catch (err) {
      if (!request.current) return;
      this.error = `Could not load "${name}": ${errorMessage(err)}`;
      if (previous !== null && this.summaries[previous]) this.selected = previous;
    } finally {
      if (request.current) this.loading = null;
    }
  }

  /**
   * Delete an upload from the browser and the page (the view asks for confirmation first). If it
   * was shown, the first built-in is shown instead. A storage failure changes nothing but `error`.
   */
  async remove(name: string): Promise<void> {
    try {
      if (!(await this.uploads.remove(name))) return;
    } catch (err) {
      this.error = `Could not delete “${name}”: ${errorMessage(err)}.`;
      return;
    }
    this.summaries = Object.fromEntries(Object.entries(this.summaries).filter(([n]) => n !== name));
    if (this.selected === name) {
      this.selected = null;
      const first = this.builtins[0]?.name;
      if (first) void this.select(first);
    }
  }

  /** Stop listening to other tabs. */
  dispose(): void {
    this.uploads.dispose();
  }
}
