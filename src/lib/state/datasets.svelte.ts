/**
 * The datasets the page knows about and the one being looked at (the windows onto its rows are
 * in row-windows.svelte.ts). Talks to the data worker; what it keeps is plain data the
 * components draw. Rows stay in the worker.
 *
 * Uploads are kept in the browser (an UploadStore, IndexedDB in the app) once they import: the
 * picker lists them after a reload, and opening one (or a link naming it) imports the stored file
 * again. Storage trouble is told in words (`notices`, `storeError`) and never closes what is open.
 *
 * @example
 * const datasets = new DatasetsState(Comlink.wrap<DataApi>(new Worker(...)), new IdbUploadStore());
 * await datasets.start('mine.jsonl'); // lists built-ins and stored uploads, restores mine.jsonl
 * datasets.current?.stats.rows;       // 6
 * await datasets.upload(file);        // added, stored and selected, or datasets.uploadError says why not
 * await datasets.remove('mine.jsonl'); // gone from the picker and the browser (the view asks first)
 */
import * as Comlink from 'comlink';
import type {
  BuiltinInfo, DatasetSummary, DropoutPreviewResult, ExamplePage, ExampleQuery, ImportFileOptions, ImportOutcome, PreviewOptions,
} from '../../../workers/data.api';
import type { TokenizerRequest } from '../settings/training';
import type { TokenizerReport } from '../data/tokenizer-report';
import type { LearnProgress } from '../tokenizer/tokenizer';
import type { ImportIssue } from '../data/errors';
import { sizeProblem } from '../data/decode';
import { storageProblem, type StoredUpload, type UploadStore } from '../data/upload-store';
import type { DropoutConfig } from '../markers/dropout';
import { errorMessage } from '../util/errors';
import { Latest } from './latest';

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

/** A File (or Blob) is handed to the data worker as it is, which reads it as a stream. */
const isBlob = (file: UploadFile): file is UploadFile & Blob => typeof Blob !== 'undefined' && file instanceof Blob;

/**
 * `fileName`, or the first of `fileName (2)`, `fileName (3)`, … not in `taken`: an upload never
 * takes the name of a dataset already there, so no link or stored upload changes meaning.
 */
export function freeName(fileName: string, taken: ReadonlySet<string>): string {
  if (!taken.has(fileName)) return fileName;
  let k = 2;
  while (taken.has(`${fileName} (${k})`)) k++;
  return `${fileName} (${k})`;
}

export class DatasetsState {
  builtins = $state.raw<BuiltinInfo[]>([]);
  /** Uploads kept in the browser, oldest first (as last listed). */
  stored = $state.raw<StoredUpload[]>([]);
  summaries = $state.raw<Record<string, DatasetSummary>>({});
  selected = $state<string | null>(null);
  loading = $state<string | null>(null);
  error = $state<string | null>(null);
  /** The file being read and annotated, if any. */
  uploading = $state<string | null>(null);
  uploadError = $state.raw<UploadError | null>(null);
  /** The upload being written to the browser's storage, if any (it is open already). */
  storing = $state<string | null>(null);
  /** The last upload is open but could not be kept in the browser, and why. */
  storeError = $state<string | null>(null);
  /** The last upload took another name because its own was taken (says which). */
  uploadNote = $state<string | null>(null);
  /** What the page should tell about storage (records kept aside, other tabs, a link to a missing upload). */
  notices = $state.raw<string[]>([]);
  /** Lenient import: skip bad rows (and report them) instead of refusing the file. */
  lenient = $state(false);
  readonly source: DataSource;
  readonly #store: UploadStore | null;
  /** Uploads opened in this tab, in order (stored or not). */
  #opened = $state.raw<DatasetEntry[]>([]);
  readonly #loads = new Latest();
  #unsubscribe: () => void;

  /** `store`: where uploads are kept (null: nowhere, they last until the page closes). */
  constructor(source: DataSource, store: UploadStore | null = null) {
    this.source = source;
    this.#store = store;
    // Another tab added or deleted an upload: list again (what is open here stays open).
    this.#unsubscribe = store?.onChange(() => void this.refreshStored()) ?? (() => {});
  }

