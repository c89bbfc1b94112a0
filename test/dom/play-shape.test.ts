/**
 * Play's backend is chosen for the model it has loaded: the probe measures the shape of the
 * checkpoint Play opens with (known up front), and loading a checkpoint of another shape measures
 * that shape (in a fresh player worker) or reuses its remembered ranking — a fresh worker only when
 * that ranking leads to another backend. The badge then speaks of the loaded model's shape.
 */
import { cleanup, render, screen } from '@testing-library/svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import BackendBadge from '../../src/ui/BackendBadge.svelte';
import { BackendStatus } from '../../src/lib/state/backend.svelte';
import { BackendMemory, shapeKey, shapeName } from '../../src/lib/state/backend-memory';
import { PlayState } from '../../src/lib/state/play.svelte';
import { CheckpointsState } from '../../src/lib/state/checkpoints.svelte';
import { DEFAULT_URL_STATE } from '../../src/lib/state/url';
import type { CheckpointStore } from '../../src/lib/model/checkpoint-store';
import type { BackendOptions, BackendReport } from '../../src/lib/model/backend';
import { rankBackends, type BackendTiming } from '../../src/lib/model/backend-rank';
import { checkpointConfig, toSafetensors } from '../../src/lib/model/checkpoint';
import type { GPTConfig } from '../../src/lib/model/config';
import { trainedCategories } from '../../src/lib/model/checkpoint-record';
import type { ModelInfo, PlayerApi } from '../../workers/player.api';
import { makeRecord } from '../fixtures/checkpoint-record';

afterEach(cleanup);

// Two checkpoints of different shapes: the one Play opens with (1 layer) and a deeper one (3 layers).
const first = makeRecord();
const deep = makeRecord({ shape: { nLayer: 3 } });
const FILES: Record<string, Uint8Array> = { 'models/demo.safetensors': toSafetensors(first), 'models/base.safetensors': toSafetensors(deep) };

/** What a measurement on each shape finds: WebAssembly wins on the shallow model, WebGL on the deep one. */
function timings(shape: GPTConfig): BackendTiming[] {
  const deepShape = shape.nLayer === 3;
  return [
    { backend: 'wasm', software: false, msPerToken: deepShape ? 6 : 2 },
    { backend: 'webgl', software: false, msPerToken: deepShape ? 3 : 5 },
    { backend: 'cpu', software: false, msPerToken: 20, lowerBound: true },
  ];
}

/** A worker's init: measure the shape asked (a decision), or start the first backend of the order. */
function init(calls: (BackendOptions | undefined)[]) {
  return async (options?: BackendOptions): Promise<BackendReport> => {
    calls.push(options);
    const m = options?.measure;
    const decision = m ? rankBackends(m.work, timings(m.config), m.override ?? 'auto') : undefined;
    return { backend: decision?.backend ?? options?.order?.[0] ?? 'cpu', fallbacks: [], ...(decision ? { decision } : {}) };
  };
}

function players() {
  const workers: { inits: (BackendOptions | undefined)[]; loads: string[]; closed: boolean }[] = [];
  const connect = () => {
    const w = { inits: [] as (BackendOptions | undefined)[], loads: [] as string[], closed: false };
    workers.push(w);
    const api = {
      init: init(w.inits),
      load: async (bytes: Uint8Array) => {
        const config = checkpointConfig(bytes)!;
        w.loads.push(shapeName(config));
        const record = config.nLayer === 3 ? deep : first;
        return { config, tokenizer: record.tokenizer, taxonomy: record.taxonomy, step: record.step, categories: trainedCategories(record) } satisfies ModelInfo;
      },
      distributions: async () => ({ next: { ids: Int32Array.of(1), probs: Float32Array.of(1) }, markers: [] }),
      continuation: async () => ({ block: {}, text: '', next: { ids: Int32Array.of(1), probs: Float32Array.of(1) } }),
      sample: async () => [],
      cancel: () => {},
      lost: () => new Promise(() => {}),
      numTensors: () => 0,
    } as unknown as PlayerApi;
    return { api, close: () => void (w.closed = true) };
  };
  return { workers, connect };
}

