/**
 * The browser's record of sweeps: each sweep's spec, its cells (the queue), the results of the cells
 * that finished and the ids of their stored checkpoints, so a reload shows what is done and can
 * resume at the first unfinished cell. Kept in IndexedDB, in a database of its own
 * (`markerlab-experiments`), so the checkpoint database's version is never touched; the
 * checkpoints themselves go to the checkpoint store (CheckpointsState.saveBytes).
 *
 * Several tabs at once (hardening, issue 12):
 * - every sweep has its own record (`sweep:<createdAt>:<random>`), never one shared slot;
 * - a tab holds a Web Lock named after the record it writes, for as long as it owns it, so two tabs
 *   never train into the same record: `load` offers only a sweep no other tab holds;
 * - a record this version cannot read is moved to the `quarantine` store with the reason, never
 *   dropped or overwritten, and a notice says so;
 * - a newer version opened in another tab (`versionchange`) closes this connection with a notice;
 *   an older tab blocking the upgrade gets a notice asking to close or reload it.
 * Notices are collected for the page to show ({@link SweepStore.takeNotices}).
 *
 * @example
 * const store = new IdbSweepStore();
 * await store.save(sweep);
 * (await store.load())?.results.length; // what finished before the reload
 */
import type { DBSchema, IDBPDatabase, OpenDBCallbacks } from 'idb';
import { IdbConnection } from '../util/idb-connection';
import { tryLock, type Locks } from '../util/web-lock';
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
  /** The newest stored sweep no other tab is running, now owned by this tab; null when there is none. */
  load(): Promise<StoredSweep | null>;
  /** Store the sweep this tab owns (a sweep with a new `createdAt` replaces this tab's previous one). */
  save(sweep: StoredSweep): Promise<void>;
  /** Forget this tab's sweep. */
  clear(): Promise<void>;
  /** Things the page should tell the user (records kept aside, another tab's upgrade); emptied by the call. */
  takeNotices?(): string[];
}

export const SWEEP_DB = 'markerlab-experiments';
const STORE = 'sweeps';
/** Records this version could not read, kept as they were with the reason. */
const QUARANTINE = 'quarantine';
/** Version 1 had one slot, 'current'; version 2 keys each sweep and adds the quarantine. */
const DB_VERSION = 2;
const LEGACY_KEY = 'current';

export interface QuarantinedRecord {
  key: string;
  value: unknown;
  reason: string;
  /** When it was set aside (milliseconds since the epoch). */
  at: number;
}

interface ExperimentsDB extends DBSchema {
  [STORE]: { key: string; value: StoredSweep };
  [QUARANTINE]: { key: string; value: QuarantinedRecord };
}

/** A stored value this version can read (anything else is kept aside, never thrown at the page). */
export function isStoredSweep(v: unknown): v is StoredSweep {
  const s = v as Partial<StoredSweep> | null;
  return !!s && s.version === 1 && typeof s.dataset === 'string' && !!s.spec && Array.isArray(s.cells) && Array.isArray(s.results)
    && typeof s.checkpoints === 'object' && s.checkpoints !== null && typeof s.shares === 'object' && s.shares !== null;
}

/** Why `v` is not a readable sweep, in words (for the quarantine record). */
function unreadableReason(v: unknown): string {
  const s = v as Record<string, unknown> | null;
  if (typeof s !== 'object' || s === null) return `not an object (${typeof v})`;
  if (s.version !== 1) return `format version ${JSON.stringify(s.version)}, this version reads 1`;
  return 'fields missing or of the wrong type (dataset, spec, cells, results, checkpoints, shares)';
}

export type { Locks } from '../util/web-lock';

export class IdbSweepStore implements SweepStore {
  readonly dbName: string;
  readonly #connection: IdbConnection<ExperimentsDB>;
  readonly #locks: Locks | null;
  /** The record this tab writes, and its lock. */
  #owned: { key: string; createdAt: number; release: () => void } | null = null;
  #notices: string[] = [];

