/**
 * Uploaded datasets in the browser's IndexedDB, so a reload (or a link naming one) finds them again.
 *
 * What is kept is the file the user gave, byte for byte, with the one import option that changes
 * the result (lenient); a reload imports it again through the same importer and annotator. So the
 * rows, ids, warnings, taxonomy and statistics come out as they did on upload, the record does
 * not depend on the shape of Row or Taxonomy, a stored file is checked as strictly as a new one,
 * and it is smaller than the annotated rows. Its own database (`markerlab-uploads`), so the
 * checkpoint database's version is never touched:
 *   uploads       name → StoredUpload (what the picker lists: a few hundred bytes)
 *   upload-files  name → Uint8Array (the file; read only when the dataset is opened)
 *   quarantine    records this version could not read, kept with the reason
 *
 * Several tabs at once (issue 12): adding never replaces (`add`, not `put`), names are chosen under
 * a Web Lock ({@link UploadStore.exclusive}) so two tabs cannot pick the same one, and a
 * BroadcastChannel tells other tabs to list again. A newer version in another tab (`versionchange`)
 * closes this connection with a notice; an older tab blocking an upgrade gets a notice too.
 *
 * @example
 * const store = new IdbUploadStore();
 * await store.add({ name: 'mine.jsonl', fileName: 'mine.jsonl', lenient: false, rows: 6 }, bytes);
 * (await store.list())[0].name; // 'mine.jsonl' — after a reload too
 * await store.read('mine.jsonl'); // the bytes, as uploaded
 */
import type { DBSchema, IDBPDatabase, IDBPTransaction } from 'idb';
import { IdbConnection } from '../util/idb-connection';
import { errorMessage } from '../util/errors';
import { formatBytes } from './decode';

export const UPLOAD_DB = 'markerlab-uploads';
const DB_VERSION = 1;
const UPLOADS = 'uploads';
const FILES = 'upload-files';
const QUARANTINE = 'quarantine';
/** Web Lock held while a tab picks a name and stores under it; also the BroadcastChannel's name. */
const CHANNEL = 'markerlab-uploads';

/** What the picker lists about a stored upload; the file itself is stored apart. */
export interface StoredUpload {
  version: 1;
  /** The dataset's name in the app and in links (`mine.jsonl`, `mine.jsonl (2)`); the key. */
  name: string;
  /** The file's own name: row ids are `<fileName>:<line>`, so a restore imports under it. */
  fileName: string;
  /** Imported skipping bad rows: decides which rows there are, so a restore does the same. */
  lenient: boolean;
  sizeBytes: number;
  /** Rows after import, listed before the file is read again. */
  rows: number;
  /** Milliseconds since the epoch (list order: oldest first). */
  savedAt: number;
}

export type NewUpload = Omit<StoredUpload, 'version' | 'savedAt' | 'sizeBytes'>;

export interface QuarantinedUpload {
  key: string;
  /** The record as found: `{ summary, file }` (either may be missing). */
  value: { summary: unknown; file: unknown };
  reason: string;
  at: number;
}

/**
 * Why a store operation failed, in words, and what kind of failure it was (the page words quota
 * and name clashes differently).
 */
export class UploadStoreError extends Error {
  readonly kind: 'quota' | 'taken' | 'missing' | 'unreadable' | 'unavailable' | 'other';
  constructor(kind: UploadStoreError['kind'], message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'UploadStoreError';
    this.kind = kind;
  }
}

/** Where DatasetsState keeps uploads: IndexedDB in the app, memory in tests. */
export interface UploadStore {
  /** Readable uploads, oldest first; an unreadable record is kept aside with a notice. */
  list(): Promise<StoredUpload[]>;
  /** Store a new upload; throws UploadStoreError `taken` rather than replace one of that name. */
  add(upload: NewUpload, bytes: Uint8Array): Promise<StoredUpload>;
  /** The stored file; a damaged record is kept aside (notice) and throws `unreadable`. */
  read(name: string): Promise<Uint8Array>;
  /** Forget an upload (its summary and file); an unknown name is ignored. */
  delete(name: string): Promise<void>;
  /** Run `fn` while no other tab of this origin runs its own `exclusive` (choose a name, then add). */
  exclusive<T>(fn: () => Promise<T>): Promise<T>;
  /** Call `listener` when another tab adds or deletes an upload. Returns the unsubscribe. */
  onChange(listener: () => void): () => void;
  /** Things the page should tell the user; emptied by the call. */
  takeNotices(): string[];
}

interface UploadsDB extends DBSchema {
  [UPLOADS]: { key: string; value: StoredUpload };
  [FILES]: { key: string; value: Uint8Array<ArrayBuffer> };
  [QUARANTINE]: { key: string; value: QuarantinedUpload };
}

/** A transaction over all three stores, the one that can set a record aside. */
type ReadWrite = IDBPTransaction<UploadsDB, [typeof UPLOADS, typeof FILES, typeof QUARANTINE], 'readwrite'>;

