/**
 * Play after a lost GPU device: the worker is ended, the same model is loaded again on a fresh
 * worker on the next backend of the order that chose the lost one, and the live distributions and
 * samples come back for the same settings by themselves — once per loss.
 */
import { cleanup, render, screen } from '@testing-library/svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import PlayView from '../../src/ui/play/PlayView.svelte';
import { PlayState } from '../../src/lib/state/play.svelte';
import { CheckpointsState } from '../../src/lib/state/checkpoints.svelte';
import { DEFAULT_URL_STATE, type UrlState } from '../../src/lib/state/url';
import type { BackendPlan } from '../../src/lib/state/backend-worker';
import type { CheckpointStore } from '../../src/lib/model/checkpoint-store';
import type { BackendOptions, DeviceLoss } from '../../src/lib/model/backend';
import type { GPTConfig } from '../../src/lib/model/config';
import { defaultTaxonomy } from '../../src/lib/markers/taxonomy';
import { buildTokenizer, encodePieces } from '../../src/lib/tokenizer/tokenizer';
import type { DistributionRequest, ModelInfo, PlayerApi, SampleRequest } from '../../workers/player.api';
import type { WeightsMessage } from '../../workers/faults';

afterEach(cleanup);

const taxonomy = defaultTaxonomy();
const tok = buildTokenizer({ taxonomy, texts: ['abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ.'] });
const config: GPTConfig = { vocabSize: tok.tokens.length, blockSize: 64, nLayer: 1, nHead: 2, nEmbd: 32, dropout: 0, seed: 1 };
const CATEGORIES = taxonomy.categories.map((c) => c.name);
const info = (step: number): ModelInfo => ({ config, tokenizer: tok, taxonomy, step, categories: CATEGORIES });
const never = new Promise<never>(() => {});
const LOSS: DeviceLoss = { reason: 'destroyed', message: 'The GPU device was lost (destroyed).' };

/**
 * One player worker. Its answers name it (the continuation's text ends "from worker N"), so a test
 * sees which worker the shown answers came from. Once its device is lost it answers nothing more,
 * as the worker of a dead device, then a terminated worker, would not: a draw or load in flight
 * then never ends. `holdDraws` / `holdLoads` / `holdAsks` keep its draws / loads / distributions running.
 */
class FakeWorker {
  inits: (BackendOptions | undefined)[] = [];
  /** The step of every model asked to load (checkpoint byte 0, or the weights' step), when asked. */
  loads: number[] = [];
  asked: DistributionRequest[] = [];
  drawn: SampleRequest[] = [];
  closed = false;
  holdDraws = false;
  holdLoads = false;
  holdAsks = false;
  #dead = false;
  #lose: (loss: DeviceLoss) => void = () => {};
  readonly #lost = new Promise<DeviceLoss>((resolve) => (this.#lose = resolve));

  constructor(readonly index: number) {}

  loseDevice(): void {
    this.#dead = true;
    this.#lose(LOSS);
  }

  /** `answer`, unless the device is lost (then nothing, ever). */
  #alive<T>(answer: () => Promise<T>): Promise<T> {
    return this.#dead ? never : answer();
  }

  readonly api: PlayerApi = {
    init: async (options) => {
      this.inits.push(options);
      return { backend: options?.order?.[0] ?? 'cpu', fallbacks: [] };
    },
    load: (bytes) => this.#alive(async () => {
      this.loads.push(bytes[0]!);
      if (this.holdLoads) await never;
      return info(bytes[0]!);
    }),
    loadWeights: (message) => this.#alive(async () => {
      this.loads.push(message.step);
      return info(message.step);
    }),
    distributions: (req) => this.#alive(async () => {
      this.asked.push(req);
      if (this.holdAsks) await never;
      return { next: this.#next(req), markers: [] };
    }),
    continuation: (req) => this.#alive(async () => ({ block: { lang: req.markers.lang ?? 'English' }, text: `${req.markers.lang ?? 'English'} words from worker ${this.index}`, next: this.#next(req) })),
    sample: (req) => this.#alive(async () => {
      this.drawn.push(req);
      if (this.holdDraws) await never;
      return Array.from({ length: req.n }, () => ({
        completion: 'Bonjour', markers: { lang: 'French' }, issues: [], finished: true, measured: { lengthTokens: 7, lang: 'French' },
      }));
    }),
    answer: async () => {
      throw new Error('not used');
    },
    cancel: () => {},
    lost: () => this.#lost,
    numTensors: () => 0,
  };

  /** The most likely next token is the first letter of the requested <lang> ('x' when unset). */
  #next(req: DistributionRequest) {
    const letter = (req.markers.lang ?? 'x')[0]!.toLowerCase();
    return { ids: Int32Array.from(encodePieces(tok, [{ type: 'text', text: letter }])), probs: Float32Array.of(0.9) };
  }
}

