/**
 * The datasets the user uploaded: importing a file in the data worker, keeping it in the browser
 * (an UploadStore, IndexedDB in the app) so the picker lists it after a reload, importing a stored
 * one again when it is opened, and deleting one. Storage trouble is told in words (`notices`,
 * `storeError`) and never closes what is open. DatasetsState owns one of these and decides what is
 * shown; this class tells it when an upload has imported (`imported`).
 *
 * @example
 * const uploads = new UploadsState(dataApi, new IdbUploadStore(), { taken: () => ['teaching'], imported: (name, summary) => show(name, summary) });
 * await uploads.refresh();           // uploads.stored: what this browser keeps
 * await uploads.upload(file);        // imported, shown and stored, or uploads.uploadError says why not
 * uploads.entries;                   // [{ name: 'mine.jsonl', rows: 6, uploaded: true, stored: true, … }]
 * await uploads.remove('mine.jsonl'); // gone from the browser (throws, changing nothing, if storage refuses)
 */
import * as Comlink from 'comlink';
import type { DatasetSummary } from '../../../workers/data.api';
import type { ImportIssue } from '../data/errors';
import { sizeProblem } from '../data/decode';
import { storageProblem, type StoredUpload, type UploadStore } from '../data/upload-store';
import { errorMessage } from '../util/errors';
import type { DataSource, DatasetEntry } from './datasets.svelte';

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

/** What the uploads need from the page's datasets. */
export interface UploadsHost {
  /** Names an upload must not take besides the uploads' own (built-ins, datasets open). */
  taken(): Iterable<string>;
  /** An upload imported under `name`: show it (it is being stored next). */
  imported(name: string, summary: DatasetSummary): void;
}

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

export class UploadsState {
  /** Uploads kept in the browser, oldest first (as last listed). */
  stored = $state.raw<StoredUpload[]>([]);
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
  readonly #source: DataSource;
  readonly #store: UploadStore | null;
  readonly #host: UploadsHost;
  /** Uploads opened in this tab, in order (stored or not). */
  #opened = $state.raw<DatasetEntry[]>([]);
  #unsubscribe: () => void;

  /** `store`: where uploads are kept (null: nowhere, they last until the page closes). */
  constructor(source: DataSource, store: UploadStore | null, host: UploadsHost) {
    this.#source = source;
    this.#store = store;
    this.#host = host;
    // Another tab added or deleted an upload: list again (what is open here stays open).
    this.#unsubscribe = store?.onChange(() => void this.refresh()) ?? (() => {});
  }

  /** The stored ones, then ones open in this tab only. */
  get entries(): DatasetEntry[] {
    const stored = this.stored.map((u): DatasetEntry => ({ name: u.name, title: u.name, rows: u.rows, uploaded: true, stored: true }));
    const names = new Set(stored.map((u) => u.name));
    return [...stored, ...this.#opened.filter((u) => !names.has(u.name)).map((u) => ({ ...u, stored: false }))];
  }

  /** The stored upload called `name`, if there is one. */
  storedNamed(name: string): StoredUpload | undefined {
    return this.stored.find((u) => u.name === name);
  }

  /** List the stored uploads again (another tab changed them); trouble becomes a notice. */
  async refresh(): Promise<void> {
    if (!this.#store) return;
    try {
      this.stored = await this.#store.list();
    } catch (err) {
      this.tell(`Uploads kept in this browser could not be listed: ${storageProblem(err).message}.`);
    }
    this.tell(...this.#store.takeNotices());
  }

  /**
   * Read, check and annotate a file in the worker. A good file is imported, handed to the host
   * (`imported`) and stored (under its own name, or `name (2)` when that is taken: nothing already
   * there is replaced); a bad one changes nothing and sets `uploadError`. A file that imports but
   * cannot be stored stays open in this tab, with the reason in `storeError`.
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
        await this.refresh();
        const name = freeName(file.name, this.#taken());
        const copy = bytes?.slice();
        const outcome = await this.#source.importFile(file.name, copy ? Comlink.transfer(copy, [copy.buffer]) : (file as UploadFile & Blob), { lenient, name });
        if (!outcome.ok) {
          this.uploadError = { fileName: outcome.fileName, message: outcome.message, issues: outcome.issues, count: outcome.count };
          return;
        }
        const { summary } = outcome;
        this.#open({ name, title: name, rows: summary.stats.rows, uploaded: true });
        this.#host.imported(name, summary);
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

  /** Import a stored upload again (opening it after a reload); it is then noted as open in this tab. */
  async restore(upload: StoredUpload): Promise<DatasetSummary> {
    const tooBig = sizeProblem(upload.sizeBytes);
    if (tooBig !== null) throw new Error(`the stored file is too big to open (${tooBig})`);
    let bytes: Uint8Array;
    try {
      bytes = await this.#store!.read(upload.name);
    } catch (err) {
      await this.refresh(); // a damaged record was set aside: list without it, and say so
      throw storageProblem(err);
    }
    const outcome = await this.#source.importFile(upload.fileName, Comlink.transfer(bytes, [bytes.buffer]), { lenient: upload.lenient, name: upload.name });
    if (!outcome.ok) {
      throw new Error(`the stored file is not accepted by this version (${outcome.message}); it is kept: delete it, or fix the file and upload it again`);
    }
    this.#open({ name: upload.name, title: upload.name, rows: outcome.summary.stats.rows, uploaded: true });
    return outcome.summary;
  }

  /**
   * Delete an upload from the browser and this tab (false: there is no such upload). A storage
   * failure throws (in words) and changes nothing.
   */
  async remove(name: string): Promise<boolean> {
    const entry = this.entries.find((u) => u.name === name);
    if (!entry) return false;
    try {
      if (entry.stored && this.#store) await this.#store.delete(name);
    } catch (err) {
      throw storageProblem(err);
    }
    this.stored = this.stored.filter((u) => u.name !== name);
    this.#opened = this.#opened.filter((u) => u.name !== name);
    try {
      await this.#source.forget?.(name);
    } catch {
      // The worker keeps the rows until the page closes: harmless, the name is no longer listed.
    }
    return true;
  }

  /** Add notices (each told once). */
  tell(...notices: string[]): void {
    const fresh = notices.filter((n) => !this.notices.includes(n));
    if (fresh.length > 0) this.notices = [...this.notices, ...fresh];
  }

  /** The user has read the notices. */
  dismissNotices(): void {
    this.notices = [];
  }

  /** Stop listening to other tabs. */
  dispose(): void {
    this.#unsubscribe();
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
    this.tell(...this.#store.takeNotices());
  }

  /** Note an upload as open in this tab (once: two selects of one name may both finish). */
  #open(entry: DatasetEntry): void {
    this.#opened = [...this.#opened.filter((u) => u.name !== entry.name), entry];
  }

  /** Every name a new upload must not take. */
  #taken(): Set<string> {
    return new Set([...this.#host.taken(), ...this.stored.map((u) => u.name), ...this.#opened.map((u) => u.name)]);
  }
}
