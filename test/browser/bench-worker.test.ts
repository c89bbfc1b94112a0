/**
 * The bench worker in a real module worker in Chromium, on wasm (the fastest backend here, 3× less
 * time than cpu; the cpu backend is checked against WebGPU in engine-workers.test.ts) with the nano
 * preset only: the numbers are sane and nothing leaks. A contract check, not a timed test.
 */
import * as Comlink from 'comlink';
import { afterAll, describe, expect, it } from 'vitest';
import type { BenchApi } from '../../workers/bench.api';
import type { BenchProgress } from '../../src/lib/model/bench';

const worker = new Worker(new URL('../../workers/bench.worker.ts', import.meta.url), { type: 'module' });
afterAll(() => worker.terminate());

describe('bench worker', () => {
  it('measures nano on wasm: tokens/s, a cache speed-up, flat tensor counts', async () => {
    const api = Comlink.wrap<BenchApi>(worker);
    expect((await api.init({ order: ['wasm'] })).backend).toBe('wasm');
    const seen: BenchProgress[] = [];
    const [r, ...rest] = await api.run(['nano'], Comlink.proxy((p: BenchProgress) => void seen.push(p)));
    expect(rest).toHaveLength(0);
    expect(seen.map((p) => `${p.backend}/${p.model}/${p.phase}`)).toEqual(['wasm/nano/training', 'wasm/nano/decoding']);
    expect(r!.backend).toBe('wasm');
    expect(r!.model).toBe('nano');
    expect(r!.trainTokensPerSec).toBeGreaterThan(0);
    expect(r!.msPerStep).toBeGreaterThan(0);
    expect(r!.decoding.map((d) => d.T)).toEqual([16, 32, 64]);
    for (const d of r!.decoding) {
      expect(d.cachedMsPerToken).toBeGreaterThan(0);
      expect(d.recomputeMsPerToken).toBeGreaterThan(0);
    }
    expect(Number.isFinite(r!.cacheSpeedupAtFullContext)).toBe(true);
    expect(r!.cacheSpeedupAtFullContext).toBeGreaterThan(0);
    expect(r!.tensors.afterTraining).toBe(r!.tensors.beforeTraining);
    expect(r!.generationTensors.after).toBe(r!.generationTensors.before);
  }, 60_000);
});
