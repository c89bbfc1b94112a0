/**
 * The bench worker: starts one TensorFlow.js backend and runs the speed-and-memory benchmark
 * (src/lib/model/bench.ts) on it, off the main thread. The bench page (/?view=bench) starts a fresh
 * worker per backend, so every backend begins with no kernels compiled and no tensors alive.
 */
import * as tf from '@tensorflow/tfjs';
import type { BackendOptions, BackendReport } from '../src/lib/model/backend';
import { benchCase, benchCases, type BenchModel, type BenchProgressFn, type BenchResult } from '../src/lib/model/bench';
import { measureBackends, type MeasureRequest } from '../src/lib/model/backend-measure';
import type { BackendTiming } from '../src/lib/model/backend-rank';
import { initWorkerBackend, WASM_PATHS } from './wasm-paths';

export interface BenchApi {
  /** Start the first backend that works, in the given order (the page passes exactly one). */
  init(options?: BackendOptions): Promise<BackendReport>;
  /** Measure each model in order on the active backend; progress before each phase. */
  run(models: BenchModel[], onProgress?: BenchProgressFn): Promise<BenchResult[]>;
  /**
   * The chooser's measurement (src/lib/model/backend-measure.ts) `repeats` times; the page starts
   * this worker with or without wasm threads to compare them.
   */
  measure(request: MeasureRequest, wasmThreads: boolean, repeats: number): Promise<BackendTiming[][]>;
}

/** @example Comlink.expose(createBench()) in bench.worker.ts */
export function createBench(): BenchApi {
  return {
    init: (options) => initWorkerBackend(options),
    async run(models, onProgress) {
      const results: BenchResult[] = [];
      for (const c of benchCases(models)) results.push(await benchCase(tf.getBackend(), c, onProgress));
      return results;
    },
    async measure(request, wasmThreads, repeats) {
      const rounds: BackendTiming[][] = [];
      for (let i = 0; i < repeats; i++) rounds.push(await measureBackends(request, { wasmPaths: WASM_PATHS, wasmThreads }));
      return rounds;
    },
  };
}
