/**
 * The speed-and-memory benchmark, shared by `markerlab bench` (Node) and the browser bench page
 * (a module worker): per model, training tokens/s and ms/step, decoding ms/token with and without
 * the KV cache across context lengths, and live tensors before/after training and generation.
 * A benchmark, never a test: numbers depend on the machine.
 *
 * tf only: no DOM, no node:*. The caller picks and starts the backend first.
 */
import * as tf from '@tensorflow/tfjs';
import { presetConfig, type GPTConfig, type PresetName } from './config';
import { GPT, type LayerCache } from './gpt';
import { AdamW } from './optimizer';
import { generate } from './sample';
import type { TokenBatch } from '../data/batch-pack';
import { trainStep } from './train';
import { decayNames } from './weights';

/** Training steps timed after WARMUP untimed ones; tokens generated for the tensor-count check. */
const WARMUP = 2, TIMED_STEPS = 5, LEAK_STEPS = 20, LEAK_TOKENS = 100;
/** Vocabulary of the preset models (about a real tokenizer's size) and rows per training batch. */
export const BENCH_VOCAB = 512, BENCH_BATCH = 16;

/** What the numbers count, for the JSON reports of the CLI and the page. */
export const BENCH_NOTE = 'tokens/s counts every position of every row; VOCAB 512 for presets';

/** @genai-fi/nanogpt's configuration as measured in the issue: vocab ~96, ctx 64, 2×4 heads, 64 wide, batch 16. */
export const PEER: GPTConfig = { vocabSize: 96, blockSize: 64, nLayer: 2, nHead: 4, nEmbd: 64, dropout: 0, seed: 1 };

/** A preset (at BENCH_VOCAB, no dropout) or the peer's configuration. */
export type BenchModel = PresetName | 'peer';

export interface BenchCase {
  name: BenchModel;
  config: GPTConfig;
}

export interface TrainingBench {
  msPerStep: number;
  /** BENCH_BATCH × blockSize positions per step, over the mean time of the timed steps. */
  trainTokensPerSec: number;
  /** Live tensors after the warm-up and after `trainingSteps` more steps: equal when nothing leaks. */
  tensors: { beforeTraining: number; afterTraining: number; trainingSteps: number };
}

export interface DecodingPoint {
  /** Context length the cache grows to (or the recomputed context's length). */
  T: number;
  cachedMsPerToken: number;
  recomputeMsPerToken: number;
}

export interface DecodingBench {
  /** From T=16 (or blockSize when smaller) doubling up to blockSize. */
  decoding: DecodingPoint[];
  /** recompute / cached ms per token at T = blockSize. */
  cacheSpeedupAtFullContext: number;
  /** cached ms per token at T = blockSize over that at the first T: 1 means flat. */
  cachedCostGrowth16ToFull: number;
  /** Live tensors around one `generate` of `tokens` tokens: equal when nothing leaks. */
  generationTensors: { before: number; after: number; tokens: number };
}

export interface BenchResult extends TrainingBench, DecodingBench {
  backend: string;
  model: string;
  config: GPTConfig;
  batchSize: number;
}

/** Where a run is, sent before each phase. */
export interface BenchProgress {
  backend: string;
  model: string;
  phase: 'training' | 'decoding';
}

/** Awaited by the benchmark, so a Comlink-proxied callback lands before the next phase starts. */
export type BenchProgressFn = (progress: BenchProgress) => void | Promise<void>;

/**
 * The configurations to measure, in the given order.
 *
 * @example
 * benchCases(['nano', 'peer']); // [{ name: 'nano', config: {...vocabSize: 512} }, { name: 'peer', config: PEER }]
 */
export function benchCases(models: readonly BenchModel[]): BenchCase[] {
  return models.map((name) => ({
    name,
    config: name === 'peer' ? PEER : presetConfig(name, BENCH_VOCAB, 1, { dropout: 0 }),
  }));
}

/**
 * Training then decoding for one model on the active tf backend.
 *
 * @example
 * await initBackend({ order: ['cpu'] });
 * const [nano] = benchCases(['nano']);
 * const r = await benchCase(tf.getBackend(), nano!, (p) => console.log(p.phase));
 * r.trainTokensPerSec; // e.g. 40000
 */
export async function benchCase(backend: string, c: BenchCase, onProgress?: BenchProgressFn): Promise<BenchResult> {
  await onProgress?.({ backend, model: c.name, phase: 'training' });
  const training = await benchTraining(c.config);
  await onProgress?.({ backend, model: c.name, phase: 'decoding' });
  const decoding = await benchDecoding(c.config);
  return { backend, model: c.name, config: c.config, batchSize: BENCH_BATCH, ...training, ...decoding };
}

/**
 * A reproducible batch of random tokens, every position in the loss: `rows` rows of `length` tokens.
 *
 * @example
 * const batch = randomBatch(config, 1, 2, 64); // 128 tokens
 */
export function randomBatch(config: GPTConfig, seed: number, rows = BENCH_BATCH, length = config.blockSize): TokenBatch {
  const n = rows * length;
  let s = seed >>> 0;
  const next = (): number => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) % config.vocabSize);
  const x = Int32Array.from({ length: n }, next), y = Int32Array.from({ length: n }, next);
  const positions = Int32Array.from({ length: n }, (_, i) => i % length);
  const stats = { tokens: n, lossTokens: n, paddingTokens: 0, examples: rows };
  return { x, y, lossMask: new Float32Array(n).fill(1), positions, segments: new Int32Array(n), stats };
}

