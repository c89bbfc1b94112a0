// The tfjs-backend-wasm binaries, emitted by Vite as hashed assets, so the wasm backend
// works from the dev server and from a production build alike.
import { initBackend, type BackendOptions, type BackendReport } from '../src/lib/model/backend';
import { chooseBackend } from '../src/lib/model/backend-measure';
import wasm from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';

export const WASM_PATHS: Record<string, string> = {
  'tfjs-backend-wasm.wasm': wasm,
  'tfjs-backend-wasm-simd.wasm': wasmSimd,
  'tfjs-backend-wasm-threaded-simd.wasm': wasmThreadedSimd,
};

/** The measurement under way in this worker, if any: cancelMeasure() flips it. */
let measuring: { aborted: boolean } | null = null;

/**
 * Start a tfjs backend inside a worker (every worker API's `init`): by measurement when
 * `options.measure` is given (src/lib/model/backend-measure.ts), else the fallback chain of
 * src/lib/model/backend.ts, with the wasm binaries served by this build.
 *
 * @example
 * init: (options) => initWorkerBackend(options),
 */
export async function initWorkerBackend(options?: BackendOptions): Promise<BackendReport> {
  const { measure, ...rest } = { wasmPaths: WASM_PATHS, ...options };
  if (!measure) return initBackend(rest);
  const signal = { aborted: false };
  measuring = signal;
  try {
    return await chooseBackend(measure, rest, signal);
  } finally {
    if (measuring === signal) measuring = null;
  }
}

/**
 * Stop this worker's measurement between two steps; its init() rejects with CancelledError.
 *
 * @example
 * cancel: () => cancelMeasure(),
 */
export function cancelMeasure(): void {
  if (measuring) measuring.aborted = true;
}
