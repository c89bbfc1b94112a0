import { describe, expect, it } from 'vitest';
import { createRng, deriveSeed } from '../../src/lib/util/rng';

describe('createRng', () => {
  it('is deterministic for a seed and differs across seeds', () => {
    const a = createRng(7), b = createRng(7), c = createRng(8);
    const xs = Array.from({ length: 5 }, () => a.next());
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(xs);
    expect(Array.from({ length: 5 }, () => c.next())).not.toEqual(xs);
  });

  it('is roughly uniform', () => {
    const rng = createRng(1);
    const counts = new Array(10).fill(0);
    for (let i = 0; i < 100_000; i++) counts[rng.int(10)]++;
    for (const n of counts) expect(Math.abs(n - 10_000)).toBeLessThan(500);
  });

  it('weighted choice follows the weights', () => {
    const rng = createRng(3);
    let a = 0;
    for (let i = 0; i < 20_000; i++) if (rng.weighted(['a', 'b'], [3, 1]) === 'a') a++;
    expect(a / 20_000).toBeGreaterThan(0.73);
    expect(a / 20_000).toBeLessThan(0.77);
  });

  it('derived seeds depend on every part', () => {
    expect(deriveSeed(1, 'row:1', 0)).toBe(deriveSeed(1, 'row:1', 0));
    expect(deriveSeed(1, 'row:1', 0)).not.toBe(deriveSeed(1, 'row:1', 1));
    expect(deriveSeed(1, 'row:1', 0)).not.toBe(deriveSeed(2, 'row:1', 0));
  });
});
