import { cleanup, fireEvent, render, screen } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
import BackendBadge from '../../src/ui/BackendBadge.svelte';
import { BackendStatus } from '../../src/lib/state/backend.svelte';
import { BackendMemory, DEMO_SHAPE, shapeKey } from '../../src/lib/state/backend-memory';
import type { BackendOptions, BackendReport } from '../../src/lib/model/backend';
import { rankBackends, type BackendTiming } from '../../src/lib/model/backend-rank';

afterEach(cleanup);

function mapStore() {
  const m = new Map<string, string>();
  return { map: m, getItem: (k: string) => m.get(k) ?? null, setItem: (k: string, v: string) => void m.set(k, v), removeItem: (k: string) => void m.delete(k) };
}

const TIMINGS: BackendTiming[] = [
  { backend: 'wasm', software: false, msPerToken: 2.1, threads: 2 },
  { backend: 'webgpu', adapter: 'google · swiftshader', software: true, skipped: 'not timed: a software adapter is never preferred' },
  { backend: 'cpu', software: false, msPerToken: 9, lowerBound: true },
];

/** A probe that measures (returns a decision) when asked to, and records what it was asked. */
function statusWith(result: Error | 'measure', store = mapStore()) {
  const calls: (BackendOptions | undefined)[] = [];
  const status = new BackendStatus(() => ({
    init(options?: BackendOptions): Promise<BackendReport> {
      calls.push(options);
      if (result instanceof Error) return Promise.reject(result);
      const decision = options?.measure ? rankBackends('inference', TIMINGS, options.measure.override ?? 'auto') : undefined;
      const backend = decision?.backend ?? options?.order?.[0] ?? 'cpu';
      return Promise.resolve({ backend, fallbacks: [], ...(decision ? { decision } : {}) });
    },
  }), new BackendMemory(store));
  return { status, calls, store };
}

describe('BackendBadge', () => {
  it('measures on first load, shows the figures and the reason, and remembers them by shape', async () => {
    const { status, calls, store } = statusWith('measure');
    render(BackendBadge, { status });
    await status.start();
    await Promise.resolve();
    const region = screen.getByRole('status', { name: 'Compute backend' });
    expect(region.textContent).toContain('WebAssembly');
    expect(screen.getByLabelText('Why this backend').textContent).toBe(
      'WebAssembly (2 threads): 2.1 ms/token, CPU (JavaScript): over 9.0 ms/token, WebGPU (SwiftShader, software): not timed: a software adapter is never preferred — chose WebAssembly; a software adapter is never preferred',
    );
    expect(calls[0]?.measure?.work).toBe('inference');
    expect(store.map.has(shapeKey('inference', DEMO_SHAPE))).toBe(true);

    // A second visit: no measurement, the remembered ranking.
    const again = statusWith('measure', store);
    await again.status.start();
    expect(again.calls[0]).toEqual({ order: ['wasm', 'cpu', 'webgpu'], wasmThreads: false });
    expect(again.status.reason).toContain('chose WebAssembly');
  });

  it('lets a person override, remembers it, and offers a reload to apply it', async () => {
    const { status, store } = statusWith('measure');
    render(BackendBadge, { status });
    await status.start();
    await Promise.resolve();
    await fireEvent.change(screen.getByLabelText('Play computes on'), { target: { value: 'cpu' } });
    expect(status.reason).toMatch(/you chose CPU \(JavaScript\) \(Automatic would pick WebAssembly\)$/);
    expect(screen.getByRole('button', { name: 'Reload to apply' })).toBeTruthy();
    const next = statusWith('measure', store);
    expect(next.status.choice).toBe('cpu');
    expect(await next.status.planFor('inference')).toEqual({ order: ['cpu', 'wasm', 'webgpu'], wasmThreads: false });
  });

  it('shows a failure instead of hanging', async () => {
    const { status } = statusWith(new Error('worker crashed'));
    render(BackendBadge, { status });
    await status.start();
    await Promise.resolve();
    expect(screen.getByText('No backend')).toBeTruthy();
    expect(screen.getByText(/worker crashed/)).toBeTruthy();
  });
});
