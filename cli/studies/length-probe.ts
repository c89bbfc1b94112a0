/**
 * Does a model use its block's length_bucket? For concise validation-like rows, the log-probability
 * of EOS at the row's true end with the block saying concise, medium or long. A model that uses the
 * marker gives EOS there a much higher probability under "concise".
 *
 *   npx tsx cli/studies/length-probe.ts CKPT.safetensors [--rows 24]
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { blockTokenIds, encodeExample, slidingContext } from '../../src/lib/data/batch';
import { generateTeachingDataset } from '../../src/lib/data/builtin/teaching';
import { prepareDataset } from '../../src/lib/data/pipeline';
import { defaultTaxonomy, markersInBlocks } from '../../src/lib/markers/taxonomy';
import { fromSafetensors } from '../../src/lib/model/checkpoint';
import { logSoftmax } from '../../src/lib/model/sampling';
import { modelFromWeights } from '../../src/lib/model/weights';
import { EOS_ID, markupIds } from '../../src/lib/tokenizer/tokenizer';
import { parseBackend, startBackend } from '../backend';
import { processIo } from '../output';

const { values, positionals } = parseArgs({ options: { rows: { type: 'string', default: '24' } }, allowPositionals: true });
await startBackend(parseBackend('wasm'), processIo, true);
const record = fromSafetensors(new Uint8Array(readFileSync(positionals[0]!)));
const model = modelFromWeights(record.config, record.weights);
const chosen = Array.isArray(record.training?.categories) ? (record.training.categories as string[]) : null;
const rows = prepareDataset('teaching', generateTeachingDataset(), defaultTaxonomy()).rows
  .filter((r) => r.markers.length_bucket === 'concise').slice(-Number(values.rows));
const T = record.config.blockSize, V = record.config.vocabSize;
const markup = markupIds(record.tokenizer);
for (const bucket of ['concise', 'medium', 'long']) {
  let sum = 0, n = 0;
  for (const r of rows) {
    const markers = { ...markersInBlocks(r.markers, record.taxonomy, chosen), length_bucket: bucket };
    const ex = encodeExample({ ...r, markers }, {}, record.taxonomy, record.tokenizer, { lossOn: 'completion' });
    const all = Array.from(ex.ids.subarray(0, ex.ids.length - 1));
    // Longer than the context: the window generation would see (header with both blocks + latest tokens).
    const ids = all.length <= T ? all : slidingContext(all, blockTokenIds(record.tokenizer), T);
    const logits = tf.tidy(() => model.forward(tf.tensor2d([ids], [1, ids.length], 'int32')).logits.slice([0, ids.length - 1, 0], [1, 1, V]).reshape([V]));
    const row = (await logits.data()) as Float32Array;
    logits.dispose();
    // After the block only text and EOS can follow (decoding's grammar): markup is out of the softmax.
    for (const id of markup) row[id] = -Infinity;
    sum += logSoftmax(row, 1)[EOS_ID]!;
    n++;
  }
  console.log(`block says ${bucket.padEnd(8)} mean log P(EOS at the true end of concise rows) ${(sum / n).toFixed(3)} (n=${n})`);
}
model.dispose();
