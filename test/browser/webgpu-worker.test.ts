/**
 * Real Chromium, real module worker built by Vite, real WebGPU adapter (SwiftShader in CI):
 * the tfjs webgpu backend must start inside the worker and multiply correctly, and a destroyed
 * device is noticed and left for the next backend (the probe, and Play with a real player worker).
 */
import * as Comlink from 'comlink';
import { afterAll, describe, expect, it } from 'vitest';
import type { ProbeApi } from '../../workers/probe.api';
import type { LossPlayerApi } from './player-loss.worker';
import { PlayState } from '../../src/lib/state/play.svelte';
import { CheckpointsState } from '../../src/lib/state/checkpoints.svelte';
import { DEFAULT_URL_STATE } from '../../src/lib/state/url';
import type { CheckpointStore } from '../../src/lib/model/checkpoint-store';
import { toSafetensors } from '../../src/lib/model/checkpoint';
import { makeRecord } from '../fixtures/checkpoint-record';

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
      // The loss is noticed and the next backend started within moments; a busy machine can take longer.
      await expect.poll(() => p.lossMessage(), { timeout: 60_000, interval: 50 }).not.toBeNull();
      const message = await p.lossMessage();
      expect(message).toMatch(/^The GPU device was lost \(destroyed.*\)\. Switched to cpu; a training run continues from its last autosave, or starts again without one\./);
      expect(await p.backend()).toBe('cpu');
      const got = await p.matmul(Float32Array.of(1, 2), Float32Array.of(3, 4), 1, 2, 1);
      expect(Array.from(got)).toEqual([11]);
    } finally {
      fresh.terminate();
    }
  });
});

describe('Play after a lost device (real player worker)', () => {
  it('loads the same checkpoint again on the next backend and answers the same prompt again, by itself', async () => {
    const started: { worker: Worker; remote: Comlink.Remote<LossPlayerApi> }[] = [];
    const connect = () => {
      const worker = new Worker(new URL('./player-loss.worker.ts', import.meta.url), { type: 'module' });
      const remote = Comlink.wrap<LossPlayerApi>(worker);
      started.push({ worker, remote });
      return { api: remote, close: () => worker.terminate() };
    };
    // One trained category keeps the model's own block (greedy, a forward pass per token) short: SwiftShader compiles shaders per length.
    const file = toSafetensors({ ...makeRecord({ seed: 4, shape: { nLayer: 1 } }), training: { categories: ['lang'] } });
    const store = { list: async () => [], survey: async () => ({ checkpoints: [], unreadable: [] }), estimate: async () => null } as unknown as CheckpointStore;
    const checkpoints = new CheckpointsState(store, undefined, { fetch: (async () => new Response(file.slice())) as typeof fetch });
    const play = new PlayState({
      connect, backendPlan: { auto: () => ({ order: ['webgpu', 'cpu'] }) }, checkpoints,
      initial: { ...DEFAULT_URL_STATE, prompt: 'Hello', markers: {} }, debounceMs: 5, live: false,
    });
    try {
      await play.start();
      await expect.poll(() => play.continuation !== null && !play.pending, { timeout: 60_000, interval: 50 }).toBe(true);
      expect(await started[0]!.remote.backend()).toBe('webgpu');
      const before = play.distributions!.next;
      const answered = play.timings;

      await started[0]!.remote.destroyDevice();
      await expect.poll(() => play.notice, { timeout: 60_000, interval: 50 }).toMatch(/^The GPU device was lost \(destroyed.*\)\. Play loaded “.+” again on CPU; /);
      // A new answer (only the new worker can give one: the old one is ended), for the same prompt.
      await expect.poll(() => play.timings !== answered && !play.pending, { timeout: 60_000, interval: 50 }).toBe(true);
      expect(started).toHaveLength(2);
      expect(await started[1]!.remote.backend()).toBe('cpu');
      const after = play.distributions!.next;
      expect(after.map((b) => b.label)).toEqual(before.map((b) => b.label));
      for (const [i, bar] of after.entries()) expect(bar.p).toBeCloseTo(before[i]!.p, 3);
      expect([play.loadError, play.distError]).toEqual([null, null]);
    } finally {
      play.dispose();
      for (const { worker } of started) worker.terminate();
    }
  });
});
