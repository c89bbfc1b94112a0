import { describe, expect, it } from 'vitest';
import { describeTiming, isSoftwareAdapter, rankBackends, type BackendTiming } from '../../src/lib/model/backend-rank';

const swiftshader: BackendTiming = { backend: 'webgpu', adapter: 'google · swiftshader · Subzero', software: true, msPerToken: 0.5 };
const wasm: BackendTiming = { backend: 'wasm', software: false, msPerToken: 2.1, threads: 2 };
const cpu: BackendTiming = { backend: 'cpu', software: false, msPerToken: 9, lowerBound: true };

describe('rankBackends', () => {
  it('never prefers a software adapter, even when its figure is better', () => {
    const d = rankBackends('inference', [swiftshader, wasm, cpu]);
    expect(d.backend).toBe('wasm');
    expect(d.order).toEqual(['wasm', 'cpu', 'webgpu']);
    expect(d.override).toBe(false);
    expect(d.reason).toBe('WebGPU (SwiftShader, software): 0.50 ms/token, WebAssembly (2 threads): 2.1 ms/token, CPU (JavaScript): over 9.0 ms/token — chose WebAssembly; a software adapter is never preferred');
  });

  it('picks the fastest hardware backend', () => {
    const gpu: BackendTiming = { backend: 'webgpu', adapter: 'nvidia · ampere', software: false, msPerToken: 0.8 };
    expect(rankBackends('training', [gpu, wasm, cpu]).backend).toBe('webgpu');
    expect(rankBackends('training', [{ ...gpu, msPerToken: 3 }, wasm]).order).toEqual(['wasm', 'webgpu']);
  });

  it('breaks ties (within 5 %) by preference: graphics card before processor', () => {
    const webgl: BackendTiming = { backend: 'webgl', adapter: 'intel', software: false, msPerToken: 2.15 };
    expect(rankBackends('inference', [wasm, webgl]).backend).toBe('webgl');
    expect(rankBackends('inference', [wasm, { ...webgl, msPerToken: 2.5 }]).backend).toBe('wasm');
    // A lower bound is not a figure and never wins a tie.
    expect(rankBackends('inference', [wasm, { ...webgl, lowerBound: true }]).backend).toBe('wasm');
  });

  it('falls back to the software adapter only when nothing else works', () => {
    const d = rankBackends('inference', [swiftshader, { backend: 'wasm', software: false, skipped: 'failed to start' }]);
    expect(d.backend).toBe('webgpu');
    expect(rankBackends('inference', []).backend).toBe('cpu');
  });

  it('keeps an untimed software adapter last and skips backends that failed', () => {
    const soft: BackendTiming = { backend: 'webgpu', adapter: 'swiftshader', software: true, skipped: 'not timed: software adapter' };
    const gl: BackendTiming = { backend: 'webgl', software: false, skipped: 'WebGL is not available' };
    const d = rankBackends('training', [soft, gl, wasm, cpu]);
    expect(d.order).toEqual(['wasm', 'cpu', 'webgpu']);
    expect(d.reason).toContain('WebGPU (SwiftShader, software): not timed: software adapter');
  });

  it('honours an override that works, and says what Automatic would pick', () => {
    const d = rankBackends('inference', [swiftshader, wasm, cpu], 'webgpu');
    expect(d.backend).toBe('webgpu');
    expect(d.override).toBe(true);
    expect(d.order[0]).toBe('webgpu');
    expect(d.reason).toMatch(/you chose WebGPU \(Automatic would pick WebAssembly\)$/);
  });

  it('ignores an override that cannot run here, and says so', () => {
    const d = rankBackends('inference', [wasm, { backend: 'webgl', software: false, skipped: 'no WebGL' }], 'webgl');
    expect(d.backend).toBe('wasm');
    expect(d.override).toBe(false);
    expect(d.reason).toContain('WebGL is not available here');
  });
});

describe('isSoftwareAdapter / describeTiming', () => {
  it('recognises software adapters and fallback adapters', () => {
    expect(isSoftwareAdapter('ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device (Subzero)), SwiftShader driver)')).toBe(true);
    expect(isSoftwareAdapter('llvmpipe (LLVM 15.0.6, 256 bits)')).toBe(true);
    expect(isSoftwareAdapter('apple · metal-3')).toBe(false);
    expect(isSoftwareAdapter('apple · metal-3', true)).toBe(true);
  });

  it('writes one figure a person can read', () => {
    expect(describeTiming({ backend: 'wasm', software: false, msPerToken: 1234.5, threads: 1 })).toBe('WebAssembly (1 thread): 1235 ms/token');
    expect(describeTiming({ backend: 'cpu', software: false, msPerToken: 12.3 })).toBe('CPU (JavaScript): 12 ms/token');
  });
});
