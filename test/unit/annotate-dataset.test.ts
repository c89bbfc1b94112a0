import { describe, expect, it } from 'vitest';
import { lengthBucketOf, lengthThresholds, qualityBuckets, thresholdsFromLabels } from '../../src/lib/markers/annotate-dataset';
import { matchMetadata, qualityFromMeta } from '../../src/lib/markers/annotate-meta';
import { defaultTaxonomy, getCategory, type CategoricalCategory } from '../../src/lib/markers/taxonomy';

const bucketsOf = (lengths: number[]): string[] => {
  const t = lengthThresholds(lengths);
  return lengths.map((n) => lengthBucketOf(n, t));
};

describe('lengthThresholds (quantile)', () => {
  it('spans all three buckets as soon as there are three distinct lengths', () => {
    expect(bucketsOf([12, 30, 700])).toEqual(['concise', 'medium', 'long']);
    expect(bucketsOf([5, 5, 5, 5, 9, 14])).toEqual(['concise', 'concise', 'concise', 'concise', 'medium', 'long']);
  });

  it('never splits equal lengths across buckets', () => {
    const lengths = [10, 10, 10, 10, 20, 20, 20, 30, 30, 30];
    const buckets = bucketsOf(lengths);
    for (let i = 1; i < lengths.length; i++) {
      if (lengths[i] === lengths[i - 1]) expect(buckets[i]).toBe(buckets[i - 1]);
    }
    expect(new Set(buckets).size).toBe(3);
  });

  it('handles degenerate distributions', () => {
    expect(bucketsOf([42, 42, 42])).toEqual(['medium', 'medium', 'medium']);
    expect(bucketsOf([10, 10, 90, 90])).toEqual(['concise', 'concise', 'long', 'long']);
    expect(lengthThresholds([])).toEqual({ mode: 'quantile', concise: 0, medium: 0 });
  });

  it('separates buckets when a small dataset\'s terciles fall on neighbouring lengths, and says so', () => {
    // Twenty rows whose terciles land on 94 and 96: a bucket would turn on two characters.
    const lengths = [40, 52, 60, 71, 80, 88, 94, 94, 95, 95, 96, 96, 96, 120, 150, 180, 210, 260, 300, 380];
    const t = lengthThresholds(lengths);
    expect(t.mode).toBe('spread');
    expect(t.medium - t.concise).toBeGreaterThanOrEqual(0.1 * t.concise);
    const buckets = bucketsOf(lengths);
    for (const b of ['concise', 'medium', 'long']) expect(buckets.filter((x) => x === b).length).toBeGreaterThanOrEqual(3);
    // Lengths all crowded together: even steps between the shortest and the longest.
    const crowded = lengthThresholds([80, 90, 94, 95, 95, 95, 96, 96, 96, 110]);
    expect(crowded.mode).toBe('spread');
    expect(crowded.medium - crowded.concise).toBeGreaterThanOrEqual(0.1 * crowded.concise);
  });

  it('does not depend on input order', () => {
    expect(lengthThresholds([300, 10, 50, 20, 200, 70])).toEqual(lengthThresholds([10, 20, 50, 70, 200, 300]));
  });

  it('puts roughly a third in each bucket on a large skewed dataset', () => {
    const lengths = Array.from({ length: 3000 }, (_, i) => Math.round(20 * Math.exp(i / 600)));
    const counts = { concise: 0, medium: 0, long: 0 };
    for (const b of bucketsOf(lengths)) counts[b as keyof typeof counts]++;
    for (const n of Object.values(counts)) expect(Math.abs(n - 1000)).toBeLessThan(60);
  });
});

describe('lengthThresholds (paper, fixed) and lengthBucketOf', () => {
  it('applies the paper\'s limits inclusively for medium', () => {
    const t = lengthThresholds([1, 2, 3], { mode: 'paper' });
    expect([299, 300, 1000, 1001].map((n) => lengthBucketOf(n, t))).toEqual(['concise', 'medium', 'medium', 'long']);
  });

  it('rejects fixed limits in the wrong order', () => {
    expect(() => lengthThresholds([], { mode: 'fixed', concise: 500, medium: 100 })).toThrow(RangeError);
    expect(() => lengthThresholds([], { mode: 'fixed', concise: 0, medium: 100 })).toThrow(RangeError);
  });
});

