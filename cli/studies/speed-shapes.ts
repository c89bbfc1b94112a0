// Training tokens/s of a few model shapes in one process (compare ratios: the machine is shared).
// Chose the paper experiment's shape: npx tsx cli/studies/speed-shapes.ts
import { generateTeachingDataset } from '../../src/lib/data/builtin/teaching';
import { prepareDataset } from '../../src/lib/data/pipeline';
import { defaultTaxonomy } from '../../src/lib/markers/taxonomy';
import { DEFAULT_TRAINING, TrainingSession } from '../../src/lib/model/session';
import { parseBackend, startBackend } from '../backend';
import { processIo } from '../output';

await startBackend(parseBackend('wasm'), processIo, true);
const taxonomy = defaultTaxonomy();
const rows = prepareDataset('teaching', generateTeachingDataset(), taxonomy).rows;
const shapes = [
  { name: 'nano', preset: 'nano' as const, shape: {} },
  { name: 'tiny', preset: 'tiny' as const, shape: {} },
  { name: 'tiny@128', preset: 'tiny' as const, shape: { blockSize: 128 } },
  { name: 'proto 2L2H64@128', preset: 'tiny' as const, shape: { blockSize: 128, nHead: 2 } },
];
for (const s of shapes) {
  const session = TrainingSession.create({ ...DEFAULT_TRAINING, rows, taxonomy, preset: s.preset, shape: s.shape, seed: 1, steps: 12, warmupSteps: 2, evalEvery: 0, progressEveryMs: 0, dropout: { datasetRate: 0.5, sampleRate: 0.5, overrides: {}, seed: 1 } });
  const r = await session.train();
  console.log(s.name, Math.round(r.last!.tokensPerSec), 'tok/s');
  session.dispose();
}
