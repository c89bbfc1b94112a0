/**
 * The engine in real module workers in Chromium: the trainer on WebGPU and on CPU agree on a
 * forward pass and a training step (nano), the player follows the trainer's weights, and a new
 * worker resumes from the last checkpoint after the old one is killed.
 */
import * as Comlink from 'comlink';
import { afterAll, describe, expect, it } from 'vitest';
import type { TrainerApi, TrainerSetup } from '../../workers/trainer.api';
import type { PlayerApi } from '../../workers/player.api';
import type { Progress } from '../../src/lib/model/run';
import { generateTeachingDataset } from '../../src/lib/data/builtin/teaching';
import { prepareDataset } from '../../src/lib/data/pipeline';
import { defaultTaxonomy } from '../../src/lib/markers/taxonomy';
import { DEFAULT_DROPOUT } from '../../src/lib/markers/dropout';
import { DEFAULT_TRAINING } from '../../src/lib/model/session';

const workers: Worker[] = [];
afterAll(() => workers.forEach((w) => w.terminate()));

function trainer(): { api: Comlink.Remote<TrainerApi>; worker: Worker } {
  const worker = new Worker(new URL('../../workers/trainer.worker.ts', import.meta.url), { type: 'module' });
  workers.push(worker);
  return { api: Comlink.wrap<TrainerApi>(worker), worker };
}
function player(): Comlink.Remote<PlayerApi> {
  const worker = new Worker(new URL('../../workers/player.worker.ts', import.meta.url), { type: 'module' });
  workers.push(worker);
  return Comlink.wrap<PlayerApi>(worker);
}

const taxonomy = defaultTaxonomy();
const rows = prepareDataset('teaching', generateTeachingDataset({ rows: 40, seed: 3 }), taxonomy).rows;
const setup: TrainerSetup = {
  ...DEFAULT_TRAINING, rows, taxonomy, preset: 'nano', seed: 2, dropout: { ...DEFAULT_DROPOUT, seed: 2 },
  steps: 1, batchSize: 2, valFraction: 0, evalEvery: 0, progressEveryMs: 0, lr: 1e-2, warmupSteps: 0, minLr: 1e-2,
};
const request = { prompt: 'Explain why the sky is blue.', markers: { lang: 'French' }, mode: 'inferred' as const, temperature: 1, topK: 10 };

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i]! - b[i]!));
  return d;
}

describe('trainer and player workers', () => {
  it('WebGPU and CPU agree on a forward pass and on one training step', async () => {
    const gpu = trainer().api, cpu = trainer().api;
    expect((await gpu.init({ order: ['webgpu'] })).backend).toBe('webgpu');
    expect((await cpu.init({ order: ['cpu'] })).backend).toBe('cpu');
    const [infoG, infoC] = await Promise.all([gpu.prepare(setup), cpu.prepare(setup)]);
    expect(infoG.params).toBe(infoC.params);

    // Forward: the same initial checkpoint on a WebGPU player and a CPU player.
    const initial = await cpu.checkpoint();
    const pg = player(), pc = player();
    await pg.init({ order: ['webgpu'] });
    await pc.init({ order: ['cpu'] });
    await pg.load(initial.slice());
    await pc.load(initial);
    const [dg, dc] = await Promise.all([pg.distributions(request), pc.distributions(request)]);
    expect(Array.from(dg.next.ids)).toEqual(Array.from(dc.next.ids));
    expect(maxDiff(dg.next.probs, dc.next.probs)).toBeLessThan(1e-4);
    for (let i = 0; i < dg.markers.length; i++) {
      expect(maxDiff(dg.markers[i]!.values.map((v) => v.p), dc.markers[i]!.values.map((v) => v.p))).toBeLessThan(1e-3);
    }

    // One training step from identical weights.
    const got: Record<string, Progress[]> = { gpu: [], cpu: [] };
    const [og, oc] = await Promise.all([
      gpu.train(Comlink.proxy((p: Progress) => void got.gpu!.push(p))),
      cpu.train(Comlink.proxy((p: Progress) => void got.cpu!.push(p))),
    ]);
    expect(og.end).toBe('completed');
    expect(oc.end).toBe('completed');
    expect(got.gpu).toHaveLength(1);
    expect(Math.abs(og.last!.loss - oc.last!.loss)).toBeLessThan(1e-3 * oc.last!.loss);
    const [wg, wc] = await Promise.all([gpu.weights(), cpu.weights()]);
    for (const name of ['transformer.h.0.attn.c_attn.weight', 'transformer.wte.weight', 'transformer.ln_f.bias']) {
      expect(maxDiff(wg.weights[name]!, wc.weights[name]!), name).toBeLessThan(1e-3);
    }
  });

  it('the player follows the trainer: fresh weights change its distributions, tensors stay flat', async () => {
    const { api } = trainer();
    await api.init({ order: ['cpu'] });
    await api.prepare({ ...setup, steps: 3 });
    const p = player();
    await p.init({ order: ['cpu'] });
    await p.loadWeights(await api.weights());
    const before = await p.distributions(request);
    const tensors = await p.numTensors();
    await api.train(Comlink.proxy(() => undefined));
    const info = await p.loadWeights(await api.weights());
    expect(info.step).toBe(3);
    const after = await p.distributions(request);
    expect(maxDiff(before.next.probs, after.next.probs)).toBeGreaterThan(1e-4);
    await p.distributions({ ...request, mode: 'fixed' });
    expect(await p.numTensors()).toBe(tensors);
    const samples = await p.sample({ ...request, mode: 'fixed', n: 3, maxTokens: 20, seed: 1 });
    expect(samples).toHaveLength(3);
    for (const s of samples) expect(s.markers.lang).toBe('French');
  });

  it('after a worker is killed, a new one resumes from the last checkpoint', async () => {
    const first = trainer();
    await first.api.init({ order: ['cpu'] });
    await first.api.prepare({ ...setup, steps: 2 });
    await first.api.train(Comlink.proxy(() => undefined));
    const saved = await first.api.checkpoint({ loss: 1 });
    first.worker.terminate();
    const second = trainer().api;
    await second.init({ order: ['cpu'] });
    const info = await second.prepare({ ...setup, steps: 1, init: saved });
    expect(info.startStep).toBe(2);
    const outcome = await second.train(Comlink.proxy(() => undefined));
    expect(outcome.last!.step).toBe(3);
  });
});