/** Why a stored summary cannot be listed, or null. Checks every field that is listed or sorted on. */
export function uploadProblem(v: unknown, key: string): string | null {
  if (typeof v !== 'object' || v === null) return `not an object (${v === null ? 'null' : typeof v})`;
  const r = v as Record<string, unknown>;
  if (r.version !== 1) return `format version ${JSON.stringify(r.version)}, this version reads 1`;
  if (r.name !== key) return `its name ${JSON.stringify(r.name)} is not its key`;
  if (typeof r.fileName !== 'string' || r.fileName === '') return 'fileName is not a string';
  if (typeof r.lenient !== 'boolean') return 'lenient is not true or false';
  for (const field of ['sizeBytes', 'rows', 'savedAt'] as const) {
    const n = r[field];
    if (typeof n !== 'number' || !Number.isFinite(n) || n < 0) return `${field} is not a number`;
  }
  return null;
}

/** Why a stored file does not belong to its summary, or null. */
function fileProblem(file: unknown, summary: StoredUpload): string | null {
  if (file === undefined) return 'its file is missing';
  if (!(file instanceof Uint8Array)) return 'its file is not bytes';
  if (file.length !== summary.sizeBytes) return `its file is ${file.length} bytes, ${summary.sizeBytes} were stored`;
  return null;
}

/**
 * A storage failure in words a person can act on (quota first: it is the common one).
 *
 * @example
 * storageProblem(new DOMException('…', 'QuotaExceededError')) // UploadStoreError kind 'quota'
 */
export function storageProblem(e: unknown, sizeBytes?: number): UploadStoreError {
  if (e instanceof UploadStoreError) return e;
  const name = typeof e === 'object' && e !== null && 'name' in e ? String((e as { name: unknown }).name) : '';
  const inner = typeof e === 'object' && e !== null && 'inner' in e ? (e as { inner?: { name?: string } }).inner?.name : undefined;
  if (name === 'QuotaExceededError' || inner === 'QuotaExceededError') {
    const size = sizeBytes === undefined ? '' : ` for ${formatBytes(sizeBytes)}`;
    return new UploadStoreError('quota', `the browser's storage for this site is full (no room${size}); delete uploads or checkpoints you no longer need`, { cause: e });
  }
  if (name === 'ConstraintError') return new UploadStoreError('taken', 'another upload of that name was stored meanwhile', { cause: e });
  if (name === 'InvalidStateError' || name === 'AbortError' || name === 'UnknownError') {
    return new UploadStoreError('unavailable', `the browser's storage is not available right now (${errorMessage(e)}); reload the page to try again`, { cause: e });
  }
  return new UploadStoreError('other', errorMessage(e), { cause: e });
}

/** The part of the Web Locks API the store uses (navigator.locks in a browser). */
export type Locks = Pick<LockManager, 'request'>;

export class IdbUploadStore implements UploadStore {
  readonly dbName: string;
  readonly #connection: IdbConnection<UploadsDB>;
  readonly #locks: Locks | null;
  readonly #channel: BroadcastChannel | null;
  #notices: string[] = [];

