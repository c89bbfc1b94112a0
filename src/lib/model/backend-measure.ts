/**
 * Choosing a backend by measurement: start each backend the platform offers, time a few steps of
 * the work at hand (decoded tokens for Play, training steps for Train) on a model of the real
 * shape, then rank the figures (backend-rank.ts) and start the winner.
 *
 * Kept short: one warm-up and a few timed steps per backend, training on one row of at most
 * MEASURE_TOKENS tokens, a backend stopped as soon as it cannot win, a time budget per backend,
 * and software adapters (SwiftShader) not timed unless asked (their shader compiles alone take
 * seconds of both cores, and they are never preferred). Cancellable between steps.
 *
 * tf only: runs in a worker or in Node, no DOM.
 */
import { initBackend, prepareBackend, startBackend, type BackendOptions, type BackendReport } from './backend';
import { rankBackends, TIE, type BackendName, type BackendTiming, type BackendWork } from './backend-rank';
import { cachedMs, randomBatch } from './bench';
import type { GPTConfig } from './config';
import { GPT } from './gpt';
import { AdamW } from './optimizer';
import { trainStep } from './train';
import { decayNames } from './weights';
import { errorMessage } from '../util/errors';

/** wasm first: on a machine without a GPU it is the likely winner, and it bounds the others early. */
export const MEASURE_ORDER: readonly BackendName[] = ['wasm', 'webgpu', 'webgl', 'cpu'];

/** Training is timed on one row of at most this many tokens (per-token cost, not a full batch). */
export const MEASURE_TOKENS = 128;

/** What to measure and how. */
export interface MeasureRequest {
  work: BackendWork;
  /** The shape to time (the loaded model's, or the one about to load); dropout is ignored. */
  config: GPTConfig;
  /** Backends to try, in this order (default MEASURE_ORDER). */
  candidates?: readonly BackendName[];
  /** Time software adapters too (the bench page does; Automatic does not). */
  measureSoftware?: boolean;
  /** Stop timing a backend once this much time went to it (default 1500 ms). */
  budgetMs?: number;
  /** A person's choice, honoured when that backend works. */
  override?: BackendName | 'auto';
}

/** Checked between steps; `aborted` true stops the measurement with a CancelledError. */
export interface CancelSignal {
  readonly aborted: boolean;
}

export class CancelledError extends Error {
  override name = 'CancelledError';
  constructor() {
    super('the backend measurement was cancelled');
  }
}

/**
 * Time `request.work` on every candidate backend; never throws for a backend that fails (its
 * timing says why), only on cancel.
 *
 * @example
 * const timings = await measureBackends({ work: 'inference', config: presetConfig('tiny', 2400) });
 * // [{ backend: 'wasm', msPerToken: 2.1, threads: 2, software: false }, { backend: 'webgpu', software: true, skipped: 'not timed …' }, …]
 */
export async function measureBackends(request: MeasureRequest, options: BackendOptions = {}, signal?: CancelSignal): Promise<BackendTiming[]> {
  const config: GPTConfig = { ...request.config, dropout: 0 };
  const budget = request.budgetMs ?? 1500;
  const timings: BackendTiming[] = [];
  let best = Infinity;
  for (const backend of request.candidates ?? MEASURE_ORDER) {
    if (signal?.aborted) throw new CancelledError();
    let adapter: string | undefined, software = false;
    try {
      ({ adapter, software } = await prepareBackend(backend, options));
      if (software && !request.measureSoftware) {
        timings.push({ backend, ...(adapter ? { adapter } : {}), software, skipped: 'not timed: a software adapter is never preferred' });
        continue;
      }
      await startBackend(backend, options);
    } catch (err) {
      timings.push({ backend, software, skipped: `did not start: ${errorMessage(err)}` });
      continue;
    }
    const threads = backend === 'wasm' ? await wasmThreads() : undefined;
    const timed = await timeWork(request.work, config, best, budget, signal);
    timings.push({ backend, ...(adapter ? { adapter } : {}), software, ...(threads !== undefined ? { threads } : {}), ...timed });
    if (!software && !timed.lowerBound) best = Math.min(best, timed.msPerToken);
  }
  return timings;
}

/**
 * Measure, rank, start the winner (falling back along the ranking), and report all of it.
 *
 * @example
 * const report = await chooseBackend({ work: 'training', config });
 * report.backend;          // 'wasm'
 * report.decision?.reason; // 'WebAssembly (2 threads): 0.9 ms/token, … — chose WebAssembly'
 */
export async function chooseBackend(request: MeasureRequest, options: BackendOptions = {}, signal?: CancelSignal): Promise<BackendReport> {
  const timings = await measureBackends(request, options, signal);
  const decision = rankBackends(request.work, timings, request.override ?? 'auto');
  const report = await initBackend({ ...options, order: decision.order });
  return { ...report, decision };
}

/** Threads the started wasm backend uses (1 when single-threaded). */
async function wasmThreads(): Promise<number> {
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  return wasm.getThreadsCount();
}

interface Timed {
  msPerToken: number;
  lowerBound?: boolean;
  note?: string;
}

/**
 * One warm-up (kernel compiles, allocations), then timed steps until STEPS are done, the budget
 * is spent, or the figure already exceeds the best so far (then it is a lower bound).
 */
async function timeWork(work: BackendWork, config: GPTConfig, best: number, budget: number, signal?: CancelSignal): Promise<Timed> {
  const step = work === 'inference' ? inferenceStep(config) : trainingStep(config);
  const started = performance.now();
  try {
    const warm = await step.run();
    if (performance.now() - started > budget) return { msPerToken: round(warm), note: 'warm-up only' };
    let sum = 0, n = 0;
    while (n < step.steps) {
      if (signal?.aborted) throw new CancelledError();
      sum += await step.run();
      n++;
      const mean = sum / n;
      if (mean > best * (1 + TIE) && n < step.steps) return { msPerToken: round(mean), lowerBound: true };
      if (performance.now() - started > budget) break;
    }
    return { msPerToken: round(sum / n) };
  } finally {
    step.dispose();
  }
}

interface TimedStep {
  /** Run one step; resolves to its ms per token. */
  run(): Promise<number>;
  steps: number;
  dispose(): void;
}

/**
 * Tokens decoded with the KV cache, as Play decodes: per step a prefill of 8 tokens then 2 timed
 * tokens (short steps, so a slow backend is stopped after little work); 4 timed steps.
 */
function inferenceStep(config: GPTConfig): TimedStep {
  const model = GPT.init(config);
  const length = Math.min(10, config.blockSize);
  return { steps: 4, run: () => cachedMs(model, length, 2), dispose: () => model.dispose() };
}

/** One AdamW step on one row of min(blockSize, MEASURE_TOKENS) tokens. */
function trainingStep(config: GPTConfig): TimedStep {
  const model = GPT.init(config);
  const opt = new AdamW(model.params, decayNames(config));
  const T = Math.min(config.blockSize, MEASURE_TOKENS);
  const batch = randomBatch(config, 1, 1, T);
  let i = 0;
  return {
    steps: 3,
    async run() {
      const t0 = performance.now();
      await trainStep(model, opt, [batch], { lr: 1e-4, batchSize: 1, blockSize: T, dropoutSeed: i++ });
      return (performance.now() - t0) / T;
    },
    dispose() {
      model.dispose();
      opt.dispose();
    },
  };
}

const round = (x: number): number => Number(x.toPrecision(3));
