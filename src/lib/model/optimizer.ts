/**
 * AdamW (Loshchilov & Hutter): Adam with weight decay decoupled from the gradient, applied only to
 * matrices (not to LayerNorm weights, biases or embeddings, as in minGPT's configure_optimizers;
 * nanoGPT's decays every 2-D tensor, embeddings included),
 * with global-norm gradient clipping. tfjs's own Adam has no decoupled decay, hence this file.
 *
 * State (the moments m and v) is kept per parameter name so it can be saved in a checkpoint.
 */
import * as tf from '@tensorflow/tfjs';
import { TRAINING } from '../settings/training';

export interface AdamWOptions {
  beta1: number;
  beta2: number;
  /** Explicit epsilon: the webgl backend's default (1e-4 on some GPUs) is too large. */
  epsilon: number;
  weightDecay: number;
  /** Clip the global gradient norm to this (0 disables). */
  gradClip: number;
}

export const DEFAULT_ADAMW: AdamWOptions = {
  beta1: 0.9, beta2: 0.95, epsilon: 1e-8, weightDecay: TRAINING.weightDecay.default, gradClip: TRAINING.gradClip.default,
};

export interface AdamWState {
  step: number;
  m: Map<string, tf.Variable>;
  v: Map<string, tf.Variable>;
}

export class AdamW {
  readonly options: AdamWOptions;
  state: AdamWState;
  /** Names of parameters that get weight decay. */
  readonly decay: ReadonlySet<string>;

  /**
   * @example
   * const opt = new AdamW(model.params, new Set(paramSpecs(config).filter((s) => s.decay).map((s) => s.name)));
   */
  constructor(params: ReadonlyMap<string, tf.Variable>, decay: ReadonlySet<string>, options: Partial<AdamWOptions> = {}) {
    this.options = { ...DEFAULT_ADAMW, ...options };
    this.decay = decay;
    // A variable shares its initial value's data; the initial tensor itself is dropped.
    const zeroVar = (p: tf.Variable): tf.Variable => {
      const z = tf.zerosLike(p);
      const v = tf.variable(z, false);
      z.dispose();
      return v;
    };
    const zeros = () => new Map([...params].map(([name, p]) => [name, zeroVar(p)]));
    this.state = { step: 0, m: zeros(), v: zeros() };
  }

  /**
   * Global L2 norm of the gradients, as a scalar tensor (read it with `await data()`).
   */
  static globalNorm(grads: Record<string, tf.Tensor>): tf.Scalar {
    // A chain of adds, not tf.addN: addN over many inputs gives wrong sums on the WebGPU backend (tfjs 4.22).
    return tf.tidy(() => tf.sqrt(Object.values(grads).reduce<tf.Tensor>((acc, g) => tf.add(acc, tf.sum(tf.square(g))), tf.scalar(0))) as tf.Scalar);
  }

  /**
   * One update. `grads` are keyed by parameter name; `norm` is their global norm (from globalNorm),
   * already known to be finite. The caller disposes grads.
   */
  apply(params: ReadonlyMap<string, tf.Variable>, grads: Record<string, tf.Tensor>, lr: number, norm: number): void {
    const { beta1, beta2, epsilon, weightDecay, gradClip } = this.options;
    this.state.step += 1;
    const t = this.state.step;
    const scale = gradClip > 0 && norm > gradClip ? gradClip / norm : 1;
    const bc1 = 1 - beta1 ** t;
    const bc2 = 1 - beta2 ** t;
    tf.tidy(() => {
      for (const [name, p] of params) {
        const g0 = grads[name];
        if (!g0) continue;
        const g = scale === 1 ? g0 : tf.mul(g0, scale);
        const m = this.state.m.get(name)!;
        const v = this.state.v.get(name)!;
        m.assign(tf.add(tf.mul(m, beta1), tf.mul(g, 1 - beta1)));
        v.assign(tf.add(tf.mul(v, beta2), tf.mul(tf.square(g), 1 - beta2)));
        const update = tf.div(tf.div(m, bc1), tf.add(tf.sqrt(tf.div(v, bc2)), epsilon));
        const decayed = this.decay.has(name) && weightDecay > 0 ? tf.mul(p, 1 - lr * weightDecay) : p;
        p.assign(tf.sub(decayed, tf.mul(update, lr)));
      }
    });
  }

  /** Replace the moments (from a checkpoint). Values in model layout, keyed by parameter name. */
  load(step: number, m: Map<string, tf.Tensor>, v: Map<string, tf.Tensor>): void {
    for (const [name, target] of this.state.m) {
      const mt = m.get(name), vt = v.get(name);
      if (!mt || !vt) throw new Error(`optimizer state lacks ${name}`);
      target.assign(mt);
      this.state.v.get(name)!.assign(vt);
    }
    this.state.step = step;
  }

  dispose(): void {
    for (const t of [...this.state.m.values(), ...this.state.v.values()]) t.dispose();
  }
}
