/**
 * One lazily opened IndexedDB connection, shared by a store's calls, with the multi-tab rules every
 * store here follows (issue 12): an older tab blocking an upgrade gets a notice; a newer version in
 * another tab makes this tab close its connection (and say so) instead of blocking it; a connection
 * the browser ends is dropped with a notice; a failed open is retried by the next call, not cached.
 * The sweep store (experiment/store.ts) and the upload store (data/upload-store.ts) both use it.
 *
 * @example
 * const notices: string[] = [];
 * const connection = new IdbConnection<MyDB>('markerlab-x', 1, (db) => db.createObjectStore('rows'), notices,
 *   { database: 'x', store: 'store rows', storing: 'storing rows', lost: 'the next rows may not be stored' });
 * const db = await connection.open();
 */
import { openDB, type DBSchema, type IDBPDatabase, type OpenDBCallbacks } from 'idb';

/** The words a store's notices use. */
export interface ConnectionWords {
  /** The database as the notices name it: "uploads". */
  database: string;
  /** What an older tab stops this one from doing: "store uploads". */
  store: string;
  /** What this tab stops doing when a newer one takes over: "storing uploads". */
  storing: string;
  /** What is at risk when the browser ends the connection: "the next uploads may not be stored". */
  lost: string;
}

export class IdbConnection<DB extends DBSchema> {
  readonly #name: string;
  readonly #version: number;
  readonly #upgrade: OpenDBCallbacks<DB>['upgrade'];
  readonly #notices: string[];
  readonly #words: ConnectionWords;
  #db: Promise<IDBPDatabase<DB>> | undefined;

  /** `notices`: the store's list, pushed to when another tab or the browser interferes. */
  constructor(name: string, version: number, upgrade: OpenDBCallbacks<DB>['upgrade'], notices: string[], words: ConnectionWords) {
    this.#name = name;
    this.#version = version;
    this.#upgrade = upgrade;
    this.#notices = notices;
    this.#words = words;
  }

  /** The open connection (opened on first use). */
  open(): Promise<IDBPDatabase<DB>> {
    const notices = this.#notices, w = this.#words;
    this.#db ??= openDB<DB>(this.#name, this.#version, {
      ...(this.#upgrade ? { upgrade: this.#upgrade } : {}),
      blocked() {
        notices.push(`Another MarkerLab tab has an older version of the ${w.database} database open; close or reload that tab so this one can ${w.store}.`);
      },
      blocking: () => {
        // A newer MarkerLab in another tab wants to upgrade: let it, and say why this tab stops storing.
        notices.push(`MarkerLab was opened in a newer version in another tab; reload this tab to keep ${w.storing}.`);
        void this.close();
      },
      terminated: () => {
        notices.push(`The browser closed the ${w.database} database unexpectedly (storage cleared or full?); ${w.lost}.`);
        this.#db = undefined;
      },
    });
    const pending = this.#db;
    // A failed open (private mode, blocked) is retried next time instead of being cached.
    pending.catch(() => {
      if (this.#db === pending) this.#db = undefined;
    });
    return pending;
  }

  /** Close the connection if one is open (a failed open has nothing to close); the next open() opens anew. */
  async close(): Promise<void> {
    const db = this.#db;
    this.#db = undefined;
    if (db) (await db.catch(() => undefined))?.close();
  }
}
