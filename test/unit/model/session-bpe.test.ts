/**
 * Training sessions with the BPE tokenizer: built from the rows, recorded in the checkpoint, and
 * extended on fine-tuning without moving an id or a merge.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { generateTeachingDataset } from '../../../src/lib/data/builtin/teaching';
import { prepareDataset } from '../../../src/lib/data/pipeline';
import { DEFAULT_DROPOUT } from '../../../src/lib/markers/dropout';
import { defaultTaxonomy } from '../../../src/lib/markers/taxonomy';
import { fromSafetensors, toSafetensors } from '../../../src/lib/model/checkpoint';
import { DEFAULT_TRAINING, TrainingSession, type TrainingSetup } from '../../../src/lib/model/session';
import { sampleSteered } from '../../../src/lib/model/steer';
import { useWasm } from './helpers';

beforeAll(useWasm);

const taxonomy = defaultTaxonomy();
const rows = prepareDataset('teaching', generateTeachingDataset({ rows: 120, seed: 2 }), taxonomy).rows;
const setup = (over: Partial<TrainingSetup> = {}): TrainingSetup => ({
  ...DEFAULT_TRAINING, rows: rows.slice(0, 80), taxonomy, preset: 'nano', seed: 1, dropout: { ...DEFAULT_DROPOUT, seed: 1 },
  steps: 3, batchSize: 2, lr: 1e-2, minLr: 1e-3, warmupSteps: 1, evalEvery: 0, progressEveryMs: 0, valFraction: 0.1,
  ...over,
});

describe('TrainingSession with BPE', { timeout: 90_000 }, () => {
  it('learns merges from the rows, trains, records the tokenizer, samples readable pieces', async () => {
    const session = TrainingSession.create(setup({ tokenizer: { kind: 'bpe', merges: 150 } }));
    expect(session.info.tokenizer).toEqual({ kind: 'bpe', merges: 150, vocabSize: session.info.vocabSize });
    expect(session.model.config.vocabSize).toBe(session.tokenizer.tokens.length);
    const result = await session.train();
    expect(result.end).toBe('completed');
    const record = fromSafetensors(toSafetensors(await session.toRecord()), 'bpe.safetensors');
    expect(record.tokenizer).toEqual(session.tokenizer);
    expect(record.training?.tokenizer).toEqual({ ...session.info.tokenizer, charsPerToken: session.info.charsPerToken });
    expect(session.info.charsPerToken).toBeGreaterThan(1.5);
    const [sample] = await sampleSteered(session.model, session.tokenizer, taxonomy, { prompt: 'Hello', markers: { lang: 'French' }, mode: 'fixed' },
      { n: 1, maxTokens: 8, temperature: 1, seed: 1 });
    expect(sample!.parsed.markers.lang).toBe('French');
    session.dispose();

    // Fine-tuning on other rows: every id and merge kept; with the same total no merge is added.
    const tune = TrainingSession.create(setup({ rows: rows.slice(80), init: record, tokenizer: { kind: 'bpe', merges: 150 } }));
    expect(tune.tokenizer.tokens.slice(0, record.tokenizer.tokens.length)).toEqual(record.tokenizer.tokens);
    expect(tune.tokenizer.merges).toEqual(record.tokenizer.merges);
    tune.dispose();
    // A larger total appends merges learned on the new rows, after every old id.
    const grow = TrainingSession.create(setup({ rows: rows.slice(80), init: record, tokenizer: { kind: 'bpe', merges: 200 } }));
    expect(grow.tokenizer.merges!.slice(0, 150)).toEqual(record.tokenizer.merges);
    expect(grow.tokenizer.merges!.length).toBeGreaterThan(150);
    expect(grow.model.config.vocabSize).toBe(grow.tokenizer.tokens.length);
    grow.dispose();
  });

  it('learns BPE by default (the settings\' choice), and a character checkpoint can grow BPE pieces when fine-tuned', async () => {
    const byDefault = TrainingSession.create(setup({ steps: 1 }));
    expect(byDefault.info.tokenizer).toMatchObject({ kind: 'bpe' });
    expect(byDefault.tokenizer.formatVersion).toBe(2);
    byDefault.dispose();
    const session = TrainingSession.create(setup({ steps: 1, tokenizer: { kind: 'char' } }));
    expect(session.info.tokenizer.kind).toBe('char');
    expect(session.tokenizer.formatVersion).toBe(1);
    await session.train();
    const record = await session.toRecord();
    session.dispose();
    const tune = TrainingSession.create(setup({ init: record, tokenizer: { kind: 'bpe', merges: 50 }, steps: 1 }));
    expect(tune.tokenizer.tokens.slice(0, record.tokenizer.tokens.length)).toEqual(record.tokenizer.tokens);
    expect(tune.tokenizer.merges!.length).toBe(50);
    expect((await tune.train()).end).toBe('completed');
    tune.dispose();
  });
});
