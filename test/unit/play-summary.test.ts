import { describe, expect, it } from 'vitest';
import { lengthBins, nextBars, summarize, type LiveSample } from '../../src/lib/state/play-summary';
import { defaultTaxonomy } from '../../src/lib/markers/taxonomy';
import { buildTokenizer } from '../../src/lib/tokenizer/tokenizer';
import { topP } from '../../src/lib/model/sampling';

const tok = buildTokenizer({ taxonomy: defaultTaxonomy(), texts: ['abcdef'] });

describe('nextBars', () => {
  it('marks as cut exactly the tokens the sampler’s top-p and top-k would drop', () => {
    const probs = Float32Array.of(0.4, 0.3, 0.2, 0.1);
    const ids = Int32Array.of(10, 11, 12, 13);
    for (const p of [0.35, 0.5, 0.7, 0.75, 0.95, 1]) {
      const kept = topP(Float32Array.from(probs, Math.log), p).map((v) => (v === -Infinity ? 0 : 1));
      expect(nextBars(ids, probs, tok, { topK: 0, topP: p }).map((b) => (b.kept ? 1 : 0)), `p=${p}`).toEqual(Array.from(kept));
    }
    expect(nextBars(ids, probs, tok, { topK: 2, topP: 1 }).map((b) => b.kept)).toEqual([true, true, false, false]);
  });
});

describe('lengthBins', () => {
  it('puts every length in one bin, never mixes buckets in a bin, and reaches past the long cut', () => {
    const t = { mode: 'quantile' as const, concise: 17, medium: 41 };
    const lengths = [0, 3, 16, 17, 41, 42, 90];
    const bins = lengthBins(lengths, t, 'medium');
    expect(bins.reduce((n, b) => n + b.count, 0)).toBe(lengths.length);
    for (const b of bins) {
      const first = b.lo < t.concise ? 'concise' : b.lo <= t.medium ? 'medium' : 'long';
      const last = b.hi - 1 < t.concise ? 'concise' : b.hi - 1 <= t.medium ? 'medium' : 'long';
      expect(first).toBe(last);
      expect(b.target).toBe(b.bucket === 'medium');
    }
    expect(bins.at(-1)!.hi).toBeGreaterThan(90);
    expect(lengthBins([5], t, undefined).at(-1)!.hi).toBeGreaterThan(t.medium + 1); // long stays in view
  });
});

describe('summarize', () => {
  it('counts requested values met, by the model’s own length rule', () => {
    const s = (n: number, lang?: string): LiveSample => ({ text: '', markers: {}, forced: [], finished: true, issues: [], measured: { lengthTokens: n, ...(lang ? { lang } : {}) } });
    const summary = summarize([s(5, 'French'), s(20, 'French'), s(50, 'English'), s(25)], { length_bucket: 'medium', lang: 'French' }, { mode: 'quantile', concise: 10, medium: 30 });
    expect(summary.hits).toEqual([{ category: 'length_bucket', value: 'medium', hits: 2, rate: 0.5 }, { category: 'lang', value: 'French', hits: 2, rate: 0.5 }]);
    expect(summarize([s(5)], { length_bucket: 'long' }, undefined).hits).toEqual([
      { category: 'length_bucket', value: 'long', unavailable: 'the checkpoint does not record the length thresholds of its training data' },
    ]);
    expect(summary.buckets.map((b) => [b.key, b.count, b.range])).toEqual([['concise', 1, '< 10 characters'], ['medium', 2, '10–30 characters'], ['long', 1, '> 30 characters']]);
    expect(summary.lang.map((b) => [b.key, b.count, b.target])).toEqual([['French', 2, true], ['(none detected)', 1, false], ['English', 1, false]]);
  });
});