function setup() {
  const map = new Map<string, string>();
  const store = { getItem: (k: string) => map.get(k) ?? null, setItem: (k: string, v: string) => void map.set(k, v), removeItem: (k: string) => void map.delete(k) };
  const probeCalls: (BackendOptions | undefined)[] = [];
  const memory = new BackendMemory(store);
  const status = new BackendStatus(() => ({ init: init(probeCalls) }), memory, first.config);
  const p = players();
  const checkpointStore = { list: async () => [], survey: async () => ({ checkpoints: [], unreadable: [] }), estimate: async () => null } as unknown as CheckpointStore;
  const fetch = (async (url: string) => new Response(FILES[url.replace(/^\//, '')]!.slice())) as typeof globalThis.fetch;
  const checkpoints = new CheckpointsState(checkpointStore, undefined, { fetch });
  const play = new PlayState({
    connect: p.connect, backendPlan: status.playPlan(), firstShape: first.config, checkpoints,
    initial: DEFAULT_URL_STATE, debounceMs: 5, live: false,
  });
  return { status, memory, probeCalls, play, workers: p.workers, map };
}

describe('Play measures the backend on the model it loaded', () => {
  it('measures a checkpoint of another shape, remembers it per shape, and reuses the ranking when that shape comes back', async () => {
    const { status, probeCalls, play, workers, map } = setup();
    render(BackendBadge, { status });
    void status.start();
    await play.start();

    // First load: the probe measured the first checkpoint's shape; the player started on that ranking and kept it.
    expect(probeCalls.map((c) => c?.measure && shapeName(c.measure.config))).toEqual([shapeName(first.config)]);
    expect(workers).toHaveLength(1);
    expect(workers[0]!.inits).toEqual([{ order: ['wasm', 'webgl', 'cpu'], wasmThreads: false }]);
    expect(workers[0]!.loads).toEqual([shapeName(first.config)]);
    expect(status.report?.backend).toBe('wasm');

    // Another shape, never measured: a fresh worker measures that shape and starts on its winner.
    await play.selectCheckpoint('builtin:base');
    expect(play.model?.config.nLayer).toBe(3);
    expect(workers).toHaveLength(2);
    expect(workers[0]!.closed).toBe(true);
    expect(workers[1]!.inits[0]?.measure?.config).toMatchObject({ nLayer: 3, vocabSize: deep.config.vocabSize });
    expect(workers[1]!.loads).toEqual([shapeName(deep.config)]);
    expect(map.has(shapeKey('inference', deep.config))).toBe(true);
    // The badge speaks of the loaded model: its backend, its figures, its shape.
    expect(status.report?.backend).toBe('webgl');
    expect(status.reason).toContain('chose WebGL');
    expect(screen.getByRole('status', { name: 'Compute backend' }).textContent).toContain('3 layers, 2 heads, 32 wide, context 64');

    // Back to the first shape: its remembered ranking (no measurement), on a fresh worker since it leads to wasm.
    await play.selectCheckpoint('builtin:demo');
    expect(workers).toHaveLength(3);
    expect(workers[2]!.inits).toEqual([{ order: ['wasm', 'webgl', 'cpu'], wasmThreads: false }]);
    expect(status.report?.backend).toBe('wasm');
    expect(status.reason).toContain('chose WebAssembly');

    // And the deep one again: remembered too; nothing is measured a second time.
    await play.selectCheckpoint('builtin:base');
    expect(workers[3]!.inits).toEqual([{ order: ['webgl', 'wasm', 'cpu'], wasmThreads: false }]);
    expect([...probeCalls, ...workers.flatMap((w) => w.inits)].filter((o) => o?.measure)).toHaveLength(2);
    await vi.waitFor(() => expect(play.distributions).not.toBeNull());
    play.dispose();
  });

  it('keeps the worker when the new shape’s remembered ranking leads to the backend it runs', async () => {
    const { status, memory, play, workers } = setup();
    // The deep shape was measured on an earlier visit, and WebAssembly won there too.
    memory.remember({ backend: 'wasm', fallbacks: [], decision: rankBackends('inference', timings(first.config)) }, deep.config);
    void status.start();
    await play.start();
    await play.selectCheckpoint('builtin:base');
    expect(workers).toHaveLength(1);
    expect(workers[0]!.loads).toEqual([shapeName(first.config), shapeName(deep.config)]);
    expect(status.shape).toMatchObject({ nLayer: 3 });
    play.dispose();
  });
});
