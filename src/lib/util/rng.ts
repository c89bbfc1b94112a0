/**
 * Seeded pseudo-random numbers, the one source of randomness in the pure core.
 * Everything that must be reproducible (dropout, splits, built-in datasets) takes an `Rng`
 * made from a seed, never `Math.random`.
 *
 * @example
 * const rng = createRng(42);
 * rng.next();          // float in [0, 1)
 * rng.int(6);          // integer in [0, 6)
 * rng.pick(['a', 'b']);
 */
export interface Rng {
  /** Float in [0, 1). */
  next(): number;
  /** Integer in [0, n). */
  int(n: number): number;
  /** Uniform choice from a non-empty array. */
  pick<T>(items: readonly T[]): T;
  /** Choice weighted by `weights` (same length as items, non-negative, not all zero). */
  weighted<T>(items: readonly T[], weights: readonly number[]): T;
  /** True with probability p. */
  chance(p: number): boolean;
  /** In-place Fisher–Yates shuffle; returns the same array. */
  shuffle<T>(items: T[]): T[];
}

/** mulberry32: 32-bit state, fast, good enough statistics for sampling (not for cryptography). */
export function createRng(seed: number): Rng {
  let a = hashSeed(seed);
  const next = (): number => {
    a = (a + 0x6d2b79f5) | 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number): number => Math.floor(next() * n);
  return {
    next,
    int,
    pick: (items) => {
      if (items.length === 0) throw new RangeError('pick from an empty array');
      return items[int(items.length)]!;
    },
    weighted: (items, weights) => {
      let total = 0;
      for (const w of weights) total += w;
      if (!(total > 0)) throw new RangeError('weights must sum to a positive number');
      let r = next() * total;
      for (let i = 0; i < items.length; i++) {
        r -= weights[i]!;
        if (r < 0) return items[i]!;
      }
      return items[items.length - 1]!;
    },
    chance: (p) => next() < p,
    shuffle: (items) => {
      for (let i = items.length - 1; i > 0; i--) {
        const j = int(i + 1);
        [items[i], items[j]] = [items[j]!, items[i]!];
      }
      return items;
    },
  };
}

/**
 * Fill `out` with normals of mean 0 and standard deviation `std` from `rng`, by Box–Muller: two
 * normals per pair of uniforms (an odd length drops the last pair's second one). Returns `out`.
 *
 * @example
 * fillNormal(new Float32Array(4), createRng(1), 0.02); // four draws of N(0, 0.02²)
 */
export function fillNormal(out: Float32Array, rng: Rng, std = 1): Float32Array {
  for (let i = 0; i < out.length; i += 2) {
    const u = Math.max(rng.next(), 1e-12), w = rng.next();
    const r = Math.sqrt(-2 * Math.log(u)) * std;
    out[i] = r * Math.cos(2 * Math.PI * w);
    if (i + 1 < out.length) out[i + 1] = r * Math.sin(2 * Math.PI * w);
  }
  return out;
}

/**
 * Derive an independent seed from a base seed and a label (e.g. a row id and a step),
 * so that per-row randomness does not depend on iteration order.
 */
export function deriveSeed(seed: number, ...parts: Array<string | number>): number {
  let h = hashSeed(seed);
  for (const part of parts) {
    const s = String(part);
    for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
    h = Math.imul(h ^ 0x7c, 0x01000193);
  }
  return h >>> 0;
}

function hashSeed(seed: number): number {
  // Spread small consecutive seeds (1, 2, 3 …) over the 32-bit space.
  let h = Math.imul((seed | 0) ^ 0x9e3779b9, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}
