/**
 * A real (tiny) run on the teaching dataset in Node: the loss falls, validation runs with and
 * without prompt markers, pause/stop work at step boundaries, and no tensors leak across steps.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateTeachingDataset } from '../../../src/lib/data/builtin/teaching';
import { prepareDataset } from '../../../src/lib/data/pipeline';
import { lengthBucketOf, type LengthThresholds } from '../../../src/lib/markers/annotate-dataset';
import { DEFAULT_DROPOUT } from '../../../src/lib/markers/dropout';
import { countTokens } from '../../../src/lib/markers/measure';
import { defaultTaxonomy } from '../../../src/lib/markers/taxonomy';
import { fromSafetensors, toSafetensors } from '../../../src/lib/model/checkpoint';
import { trainedCategories, trainedValues } from '../../../src/lib/model/checkpoint-record';
import { DEFAULT_TRAINING, TrainingSession, type TrainingSetup } from '../../../src/lib/model/session';
import type { Progress } from '../../../src/lib/model/run';
import { initBackend } from '../../../src/lib/model/backend';

// wasm: the engine the CLI and most browsers train on, and ~5× the cpu backend's speed here.
beforeAll(() => initBackend({ order: ['wasm'] }));

const taxonomy = defaultTaxonomy();
const rows = prepareDataset('teaching', generateTeachingDataset({ rows: 120, seed: 2 }), taxonomy).rows;
const setup = (over: Partial<TrainingSetup> = {}): TrainingSetup => ({
  ...DEFAULT_TRAINING, rows, taxonomy, preset: 'nano', seed: 1, dropout: { ...DEFAULT_DROPOUT, seed: 1 },
  steps: 24, batchSize: 2, lr: 1e-2, minLr: 1e-3, warmupSteps: 4, evalEvery: 12, progressEveryMs: 0, valFraction: 0.1,
  ...over,
});

describe('TrainingSession', { timeout: 90_000 }, () => {
  it('trains nano on the teaching set: loss falls, both validation losses reported, tensors flat', async () => {
    const session = TrainingSession.create(setup({ steps: 32, evalEvery: 16 }));
    expect(session.info.trainRows + session.info.valRows).toBe(120);
    expect(session.info.windowedRows).toBeGreaterThan(0); // long rows exceed 64 tokens and are windowed, not dropped
    const seen: Progress[] = [];
    const result = await session.train({ onProgress: (p) => void seen.push(p) });
    expect(result.end).toBe('completed');
    // One event per step, plus a 'validating' notice before each of the two validation passes.
    expect(seen.filter((p) => p.validating).length).toBe(2);
    seen.splice(0, seen.length, ...seen.filter((p) => !p.validating));
    expect(seen.length).toBe(32);
    const first = seen.slice(0, 3).reduce((a, p) => a + p.loss, 0) / 3;
    const last = seen.slice(-3).reduce((a, p) => a + p.loss, 0) / 3;
    expect(last).toBeLessThan(first * 0.8);
    const evals = seen.filter((p) => p.valLoss !== undefined);
    expect(evals.map((p) => p.step)).toEqual([16, 32]);
    expect(evals.every((p) => Number.isFinite(p.valLossNoMarkers))).toBe(true);
    expect(new Set(seen.slice(5).map((p) => p.numTensors)).size).toBe(1);
    expect(seen.at(-1)!.tokensPerSec).toBeGreaterThan(0);
    const again = await session.evaluate();
    expect(again.valLoss).toBeCloseTo(evals.at(-1)!.valLoss!, 5);
    expect(again.valLossNoMarkers).toBeCloseTo(evals.at(-1)!.valLossNoMarkers!, 5);
    session.dispose();
  });

  it('without validation (validate: false) trains on the same split and runs no validation pass, not even at the end', async () => {
    const session = TrainingSession.create(setup({ steps: 4, evalEvery: 0, validate: false }));
    const validating = TrainingSession.create(setup({ steps: 4, evalEvery: 0 }));
    expect(session.valRows.map((r) => r.id)).toEqual(validating.valRows.map((r) => r.id));
    const seen: Progress[] = [];
    await session.train({ onProgress: (p) => void seen.push(p) });
    expect(seen.some((p) => p.validating || p.valLoss !== undefined)).toBe(false);
    expect(Number.isNaN((await session.evaluate()).valLoss)).toBe(true);
    session.dispose();
    validating.dispose();
  });

  it('pauses, resumes and stops at step boundaries', async () => {
    const session = TrainingSession.create(setup({ steps: 50, evalEvery: 0, valFraction: 0 }));
    const steps: number[] = [];
    const done = session.train({
      onProgress: (p) => {
        steps.push(p.step);
        if (p.step === 3) {
          session.run.pause();
          setTimeout(() => {
            expect(steps.at(-1)).toBe(3); // nothing ran while paused
            session.run.resume();
          }, 50);
        }
        if (p.step === 6) session.run.stop();
      },
    });
    const result = await done;
    expect(result.end).toBe('stopped');
    expect(steps).toEqual([1, 2, 3, 4, 5, 6]);
    expect(session.optimizer.state.step).toBe(6);
    session.dispose();
  });

  it('continues from a checkpoint at its step, with its optimizer state', async () => {
    const a = TrainingSession.create(setup({ steps: 4, evalEvery: 0, valFraction: 0 }));
    await a.train();
    const record = fromSafetensors(toSafetensors(await a.toRecord({ loss: 1 })));
    const b = TrainingSession.create(setup({ steps: 3, warmupSteps: 1, evalEvery: 0, valFraction: 0, init: record }));
    expect(b.info.startStep).toBe(4);
    expect(b.info.vocabSize).toBe(a.info.vocabSize);
    const r = await b.train();
    expect(r.last!.step).toBe(7);
    const logits = (s: TrainingSession) => tf.tidy(() => s.model.forward(tf.tensor2d([[1, 300, 301]], [1, 3], 'int32')).logits.dataSync());
    expect(Array.from(logits(b))).not.toEqual(Array.from(logits(a)));
    a.dispose();
    b.dispose();
  });

  it('gives a fine-tune its own warm-up and decay, and a resumed run the curve it started on', async () => {
    const a = TrainingSession.create(setup({ steps: 4, evalEvery: 0, valFraction: 0, warmupSteps: 1 }));
    await a.train();
    const record = fromSafetensors(toSafetensors(await a.toRecord()));
    const lrs = async (over: Partial<TrainingSetup>): Promise<number[]> => {
      const seen: number[] = [];
      const s = TrainingSession.create(setup({ steps: 4, evalEvery: 0, valFraction: 0, warmupSteps: 2, init: record, progressEveryMs: 0, ...over }));
      await s.train({ onProgress: (p: Progress) => void seen.push(p.lr) });
      s.dispose();
      return seen;
    };
    // Fine-tune (steps 5–8, its steps 1–4): warm-up to lr = 1e-2 at its step 2, then cosine down to minLr.
    const fresh = await lrs({});
    expect(fresh[0]).toBeCloseTo(1e-2 * 2 / 3, 8);
    expect(fresh[1]).toBeCloseTo(1e-2, 8);
    // Resumed on a curve that started at step 0 and ends at step 8: past warm-up, decaying from step 5 on.
    const resumed = await lrs({ scheduleStart: 0 });
    expect(resumed[0]).toBeLessThan(1e-2);
    expect(resumed[0]).toBeGreaterThan(resumed[1]!);
    expect(() => TrainingSession.create(setup({ init: record, scheduleStart: 9 }))).toThrow(/scheduleStart/);
    a.dispose();
  });

  it('records the length_bucket rule of its rows, which classifies every training row as labelled', async () => {
    const session = TrainingSession.create(setup({ steps: 1, evalEvery: 0 }));
    const record = fromSafetensors(toSafetensors(await session.toRecord()));
    const t = record.training?.lengthThresholds as LengthThresholds;
    expect(t.mode).toBe('labels');
    const labelled = rows.filter((r) => r.markers.length_bucket !== undefined);
    expect(labelled.length).toBeGreaterThan(100);
    for (const r of labelled) expect(lengthBucketOf(countTokens(r.completion), t)).toBe(r.markers.length_bucket);
    session.dispose();
  });

  it('records which marker values its training rows had, so only categories the data carries count as trained', async () => {
    const session = TrainingSession.create(setup({ steps: 1, evalEvery: 0 }));
    const record = fromSafetensors(toSafetensors(await session.toRecord()));
    const values = trainedValues(record)!;
    const trainRows = rows.filter((r) => !session.valRows.some((v) => v.id === r.id));
    expect(values.lang!.Italian ?? 0).toBe(trainRows.filter((r) => r.markers.lang === 'Italian').length);
    expect(Object.values(values.lang!).reduce((a, b) => a + b, 0)).toBe(trainRows.length);
    // The teaching set sets no `source` or `style`: the model never learned them, though its blocks have room.
    expect(values.source).toEqual({});
    const trained = trainedCategories(record);
    expect(trained).toEqual(expect.arrayContaining(['lang', 'length_bucket', 'format', 'domain']));
    expect(trained).not.toContain('source');
    // A file written before values were recorded keeps every category it was trained with.
    const older = { ...record, training: { ...record.training, values: undefined } };
    expect(trainedCategories(older)).toContain('source');
    session.dispose();
  });

  it('trains a plain-text model when no marker category is chosen: empty blocks, no length rule needed', async () => {
    const session = TrainingSession.create(setup({ steps: 2, evalEvery: 0, categories: [] }));
    const record = await session.toRecord();
    expect(record.training?.categories).toEqual([]);
    // Validated on the same rows as a run with markers (the split uses the full annotations).
    const withMarkers = TrainingSession.create(setup({ steps: 1, evalEvery: 0 }));
    expect(session.valRows.map((r) => r.id)).toEqual(withMarkers.valRows.map((r) => r.id));
    expect(session.valRows.every((r) => Object.keys(r.markers).length === 0)).toBe(true);
    withMarkers.dispose();
    // Validation with and without prompt markers is the same set when no marker is kept.
    const { valLoss, valLossNoMarkers } = await session.evaluate();
    expect(valLoss).toBeCloseTo(valLossNoMarkers, 6);
    session.dispose();
  });
});
