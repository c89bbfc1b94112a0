/**
 * In-process fakes for the Compare tests: checkpoints served from memory (a marker-tuned one with
 * length thresholds, a no-marker base, a missing file) and a player whose samples have known
 * measurements: sample i (0-based) is 10·(i+1) tokens long, in English unless i % 3 === 0, and JSON
 * when i === 0; samples with odd i hit max tokens; sample 5 has a malformed block. A player's GPU
 * device can be lost (`loseDevice()`): it then answers nothing more, as a dead worker would not.
 */
import { trainedCategories, trainedValues, type ValueCounts } from '../../src/lib/model/checkpoint-record';
import { CheckpointsState } from '../../src/lib/state/checkpoints.svelte';
import { CompareState } from '../../src/lib/state/compare.svelte';
import type { CheckpointStore } from '../../src/lib/model/checkpoint-store';
import type { BackendOptions, DeviceLoss } from '../../src/lib/model/backend';
import type { BackendPlan } from '../../src/lib/state/backend-worker';
import { fromSafetensors, toSafetensors } from '../../src/lib/model/checkpoint';
import { encodePieces } from '../../src/lib/tokenizer/tokenizer';
import type { ModelInfo, PlayedSample, PlayerApi, SampleRequest } from '../../workers/player.api';
import { makeRecord } from '../fixtures/checkpoint-record';

export const THRESHOLDS = { mode: 'fixed', concise: 30, medium: 60 } as const;

/** The demo checkpoint; with `values`, one that records how many training rows had each value. */
const demoFile = (values?: ValueCounts) => toSafetensors({ ...makeRecord(), training: { categories: null, lengthThresholds: THRESHOLDS, ...(values ? { values } : {}) } });
const base = toSafetensors({ ...makeRecord({ seed: 2 }), step: 700, training: { categories: [] } });

export class FakePlayer implements PlayerApi {
  loads: number[] = [];
  requests: SampleRequest[] = [];
  cancels = 0;
  /** Awaited after the streamed tokens, before the samples return (hold a run mid-sampling). */
  gate: () => Promise<void> = async () => {};
  closed = false;
  #info: ModelInfo | null = null;
  #dead = false;
  #lose: (loss: DeviceLoss) => void = () => {};
  readonly #lost = new Promise<DeviceLoss>((resolve) => (this.#lose = resolve));

  loseDevice(): void {
    this.#dead = true;
    this.#lose({ reason: 'destroyed', message: 'The GPU device was lost (destroyed).' });
  }

  inits: (BackendOptions | undefined)[] = [];
  async init(options?: BackendOptions) {
    this.inits.push(options);
    return { backend: options?.order?.[0] ?? ('cpu' as const), fallbacks: [] };
  }
  async load(bytes: Uint8Array): Promise<ModelInfo> {
    if (this.#dead) return never;
    const r = fromSafetensors(bytes, 'checkpoint');
    this.loads.push(r.step);
    const t = r.training?.lengthThresholds as ModelInfo['lengthThresholds'];
    const values = trainedValues(r);
    this.#info = { config: r.config, tokenizer: r.tokenizer, taxonomy: r.taxonomy, step: r.step, categories: trainedCategories(r), ...(t ? { lengthThresholds: t } : {}), ...(values ? { values } : {}) };
    return this.#info;
  }
  async loadWeights(): Promise<ModelInfo> {
    throw new Error('not used');
  }
  async distributions(): Promise<never> {
    throw new Error('not used');
  }
  async continuation(): Promise<never> {
    throw new Error('not used');
  }
  async answer(): Promise<never> {
    throw new Error('not used');
  }
  cancel(): void {
    this.cancels++;
  }
  lost(): Promise<DeviceLoss> {
    return this.#lost;
  }
  async sample(req: SampleRequest, onToken?: (sequence: number, id: number) => void): Promise<PlayedSample[]> {
    if (this.#dead) return never;
    if (!this.#info) throw new Error('no model loaded');
    this.requests.push(req);
    const ids = encodePieces(this.#info.tokenizer, [{ type: 'blockClose' }, { type: 'text', text: 'Hello' }]);
    for (let s = 0; s < req.n; s++) for (const id of ids) onToken?.(s, id);
    await this.gate();
    if (this.#dead) return never;
    return Array.from({ length: req.n }, (_, i) => {
      const lengthTokens = 10 * (i + 1);
      return {
        completion: `answer ${i + 1} `.padEnd(lengthTokens, '.'),
        markers: { ...req.markers, domain: 'Culture' },
        issues: i === 5 ? [{ kind: 'unclosedBlock' as const, message: 'the marker block is never closed' }] : [],
        finished: i % 2 === 0,
        measured: { lengthTokens, ...(i % 3 === 0 ? {} : { lang: 'English' }), ...(i === 0 ? { format: 'JSON' } : {}) },
      };
    });
  }
  numTensors() {
    return 0;
  }
}

const never = new Promise<never>(() => {});

const emptyStore = {
  list: async () => [],
  survey: async () => ({ checkpoints: [], unreadable: [] }),
  estimate: async () => ({ usage: 0, quota: 1 }),
  exportFile: async (id: string) => {
    throw new Error(`no stored checkpoint ${id}`);
  },
} as unknown as CheckpointStore;

/**
 * A CompareState wired to a FakePlayer; `closed` counts ended workers; `values` go into the demo
 * checkpoint; `backendPlan` resolves the player's 'auto' backend. With `freshWorkers`, every
 * connection gets a player of its own (`players`, in order; `player` is the first), which `onConnect`
 * can set up before it is used.
 */
export function setup(options: { values?: ValueCounts; backendPlan?: BackendPlan; freshWorkers?: boolean; onConnect?: (p: FakePlayer, index: number) => void } = {}) {
  const demo = demoFile(options.values);
  const player = new FakePlayer();
  const players: FakePlayer[] = [];
  const counts = { connects: 0, closed: 0 };
  const checkpoints = new CheckpointsState(emptyStore, [
    { id: 'builtin:demo', name: 'Demo', description: 'marker-tuned', path: 'models/demo.safetensors' },
    { id: 'builtin:base', name: 'Base', description: 'no markers', path: 'models/base.safetensors' },
    { id: 'builtin:gone', name: 'Gone', description: 'missing file', path: 'models/gone.safetensors' },
  ], {
    fetch: async (input) => {
      const url = String(input);
      if (url.endsWith('demo.safetensors')) return new Response(demo.slice());
      if (url.endsWith('base.safetensors')) return new Response(base.slice());
      return new Response('not found', { status: 404 });
    },
  });
  const compare = new CompareState({
    connect: () => {
      counts.connects++;
      const p = options.freshWorkers && players.length > 0 ? new FakePlayer() : player;
      if (!players.includes(p)) {
        players.push(p);
        options.onConnect?.(p, players.length - 1);
      }
      return { api: p, close: () => void (counts.closed++, (p.closed = true)) };
    },
    ...(options.backendPlan ? { backendPlan: options.backendPlan } : {}),
    checkpoints,
  });
  return { compare, player, players, checkpoints, counts };
}
