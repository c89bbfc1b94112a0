/**
 * Real Chromium, real module worker built by Vite, real WebGPU adapter (SwiftShader in CI):
 * the tfjs webgpu backend must start inside the worker and multiply correctly.
 */
import * as Comlink from 'comlink';
import { afterAll, describe, expect, it } from 'vitest';
import type { ProbeApi } from '../../workers/probe.api';

const worker = new Worker(new URL('../../workers/probe.worker.ts', import.meta.url), { type: 'module' });
const probe = Comlink.wrap<ProbeApi>(worker);
afterAll(() => worker.terminate());

function reference(a: Float32Array, b: Float32Array, m: number, k: number, n: number): Float32Array {
  const c = new Float32Array(m * n);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) {
    let s = 0;
    for (let t = 0; t < k; t++) s += a[i * k + t]! * b[t * n + j]!;
    c[i * n + j] = s;
  }
  return c;
}

describe('WebGPU in a module worker', () => {
  it('the page is a secure context with navigator.gpu', () => {
    expect(window.isSecureContext).toBe(true);
    expect('gpu' in navigator).toBe(true);
  });

  it('starts the tfjs webgpu backend and reports the adapter', async () => {
    const report = await probe.init({ order: ['webgpu'] });
    expect(report.backend).toBe('webgpu');
    expect(report.fallbacks).toEqual([]);
    expect(report.adapter).toBeTruthy();
    expect(await probe.backend()).toBe('webgpu');
  });

  it('returns a correct matmul read with await data(), without leaking tensors', async () => {
    const m = 7, k = 13, n = 5;
    const a = Float32Array.from({ length: m * k }, (_, i) => Math.sin(i) * 3);
    const b = Float32Array.from({ length: k * n }, (_, i) => Math.cos(i * 0.7) - 0.25);
    const before = await probe.numTensors();
    const got = await probe.matmul(a, b, m, k, n);
    const want = reference(a, b, m, k, n);
    expect(got.length).toBe(want.length);
    for (let i = 0; i < want.length; i++) expect(got[i]).toBeCloseTo(want[i]!, 3);
    expect(Array.from(got).some((x) => x !== 0)).toBe(true);
    expect(await probe.numTensors()).toBe(before);
  });

  it('falls back with a reason when a backend is impossible', async () => {
    const fresh = new Worker(new URL('../../workers/probe.worker.ts', import.meta.url), { type: 'module' });
    try {
      const p = Comlink.wrap<ProbeApi>(fresh);
      // wasm without its binaries cannot start; cpu always can.
      const report = await p.init({ order: ['wasm', 'cpu'], wasmPaths: '/no-such-dir/' });
      expect(report.backend).toBe('cpu');
      expect(report.fallbacks.map((f) => f.backend)).toEqual(['wasm']);
      expect(report.fallbacks[0]!.reason.length).toBeGreaterThan(10);
    } finally {
      fresh.terminate();
    }
  });

  it('a lost device is noticed from its lost promise, said in words, and the worker moves to the next backend', async () => {
    const fresh = new Worker(new URL('../../workers/probe.worker.ts', import.meta.url), { type: 'module' });
    try {
      const p = Comlink.wrap<ProbeApi>(fresh);
      expect((await p.init({ order: ['webgpu', 'cpu'] })).backend).toBe('webgpu');
      expect(await p.lossMessage()).toBeNull();
      await p.destroyDevice();
      let message: string | null = null;
      for (let i = 0; i < 100 && message === null; i++) {
        await new Promise((r) => setTimeout(r, 50));
        message = await p.lossMessage();
      }
      expect(message).toMatch(/^The GPU device was lost \(destroyed.*\)\. Switched to cpu; a training run continues from its last autosave, or starts again without one\./);
      expect(await p.backend()).toBe('cpu');
      const got = await p.matmul(Float32Array.of(1, 2), Float32Array.of(3, 4), 1, 2, 1);
      expect(Array.from(got)).toEqual([11]);
    } finally {
      fresh.terminate();
    }
  });
});
