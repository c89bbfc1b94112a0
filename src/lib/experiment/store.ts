/**
 * The browser's record of the current sweep: its spec, its cells (the queue), the results of the
 * cells that finished and the ids of their stored checkpoints, so a reload shows what is done and
 * can resume at the first unfinished cell. Kept in IndexedDB, in a database of its own
 * (`markerlab-experiments`), so the checkpoint database's version is never touched; the
 * checkpoints themselves go to the checkpoint store (CheckpointsState.saveBytes).
 *
 * @example
 * const store = new IdbSweepStore();
 * await store.save(sweep);
 * (await store.load())?.results.length; // what finished before the reload
 */
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { LengthThresholds } from '../markers/annotate-dataset';
import type { CellResult } from './run-cell';
import type { SweepCell, SweepSpec } from './sweep';

export interface StoredSweep {
  version: 1;
  dataset: string;
  spec: SweepSpec;
  /** Every cell in run order; the ones without a result are the queue. */
  cells: SweepCell[];
  results: CellResult[];
  /** Cell id → stored checkpoint id (absent when the checkpoint could not be stored). */
  checkpoints: Record<string, string>;
  /** "category\u0000value" → share of the dataset's rows (which values are the long tail). */
  shares: Record<string, number>;
  lengthRule: LengthThresholds | null;
  /** When the sweep was defined (milliseconds since the epoch). */
  createdAt: number;
}

/** Where ExperimentsState keeps the sweep; IndexedDB in the app, memory in tests. */
export interface SweepStore {
  load(): Promise<StoredSweep | null>;
  save(sweep: StoredSweep): Promise<void>;
  clear(): Promise<void>;
}

export const SWEEP_DB = 'markerlab-experiments';
const STORE = 'sweeps';
/** The one slot the current sweep lives in. */
const CURRENT = 'current';

interface ExperimentsDB extends DBSchema {
  [STORE]: { key: string; value: StoredSweep };
}

/** A stored value this version can read (anything else is ignored, never thrown at the page). */
export function isStoredSweep(v: unknown): v is StoredSweep {
  const s = v as Partial<StoredSweep> | null;
  return !!s && s.version === 1 && typeof s.dataset === 'string' && !!s.spec && Array.isArray(s.cells) && Array.isArray(s.results)
    && typeof s.checkpoints === 'object' && s.checkpoints !== null && typeof s.shares === 'object' && s.shares !== null;
}

export class IdbSweepStore implements SweepStore {
  readonly dbName: string;
  #db: Promise<IDBPDatabase<ExperimentsDB>> | undefined;

  constructor(options: { dbName?: string } = {}) {
    this.dbName = options.dbName ?? SWEEP_DB;
  }

  async load(): Promise<StoredSweep | null> {
    const value: unknown = await (await this.#open()).get(STORE, CURRENT);
    return isStoredSweep(value) ? value : null;
  }

  async save(sweep: StoredSweep): Promise<void> {
    await (await this.#open()).put(STORE, sweep, CURRENT);
  }

  async clear(): Promise<void> {
    await (await this.#open()).delete(STORE, CURRENT);
  }

  async close(): Promise<void> {
    const db = this.#db;
    this.#db = undefined;
    if (db) (await db).close();
  }

  #open(): Promise<IDBPDatabase<ExperimentsDB>> {
    this.#db ??= openDB<ExperimentsDB>(this.dbName, 1, {
      upgrade(db) {
        if (!db.objectStoreNames.contains(STORE)) db.createObjectStore(STORE);
      },
    });
    const pending = this.#db;
    // A failed open (private mode, blocked) is retried next time instead of being cached.
    pending.catch(() => {
      if (this.#db === pending) this.#db = undefined;
    });
    return pending;
  }
}

/** For tests and browsers without IndexedDB: kept until the page closes (structured copies, like IndexedDB). */
export class MemorySweepStore implements SweepStore {
  #value: StoredSweep | null = null;

  async load(): Promise<StoredSweep | null> {
    return this.#value === null ? null : structuredClone(this.#value);
  }

  async save(sweep: StoredSweep): Promise<void> {
    this.#value = structuredClone(sweep);
  }

  async clear(): Promise<void> {
    this.#value = null;
  }
}
