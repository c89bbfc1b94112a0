/**
 * A decoder-only GPT in the shape of nanoGPT's model.py, in TensorFlow.js:
 * token + learned position embeddings, pre-LayerNorm blocks, causal self-attention with fused QKV,
 * GELU MLP (4×), final LayerNorm, output head tied to the token embedding.
 *
 * Parameters live in one Map keyed by nanoGPT's state_dict names. Linear weights are stored
 * [in, out] (so `x @ W` needs no transpose); checkpoints transpose to PyTorch's [out, in].
 *
 * Embeddings are a gather; while training its gradient comes from embedding.ts, because tf.gather's
 * own needs UnsortedSegmentSum, which the wasm backend lacks (GUIDE.md).
 */
import * as tf from '@tensorflow/tfjs';
import { attentionMask } from './attention-mask';
import { createRng, fillNormal } from '../util/rng';
import { embed as trainableEmbed } from './embedding';
import { paramSpecs, type GPTConfig, type ParamSpec } from './config';

export type Params = Map<string, tf.Variable>;

/**
 * One layer's cached keys and values for incremental decoding, preallocated to the full context:
 * (B, nh, blockSize, hs) each, of which the first `length` slots are filled. A fixed shape means the
 * GPU backends compile their shaders once, not once per generated token.
 */
export interface LayerCache {
  k: tf.Tensor4D;
  v: tf.Tensor4D;
  length: number;
}

export interface ForwardOptions {
  /** Position of each token inside its own example, (B, T) int32. Default 0 … T-1 per row. */
  positions?: tf.Tensor2D;
  /** Additive attention bias, (B, 1, T, Tk): 0 where attending is allowed, a large negative elsewhere. Default causal.
   *  With a cache, Tk = blockSize and unfilled slots must be masked. */
  mask?: tf.Tensor4D;
  /** Dropout on (training only). */
  training?: boolean;
  /** Seed of this step's dropout masks, so a training run is reproducible. */
  dropoutSeed?: number;
  /** Keys/values of earlier tokens; when given, new K/V are written after them and the grown cache returned. */
  cache?: LayerCache[];
}

export interface ForwardResult {
  /** (B, T, vocabSize) */
  logits: tf.Tensor3D;
  /** The cache including this call's tokens (only when a cache was passed in). */
  cache?: LayerCache[];
}

const NEG = -1e9;

export class GPT {
  readonly config: GPTConfig;
  readonly params: Params;

  private constructor(config: GPTConfig, params: Params) {
    this.config = config;
    this.params = params;
  }

  /**
   * Fresh weights from `config.seed`, as nanoGPT initialises them: N(0, 0.02) for matrices and
   * embeddings, N(0, 0.02/√(2·nLayer)) for residual projections (c_proj), ones/zeros for LayerNorm, zero biases.
   *
   * @example
   * const model = GPT.init(presetConfig('nano', tokenizer.tokens.length, 1));
   */
  static init(config: GPTConfig): GPT {
    const rng = createRng(config.seed);
    const params: Params = new Map();
    for (const spec of paramSpecs(config)) {
      // A variable shares its initial value's data and counts as a second tensor: drop the first.
      const value = initialValue(spec, config, rng);
      params.set(spec.name, tf.variable(value, true, varName(spec.name)));
      value.dispose();
    }
    return new GPT(config, params);
  }

  /** Wrap weights that already exist (a checkpoint), in model layout ([in, out] for Linear weights). */
  static fromParams(config: GPTConfig, values: Map<string, tf.Tensor>): GPT {
    const params: Params = new Map();
    for (const spec of paramSpecs(config)) {
      const t = values.get(spec.name);
      if (!t) throw new Error(`missing parameter ${spec.name}`);
      params.set(spec.name, tf.variable(t, true, varName(spec.name)));
    }
    return new GPT(config, params);
  }

  p(name: string): tf.Variable {
    const v = this.params.get(name);
    if (!v) throw new Error(`no parameter ${name}`);
    return v;
  }

  /** Trainable variables in paramSpecs order. */
  variables(): tf.Variable[] {
    return [...this.params.values()];
  }

