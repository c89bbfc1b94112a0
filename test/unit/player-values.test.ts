/**
 * The player worker's API in-process (cpu backend): what it tells Play about the values a model was
 * trained on, and that it judges samples' languages among the model's training languages. The
 * sampler is replaced by one that writes known text, so the test is about the measurement, not a model.
 */
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { toSafetensors } from '../../src/lib/model/checkpoint';
import type { CheckpointRecord } from '../../src/lib/model/checkpoint-record';
import { createPlayer } from '../../workers/player.api';
import { makeRecord } from '../fixtures/checkpoint-record';
import { useCpu } from './model/helpers';

// Open-set identification leaves this sentence unjudged; among the model's languages it is Italian.
const ITALIAN = 'Il robot ci fa risparmiare molto tempo.';

vi.mock('../../src/lib/model/steer', async (original) => ({
  ...(await original<typeof import('../../src/lib/model/steer')>()),
  sampleSteered: async (_model: unknown, _tok: unknown, _taxonomy: unknown, req: { markers: Record<string, string> }, options: { n: number }) =>
    Array.from({ length: options.n }, () => ({ parsed: { completion: ITALIAN, markers: req.markers, issues: [] }, finished: true })),
}));

beforeAll(useCpu);

const VALUES = { lang: { English: 190, French: 80, Italian: 9 }, length_bucket: { concise: 93, medium: 93, long: 93 }, source: {} };
const bytes = (training: CheckpointRecord['training']): Uint8Array => toSafetensors({ ...makeRecord(), training });
const request = { prompt: '', markers: {}, mode: 'inferred' as const, n: 2, maxTokens: 8, temperature: 1, seed: 1 };

describe('player worker: the values a model was trained on', () => {
  it('carries the value counts, drops categories without values, and judges languages among the trained ones', async () => {
    const player = createPlayer();
    const info = await player.load(bytes({ categories: ['lang', 'length_bucket', 'source'], values: VALUES }));
    expect(info.values).toEqual({ lang: VALUES.lang, length_bucket: VALUES.length_bucket, source: {} });
    expect(info.categories).toEqual(['lang', 'length_bucket']);
    const samples = await player.sample(request);
    expect(samples.map((s) => s.measured.lang)).toEqual(['Italian', 'Italian']);
  });

  it('keeps the open 23-language set for a checkpoint that records no values', async () => {
    const player = createPlayer();
    const info = await player.load(bytes({ categories: ['lang', 'length_bucket', 'source'] }));
    expect(info.values).toBeUndefined();
    expect(info.categories).toEqual(['lang', 'source', 'length_bucket']);
    const samples = await player.sample(request);
    expect(samples.map((s) => s.measured.lang)).toEqual([undefined, undefined]);
  });

  it('reads the trainer’s weights message the way it reads a checkpoint', async () => {
    const player = createPlayer();
    const r = makeRecord();
    const message = { config: r.config, tokenizer: r.tokenizer, taxonomy: r.taxonomy, step: 40, categories: ['lang', 'length_bucket', 'source'], weights: r.weights };
    const info = await player.loadWeights({ ...message, values: VALUES });
    expect(info.categories).toEqual(['lang', 'length_bucket']);
    expect(info.values?.lang).toEqual(VALUES.lang);
    expect((await player.sample(request))[0]!.measured.lang).toBe('Italian');
    const older = await player.loadWeights({ ...message, weights: makeRecord().weights });
    expect(older.categories).toEqual(['lang', 'source', 'length_bucket']);
    expect(older.values).toBeUndefined();
  });
});
