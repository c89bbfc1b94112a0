/**
 * A run records the train/validation split it made, and a fine-tune on the same rows keeps its
 * checkpoint's split whatever its own seed: the rows the first run held out are never trained on,
 * and `markerlab eval` measures on them.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { generateTeachingDataset } from '../../../src/lib/data/builtin/teaching';
import { prepareDataset } from '../../../src/lib/data/pipeline';
import type { Row } from '../../../src/lib/data/types';
import { DEFAULT_DROPOUT } from '../../../src/lib/markers/dropout';
import { defaultTaxonomy } from '../../../src/lib/markers/taxonomy';
import { fromSafetensors, toSafetensors, type CheckpointRecord } from '../../../src/lib/model/checkpoint';
import { trainedSplit } from '../../../src/lib/model/checkpoint-record';
import { DEFAULT_TRAINING, TrainingSession, type TrainingSetup } from '../../../src/lib/model/session';
import { useWasm } from './helpers';

beforeAll(useWasm);

const taxonomy = defaultTaxonomy();
const rows = prepareDataset('teaching', generateTeachingDataset({ rows: 120, seed: 3 }), taxonomy).rows;
const setup = (over: Partial<TrainingSetup> = {}): TrainingSetup => ({
  ...DEFAULT_TRAINING, rows, taxonomy, preset: 'nano', seed: 1, dropout: { ...DEFAULT_DROPOUT, seed: 1 }, tokenizer: { kind: 'char' },
  steps: 1, batchSize: 2, warmupSteps: 1, evalEvery: 0, progressEveryMs: 0, valFraction: 0.1,
  ...over,
});
const key = (r: Row) => `${r.prompt}\u0000${r.completion}`;
const valOf = (s: TrainingSession) => s.valRows.map(key).sort();

describe('the split a run makes', { timeout: 60_000 }, () => {
  it('is recorded, and a fine-tune with another seed validates on the rows its checkpoint held out', async () => {
    const first = TrainingSession.create(setup());
    await first.train();
    const record = fromSafetensors(toSafetensors(await first.toRecord()), 'first.safetensors');
    const heldOut = valOf(first);
    first.dispose();
    expect(heldOut).toHaveLength(12);
    expect(record.training?.split).toEqual({ valFraction: 0.1, seed: 1, stratifyBy: 'lang' });

    // From scratch, seed 7 holds out other rows: the test can tell the splits apart.
    const scratch = TrainingSession.create(setup({ seed: 7 }));
    expect(valOf(scratch)).not.toEqual(heldOut);
    scratch.dispose();

    const tune = TrainingSession.create(setup({ seed: 7, init: record }));
    expect(valOf(tune)).toEqual(heldOut);
    await tune.train();
    const tuned = await tune.toRecord();
    tune.dispose();
    expect(tuned.training).toMatchObject({ seed: 7, split: { valFraction: 0.1, seed: 1, stratifyBy: 'lang' } });

    // A file from before the split was recorded: its run's seed with the default share and strata.
    const { split: _split, ...older } = record.training!;
    const olderRecord: CheckpointRecord = { ...record, training: older };
    const again = TrainingSession.create(setup({ seed: 7, init: olderRecord }));
    expect(valOf(again)).toEqual(heldOut);
    again.dispose();
  });

  it('reads back as recorded, else the run\'s seed with the fallback\'s share and strata, else the fallback', () => {
    const fallback = { valFraction: 0.05, seed: 0, stratifyBy: 'lang' };
    expect(trainedSplit({ training: { seed: 4, split: { valFraction: 0.2, seed: 9 } } }, fallback)).toEqual({ valFraction: 0.2, seed: 9 });
    expect(trainedSplit({ training: { seed: 4, split: { valFraction: 2, seed: 9 } } }, fallback)).toEqual({ valFraction: 0.05, seed: 4, stratifyBy: 'lang' });
    expect(trainedSplit({ training: { seed: 4 } }, { valFraction: 0.05, seed: 0 })).toEqual({ valFraction: 0.05, seed: 4 });
    expect(trainedSplit({ training: { seed: 'x' } }, fallback)).toEqual(fallback);
    expect(trainedSplit({}, fallback)).toEqual(fallback);
  });
});
