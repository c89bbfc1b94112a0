/**
 * The learned router: predicts, from the prompt alone, which teacher the reward would choose, so only
 * that teacher has to answer (the paper's cheap alternative to sampling every teacher).
 *
 * Model: multinomial logistic regression (softmax over the pool) on hashed character n-grams, 1–4
 * (ngrams.ts), of the prompt's text and the markers it asks for (routerText), trained with plain mini-batch gradient descent on the cross-entropy, plus L2 decay.
 * Why this and not a small network or tfjs:
 * - the training set is a few hundred prompts labelled by the reward: a linear model has few enough
 *   degrees of freedom not to memorise them, and its loss is convex, so it needs no initialisation
 *   luck (weights start at zero) and the same seed gives the same weights on any machine;
 * - it trains in plain TypeScript, in a worker or in Node, in under a second (300 prompts, 3 teachers,
 *   200 epochs: 0.7 s measured on a core shared with model training);
 * - it is interpretable: each n-gram's weight per teacher says what moved a choice (explainRoute),
 *   e.g. " le " and "qu'" pushing French prompts to the French teacher.
 * The seed orders the mini-batches; nothing else is random. Pure: no tf, no DOM.
 */
import { createRng } from '../util/rng';
import { charNgrams, checkNgrams, DEFAULT_NGRAMS, featurize, hashNgram, type NgramOptions, type SparseFeatures } from './ngrams';
import { checkPool } from './routers';
import { RouterError, type ArbitragePrompt, type Router } from './types';

export interface LearnedRouterOptions {
  ngrams: NgramOptions;
  /** Passes over the examples: 200 brings a few hundred prompts near their minimum loss. */
  epochs: number;
  /** Step size; features have unit length, so 0.5 is stable. */
  learningRate: number;
  /** L2 decay per step: keeps weights of n-grams seen once small, so they cannot decide alone. */
  l2: number;
  /** Examples per gradient step (all of them when larger than the set). */
  batchSize: number;
  /** Orders the mini-batches. */
  seed: number;
}

export const DEFAULT_LEARNED: Readonly<LearnedRouterOptions> = Object.freeze({
  ngrams: DEFAULT_NGRAMS, epochs: 200, learningRate: 0.5, l2: 1e-4, batchSize: 32, seed: 0,
});

/** A prompt and the teacher the reward chose for it. */
export interface RouterExample {
  /** What the router reads (routerText: the prompt's text and the markers it asks for). */
  prompt: string;
  teacher: string;
}

/** The trained router: plain data (structured-clonable across a worker boundary). */
export interface RouterModel {
  teachers: string[];
  ngrams: NgramOptions;
  /** (K, D) row-major: weights[k * D + j] is bucket j's vote for teacher k. */
  weights: Float64Array;
  /** (K) */
  bias: Float64Array;
}

/**
 * Fit the router to the reward's choices. Returns the model and the mean training loss per epoch.
 *
 * @example
 * const { model, losses } = trainRouter([{ prompt: 'Bonjour ?', teacher: 'B' }, { prompt: 'Hello?', teacher: 'A' }], ['A', 'B']);
 * predictTeacher(model, 'Bonjour ?').teacher; // 'B'
 */
export function trainRouter(
  examples: readonly RouterExample[],
  pool: readonly string[],
  options: Partial<LearnedRouterOptions> = {},
): { model: RouterModel; losses: number[] } {
  const o: LearnedRouterOptions = { ...DEFAULT_LEARNED, ...options };
  checkNgrams(o.ngrams);
  if (!(o.epochs >= 0 && o.learningRate > 0 && o.l2 >= 0 && o.batchSize >= 1)) throw new RangeError('learned router: epochs ≥ 0, learningRate > 0, l2 ≥ 0, batchSize ≥ 1');
  const teachers = checkPool(pool);
  const K = teachers.length, D = o.ngrams.dim;
  const label = new Map(teachers.map((t, k) => [t, k]));
  const xs = examples.map((e) => featurize(e.prompt, o.ngrams));
  const ys = examples.map((e) => {
    const k = label.get(e.teacher);
    if (k === undefined) throw new RouterError(`example labelled ${e.teacher}, who is not in the pool (${teachers.join(', ')})`);
    return k;
  });
  const model: RouterModel = { teachers, ngrams: { ...o.ngrams }, weights: new Float64Array(K * D), bias: new Float64Array(K) };
  const gradW = new Float64Array(K * D);
  const gradB = new Float64Array(K);
  const probs = new Float64Array(K);
  const rng = createRng(o.seed);
  const order = xs.map((_, i) => i);
  const losses: number[] = [];
  for (let epoch = 0; epoch < o.epochs && xs.length > 0; epoch++) {
    rng.shuffle(order);
    let loss = 0;
    for (let start = 0; start < order.length; start += o.batchSize) {
      // Summed in index order, so a batch's gradient is the same bits whatever order drew it.
      const batch = order.slice(start, start + o.batchSize).sort((a, b) => a - b);
      gradW.fill(0);
      gradB.fill(0);
      for (const i of batch) {
        const x = xs[i]!, y = ys[i]!;
        softmax(model, x, probs);
        loss -= Math.log(Math.max(probs[y]!, 1e-300));
        // d(cross-entropy)/d(logit k) = p_k − [k = y]
        for (let k = 0; k < K; k++) {
          const g = (probs[k]! - (k === y ? 1 : 0)) / batch.length;
          gradB[k]! += g;
          for (let j = 0; j < x.index.length; j++) gradW[k * D + x.index[j]!]! += g * x.value[j]!;
        }
      }
      const decay = 1 - o.learningRate * o.l2;
      for (let p = 0; p < model.weights.length; p++) model.weights[p] = decay * model.weights[p]! - o.learningRate * gradW[p]!;
      for (let k = 0; k < K; k++) model.bias[k]! -= o.learningRate * gradB[k]!;
    }
    losses.push(loss / xs.length);
  }
  return { model, losses };
}

