/**
 * The GPT's shape, in nanoGPT's names. One plain object: it goes into checkpoints and the URL,
 * and it is validated once here.
 *
 * Pure TS (no tf), so the UI and the CLI can read presets without loading TensorFlow.js.
 */

export interface GPTConfig {
  /** Tokens in the vocabulary; set from the tokenizer, not by hand. */
  vocabSize: number;
  /** Longest sequence the model sees (positions in `wpe`). */
  blockSize: number;
  /** Transformer blocks. */
  nLayer: number;
  /** Attention heads per block; nEmbd must divide by it. */
  nHead: number;
  /** Width of the residual stream. */
  nEmbd: number;
  /** Dropout on attention weights, residual branches and embeddings while training (0 disables). */
  dropout: number;
  /** Seed of the weight initialisation: same seed and shape → identical weights. */
  seed: number;
}

export type PresetName = 'nano' | 'tiny' | 'small';

/** Shape fields a preset fixes; vocabSize comes from the tokenizer, seed from the run. */
export type ModelShape = Pick<GPTConfig, 'blockSize' | 'nLayer' | 'nHead' | 'nEmbd' | 'dropout'>;

export const PRESETS: Readonly<Record<PresetName, Readonly<ModelShape> & { description: string }>> = {
  // Seconds on the cpu backend: for tests and for watching a run start.
  nano: { blockSize: 64, nLayer: 1, nHead: 2, nEmbd: 32, dropout: 0, description: 'tests and quick demos; trains in seconds' },
  // The default demo: learns length and language control in minutes on a laptop.
  tiny: { blockSize: 256, nLayer: 2, nHead: 4, nEmbd: 64, dropout: 0.05, description: 'the default demo model' },
  // A few million parameters: for a real GPU.
  small: { blockSize: 512, nLayer: 6, nHead: 6, nEmbd: 192, dropout: 0.1, description: 'a few million parameters, for a real GPU' },
};

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/**
 * A full config from a preset, the tokenizer's vocabulary size and a seed.
 *
 * @example
 * const config = presetConfig('nano', tokenizer.tokens.length, 1);
 */
export function presetConfig(preset: PresetName, vocabSize: number, seed = 0, overrides: Partial<ModelShape> = {}): GPTConfig {
  const { description: _, ...shape } = PRESETS[preset];
  return validateConfig({ ...shape, ...overrides, vocabSize, seed });
}

/** Check a config (e.g. one read from a checkpoint or a URL). Throws ConfigError naming the field. */
export function validateConfig(value: unknown): GPTConfig {
  if (typeof value !== 'object' || value === null) throw new ConfigError('model config must be an object');
  const c = value as Record<string, unknown>;
  const int = (name: keyof GPTConfig, lo: number, hi: number): number => {
    const v = c[name];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < lo || v > hi) {
      throw new ConfigError(`config.${name} must be a whole number from ${lo} to ${hi}, got ${JSON.stringify(v)}`);
    }
    return v;
  };
  const config: GPTConfig = {
    vocabSize: int('vocabSize', 1, 1 << 20),
    blockSize: int('blockSize', 2, 8192),
    nLayer: int('nLayer', 1, 64),
    nHead: int('nHead', 1, 64),
    nEmbd: int('nEmbd', 1, 8192),
    dropout: 0,
    seed: int('seed', -(2 ** 31), 2 ** 32 - 1),
  };
  const d = c.dropout;
  if (typeof d !== 'number' || !(d >= 0 && d < 1)) throw new ConfigError(`config.dropout must be in [0, 1), got ${JSON.stringify(d)}`);
  config.dropout = d;
  if (config.nEmbd % config.nHead !== 0) {
    throw new ConfigError(`config.nEmbd (${config.nEmbd}) must be divisible by config.nHead (${config.nHead})`);
  }
  return config;
}

/**
 * Every parameter with its shape, in nanoGPT's `state_dict` names and PyTorch layouts
 * (Linear weights are [out, in]). The model stores Linear weights as [in, out] for matMul and
 * transposes at the checkpoint boundary; `transposed` says which.
 * The output head is tied to `transformer.wte.weight` and has no entry of its own.
 */
export interface ParamSpec {
  name: string;
  /** Shape in the PyTorch layout, as written to safetensors. */
  shape: number[];
  /** True for Linear weights: stored [in, out] in the model, [out, in] in the file. */
  transposed: boolean;
  /** Decoupled weight decay applies (matrices), not to norms, biases and embeddings. */
  decay: boolean;
}

export function paramSpecs(config: GPTConfig): ParamSpec[] {
  const { vocabSize: V, blockSize: T, nEmbd: C, nLayer } = config;
  const p = (name: string, shape: number[], transposed = false, decay = false): ParamSpec => ({ name, shape, transposed, decay });
  const specs: ParamSpec[] = [p('transformer.wte.weight', [V, C]), p('transformer.wpe.weight', [T, C])];
  for (let i = 0; i < nLayer; i++) {
    const h = `transformer.h.${i}`;
    specs.push(
      p(`${h}.ln_1.weight`, [C]), p(`${h}.ln_1.bias`, [C]),
      p(`${h}.attn.c_attn.weight`, [3 * C, C], true, true), p(`${h}.attn.c_attn.bias`, [3 * C]),
      p(`${h}.attn.c_proj.weight`, [C, C], true, true), p(`${h}.attn.c_proj.bias`, [C]),
      p(`${h}.ln_2.weight`, [C]), p(`${h}.ln_2.bias`, [C]),
      p(`${h}.mlp.c_fc.weight`, [4 * C, C], true, true), p(`${h}.mlp.c_fc.bias`, [4 * C]),
      p(`${h}.mlp.c_proj.weight`, [C, 4 * C], true, true), p(`${h}.mlp.c_proj.bias`, [C]),
    );
  }
  specs.push(p('transformer.ln_f.weight', [C]), p('transformer.ln_f.bias', [C]));
  return specs;
}

/** Number of parameters (the tied head counted once). */
export function countParams(config: GPTConfig): number {
  return paramSpecs(config).reduce((n, s) => n + s.shape.reduce((a, b) => a * b, 1), 0);
}
