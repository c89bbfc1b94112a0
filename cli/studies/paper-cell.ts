/**
 * One cell of the paper in small with its recipe changed, measured like a sweep cell: to try a
 * recipe before it goes into PAPER_SWEEP. Prints one JSON line (inferred-marker accuracy, length
 * violations, fixed-mode median length per bucket) and writes OUT.safetensors and OUT.json.
 *
 *   npx tsx cli/studies/paper-cell.ts '{"preset":"nano","shape":{"blockSize":256},"steps":3000,"batchSize":4}' 0.5 /tmp/c256-x0.5
 *   (second argument: the dataset-level dropout X of a marker run, or "base" for the no-marker baseline)
 */
import { writeFileSync } from 'node:fs';
import { generateTeachingDataset } from '../../src/lib/data/builtin/teaching';
import { prepareDataset } from '../../src/lib/data/pipeline';
import { defaultTaxonomy } from '../../src/lib/markers/taxonomy';
import { runCell } from '../../src/lib/experiment/run-cell';
import { PAPER_SWEEP, type SweepSpec } from '../../src/lib/experiment/sweep';
import { toSafetensors } from '../../src/lib/model/checkpoint';
import { meanAccuracy } from '../../src/lib/eval/accuracy';
import { lengthsOf } from '../../src/lib/experiment/findings';
import { parseBackend, startBackend } from '../backend';
import { processIo } from '../output';
const [over, x, out] = [JSON.parse(process.argv[2]!), process.argv[3]!, process.argv[4]!];
await startBackend(parseBackend('wasm'), processIo, true);
const ds = prepareDataset('teaching', generateTeachingDataset(), defaultTaxonomy());
const spec: SweepSpec = { ...PAPER_SWEEP, ...over };
const markers = x !== 'base';
const cell = { id: x, label: x, markers, datasetRate: markers ? Number(x) : 0, sampleRate: markers ? 0.5 : 0, seed: 1 };
let last = 0;
const t0 = Date.now();
const { result, record } = await runCell(ds.rows, ds.taxonomy, spec, cell, {
  onStage: (s) => console.error(s), onProgress: (p) => { if (Date.now() - last > 20000) { last = Date.now(); console.error(`step ${p.step} loss ${p.loss.toFixed(3)} ${Math.round(p.tokensPerSec)} tok/s`); } },
});
writeFileSync(`${out}.safetensors`, toSafetensors(record));
writeFileSync(`${out}.json`, JSON.stringify(result));
const med = (a: number[]) => { const s = [...a].sort((p, q) => p - q); return s[Math.floor(s.length / 2)]; };
console.log(JSON.stringify({ x, ms: Date.now() - t0, evalMs: result.evalMs, val: result.train.valLoss, acc: result.accuracy ? meanAccuracy(result.accuracy) : null,
  accBy: result.accuracy ? Object.fromEntries(Object.entries(result.accuracy).map(([k, v]) => [k, v.accuracy])) : null,
  viol: { b: result.lengths.baseline?.rate, i: result.lengths.inferred?.rate, f: result.lengths.fixed?.rate },
  fixedMedians: result.lengths.fixed ? Object.fromEntries(Object.entries(lengthsOf(result.lengths.fixed)).map(([k, v]) => [k, med(v)])) : null }));
