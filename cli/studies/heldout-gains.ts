/**
 * Finding 3 on more rows: the per-value text-loss gain of a marker checkpoint over a no-marker baseline
 * (the sweep's measure, `lossPerValue` with the rows' markers in the prompt), on a fresh draw of the
 * teaching generator instead of the validation split, whose rare values have only 4 to 16 rows. Rows
 * equal to a row of the built-in set are left out; tail = values with ≤ 5% of the built-in rows.
 *
 *   npx tsx cli/studies/heldout-gains.ts MARKER.safetensors BASELINE.safetensors [--rows 1500] [--seed 999]
 */
import { parseArgs } from 'node:util';
import { headTail, shareOf, valueShares } from '../../src/lib/eval/head-tail';
import { lossPerValue, pairLosses, type ValueGroupLoss } from '../../src/lib/experiment/measure-model';
import { startBackend } from '../backend';
import { inferenceModel, readCheckpoint, trainedCategories } from '../model';
import { processIo } from '../output';
import { freshTeachingRows } from './fresh-rows';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { rows: { type: 'string', default: '1500' }, seed: { type: 'string', default: '999' } } });
const [markerFile, baselineFile] = positionals;
if (!markerFile || !baselineFile) throw new Error('usage: heldout-gains.ts MARKER.safetensors BASELINE.safetensors [--rows N] [--seed S]');
const io = processIo;
await startBackend('wasm', io, true);
const { builtIn: ds, fresh, drawn } = await freshTeachingRows(Number(values.rows), Number(values.seed));
io.stdout(`held-out rows: ${fresh.length} of ${drawn} drawn (seed ${values.seed}); the rest equal rows of the built-in set\n`);
const categories = ['domain', 'lang', 'format', 'length_bucket'];
const losses: ValueGroupLoss[][] = [];
for (const file of [markerFile, baselineFile]) {
  const record = readCheckpoint(file, 'checkpoint');
  const model = inferenceModel(record);
  losses.push(await lossPerValue({ model, tokenizer: record.tokenizer, taxonomy: record.taxonomy, categories: trainedCategories(record) }, fresh, categories, 16));
  model.dispose();
}
const result = headTail(pairLosses(losses[0]!, losses[1]!, shareOf(valueShares(ds.rows))), 0.05);
for (const v of result.values) io.stdout(`${v.category}=${v.value}\t${v.rows} rows\tshare ${(v.share * 100).toFixed(1)}%\tgain ${v.gain.toFixed(3)}${v.tail ? '\ttail' : ''}\n`);
io.stdout(`mean gain (nats/token): head ${result.headGain?.toFixed(3)}, tail ${result.tailGain?.toFixed(3)}\n`);
