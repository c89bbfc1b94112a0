import { describe, expect, it } from 'vitest';
import { chartSummary, lengthRows, niceStep, sharedThresholds, valueRows } from '../../src/ui/compare/charts';

describe('compare chart rows', () => {
  it('rounds bin widths to 1, 2 or 5 × 10^k', () => {
    expect([0.5, 1, 3, 7, 12, 40, 130].map(niceStep)).toEqual([1, 1, 5, 10, 20, 50, 200]);
  });

  it('bins lengths in shared bins and counts per column', () => {
    const rows = lengthRows([[3, 12], [25]], undefined, 3);
    expect(rows.map((r) => [r.label, r.counts])).toEqual([['0–9', [1, 0]], ['10–19', [1, 0]], ['20–25', [0, 1]]]);
  });

  it('cuts bins at the bucket limits so no bin straddles two buckets', () => {
    // concise < 30 ≤ medium ≤ 60 < long; lengths 10…70.
    const rows = lengthRows([[10, 20, 30, 40], [50, 60, 61, 70]], { mode: 'fixed', concise: 30, medium: 60 }, 4);
    expect(rows.map((r) => [r.label, r.bucket, r.counts])).toEqual([
      ['0–19', 'concise', [1, 0]], ['20–29', 'concise', [1, 0]], ['30–39', 'medium', [1, 0]],
      ['40–59', 'medium', [1, 1]], ['60', 'medium', [0, 1]], ['61–70', 'long', [0, 2]],
    ]);
    const total = rows.reduce((n, r) => n + r.counts[0]! + r.counts[1]!, 0);
    expect(total).toBe(8);
  });

  it('counts values most frequent first, the unidentified last', () => {
    const rows = valueRows([['English', undefined, 'French', 'English'], ['French', undefined]], 'not identified');
    expect(rows.map((r) => [r.label, r.counts])).toEqual([['English', [2, 0]], ['French', [1, 1]], ['not identified', [1, 1]]]);
    expect(valueRows([['JSON'], []], 'plain prose').map((r) => r.label)).toEqual(['JSON']);
  });

  it('summarises a chart in words', () => {
    const rows = valueRows([['English', 'English'], [undefined]], 'not identified');
    expect(chartSummary('Language', rows, ['A', 'B'], [2, 1])).toBe('Language. A, 2 samples: English 2. B, 1 sample: not identified 1.');
  });

  it('uses thresholds only when every column agrees on them', () => {
    const t = { mode: 'labels', concise: 80, medium: 300 } as const;
    expect(sharedThresholds([t, { ...t }])).toEqual(t);
    expect(sharedThresholds([t, { ...t, medium: 200 }])).toBeUndefined();
    expect(sharedThresholds([t, undefined])).toBeUndefined();
  });
});
