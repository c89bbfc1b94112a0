/**
 * A session leaves nothing behind: create → train a few steps (with validation) → dispose returns
 * tfjs's live tensor count to what it was before the session existed, from scratch and from a
 * checkpoint (resumed with its optimizer state, or fine-tuned with a grown vocabulary).
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateTeachingDataset } from '../../../src/lib/data/builtin/teaching';
import { prepareDataset } from '../../../src/lib/data/pipeline';
import type { Row } from '../../../src/lib/data/types';
import { DEFAULT_DROPOUT } from '../../../src/lib/markers/dropout';
import { defaultTaxonomy } from '../../../src/lib/markers/taxonomy';
import type { CheckpointRecord } from '../../../src/lib/model/checkpoint';
import { DEFAULT_TRAINING, TrainingSession, type TrainingSetup } from '../../../src/lib/model/session';
import { useWasm } from './helpers';

beforeAll(useWasm);

const taxonomy = defaultTaxonomy();
const rows = prepareDataset('teaching', generateTeachingDataset({ rows: 40, seed: 3 }), taxonomy).rows;
const setup = (over: Partial<TrainingSetup> = {}): TrainingSetup => ({
  ...DEFAULT_TRAINING, rows, taxonomy, preset: 'nano', seed: 1, dropout: { ...DEFAULT_DROPOUT, seed: 1 },
  steps: 2, batchSize: 2, warmupSteps: 1, evalEvery: 2, progressEveryMs: 0, valFraction: 0.2, tokenizer: { kind: 'char' },
  ...over,
});

/** Live tensors after create → train → evaluate → toRecord → dispose, minus those before create. */
async function leftOver(s: TrainingSetup): Promise<{ held: number; left: number; record: CheckpointRecord }> {
  const before = tf.memory().numTensors;
  const session = TrainingSession.create(s);
  const held = tf.memory().numTensors - before;
  expect((await session.train()).end).toBe('completed');
  await session.evaluate();
  const record = await session.toRecord();
  session.dispose();
  return { held, left: tf.memory().numTensors - before, record };
}

describe('TrainingSession.dispose', { timeout: 180_000 }, () => {
  it('leaves no tensor behind: from scratch, resumed from its record, and fine-tuned with new characters', async () => {
    const fresh = await leftOver(setup());
    // nano: 16 parameters and AdamW's two moments for each. A session holding none would pass vacuously.
    expect(fresh.held).toBe(48);
    expect(fresh.left).toBe(0);

    const resumed = await leftOver(setup({ init: fresh.record }));
    expect(resumed.record.step).toBe(4);
    expect(resumed.left).toBe(0);

    // Characters the checkpoint's vocabulary lacks make the session grow wte (growVocabulary).
    const novel: Row[] = rows.map((r, i) => ({ ...r, completion: `${r.completion} ÆØÅ ${i % 3 ? 'ß' : 'þ'}` }));
    const grown = await leftOver(setup({ rows: novel, init: fresh.record }));
    expect(grown.record.config.vocabSize).toBeGreaterThan(fresh.record.config.vocabSize);
    expect(grown.left).toBe(0);
  });
});