  /**
   * Logits for every position. idx: (B, T) int32 token ids.
   * Not wrapped in tidy so that gradients can flow; callers tidy.
   */
  forward(idx: tf.Tensor2D, options: ForwardOptions = {}): ForwardResult {
    const { nEmbd: C, nLayer, vocabSize: V, dropout } = this.config;
    const [B, T] = idx.shape;
    const training = options.training === true && dropout > 0;
    let seed = options.dropoutSeed ?? 0;
    const drop = (x: tf.Tensor): tf.Tensor => (training ? tf.dropout(x, dropout, undefined, seed++) : x);

    const past = options.cache?.[0]?.length ?? 0;
    const positions = options.positions ?? tf.tidy(() => tf.range(past, past + T, 1, 'int32').expandDims(0).tile([B, 1]) as tf.Tensor2D);
    const wte = this.p('transformer.wte.weight');
    const wpe = this.p('transformer.wpe.weight');
    const embed = (ids: tf.Tensor, table: tf.Variable): tf.Tensor =>
      options.training === true
        ? trainableEmbed(table as tf.Tensor2D, ids.reshape([B * T])) // differentiable on every backend
        : tf.gather(table, ids.reshape([B * T]));
    const tokEmb = embed(idx, wte); // (B*T, C)
    const posEmb = embed(positions, wpe); // (B*T, C)
    let x = drop(tf.add(tokEmb, posEmb).reshape([B, T, C])) as tf.Tensor3D;

    const mask = options.mask ?? causalMask(T, past, options.cache ? this.config.blockSize : past + T);
    const newCache: LayerCache[] = [];
    for (let i = 0; i < nLayer; i++) {
      const h = `transformer.h.${i}`;
      const a = this.attention(this.layerNorm(x, `${h}.ln_1`), h, mask, drop, options.cache?.[i]);
      if (a.cache) newCache.push(a.cache);
      x = tf.add(x, a.y);
      x = tf.add(x, drop(this.mlp(this.layerNorm(x, `${h}.ln_2`), h)));
    }
    x = this.layerNorm(x, 'transformer.ln_f');
    const logits = tf.matMul(x.reshape([B * T, C]), wte, false, true).reshape([B, T, V]) as tf.Tensor3D; // tied head
    return options.cache ? { logits, cache: newCache } : { logits };
  }

  private layerNorm(x: tf.Tensor3D, prefix: string): tf.Tensor3D {
    const { mean, variance } = tf.moments(x, -1, true);
    const normed = tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, 1e-5)));
    return tf.add(tf.mul(normed, this.p(`${prefix}.weight`)), this.p(`${prefix}.bias`));
  }

  private attention(
    x: tf.Tensor3D,
    h: string,
    mask: tf.Tensor,
    drop: (t: tf.Tensor) => tf.Tensor,
    cache?: LayerCache,
  ): { y: tf.Tensor3D; cache?: LayerCache } {
    const { nHead: nh, nEmbd: C } = this.config;
    const [B, T] = x.shape;
    const hs = C / nh;
    const qkv = linear(x, this.p(`${h}.attn.c_attn.weight`), this.p(`${h}.attn.c_attn.bias`)); // (B, T, 3C)
    const [q, k, v] = tf.split(qkv, 3, -1).map((t) => t.reshape([B, T, nh, hs]).transpose([0, 2, 1, 3]) as tf.Tensor4D) as [
      tf.Tensor4D, tf.Tensor4D, tf.Tensor4D,
    ]; // (B, nh, T, hs)
    const kAll = cache ? writeCache(cache.k, k, cache.length) : k; // (B, nh, Tk, hs)
    const vAll = cache ? writeCache(cache.v, v, cache.length) : v;
    let att = tf.mul(tf.matMul(q, kAll, false, true), 1 / Math.sqrt(hs)); // (B, nh, T, Tk)
    att = drop(tf.softmax(tf.add(att, mask)));
    const y = tf.matMul(att, vAll).transpose([0, 2, 1, 3]).reshape([B, T, C]) as tf.Tensor3D; // (B, T, C)
    const out = drop(linear(y, this.p(`${h}.attn.c_proj.weight`), this.p(`${h}.attn.c_proj.bias`))) as tf.Tensor3D;
    return cache ? { y: out, cache: { k: kAll, v: vAll, length: cache.length + T } } : { y: out };
  }

  private mlp(x: tf.Tensor3D, h: string): tf.Tensor3D {
    const hidden = gelu(linear(x, this.p(`${h}.mlp.c_fc.weight`), this.p(`${h}.mlp.c_fc.bias`)));
    return linear(hidden, this.p(`${h}.mlp.c_proj.weight`), this.p(`${h}.mlp.c_proj.bias`));
  }

  /** An empty cache for `batch` sequences: (B, nh, blockSize, hs) zeros per layer, length 0. */
  emptyCache(batch: number): LayerCache[] {
    const { nHead, nEmbd, blockSize } = this.config;
    return Array.from({ length: this.config.nLayer }, () => ({
      k: tf.zeros([batch, nHead, blockSize, nEmbd / nHead]) as tf.Tensor4D,
      v: tf.zeros([batch, nHead, blockSize, nEmbd / nHead]) as tf.Tensor4D,
      length: 0,
    }));
  }

  dispose(): void {
    for (const v of this.params.values()) v.dispose();
    this.params.clear();
  }
}

