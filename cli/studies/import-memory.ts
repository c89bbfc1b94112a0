// Peak memory of importing N rows for training (parse, validate, annotate, stats, split, tokenizer,
// and a TrainingSession built over them, then one training step), the way `markerlab train --data file` does.
// node --expose-gc --import tsx cli/studies/import-memory.ts [rows=200000] [jsonl|csv|json]
// The same rows in each format: JSONL (one object a line), CSV (prompt,completion,lang,domain) or
// JSON (one array). The file is written first, in slices, so writing it does not inflate the peak measured after.
import { closeSync, openSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_TRAINING, TrainingSession } from '../../src/lib/model/session';
import { parseBackend, startBackend } from '../backend';
import { processIo } from '../output';
import { loadSource } from '../source';

const N = Number(process.argv[2] ?? 200_000);
const FORMAT = process.argv[3] ?? 'jsonl';
if (FORMAT !== 'jsonl' && FORMAT !== 'csv' && FORMAT !== 'json') throw new Error(`format is jsonl, csv or json, got ${FORMAT}`);
const LANGS = ['English', 'French', 'Spanish', 'German'];
const words = ['the', 'river', 'market', 'opens', 'early', 'and', 'closes', 'late', 'every', 'day', 'in', 'summer'];
const csvCell = (s: string): string => (/[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s);
const file = join(tmpdir(), `markerlab-memory-${N}.${FORMAT}`);
const fd = openSync(file, 'w');
writeSync(fd, FORMAT === 'csv' ? 'prompt,completion,lang,domain\n' : FORMAT === 'json' ? '[\n' : '');
for (let from = 0; from < N; from += 10_000) {
  const lines: string[] = [];
  for (let i = from; i < Math.min(N, from + 10_000); i++) {
    const n = 6 + (i % 30);
    const completion = Array.from({ length: n }, (_, k) => words[(i * 7 + k * 3) % words.length]).join(' ') + '.';
    const row = { prompt: `Day ${i % 365}?`, completion, markers: { lang: LANGS[i % 4]!, domain: 'Culture' } };
    lines.push(FORMAT === 'csv' ? [row.prompt, row.completion, row.markers.lang, row.markers.domain].map(csvCell).join(',') : JSON.stringify(row));
  }
  const last = from + 10_000 >= N;
  writeSync(fd, lines.join(FORMAT === 'json' ? ',\n' : '\n') + (FORMAT === 'json' ? (last ? '\n]\n' : ',\n') : '\n'));
}
closeSync(fd);

const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});
const mb = (b: number): string => `${(b / 1024 / 1024).toFixed(0)} MB`;
let peakRss = 0, peakHeap = 0;
const sample = (): void => {
  const m = process.memoryUsage();
  peakRss = Math.max(peakRss, m.rss);
  peakHeap = Math.max(peakHeap, m.heapUsed);
};
/** Peak so far, and what stays live after a collection. */
const phase = (label: string): void => {
  sample();
  gc();
  const m = process.memoryUsage();
  console.log(`${label.padEnd(18)} peak RSS ${mb(peakRss).padStart(7)}, peak heap ${mb(peakHeap).padStart(7)} | live heap ${mb(m.heapUsed).padStart(7)}, array buffers ${mb(m.arrayBuffers).padStart(6)}`);
};
const timer = setInterval(sample, 5);
const t0 = performance.now();
await startBackend(parseBackend('wasm'), processIo, true);
phase('backend started');
const ds = await loadSource(file, { lenient: false, wrapper: 'MARKER_LIST', lengthBuckets: { mode: 'quantile' }, warn: () => {} });
phase('imported+annotated');
const session = TrainingSession.create({
  ...DEFAULT_TRAINING, rows: ds.rows, taxonomy: ds.taxonomy, preset: 'nano', seed: 1, steps: 1, warmupSteps: 0, evalEvery: 0, progressEveryMs: 0,
  dropout: { datasetRate: 0.5, sampleRate: 0.5, overrides: {}, seed: 1 },
});
phase('session ready');
await session.train();
phase('one step trained');
clearInterval(timer);
console.log(`${N} rows (${mb(statSync(file).size)} ${FORMAT.toUpperCase()}, ${session.info.trainRows} train / ${session.info.valRows} val, vocabulary ${session.info.vocabSize}) ready to train in ${((performance.now() - t0) / 1000).toFixed(1)} s: peak RSS ${mb(peakRss)}, peak heap ${mb(peakHeap)}`);
session.dispose();
