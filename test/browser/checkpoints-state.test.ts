/**
 * CheckpointsState against real IndexedDB in Chromium: the built-ins come first and download once,
 * saved checkpoints follow newest first, and a bad import changes nothing.
 */
import { deleteDB, openDB } from 'idb';
import { afterEach, describe, expect, it } from 'vitest';
import { toSafetensors } from '../../src/lib/model/checkpoint';
import { CheckpointStore } from '../../src/lib/model/checkpoint-store';
import { CheckpointsState, type BuiltinCheckpoint } from '../../src/lib/state/checkpoints.svelte';
import { makeRecord } from '../fixtures/checkpoint-record';

const stores: CheckpointStore[] = [];
afterEach(async () => {
  for (const store of stores.splice(0)) {
    await store.close();
    await deleteDB(store.dbName);
  }
});

const BUILTINS: BuiltinCheckpoint[] = [{ id: 'builtin:demo', name: 'Demo', description: 'd', path: 'models/demo.safetensors' }];
const demoBytes = toSafetensors(makeRecord({ seed: 5 }));

function fresh(fetchImpl: typeof fetch): CheckpointsState {
  const store = new CheckpointStore({ dbName: `markerlab-state-${Date.now()}-${Math.random()}` });
  stores.push(store);
  return new CheckpointsState(store, BUILTINS, { fetch: fetchImpl, base: '/app/' });
}

describe('CheckpointsState', () => {
  it('downloads a built-in once, from the base URL, and hands out copies', async () => {
    const urls: string[] = [];
    const state = fresh(async (input) => {
      urls.push(String(input));
      return new Response(demoBytes.slice());
    });
    const a = await state.bytes('builtin:demo');
    a.fill(0); // a caller transferring or changing its bytes must not spoil the next one
    const b = await state.bytes('builtin:demo');
    expect(urls).toEqual(['/app/models/demo.safetensors']);
    expect(Array.from(b)).toEqual(Array.from(demoBytes));
  });

  it('says which file failed and with what status, and tries again next time', async () => {
    let status = 404;
    const state = fresh(async () => (status === 200 ? new Response(demoBytes.slice()) : new Response('missing', { status })));
    await expect(state.bytes('builtin:demo')).rejects.toThrow('could not download models/demo.safetensors: HTTP 404');
    status = 200;
    expect((await state.bytes('builtin:demo')).length).toBe(demoBytes.length);
  });

  it('lists built-ins first, then saved checkpoints newest first; a bad import leaves them as they were', async () => {
    const state = fresh(async () => new Response(demoBytes.slice()));
    await state.refresh();
    expect(state.entries.map((e) => e.id)).toEqual(['builtin:demo']);
    const first = await state.saveBytes(toSafetensors(makeRecord({ seed: 1 })), { name: 'first run' });
    await new Promise((r) => setTimeout(r, 5));
    const second = await state.saveBytes(toSafetensors(makeRecord({ seed: 2 })), { name: 'second run' });
    expect(state.entries.map((e) => e.name)).toEqual(['Demo', 'second run', 'first run']);
    expect(state.entries[1]).toMatchObject({ id: second, builtin: false });

    const broken = toSafetensors(makeRecord({ seed: 3 })).slice(0, 200);
    await expect(state.importFile(broken, 'broken.safetensors')).rejects.toThrow(/broken\.safetensors/);
    expect(state.entries.map((e) => e.id)).toEqual(['builtin:demo', second, first]);
    expect((await state.exportFile(first)).bytes.length).toBeGreaterThan(0);

    await state.delete(first);
    expect(state.entries.map((e) => e.name)).toEqual(['Demo', 'second run']);
  });

  it('one malformed summary row is reported and left as stored; the others are still listed', async () => {
    const state = fresh(async () => new Response(demoBytes.slice()));
    const good = await state.saveBytes(toSafetensors(makeRecord({ seed: 1 })), { name: 'good run' });
    const store = stores[stores.length - 1]!;
    const db = await openDB(store.dbName);
    await db.put('checkpoints', { id: 'x1', name: 'from the future', savedAt: 'yesterday', step: 1 });
    await db.put('checkpoints', { id: 'x2', name: 7 });
    db.close();
    await store.close(); // reopen, as a reload would
    await state.refresh();
    expect(state.entries.map((e) => e.id)).toEqual(['builtin:demo', good]);
    expect(state.error).toMatch(/2 saved checkpoints could not be read and are not listed \(left as stored\): x1: fileName is not a string; x2: name is not a string/);
    const raw = await openDB(store.dbName);
    expect(await raw.get('checkpoints', 'x1')).toMatchObject({ savedAt: 'yesterday' });
    raw.close();
  });
});