/** Connect fake workers in turn (`workers[i]` is the i-th started); `onOpen` can set one up before use. */
function fakeWorkers(onOpen: (w: FakeWorker) => void = () => {}) {
  const workers: FakeWorker[] = [];
  const connect = () => {
    const w = new FakeWorker(workers.length);
    workers.push(w);
    onOpen(w);
    return { api: w.api, close: () => void (w.closed = true) };
  };
  return { workers, connect };
}

/** Checkpoints from memory: a file's first byte is its step (the fake reads it). */
function checkpoints() {
  const bytes: Record<string, Uint8Array> = { 'models/demo.safetensors': Uint8Array.of(7), 'models/base.safetensors': Uint8Array.of(3) };
  const store = { list: async () => [], survey: async () => ({ checkpoints: [], unreadable: [] }), estimate: async () => null } as unknown as CheckpointStore;
  const fetch = (async (url: string) => {
    const body = bytes[url.replace(/^\//, '')];
    return body ? new Response(body.slice()) : new Response('missing', { status: 404 });
  }) as typeof globalThis.fetch;
  return new CheckpointsState(store, undefined, { fetch });
}

function setup(f: ReturnType<typeof fakeWorkers>, plan: BackendPlan, initial: Partial<UrlState>, live: boolean) {
  return new PlayState({ connect: f.connect, backendPlan: plan, checkpoints: checkpoints(), initial: { ...DEFAULT_URL_STATE, ...initial }, debounceMs: 5, live });
}

const weights = (step: number): WeightsMessage => ({ config, tokenizer: tok, taxonomy, step, categories: CATEGORIES, weights: { 'wte.weight': Float32Array.of(1, 2) } });

describe('Play after a lost GPU device', () => {
  it('mid-draw: ends the worker, loads the same checkpoint on the next measured backend and draws the same settings again', async () => {
    const f = fakeWorkers((w) => (w.holdDraws = w.index === 0));
    const play = setup(f, { auto: async () => ({ order: ['webgpu', 'cpu', 'wasm'] }) }, { prompt: 'Hi', markers: { lang: 'French' } }, true);
    await play.start();
    const w0 = f.workers[0]!;
    await vi.waitFor(() => expect(w0.drawn).toHaveLength(1));
    await vi.waitFor(() => expect(play.continuation?.text).toBe('French words from worker 0'));
    expect(play.sampling).toBe(true);

    w0.loseDevice();
    await vi.waitFor(() => expect(f.workers).toHaveLength(2));
    const w1 = f.workers[1]!;
    expect(w0.closed).toBe(true);
    // The backends after the lost one, in the order that chose it (not the fixed order).
    expect(w1.inits).toEqual([{ order: ['cpu', 'wasm'] }]);
    await vi.waitFor(() => expect(play.sampling).toBe(false));
    expect(w1.loads).toEqual([7]);
    expect(w1.drawn).toEqual(w0.drawn); // the same prompt, markers and sampling settings
    expect(w1.asked.at(-1)).toMatchObject({ prompt: 'Hi', markers: { lang: 'French' }, mode: w0.asked[0]!.mode, temperature: w0.asked[0]!.temperature });
    await vi.waitFor(() => expect(play.continuation?.text).toBe('French words from worker 1'));
    expect(play.samples).toHaveLength(play.sampleCount);
    expect(play.summary?.n).toBe(play.sampleCount);
    expect(play.model?.step).toBe(7);
    expect(play.notice).toBe('The GPU device was lost (destroyed). Play loaded “Demo: marker-tuned” again on CPU; the distributions and samples below are for your settings again.');
    expect([play.loadError, play.distError, play.sampleError, play.loading]).toEqual([null, null, null, false]);
    expect(f.workers).toHaveLength(2);
    play.dispose();
    expect(w1.closed).toBe(true);
  });

  it('while idle and following a run: loads the run’s last weights again, and its distributions come back', async () => {
    const f = fakeWorkers();
    const play = setup(f, { auto: async () => ({ order: ['webgpu', 'wasm'] }) }, {}, false);
    render(PlayView, { play });
    await play.start();
    expect(screen.queryByRole('status', { name: 'Device loss' })).toBeNull();
    await play.setFollow(true);
    await play.loadWeights(weights(120));
    await vi.waitFor(() => expect(play.continuation?.text).toBe('English words from worker 0'));
    const w0 = f.workers[0]!;
    expect(w0.loads).toEqual([7, 120]);
    const asked = w0.asked.length;

    w0.loseDevice(); // nothing running: the loss is heard from the device's lost promise alone
    await vi.waitFor(() => expect(play.notice).toMatch(/again on WebAssembly/));
    const w1 = f.workers[1]!;
    expect(w1.inits).toEqual([{ order: ['wasm'] }]);
    expect(w1.loads).toEqual([120]);
    expect(play.source).toBe('training run, step 120');
    expect(play.notice).toBe('The GPU device was lost (destroyed). Play loaded the training run\'s weights (step 120) again on WebAssembly; the distributions and samples below are for your settings again.');
    await vi.waitFor(() => expect(screen.getByRole('status', { name: 'Device loss' }).textContent).toBe(play.notice));
    await vi.waitFor(() => expect(play.continuation?.text).toBe('English words from worker 1'));
    expect(w0.asked).toHaveLength(asked);
    expect(w1.drawn).toEqual([]); // live drawing is off: no batch was asked for, none is drawn
    play.dispose();
  });

  it('a second loss in a row (while the model is loaded again) does not reload again; it says what to do, and a model the person picks is reloaded after a later loss', async () => {
    const f = fakeWorkers((w) => (w.holdLoads = w.index === 1));
    const play = setup(f, { auto: async () => ({ order: ['webgpu', 'wasm', 'cpu'] }) }, {}, true);
    await play.start();
    await vi.waitFor(() => expect(play.continuation?.text).toBe('English words from worker 0'));
    f.workers[0]!.loseDevice();
    await vi.waitFor(() => expect(f.workers[1]?.loads).toEqual([7]));
    expect(play.notice).toBe('The GPU device was lost (destroyed). Loading “Demo: marker-tuned” again on the next backend…');

    f.workers[1]!.loseDevice();
    await vi.waitFor(() => expect(play.loadError).not.toBeNull());
    expect(play.loadError).toBe('The GPU device was lost (destroyed). That is the second loss in a row (on WebAssembly, where Play had moved the model after the first), '
      + 'so Play did not load it again: pick a checkpoint (or turn on following the training run) to load it on the next backend.');
    expect([play.notice, play.model, play.loading, play.distributions]).toEqual([null, null, false, null]);
    await new Promise((r) => setTimeout(r, 50));
    expect(f.workers).toHaveLength(2);
    expect(f.workers[1]!.closed).toBe(true);

    await play.selectCheckpoint('builtin:base');
    const w2 = f.workers[2]!;
    expect(w2.inits).toEqual([{ order: ['cpu'] }]);
    expect([play.model?.step, play.loadError]).toEqual([3, null]);
    await vi.waitFor(() => expect(w2.drawn).toHaveLength(1));
    w2.loseDevice();
    await vi.waitFor(() => expect(play.notice).toBe('The GPU device was lost (destroyed). Play loaded “Base: no markers” again on CPU; the distributions and samples below are for your settings again.'));
    expect(f.workers[3]!.loads).toEqual([3]);
    await vi.waitFor(() => expect(f.workers[3]!.drawn).toHaveLength(1));
    play.dispose();
  });

  it('mid-request: the distributions request lost with the worker holds nothing back; the same settings are asked again', async () => {
    const f = fakeWorkers();
    const play = setup(f, { auto: async () => ({ order: ['webgpu', 'wasm'] }) }, {}, false);
    await play.start();
    await vi.waitFor(() => expect(play.continuation?.text).toBe('English words from worker 0'));
    const w0 = f.workers[0]!;
    w0.holdAsks = true;
    play.setMarker('lang', 'German');
    await vi.waitFor(() => expect(w0.asked.at(-1)?.markers).toEqual({ lang: 'German' }));
    expect(play.pending).toBe(true);

    w0.loseDevice();
    await vi.waitFor(() => expect(play.continuation?.text).toBe('German words from worker 1'));
    expect(f.workers[1]!.asked.map((r) => r.markers)).toEqual([{ lang: 'German' }]);
    expect([play.pending, play.distError]).toEqual([false, null]);
    play.dispose();
  });
});