  /** `locks`, `channel`: default navigator.locks and a BroadcastChannel; null where there are none (one tab assumed). */
  constructor(options: { dbName?: string; locks?: Locks | null; channel?: BroadcastChannel | null } = {}) {
    this.dbName = options.dbName ?? UPLOAD_DB;
    this.#locks = options.locks !== undefined ? options.locks : (globalThis.navigator?.locks ?? null);
    this.#channel = options.channel !== undefined ? options.channel
      : typeof BroadcastChannel === 'undefined' ? null : new BroadcastChannel(`${CHANNEL}/${this.dbName}`);
    this.#connection = new IdbConnection<UploadsDB>(this.dbName, DB_VERSION, (db) => {
      // Additive, so a later version only creates what is missing.
      if (!db.objectStoreNames.contains(UPLOADS)) db.createObjectStore(UPLOADS);
      if (!db.objectStoreNames.contains(FILES)) db.createObjectStore(FILES);
      if (!db.objectStoreNames.contains(QUARANTINE)) db.createObjectStore(QUARANTINE);
    }, this.#notices, { database: 'uploads', store: 'store uploads', storing: 'storing uploads', lost: 'the next uploads may not be stored' });
  }

  takeNotices(): string[] {
    return this.#notices.splice(0);
  }

  async list(): Promise<StoredUpload[]> {
    const db = await this.#open();
    const tx = db.transaction([UPLOADS, FILES, QUARANTINE], 'readwrite');
    const [keys, values] = await Promise.all([tx.objectStore(UPLOADS).getAllKeys(), tx.objectStore(UPLOADS).getAll()]);
    const readable: StoredUpload[] = [];
    for (const [i, key] of keys.entries()) {
      const value: unknown = values[i];
      const reason = uploadProblem(value, key);
      if (reason === null) readable.push(value as StoredUpload);
      else await this.#setAside(tx, key, value, reason);
    }
    await tx.done;
    return readable.sort((a, b) => a.savedAt - b.savedAt || a.name.localeCompare(b.name));
  }

  async add(upload: NewUpload, bytes: Uint8Array): Promise<StoredUpload> {
    const stored: StoredUpload = { version: 1, ...upload, sizeBytes: bytes.length, savedAt: Date.now() };
    try {
      const db = await this.#open();
      const tx = db.transaction([UPLOADS, FILES], 'readwrite');
      // A view on part of a buffer would store the whole buffer: keep exactly the file's bytes.
      const file = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : bytes.slice();
      // `add` fails on an existing key: a name is never reused over someone's data.
      await Promise.all([tx.objectStore(UPLOADS).add(stored, stored.name), tx.objectStore(FILES).add(file as Uint8Array<ArrayBuffer>, stored.name), tx.done]);
    } catch (e) {
      throw storageProblem(e, bytes.length);
    }
    this.#channel?.postMessage('changed');
    return stored;
  }

  async read(name: string): Promise<Uint8Array> {
    const db = await this.#open();
    const tx = db.transaction([UPLOADS, FILES, QUARANTINE], 'readwrite');
    const [summary, file] = await Promise.all([tx.objectStore(UPLOADS).get(name), tx.objectStore(FILES).get(name)]);
    if (summary === undefined) {
      await tx.done;
      throw new UploadStoreError('missing', 'it is no longer stored in this browser (deleted in another tab?)');
    }
    const reason = uploadProblem(summary, name) ?? fileProblem(file, summary);
    if (reason !== null) {
      await this.#setAside(tx, name, summary, reason);
      await tx.done;
      this.#channel?.postMessage('changed');
      throw new UploadStoreError('unreadable', `its stored copy is damaged (${reason}); it was kept aside, not deleted`);
    }
    await tx.done;
    return file!;
  }

  async delete(name: string): Promise<void> {
    try {
      const tx = (await this.#open()).transaction([UPLOADS, FILES], 'readwrite');
      await Promise.all([tx.objectStore(UPLOADS).delete(name), tx.objectStore(FILES).delete(name), tx.done]);
    } catch (e) {
      throw storageProblem(e);
    }
    this.#channel?.postMessage('changed');
  }

  async exclusive<T>(fn: () => Promise<T>): Promise<T> {
    if (!this.#locks) return fn();
    return this.#locks.request(`${CHANNEL}/${this.dbName}`, fn);
  }

  onChange(listener: () => void): () => void {
    const channel = this.#channel;
    if (!channel) return () => {};
    const handler = (): void => listener();
    channel.addEventListener('message', handler);
    return () => channel.removeEventListener('message', handler);
  }

  /** The records set aside as unreadable (for a support request or a manual fix). */
  async quarantined(): Promise<QuarantinedUpload[]> {
    return (await this.#open()).getAll(QUARANTINE);
  }

  async close(): Promise<void> {
    this.#channel?.close();
    await this.#connection.close();
  }

  /** Move a summary and its file to the quarantine (in `tx`), and say so. */
  async #setAside(tx: ReadWrite, key: string, summary: unknown, reason: string): Promise<void> {
    const files = tx.objectStore(FILES);
    const file: unknown = await files.get(key);
    const at = Date.now();
    await tx.objectStore(QUARANTINE).put({ key, value: { summary, file }, reason, at }, `${key}@${at}`);
    await Promise.all([tx.objectStore(UPLOADS).delete(key), files.delete(key)]);
    this.#notices.push(`The stored upload "${key}" could not be read (${reason}); it was kept aside in the "${QUARANTINE}" store of the ${this.dbName} database, not deleted.`);
  }

  #open(): Promise<IDBPDatabase<UploadsDB>> {
    if (typeof indexedDB === 'undefined') {
      return Promise.reject(new UploadStoreError('unavailable', 'this browser offers no IndexedDB here (private mode?); uploads last until the page closes'));
    }
    return this.#connection.open().catch((e: unknown) => {
      throw storageProblem(e);
    });
  }
}

/**
 * For tests and pages without IndexedDB: kept until the page closes, as structured copies (like
 * IndexedDB), with the same rule that adding never replaces.
 */
export class MemoryUploadStore implements UploadStore {
  readonly #uploads = new Map<string, { summary: StoredUpload; bytes: Uint8Array }>();

  async list(): Promise<StoredUpload[]> {
    return [...this.#uploads.values()].map((u) => structuredClone(u.summary));
  }

  async add(upload: NewUpload, bytes: Uint8Array): Promise<StoredUpload> {
    if (this.#uploads.has(upload.name)) throw storageProblem(new DOMException('Key already exists in the object store.', 'ConstraintError'));
    const summary: StoredUpload = { version: 1, ...upload, sizeBytes: bytes.length, savedAt: Date.now() };
    this.#uploads.set(upload.name, { summary: structuredClone(summary), bytes: bytes.slice() });
    return summary;
  }

  async read(name: string): Promise<Uint8Array> {
    const found = this.#uploads.get(name);
    if (!found) throw new UploadStoreError('missing', 'it is no longer stored in this browser');
    return found.bytes.slice();
  }

  async delete(name: string): Promise<void> {
    this.#uploads.delete(name);
  }

  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    return fn();
  }

  onChange(): () => void {
    return () => {};
  }

  takeNotices(): string[] {
    return [];
  }
}
