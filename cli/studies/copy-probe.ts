/**
 * Does a model read the prompt's marker block? For validation-like rows, the mean log-probability
 * of each true marker value in the completion's block (teacher-forced, taxonomy order), with the
 * full prompt block and with none. A model that copies prompt markers gains a lot with the block.
 *
 *   npx tsx cli/studies/copy-probe.ts CKPT.safetensors [--rows 48]
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { blockTokenIds, encodeExample } from '../../src/lib/data/batch';
import { generateTeachingDataset } from '../../src/lib/data/builtin/teaching';
import { prepareDataset } from '../../src/lib/data/pipeline';
import { defaultTaxonomy, markersInBlocks } from '../../src/lib/markers/taxonomy';
import { fromSafetensors } from '../../src/lib/model/checkpoint';
import { modelFromWeights } from '../../src/lib/model/weights';
import { SEP_ID } from '../../src/lib/tokenizer/tokenizer';
import { parseBackend, startBackend } from '../backend';
import { processIo } from '../output';

const { values, positionals } = parseArgs({ options: { rows: { type: 'string', default: '48' } }, allowPositionals: true });
await startBackend(parseBackend('wasm'), processIo, true);
const record = fromSafetensors(new Uint8Array(readFileSync(positionals[0]!)));
const model = modelFromWeights(record.config, record.weights);
const chosen = Array.isArray(record.training?.categories) ? (record.training.categories as string[]) : null;
const rows = prepareDataset('teaching', generateTeachingDataset(), defaultTaxonomy()).rows.slice(-Number(values.rows));
const T = record.config.blockSize, V = record.config.vocabSize;
const tok = record.tokenizer;
const valueIds = new Map<number, string>();
tok.tokens.forEach((d, id) => { if (d.type === 'value') valueIds.set(id, d.category); });
for (const withPrompt of [true, false]) {
  const per = new Map<string, { sum: number; n: number }>();
  for (const r of rows) {
    const markers = markersInBlocks(r.markers, record.taxonomy, chosen);
    const ex = encodeExample({ ...r, markers }, withPrompt ? markers : {}, record.taxonomy, tok, { lossOn: 'completion' });
    const all = Array.from(ex.ids);
    const s = all.indexOf(SEP_ID);
    // the completion block: from s+1 to its close; keep the sequence up to there, windowed like generation.
    const close = all.indexOf(blockTokenIds(tok).blockCloseId, s + 1);
    let ids = all.slice(0, close + 1);
    let offset = 0;
    // Like training's window 0: the prompt text is cut from the left, BOS and both blocks stay.
    if (ids.length > T) { offset = ids.length - T; ids = [ids[0]!, ...ids.slice(offset + 1)]; }
    const logits = tf.tidy(() => tf.logSoftmax(model.forward(tf.tensor2d([ids], [1, ids.length], 'int32')).logits.reshape([ids.length, V])));
    const lp = (await logits.data()) as Float32Array;
    logits.dispose();
    for (let i = s + 1; i <= close; i++) {
      const cat = valueIds.get(all[i]!);
      if (!cat) continue;
      const j = i - 1 - offset; // prediction for position i comes from position i-1
      if (j < 1) continue;
      const e = per.get(cat) ?? { sum: 0, n: 0 };
      e.sum += lp[j * V + all[i]!]!; e.n++;
      per.set(cat, e);
    }
  }
  const line = [...per].map(([c, e]) => `${c} ${(e.sum / e.n).toFixed(2)}`).join('  ');
  console.log(`${withPrompt ? 'prompt block  ' : 'no prompt blk '} mean log P(true value): ${line}`);
}
model.dispose();
