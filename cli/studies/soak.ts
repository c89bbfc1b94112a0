// Soak benchmark (not a test): 10,000 nano training steps, then 10,000 generated tokens, on the wasm
// backend, printing tf's tensor count and the JS heap along the way; both must stay flat.
// node --expose-gc --import tsx cli/studies/soak.ts [steps=10000] [tokens=10000] [batch=2]
// (a small batch keeps 10,000 steps to minutes on a shared machine; flatness, not speed, is measured)
import * as tf from '@tensorflow/tfjs';
import { blockTokenIds } from '../../src/lib/data/batch-window';
import { generateTeachingDataset } from '../../src/lib/data/builtin/teaching';
import { prepareDataset } from '../../src/lib/data/pipeline';
import { defaultTaxonomy } from '../../src/lib/markers/taxonomy';
import { generate } from '../../src/lib/model/sample';
import { DEFAULT_TRAINING, TrainingSession } from '../../src/lib/model/session';
import { buildPrefix } from '../../src/lib/model/steer';
import { parseBackend, startBackend } from '../backend';
import { processIo } from '../output';

const STEPS = Number(process.argv[2] ?? 10_000);
const TOKENS = Number(process.argv[3] ?? 10_000);
const BATCH = Number(process.argv[4] ?? 2);
const mb = (b: number): string => `${(b / 1024 / 1024).toFixed(1)} MB`;
const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});
const probe = (label: string): void => {
  gc();
  console.log(`${label.padEnd(22)} tensors ${String(tf.memory().numTensors).padStart(5)}  tf bytes ${mb(tf.memory().numBytes).padStart(9)}  heap ${mb(process.memoryUsage().heapUsed).padStart(9)}  rss ${mb(process.memoryUsage().rss).padStart(9)}`);
};

await startBackend(parseBackend('wasm'), processIo, true);
const taxonomy = defaultTaxonomy();
const rows = prepareDataset('teaching', generateTeachingDataset(), taxonomy).rows;
const session = TrainingSession.create({
  ...DEFAULT_TRAINING, rows, taxonomy, preset: 'nano', batchSize: BATCH, seed: 1, steps: STEPS, warmupSteps: 50, evalEvery: 0, progressEveryMs: 0,
  dropout: { datasetRate: 0.5, sampleRate: 0.5, overrides: {}, seed: 1 },
});
probe('before training');
const t0 = performance.now();
let nextProbe = 1;
const result = await session.train({
  onProgress: (p) => {
    if (p.step >= nextProbe) {
      probe(`step ${p.step} (${(p.tokensPerSec / 1000).toFixed(1)}k tok/s)`);
      nextProbe = nextProbe < 1000 ? nextProbe * 10 : nextProbe + 2000;
    }
  },
});
probe(`trained (${result.end})`);
console.log(`${STEPS} steps in ${((performance.now() - t0) / 1000).toFixed(0)} s, last loss ${result.last?.loss.toFixed(3)}`);

const { blockOpenId, blockCloseId } = blockTokenIds(session.tokenizer);
const prefix = buildPrefix(session.tokenizer, taxonomy, { prompt: 'Describe the weather.', markers: { lang: 'English' }, mode: 'inferred' });
let generated = 0;
let call = 0;
const t1 = performance.now();
while (generated < TOKENS) {
  const { tokens } = await generate(session.model, prefix.ids, { n: 1, maxTokens: 500, temperature: 1, seed: call++, blockOpenId, blockCloseId });
  generated += tokens[0]!.length;
  if (call === 1 || call % 10 === 0) probe(`${generated} tokens generated`);
}
probe('generated');
console.log(`${generated} tokens in ${call} calls, ${((performance.now() - t1) / 1000).toFixed(0)} s`);
session.dispose();
probe('disposed');
