/**
 * `markerlab train --backend webgpu` through the real binary: Dawn from the `webgpu` package gives
 * Node a `navigator.gpu` (on a machine without a GPU, Chromium's SwiftShader through Debian's
 * libvulkan1). The same two steps on cpu must give the same loss: the maths agree across backends.
 * No skip when WebGPU is missing: CI machines have SwiftShader, so a fallback here is a failure.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const BIN = join(import.meta.dirname, '../../cli/markerlab.mjs');
const tmp = mkdtempSync(join(tmpdir(), 'markerlab-webgpu-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

interface Summary {
  event: string;
  backend: string;
  steps: number;
  loss: number | null;
}

async function train(backend: string): Promise<{ summary: Summary; stderr: string }> {
  const argv = [BIN, 'train', '--data', 'builtin:teaching', '--rows', '20', '--preset', 'nano', '--batch', '2', '--steps', '2',
    '--seed', '3', '--backend', backend, '--out', join(tmp, `${backend}.safetensors`), '--json'];
  const { stdout, stderr } = await run(process.execPath, argv, { timeout: 100_000, maxBuffer: 1 << 24 });
  const last = stdout.trim().split('\n').at(-1) ?? '';
  return { summary: JSON.parse(last) as Summary, stderr };
}

describe('markerlab train --backend webgpu', () => {
  it('trains on WebGPU in Node and agrees with cpu', { timeout: 110_000 }, async () => {
    const [gpu, cpu] = await Promise.all([train('webgpu'), train('cpu')]);
    // A fallback names its reason on stderr ("backend: wasm (webgpu skipped: …)"): show it.
    expect(gpu.summary.backend, `WebGPU did not start in Node: ${gpu.stderr}`).toBe('webgpu');
    expect(gpu.stderr).toBe('');
    expect(cpu.summary.backend).toBe('cpu');
    expect(gpu.summary.steps).toBe(2);
    const lossGpu = gpu.summary.loss, lossCpu = cpu.summary.loss;
    expect(Number.isFinite(lossGpu)).toBe(true);
    expect(Number.isFinite(lossCpu)).toBe(true);
    expect(Math.abs(lossGpu! - lossCpu!) / Math.abs(lossCpu!)).toBeLessThan(1e-3);
  });
});
