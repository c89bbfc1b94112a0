import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { GPT } from '../../../src/lib/model/gpt';
import { paramSpecs, presetConfig } from '../../../src/lib/model/config';
import { AdamW } from '../../../src/lib/model/optimizer';
import { maskedLoss, trainStep, NonFiniteError } from '../../../src/lib/model/train';
import { simpleBatch, useCpu } from './helpers';

beforeAll(useCpu);

const V = 23;
const decayNames = (m: GPT) => new Set(paramSpecs(m.config).filter((s) => s.decay).map((s) => s.name));

describe('GPT', () => {
  it('same seed → identical weights; different seed → different', async () => {
    const a = GPT.init(presetConfig('nano', V, 5)), b = GPT.init(presetConfig('nano', V, 5)), c = GPT.init(presetConfig('nano', V, 6));
    const w = (m: GPT) => m.p('transformer.h.0.attn.c_attn.weight').data();
    expect(await w(a)).toEqual(await w(b));
    expect(await w(a)).not.toEqual(await w(c));
    [a, b, c].forEach((m) => m.dispose());
  });

  it('is causal: changing a later token never changes earlier logits', async () => {
    const m = GPT.init(presetConfig('nano', V, 1));
    const run = (ids: number[]) => tf.tidy(() => m.forward(tf.tensor2d([ids], [1, ids.length], 'int32')).logits);
    const a = run([1, 2, 3, 4, 5]), b = run([1, 2, 3, 9, 9]);
    const da = await a.slice([0, 0, 0], [1, 3, V]).data(), db = await b.slice([0, 0, 0], [1, 3, V]).data();
    expect(Array.from(da)).toEqual(Array.from(db));
    const la = await a.slice([0, 3, 0], [1, 1, V]).data(), lb = await b.slice([0, 3, 0], [1, 1, V]).data();
    expect(Array.from(la)).not.toEqual(Array.from(lb));
    tf.dispose([a, b]);
    m.dispose();
  });

  it('gradients match finite differences', async () => {
    const m = GPT.init(presetConfig('nano', V, 2, { dropout: 0 }));
    const batch = simpleBatch([[1, 5, 7, 2, 9, 4], [3, 3, 8, 1, 0, 6]], 5);
    const loss = () => maskedLoss(m, batch, 2, 5, true);
    const { grads } = tf.variableGrads(loss);
    const eps = 1e-2;
    for (const name of ['transformer.h.0.attn.c_attn.weight', 'transformer.h.0.mlp.c_proj.weight', 'transformer.wte.weight', 'transformer.wpe.weight', 'transformer.ln_f.bias']) {
      const p = m.p(name);
      const g = await grads[p.name]!.data();
      const orig = await p.data();
      for (const i of [0, 7, Math.floor(orig.length / 2), orig.length - 1]) {
        const at = (delta: number) => {
          const copy = Float32Array.from(orig);
          copy[i]! += delta;
          p.assign(tf.tensor(copy, p.shape));
          return tf.tidy(() => loss().dataSync()[0]!);
        };
        const numeric = (at(eps) - at(-eps)) / (2 * eps);
        p.assign(tf.tensor(orig, p.shape));
        expect(Math.abs(numeric - g[i]!), `${name}[${i}]`).toBeLessThan(2e-3 + 0.02 * Math.abs(numeric));
      }
    }
    tf.dispose(Object.values(grads));
    m.dispose();
  });

  it('overfits one example to near-zero loss, with a flat tensor count', async () => {
    const m = GPT.init(presetConfig('nano', V, 3, { dropout: 0 }));
    const opt = new AdamW(m.params, decayNames(m), { weightDecay: 0 });
    const batch = simpleBatch([[1, 4, 9, 16, 2, 8, 11, 3, 0, 22, 5]], 10);
    let first = 0, last = 0, count = 0;
    for (let s = 0; s < 150; s++) {
      const r = await trainStep(m, opt, [batch], { lr: 1e-2, batchSize: 1, blockSize: 10, dropoutSeed: s });
      if (s === 0) first = r.loss;
      if (s === 5) count = tf.memory().numTensors;
      if (s > 5) expect(tf.memory().numTensors).toBe(count);
      last = r.loss;
    }
    expect(first).toBeGreaterThan(2.5);
    expect(last).toBeLessThan(0.05);
    opt.dispose();
    m.dispose();
  }, 60_000);

  it('gradient accumulation over two halves equals one full batch', async () => {
    const seqs = [[1, 2, 3, 4, 5, 6], [6, 5, 4, 3, 2, 1]];
    const run = async (micro: number[][][]) => {
      const m = GPT.init(presetConfig('nano', V, 4, { dropout: 0 }));
      const opt = new AdamW(m.params, decayNames(m));
      const r = await trainStep(m, opt, micro.map((s) => simpleBatch(s, 5)), { lr: 1e-2, batchSize: micro[0]!.length, blockSize: 5, dropoutSeed: 0 });
      const w = await m.p('transformer.h.0.mlp.c_fc.weight').data();
      opt.dispose();
      m.dispose();
      return { r, w };
    };
    const full = await run([seqs]);
    const halves = await run([[seqs[0]!], [seqs[1]!]]);
    expect(halves.r.loss).toBeCloseTo(full.r.loss, 5);
    expect(halves.r.gradNorm).toBeCloseTo(full.r.gradNorm, 4);
    for (let i = 0; i < full.w.length; i += 97) expect(halves.w[i]).toBeCloseTo(full.w[i]!, 5);
  });

  it('refuses a non-finite step and keeps the last good weights', async () => {
    const m = GPT.init(presetConfig('nano', V, 5, { dropout: 0 }));
    const opt = new AdamW(m.params, decayNames(m));
    const batch = simpleBatch([[1, 2, 3, 4]], 3);
    await trainStep(m, opt, [batch], { lr: 1e-2, batchSize: 1, blockSize: 3, dropoutSeed: 0 });
    const other = 'transformer.h.0.mlp.c_fc.weight';
    const before = Array.from(await m.p(other).data());
    const mBefore = Array.from(await opt.state.m.get(other)!.data());
    const wte = m.p('transformer.wte.weight');
    const poisoned = Float32Array.from(await wte.data());
    poisoned[5 * wte.shape[1]!] = NaN; // the embedding of token 5, used below
    wte.assign(tf.tensor(poisoned, wte.shape));
    const failure = trainStep(m, opt, [simpleBatch([[5, 1, 2, 3]], 3)], { lr: 1e-2, batchSize: 1, blockSize: 3, dropoutSeed: 1 });
    await expect(failure).rejects.toThrow(NonFiniteError);
    await expect(failure).rejects.toMatchObject({ step: 2, what: 'loss' });
    // The update was not applied: weights and optimizer moments are exactly those of step 1.
    expect(opt.state.step).toBe(1);
    expect(Array.from(await m.p(other).data())).toEqual(before);
    expect(Array.from(await opt.state.m.get(other)!.data())).toEqual(mBefore);
    opt.dispose();
    m.dispose();
  });
});
