/**
 * A training run: the loop around trainStep, as minGPT's Trainer does it — it emits events and
 * never draws anything. The caller (the trainer worker, the CLI) logs, charts and checkpoints.
 *
 * Control is cooperative and happens at step boundaries: pause() holds before the next step,
 * resume() continues, stop() ends the run after the current step.
 */
import * as tf from '@tensorflow/tfjs';
import type { GPT } from './gpt';
import type { AdamW } from './optimizer';
import { getLr, type LrSchedule } from './schedule';
import type { TokenBatch } from '../data/batch-pack';
import { evaluate, NonFiniteError, trainStep, type StepResult } from './train';

export interface RunOptions extends LrSchedule {
  /** Optimizer steps to take in this run (counting from the optimizer's current step). */
  steps: number;
  batchSize: number;
  blockSize: number;
  /** Micro-batches per optimizer step (gradient accumulation). */
  accumulation: number;
  /** Validate every this many steps (0: only at the end). */
  evalEvery: number;
  /** Emit progress at most this often (ms); every step when 0. */
  progressEveryMs: number;
  /** Optimizer step the schedule counts from (0: the checkpoint's own curve; a fine-tune's first step: a fresh one). */
  scheduleStart?: number;
}

/** Validation sets: loss with the prompt's markers present, and with them all dropped. */
/** Iterated once per validation pass (session.ts packs each batch as it is reached). */
export interface ValidationSets {
  withMarkers: Iterable<TokenBatch>;
  withoutMarkers: Iterable<TokenBatch>;
}

export interface Progress {
  step: number;
  totalSteps: number;
  loss: number;
  lr: number;
  gradNorm: number;
  tokensPerSec: number;
  elapsedMs: number;
  etaMs: number;
  numTensors: number;
  valLoss?: number;
  valLossNoMarkers?: number;
  /** Sent just before a validation pass (no new loss point): the panel says it is validating. */
  validating?: boolean;
}

export interface RunEvents {
  onProgress?: (p: Progress) => void | Promise<void>;
  /** After every validation (also at the end). */
  onEval?: (p: Progress) => void | Promise<void>;
}

export type RunEnd = 'completed' | 'stopped' | 'non-finite';

export interface RunResult {
  end: RunEnd;
  last?: Progress;
  error?: NonFiniteError;
}

export class TrainingRun {
  #paused = false;
  #stopped = false;
  #wake: (() => void) | null = null;

  pause(): void {
    this.#paused = true;
  }

  resume(): void {
    this.#paused = false;
    this.#wake?.();
  }

  stop(): void {
    this.#stopped = true;
    this.#wake?.();
  }

  /**
   * Train `model` for `options.steps` optimizer steps on `nextBatch(step, micro)`.
   *
   * @example
   * const run = new TrainingRun();
   * const result = await run.train(model, opt, (s, k) => sampler.next(s * accumulation + k), val, options, { onProgress });
   */
  async train(
    model: GPT,
    optimizer: AdamW,
    nextBatch: (step: number, micro: number) => TokenBatch,
    validation: ValidationSets | null,
    options: RunOptions,
    events: RunEvents = {},
  ): Promise<RunResult> {
    const first = optimizer.state.step;
    const end = first + options.steps;
    const started = performance.now();
    let lastEmit = -Infinity;
    let tokens = 0;
    let last: Progress | undefined;
    let activeMs = 0;

    while (optimizer.state.step < end) {
      if (this.#paused && !this.#stopped) await new Promise<void>((wake) => (this.#wake = wake));
      this.#wake = null;
      if (this.#stopped) break;
      const step = optimizer.state.step + 1;
      const t0 = performance.now();
      const micro = Array.from({ length: options.accumulation }, (_, k) => nextBatch(step, k));
      let r: StepResult;
      try {
        r = await trainStep(model, optimizer, micro, {
          lr: getLr(step - (options.scheduleStart ?? 0), options), batchSize: options.batchSize, blockSize: options.blockSize, dropoutSeed: step,
        });
      } catch (err) {
        if (err instanceof NonFiniteError) return last ? { end: 'non-finite', last, error: err } : { end: 'non-finite', error: err };
        throw err;
      }
      activeMs += performance.now() - t0;
      tokens += options.batchSize * options.blockSize * options.accumulation;
      const done = step - first;
      const tokensPerSec = tokens / (activeMs / 1000);
      last = {
        step, totalSteps: end, loss: r.loss, lr: r.lr, gradNorm: r.gradNorm, tokensPerSec,
        elapsedMs: performance.now() - started,
        etaMs: ((end - step) * activeMs) / done,
        numTensors: tf.memory().numTensors,
      };
      const evalNow = validation && ((options.evalEvery > 0 && step % options.evalEvery === 0) || step === end);
      if (evalNow) {
        await events.onProgress?.({ ...last, validating: true });
        last.valLoss = await evaluate(model, validation.withMarkers, options.batchSize, options.blockSize);
        last.valLossNoMarkers = await evaluate(model, validation.withoutMarkers, options.batchSize, options.blockSize);
        await events.onEval?.(last);
      }
      if (evalNow || step === end || performance.now() - lastEmit >= options.progressEveryMs) {
        lastEmit = performance.now();
        await events.onProgress?.(last);
      }
    }
    const how: RunEnd = optimizer.state.step < end ? 'stopped' : 'completed';
    return last ? { end: how, last } : { end: how };
  }
}
