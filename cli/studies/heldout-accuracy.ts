/**
 * Finding 1 on more rows: inferred-marker accuracy per category (the sweep's measure,
 * `measureInferredAccuracy`: the prompt without markers, the block the model writes greedily, every
 * row judged) on a fresh draw of the teaching generator instead of the sweep's 60 validation rows.
 * Rows equal to a row of the built-in set are left out.
 *
 *   npx tsx cli/studies/heldout-accuracy.ts A.safetensors [B.safetensors …] [--rows 300] [--seed 999]
 *     [--categories domain,task,format,lang,length_bucket]
 */
import { parseArgs } from 'node:util';
import { meanAccuracy } from '../../src/lib/eval/accuracy';
import { measureInferredAccuracy } from '../../src/lib/experiment/measure-model';
import { startBackend } from '../backend';
import { inferenceModel, readCheckpoint, trainedCategories } from '../model';
import { processIo } from '../output';
import { freshTeachingRows } from './fresh-rows';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { rows: { type: 'string', default: '300' }, seed: { type: 'string', default: '999' }, categories: { type: 'string', default: 'domain,task,format,lang,length_bucket' } },
});
if (positionals.length === 0) throw new Error('usage: heldout-accuracy.ts A.safetensors [B.safetensors …] [--rows N] [--seed S] [--categories a,b]');
const io = processIo;
await startBackend('wasm', io, true);
// Twice as many drawn as asked for, so enough remain once the rows of the built-in set are left out.
const fresh = (await freshTeachingRows(Number(values.rows) * 2, Number(values.seed))).fresh.slice(0, Number(values.rows));
const categories = values.categories.split(',');
io.stdout(`held-out rows: ${fresh.length} (seed ${values.seed})\n`);
const pct = (v: number | null): string => (v === null ? '–' : `${(v * 100).toFixed(1)}%`);
for (const file of positionals) {
  const record = readCheckpoint(file, 'checkpoint');
  const model = inferenceModel(record);
  const acc = await measureInferredAccuracy({ model, tokenizer: record.tokenizer, taxonomy: record.taxonomy, categories: trainedCategories(record) }, fresh, categories);
  model.dispose();
  io.stdout(`${file}: mean ${pct(meanAccuracy(acc))}\n`);
  for (const [c, a] of Object.entries(acc)) io.stdout(`  ${c}\t${pct(a.accuracy)}\t(${a.correct}/${a.total}; left out ${a.missing}, written where the row has none ${a.spurious})\n`);
}