describe('qualityBuckets', () => {
  it('keeps languages apart and balances quartiles', () => {
    const items = [
      ...Array.from({ length: 8 }, (_, i) => ({ score: i, lang: 'Hindi' })),
      ...Array.from({ length: 8 }, (_, i) => ({ score: 50 + i, lang: 'Greek' })),
    ];
    const { buckets, perLanguage } = qualityBuckets(items, 8);
    expect(buckets.slice(0, 8)).toEqual(['4', '4', '3', '3', '2', '2', '1', '1']);
    expect(buckets.slice(8)).toEqual(['4', '4', '3', '3', '2', '2', '1', '1']);
    expect(perLanguage.Hindi).toEqual({ rows: 8, bucketMin: [6, 4, 2, 0] });
  });

  it('buckets rows without a language globally', () => {
    const items = [{ score: 3, lang: undefined }, { score: 1, lang: undefined }, { score: 2, lang: 'Korean' }];
    const { buckets, fallback } = qualityBuckets(items, 20);
    expect(buckets).toEqual(['1', '3', '2']);
    expect(fallback).toEqual(['Korean']);
  });
});

describe('metadata helpers', () => {
  const cat = (name: string): CategoricalCategory => getCategory(defaultTaxonomy(), name) as CategoricalCategory;

  it('reads aliased keys and ignores empty values', () => {
    expect(matchMetadata(cat('domain'), { topic: 'Mathematics' })).toEqual({ kind: 'value', value: 'Math' });
    expect(matchMetadata(cat('domain'), { domain: '  ' })).toEqual({ kind: 'none' });
    expect(matchMetadata(cat('domain'), undefined)).toEqual({ kind: 'none' });
    expect(matchMetadata(cat('task'), { task: 'Information Extraction' })).toEqual({ kind: 'value', value: 'InformationExtraction' });
  });

  it('reads quality scores from score/quality/reward/rating', () => {
    expect(qualityFromMeta({ reward: '-1.5' })).toEqual({ kind: 'value', value: '-1.5' });
    expect(qualityFromMeta({ Quality: '4' })).toEqual({ kind: 'value', value: '4' });
    expect(qualityFromMeta({ id: '7' })).toEqual({ kind: 'none' });
  });
});

describe('thresholdsFromLabels', () => {
  it('cuts between separable labelled buckets, so every labelled row agrees', () => {
    const labelled = [
      ...[20, 35, 60, 80].map((tokens) => ({ tokens, bucket: 'concise' as const })),
      ...[150, 200, 260].map((tokens) => ({ tokens, bucket: 'medium' as const })),
      ...[350, 600].map((tokens) => ({ tokens, bucket: 'long' as const })),
    ];
    const t = thresholdsFromLabels(labelled)!;
    expect(t.mode).toBe('labels');
    for (const l of labelled) expect(lengthBucketOf(l.tokens, t)).toBe(l.bucket);
    expect(lengthBucketOf(100, t)).toBe('concise');
    expect(lengthBucketOf(300, t)).toBe('medium');
  });

  it('minimises disagreements when labels overlap, and needs two buckets', () => {
    const labelled = [
      { tokens: 10, bucket: 'concise' as const }, { tokens: 30, bucket: 'concise' as const },
      { tokens: 25, bucket: 'medium' as const }, { tokens: 50, bucket: 'medium' as const }, { tokens: 60, bucket: 'medium' as const },
    ];
    const t = thresholdsFromLabels(labelled)!;
    const wrong = labelled.filter((l) => lengthBucketOf(l.tokens, t) !== l.bucket).length;
    expect(wrong).toBe(1);
    expect(thresholdsFromLabels([{ tokens: 10, bucket: 'concise' }])).toBeUndefined();
  });
});
