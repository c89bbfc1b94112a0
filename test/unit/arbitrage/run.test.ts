/**
 * The model side of the sampling loop on nano checkpoints: the reward router has every teacher answer,
 * a prompt-only router only the chosen one; markers a teacher cannot write are not asked of it; the
 * routed set carries `source` and the teacher; a judge scores every answer; no tensor is left behind;
 * a fine-tuned student is measured per language.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { arbitrageRows } from '../../../src/lib/arbitrage/dataset';
import { rewardContext } from '../../../src/lib/arbitrage/reward';
import { promptsFromRows } from '../../../src/lib/arbitrage/types';
import { arbitratePool } from '../../../src/lib/arbitrage-run/route-pool';
import { runJob } from '../../../src/lib/arbitrage-run/jobs';
import { steerableMarkers, type PoolMember, type TeacherSampling } from '../../../src/lib/arbitrage-run/sample';
import { generateTeachingDataset } from '../../../src/lib/data/builtin/teaching';
import { prepareDataset } from '../../../src/lib/data/pipeline';
import { DEFAULT_DROPOUT } from '../../../src/lib/markers/dropout';
import { defaultTaxonomy } from '../../../src/lib/markers/taxonomy';
import type { CheckpointRecord } from '../../../src/lib/model/checkpoint';
import { DEFAULT_TRAINING, TrainingSession } from '../../../src/lib/model/session';
import { useWasm } from '../model/helpers';

const taxonomy = defaultTaxonomy();
const rows = prepareDataset('teaching', generateTeachingDataset({ rows: 160, seed: 3 }), taxonomy).rows;
const sampling: TeacherSampling = { mode: 'fixed', temperature: 1, maxTokens: 24, seed: 1 };

async function nano(seed: number, categories?: string[]): Promise<CheckpointRecord> {
  const session = TrainingSession.create({
    ...DEFAULT_TRAINING, rows: rows.slice(0, 40), taxonomy, preset: 'nano', seed, dropout: { ...DEFAULT_DROPOUT, seed },
    tokenizer: { kind: 'char' }, steps: 2, batchSize: 2, lr: 1e-2, minLr: 1e-3, warmupSteps: 0, evalEvery: 0, progressEveryMs: 0, valFraction: 0.05,
    ...(categories ? { categories } : {}),
  });
  try {
    await session.train();
    return await session.toRecord();
  } finally {
    session.dispose();
  }
}

let pool: PoolMember[];
beforeAll(async () => {
  await useWasm();
  pool = [{ name: 'A', record: await nano(1) }, { name: 'B', record: await nano(2) }];
}, 600_000);

const context = rewardContext(rows);
const prompts = promptsFromRows(rows.slice(100, 106));

describe('the sampling loop', { timeout: 600_000 }, () => {
  it('has every teacher answer for the reward router, scores every answer, and keeps one per prompt', async () => {
    const before = tf.memory().numTensors;
    const run = await arbitratePool({ pool, calibrationPrompts: [], prompts, context, spec: { kind: 'reward' }, sampling });
    expect(tf.memory().numTensors).toBe(before);
    expect(run.answers).toEqual({ A: prompts.length, B: prompts.length });
    expect(run.input.candidates.every((c) => c.reward.parts.length === 4)).toBe(true);
    expect(run.routed.map((r) => r.prompt.id)).toEqual(prompts.map((p) => p.id));
    for (const r of run.routed) expect(r.reward.total).toBe(Math.max(r.rewards.A!, r.rewards.B!));
    const set = arbitrageRows(run.routed, 'reward', { among: context.languages });
    expect(set.every((row) => row.markers.source === 'Synthetic' && ['A', 'B'].includes(row.meta!.teacher!))).toBe(true);
  });

  it('asks only the chosen teacher for a prompt-only router, and every teacher for its calibration', async () => {
    const single = await arbitratePool({ pool, calibrationPrompts: [], prompts, context, spec: { kind: 'single', teacher: 'B' }, sampling });
    expect(single.answers).toEqual({ A: 0, B: prompts.length });
    const learned = await arbitratePool({ pool, calibrationPrompts: prompts.slice(0, 2), prompts: prompts.slice(2), context, spec: { kind: 'learned' }, sampling });
    expect(learned.answers.A! + learned.answers.B!).toBe(2 * 2 + (prompts.length - 2));
    await expect(arbitratePool({ pool, calibrationPrompts: [], prompts, context, spec: { kind: 'fixed' }, sampling })).rejects.toThrow(/calibration prompts/);
  });

  it('has a judge score every answer, in [0, 1]', async () => {
    const run = await arbitratePool({ pool, calibrationPrompts: [], prompts: prompts.slice(0, 2), context, spec: { kind: 'reward' }, sampling, judge: pool[0]!.record });
    expect(run.input.candidates.every((c) => c.judge !== undefined && c.judge >= 0 && c.judge <= 1)).toBe(true);
    expect(run.input.candidates.every((c) => c.reward.parts.find((p) => p.name === 'judge')!.score === c.judge)).toBe(true);
  });

  it('asks a teacher only for markers it was trained to write', async () => {
    const langOnly = await nano(3, ['lang']);
    expect(steerableMarkers(langOnly, { lang: 'French', length_bucket: 'long' })).toEqual({ lang: 'French' });
    expect(steerableMarkers(await nano(4, []), { lang: 'French' })).toEqual({});
  });

  it('fine-tunes a student from a checkpoint and measures it per language', async () => {
    const set = arbitrageRows((await arbitratePool({ pool, calibrationPrompts: [], prompts, context, spec: { kind: 'random', seed: 1 }, sampling })).routed, 'random', { among: context.languages });
    const result = await runJob({
      kind: 'student',
      fineTune: { name: 'student-random', rows: set, taxonomy, base: pool[0]!.record, steps: 1, batchSize: 2, lr: 1e-2, seed: 1 },
      eval: { rows, heldOut: rows.slice(140), human: rows.slice(106, 120), promptsPerLang: 1, n: 1, temperature: 1, seed: 1, batchSize: 2 },
    });
    if (result.kind !== 'student') throw new Error('expected a student');
    expect(result.figures.map((f) => f.lang)).toEqual(context.languages);
    expect(result.figures.some((f) => f.referenceLoss !== null && f.referenceLoss > 0)).toBe(true);
    expect(result.checkpoint.byteLength).toBeGreaterThan(1000);
  });
});
