/**
 * Per-value validation losses in one pass (lossPerValue over evaluateRows) equal evaluating each
 * value's rows in batches of their own, as sweeps did before: a row's loss does not depend on the
 * rows packed beside it. Sweeps and `markerlab eval` report these figures (finding 3).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { teachingJson } from '../../setup/teaching-preload';
import { useWasm } from './helpers';
import { evalBatches } from '../../../src/lib/data/batch';
import type { PreparedDataset } from '../../../src/lib/data/pipeline';
import { lossPerValue } from '../../../src/lib/experiment/measure-model';
import { presetConfig } from '../../../src/lib/model/config';
import { GPT } from '../../../src/lib/model/gpt';
import { evaluate } from '../../../src/lib/model/train';
import { prepareTokenizer, tokenizerTexts } from '../../../src/lib/tokenizer/choice';

beforeAll(useWasm);

describe('lossPerValue', () => {
  it('gives each value the loss its rows have evaluated on their own, from one pass over the rows', async () => {
    const data = JSON.parse(teachingJson) as PreparedDataset;
    const rows = data.rows.slice(0, 32);
    const tokenizer = prepareTokenizer({ kind: 'bpe', merges: 400 }, data.taxonomy, tokenizerTexts(data.rows.slice(0, 400)));
    const model = GPT.init(presetConfig('nano', tokenizer.tokens.length, 3, { blockSize: 256 }));
    const categories = ['lang', 'length_bucket'];
    const before = tf.memory().numTensors;
    const m = { model, tokenizer, taxonomy: data.taxonomy, categories };
    // Every row fits the context whole (a windowed row's later windows take what context packing leaves).
    expect(evalBatches(rows, { taxonomy: data.taxonomy, tokenizer, batchSize: 2, blockSize: 256, lossOn: 'text', promptMarkers: 'all' }).stats.windowedRows).toBe(0);
    const got = await lossPerValue(m, rows, categories, 2);
    expect(tf.memory().numTensors).toBe(before);

    const values = new Set(categories.flatMap((c) => rows.flatMap((r) => (r.markers[c] ? [`${c}=${r.markers[c]}`] : []))));
    expect(got.map((g) => `${g.category}=${g.value}`).sort()).toEqual([...values].sort());
    for (const g of got) {
      // Its rows with the markers the model was trained on in their prompts, as lossPerValue gives them.
      const group = rows.filter((r) => r.markers[g.category] === g.value)
        .map((r) => ({ ...r, markers: Object.fromEntries(Object.entries(r.markers).filter(([k]) => categories.includes(k))) }));
      const { batches } = evalBatches(group, { taxonomy: data.taxonomy, tokenizer, batchSize: 2, blockSize: 256, lossOn: 'text', promptMarkers: 'all' });
      expect(g.rows).toBe(group.length);
      expect(g.loss).toBeCloseTo(await evaluate(model, batches, 2, 256), 4);
    }
    model.dispose();
  }, 60_000);
});
