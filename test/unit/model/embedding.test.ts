/**
 * The gather embedding with a custom gradient equals the one-hot × table formulation it replaced:
 * same loss and gradients for every table-gradient formulation, on cpu and on wasm (the backend
 * without UnsortedSegmentSum), and no tensors left behind across training steps.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { presetConfig } from '../../../src/lib/model/config';
import { embeddingMode, setEmbeddingMode, type EmbeddingMode } from '../../../src/lib/model/embedding';
import { GPT } from '../../../src/lib/model/gpt';
import { AdamW } from '../../../src/lib/model/optimizer';
import { maskedLoss, trainStep } from '../../../src/lib/model/train';
import { decayNames } from '../../../src/lib/model/weights';
import { simpleBatch } from './helpers';

const V = 300;
const seqs = [[1, 5, 7, 2, 9, 4, 5, 5, 299, 5], [3, 3, 8, 1, 0, 6, 150, 151, 3, 3]];

/** Loss and every gradient, flattened, with the embedding forced to `mode`. */
async function lossAndGrads(mode: EmbeddingMode): Promise<{ loss: number; grads: Map<string, Float32Array> }> {
  setEmbeddingMode(mode);
  const m = GPT.init(presetConfig('nano', V, 4, { dropout: 0 }));
  try {
    const { value, grads } = tf.variableGrads(() => maskedLoss(m, simpleBatch(seqs, 9), 2, 9, true));
    const out = new Map<string, Float32Array>();
    for (const [name, v] of m.params) out.set(name, (await grads[v.name]!.data()) as Float32Array);
    const loss = (await value.data())[0]!;
    tf.dispose([value, ...Object.values(grads)]);
    return { loss, grads: out };
  } finally {
    m.dispose();
    setEmbeddingMode(undefined);
  }
}

const maxDiff = (a: Float32Array, b: Float32Array): number => a.reduce((m, x, i) => Math.max(m, Math.abs(x - b[i]!)), 0);

describe.each(['cpu', 'wasm'])('embedding gradient on %s', (backend) => {
  beforeAll(async () => {
    await tf.setBackend(backend);
    await tf.ready();
  });
  afterAll(async () => {
    await tf.setBackend('cpu');
  });

  it('picks a gather formulation the backend has', () => {
    expect(embeddingMode()).toBe(backend === 'wasm' ? 'scatter' : 'segmentSum');
  });

  it('equals the one-hot × table loss and gradients for every formulation', async () => {
    const reference = await lossAndGrads('matmul');
    const modes: EmbeddingMode[] = backend === 'wasm' ? ['scatter'] : ['segmentSum', 'scatter'];
    for (const mode of modes) {
      const got = await lossAndGrads(mode);
      expect(Math.abs(got.loss - reference.loss), mode).toBeLessThan(1e-5);
      for (const [name, g] of reference.grads) expect(maxDiff(got.grads.get(name)!, g), `${mode} ${name}`).toBeLessThan(1e-5);
      // The table's gradient is non-zero exactly on the rows the batch used (ids, and targets through the tied head).
      expect(got.grads.get('transformer.wte.weight')!.some((x) => x !== 0)).toBe(true);
    }
  });

  it('keeps the tensor count flat across training steps', async () => {
    const m = GPT.init(presetConfig('nano', V, 5, { dropout: 0.1 }));
    const opt = new AdamW(m.params, decayNames(m.config));
    const batch = simpleBatch(seqs, 9);
    let count = 0;
    for (let s = 0; s < 8; s++) {
      await trainStep(m, opt, [batch], { lr: 1e-3, batchSize: 2, blockSize: 9, dropoutSeed: s });
      if (s === 2) count = tf.memory().numTensors;
      if (s > 2) expect(tf.memory().numTensors).toBe(count);
    }
    opt.dispose();
    m.dispose();
  });
});
