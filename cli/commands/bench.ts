import * as tf from '@tensorflow/tfjs';
import { PRESETS, presetConfig, type GPTConfig, type PresetName } from '../../src/lib/model/config';
import { GPT, type LayerCache } from '../../src/lib/model/gpt';
import { AdamW } from '../../src/lib/model/optimizer';
import { generate } from '../../src/lib/model/sample';
import { trainStep, type TokenBatch } from '../../src/lib/model/train';
import { decayNames } from '../../src/lib/model/weights';
import { CLI_BACKENDS, parseBackend, startBackend } from '../backend';
import { UsageError } from '../errors';
import { printJson } from '../output';
import { noPositionals } from './common';
import type { CommandContext } from './index';

/** Training steps timed after WARMUP untimed ones; tokens generated for the tensor-count check. */
const WARMUP = 2, TIMED_STEPS = 5, LEAK_STEPS = 20, LEAK_TOKENS = 100, VOCAB = 512, BATCH = 16;

/** @genai-fi/nanogpt's configuration as measured in the issue: vocab ~96, ctx 64, 2×4 heads, 64 wide, batch 16. */
const PEER: GPTConfig = { vocabSize: 96, blockSize: 64, nLayer: 2, nHead: 4, nEmbd: 64, dropout: 0, seed: 1 };

interface Case {
  name: string;
  config: GPTConfig;
}

/**
 * `markerlab bench [--backend B] [--preset P] [--json]`: per Node backend and model, training
 * tokens/s and ms/step, decoding ms/token with and without the KV cache across context lengths,
 * and live tensors before/after training and generation. A benchmark, never a test.
 */
export async function bench(ctx: CommandContext): Promise<number> {
  noPositionals(ctx, 'bench');
  const only = parseBackend(ctx.flags.backend);
  const presets = ctx.flags.preset === undefined ? (['nano', 'tiny'] as PresetName[]) : [checkPreset(ctx.flags.preset)];
  const cases: Case[] = [
    ...presets.map((p) => ({ name: p, config: presetConfig(p, VOCAB, 1, { dropout: 0 }) })),
    { name: 'peer', config: PEER },
  ];
  const results: unknown[] = [];
  for (const backend of only ? [only] : CLI_BACKENDS) {
    if (backend === 'webgpu') {
      // WebGPU only where Dawn finds an adapter; otherwise skipped with the reason.
      try {
        await startBackend(backend, ctx.io, true, { strict: true });
      } catch (err) {
        const reason = err instanceof Error ? err.message : String(err);
        if (only) throw err;
        results.push({ backend, skipped: reason });
        if (!ctx.flags.json) ctx.io.stderr(`bench: ${backend} skipped: ${reason}\n`);
        continue;
      }
    } else {
      await startBackend(backend, ctx.io, true);
    }
    for (const c of cases) {
      if (!ctx.flags.json) ctx.io.stderr(`bench: ${backend} ${c.name}…\n`);
      const r = { backend, model: c.name, config: c.config, batchSize: BATCH, ...(await benchTraining(c.config)), ...(await benchDecoding(c.config)) };
      results.push(r);
      if (!ctx.flags.json) ctx.io.stdout(`${line(r)}\n`);
    }
  }
  if (ctx.flags.json) printJson(ctx.io, { note: 'tokens/s counts every position of every row; VOCAB 512 for presets', results });
  return 0;
}

function checkPreset(flag: string): PresetName {
  if (flag in PRESETS) return flag as PresetName;
  throw new UsageError(`--preset expects ${Object.keys(PRESETS).join(', ')}, got "${flag}"`);
}

function randomBatch(config: GPTConfig, seed: number): TokenBatch {
  const n = BATCH * config.blockSize;
  let s = seed >>> 0;
  const next = (): number => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) % config.vocabSize);
  const x = Int32Array.from({ length: n }, next), y = Int32Array.from({ length: n }, next);
  const positions = Int32Array.from({ length: n }, (_, i) => i % config.blockSize);
  return { x, y, lossMask: new Float32Array(n).fill(1), positions, segments: new Int32Array(n) };
}

async function benchTraining(config: GPTConfig) {
  const model = GPT.init(config);
  const opt = new AdamW(model.params, decayNames(config));
  const batch = randomBatch(config, 1);
  const step = (i: number) => trainStep(model, opt, [batch], { lr: 1e-3, batchSize: BATCH, blockSize: config.blockSize, dropoutSeed: i });
  try {
    for (let i = 0; i < WARMUP; i++) await step(i);
    const before = tf.memory().numTensors;
    const t0 = performance.now();
    for (let i = 0; i < TIMED_STEPS; i++) await step(WARMUP + i);
    const msPerStep = (performance.now() - t0) / TIMED_STEPS;
    for (let i = TIMED_STEPS; i < LEAK_STEPS; i++) await step(WARMUP + i);
    return {
      msPerStep: round(msPerStep), trainTokensPerSec: Math.round((BATCH * config.blockSize * 1000) / msPerStep),
      tensors: { beforeTraining: before, afterTraining: tf.memory().numTensors, trainingSteps: LEAK_STEPS },
    };
  } finally {
    model.dispose();
    opt.dispose();
  }
}

async function benchDecoding(config: GPTConfig) {
  const model = GPT.init(config);
  try {
    const T = config.blockSize;
    const lengths = [16, 32, 64, 128, 256, 512].filter((L) => L < T).concat(T);
    await cachedMs(model, lengths[0]!); // warm-up: first kernel runs compile and allocate
    const perLength = [];
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

/** ms per decoded token as the cache grows to L (8 timed steps after a prefill of L-8 tokens). */
async function cachedMs(model: GPT, L: number): Promise<number> {
  const steps = Math.min(8, L - 1);
  let cache: LayerCache[] = model.emptyCache(1);
  const forward = async (ids: number[]): Promise<void> => {
    const out = tf.tidy(() => {
      const r = model.forward(tf.tensor2d(ids, [1, ids.length], 'int32'), { cache });
      return [r.logits.slice([0, ids.length - 1, 0], [1, 1, -1]), ...r.cache!.flatMap((c) => [c.k, c.v])];
    });
    for (const c of cache) tf.dispose([c.k, c.v]);
    const [last, ...kv] = out;
    cache = Array.from({ length: kv.length / 2 }, (_, i) => ({ k: kv[2 * i] as tf.Tensor4D, v: kv[2 * i + 1] as tf.Tensor4D }));
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

interface Row {
  backend: string; model: string; msPerStep: number; trainTokensPerSec: number;
  cacheSpeedupAtFullContext: number; cachedCostGrowth16ToFull: number;
  tensors: { beforeTraining: number; afterTraining: number }; generationTensors: { before: number; after: number };
}

function line(r: Row): string {
  return `${r.backend.padEnd(6)} ${r.model.padEnd(5)} train ${String(r.trainTokensPerSec).padStart(7)} tok/s (${r.msPerStep} ms/step)  ` +
    `KV cache ×${r.cacheSpeedupAtFullContext} at full context, cost growth ×${r.cachedCostGrowth16ToFull}  ` +
    `tensors train ${r.tensors.beforeTraining}→${r.tensors.afterTraining}, generate ${r.generationTensors.before}→${r.generationTensors.after}`;
}
