import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { BackendMemory, DEMO_SHAPE, sameShape, shapeKey, wasmThreadsFor } from '../../src/lib/state/backend-memory';
import { rankBackends } from '../../src/lib/model/backend-rank';
import { checkpointConfig } from '../../src/lib/model/checkpoint';
import { presetConfig } from '../../src/lib/model/config';

function mapStore() {
  const m = new Map<string, string>();
  return { map: m, getItem: (k: string) => m.get(k) ?? null, setItem: (k: string, v: string) => void m.set(k, v), removeItem: (k: string) => void m.delete(k) };
}

const decision = rankBackends('training', [
  { backend: 'wasm', software: false, msPerToken: 0.8 },
  { backend: 'cpu', software: false, msPerToken: 5, lowerBound: true },
]);

describe('BackendMemory', () => {
  it('measures once per work and shape, then reuses the ranking', () => {
    const store = mapStore();
    const memory = new BackendMemory(store);
    expect(memory.plan('training', DEMO_SHAPE).measure).toMatchObject({ work: 'training', config: DEMO_SHAPE, override: 'auto' });
    memory.remember({ backend: 'wasm', fallbacks: [], decision }, DEMO_SHAPE);
    expect(memory.plan('training', DEMO_SHAPE)).toMatchObject({ order: ['wasm', 'cpu'] });
    // Another shape or work measures again.
    expect(memory.plan('training', presetConfig('nano', 2400, 1)).measure).toBeDefined();
    expect(memory.plan('inference', DEMO_SHAPE).measure).toBeDefined();
    expect([...store.map.keys()]).toEqual([shapeKey('training', DEMO_SHAPE)]);
  });

  it('puts an override first and forgets it on auto', () => {
    const memory = new BackendMemory(mapStore());
    memory.remember({ backend: 'wasm', fallbacks: [], decision }, DEMO_SHAPE);
    memory.setOverride('training', DEMO_SHAPE, 'cpu');
    expect(memory.plan('training', DEMO_SHAPE)).toMatchObject({ order: ['cpu', 'wasm'] });
    memory.setOverride('training', DEMO_SHAPE, 'auto');
    expect(memory.plan('training', DEMO_SHAPE)).toMatchObject({ order: ['wasm', 'cpu'] });
  });

  it('treats corrupt or foreign records as never measured, and works without storage', () => {
    const store = mapStore();
    store.setItem(shapeKey('inference', DEMO_SHAPE), '{"version":1,"measuredAt":"x","timings":[{"backend":"tpu"}]}');
    store.setItem(`${shapeKey('inference', DEMO_SHAPE)}:override`, 'tpu');
    const memory = new BackendMemory(store);
    expect(memory.decision('inference', DEMO_SHAPE)).toBeNull();
    expect(memory.override('inference', DEMO_SHAPE)).toBe('auto');
    store.setItem(shapeKey('inference', DEMO_SHAPE), 'not json');
    expect(memory.plan('inference', DEMO_SHAPE).measure).toBeDefined();
    const none = new BackendMemory(null);
    none.remember({ backend: 'wasm', fallbacks: [], decision }, DEMO_SHAPE);
    expect(none.plan('training', DEMO_SHAPE).measure).toBeDefined();
  });
});

describe('DEMO_SHAPE', () => {
  it('is the shape of the demo checkpoint Play opens with, so the first load measures the model it loads', () => {
    const demo = checkpointConfig(new Uint8Array(readFileSync(new URL('../../public/models/demo.safetensors', import.meta.url))));
    expect(demo).not.toBeNull();
    expect(shapeKey('inference', demo!)).toBe(shapeKey('inference', DEMO_SHAPE));
    expect(sameShape(demo!, DEMO_SHAPE)).toBe(true);
    expect(sameShape(DEMO_SHAPE, { ...DEMO_SHAPE, vocabSize: 2400 })).toBe(false);
  });

  it('checkpointConfig reads no further than the header and says null for bytes that are not a checkpoint', () => {
    expect(checkpointConfig(new Uint8Array([1, 2, 3]))).toBeNull();
  });
});

describe('wasmThreadsFor', () => {
  it('decodes on one thread; trains on half the cores from 4 cores', () => {
    expect(wasmThreadsFor('inference', 16)).toBe(false);
    expect(wasmThreadsFor('training', 2)).toBe(false);
    expect(wasmThreadsFor('training', 8)).toBe(4);
  });
});
