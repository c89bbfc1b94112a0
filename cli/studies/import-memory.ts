// Peak memory of importing N rows for training (parse, validate, annotate, stats, split, tokenizer,
// and a TrainingSession built over them, with no step run), the way `markerlab train --data file` does.
// npx tsx cli/studies/import-memory.ts [rows=200000]    (prints peak RSS and heap; run with --expose-gc for steadier figures)
import { statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_TRAINING, TrainingSession } from '../../src/lib/model/session';
import { parseBackend, startBackend } from '../backend';
import { processIo } from '../output';
import { loadSource } from '../source';

const N = Number(process.argv[2] ?? 200_000);
const LANGS = ['English', 'French', 'Spanish', 'German'];
const words = ['the', 'river', 'market', 'opens', 'early', 'and', 'closes', 'late', 'every', 'day', 'in', 'summer'];
const file = join(tmpdir(), `markerlab-memory-${N}.jsonl`);
const lines: string[] = [];
for (let i = 0; i < N; i++) {
  const n = 6 + (i % 30);
  const completion = Array.from({ length: n }, (_, k) => words[(i * 7 + k * 3) % words.length]).join(' ') + '.';
  lines.push(JSON.stringify({ prompt: `Day ${i % 365}?`, completion, markers: { lang: LANGS[i % 4], domain: 'Culture' } }));
}
writeFileSync(file, lines.join('\n') + '\n');
lines.length = 0;

let peakRss = 0;
let peakHeap = 0;
const sample = (): void => {
  const m = process.memoryUsage();
  peakRss = Math.max(peakRss, m.rss);
  peakHeap = Math.max(peakHeap, m.heapUsed);
};
const timer = setInterval(sample, 20);
const t0 = performance.now();
await startBackend(parseBackend('wasm'), processIo, true);
const ds = await loadSource(file, { lenient: false, wrapper: 'MARKER_LIST', lengthBuckets: { mode: 'quantile' }, warn: () => {} });
sample();
const session = TrainingSession.create({
  ...DEFAULT_TRAINING, rows: ds.rows, taxonomy: ds.taxonomy, preset: 'nano', seed: 1, steps: 1, warmupSteps: 0, evalEvery: 0, progressEveryMs: 0,
  dropout: { datasetRate: 0.5, sampleRate: 0.5, overrides: {}, seed: 1 },
});
sample();
clearInterval(timer);
const mb = (b: number): string => `${(b / 1024 / 1024).toFixed(0)} MB`;
console.log(`${N} rows (${mb(statSync(file).size)} JSONL) ready to train in ${((performance.now() - t0) / 1000).toFixed(1)} s: peak RSS ${mb(peakRss)}, peak heap ${mb(peakHeap)}`);
session.dispose();
