/**
 * Checkpoints in the browser's IndexedDB: a thin adapter over the safetensors file form, so what
 * is stored is byte for byte what "export" downloads and what the CLI reads.
 *
 * Two object stores in the `markerlab` database, written together in one transaction:
 *   checkpoints       id → StoredCheckpoint (summary: name, step, config, metrics, size…)
 *   checkpoint-files  id → Uint8Array (the .safetensors file)
 * so listing reads a few hundred bytes per checkpoint, never the weights.
 * Works in a page and in a Web Worker (both have indexedDB); no DOM.
 */
import { wrap } from 'idb';
import type { DBSchema, IDBPDatabase } from 'idb';
import { CheckpointError, fromSafetensors, recordSummary, toSafetensors } from './checkpoint';
import type { CheckpointRecord, CheckpointSummary } from './checkpoint';
import { errorMessage } from '../util/errors';

export const DB_NAME = 'markerlab';
/** Bump with an additive step in `upgrade` when another store joins this database. */
export const DB_VERSION = 1;
const SUMMARIES = 'checkpoints';
const FILES = 'checkpoint-files';

export interface StoredCheckpoint extends CheckpointSummary {
  /** Milliseconds since the epoch (list order: newest first). */
  savedAt: number;
  /** Name the file gets on export. */
  fileName: string;
}

interface MarkerLabDB extends DBSchema {
  [SUMMARIES]: { key: string; value: StoredCheckpoint };
  [FILES]: { key: string; value: Uint8Array<ArrayBuffer> };
}

export interface CheckpointStoreOptions {
  /** Defaults to `globalThis.indexedDB`. Must come from this realm: idb proxies by instanceof. */
  factory?: IDBFactory;
  /** Defaults to `markerlab`; tests use a fresh name each. */
  dbName?: string;
}

export interface SaveOptions {
  /** Display name, also written into the file as `metrics.name`. */
  name?: string;
  /** Overwrite this id (e.g. an autosave slot) instead of creating a new checkpoint. */
  id?: string;
}

/**
 * Saved checkpoints: list without loading weights, save, load (validated), delete, import/export
 * `.safetensors` files, and the storage estimate.
 *
 * @example
 * const store = new CheckpointStore();
 * const id = await store.save(record, { name: 'length control, 1k steps' });
 * (await store.list())[0]; // { id, name: 'length control, 1k steps', step: 1000, params: 114240, … }
 * const again = await store.load(id);
 */
export class CheckpointStore {
  private readonly factory: IDBFactory | undefined;
  readonly dbName: string;
  private db: Promise<IDBPDatabase<MarkerLabDB>> | undefined;

  constructor(options: CheckpointStoreOptions = {}) {
    this.factory = options.factory;
    this.dbName = options.dbName ?? DB_NAME;
  }

  /** Summaries of every stored checkpoint, newest first. Reads no weights. Unreadable rows are left out (see survey). */
  async list(): Promise<StoredCheckpoint[]> {
    return (await this.survey()).checkpoints;
  }

  /**
   * The readable summaries, newest first, and the rows that are not (with the reason), so one bad
   * row (written by another version, or damaged) never hides the others. Nothing is changed or deleted.
   *
   * @example
   * const { checkpoints, unreadable } = await store.survey();
   * unreadable; // [{ key: 'x1', reason: 'savedAt is not a number' }]
   */
  async survey(): Promise<{ checkpoints: StoredCheckpoint[]; unreadable: Array<{ key: string; reason: string }> }> {
    const db = await this.open();
    const tx = db.transaction(SUMMARIES);
    const [keys, values] = await Promise.all([tx.store.getAllKeys(), tx.store.getAll(), tx.done]);
    const checkpoints: StoredCheckpoint[] = [];
    const unreadable: Array<{ key: string; reason: string }> = [];
    keys.forEach((key, i) => {
      const reason = summaryProblem(values[i], key);
      if (reason === null) checkpoints.push(values[i]!);
      else unreadable.push({ key: String(key), reason });
    });
    checkpoints.sort((a, b) => b.savedAt - a.savedAt || a.id.localeCompare(b.id));
    return { checkpoints, unreadable };
  }

  /** One summary, or undefined. */
  async summary(id: string): Promise<StoredCheckpoint | undefined> {
    return (await this.open()).get(SUMMARIES, id);
  }

  /**
   * Validate, encode and store a record. Returns its id.
   *
   * @example
   * await store.save(record, { id: 'autosave' }); // replaces the previous autosave
   */
  async save(record: CheckpointRecord, options: SaveOptions = {}): Promise<string> {
    const named = options.name === undefined ? record : { ...record, metrics: { ...record.metrics, name: options.name } };
    const bytes = toSafetensors(named);
    const id = options.id ?? newId();
    const summary = recordSummary(named, { id, sizeBytes: bytes.length });
    const stored: StoredCheckpoint = { ...summary, savedAt: Date.now(), fileName: fileNameFor(summary.name) };
    const tx = (await this.open()).transaction([SUMMARIES, FILES], 'readwrite');
    try {
      // Both stores in one transaction: a summary never exists without its file, or vice versa.
      await Promise.all([tx.objectStore(FILES).put(bytes, id), tx.objectStore(SUMMARIES).put(stored), tx.done]);
    } catch (e) {
      throw storageError(e, `could not save "${summary.name}" (${(bytes.length / 1e6).toFixed(1)} MB)`);
    }
    return id;
  }

  /** The record of a stored checkpoint, validated as strictly as an imported file. */
  async load(id: string): Promise<CheckpointRecord> {
    const { bytes, fileName } = await this.exportFile(id);
    return fromSafetensors(bytes, fileName);
  }

