/**
 * The tokenizer learned in the data worker is the one a training session learns itself for the
 * same rows and choice, and the session takes it only when its key says so. The data API runs
 * in-process (it is pure); structuredClone stands for the trip through the page to the trainer.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { generateTeachingDataset } from '../../../src/lib/data/builtin/teaching';
import { DEFAULT_DROPOUT } from '../../../src/lib/markers/dropout';
import { DEFAULT_TRAINING, TrainingSession, type TrainingSetup } from '../../../src/lib/model/session';
import type { TokenizerRequest } from '../../../src/lib/settings/training';
import type { LearnProgress } from '../../../src/lib/tokenizer/tokenizer';
import { createDataApi } from '../../../workers/data.api';
import { useCpu } from './helpers';

beforeAll(useCpu);

const jsonl = (rows: ReturnType<typeof generateTeachingDataset>): Uint8Array =>
  new TextEncoder().encode(rows.map((r) => JSON.stringify({ prompt: r.prompt, completion: r.completion, markers: r.markers })).join('\n'));

async function loaded() {
  const api = createDataApi();
  const outcome = await api.importFile('teach.jsonl', jsonl(generateTeachingDataset({ rows: 240, seed: 2 })));
  if (!outcome.ok) throw new Error(outcome.message);
  const name = outcome.summary.name;
  return { api, name, ...(await api.rows(name)) };
}

const request = (over: Partial<TokenizerRequest> = {}): TokenizerRequest => ({
  choice: { kind: 'bpe', merges: 300 }, valFraction: 0.1, seed: 4, stratifyBy: 'lang', ...over,
});

describe('the data worker\'s tokenizer and the session\'s', { timeout: 60_000 }, () => {
  it('are the same tokenizer for the same rows and choice, and the session takes it only when its key matches', async () => {
    const { api, name, rows, taxonomy } = await loaded();
    const req = request();
    const learned = await api.learnedTokenizer(name, req);
    if (!learned) throw new Error('not learned');
    expect(learned.spec.merges).toHaveLength(300);
    const setup = (over: Partial<TrainingSetup> = {}): TrainingSetup => ({
      ...DEFAULT_TRAINING, rows, taxonomy, preset: 'nano', seed: req.seed, valFraction: req.valFraction, stratifyBy: req.stratifyBy!,
      tokenizer: req.choice, dropout: { ...DEFAULT_DROPOUT, seed: 1 }, steps: 1, batchSize: 2, evalEvery: 0, progressEveryMs: 0, ...over,
    });

    // The session's own path (the CLI's and the tests'): identical merges and vocabulary.
    const own = TrainingSession.create(setup());
    expect(own.tokenizer).toEqual(learned.spec);
    own.dispose();

    // Across the worker boundary (a copy), the key still matches and the session learns nothing.
    const copy = structuredClone(learned);
    const given = TrainingSession.create(setup({ learnedTokenizer: copy }));
    expect(given.tokenizer).toBe(copy.spec);
    given.dispose();

    // Learned for another split or another choice: not these rows' tokenizer, so the session learns its own.
    for (const other of [request({ seed: 5 }), request({ choice: { kind: 'bpe', merges: 200 } }), request({ valFraction: 0 })]) {
      const stale = await api.learnedTokenizer(name, other);
      expect(stale!.key).not.toBe(learned.key);
      const session = TrainingSession.create(setup({ learnedTokenizer: stale! }));
      expect(session.tokenizer).not.toBe(stale!.spec);
      expect(session.tokenizer).toEqual(learned.spec);
      session.dispose();
    }
  });

  it('fine-tuning from a checkpoint ignores it and extends the checkpoint\'s tokenizer', async () => {
    const { api, name, rows, taxonomy } = await loaded();
    const learned = (await api.learnedTokenizer(name, request()))!;
    const base = TrainingSession.create({
      ...DEFAULT_TRAINING, rows: rows.slice(0, 40), taxonomy, preset: 'nano', seed: 1, tokenizer: { kind: 'bpe', merges: 50 },
      dropout: { ...DEFAULT_DROPOUT, seed: 1 }, steps: 1, batchSize: 2, evalEvery: 0, progressEveryMs: 0,
    });
    const record = await base.toRecord();
    base.dispose();
    const tune = TrainingSession.create({
      ...DEFAULT_TRAINING, rows, taxonomy, preset: 'nano', seed: 4, valFraction: 0.1, stratifyBy: 'lang', tokenizer: { kind: 'bpe', merges: 300 },
      dropout: { ...DEFAULT_DROPOUT, seed: 1 }, steps: 1, batchSize: 2, evalEvery: 0, progressEveryMs: 0, init: record, learnedTokenizer: learned,
    });
    expect(tune.tokenizer.tokens.slice(0, record.tokenizer.tokens.length)).toEqual(record.tokenizer.tokens);
    expect(tune.tokenizer.merges!.slice(0, 50)).toEqual(record.tokenizer.merges);
    expect(tune.tokenizer.merges).toHaveLength(300);
    expect(tune.tokenizer).not.toEqual(learned.spec);
    tune.dispose();
  });
});

describe('DataApi tokenizers', { timeout: 60_000 }, () => {
  it('reports what the learned tokenizer does, with progress, and reuses a request learned before', async () => {
    const { api, name } = await loaded();
    const progress: LearnProgress[] = [];
    const report = await api.learnTokenizer(name, request(), (p) => void progress.push(p));
    const learned = (await api.learnedTokenizer(name, request()))!;
    expect(report).toMatchObject({ kind: 'bpe', merges: 300, vocabSize: learned.spec.tokens.length });
    expect(report.charsPerToken).toBeGreaterThan(2);
    expect(report.example?.chips[0]).toMatchObject({ label: '<|BOS|>', kind: 'special' });
    expect(progress.every((p) => p.target === 300 && p.merges <= 300)).toBe(true);
    // Learned once: the same spec object comes back.
    expect((await api.learnedTokenizer(name, request()))!.spec).toBe(learned.spec);
    const chars = await api.learnTokenizer(name, request({ choice: { kind: 'char' } }));
    expect(chars).toMatchObject({ kind: 'char', merges: 0 });
    // Just under 1: a character seen only in validation rows is its UTF-8 bytes.
    expect(chars.charsPerToken).toBeLessThanOrEqual(1);
    expect(chars.charsPerToken).toBeGreaterThan(0.999);
    expect(chars.meanTokensPerRow).toBeGreaterThan(report.meanTokensPerRow);
  });

  it('latest wins: a newer request cancels one still learning, and the trainer then gets null', async () => {
    const { api, name } = await loaded();
    const first = api.learnTokenizer(name, request({ seed: 7 }));
    const forTrainer = api.learnedTokenizer(name, request({ seed: 7 }));
    const second = api.learnTokenizer(name, request({ seed: 8 }));
    await expect(first).rejects.toThrow(/cancelled/);
    expect(await forTrainer).toBeNull();
    expect((await second).merges).toBe(300);
    // Cancelled work is not kept: asking again learns it.
    expect((await api.learnedTokenizer(name, request({ seed: 7 })))?.spec.merges).toHaveLength(300);
    await expect(api.learnTokenizer('missing', request())).rejects.toThrow(/not loaded/);
  });
});