  /** `locks`: the Web Locks API (default navigator.locks; null where there is none: one tab assumed). */
  constructor(options: { dbName?: string; locks?: Locks | null } = {}) {
    this.dbName = options.dbName ?? SWEEP_DB;
    this.#locks = options.locks !== undefined ? options.locks : (globalThis.navigator?.locks ?? null);
    this.#connection = new IdbConnection<ExperimentsDB>(this.dbName, DB_VERSION, upgradeSweeps, this.#notices,
      { database: 'experiments', store: 'store sweeps', storing: 'storing sweep results', lost: 'results of the next runs may not be stored' });
  }

  takeNotices(): string[] {
    return this.#notices.splice(0);
  }

  async load(): Promise<StoredSweep | null> {
    const db = await this.#open();
    const tx = db.transaction([STORE, QUARANTINE], 'readwrite');
    const sweeps = tx.objectStore(STORE);
    const [keys, values] = await Promise.all([sweeps.getAllKeys(), sweeps.getAll()]);
    const readable: Array<{ key: string; sweep: StoredSweep }> = [];
    for (const [i, key] of keys.entries()) {
      const value: unknown = values[i];
      if (isStoredSweep(value)) {
        readable.push({ key, sweep: value });
        continue;
      }
      const reason = unreadableReason(value);
      await tx.objectStore(QUARANTINE).put({ key, value, reason, at: Date.now() }, `${key}@${Date.now()}`);
      await sweeps.delete(key);
      this.#notices.push(`A stored sweep record ("${key}") could not be read (${reason}); it was kept aside in the "${QUARANTINE}" store of the ${this.dbName} database, not deleted.`);
    }
    await tx.done;
    readable.sort((a, b) => b.sweep.createdAt - a.sweep.createdAt);
    let skipped = 0;
    for (const { key, sweep } of readable) {
      if (this.#owned?.key === key) return sweep;
      const release = this.#locks ? await tryLock(this.#locks, lockName(this.dbName, key)) : () => {};
      if (!release) {
        skipped++;
        continue;
      }
      this.#own({ key, createdAt: sweep.createdAt, release });
      return sweep;
    }
    if (skipped > 0) this.#notices.push(`${skipped === 1 ? 'A sweep is' : `${skipped} sweeps are`} running in another tab; it is not shown here, so two tabs never train into the same results.`);
    return null;
  }

  async save(sweep: StoredSweep): Promise<void> {
    const db = await this.#open();
    const owned = this.#owned;
    if (owned && owned.createdAt === sweep.createdAt) {
      await db.put(STORE, sweep, owned.key);
      return;
    }
    // A new sweep: a new record under a new lock; it replaces this tab's previous sweep, as one slot did.
    const key = `sweep:${sweep.createdAt}:${Math.random().toString(36).slice(2, 10)}`;
    const release = this.#locks ? await tryLock(this.#locks, lockName(this.dbName, key)) : () => {};
    if (!release) throw new Error('another tab holds this sweep; reload to see it');
    const tx = db.transaction(STORE, 'readwrite');
    if (owned) await tx.store.delete(owned.key);
    await tx.store.put(sweep, key);
    await tx.done;
    this.#own({ key, createdAt: sweep.createdAt, release });
  }

  async clear(): Promise<void> {
    const owned = this.#owned;
    if (!owned) return;
    await (await this.#open()).delete(STORE, owned.key);
    this.#own(null);
  }

  /** The records set aside as unreadable, oldest first (for a support request or a manual fix). */
  async quarantined(): Promise<QuarantinedRecord[]> {
    return (await this.#open()).getAll(QUARANTINE);
  }

  async close(): Promise<void> {
    this.#own(null);
    await this.#connection.close();
  }

  #own(next: { key: string; createdAt: number; release: () => void } | null): void {
    this.#owned?.release();
    this.#owned = next;
  }

  #open(): Promise<IDBPDatabase<ExperimentsDB>> {
    return this.#connection.open();
  }
}

/** Version 2 keys each sweep; version 1's one slot becomes a keyed record (or, unreadable, goes to the quarantine). */
const upgradeSweeps: NonNullable<OpenDBCallbacks<ExperimentsDB>['upgrade']> = async (db, oldVersion, _newVersion, tx) => {
  if (!db.objectStoreNames.contains(STORE)) db.createObjectStore(STORE);
  if (!db.objectStoreNames.contains(QUARANTINE)) db.createObjectStore(QUARANTINE);
  if (oldVersion === 1) {
    const store = tx.objectStore(STORE);
    const legacy: unknown = await store.get(LEGACY_KEY);
    if (legacy !== undefined) {
      await store.delete(LEGACY_KEY);
      if (isStoredSweep(legacy)) await store.put(legacy, `sweep:${legacy.createdAt}:v1`);
      else await tx.objectStore(QUARANTINE).put({ key: LEGACY_KEY, value: legacy, reason: unreadableReason(legacy), at: Date.now() }, `${LEGACY_KEY}@v1`);
    }
  }
};

function lockName(dbName: string, key: string): string {
  return `${dbName}/${key}`;
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
