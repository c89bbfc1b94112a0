import { cleanup, fireEvent, render, screen, within } from '@testing-library/svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import BenchPage from '../../src/ui/bench/BenchPage.svelte';
import { ThreadsBench } from '../../src/lib/state/bench-threads.svelte';
import { BenchState, type BenchConnection } from '../../src/lib/state/bench.svelte';
import type { BackendName } from '../../src/lib/model/backend';
import type { BenchModel, BenchResult } from '../../src/lib/model/bench';

afterEach(cleanup);

function result(backend: string, model: string): BenchResult {
  return {
    backend, model, batchSize: 16,
    config: { vocabSize: 512, blockSize: 64, nLayer: 1, nHead: 2, nEmbd: 32, dropout: 0, seed: 1 },
    msPerStep: 12.5, trainTokensPerSec: 81920,
    tensors: { beforeTraining: 40, afterTraining: 40, trainingSteps: 20 },
    decoding: [
      { T: 16, cachedMsPerToken: 1.1, recomputeMsPerToken: 2.2 },
      { T: 64, cachedMsPerToken: 1.2, recomputeMsPerToken: 9.6 },
    ],
    cacheSpeedupAtFullContext: 8, cachedCostGrowth16ToFull: 1.09,
    generationTensors: { before: 10, after: 10, tokens: 100 },
  };
}

/** A fake worker per backend: webgl fails to start; the others answer once `release()` is called. */
function fakeBench(): { state: BenchState; opened: BackendName[]; closed: BackendName[]; release: () => void } {
  const opened: BackendName[] = [], closed: BackendName[] = [];
  let release = (): void => {};
  const gate = new Promise<void>((resolve) => (release = resolve));
  const state = new BenchState((backend): BenchConnection => {
    opened.push(backend);
    return {
      api: {
        init: async () => {
          if (backend === 'webgl') throw new Error('WebGL is not available');
          return { backend, fallbacks: [] };
        },
        run: async (models: BenchModel[], onProgress) => {
          await onProgress?.({ backend, model: models[0]!, phase: 'training' });
          await gate;
          return models.map((m) => result(backend, m));
        },
      },
      close: () => closed.push(backend),
    };
  });
  return { state, opened, closed, release };
}

describe('BenchPage', () => {
  it('offers a labelled checkbox per backend and model, and the two buttons', () => {
    render(BenchPage, { bench: fakeBench().state, threads: noThreads() });
    for (const name of ['WebGPU', 'WebGL', 'WASM', 'CPU', /^nano/, /^tiny/, /^peer/]) {
      expect(screen.getByRole('checkbox', { name })).toBeTruthy();
    }
    expect(screen.getByRole('button', { name: 'Run benchmark' })).toBeTruthy();
    expect((screen.getByRole('button', { name: 'Copy JSON' }) as HTMLButtonElement).disabled).toBe(true);
  });

  it('disables the button while running and renders one row per result', async () => {
    const { state, opened, closed, release } = fakeBench();
    state.backends.webgpu = false;
    render(BenchPage, { bench: state, threads: noThreads() });
    await fireEvent.click(screen.getByRole('checkbox', { name: /^peer/ })); // nano only
    await fireEvent.click(screen.getByRole('button', { name: 'Run benchmark' }));
    const button = screen.getByRole('button', { name: 'Running…' }) as HTMLButtonElement;
    expect(button.disabled).toBe(true);
    expect(screen.getByRole('status', { name: 'Benchmark status' }).textContent).toContain('Measuring nano');

    release();
    await vi.waitFor(() => expect(state.running).toBe(false));
    expect((screen.getByRole('button', { name: 'Run benchmark' }) as HTMLButtonElement).disabled).toBe(false);
    expect(opened).toEqual(['webgl', 'wasm', 'cpu']);
    expect(closed).toEqual(['webgl', 'wasm', 'cpu']);

    const rows = within(screen.getByRole('table', { name: 'Benchmark results' })).getAllByRole('row').slice(1);
    expect(rows.map((r) => within(r).getAllByRole('cell').slice(0, 2).map((c) => c.textContent))).toEqual([
      ['wasm', 'nano'], ['cpu', 'nano'],
    ]);
    const cells = within(rows[0]!).getAllByRole('cell').map((c) => c.textContent!.replace(/\s+/g, ' ').trim());
    expect(cells[2]).toBe('81,920');
    expect(cells[3]).toBe('12.5');
    expect(cells[4]).toContain('T=64 1.2 / 9.6');
    expect(cells[5]).toBe('×8');
    expect(cells[6]).toBe('train 40 → 40 generate 10 → 10');
    expect(screen.getByText(/WebGL skipped: WebGL is not available/)).toBeTruthy();
    expect(JSON.parse(state.json).results).toHaveLength(3);
  });
});


/** A threads comparison whose worker answers with fixed figures: 2 threads, then 1. */
function noThreads(): ThreadsBench {
  let threads = 2;
  return new ThreadsBench(() => {
    const t = threads--;
    return {
      api: { measure: async (_r, _w, n) => Array.from({ length: n }, (_, i) => [{ backend: 'wasm' as const, software: false, threads: t, msPerToken: 2 + i }]) },
      close: () => {},
    };
  });
}

describe('ThreadsTable', () => {
  it('shows threaded and single-threaded figures for decoding and training', async () => {
    const threads = noThreads();
    render(BenchPage, { bench: fakeBench().state, threads });
    await threads.run();
    await Promise.resolve();
    const rows = screen.getByRole('table', { name: 'WebAssembly threads' }).querySelectorAll('tbody tr');
    expect([...rows].map((r) => r.textContent)).toEqual([
      'decoding (Play)2 threads33332 · 3 · 4',
      'training2 threads33332 · 3 · 4',
      'decoding (Play)1 thread33332 · 3 · 4',
      'training1 thread33332 · 3 · 4',
    ]);
  });
});