/**
 * ms/step and tokens/s of AdamW training steps on one random batch, and the tensor count across them.
 *
 * @example
 * const { msPerStep, tensors } = await benchTraining(PEER);
 */
export async function benchTraining(config: GPTConfig): Promise<TrainingBench> {
  const model = GPT.init(config);
  const opt = new AdamW(model.params, decayNames(config));
  const batch = randomBatch(config, 1);
  const step = (i: number) => trainStep(model, opt, [batch], { lr: 1e-3, batchSize: BENCH_BATCH, blockSize: config.blockSize, dropoutSeed: i });
  try {
    for (let i = 0; i < WARMUP; i++) await step(i);
    const before = tf.memory().numTensors;
    const t0 = performance.now();
    for (let i = 0; i < TIMED_STEPS; i++) await step(WARMUP + i);
    const msPerStep = (performance.now() - t0) / TIMED_STEPS;
    for (let i = TIMED_STEPS; i < LEAK_STEPS; i++) await step(WARMUP + i);
    return {
      msPerStep: round(msPerStep), trainTokensPerSec: Math.round((BENCH_BATCH * config.blockSize * 1000) / msPerStep),
      tensors: { beforeTraining: before, afterTraining: tf.memory().numTensors, trainingSteps: LEAK_STEPS },
    };
  } finally {
    model.dispose();
    opt.dispose();
  }
}

/**
 * Decoding ms/token with and without the KV cache per context length, and the tensor count
 * around one generation.
 *
 * @example
 * const { cacheSpeedupAtFullContext } = await benchDecoding(PEER); // ≥ 5 is the target
 */
export async function benchDecoding(config: GPTConfig): Promise<DecodingBench> {
  const model = GPT.init(config);
  try {
    const T = config.blockSize;
    const lengths = [16, 32, 64, 128, 256, 512].filter((L) => L < T).concat(T);
    await cachedMs(model, lengths[0]!); // warm-up: first kernel runs compile and allocate
    const perLength: DecodingPoint[] = [];
    for (const L of lengths) perLength.push({ T: L, cachedMsPerToken: round(await cachedMs(model, L)), recomputeMsPerToken: round(await recomputeMs(model, L)) });
    const first = perLength[0]!, full = perLength.at(-1)!;
    const before = tf.memory().numTensors;
    await generate(model, Int32Array.of(1, 5, 6, 3), { n: 1, maxTokens: LEAK_TOKENS, seed: 1, blockOpenId: 4, blockCloseId: 7, temperature: 1 });
    return {
      decoding: perLength,
      cacheSpeedupAtFullContext: round(full.recomputeMsPerToken / full.cachedMsPerToken),
      cachedCostGrowth16ToFull: round(full.cachedMsPerToken / first.cachedMsPerToken),
      generationTensors: { before, after: tf.memory().numTensors, tokens: LEAK_TOKENS },
    };
  } finally {
    model.dispose();
  }
}

/**
 * ms per decoded token as the cache grows to L (`steps` timed steps, default 8, after a prefill of
 * L - steps tokens).
 *
 * @example
 * await cachedMs(model, 32);    // e.g. 2.1
 * await cachedMs(model, 10, 2); // prefill 8, time 2 tokens
 */
export async function cachedMs(model: GPT, L: number, timedSteps = 8): Promise<number> {
  const steps = Math.min(timedSteps, L - 1);
  let cache: LayerCache[] = model.emptyCache(1);
  const forward = async (ids: number[]): Promise<void> => {
    const out = tf.tidy(() => {
      const r = model.forward(tf.tensor2d(ids, [1, ids.length], 'int32'), { cache });
      return [r.logits.slice([0, ids.length - 1, 0], [1, 1, -1]), ...r.cache!.flatMap((c) => [c.k, c.v])];
    });
    const length = (cache[0]?.length ?? 0) + ids.length;
    for (const c of cache) tf.dispose([c.k, c.v]);
    const [last, ...kv] = out;
    cache = Array.from({ length: kv.length / 2 }, (_, i) => ({ k: kv[2 * i] as tf.Tensor4D, v: kv[2 * i + 1] as tf.Tensor4D, length }));
    await last!.data();
    last!.dispose();
  };
  try {
    await forward(Array.from({ length: L - steps }, (_, i) => 4 + (i % 50)));
    const t0 = performance.now();
    for (let i = 0; i < steps; i++) await forward([5]);
    return (performance.now() - t0) / steps;
  } finally {
    for (const c of cache) tf.dispose([c.k, c.v]);
  }
}

/** ms per token when every token re-runs the whole context of length L. */
async function recomputeMs(model: GPT, L: number): Promise<number> {
  const ids = Array.from({ length: L }, (_, i) => 4 + (i % 50));
  const once = async (): Promise<void> => {
    const last = tf.tidy(() => model.forward(tf.tensor2d(ids, [1, L], 'int32')).logits.slice([0, L - 1, 0], [1, 1, -1]));
    await last.data();
    last.dispose();
  };
  await once();
  const t0 = performance.now();
  for (let i = 0; i < 3; i++) await once();
  return (performance.now() - t0) / 3;
}

const round = (x: number): number => Number(x.toPrecision(3));
