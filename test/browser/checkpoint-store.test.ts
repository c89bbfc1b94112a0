/**
 * CheckpointStore against real IndexedDB in Chromium. Each test gets its own database.
 */
import * as Comlink from 'comlink';
import { deleteDB, openDB } from 'idb';
import { afterEach, describe, expect, it } from 'vitest';
import { CheckpointError, toSafetensors } from '../../src/lib/model/checkpoint';
import { CheckpointStore } from '../../src/lib/model/checkpoint-store';
import { comparable, firstDifference, makeRecord } from '../fixtures/checkpoint-record';
import type { StoreWorkerApi } from './checkpoint-store.worker';

const opened: CheckpointStore[] = [];
let counter = 0;
function freshStore(): CheckpointStore {
  const store = new CheckpointStore({ dbName: `markerlab-test-${Date.now()}-${counter++}` });
  opened.push(store);
  return store;
}
afterEach(async () => {
  for (const store of opened.splice(0)) {
    await store.close();
    await deleteDB(store.dbName);
  }
});

const a = makeRecord({ seed: 1, optimizer: true });
const b = makeRecord({ seed: 2 });

describe('CheckpointStore (IndexedDB)', () => {
  it('saves, lists, loads and deletes', async () => {
    const store = freshStore();
    expect(await store.list()).toEqual([]);
    const idA = await store.save(a, { name: 'with moments' });
    const idB = await store.save(b);
    expect(idA).not.toBe(idB);

    const list = await store.list();
    expect(list.map((s) => [s.id, s.name, s.step, s.hasOptimizer])).toEqual(
      expect.arrayContaining([[idA, 'with moments', 120, true], [idB, 'step 120', 120, false]]),
    );
    const sa = list.find((s) => s.id === idA)!;
    expect(sa.fileName).toBe('with moments.safetensors');
    expect(sa.sizeBytes).toBe(toSafetensors({ ...a, metrics: { ...a.metrics, name: 'with moments' } }).length);
    expect(sa.savedAt).toBeGreaterThan(0);
    expect(Object.keys(sa)).not.toContain('weights');

    const loaded = await store.load(idA);
    const expected = { ...a, metrics: { ...a.metrics, name: 'with moments' } };
    expect(comparable(loaded, a)).toEqual(comparable(expected, a));
    expect(comparable(await store.load(idB), b)).toEqual(comparable(b, b));

    await store.delete(idA);
    expect((await store.list()).map((s) => s.id)).toEqual([idB]);
    await expect(store.load(idA)).rejects.toThrowError(/no stored checkpoint with id/);
    await store.delete('never-existed');
  });

  it('lists from summaries alone: the weights live in another object store', async () => {
    const store = freshStore();
    const id = await store.save(a, { name: 'x' });
    await store.close();
    const raw = await openDB(store.dbName);
    expect([...raw.objectStoreNames].sort()).toEqual(['checkpoint-files', 'checkpoints']);
    const summary = await raw.get('checkpoints', id);
    expect(JSON.stringify(summary).length).toBeLessThan(2_000);
    expect(Object.values(summary as object).some((v) => ArrayBuffer.isView(v))).toBe(false);
    await raw.delete('checkpoint-files', id);
    raw.close();
    // With its file gone the summary is still listed: list() never reads files.
    expect((await store.list()).map((s) => s.id)).toEqual([id]);
  });

  it('overwrites an id when asked (autosave slot)', async () => {
    const store = freshStore();
    await store.save(a, { id: 'autosave', name: 'first' });
    await store.save({ ...b, step: 300 }, { id: 'autosave', name: 'second' });
    const list = await store.list();
    expect(list.map((s) => [s.id, s.name, s.step])).toEqual([['autosave', 'second', 300]]);
    expect((await store.load('autosave')).step).toBe(300);
  });

  it('exports exactly the bytes it saved, and imports them back', async () => {
    const store = freshStore();
    const id = await store.save(b);
    const { bytes, fileName } = await store.exportFile(id);
    expect(fileName).toBe('step 120.safetensors');
    expect(firstDifference(bytes, toSafetensors(b))).toBeNull();

    const imported = await store.importFile(bytes, 'downloads/french-run.safetensors');
    const summary = (await store.list()).find((s) => s.id === imported)!;
    expect(summary.name).toBe('french-run');
    expect(comparable(await store.load(imported), b)).toEqual(comparable({ ...b, metrics: { ...b.metrics, name: 'french-run' } }, b));
  });

  it('refuses a corrupted import and leaves stored checkpoints untouched', async () => {
    const store = freshStore();
    const idA = await store.save(a, { name: 'keep me' });
    await store.save(b);
    const before = await store.list();
    const exported = (await store.exportFile(idA)).bytes;

    const truncated = toSafetensors(b).subarray(0, 5_000);
    await expect(store.importFile(truncated, 'broken.safetensors')).rejects.toThrowError(CheckpointError);
    await expect(store.importFile(truncated, 'broken.safetensors')).rejects.toThrowError(/^broken\.safetensors: not a valid safetensors file/);
    const poisoned = toSafetensors(b);
    poisoned[poisoned.length - 2] = 0xff; // top bytes of the last float → NaN
    poisoned[poisoned.length - 1] = 0xff;
    await expect(store.importFile(poisoned, 'nan.safetensors')).rejects.toThrowError(/^nan\.safetensors: tensor transformer\.ln_f\.bias holds NaN at index 31/);
    await expect(store.importFile(new Uint8Array([1, 2, 3]), 'tiny.bin')).rejects.toThrowError(/too short/);

    expect(await store.list()).toEqual(before);
    expect(firstDifference((await store.exportFile(idA)).bytes, exported)).toBeNull();
  });

  it('reports a storage estimate', async () => {
    const store = freshStore();
    await store.save(a);
    const estimate = await store.estimate();
    expect(estimate).not.toBeNull();
    expect(estimate!.quota).toBeGreaterThan(0);
    expect(estimate!.usage).toBeGreaterThanOrEqual(0);
  });

  it('two stores on different databases do not see each other', async () => {
    const one = freshStore(), two = freshStore();
    await one.save(a);
    expect(await two.list()).toEqual([]);
  });

  it('works inside a module Web Worker, sharing the database with the page', async () => {
    const store = freshStore();
    const worker = new Worker(new URL('./checkpoint-store.worker.ts', import.meta.url), { type: 'module' });
    try {
      const remote = Comlink.wrap<StoreWorkerApi>(worker);
      const fromWorker = await remote.save(store.dbName);
      expect((await store.load(fromWorker)).optimizer?.step).toBe(120);
      const fromPage = await store.save(b, { name: 'from the page' });
      const seen = await remote.load(store.dbName, fromPage);
      expect(seen.step).toBe(120);
      expect(seen.names.sort()).toEqual(['from the page', 'from the worker']);
      expect(seen.hasEstimate).toBe(true);
    } finally {
      worker.terminate();
    }
  });
});
