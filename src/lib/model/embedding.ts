/**
 * Embedding lookup for training: a gather forward with a gradient every backend can run.
 *
 * tf.gather's own gradient needs UnsortedSegmentSum, which tfjs-backend-wasm lacks (GUIDE.md), and the
 * portable alternative, one-hot × table, costs B·T·V·C forward and again backward: at a BPE
 * vocabulary (V ≈ 1,000–2,000) as much as the rest of the tiny model. Here the forward is a gather,
 * and the gradient w.r.t. the table sums the upstream rows into the rows they came from:
 * - `segmentSum`: tf.unsortedSegmentSum (cpu, webgl, webgpu);
 * - `scatter`: tf.scatterND, which adds duplicate indices (wasm has it).
 * `matmul`, the old one-hot × table forward and backward, is kept as the reference the tests and
 * cli/studies/embedding-speed.ts compare against, and for a backend with neither kernel. Measured on
 * wasm in Node (tiny preset, batch 16 × 256): the gather is 1.24× the one-hot's training tokens/s at
 * V = 300 and 1.86× at V = 1,300; one-hot was faster nowhere.
 */
import * as tf from '@tensorflow/tfjs';

/** How the table's gradient is computed, or `matmul`: one-hot × table forward (and its gradient). */
export type EmbeddingMode = 'segmentSum' | 'scatter' | 'matmul';

let override: EmbeddingMode | undefined;

/**
 * Force a formulation (benchmarks and tests); undefined restores the per-backend choice.
 *
 * @example
 * setEmbeddingMode('matmul'); await benchTraining(config); setEmbeddingMode(undefined);
 */
export function setEmbeddingMode(mode: EmbeddingMode | undefined): void {
  override = mode;
}

/**
 * The formulation used on a backend: a forced one, else the first kernel the backend registers.
 *
 * @example
 * embeddingMode('wasm'); // 'scatter'
 */
export function embeddingMode(backend = tf.getBackend()): EmbeddingMode {
  if (override) return override;
  if (tf.getKernel('UnsortedSegmentSum', backend)) return 'segmentSum';
  if (tf.getKernel('ScatterNd', backend)) return 'scatter';
  return 'matmul';
}

/**
 * Rows of `table` (V, C) at `ids` (N) int32: (N, C), differentiable w.r.t. `table` on every backend.
 *
 * @example
 * const tokEmb = embed(wte, idx.reshape([B * T])); // (B*T, C)
 */
export function embed(table: tf.Tensor2D, ids: tf.Tensor1D): tf.Tensor2D {
  const [V, C] = table.shape;
  const N = ids.shape[0];
  const mode = embeddingMode();
  // oneHot(ids, V).cast: tfjs-backend-wasm's float oneHot writes 1.4e-45 for 1 (GUIDE.md).
  if (mode === 'matmul') return tf.matMul(tf.oneHot(ids, V).cast('float32'), table); // (N, V) @ (V, C)
  // customGrad passes the inputs, then the save function, in one rest list.
  const lookup = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const t = args[0] as tf.Tensor, save = args[1] as tf.GradSaveFunc;
    save([ids]);
    return {
      value: tf.gather(t, ids), // (N, C)
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const at = saved[0] as tf.Tensor1D;
        const g = dy.reshape([N, C]);
        if (mode === 'segmentSum') return tf.unsortedSegmentSum(g, at, V); // (V, C)
        return tf.scatterND(at.reshape([N, 1]), g, [V, C]); // (V, C), duplicate ids add up
      },
    };
  });
  return lookup(table) as tf.Tensor2D;
}
