/**
 * One training step and one evaluation, nanoGPT's train.py inner loop:
 * (micro-batches → masked cross-entropy → gradients, accumulated) → global norm → NaN guard → AdamW.
 *
 * The NaN guard reads the loss and the gradient norm *before* the update is applied, so a
 * non-finite step leaves the weights as they were: the last good weights are the current ones.
 */
import * as tf from '@tensorflow/tfjs';
import type { GPT } from './gpt';
import type { TokenBatch } from '../data/batch-pack';
import type { ValidationBatches } from '../data/batch-eval';
import { segmentMask } from './gpt';
import { AdamW } from './optimizer';

export interface StepResult {
  step: number;
  loss: number;
  gradNorm: number;
  lr: number;
  /** Loss-bearing tokens in this step (all micro-batches). */
  tokens: number;
}

export class NonFiniteError extends Error {
  override name = 'NonFiniteError';
  constructor(
    readonly step: number,
    readonly what: 'loss' | 'gradient norm',
    readonly value: number,
  ) {
    super(`training stopped at step ${step}: the ${what} became ${value} (the weights from step ${step - 1} were kept)`);
  }
}

/**
 * Mean cross-entropy over the tokens the mask selects. Returns a scalar; not tidied (gradients).
 */
export function maskedLoss(model: GPT, batch: TokenBatch, B: number, T: number, training: boolean, dropoutSeed = 0): tf.Scalar {
  const w = tf.tensor1d(batch.lossMask);
  return tf.div(tf.sum(tf.mul(tokenLosses(model, batch, B, T, training, dropoutSeed), w)), tf.maximum(tf.sum(w), 1)) as tf.Scalar;
}

/** Cross-entropy at every position of the batch, (B*T), padding and unmasked positions included. Not tidied. */
function tokenLosses(model: GPT, batch: TokenBatch, B: number, T: number, training: boolean, dropoutSeed = 0): tf.Tensor1D {
  const V = model.config.vocabSize;
  const x = tf.tensor2d(batch.x, [B, T], 'int32');
  const positions = tf.tensor2d(batch.positions, [B, T], 'int32');
  const mask = segmentMask(batch.segments, B, T);
  const { logits } = model.forward(x, { positions, mask, training, dropoutSeed }); // (B, T, V)
  const logp = tf.logSoftmax(logits.reshape([B * T, V])); // (B*T, V)
  const target = tf.oneHot(tf.tensor1d(batch.y, 'int32'), V).cast('float32'); // cast: wasm's float oneHot is wrong
  return tf.neg(tf.sum(tf.mul(logp, target), -1)); // (B*T)
}

export interface TrainStepOptions {
  lr: number;
  batchSize: number;
  blockSize: number;
  /** Seed for this step's dropout masks. */
  dropoutSeed: number;
}

/**
 * One optimizer step over `microBatches` (gradient accumulation: their gradients are averaged).
 * Throws NonFiniteError without touching the weights when the loss or gradient norm is NaN/Inf.
 *
 * @example
 * const r = await trainStep(model, opt, [batch], { lr: 1e-3, batchSize: 16, blockSize: 128, dropoutSeed: step });
 */
