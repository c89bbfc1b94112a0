// The tfjs-backend-wasm binaries, emitted by Vite as hashed assets, so the wasm backend
// works from the dev server and from a production build alike.
import { initBackend, type BackendOptions, type BackendReport } from '../src/lib/model/backend';
import wasm from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';

export const WASM_PATHS: Record<string, string> = {
  'tfjs-backend-wasm.wasm': wasm,
  'tfjs-backend-wasm-simd.wasm': wasmSimd,
  'tfjs-backend-wasm-threaded-simd.wasm': wasmThreadedSimd,
};

/**
 * Start a tfjs backend inside a worker (every worker API's `init`): the fallback chain of
 * src/lib/model/backend.ts, with the wasm binaries served by this build.
 *
 * @example
 * init: (options) => initWorkerBackend(options),
 */
export function initWorkerBackend(options?: BackendOptions): Promise<BackendReport> {
  return initBackend({ wasmPaths: WASM_PATHS, ...options });
}
