import { describe, expect, it } from 'vitest';
import { argmax, logSoftmax, restrictTo, sampleToken, SamplingError, softmax, topK, topP, topTokens } from '../../src/lib/model/sampling';
import type { SamplingOptions } from '../../src/lib/model/sampling';
import { createRng } from '../../src/lib/util/rng';

const f32 = (...v: number[]): Float32Array => Float32Array.from(v);
/** Random logits with deliberate ties (values on a coarse grid) and some −Inf. */
function randomLogits(seed: number, V = 12): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({ length: V }, () => (rng.chance(0.1) ? -Infinity : Math.round(rng.next() * 8) / 2 - 2));
}

/** Brute force, straight from the definitions, in float64. */
const brute = {
  softmax(l: ArrayLike<number>, t: number): number[] {
    const e = Array.from(l, (v) => Math.exp(v / t));
    const s = e.reduce((a, b) => a + b, 0);
    return e.map((v) => v / s);
  },
  keptTopK: (l: ArrayLike<number>, k: number): boolean[] => Array.from(l, (v) => Array.from(l).filter((w) => w > v).length < k && v > -Infinity),
  keptTopP(l: ArrayLike<number>, p: number): boolean[] {
    const q = brute.softmax(l, 1);
    return q.map((qi) => qi > 0 && q.filter((qj) => qj > qi).reduce((a, b) => a + b, 0) < p);
  },
  /** The distribution sampleToken should draw from. */
  dist(l: Float32Array, o: Required<SamplingOptions>): number[] {
    let z = Array.from(l);
    if (o.topK > 0) { const k = brute.keptTopK(z, o.topK); z = z.map((v, i) => (k[i] ? v : -Infinity)); }
    z = z.map((v) => v / o.temperature);
    const k = brute.keptTopP(z, o.topP);
    return brute.softmax(z.map((v, i) => (k[i] ? v : -Infinity)), 1);
  },
};

/** |observed − p| within 4.5 binomial standard deviations (a correct sampler fails ~1 in 150,000 per check). */
function expectFrequencies(counts: number[], probs: number[], n: number): void {
  probs.forEach((p, i) => {
    const tol = 4.5 * Math.sqrt((p * (1 - p)) / n) + 1e-12;
    expect(Math.abs(counts[i]! / n - p), `token ${i}: ${counts[i]! / n} vs ${p}`).toBeLessThanOrEqual(tol);
  });
}

describe('softmax and logSoftmax', () => {
  it('match the definition and sum to 1', () => {
    for (let seed = 0; seed < 20; seed++) {
      const l = randomLogits(seed);
      for (const t of [1, 0.5, 3]) {
        const p = softmax(l, t), lp = logSoftmax(l, t), want = brute.softmax(l, t);
        want.forEach((w, i) => {
          expect(p[i]).toBeCloseTo(w, 6);
          if (w > 0) expect(lp[i]).toBeCloseTo(Math.log(w), 5);
          else expect(lp[i]).toBe(-Infinity);
        });
        expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
      }
    }
  });

  it('stay finite for huge logits (the max is subtracted first)', () => {
    const p = softmax(f32(1e30, 1e30 - 1e24, -1e30));
    expect(Array.from(p)).toEqual([1, 0, 0]);
    const q = softmax(f32(1000, 999));
    expect(q[0]).toBeCloseTo(1 / (1 + Math.exp(-1)), 6);
    expect(Array.from(logSoftmax(f32(1000, 1000)))).toEqual([Math.fround(-Math.LN2), Math.fround(-Math.LN2)]);
  });

  it('handle −Inf everywhere but one, NaN, +Inf, tiny and zero temperature', () => {
    expect(Array.from(softmax(f32(-Infinity, 2, -Infinity)))).toEqual([0, 1, 0]);
    expect(Array.from(softmax(f32(NaN, 0, 0)))).toEqual([0, 0.5, 0.5]);
    expect(Array.from(softmax(f32(Infinity, 5, Infinity)))).toEqual([0.5, 0, 0.5]);
    expect(Array.from(softmax(f32(1, 1.001, 0), 1e-6))).toEqual([0, 1, 0]);
    expect(Array.from(softmax(f32(1, 1.001, 0), 1e-300))).toEqual([0, 1, 0]);
    expect(Array.from(softmax(f32(3, 1, 3), 0))).toEqual([0.5, 0, 0.5]); // the limit: uniform over tied maxima
    expect(Array.from(logSoftmax(f32(3, 1), 0))).toEqual([0, -Infinity]);
    expect(() => softmax(f32(-Infinity, NaN))).toThrow(SamplingError);
    expect(() => softmax(f32(1, 2), -1)).toThrow(SamplingError);
  });
});

