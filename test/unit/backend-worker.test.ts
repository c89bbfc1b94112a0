import { describe, expect, it } from 'vitest';
import type { BackendOptions, BackendReport } from '../../src/lib/model/backend';
import { BackendWorker } from '../../src/lib/state/backend-worker';

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
