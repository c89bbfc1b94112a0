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
    accuracy: { lang: { correct: 3, total: 4, accuracy: 0.75, missing: 1 } },
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

  it('ignores a record it cannot read', async () => {
    const a = fresh();
    await a.save(sweep);
    await a.close();
    const db = await openDB(a.dbName, 1);
    await db.put('sweeps', { version: 2, something: 'else' }, 'current');
    db.close();
    const b = new IdbSweepStore({ dbName: a.dbName });
    expect(await b.load()).toBeNull();
    await b.close();
  });

  it('uses its own database by default, not the checkpoints’ one', () => {
    expect(new IdbSweepStore().dbName).toBe(SWEEP_DB);
    expect(SWEEP_DB).toBe('markerlab-experiments');
  });
});