/** (…, in) @ (in, out) + (out) */
function linear(x: tf.Tensor3D, w: tf.Tensor, b: tf.Tensor): tf.Tensor3D {
  const [B, T, inDim] = x.shape;
  return tf.add(tf.matMul(x.reshape([B * T, inDim]), w), b).reshape([B, T, w.shape[1]!]) as tf.Tensor3D;
}

/** GELU, tanh approximation (GPT-2's). */
function gelu(x: tf.Tensor3D): tf.Tensor3D {
  const inner = tf.mul(Math.sqrt(2 / Math.PI), tf.add(x, tf.mul(0.044715, tf.pow(x, 3))));
  return tf.mul(tf.mul(0.5, x), tf.add(1, tf.tanh(inner)));
}

/**
 * Additive causal bias (1, 1, T, width): new token i (at position past + i) sees keys 0 … past + i;
 * later keys, and unfilled cache slots up to `width`, are masked.
 */
export function causalMask(T: number, past = 0, width = past + T): tf.Tensor4D {
  const data = new Float32Array(T * width);
  for (let i = 0; i < T; i++) for (let j = past + i + 1; j < width; j++) data[i * width + j] = NEG;
  return tf.tensor4d(data, [1, 1, T, width]);
}

/**
 * The cache with `fresh` (B, nh, T, hs) written at slots [at, at + T). One new token is blended in
 * with a one-hot slot mask, so every decoding step has the same shapes (GPU shaders are reused);
 * several tokens (a prefill) are padded into place.
 */
function writeCache(cache: tf.Tensor4D, fresh: tf.Tensor4D, at: number): tf.Tensor4D {
  const Tmax = cache.shape[2], T = fresh.shape[2];
  if (at + T > Tmax) throw new RangeError(`the KV cache holds ${Tmax} tokens; ${at} + ${T} do not fit`);
  const slots = new Float32Array(Tmax);
  slots.fill(1, at, at + T);
  const m = tf.tensor4d(slots, [1, 1, Tmax, 1]);
  const placed = T === 1 ? fresh : tf.pad(fresh, [[0, 0], [0, 0], [at, Tmax - at - T], [0, 0]]);
  return tf.add(tf.mul(cache, tf.sub(1, m)), tf.mul(placed, m)) as tf.Tensor4D;
}

/**
 * Additive bias (B, 1, T, T) from packed segments: causal, no attention across examples,
 * padding attends only to itself (see attention-mask.ts).
 */
export function segmentMask(segments: Int32Array, B: number, T: number): tf.Tensor4D {
  const allowed = attentionMask(segments, B, T);
  const data = new Float32Array(allowed.length);
  for (let i = 0; i < allowed.length; i++) data[i] = allowed[i] ? 0 : NEG;
  return tf.tensor4d(data, [B, 1, T, T]);
}

function initialValue(spec: ParamSpec, config: GPTConfig, rng: ReturnType<typeof createRng>): tf.Tensor {
  const shape = spec.transposed ? [spec.shape[1]!, spec.shape[0]!] : spec.shape; // model layout
  const size = shape.reduce((a, b) => a * b, 1);
  if (spec.name.endsWith('.bias')) return tf.zeros(shape);
  if (/ln_\d\.weight$|ln_f\.weight$/.test(spec.name)) return tf.ones(shape);
  const std = spec.name.endsWith('c_proj.weight') ? 0.02 / Math.sqrt(2 * config.nLayer) : 0.02;
  return tf.tensor(fillNormal(new Float32Array(size), rng, std), shape);
}

let instance = 0;
function varName(name: string): string {
  // tf variable names must be unique per backend; several models may coexist (trainer + player).
  return `gpt${instance++}/${name}`;
}