  /** Remove a checkpoint (summary and file); unknown ids are ignored. */
  async delete(id: string): Promise<void> {
    const tx = (await this.open()).transaction([SUMMARIES, FILES], 'readwrite');
    await Promise.all([tx.objectStore(SUMMARIES).delete(id), tx.objectStore(FILES).delete(id), tx.done]);
  }

  /**
   * Validate a `.safetensors` file completely, then store it. A bad file throws CheckpointError
   * before anything is written, so stored checkpoints are never touched.
   *
   * @example
   * const id = await store.importFile(new Uint8Array(await file.arrayBuffer()), file.name);
   */
  async importFile(bytes: Uint8Array, fileName: string, options: Pick<SaveOptions, 'name'> = {}): Promise<string> {
    const record = fromSafetensors(bytes, fileName);
    const own = record.metrics.name;
    const name = options.name ?? (typeof own === 'string' && own.trim() !== '' ? own : baseName(fileName));
    return this.save(record, { name });
  }

  /**
   * The stored file, as saved, and a file name for downloading it.
   *
   * @example
   * const { bytes, fileName } = await store.exportFile(id);
   * const url = URL.createObjectURL(new Blob([bytes])); // in a page
   */
  async exportFile(id: string): Promise<{ bytes: Uint8Array<ArrayBuffer>; fileName: string }> {
    const tx = (await this.open()).transaction([SUMMARIES, FILES], 'readonly');
    const [summary, bytes] = await Promise.all([tx.objectStore(SUMMARIES).get(id), tx.objectStore(FILES).get(id), tx.done]);
    if (!summary || !bytes) throw new CheckpointError(`no stored checkpoint with id ${JSON.stringify(id)}`);
    return { bytes, fileName: summary.fileName };
  }

  /** Bytes used and available for this origin, where the browser tells (null in Node). */
  async estimate(): Promise<{ usage: number; quota: number } | null> {
    const storage = typeof navigator === 'undefined' ? undefined : (navigator as Partial<Navigator>).storage;
    if (!storage || typeof storage.estimate !== 'function') return null;
    const { usage, quota } = await storage.estimate();
    return { usage: usage ?? 0, quota: quota ?? 0 };
  }

  /** Close the connection (tests do, before deleting their database). */
  async close(): Promise<void> {
    const db = this.db;
    this.db = undefined;
    if (db) (await db.catch(() => undefined))?.close();
  }

  private open(): Promise<IDBPDatabase<MarkerLabDB>> {
    this.db ??= this.connect().catch((e: unknown) => {
      this.db = undefined; // let the next call try again
      throw e;
    });
    return this.db;
  }

  private async connect(): Promise<IDBPDatabase<MarkerLabDB>> {
    const factory = this.factory ?? (globalThis as { indexedDB?: IDBFactory }).indexedDB;
    if (!factory) throw new CheckpointError('IndexedDB is not available here; save checkpoints as files instead');
    const request = factory.open(this.dbName, DB_VERSION);
    request.addEventListener('upgradeneeded', () => {
      const db = request.result;
      // Additive, so a later version only creates what is missing.
      if (!db.objectStoreNames.contains(SUMMARIES)) db.createObjectStore(SUMMARIES, { keyPath: 'id' });
      if (!db.objectStoreNames.contains(FILES)) db.createObjectStore(FILES);
    });
    const db = (await wrap(request)) as unknown as IDBPDatabase<MarkerLabDB>;
    // Another tab wants a newer schema: step aside; the next call here reopens.
    db.addEventListener('versionchange', () => {
      db.close();
      this.db = undefined;
    });
    return db;
  }
}

function storageError(e: unknown, what: string): Error {
  const name = e instanceof DOMException ? e.name : '';
  const why = name === 'QuotaExceededError' ? 'browser storage is full; delete or export old checkpoints' : errorMessage(e);
  return new CheckpointError(`${what}: ${why}`, { cause: e });
}

/** Ids from getRandomValues: crypto.randomUUID is missing on plain-http LAN pages (not a secure context). */
function newId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(8));
  return Date.now().toString(36) + '-' + [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
}

function baseName(fileName: string): string {
  const base = fileName.split(/[\\/]/).pop() ?? fileName;
  return base.replace(/\.safetensors$/i, '') || 'imported checkpoint';
}

/** A download name that is safe on every file system. */
function fileNameFor(name: string): string {
  const safe = name.normalize('NFC').replace(/[\\/:*?"<>|\u0000-\u001f]+/g, '_').replace(/\s+/g, ' ').trim().slice(0, 80);
  return `${safe || 'checkpoint'}.safetensors`;
}

/** Why a stored summary row cannot be listed, or null. Checks every field the list sorts on or shows. */
function summaryProblem(v: unknown, key: string): string | null {
  if (typeof v !== 'object' || v === null) return 'not an object';
  const r = v as Record<string, unknown>;
  if (r.id !== key) return `its id ${JSON.stringify(r.id)} is not its key`;
  for (const field of ['name', 'fileName'] as const) if (typeof r[field] !== 'string') return `${field} is not a string`;
  for (const field of ['step', 'params', 'sizeBytes', 'savedAt'] as const) {
    if (typeof r[field] !== 'number' || !Number.isFinite(r[field])) return `${field} is not a number`;
  }
  if (typeof r.config !== 'object' || r.config === null) return 'config is missing';
  if (typeof r.metrics !== 'object' || r.metrics === null) return 'metrics is missing';
  return null;
}
