/**
 * Sampling maths over one row of logits, (V) each: temperature, top-k, nucleus (top-p), constrained
 * decoding, seeded draws. Pure TS (no tf): the sampler reads logits back from the model and every
 * token-level decision happens here, tested in Node against brute-force enumeration.
 *
 * Numerics: work in float64 after subtracting the largest logit, so exp never overflows and a tiny
 * temperature gives a one-hot instead of NaN. NaN logits count as −Infinity (never sampled); if some
 * logits are +Infinity, they share all the mass (the limit of a logit growing without bound).
 * Ties are broken towards the lower token id wherever one token must be chosen (argmax, topTokens).
 */
import type { Rng } from '../util/rng';

export interface SamplingOptions {
  /** Divides the logits: 1 = the model's distribution, → 0 sharper, 0 = greedy argmax. Default 1. */
  temperature?: number;
  /** Keep the k highest logits (and any tied with the k-th); 0 or undefined = off. */
  topK?: number;
  /** Nucleus: keep the most likely tokens until they hold at least p of the mass; 1 or undefined = off. */
  topP?: number;
}

export class SamplingError extends Error {
  override name = 'SamplingError';
}

type Logits = ArrayLike<number>;

/**
 * Index of the largest logit (lowest id among ties; NaN never wins). Throws when every logit is −Inf/NaN.
 *
 * @example
 * argmax(Float32Array.of(0.1, 3, 3)); // 1
 */
export function argmax(logits: Logits): number {
  let best = -1, max = -Infinity;
  for (let i = 0; i < logits.length; i++) {
    const v = logits[i]!;
    if (v > max) {
      max = v;
      best = i;
    }
  }
  if (best < 0) throw new SamplingError('no token can be chosen: every logit is -Infinity or NaN');
  return best;
}

/**
 * log softmax(logits / temperature), (V). Temperature 0 gives the limit: log(1/m) on the m tied
 * maxima, −Infinity elsewhere.
 *
 * @example
 * logSoftmax(Float32Array.of(0, 0)); // Float32Array [-0.693…, -0.693…]
 */
export function logSoftmax(logits: Logits, temperature = 1): Float32Array {
  const z = scaled(logits, temperature);
  const logSum = Math.log(sumExp(z));
  return Float32Array.from(z, (v) => v - logSum);
}

/**
 * softmax(logits / temperature), (V), summing to 1. Temperature 0: uniform over the tied maxima.
 *
 * @example
 * softmax(Float32Array.of(1, 1, -Infinity)); // Float32Array [0.5, 0.5, 0]
 */
export function softmax(logits: Logits, temperature = 1): Float32Array {
  const z = scaled(logits, temperature);
  const sum = sumExp(z);
  return Float32Array.from(z, (v) => Math.exp(v) / sum);
}

/**
 * Logits with all but the k highest set to −Infinity. Like nanoGPT, anything equal to the k-th
 * highest is kept too, so ties never depend on token order. k ≥ V keeps everything.
 *
 * @example
 * topK(Float32Array.of(1, 5, 3, 5), 2); // Float32Array [-Infinity, 5, -Infinity, 5]
 */
export function topK(logits: Logits, k: number): Float32Array {
  return Float32Array.from(topK64(clean(logits), k));
}

/**
 * Nucleus filtering of logits (already divided by any temperature): token i stays when the tokens
 * strictly more likely than it hold less than p of the mass, i.e. the smallest set of most likely
 * tokens reaching p, with ties at its edge kept. p = 1 keeps every token with non-zero probability.
 *
 * @example
 * topP(Float32Array.of(Math.log(0.5), Math.log(0.3), Math.log(0.2)), 0.7); // keeps ids 0 and 1
 */
export function topP(logits: Logits, p: number): Float32Array {
  const kept = topP64(shifted(clean(logits)), p);
  return Float32Array.from(logits as ArrayLike<number>, (v, i) => (kept[i] === -Infinity ? -Infinity : v));
}

/**
 * Logits with every id outside `allowedIds` set to −Infinity: constrained decoding, e.g. only the
 * value tokens of one marker category. Throws for an id outside the vocabulary.
 *
 * @example
 * restrictTo(logits, valueTokenIds(tok, 'lang').values());
 */
export function restrictTo(logits: Logits, allowedIds: Iterable<number>): Float32Array {
  const out = new Float32Array(logits.length).fill(-Infinity);
  for (const id of allowedIds) {
    if (!Number.isInteger(id) || id < 0 || id >= logits.length) throw new SamplingError(`token id ${id} is outside the vocabulary (${logits.length})`);
    out[id] = logits[id]!;
  }
  return out;
}