/**
 * The teacher the model expects the reward to choose, with every teacher's probability (pool order).
 *
 * @example
 * predictTeacher(model, 'Que peux-tu me dire sur la Lune ?'); // { teacher: 'B', probs: Float64Array [0.1, 0.9] }
 */
export function predictTeacher(model: RouterModel, prompt: string): { teacher: string; probs: Float64Array } {
  const probs = softmax(model, featurize(prompt, model.ngrams), new Float64Array(model.teachers.length));
  let best = 0;
  for (let k = 1; k < probs.length; k++) if (probs[k]! > probs[best]!) best = k; // ties: earlier in the pool
  return { teacher: model.teachers[best]!, probs };
}

/**
 * The n-grams of the prompt that most favour the chosen teacher over the runner-up:
 * contribution = feature value × (weight for the chosen − weight for the runner-up).
 *
 * @example
 * explainRoute(model, 'Que peux-tu me dire ?', 3); // [{ ngram: 'qu', contribution: 0.41 }, …]
 */
export function explainRoute(model: RouterModel, prompt: string, k = 5): Array<{ ngram: string; contribution: number }> {
  const { probs } = predictTeacher(model, prompt);
  const ranked = [...probs.keys()].sort((a, b) => probs[b]! - probs[a]! || a - b);
  const [chosen, rival] = [ranked[0]!, ranked[1] ?? ranked[0]!];
  const D = model.ngrams.dim;
  const f = featurize(prompt, model.ngrams);
  const valueOf = new Map<number, number>();
  f.index.forEach((b, j) => valueOf.set(b, f.value[j]!));
  const seen = new Set<string>();
  const out: Array<{ ngram: string; contribution: number }> = [];
  for (const g of charNgrams(prompt, model.ngrams.minN, model.ngrams.maxN)) {
    if (seen.has(g) || g.trim() === '') continue;
    seen.add(g);
    const b = hashNgram(g, D);
    out.push({ ngram: g, contribution: valueOf.get(b)! * (model.weights[chosen * D + b]! - model.weights[rival * D + b]!) });
  }
  return out.sort((a, b) => b.contribution - a.contribution || (a.ngram < b.ngram ? -1 : 1)).slice(0, k);
}

/**
 * The trained model as a Router.
 *
 * @example
 * createLearnedRouter(model).route({ id: 'p', prompt: 'Bonjour ?', markers: {} }); // { teacher: 'B', why: 'learned: A 0.10, B 0.90' }
 */
export function createLearnedRouter(model: RouterModel): Router {
  return {
    kind: 'learned',
    needs: 'prompt',
    route: (prompt) => {
      const { teacher, probs } = predictTeacher(model, routerText(prompt));
      return { teacher, why: `learned: ${model.teachers.map((t, k) => `${t} ${probs[k]!.toFixed(2)}`).join(', ')}` };
    },
  };
}

/**
 * What the learned router reads: the prompt as a teacher is given it, its text and the markers it asks
 * for (in MarkerLab the block is part of the prompt). Without the markers a prompt written in English
 * that asks for `lang=Italian` (a fifth of the teaching set's prompts are cross-lingual) looks like an
 * English one, and the router would send it to the English teacher.
 *
 * @example
 * routerText({ id: 'p', prompt: 'Tell me about rain.', markers: { lang: 'Italian', domain: 'Sciences' } });
 * // 'Tell me about rain.\ndomain=Sciences lang=Italian'
 */
export function routerText(prompt: Pick<ArbitragePrompt, 'prompt' | 'markers'>): string {
  const markers = Object.entries(prompt.markers).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, v]) => `${k}=${v}`);
  return markers.length > 0 ? `${prompt.prompt}\n${markers.join(' ')}` : prompt.prompt;
}

/** Softmax of the logits b + W x into `out` (numerically stable). */
function softmax(model: RouterModel, x: SparseFeatures, out: Float64Array): Float64Array {
  const K = model.teachers.length, D = model.ngrams.dim;
  let max = -Infinity;
  for (let k = 0; k < K; k++) {
    let z = model.bias[k]!;
    for (let j = 0; j < x.index.length; j++) z += model.weights[k * D + x.index[j]!]! * x.value[j]!;
    out[k] = z;
    if (z > max) max = z;
  }
  let sum = 0;
  for (let k = 0; k < K; k++) sum += (out[k] = Math.exp(out[k]! - max));
  for (let k = 0; k < K; k++) out[k]! /= sum;
  return out;
}
