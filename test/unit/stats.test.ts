import { describe, expect, it } from 'vitest';
import { datasetStats, tailValues, type CategoricalStats, type NumericStats } from '../../src/lib/data/stats';
import type { Row } from '../../src/lib/data/types';
import { addCategory, defaultTaxonomy, type Markers } from '../../src/lib/markers/taxonomy';

const row = (i: number, markers: Markers, completion = 'abc', prompt = 'p'): Row => ({ id: `t:${i}`, prompt, completion, markers });

function langRows(): Row[] {
  const rows: Row[] = [];
  const langs: Array<[string | undefined, number]> = [['English', 70], ['French', 20], ['German', 5], ['Greek', 1], ['Klingon', 1], [undefined, 3]];
  for (const [lang, n] of langs) for (let i = 0; i < n; i++) rows.push(row(rows.length, lang ? { lang } : {}));
  return rows;
}

const cat = (s: ReturnType<typeof datasetStats>, name: string): CategoricalStats =>
  s.categories.find((c) => c.name === name) as CategoricalStats;
const num = (s: ReturnType<typeof datasetStats>, name: string): NumericStats =>
  s.categories.find((c) => c.name === name) as NumericStats;

describe('datasetStats: categorical', () => {
  it('counts every value (zeros too), unset rows and coverage, most frequent first', () => {
    const lang = cat(datasetStats(langRows(), defaultTaxonomy()), 'lang');
    expect(lang).toMatchObject({ set: 97, unset: 3, coverage: 0.97 });
    expect(lang.values.slice(0, 5).map((v) => [v.value, v.count])).toEqual([
      ['English', 70], ['French', 20], ['German', 5], ['Greek', 1], ['Klingon', 1],
    ]);
    expect(lang.values.find((v) => v.value === 'Klingon')!.known).toBe(false);
    // All 23 languages are listed; absent ones in taxonomy order after the present ones.
    expect(lang.values).toHaveLength(24);
    expect(lang.values[5]).toEqual({ value: 'Spanish', count: 0, share: 0, known: true });
    expect(lang.values[0]!.share).toBeCloseTo(0.7);
  });

  it('covers every taxonomy category in order, user categories included', () => {
    const taxonomy = addCategory(defaultTaxonomy(), { name: 'persona', kind: 'categorical', values: ['pirate'], description: '' });
    const s = datasetStats([row(0, { persona: 'pirate' })], taxonomy);
    expect(s.categories.map((c) => c.name)).toEqual(taxonomy.categories.map((c) => c.name));
    expect(cat(s, 'persona').coverage).toBe(1);
    expect(cat(s, 'domain').coverage).toBe(0);
  });
});

describe('datasetStats: numeric', () => {
  it('min, max, mean, median and integer-aligned bins', () => {
    const values = [0, 1, 1, 2, 3, 5, 8, 13, 21, 34];
    const rows = values.map((v, i) => row(i, { length_sentences: String(v) }));
    rows.push(row(99, { length_sentences: 'lots' }), row(100, {}));
    const s = num(datasetStats(rows, defaultTaxonomy(), { bins: 5 }), 'length_sentences');
    expect(s).toMatchObject({ set: 10, unset: 1, invalid: 1, min: 0, max: 34, mean: 8.8, median: 4 });
    expect(s.bins.map((b) => [b.lo, b.hi, b.count])).toEqual([[0, 7, 6], [7, 14, 2], [14, 21, 0], [21, 28, 1], [28, 35, 1]]);
  });

  it('float bins span min..max and the last one holds the maximum', () => {
    const rows = [0.1, 0.2, 0.5, 0.9].map((q, i) => row(i, { quality: String(q) }));
    const s = num(datasetStats(rows, defaultTaxonomy(), { bins: 4 }), 'quality');
    expect(s.bins).toHaveLength(4);
    expect(s.bins[3]!.hi).toBe(0.9);
    expect(s.bins.reduce((a, b) => a + b.count, 0)).toBe(4);
    expect(s.median).toBeCloseTo(0.35);
  });

  it('one distinct value makes one bin; no values make none', () => {
    const s = datasetStats([row(0, { length_tokens: '5' }), row(1, { length_tokens: '5' })], defaultTaxonomy());
    expect(num(s, 'length_tokens').bins).toEqual([{ lo: 5, hi: 6, count: 2 }]);
    expect(num(s, 'quality')).toMatchObject({ set: 0, min: null, mean: null, bins: [] });
  });
});

describe('datasetStats: lengths', () => {
  it('counts code points: total, mean, p50, p95, max', () => {
    const completions = ['a', 'bb', 'ccc', 'dddd', '😀😀😀😀😀'];
    const s = datasetStats(completions.map((c, i) => row(i, {}, c, '')), defaultTaxonomy());
    expect(s.rows).toBe(5);
    expect(s.completion).toEqual({ total: 15, mean: 3, p50: 3, p95: 5, max: 5 });
    expect(s.prompt).toEqual({ total: 0, mean: 0, p50: 0, p95: 0, max: 0 });
  });

  it('takes a token counter', () => {
    const s = datasetStats([row(0, {}, 'one two three')], defaultTaxonomy(), { countTokens: (t) => t.split(' ').length });
    expect(s.completion.total).toBe(3);
  });

  it('an empty dataset gives zeros, not NaN', () => {
    const s = datasetStats([], defaultTaxonomy());
    expect(s.completion.mean).toBe(0);
    expect(cat(s, 'lang').coverage).toBe(0);
    expect(JSON.stringify(s)).not.toContain('NaN');
  });
});

describe('tailValues', () => {
  it('lists present values at or under the threshold share of rows', () => {
    const tail = tailValues(datasetStats(langRows(), defaultTaxonomy()));
    expect(tail).toEqual([
      { category: 'lang', value: 'German', count: 5, share: 0.05 },
      { category: 'lang', value: 'Greek', count: 1, share: 0.01 },
      { category: 'lang', value: 'Klingon', count: 1, share: 0.01 },
    ]);
    expect(tailValues(datasetStats(langRows(), defaultTaxonomy()), 0.01).map((t) => t.value)).toEqual(['Greek', 'Klingon']);
  });
});

describe('ordered categories', () => {
  it('keep the taxonomy order of length and quality buckets, whatever the counts', () => {
    const buckets = ['long', 'long', 'long', 'medium', 'concise', 'concise'];
    const rows = buckets.map((b, i) => ({ id: `r${i}`, prompt: '', completion: 'x', markers: { length_bucket: b, quality_bucket: String((i % 4) + 1), domain: b === 'long' ? 'Legal' : 'Culture' } }));
    const s = datasetStats(rows, defaultTaxonomy());
    const values = (name: string) => (s.categories.find((c) => c.name === name) as CategoricalStats).values.map((v) => v.value);
    expect(values('length_bucket')).toEqual(['concise', 'medium', 'long']);
    expect(values('quality_bucket')).toEqual(['1', '2', '3', '4']);
    expect(values('domain').slice(0, 2)).toEqual(['Culture', 'Legal']);
  });
});