  get current(): DatasetSummary | undefined {
    return this.selected === null ? undefined : this.summaries[this.selected];
  }

  /** Uploaded datasets: the stored ones, then ones open in this tab only. */
  get uploads(): DatasetEntry[] {
    const stored = this.stored.map((u): DatasetEntry => ({ name: u.name, title: u.name, rows: u.rows, uploaded: true, stored: true }));
    const names = new Set(stored.map((u) => u.name));
    return [...stored, ...this.#opened.filter((u) => !names.has(u.name)).map((u) => ({ ...u, stored: false }))];
  }

  /** Built-ins then uploads, as the picker lists them. */
  get entries(): DatasetEntry[] {
    return [...this.builtins.map((b) => ({ name: b.name, title: b.title, rows: b.rows, uploaded: false })), ...this.uploads];
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
    await this.refreshStored();
    const known = (n: string): boolean => this.builtins.some((b) => b.name === n) || this.stored.some((u) => u.name === n);
    const first = initial && known(initial) ? initial : this.builtins[0]?.name;
    if (initial && !known(initial) && first) {
      this.#tell(`The link names the dataset “${initial}”, which is not stored in this browser (uploads stay in the browser they were made in); showing “${first}” instead.`);
    }
    if (first) await this.select(first);
  }

  /** List the stored uploads again (another tab changed them); trouble becomes a notice. */
  async refreshStored(): Promise<void> {
    if (!this.#store) return;
    try {
      this.stored = await this.#store.list();
    } catch (err) {
      this.#tell(`Uploads kept in this browser could not be listed: ${storageProblem(err).message}.`);
    }
    this.#tell(...this.#store.takeNotices());
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
      const upload = this.builtins.some((b) => b.name === name) ? undefined : this.stored.find((u) => u.name === name);
      const summary = upload ? await this.#restore(upload) : await this.source.loadBuiltin(name);
      this.summaries = { ...this.summaries, [name]: summary };
      if (upload) this.#open({ name, title: name, rows: summary.stats.rows, uploaded: true });
    } catch (err) {
      if (!request.current) return;
      this.error = `Could not load "${name}": ${errorMessage(err)}`;
      if (previous !== null && this.summaries[previous]) this.selected = previous;
    } finally {
      if (request.current) this.loading = null;
    }
  }

  /**
   * Read, check and annotate a file in the worker. A good file is added, selected and stored
   * (under its own name, or `name (2)` when that is taken: nothing already there is replaced);
   * a bad one leaves every dataset and the selection as they were and sets `uploadError`. A file
   * that imports but cannot be stored stays open in this tab, with the reason in `storeError`.
   */
  async upload(file: UploadFile): Promise<void> {
    this.uploading = file.name;
    this.uploadError = null;
    this.storeError = null;
    this.uploadNote = null;
    const lenient = this.lenient;
    try {
      const tooBig = file.size === undefined ? null : sizeProblem(file.size);
      if (tooBig !== null) {
        this.uploadError = { fileName: file.name, message: `${file.name}: ${tooBig}`, issues: [{ file: file.name, line: 0, message: tooBig }], count: 1 };
        return;
      }
      // A File goes to the worker unread (the worker streams it) and is read again only to be stored;
      // other uploads go as a copy of their bytes, which are what gets stored.
      const bytes = isBlob(file) ? null : new Uint8Array(await file.arrayBuffer());
      // Choosing the name and storing under it is one step across tabs (a Web Lock in the app).
      const run = <T>(fn: () => Promise<T>): Promise<T> => (this.#store ? this.#store.exclusive(fn) : fn());
      await run(async () => {
        await this.refreshStored();
        const name = freeName(file.name, this.#taken());
        const copy = bytes?.slice();
        const outcome = await this.source.importFile(file.name, copy ? Comlink.transfer(copy, [copy.buffer]) : (file as UploadFile & Blob), { lenient, name });
        if (!outcome.ok) {
          this.uploadError = { fileName: outcome.fileName, message: outcome.message, issues: outcome.issues, count: outcome.count };
          return;
        }
        const { summary } = outcome;
        this.summaries = { ...this.summaries, [name]: summary };
        this.#open({ name, title: name, rows: summary.stats.rows, uploaded: true });
        this.#loads.cancel(); // a dataset still loading must not take the selection back
        this.loading = null;
        this.selected = name;
        this.error = null;
        this.uploading = null;
        if (name !== file.name) this.uploadNote = `A dataset named “${file.name}” is already here, so this one is “${name}”; delete the one you no longer need.`;
        this.storing = name;
        await this.#keep({ name, fileName: file.name, lenient, rows: summary.stats.rows }, async () => bytes ?? new Uint8Array(await file.arrayBuffer()));
      });
    } catch (err) {
      this.uploadError = { fileName: file.name, message: `${file.name}: ${errorMessage(err)}`, issues: [], count: 1 };
    } finally {
      this.uploading = null;
      this.storing = null;
    }
  }

  /**
   * Delete an upload from the browser and the page (the view asks for confirmation first). If it
   * was shown, the first built-in is shown instead. A storage failure changes nothing but `error`.
   */
  async remove(name: string): Promise<void> {
    const entry = this.uploads.find((u) => u.name === name);
    if (!entry) return;
    try {
      if (entry.stored && this.#store) await this.#store.delete(name);
    } catch (err) {
      this.error = `Could not delete “${name}”: ${storageProblem(err).message}.`;
      return;
    }
    this.stored = this.stored.filter((u) => u.name !== name);
    this.#opened = this.#opened.filter((u) => u.name !== name);
    this.summaries = Object.fromEntries(Object.entries(this.summaries).filter(([n]) => n !== name));
    if (this.selected === name) {
      this.selected = null;
      const first = this.builtins[0]?.name;
      if (first) void this.select(first);
    }
    try {
      await this.source.forget?.(name);
    } catch {
      // The worker keeps the rows until the page closes: harmless, the name is no longer listed.
    }
  }

  /** Stop listening to other tabs. */
  dispose(): void {
    this.#unsubscribe();
  }

  async #restore(upload: StoredUpload): Promise<DatasetSummary> {
    const tooBig = sizeProblem(upload.sizeBytes);
    if (tooBig !== null) throw new Error(`the stored file is too big to open (${tooBig})`);
    let bytes: Uint8Array;
    try {
      bytes = await this.#store!.read(upload.name);
    } catch (err) {
      await this.refreshStored(); // a damaged record was set aside: list without it, and say so
      throw storageProblem(err);
    }
    const outcome = await this.source.importFile(upload.fileName, Comlink.transfer(bytes, [bytes.buffer]), { lenient: upload.lenient, name: upload.name });
    if (!outcome.ok) {
      throw new Error(`the stored file is not accepted by this version (${outcome.message}); it is kept: delete it, or fix the file and upload it again`);
    }
    return outcome.summary;
  }

  /** Store an upload that imported; trouble leaves it open in this tab, with the reason. */
  async #keep(upload: { name: string; fileName: string; lenient: boolean; rows: number }, read: () => Promise<Uint8Array>): Promise<void> {
    if (!this.#store) return;
    let size: number | undefined;
    try {
      const bytes = await read();
      size = bytes.length;
      const saved = await this.#store.add(upload, bytes);
      this.stored = [...this.stored.filter((u) => u.name !== saved.name), saved];
    } catch (err) {
      this.storeError = `“${upload.name}” is open, but it could not be kept in this browser: ${storageProblem(err, size).message}. It will be gone after a reload.`;
    }
    this.#tell(...this.#store.takeNotices());
  }

  /** Note an upload as open in this tab (once: two selects of one name may both finish). */
  #open(entry: DatasetEntry): void {
    this.#opened = [...this.#opened.filter((u) => u.name !== entry.name), entry];
  }

  /** Every name a new upload must not take. */
  #taken(): Set<string> {
    return new Set([...this.builtins.map((b) => b.name), ...this.stored.map((u) => u.name), ...this.#opened.map((u) => u.name), ...Object.keys(this.summaries)]);
  }

  #tell(...notices: string[]): void {
    const fresh = notices.filter((n) => !this.notices.includes(n));
    if (fresh.length > 0) this.notices = [...this.notices, ...fresh];
  }

  /** The user has read the notices. */
  dismissNotices(): void {
    this.notices = [];
  }
}
