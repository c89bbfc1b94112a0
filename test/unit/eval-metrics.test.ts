import { describe, expect, it } from 'vitest';
import { inferredAccuracy, meanAccuracy } from '../../src/lib/eval/accuracy';
import type { Markers } from '../../src/lib/markers/taxonomy';
import { headTail, shareOf, valueShares } from '../../src/lib/eval/head-tail';
import { lengthShift, quantile, summarise } from '../../src/lib/eval/shift';

describe('inferred-marker accuracy', () => {
  it('counts agreement per category on every row; a left-out or a spurious category is wrong', () => {
    const r = inferredAccuracy([
      { expected: { lang: 'French', domain: 'Legal' }, written: { lang: 'French', domain: 'Legal' } },
      { expected: { lang: 'French', domain: 'Medical' }, written: { lang: 'Spanish' } },
      { expected: { lang: 'German' }, written: { lang: 'German', domain: 'Legal' } },
      { expected: { lang: 'English', domain: 'Legal' }, written: { lang: 'English', domain: 'Finance' } },
      { expected: { lang: 'English' }, written: { lang: 'English' } },
    ], ['lang', 'domain', 'format']);
    expect(r.lang).toEqual({ correct: 4, total: 5, accuracy: 0.8, missing: 0, spurious: 0 });
    // Legal right; Medical left out; Legal written on a row without a domain; Finance for Legal; none for none.
    expect(r.domain).toEqual({ correct: 2, total: 5, accuracy: 0.4, missing: 1, spurious: 1 });
    // No row has a format: not judged, so a model that never writes one is not credited for it.
    expect(r.format).toEqual({ correct: 0, total: 0, accuracy: null, missing: 0, spurious: 0 });
    expect(meanAccuracy(r)).toBeCloseTo((0.8 + 0.4) / 2, 10);
  });

  it('does not credit writing a category into every block', () => {
    const rows: Array<{ expected: Markers; written: Markers }> = [
      { expected: { format: 'Enumeration' }, written: { format: 'Enumeration' } },
      { expected: {}, written: { format: 'Enumeration' } },
      { expected: {}, written: { format: 'Enumeration' } },
      { expected: {}, written: { format: 'Enumeration' } },
    ];
    const always = inferredAccuracy(rows, ['format']).format!;
    const never = inferredAccuracy(rows.map((r) => ({ ...r, written: {} })), ['format']).format!;
    expect(always).toMatchObject({ correct: 1, accuracy: 0.25, spurious: 3 });
    expect(never).toMatchObject({ correct: 3, accuracy: 0.75, missing: 1 });
  });

  it('ignores inherited keys', () => {
    const r = inferredAccuracy([{ expected: { lang: 'French' }, written: {} }], ['constructor']);
    expect(r.constructor).toEqual({ correct: 0, total: 0, accuracy: null, missing: 0, spurious: 0 });
  });
});

describe('head vs tail', () => {
  it('averages gains per value on each side of the tail share', () => {
    const r = headTail([
      { category: 'domain', value: 'Sciences', share: 0.4, lossWith: 2.0, lossWithout: 2.1, rows: 50 },
      { category: 'domain', value: 'Culture', share: 0.3, lossWith: 2.0, lossWithout: 2.3, rows: 40 },
      { category: 'domain', value: 'Legal', share: 0.02, lossWith: 1.5, lossWithout: 2.5, rows: 3 },
      { category: 'lang', value: 'Italian', share: 0.05, lossWith: 2.0, lossWithout: 2.6, rows: 4 },
      { category: 'lang', value: 'Greek', share: 0.01, lossWith: NaN, lossWithout: 3, rows: 0 },
    ]);
    expect(r.headGain).toBeCloseTo(0.2, 10);
    expect(r.tailGain).toBeCloseTo(0.8, 10);
    expect(r.values.map((v) => [v.value, v.tail])).toEqual([['Sciences', false], ['Culture', false], ['Legal', true], ['Italian', true]]);
  });

  it('reports null for an empty side', () => {
    expect(headTail([{ category: 'lang', value: 'English', share: 0.6, lossWith: 1, lossWithout: 1.1, rows: 9 }]).tailGain).toBeNull();
  });
});

describe('value shares (which values are the tail)', () => {
  it('counts each value over all rows, and reads 0 for a value no row has', () => {
    const rows: Array<{ markers: Record<string, string> }> = [{ markers: { lang: 'English', domain: 'Legal' } }, { markers: { lang: 'English' } }, { markers: { lang: 'Italian' } }, { markers: {} }];
    const shares = valueShares(rows);
    expect(shares).toEqual({ 'lang\u0000English': 0.5, 'domain\u0000Legal': 0.25, 'lang\u0000Italian': 0.25 });
    const share = shareOf(shares);
    expect(share('lang', 'Italian')).toBe(0.25);
    expect(share('lang', 'German')).toBe(0);
    expect(valueShares([])).toEqual({});
  });
});

describe('length shift', () => {
  it('quantiles interpolate; summaries follow the given order; ordered needs strictly rising medians', () => {
    expect(quantile([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(summarise('x', [5, 1, 3])).toMatchObject({ n: 3, min: 1, median: 3, max: 5, mean: 3 });
    const up = lengthShift({ long: [400, 500, 600], concise: [30, 40, 50], medium: [150, 200, 250] }, ['concise', 'medium', 'long']);
    expect(up.summaries.map((s) => s.value)).toEqual(['concise', 'medium', 'long']);
    expect(up.ordered).toBe(true);
    expect(lengthShift({ concise: [100], medium: [100], long: [300] }, ['concise', 'medium', 'long']).ordered).toBe(false);
    expect(lengthShift({ concise: [10] }, ['concise', 'long']).ordered).toBe(false);
    // Piled up at a token limit: rising by a few tokens is not a move once a least step is asked for.
    const piled = { concise: [380, 381, 382], medium: [383, 384, 385], long: [385, 386, 387] };
    expect(lengthShift(piled, ['concise', 'medium', 'long']).ordered).toBe(true);
    expect(lengthShift(piled, ['concise', 'medium', 'long'], 47).ordered).toBe(false);
  });
});