describe('topK, topP, restrictTo', () => {
  it('topK keeps exactly the logits with fewer than k strictly higher ones (ties kept)', () => {
    for (let seed = 0; seed < 40; seed++) {
      const l = randomLogits(seed);
      for (const k of [1, 2, 3, 5, 12, 50]) {
        const out = topK(l, k), kept = brute.keptTopK(l, k);
        out.forEach((v, i) => expect(v).toBe(kept[i] ? l[i] : -Infinity));
      }
    }
    expect(Array.from(topK(f32(1, 5, 3, 5), 2))).toEqual([-Infinity, 5, -Infinity, 5]);
    expect(Array.from(topK(f32(1, 2), 5))).toEqual([1, 2]);
    expect(() => topK(f32(1, 2), 0)).toThrow(SamplingError);
  });

  it('topP keeps the tokens whose more-likely rivals hold less than p', () => {
    for (let seed = 0; seed < 40; seed++) {
      const l = randomLogits(seed);
      for (const p of [0.05, 0.3, 0.5, 0.8, 0.95, 0.999]) {
        const out = topP(l, p), kept = brute.keptTopP(l, p);
        out.forEach((v, i) => expect(v, `seed ${seed} p ${p} id ${i}`).toBe(kept[i] ? l[i] : -Infinity));
      }
      expect(Array.from(topP(l, 1))).toEqual(Array.from(l)); // p = 1 is off
    }
    const l = f32(Math.log(0.5), Math.log(0.3), Math.log(0.2));
    expect(Array.from(topP(l, 0.7)).map(Number.isFinite)).toEqual([true, true, false]);
    expect(Array.from(topP(l, 0.5)).map(Number.isFinite)).toEqual([true, false, false]);
    expect(Array.from(topP(f32(0, 0, -1), 0.1)).map(Number.isFinite)).toEqual([true, true, false]); // tie at the edge kept
    expect(() => topP(l, 0)).toThrow(SamplingError);
    expect(() => topP(l, 1.5)).toThrow(SamplingError);
  });

  it('restrictTo leaves only the allowed ids', () => {
    expect(Array.from(restrictTo(f32(1, 2, 3, 4), [3, 1]))).toEqual([-Infinity, 2, -Infinity, 4]);
    expect(Array.from(restrictTo(f32(1, 2), new Set<number>()))).toEqual([-Infinity, -Infinity]);
    expect(() => restrictTo(f32(1, 2), [2])).toThrow(SamplingError);
  });
});

describe('sampleToken', () => {
  it('is greedy at temperature 0 (lowest id among ties) and draws nothing', () => {
    const rng = createRng(1), probe = createRng(1);
    expect(sampleToken(f32(0.5, 3, 3, 1), { temperature: 0 }, rng)).toBe(1);
    expect(sampleToken(f32(0.5, 3, 3, 1), { temperature: 0, topK: 1, topP: 0.1 }, rng)).toBe(1);
    expect(rng.next()).toBe(probe.next());
    expect(argmax(f32(-Infinity, NaN, -3))).toBe(2);
  });

  it('draws with the frequencies brute-force enumeration predicts', () => {
    const settings: Array<Required<SamplingOptions>> = [
      { temperature: 1, topK: 0, topP: 1 },
      { temperature: 0.7, topK: 3, topP: 1 },
      { temperature: 1.5, topK: 0, topP: 0.8 },
      { temperature: 0.9, topK: 4, topP: 0.9 },
    ];
    const N = 20_000;
    settings.forEach((o, s) => {
      const l = randomLogits(100 + s, 8);
      const want = brute.dist(l, o);
      const rng = createRng(s);
      const counts = new Array<number>(l.length).fill(0);
      for (let n = 0; n < N; n++) counts[sampleToken(l, o, rng)]!++;
      expectFrequencies(counts, want, N);
      want.forEach((p, i) => { if (p === 0) expect(counts[i]).toBe(0); }); // filtered tokens never drawn
    });
  });

  it('applies the nucleus after the temperature', () => {
    // p = softmax(2, 1, 0) = (.665, .245, .090). At T = 0.5 it is (.867, .117, .016): a 0.7 nucleus
    // holds token 0 only. At T = 3 it is (.42, .30, .28): a 0.8 nucleus holds all three.
    const l = f32(2, 1, 0), rng = createRng(3);
    const sharp = Array.from({ length: 2000 }, () => sampleToken(l, { temperature: 0.5, topP: 0.7 }, rng));
    expect(new Set(sharp)).toEqual(new Set([0]));
    const flat = Array.from({ length: 2000 }, () => sampleToken(l, { temperature: 3, topP: 0.8 }, rng));
    expect(new Set(flat)).toEqual(new Set([0, 1, 2]));
  });

  it('is deterministic for a seed, leaves its input alone, and copes with edge cases', () => {
    const l = randomLogits(9, 50);
    const copy = Float32Array.from(l);
    const draw = (seed: number) => { const rng = createRng(seed); return Array.from({ length: 30 }, () => sampleToken(l, { temperature: 0.8, topK: 10, topP: 0.9 }, rng)); };
    expect(draw(4)).toEqual(draw(4));
    expect(draw(4)).not.toEqual(draw(5));
    expect(l).toEqual(copy);
    const rng = createRng(2);
    expect(sampleToken(f32(-Infinity, -Infinity, 0.3), {}, rng)).toBe(2);
    expect(sampleToken(f32(NaN, 0, -Infinity), { temperature: 2 }, rng)).toBe(1);
    expect(sampleToken(f32(1, 2, 3), { temperature: 1e-9 }, rng)).toBe(2);
    expect(sampleToken(f32(1, 2, 3), { topK: 99 }, rng)).toBeLessThan(3);
    expect(() => sampleToken(f32(-Infinity, -Infinity), {}, rng)).toThrow(SamplingError);
    expect(() => sampleToken(f32(1, 2), { temperature: NaN }, rng)).toThrow(SamplingError);
    expect(() => sampleToken(f32(1, 2), { topP: 0 }, rng)).toThrow(SamplingError);
  });
});

describe('topTokens', () => {
  it('lists the k most likely tokens, most likely first, ties by id', () => {
    expect(topTokens(f32(0.1, 0.4, 0.1, 0.4), 3)).toEqual([{ id: 1, p: Math.fround(0.4) }, { id: 3, p: Math.fround(0.4) }, { id: 0, p: Math.fround(0.1) }]);
    expect(topTokens(f32(0.5, 0.5), 10).map((t) => t.id)).toEqual([0, 1]);
    expect(topTokens(f32(0.5), 0)).toEqual([]);
    const p = softmax(randomLogits(3, 30));
    const top = topTokens(p, 5);
    expect(top.map((t) => t.p)).toEqual([...p].sort((a, b) => b - a).slice(0, 5));
  });
});
