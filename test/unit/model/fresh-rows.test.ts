/**
 * Fine-tuning from a model trained without markers: the marker rows it never read (collapsed into one
 * vector by the tied head) start over as ordinary, distinct tokens; the rows it read, and a resumed
 * run's weights, are kept exactly.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { generateTeachingDataset } from '../../../src/lib/data/builtin/teaching';
import { prepareDataset } from '../../../src/lib/data/pipeline';
import { DEFAULT_DROPOUT } from '../../../src/lib/markers/dropout';
import { defaultTaxonomy } from '../../../src/lib/markers/taxonomy';
import type { CheckpointRecord } from '../../../src/lib/model/checkpoint';
import { resetRows, unreadMarkerIds } from '../../../src/lib/model/fresh-rows';
import { DEFAULT_TRAINING, TrainingSession, type TrainingSetup } from '../../../src/lib/model/session';
import { modelToRecord } from '../../../src/lib/model/weights';
import { valueTokenIds } from '../../../src/lib/tokenizer/tokenizer';
import { useWasm } from './helpers';

beforeAll(useWasm);

const taxonomy = defaultTaxonomy();
const rows = prepareDataset('teaching', generateTeachingDataset({ rows: 80, seed: 3 }), taxonomy).rows;
const setup = (over: Partial<TrainingSetup> = {}): TrainingSetup => ({
  ...DEFAULT_TRAINING, rows, taxonomy, preset: 'nano', seed: 1, dropout: { ...DEFAULT_DROPOUT, seed: 1 },
  steps: 2, batchSize: 2, lr: 1e-2, minLr: 1e-3, warmupSteps: 1, evalEvery: 0, progressEveryMs: 0, valFraction: 0, tokenizer: { kind: 'char' },
  ...over,
});

const WTE = 'transformer.wte.weight';
const row = (r: CheckpointRecord, id: number) => Array.from(r.weights[WTE]!.subarray(id * r.config.nEmbd, (id + 1) * r.config.nEmbd));
const cosine = (a: number[], b: number[]) => {
  const dot = a.reduce((s, x, i) => s + x * b[i]!, 0);
  return dot / Math.sqrt(a.reduce((s, x) => s + x * x, 0) * b.reduce((s, x) => s + x * x, 0));
};

/** A checkpoint of a run without markers whose marker rows all hold one vector, as the base model's do. */
async function collapsedBase(): Promise<CheckpointRecord> {
  const session = TrainingSession.create(setup({ categories: [] }));
  await session.train();
  const record = await modelToRecord({ model: session.model, optimizer: session.optimizer, tokenizer: session.tokenizer, taxonomy, training: { categories: [], values: {} } });
  session.dispose();
  const C = record.config.nEmbd;
  const wte = Float32Array.from(record.weights[WTE]!);
  for (const id of unreadMarkerIds(record)) for (let c = 0; c < C; c++) wte[id * C + c] = c % 2 === 0 ? -1 : 0.5;
  return { ...record, weights: { ...record.weights, [WTE]: wte } };
}

describe('fresh rows for tokens a model never read', { timeout: 60_000 }, () => {
  it('names the tags and values a run without markers, or without a value, never read', async () => {
    const base = await collapsedBase();
    const unread = new Set(unreadMarkerIds(base));
    const lang = valueTokenIds(base.tokenizer, 'lang');
    expect(unread.has(lang.get('French')!)).toBe(true);
    // A run that trained lang and saw English but never French: only French's value (and other categories) are unread.
    const partial = { ...base, training: { categories: ['lang'], values: { lang: { English: 5 } } } };
    const some = new Set(unreadMarkerIds(partial));
    expect(some.has(lang.get('English')!)).toBe(false);
    expect(some.has(lang.get('French')!)).toBe(true);
    expect(some.has(valueTokenIds(base.tokenizer, 'domain').get('Legal')!)).toBe(true);
    // An older marker-trained file that does not record its values: nothing of its categories is reset on a guess.
    const older = { ...base, training: { categories: ['lang'] } };
    expect(new Set(unreadMarkerIds(older)).has(lang.get('French')!)).toBe(false);
  });

  it('restarts collapsed rows as distinct ordinary tokens, keeps every other row, zeroes their moments', async () => {
    const base = await collapsedBase();
    const lang = valueTokenIds(base.tokenizer, 'lang');
    const [en, fr] = [lang.get('English')!, lang.get('French')!];
    expect(cosine(row(base, en), row(base, fr))).toBeCloseTo(1, 6);
    const ids = unreadMarkerIds(base);
    const fresh = resetRows(base, ids, 1);
    expect(cosine(row(fresh, en), row(fresh, fr))).toBeLessThan(0.9);
    // Their scale is a text token's, not an outlier's.
    const norm = (v: number[]) => Math.sqrt(v.reduce((s, x) => s + x * x, 0));
    const textId = base.tokenizer.tokens.findIndex((d) => d.type === 'char' && d.char === 'e');
    expect(norm(row(fresh, en)) / norm(row(base, textId))).toBeGreaterThan(0.3);
    expect(norm(row(fresh, en)) / norm(row(base, textId))).toBeLessThan(3);
    expect(row(fresh, textId)).toEqual(row(base, textId));
    const C = base.config.nEmbd;
    expect(Array.from(fresh.optimizer!.m[WTE]!.subarray(en * C, (en + 1) * C)).every((x) => x === 0)).toBe(true);
    expect(Array.from(fresh.optimizer!.v[WTE]!.subarray(textId * C, (textId + 1) * C))).toEqual(Array.from(base.optimizer!.v[WTE]!.subarray(textId * C, (textId + 1) * C)));
    expect(resetRows(base, [], 1)).toBe(base);
  });

  it('a fine-tune with markers from a marker-less checkpoint starts those rows fresh; a resumed run starts exactly where it stopped', async () => {
    const base = await collapsedBase();
    const lang = valueTokenIds(base.tokenizer, 'lang');
    const tuned = TrainingSession.create(setup({ init: base }));
    const start = await modelToRecord({ model: tuned.model, tokenizer: tuned.tokenizer, taxonomy });
    tuned.dispose();
    const seen = Object.keys(rows.reduce<Record<string, 1>>((a, r) => ({ ...a, [r.markers.lang!]: 1 }), {}));
    expect(seen.length).toBeGreaterThan(1);
    const [a, b] = seen.map((v) => lang.get(v)!);
    expect(cosine(row(start, a!), row(start, b!))).toBeLessThan(0.9);

    // A marker run's own autosave records its categories and values: resuming it resets nothing.
    const run = TrainingSession.create(setup());
    await run.train();
    const saved = await run.toRecord({});
    run.dispose();
    const resumed = TrainingSession.create(setup({ init: saved }));
    const again = await modelToRecord({ model: resumed.model, tokenizer: resumed.tokenizer, taxonomy });
    resumed.dispose();
    expect(Array.from(again.weights[WTE]!)).toEqual(Array.from(saved.weights[WTE]!));
  });
});