export async function trainStep(model: GPT, optimizer: AdamW, microBatches: readonly TokenBatch[], options: TrainStepOptions): Promise<StepResult> {
  const { batchSize: B, blockSize: T } = options;
  const names = [...model.params.keys()];
  const vars = model.variables();
  let sumGrads: tf.Tensor[] | null = null;
  let sumLoss: tf.Scalar = tf.scalar(0);
  let tokens = 0;
  for (let k = 0; k < microBatches.length; k++) {
    const batch = microBatches[k]!;
    for (let i = 0; i < batch.lossMask.length; i++) tokens += batch.lossMask[i]!;
    const { value, grads } = tf.variableGrads(
      () => maskedLoss(model, batch, B, T, true, options.dropoutSeed * 1000 + k),
      vars,
    );
    const g = vars.map((v) => grads[v.name]!);
    const prev: tf.Tensor[] | null = sumGrads;
    sumGrads = prev ? g.map((t, i) => tf.add(prev[i]!, t)) : g;
    if (prev) tf.dispose([...prev, ...g]);
    const l = tf.add(sumLoss, value) as tf.Scalar;
    tf.dispose([sumLoss, value]);
    sumLoss = l;
  }
  const n = microBatches.length;
  const grads: Record<string, tf.Tensor> = {};
  tf.tidy(() => names.forEach((name, i) => (grads[name] = tf.keep(n === 1 ? sumGrads![i]!.clone() : tf.div(sumGrads![i]!, n)))));
  tf.dispose(sumGrads!);
  const lossT = tf.div(sumLoss, n) as tf.Scalar;
  sumLoss.dispose();
  const normT = AdamW.globalNorm(grads);
  try {
    const [lossArr, normArr] = await Promise.all([lossT.data(), normT.data()]);
    const loss = lossArr[0]!, gradNorm = normArr[0]!;
    const step = optimizer.state.step + 1;
    if (!Number.isFinite(loss)) throw new NonFiniteError(step, 'loss', loss);
    if (!Number.isFinite(gradNorm)) throw new NonFiniteError(step, 'gradient norm', gradNorm);
    optimizer.apply(model.params, grads, options.lr, gradNorm);
    return { step, loss, gradNorm, lr: options.lr, tokens };
  } finally {
    tf.dispose([lossT, normT, ...Object.values(grads)]);
  }
}

/**
 * Mean masked loss over batches, without dropout or gradients (validation).
 */
export async function evaluate(model: GPT, batches: Iterable<TokenBatch>, batchSize: number, blockSize: number): Promise<number> {
  let total = 0, weight = 0;
  for (const batch of batches) {
    const lossT = tf.tidy(() => maskedLoss(model, batch, batchSize, blockSize, false));
    const w = batch.lossMask.reduce((a, b) => a + b, 0);
    const [loss] = await lossT.data();
    lossT.dispose();
    total += loss! * w;
    weight += w;
  }
  return weight > 0 ? total / weight : NaN;
}

/** Each source row's summed loss and its loss-bearing tokens (evaluateRows): `sum[i] / tokens[i]` is row i's mean. */
export interface RowLosses {
  sum: Float64Array;
  tokens: Float64Array;
}

/**
 * The masked loss of every row of a validation set in one pass, without dropout or gradients:
 * `sum[i] / tokens[i]` is row i's mean loss. Rows are packed as the set packs them; each sequence's
 * attention stays inside it (segments) and its positions start at 0, so a row's loss does not depend
 * on its neighbours: any group's loss is its rows' sums over their tokens, as `evaluate` on that
 * group's own batches would give (up to float rounding; a windowed row's later windows may reach
 * back for more or less context, as packing leaves room). One pass instead of one per group.
 *
 * @example
 * const { sum, tokens } = await evaluateRows(model, new ValidationBatches(prepared, opts), 8, 144);
 */
export async function evaluateRows(model: GPT, set: ValidationBatches, batchSize: number, blockSize: number): Promise<RowLosses> {
  const sum = new Float64Array(set.rowCount), tokens = new Float64Array(set.rowCount);
  for (let k = 0; k < set.length; k++) {
    const batch = set.batch(k);
    const rowAt = set.rowsAt(k, batch);
    const lossT = tf.tidy(() => tokenLosses(model, batch, batchSize, blockSize, false));
    const losses = (await lossT.data()) as Float32Array;
    lossT.dispose();
    for (let i = 0; i < losses.length; i++) {
      const w = batch.lossMask[i]!;
      if (w === 0) continue;
      const r = rowAt[i]!;
      sum[r]! += losses[i]! * w;
      tokens[r]! += w;
    }
  }
  return { sum, tokens };
}