/**
 * Draw one token: top-k on the logits, divide by temperature, nucleus, then one draw from `rng`
 * (temperature 0: argmax, no draw). Deterministic for a given rng state. Does not modify `logits`.
 *
 * @example
 * sampleToken(logits, { temperature: 0.8, topK: 40, topP: 0.95 }, createRng(1));
 */
export function sampleToken(logits: Logits, options: SamplingOptions, rng: Rng): number {
  const temperature = options.temperature ?? 1;
  checkTemperature(temperature);
  let x = clean(logits);
  if (options.topK !== undefined && options.topK !== 0) x = topK64(x, options.topK);
  if (temperature === 0) return argmax(x);
  let z = shifted(x);
  for (let i = 0; i < z.length; i++) z[i] = z[i]! / temperature;
  if (options.topP !== undefined) z = topP64(z, options.topP);
  return drawFrom(z, rng);
}

/**
 * The k most likely tokens of a distribution, most likely first (ties: lower id first).
 *
 * @example
 * topTokens(softmax(logits), 5); // [{ id: 17, p: 0.41 }, { id: 3, p: 0.2 }, …]
 */
export function topTokens(probs: Logits, k: number): Array<{ id: number; p: number }> {
  const ids = Array.from({ length: probs.length }, (_, i) => i);
  const p = (i: number): number => (Number.isNaN(probs[i]!) ? -Infinity : probs[i]!);
  ids.sort((a, b) => p(b) - p(a) || a - b);
  return ids.slice(0, Math.max(0, k)).map((id) => ({ id, p: probs[id]! }));
}

/** Float64 copy with NaN → −Inf; if any logit is +Inf, those become 0 and the rest −Inf (their limit). */
function clean(logits: Logits): Float64Array {
  const x = Float64Array.from(logits as ArrayLike<number>, (v) => (Number.isNaN(v) ? -Infinity : v));
  if (x.includes(Infinity)) for (let i = 0; i < x.length; i++) x[i] = x[i] === Infinity ? 0 : -Infinity;
  return x;
}

/** x − max(x): the largest becomes 0, so exp(·) ≤ 1. Throws when nothing is finite. */
function shifted(x: Float64Array): Float64Array {
  const m = x[argmax(x)]!;
  return x.map((v) => v - m);
}

/** (logits − max) / temperature, float64; temperature 0 → 0 on the maxima, −Inf elsewhere. */
function scaled(logits: Logits, temperature: number): Float64Array {
  checkTemperature(temperature);
  const z = shifted(clean(logits));
  if (temperature === 0) return z.map((v) => (v === 0 ? 0 : -Infinity));
  return z.map((v) => v / temperature);
}

function sumExp(z: Float64Array): number {
  let s = 0;
  for (const v of z) s += Math.exp(v);
  return s;
}

function topK64(x: Float64Array, k: number): Float64Array {
  if (!Number.isInteger(k) || k < 1) throw new SamplingError(`topK must be a whole number ≥ 1 (0 = off), got ${k}`);
  if (k >= x.length) return x;
  const kth = Float64Array.from(x).sort().reverse()[k - 1]!;
  return x.map((v) => (v >= kth ? v : -Infinity));
}

/** z: shifted logits (max 0). */
function topP64(z: Float64Array, p: number): Float64Array {
  if (!(p > 0 && p <= 1)) throw new SamplingError(`topP must be in (0, 1], got ${p}`);
  if (p >= 1) return z;
  const total = sumExp(z);
  const order = Array.from({ length: z.length }, (_, i) => i).sort((a, b) => z[b]! - z[a]!);
  const out = new Float64Array(z.length).fill(-Infinity);
  let above = 0; // mass of tokens strictly more likely than the current group
  for (let g = 0; g < order.length && above / total < p; ) {
    const v = z[order[g]!]!;
    if (v === -Infinity) break;
    let groupMass = 0;
    for (; g < order.length && z[order[g]!] === v; g++) {
      out[order[g]!] = v;
      groupMass += Math.exp(v);
    }
    above += groupMass;
  }
  return out;
}

/** One categorical draw from unnormalised log-weights z (max 0). */
function drawFrom(z: Float64Array, rng: Rng): number {
  const w = z.map(Math.exp);
  let total = 0;
  for (const v of w) total += v;
  let r = rng.next() * total;
  let last = -1;
  for (let i = 0; i < w.length; i++) {
    if (w[i]! <= 0) continue;
    last = i;
    r -= w[i]!;
    if (r < 0) return i;
  }
  return last; // rounding left r ≥ 0 after the last token with weight
}

function checkTemperature(t: number): void {
  if (!(t >= 0 && Number.isFinite(t))) throw new SamplingError(`temperature must be a finite number ≥ 0, got ${t}`);
}
