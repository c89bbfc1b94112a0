/**
 * A sweep's baseline reads as many examples as its marker run: without blocks its rows are shorter and
 * more of them fit a batch, so it needs fewer steps for the same rows.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { generateTeachingDataset } from '../../../src/lib/data/builtin/teaching';
import { prepareDataset } from '../../../src/lib/data/pipeline';
import { baselineSteps } from '../../../src/lib/experiment/run-cell';
import { PAPER_SWEEP, sweepCells } from '../../../src/lib/experiment/sweep';
import { DEFAULT_DROPOUT } from '../../../src/lib/markers/dropout';
import { defaultTaxonomy } from '../../../src/lib/markers/taxonomy';
import { DEFAULT_TRAINING, TrainingSession } from '../../../src/lib/model/session';
import { useCpu } from './helpers';

beforeAll(useCpu);

const taxonomy = defaultTaxonomy();
const rows = prepareDataset('teaching', generateTeachingDataset({ rows: 200, seed: 4 }), taxonomy).rows;

describe('equal examples for the baseline', () => {
  it('counts an epoch as a marker run packs it, and gives the baseline proportionally fewer steps', () => {
    const session = TrainingSession.create({
      ...DEFAULT_TRAINING, rows, taxonomy, preset: 'nano', seed: 1, dropout: { ...DEFAULT_DROPOUT, seed: 1 }, categories: [],
      steps: 400, batchSize: 8, lr: 1e-2, minLr: 1e-3, warmupSteps: 4, evalEvery: 0, progressEveryMs: 0, valFraction: 0, tokenizer: { kind: 'char' }, shape: { blockSize: 256 },
    });
    try {
      const plain = session.epochBatches();
      const marked = session.epochBatches({ dropout: { datasetRate: 0.5, sampleRate: 0.5, overrides: {}, seed: 1 } });
      const full = session.epochBatches({ dropout: { datasetRate: 0, sampleRate: 0, overrides: {}, seed: 1 } });
      expect(plain).toBeLessThan(marked);
      expect(marked).toBeLessThan(full); // every marker in every prompt: the longest rows
      const spec = { ...PAPER_SWEEP, steps: 400 };
      const baseline = sweepCells(spec).find((c) => !c.markers)!;
      expect(baselineSteps(session, spec, baseline)).toBe(Math.round((400 * plain) / marked));
      expect(baselineSteps(session, spec, baseline)).toBeLessThan(400);
    } finally {
      session.dispose();
    }
  });
});
