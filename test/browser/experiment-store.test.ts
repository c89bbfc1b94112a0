/**
 * The sweep store against real IndexedDB in Chromium: a sweep survives a new connection (a
 * reload), clear forgets it, an unreadable record is ignored, and it lives in its own database.
 */
import { deleteDB, openDB } from 'idb';
import { afterEach, describe, expect, it } from 'vitest';
import { IdbSweepStore, SWEEP_DB, type StoredSweep } from '../../src/lib/experiment/store';
import { PAPER_SWEEP, sweepCells } from '../../src/lib/experiment/sweep';

const names: string[] = [];
function fresh(): IdbSweepStore {
  const name = `markerlab-experiments-test-${Date.now()}-${names.length}`;
  names.push(name);
  return new IdbSweepStore({ dbName: name });
}
afterEach(async () => {
  for (const name of names.splice(0)) await deleteDB(name);
});

const sweep: StoredSweep = {
  version: 1, dataset: 'teaching', spec: PAPER_SWEEP, cells: sweepCells(PAPER_SWEEP),
  results: [{
    cell: sweepCells(PAPER_SWEEP)[1]!,
    train: { steps: 400, loss: 2.1, valLoss: 2.3, valLossNoMarkers: 2.6, tokensPerSec: 900, elapsedMs: 1000 },
    accuracy: { lang: { correct: 3, total: 4, accuracy: 0.75, missing: 1, spurious: 0 } },
    lengths: { inferred: { samples: { concise: [{ lengthTokens: 40, finished: true }] }, violations: {}, rate: 0.25 } },
    losses: [{ category: 'lang', value: 'French', rows: 3, loss: 2.2 }],
    evalMs: 500,
  }],
  checkpoints: { 'x0-y0.5-s1': 'abc' }, shares: { 'lang\u0000French': 0.03 }, lengthRule: { mode: 'labels', concise: 115, medium: 303 },
  createdAt: 1,
};

describe('IdbSweepStore', () => {
  it('keeps the sweep across connections and forgets it on clear', async () => {
    const a = fresh();
    expect(await a.load()).toBeNull();
    await a.save(sweep);
    await a.close();
    const b = new IdbSweepStore({ dbName: a.dbName });
    expect(await b.load()).toEqual(sweep);
    await b.save({ ...sweep, results: [] });
    expect((await b.load())!.results).toEqual([]);
    await b.clear();
    expect(await b.load()).toBeNull();
    await b.close();
  });

  it('keeps an unreadable record aside with the reason, says so, and still offers the readable sweep', async () => {
    const a = fresh();
    await a.save(sweep);
    await a.close();
    const db = await openDB(a.dbName, 2);
    await db.put('sweeps', { version: 2, something: 'else' }, 'sweep:99:broken');
    db.close();
    const b = new IdbSweepStore({ dbName: a.dbName });
    expect(await b.load()).toEqual(sweep);
    expect(b.takeNotices().join(' ')).toMatch(/\("sweep:99:broken"\) could not be read \(format version 2.*kept aside in the "quarantine" store/);
    const kept = await b.quarantined();
    expect(kept).toHaveLength(1);
    expect(kept[0]).toMatchObject({ key: 'sweep:99:broken', value: { version: 2, something: 'else' } });
    await b.close();
  });

  it('moves version 1\'s single slot to a keyed record (or, unreadable, to the quarantine)', async () => {
    const name = `markerlab-experiments-test-v1-${Date.now()}`;
    names.push(name);
    const v1 = await openDB(name, 1, { upgrade: (db) => void db.createObjectStore('sweeps') });
    await v1.put('sweeps', sweep, 'current');
    v1.close();
    const store = new IdbSweepStore({ dbName: name });
    expect(await store.load()).toEqual(sweep);
    await store.close();
  });
  it('two tabs: each sweep has its own record, and a sweep one tab holds is never offered to another', async () => {
    const tabA = fresh();
    const tabB = new IdbSweepStore({ dbName: tabA.dbName });
    const older = { ...sweep, createdAt: 10 };
    const newer = { ...sweep, createdAt: 20, results: [] };
    await tabA.save(older);
    await tabB.save(newer);
    await tabA.save({ ...older, checkpoints: { a: '1' } }); // A's writes go to A's record only
    const tabC = new IdbSweepStore({ dbName: tabA.dbName });
    expect(await tabC.load()).toBeNull(); // both are held
    expect(tabC.takeNotices().join(' ')).toMatch(/2 sweeps are running in another tab/);
    await tabB.close(); // tab B closed: its sweep may be resumed elsewhere
    expect(await tabC.load()).toEqual(newer);
    await tabA.close();
    const tabD = new IdbSweepStore({ dbName: tabA.dbName });
    expect(await tabD.load()).toEqual({ ...older, checkpoints: { a: '1' } }); // C holds the newer one
    await tabC.close();
    await tabD.close();
  });

  it('a newer version in another tab closes this connection with a notice instead of blocking it', async () => {
    const a = fresh();
    await a.save(sweep);
    const upgraded = await openDB(a.dbName, 3); // resolves only if `a` let go of its connection
    upgraded.close();
    expect(a.takeNotices().join(' ')).toMatch(/newer version in another tab; reload this tab/);
    await a.close();
  });

  it('an older tab blocking the upgrade is named in a notice', async () => {
    const name = `markerlab-experiments-test-blocked-${Date.now()}`;
    names.push(name);
    const old = await openDB(name, 1, { upgrade: (db) => void db.createObjectStore('sweeps') }); // never closes on versionchange
    const store = new IdbSweepStore({ dbName: name });
    const loading = store.load();
    await new Promise((r) => setTimeout(r, 200));
    expect(store.takeNotices().join(' ')).toMatch(/older version of the experiments database open; close or reload that tab/);
    old.close();
    expect(await loading).toBeNull();
    await store.close();
  });

  it('uses its own database by default, not the checkpoints’ one', () => {
    expect(new IdbSweepStore().dbName).toBe(SWEEP_DB);
    expect(SWEEP_DB).toBe('markerlab-experiments');
  });
});
