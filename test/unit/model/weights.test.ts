import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { fromSafetensors, toSafetensors } from '../../../src/lib/model/checkpoint';
import { presetConfig } from '../../../src/lib/model/config';
import { GPT } from '../../../src/lib/model/gpt';
import { AdamW } from '../../../src/lib/model/optimizer';
import { trainStep } from '../../../src/lib/model/train';
import { decayNames, growVocabulary, modelToRecord, recordToModel } from '../../../src/lib/model/weights';
import { addCategory, defaultTaxonomy } from '../../../src/lib/markers/taxonomy';
import { buildTokenizer, extendTokenizer } from '../../../src/lib/tokenizer/tokenizer';
import { simpleBatch, useCpu } from './helpers';

beforeAll(useCpu);

const taxonomy = defaultTaxonomy();
const tokenizer = buildTokenizer({ taxonomy, texts: ['hello world', 'bonjour le monde'] });
const V = tokenizer.tokens.length;

async function logitsOf(model: GPT, ids: number[]): Promise<Float32Array> {
  const t = tf.tidy(() => model.forward(tf.tensor2d([ids], [1, ids.length], 'int32')).logits);
  const d = (await t.data()) as Float32Array;
  t.dispose();
  return d;
}

describe('checkpoint ↔ model', () => {
  it('save → safetensors → load gives identical logits, optimizer state included', async () => {
    const model = GPT.init(presetConfig('nano', V, 7, { dropout: 0 }));
    const optimizer = new AdamW(model.params, decayNames(model.config));
    const batch = simpleBatch([[1, 300, 301, 302, 2]], 4);
    await trainStep(model, optimizer, [batch], { lr: 1e-2, batchSize: 1, blockSize: 4, dropoutSeed: 0 });
    const record = await modelToRecord({ model, optimizer, tokenizer, taxonomy, metrics: { loss: 1.5 } });
    const bytes = toSafetensors(record);
    const loaded = recordToModel(fromSafetensors(bytes, 'run.safetensors'));
    const ids = [1, 300, 305, 301, 3, 270];
    expect(Array.from(await logitsOf(loaded.model, ids))).toEqual(Array.from(await logitsOf(model, ids)));
    expect(loaded.optimizer.state.step).toBe(1);
    // One more identical step from both gives identical weights: the moments survived the trip.
    await trainStep(model, optimizer, [batch], { lr: 1e-2, batchSize: 1, blockSize: 4, dropoutSeed: 1 });
    await trainStep(loaded.model, loaded.optimizer, [batch], { lr: 1e-2, batchSize: 1, blockSize: 4, dropoutSeed: 1 });
    expect(Array.from(await logitsOf(loaded.model, ids))).toEqual(Array.from(await logitsOf(model, ids)));
    [model, loaded.model].forEach((m) => m.dispose());
    [optimizer, loaded.optimizer].forEach((o) => o.dispose());
  });

  it('grows the vocabulary for fine-tuning: old tokens keep their ids and logits', async () => {
    const model = GPT.init(presetConfig('nano', V, 8, { dropout: 0 }));
    const record = await modelToRecord({ model, tokenizer, taxonomy });
    const withPersona = addCategory(taxonomy, { name: 'persona', kind: 'categorical', values: ['pirate', 'poet'], description: '' });
    const tok2 = extendTokenizer(tokenizer, withPersona, ['¡ahoy! ✨']);
    expect(tok2.tokens.length).toBeGreaterThan(V);
    const grown = recordToModel(fromSafetensors(toSafetensors(growVocabulary(record, tok2, withPersona, 1))));
    expect(grown.model.config.vocabSize).toBe(tok2.tokens.length);
    const ids = [1, 300, 301, 3];
    const before = await logitsOf(model, ids), after = await logitsOf(grown.model, ids);
    const V2 = tok2.tokens.length;
    for (let t = 0; t < ids.length; t++) {
      expect(Array.from(after.subarray(t * V2, t * V2 + V))).toEqual(Array.from(before.subarray(t * V, (t + 1) * V)));
    }
    model.dispose();
    grown.model.dispose();
    grown.optimizer.dispose();
  });
});
