import { describe, expect, it } from 'vitest';
import type { BackendOptions, BackendReport } from '../../src/lib/model/backend';
import { presetConfig } from '../../src/lib/model/config';
import { sameShape, shapeName } from '../../src/lib/state/backend-memory';
import { BackendWorker, keepsBackend } from '../../src/lib/state/backend-worker';

/** An in-process worker that records the options its init() got. */
function fakeConnect(seen: (BackendOptions | undefined)[]) {
  return () => ({
    api: {
      init: async (options?: BackendOptions): Promise<BackendReport> => {
        seen.push(options);
        return { backend: options?.order?.[0] ?? 'cpu', fallbacks: [] };
      },
    },
    close: () => {},
  });
}

describe('BackendWorker with a plan', () => {
  it("resolves 'auto' through the plan, keeps its report, and leaves named choices alone", async () => {
    const seen: (BackendOptions | undefined)[] = [];
    const remembered: BackendReport[] = [];
    const worker = new BackendWorker(fakeConnect(seen), { auto: async () => ({ order: ['wasm', 'cpu'] }), remember: (r) => remembered.push(r) });
    expect((await worker.ready('auto')).report.backend).toBe('wasm');
    expect(remembered).toHaveLength(1);
    await worker.ready('webgl');
    expect(seen).toEqual([{ order: ['wasm', 'cpu'] }, { order: ['webgl', 'cpu'] }]);
  });

  it('after a loss starts the same choice on the backends after the lost one, without asking the plan again', async () => {
    const seen: (BackendOptions | undefined)[] = [];
    const remembered: BackendReport[] = [];
    const worker = new BackendWorker(fakeConnect(seen), {
      auto: async () => ({ order: ['webgpu', 'wasm', 'cpu'], wasmThreads: 2 }),
      remember: (r) => remembered.push(r),
    });
    expect((await worker.ready('auto')).report.backend).toBe('webgpu');
    worker.closeAfterLoss();
    expect((await worker.ready('auto')).report.backend).toBe('wasm');
    expect(seen[1]).toEqual({ order: ['wasm', 'cpu'], wasmThreads: 2 });
    // The fallback is not a measurement: the plan keeps its ranking.
    expect(remembered.map((r) => r.backend)).toEqual(['webgpu']);
    // Another choice starts as usual.
    await worker.ready('webgl');
    expect(seen[2]).toEqual({ order: ['webgl', 'cpu'] });
  });
});

describe('BackendWorker for the model shape it runs', () => {
  const small = presetConfig('nano', 96, 1), demo = presetConfig('tiny', 2320, 1), big = presetConfig('small', 2320, 1);

  it("plans 'auto' for the shape asked, keeps the worker when that shape's ranking leads to its backend, and starts a fresh one when not", async () => {
    const seen: (BackendOptions | undefined)[] = [];
    const asked: string[] = [];
    const heard: { backend: string; measured: boolean; shape: string }[] = [];
    let connects = 0, closes = 0;
    const connect = fakeConnect(seen);
    const ranking: Record<string, BackendOptions> = {
      [shapeName(demo)]: { order: ['wasm', 'cpu'] },
      [shapeName(small)]: { order: ['wasm', 'webgl', 'cpu'] },
      [shapeName(big)]: { order: ['webgl', 'wasm', 'cpu'] },
    };
    const worker = new BackendWorker(() => {
      connects++;
      const c = connect();
      return { ...c, close: () => void closes++ };
    }, {
      auto: (shape) => (asked.push(shapeName(shape!)), ranking[shapeName(shape!)]!),
      remember: (r, shape) => heard.push({ backend: r.backend, measured: r.decision !== undefined, shape: shapeName(shape!) }),
    });
    expect((await worker.ready('auto', demo)).report.backend).toBe('wasm');
    // The same shape again: nothing asked, nothing started.
    await worker.ready('auto', { ...demo, seed: 9, dropout: 0 });
    expect([asked.length, connects]).toEqual([1, 1]);
    // Another shape whose ranking also leads to wasm: the worker stays, the plan hears the new shape.
    expect((await worker.ready('auto', small)).report.backend).toBe('wasm');
    expect([connects, closes]).toEqual([1, 0]);
    // A shape measured faster on WebGL: a fresh worker on that ranking.
    expect((await worker.ready('auto', big)).report.backend).toBe('webgl');
    expect([connects, closes]).toEqual([2, 1]);
    expect(asked).toEqual([shapeName(demo), shapeName(small), shapeName(big)]);
    expect(seen).toEqual([{ order: ['wasm', 'cpu'] }, { order: ['webgl', 'wasm', 'cpu'] }]);
    expect(heard.map((h) => `${h.backend}@${h.shape}`)).toEqual([`wasm@${shapeName(demo)}`, `wasm@${shapeName(small)}`, `webgl@${shapeName(big)}`]);
  });

  it('measures a shape never measured in a fresh worker, and names no shape for a named choice', async () => {
    const seen: (BackendOptions | undefined)[] = [];
    const worker = new BackendWorker(fakeConnect(seen), {
      auto: (shape) => (sameShape(shape!, demo) ? { order: ['wasm', 'cpu'] } : { measure: { work: 'inference', config: shape! } }),
    });
    await worker.ready('auto', demo);
    await worker.ready('auto', big);
    expect(seen[1]?.measure?.config).toBe(big);
    await worker.ready('cpu', demo);
    expect(seen[2]).toEqual({ order: ['cpu'] });
  });

  it('keepsBackend passes over the backends that failed in the worker', () => {
    const report = { backend: 'wasm' as const, fallbacks: [{ backend: 'webgpu' as const, reason: 'no adapter' }] };
    expect(keepsBackend({ order: ['webgpu', 'wasm'] }, report)).toBe(true);
    expect(keepsBackend({ order: ['webgl', 'wasm'] }, report)).toBe(false);
    expect(keepsBackend({ measure: { work: 'inference', config: demo } }, report)).toBe(false);
  });
});
