import { describe, expect, it } from 'vitest';
import { splitDataset } from '../../src/lib/data/split';
import type { Row } from '../../src/lib/data/types';

/** `counts` rows per lang value; the key '' means rows without a lang marker. */
function rowsFor(counts: Record<string, number>): Row[] {
  const rows: Row[] = [];
  for (const [lang, n] of Object.entries(counts)) {
    for (let i = 0; i < n; i++) {
      rows.push({ id: `${lang || 'none'}:${i}`, prompt: 'p', completion: 'c', markers: lang ? { lang } : {} });
    }
  }
  return rows;
}

const LONG_TAIL = { English: 600, French: 300, German: 80, Greek: 19, Hindi: 1, '': 50 };

describe('splitDataset', () => {
  it('partitions: every row once, input order kept', () => {
    const rows = rowsFor(LONG_TAIL);
    const { train, val } = splitDataset(rows, { valFraction: 0.2, stratifyBy: 'lang', seed: 1 });
    expect(train.length + val.length).toBe(rows.length);
    expect(new Set([...train, ...val]).size).toBe(rows.length);
    const position = new Map(rows.map((r, i) => [r, i]));
    for (const part of [train, val]) {
      const idx = part.map((r) => position.get(r)!);
      expect(idx).toEqual([...idx].sort((a, b) => a - b));
    }
  });

  it('gives each stratum floor or ceil of its share, single rows to train, unset rows their own stratum', () => {
    const rows = rowsFor(LONG_TAIL);
    const { val } = splitDataset(rows, { valFraction: 0.2, stratifyBy: 'lang', seed: 7 });
    const inVal = (lang: string | undefined): number => val.filter((r) => r.markers.lang === lang).length;
    for (const [lang, n] of Object.entries(LONG_TAIL)) {
      if (n < 2) continue;
      const got = inVal(lang || undefined);
      expect(got).toBeGreaterThanOrEqual(Math.floor(n * 0.2));
      expect(got).toBeLessThanOrEqual(Math.ceil(n * 0.2));
    }
    expect(inVal('Hindi')).toBe(0);
    expect(inVal(undefined)).toBe(10);
    expect(val.length).toBe(Math.round((1050 - 1) * 0.2));
  });

  it('balances rounding across many small strata instead of rounding each one down', () => {
    const counts = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`v${i}`, 3]));
    const { val } = splitDataset(rowsFor(counts), { valFraction: 0.1, stratifyBy: 'lang', seed: 3 });
    expect(val.length).toBe(9);
    expect(new Set(val.map((r) => r.markers.lang)).size).toBe(9);
  });

  it('keeps at least one row of every stratum in train', () => {
    const { train } = splitDataset(rowsFor({ a: 2, b: 3 }), { valFraction: 0.9, stratifyBy: 'lang', seed: 1 });
    expect(new Set(train.map((r) => r.markers.lang))).toEqual(new Set(['a', 'b']));
  });

  it('is deterministic for a seed and differs across seeds', () => {
    const rows = rowsFor(LONG_TAIL);
    const ids = (seed: number): string[] => splitDataset(rows, { valFraction: 0.2, stratifyBy: 'lang', seed }).val.map((r) => r.id);
    expect(ids(5)).toEqual(ids(5));
    expect(ids(5)).not.toEqual(ids(6));
  });

  it("does not reshuffle one stratum's picks when another stratum is added", () => {
    const base = rowsFor({ English: 40, French: 20 });
    const more = [...base, ...rowsFor({ German: 8 })];
    const pick = (rows: Row[]): string[] =>
      splitDataset(rows, { valFraction: 0.25, stratifyBy: 'lang', seed: 9 }).val.filter((r) => r.markers.lang !== 'German').map((r) => r.id);
    expect(pick(more)).toEqual(pick(base));
  });

  it('without stratification takes round(n · f) rows', () => {
    const rows = rowsFor({ a: 37, b: 4 });
    expect(splitDataset(rows, { valFraction: 0.25, seed: 1 }).val).toHaveLength(10);
    expect(splitDataset(rows, { valFraction: 0, seed: 1 }).val).toHaveLength(0);
  });

  it('rejects fractions outside [0, 1) and leaves its input alone', () => {
    const rows = rowsFor({ a: 5 });
    const copy = structuredClone(rows);
    expect(() => splitDataset(rows, { valFraction: 1, seed: 1 })).toThrow(RangeError);
    expect(() => splitDataset(rows, { valFraction: Number.NaN, seed: 1 })).toThrow('valFraction must be in [0, 1)');
    splitDataset(rows, { valFraction: 0.4, stratifyBy: 'lang', seed: 1 });
    expect(rows).toEqual(copy);
  });
});
